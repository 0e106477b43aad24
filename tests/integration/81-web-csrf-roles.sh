# The console authorises every request on the server: POSTs without the
# CSRF token refused and changing nothing, a viewer refused alerts (no
# form, and 403 when it posts anyway), no session -> login page, login
# attempts rate-limited, CSP without inline script and no framing.
. tests/lib.sh
. tests/web-lib.sh
web_start_all
run_browser csrf_roles
echo "81-web-csrf-roles: ok"
