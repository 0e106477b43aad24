"""82: hostile input.  Text with <script> and quotes is shown as text in the
alert list, the confirmation page, the board wall and the audit log, and no
script runs; uploads over the limit are refused before they are read; a
CAP upload's file name cannot name a path; paths with .. or encoded
slashes find nothing; the redirect after login stays on this site."""
import urllib.error
import urllib.parse
import urllib.request

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from weblib import (URL, browser, check, fetch, ledsign, login, shot, wait, SOCK, TMP)

EVIL = "<script>window.__pwned=1</script><img src=x onerror=\"window.__pwned=2\"> '\"&amp;"

d = browser()
try:
    login(d, "duty1")
    # an alert whose text is markup, raised through the console
    d.get(URL + "/alerts")
    d.find_element(By.ID, "text").send_keys(EVIL)
    Select(d.find_element(By.ID, "level")).select_by_value("info")
    d.find_element(By.ID, "preview").click()
    wait(lambda: d.find_element(By.ID, "confirm-text"), 10, "no confirmation page")
    check(d.find_element(By.ID, "confirm-text").text == EVIL, "the confirmation does not show the text as text: %r" %
          d.find_element(By.ID, "confirm-text").text)
    d.find_element(By.ID, "confirm-raise").click()
    wait(lambda: "raised=" in d.current_url, 10, "not raised")
    cell = d.find_element(By.CSS_SELECTOR, "#alerts td.alerttext")
    check(cell.text == EVIL, "the alert list does not show the text as text: %r" % cell.text)
    check(not d.find_elements(By.CSS_SELECTOR, "#alerts td.alerttext *"), "the alert text became elements")
    # the same from the CLI: an item on the board wall named by the alert
    r = ledsign("alert", "<b>bold</b>", "--id", "x<y", "--socket", SOCK)
    # (ids are checked by the daemon: a markup id is refused outright)
    check(r.returncode != 0, "the daemon took an id with markup")
    d.get(URL + "/wall")
    wait(lambda: d.find_element(By.CSS_SELECTOR, '[data-board="hall"] .item').text.startswith("alert:"), 10,
         "the wall does not show the alert item")
    d.get(URL + "/audit")
    details = [e.text for e in d.find_elements(By.CSS_SELECTOR, "#audit td.detail")]
    check(any(EVIL in t for t in details), "the audit log does not show the text as text")
    check(not d.find_elements(By.CSS_SELECTOR, "#audit td.detail *"), "audit details became elements")
    check(d.execute_script("return window.__pwned === undefined"), "a script from the alert text ran")
    shot(d, "audit-escaped")
    print("markup shown as text in the confirmation, the alert list and the audit log; no script ran")

    token = d.find_element(By.CSS_SELECTOR, 'meta[name="csrf-token"]').get_attribute("content")
    # an upload over the limit is refused (413) before the daemon sees it
    big = "x" * (5 * 1024 * 1024)
    status, body = fetch(d, "/alerts/cap", "POST", "csrf=" + urllib.parse.quote(token) + "&pad=" + big)
    check(status == 413, "a 5 MiB POST got %d, not 413" % status)
    # a CAP file named like a path: only a label, nothing written anywhere
    d.get(URL + "/alerts")
    cap = TMP + "/evil.xml"
    with open(cap, "w") as f:
        f.write('<?xml version="1.0"?><alert xmlns="urn:oasis:names:tc:emergency:cap:1.2"><identifier>EV1</identifier>'
                '<sender>a@b</sender><sent>2026-11-30T10:00:00+08:00</sent><status>Actual</status>'
                '<msgType>Alert</msgType><scope>Public</scope><info><category>Met</category><event>x</event>'
                '<urgency>Immediate</urgency><severity>Severe</severity><certainty>Observed</certainty>'
                '<headline>&lt;script&gt;cap&lt;/script&gt;</headline></info></alert>')
    d.find_element(By.ID, "capfile").send_keys(cap)
    d.find_element(By.ID, "capsubmit").click()
    wait(lambda: "cap=" in d.current_url, 10, "the CAP upload was not applied")
    texts = [e.text for e in d.find_elements(By.CSS_SELECTOR, "#alerts td.alerttext")]
    check("<script>cap</script>" in texts, "the CAP headline is not shown as text: %r" % texts)
    # a file that is not CAP: refused with the parser's reason, nothing applied
    with open(TMP + "/notcap.xml", "w") as f:
        f.write("<html><script>x</script></html>")
    d.get(URL + "/alerts")
    d.find_element(By.ID, "capfile").send_keys(TMP + "/notcap.xml")
    d.find_element(By.ID, "capsubmit").click()
    wait(lambda: d.find_element(By.ID, "caperror"), 10, "a non-CAP file was not refused")
    print("uploads: over the limit refused, file name only a label, non-CAP refused:",
          d.find_element(By.ID, "caperror").text[:80])

    # paths: traversal and encoded separators find nothing
    for p in ("/static/../web.cfg", "/static/%2e%2e/%2e%2e/etc/passwd", "/static/..%2fusers.db",
              "/wall/board/..%2f..%2fusers.db.png", "/static/console.css%00.png"):
        status, body = fetch(d, p)
        check(status in (400, 404), "%s answered %d" % (p, status))
        check(b"SQLite" not in body and b"root:" not in body, "%s gave a file away" % p)
    # a preview (any viewer may ask for one) opens no file outside the
    # config's directory as a font or a poster
    for q in ("font=/etc/passwd", "font=../../../etc/passwd", "font=/dev/zero", "image=/etc/passwd"):
        status, body = fetch(d, "/content/preview.png?board=hall&" + ("text=a&" if q.startswith("font") else "") + q)
        check(status == 400, "a preview with %s answered %d" % (q, status))
    status, body = fetch(d, "/content/preview.png?board=hall&text=a")
    check(status == 200 and body[:4] == b"\x89PNG", "a plain preview answered %d" % status)
    # the login redirect stays on this site
    d.delete_all_cookies()
    for nxt in ("//evil.example/", "https://evil.example/", "/\\evil.example"):
        d.get(URL + "/login?next=" + urllib.parse.quote(nxt))
        d.find_element(By.ID, "user").send_keys("viewer1")
        d.find_element(By.ID, "password").send_keys(__import__("os").environ["PASS"])
        d.find_element(By.ID, "login-submit").click()
        wait(lambda: "/login" not in d.current_url, 10, "login failed")
        check(d.current_url.startswith(URL + "/"), "next=%s led to %s" % (nxt, d.current_url))
        d.delete_all_cookies()
    print("no path traversal, no open redirect")
finally:
    d.quit()
print("ok")
