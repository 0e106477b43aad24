# The console's board wall in a real browser (headless chromium driven by
# chromedriver through python3-selenium): log in, a wrong password refused,
# the session cookie HttpOnly and SameSite=Strict; every board on the wall
# LED for LED as the simulated board's own PNG shows it, in the config's
# groups; an alert from the CLI on the wall within 1 s of the board.
. tests/lib.sh
. tests/web-lib.sh
web_start_all
run_browser wall
echo "80-web-wall: ok"
