"""81: every request is authorised on the server.  A POST without the CSRF
token is refused (and changes nothing); a viewer sees no alert form and is
refused when it posts one anyway; a page without a session sends the
browser to the login page; login attempts are rate-limited; every answer
carries the Content-Security-Policy and no framing."""
import subprocess
import urllib.error
import urllib.parse
import urllib.request

from selenium.webdriver.common.by import By

from weblib import (LEDSIGN, TMP, URL, browser, check, fetch, ledsign, login, shot, wait, SOCK)

# without a session: to the login page, and nothing from the API
r = urllib.request.urlopen(URL + "/wall")   # follows the redirect
check(r.geturl().startswith(URL + "/login?next="), "no session, but /wall did not lead to the login page: " + r.geturl())
csp = r.headers.get("Content-Security-Policy", "")
check("default-src 'self'" in csp and "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp,
      "weak or missing Content-Security-Policy: %r" % csp)
check(r.headers.get("X-Frame-Options") == "DENY", "no X-Frame-Options: DENY")
try:
    urllib.request.urlopen(urllib.request.Request(URL + "/wall/boards.json"))
    body = None
except urllib.error.HTTPError as e:
    body = e.code
check(body is None or body != 200, "boards.json answered without a session")

d = browser()
try:
    # a POST without the token, from a logged-in duty account: refused, nothing raised
    login(d, "duty1")
    d.get(URL + "/alerts")
    status, body = fetch(d, "/alerts/raise", "POST", "preview=x")
    check(status == 403, "a POST without the CSRF token got %d, not 403" % status)
    status, body = fetch(d, "/alerts/clear", "POST", "all=1")
    check(status == 403, "clear without the CSRF token got %d" % status)
    status, body = fetch(d, "/alerts/preview", "POST", "text=x&target=all&duration=900&csrf=not-the-token")
    check(status == 403, "a wrong CSRF token got %d" % status)
    token = d.find_element(By.CSS_SELECTOR, 'meta[name="csrf-token"]').get_attribute("content")
    status, body = fetch(d, "/alerts/preview", "POST",
                         "text=x&target=all&duration=900&csrf=" + urllib.parse.quote(token))
    check(status == 200 and b"confirm-raise" in body, "the same POST with the token was not accepted (%d)" % status)
    # an alert raised from the CLI survives the refused clear
    r = ledsign("alert", "CSRF test", "--level", "info", "--socket", SOCK)
    check(r.returncode == 0, "ledsign alert: " + r.stderr)
    status, body = fetch(d, "/alerts/clear", "POST", "all=1")
    check(status == 403, "clear without a token got %d" % status)
    check("CSRF test" in ledsign("alerts", "--socket", SOCK).stdout, "the alert went although the clear was refused")
    print("POSTs without the CSRF token refused")
    d.delete_all_cookies()

    # a viewer: no form, and the server refuses what the form would send
    login(d, "viewer1")
    d.get(URL + "/alerts")
    check(not d.find_elements(By.ID, "raise"), "a viewer is shown the alert form")
    check(not d.find_elements(By.CSS_SELECTOR, "#alerts button.danger"), "a viewer is shown clear buttons")
    token = d.find_element(By.CSS_SELECTOR, 'meta[name="csrf-token"]').get_attribute("content")
    q = urllib.parse.quote(token)
    for path, body in (("/alerts/preview", "text=viewer&target=all&duration=900&csrf=" + q),
                       ("/alerts/raise", "preview=x&csrf=" + q), ("/alerts/clear", "all=1&csrf=" + q)):
        status, _ = fetch(d, path, "POST", body)
        check(status == 403, "a viewer's POST %s got %d, not 403" % (path, status))
    check("CSRF test" in ledsign("alerts", "--socket", SOCK).stdout, "a viewer cleared an alert")
    d.get(URL + "/wall")
    wait(lambda: d.find_element(By.CSS_SELECTOR, "#wall figure"), 10, "a viewer cannot see the wall")
    shot(d, "viewer-alerts")
    print("a viewer is refused alerts")
    # `ledsign user passwd` (or del) ends the account's open sessions at once
    r = subprocess.run([LEDSIGN, "user", "passwd", "viewer1", "--users", TMP + "/users.db", "--password-stdin"],
                       input="another-password\n", capture_output=True, text=True, timeout=30)
    check(r.returncode == 0, "ledsign user passwd: " + r.stderr)
    d.get(URL + "/wall")
    check("/login" in d.current_url, "a session outlived its password change: " + d.current_url)
    login(d, "viewer1", "another-password")
    r = subprocess.run([LEDSIGN, "user", "del", "viewer1", "--users", TMP + "/users.db"], capture_output=True,
                       text=True, timeout=30)
    check(r.returncode == 0, "ledsign user del: " + r.stderr)
    d.get(URL + "/alerts")
    check("/login" in d.current_url, "a session outlived its account: " + d.current_url)
    print("sessions end with a password change and with the account")
    d.delete_all_cookies()

    # rate limit: 5 wrong passwords, then even the right one is refused for a while
    for i in range(5):
        login(d, "admin1", "wrong-%d-password" % i, expect_ok=False)
    login(d, "admin1", expect_ok=False)
    err = d.find_element(By.ID, "login-error").text
    check("/login" in d.current_url and not any(c["name"] == "ls_session" for c in d.get_cookies()),
          "the right password got in right after 5 failures")
    print("login limited after 5 failures:", err)
finally:
    d.quit()
print("ok")
