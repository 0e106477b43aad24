"""84: the audit log.  Logins (and a failed one), an alert raised and
cleared in the console, an alert raised and cleared from the CLI (with the
Unix user), a CAP upload: each is found in the console's audit log with
who did it, and in the CSV export; `ledsign alerts` shows who raised each
alert."""
import csv
import io
import pwd
import os

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from weblib import (URL, browser, check, fetch, ledsign, login, shot, wait, SOCK)

me = pwd.getpwuid(os.getuid()).pw_name
d = browser()
try:
    login(d, "admin1", "not-the-password", expect_ok=False)
    login(d, "duty1")
    d.get(URL + "/alerts")
    d.find_element(By.ID, "text").send_keys("审计测试 console")
    Select(d.find_element(By.ID, "level")).select_by_value("warning")
    d.find_element(By.CSS_SELECTOR, 'input[name="target"][value="g:south"]').click()
    d.find_element(By.CSS_SELECTOR, 'input[name="target"][value="all"]').click()
    d.find_element(By.ID, "preview").click()
    wait(lambda: d.find_element(By.ID, "confirm-raise"), 10, "no confirmation")
    check(d.find_element(By.ID, "confirm-targets").text == "@south", "targets on the confirmation: %r" %
          d.find_element(By.ID, "confirm-targets").text)
    d.find_element(By.ID, "confirm-raise").click()
    wait(lambda: "raised=" in d.current_url, 10, "not raised")
    web_id = d.current_url.split("raised=")[1]

    r = ledsign("alert", "审计测试 cli", "--level", "info", "--socket", SOCK)
    check(r.returncode == 0, "ledsign alert: " + r.stderr)
    out = ledsign("alerts", "--socket", SOCK).stdout
    print(out)
    lines = {l.split()[0]: l for l in out.splitlines()[1:] if l.strip()}
    check(web_id in lines and "duty1 (console)" in lines[web_id], "ledsign alerts does not say duty1 raised " + web_id)
    cli = [l for l in lines.values() if "审计测试 cli" in l]
    check(cli and ("%s (uid %d)" % (me, os.getuid())) in cli[0], "ledsign alerts does not name the Unix user: %r" % cli)
    cli_id = cli[0].split()[0]
    r = ledsign("clear", cli_id, "--socket", SOCK)
    check(r.returncode == 0, "ledsign clear: " + r.stderr)

    d.get(URL + "/alerts")
    row = d.find_element(By.CSS_SELECTOR, '#alerts tr[data-id="%s"]' % web_id)
    row.find_element(By.CSS_SELECTOR, "button.danger").click()
    wait(lambda: "cleared=" in d.current_url, 10, "not cleared")

    d.get(URL + "/audit")
    rows = [(r.get_attribute("data-action"), r.find_element(By.CSS_SELECTOR, ".actor").text,
             r.find_element(By.CSS_SELECTOR, ".target").text, r.find_element(By.CSS_SELECTOR, ".detail").text)
            for r in d.find_elements(By.CSS_SELECTOR, "#audit tbody tr")]
    for r in rows:
        print("audit:", r)

    def find(action, who=None, target=None, detail=None):
        for a, w, t, de in rows:
            if a == action and (who is None or w.startswith(who)) and (target is None or t == target) and \
                    (detail is None or detail in de):
                return True
        fail_rows = "\n".join(map(str, rows))
        check(False, "no audit entry %s by %s on %s (%s) in:\n%s" % (action, who, target, detail, fail_rows))

    find("login-failed", None, "admin1")
    find("login", "duty1", "duty1")
    find("alert", "duty1 (via", web_id, "level=warning targets=@south")
    find("clear", "duty1 (via", web_id)
    find("alert", me, None, "审计测试 cli")
    find("clear", me, cli_id)
    shot(d, "audit")

    status, body = fetch(d, "/audit.csv")
    check(status == 200, "CSV export: HTTP %d" % status)
    text = body.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    check(any(r["action"] == "alert" and r["console user"] == "duty1" and r["target"] == web_id for r in rows),
          "the CSV lacks the console's alert")
    check(any(r["action"] == "clear" and r["unix user"] == me and r["console user"] == "" and r["target"] == cli_id
              for r in rows), "the CSV lacks the CLI's clear with the Unix user")
    print("CSV: %d rows" % len(rows))
finally:
    d.quit()
print("ok")
