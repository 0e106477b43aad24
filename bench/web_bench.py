"""The browser side of bench/web.sh (see there)."""
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tests", "web"))
from selenium.webdriver.common.by import By  # noqa: E402

from weblib import URL, browser, fail, ledsign, login, wait, SOCK  # noqa: E402

N = int(os.environ["NBOARDS"])
ROUNDS = int(os.environ["ROUNDS"])
FARM = os.environ["FARM_OUT"]


def farm_lines():
    with open(FARM) as f:
        return f.read().split("\n")


d = browser(1400, 1000)
try:
    # let chromium start its renderer first, then log in
    d.get(URL + "/login")
    login(d, "duty")
    t0 = time.monotonic()
    d.get(URL + "/wall")     # returns after the load event: every <img> loaded or failed
    done = d.execute_script("""return Array.prototype.filter.call(document.querySelectorAll('#wall img'),
        function (i) { return i.complete && i.naturalWidth > 0; }).length""")
    t_wall = (time.monotonic() - t0) * 1000
    if done != N:
        fail("the wall shows %d of %d board pictures" % (done, N))
    print("BENCH web-wall-100-boards-ms %.0f ms" % t_wall if N == 100 else
          "BENCH web-wall-%d-boards-ms %.0f ms" % (N, t_wall), flush=True)

    lat = []
    for r in range(ROUNDS):
        d.get(URL + "/alerts")
        d.find_element(By.ID, "text").send_keys("BENCH %d" % (r + 1))
        d.find_element(By.ID, "preview").click()
        button = wait(lambda: d.find_element(By.ID, "confirm-raise"), 20, "no confirmation page")
        seen = len([l for l in farm_lines() if l.startswith("lit ")])
        t0 = time.monotonic()
        button.click()
        end = time.monotonic() + 20
        while True:
            lit = [l for l in farm_lines() if l.startswith("lit ")]
            if len(lit) > seen:
                break
            if time.monotonic() > end:
                fail("round %d: the boards never all showed the alert" % (r + 1))
            time.sleep(0.002)
        ms = (float(lit[-1].split()[1]) - t0) * 1000
        lat.append(ms)
        print("round %d: click to the last of %d boards %.1f ms" % (r + 1, N, ms), flush=True)
        ndark = len([l for l in farm_lines() if l.startswith("dark ")])
        res = ledsign("clear", "--all", "--socket", SOCK)
        if res.returncode != 0:
            fail("ledsign clear: " + res.stderr)
        wait(lambda: len([l for l in farm_lines() if l.startswith("dark ")]) > ndark, 20, "the boards did not go dark")
    print("web-alert-to-board: median %.1f ms, max %.1f ms over %d rounds" %
          (statistics.median(lat), max(lat), len(lat)))
    print("BENCH web-alert-to-board-ms %.0f ms" % statistics.median(lat), flush=True)
finally:
    d.quit()
