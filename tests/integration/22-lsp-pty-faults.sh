# LSP over a pseudo-terminal through a board that loses 10% and corrupts 1% of reads
# in both directions: 40 frames (scroll steps, then whole frames of another
# item) still arrive bit-exact, each exactly once, in order.  A second run
# corrupts 10% so that damaged packets are certainly part of the test.
. tests/lib.sh
ADDR="serial:$TMP/board0"
LISTEN="pty:$TMP/board0"
SEED_OFFSET=1
. tests/lsp-faults.sh
