# Raising an emergency from a phone-sized browser (390x844): the form and
# the confirmation fit the screen, the preview draws each board, nothing
# goes out before the confirmation, and every simulated board shows the
# alert within 1 s of the click; clearing it from the phone takes it down.
. tests/lib.sh
. tests/web-lib.sh
web_start_all
run_browser alert_mobile
echo "83-web-alert-mobile: ok"
