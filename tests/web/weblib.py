"""Shared helpers for the console's browser tests (tests/web/*.py).

The shell side (tests/web-lib.sh) starts boards, the daemon, `ledsign web`
and chromedriver, and passes their addresses in the environment."""
import base64
import io
import os
import subprocess
import sys
import time

from PIL import Image
from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.file_detector import UselessFileDetector

URL = os.environ["WEB_URL"]
DRIVER = os.environ["DRIVER_URL"]
TMP = os.environ["TMP"]
SOCK = os.environ["SOCK"]
LEDSIGN = os.environ["LEDSIGN"]
PASS = os.environ["PASS"]
SHOTS = os.environ.get("SHOTS", os.path.join(TMP, "shots"))
BOARDS = ["hall", "gate", "lab"]


def fail(msg):
    print("FAIL: " + msg, flush=True)
    sys.exit(1)


def check(cond, msg):
    if not cond:
        fail(msg)


def browser(width=1280, height=900):
    o = webdriver.ChromeOptions()
    o.binary_location = "/usr/bin/chromium"
    for a in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
              "--disable-background-networking", "--window-size=%d,%d" % (width, height),
              "--lang=zh-CN", "--hide-scrollbars",
              # talk to chromedriver over a pipe, not TCP to "localhost": a fresh
              # minimal Debian root has no /etc/hosts, and chromedriver then
              # fails with "unable to connect to renderer"
              "--remote-debugging-pipe"):
        o.add_argument(a)
    if width < 500:
        # a phone: headless windows are at least 500 px wide, so emulate the screen
        o.add_experimental_option("mobileEmulation", {"deviceMetrics": {"width": width, "height": height,
                                                                        "pixelRatio": 1.0}})
    d = webdriver.Remote(command_executor=DRIVER, options=o)
    # chromedriver runs on this machine: file inputs take local paths as they are
    d.file_detector = UselessFileDetector()
    d.set_page_load_timeout(30)
    d.set_script_timeout(30)
    return d


def login(d, user, password=None, expect_ok=True):
    d.get(URL + "/login")
    d.find_element(By.ID, "user").clear()
    d.find_element(By.ID, "user").send_keys(user)
    d.find_element(By.ID, "password").send_keys(PASS if password is None else password)
    d.execute_script("window.__formpage = 1")
    d.find_element(By.ID, "login-submit").click()
    # the answer is a new page: wait until the form's page is gone
    wait(lambda: d.execute_script("return window.__formpage === undefined && document.readyState === 'complete'"),
         15, "no answer to the login form")
    if expect_ok:
        wait(lambda: "/login" not in d.current_url, 10, "login as %s did not leave the login page" % user)


def wait(cond, seconds, msg, step=0.05):
    end = time.monotonic() + seconds
    while True:
        try:
            v = cond()
        except Exception:  # the page may be between loads
            v = None
        if v:
            return v
        if time.monotonic() > end:
            fail(msg)
        time.sleep(step)


def fetch(d, path, method="GET", body=None, headers=None):
    """A request from the page (its cookies, same origin): (status, bytes)."""
    r = d.execute_async_script("""
        var done = arguments[arguments.length - 1];
        var init = {method: arguments[1], headers: arguments[3] || {}, credentials: 'same-origin', redirect: 'manual'};
        if (arguments[2] !== null) { init.body = arguments[2];
            init.headers['Content-Type'] = 'application/x-www-form-urlencoded'; }
        fetch(arguments[0], init).then(function (r) { return r.arrayBuffer().then(function (b) {
            var s = '', a = new Uint8Array(b);
            for (var i = 0; i < a.length; i += 8192) s += String.fromCharCode.apply(null, a.subarray(i, i + 8192));
            done([r.status, btoa(s)]); }); }).catch(function (e) { done([0, btoa(String(e))]); });
    """, path, method, body, headers)
    return r[0], base64.b64decode(r[1])


def board_image(name):
    """What a simulated board shows now (ledboard's own PNG), as RGB."""
    for _ in range(50):
        try:
            with open(os.path.join(TMP, "snap-" + name, "latest.png"), "rb") as f:
                return Image.open(io.BytesIO(f.read())).convert("RGB")
        except (OSError, SyntaxError):
            time.sleep(0.02)
    fail("cannot read board %s's picture" % name)


def count_colour(img, rgb):
    return sum(1 for p in img.getdata() if p == rgb)


def shot(d, name):
    """A screenshot for docs/console.md (small: 8-bit palette)."""
    os.makedirs(SHOTS, exist_ok=True)
    img = Image.open(io.BytesIO(d.get_screenshot_as_png())).convert("RGB")
    img = img.quantize(colors=128)
    img.save(os.path.join(SHOTS, name + ".png"), optimize=True)


def ledsign(*args):
    return subprocess.run([LEDSIGN] + list(args), capture_output=True, text=True, timeout=30)
