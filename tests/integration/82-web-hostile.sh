# Hostile input to the console: markup in alert text (from the console and
# from a CAP file) shown as text everywhere, no script runs; uploads over
# the limit refused; a CAP file's name is only a label; non-CAP refused;
# no path traversal; no open redirect after login.
. tests/lib.sh
. tests/web-lib.sh
web_start_all
run_browser hostile
# nothing was written outside the state directory by the upload's name
[ ! -e "$TMP/passwd" ] || fail "an upload wrote a file named by the browser"
echo "82-web-hostile: ok"
