# The audit log: a failed and a good login, alerts raised and cleared in
# the console and from the CLI, each found in the console's audit page and
# its CSV export with the console user or the Unix user; `ledsign alerts`
# shows who raised each alert.  The log is append-only (test_audit.c).
. tests/lib.sh
. tests/web-lib.sh
web_start_all
run_browser audit
echo "84-web-audit: ok"
