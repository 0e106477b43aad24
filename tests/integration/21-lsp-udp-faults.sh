# LSP over UDP through a board that loses 10% and corrupts 1% of datagrams
# in both directions: 40 frames (scroll steps, then whole frames of another
# item) still arrive bit-exact, each exactly once, in order.  A second run
# corrupts 10% so that damaged packets are certainly part of the test.
. tests/lib.sh
PORT=$(free_port)
ADDR="udp:127.0.0.1:$PORT"
LISTEN="udp:127.0.0.1:$PORT"
SEED_OFFSET=0
. tests/lsp-faults.sh
