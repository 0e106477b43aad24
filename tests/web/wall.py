"""80: log in (a wrong password is refused), and the board wall matches what
every simulated board shows: each LED dot of the wall's picture has the
colour of the board's own pixel.  Then an alert from the CLI reaches the
wall live (server-sent events) within 1 s of the boards showing it."""
import io
import os
import signal
import time

from PIL import Image
from selenium.webdriver.common.by import By

from weblib import (BOARDS, TMP, URL, board_image, browser, check, fail, fetch, ledsign, login, shot, wait)

d = browser()
try:
    # a wrong password: refused, with the reason, and no session
    login(d, "admin1", "wrong-password", expect_ok=False)
    err = wait(lambda: d.find_element(By.ID, "login-error").text, 5, "no error for a wrong password")
    check("/login" in d.current_url, "a wrong password left the login page")
    check(not any(c["name"] == "ls_session" for c in d.get_cookies()), "a wrong password got a session")
    print("wrong password refused:", err)

    login(d, "admin1")
    cookie = [c for c in d.get_cookies() if c["name"] == "ls_session"]
    check(cookie and cookie[0]["httpOnly"] and cookie[0].get("sameSite") == "Strict",
          "the session cookie is not HttpOnly + SameSite=Strict: %r" % cookie)

    d.get(URL + "/wall")
    for name in BOARDS:
        wait(lambda: d.find_element(By.CSS_SELECTOR, '[data-board="%s"] img' % name).get_attribute("src"), 10,
             "board %s has no picture on the wall" % name)
    groups = [h.text for h in d.find_elements(By.CSS_SELECTOR, "#wall h2")]
    check(groups == ["north", "south"], "groups on the wall are %r, not the config's north, south" % groups)
    north = [f.get_attribute("data-board") for f in
             d.find_elements(By.XPATH, "//section[h2='north']//figure")]
    check(north == ["hall", "lab"], "group north holds %r" % north)
    here = d.find_elements(By.CSS_SELECTOR, "nav a.here")
    check(len(here) == 1 and here[0].get_attribute("href").endswith("/wall"), "the navigation does not mark the wall")
    shot(d, "wall")

    # each board's picture on the wall, LED by LED, against the board's own PNG
    def compare(name):
        img_el = d.find_element(By.CSS_SELECTOR, '[data-board="%s"] img' % name)
        status, png = fetch(d, img_el.get_attribute("src"))
        check(status == 200, "wall picture of %s: HTTP %d" % (name, status))
        wall = Image.open(io.BytesIO(png)).convert("RGB")
        board = board_image(name)
        bw, bh = board.size
        pitch = wall.size[0] // bw
        check(pitch >= 2 and wall.size == (bw * pitch, bh * pitch),
              "wall picture of %s is %r for a %dx%d board" % (name, wall.size, bw, bh))
        centre = lambda x, y: wall.getpixel((x * pitch + pitch // 2, y * pitch + pitch // 2))
        unlit = {centre(x, y) for y in range(bh) for x in range(bw) if board.getpixel((x, y)) == (0, 0, 0)}
        check(len(unlit) == 1, "%s: dark LEDs have %d looks on the wall" % (name, len(unlit)))
        lit = 0
        for y in range(bh):
            for x in range(bw):
                bp, wp = board.getpixel((x, y)), centre(x, y)
                if bp == (0, 0, 0):
                    continue
                lit += 1
                if name == "lab":   # mono: a lit LED is the board's LED colour (red) on the wall
                    ok = wp == (255, 0, 0)
                else:
                    ok = wp == bp
                if not ok:
                    return "%s LED %d,%d: board %r, wall %r" % (name, x, y, bp, wp)
        if lit == 0:
            return "%s shows nothing lit" % name
        return None

    for name in BOARDS:
        # the board may be between two frames: look again for a moment
        end = time.monotonic() + 5
        while True:
            why = compare(name)
            if why is None:
                break
            if time.monotonic() > end:
                fail("the wall does not match the board: " + why)
            time.sleep(0.2)
        print("wall matches board", name)

    # live: an alert raised from the CLI turns the wall's hall red
    before = d.find_element(By.CSS_SELECTOR, '[data-board="hall"] img').get_attribute("data-v")
    r = ledsign("alert", "走廊测试", "--level", "emergency", "--boards", "hall", "--socket", os.environ["SOCK"])
    check(r.returncode == 0, "ledsign alert: " + r.stderr)
    t0 = time.monotonic()
    wait(lambda: (255, 0, 0) in board_image("hall").getdata(), 5, "the board never showed the alert")
    t_board = time.monotonic()
    wait(lambda: d.find_element(By.CSS_SELECTOR, '[data-board="hall"] .item').text.startswith("alert"), 5,
         "the wall's item for hall did not change")
    wait(lambda: d.find_element(By.CSS_SELECTOR, '[data-board="hall"] img').get_attribute("data-v") != before, 5,
         "the wall's picture of hall did not change")

    def wall_red():
        img_el = d.find_element(By.CSS_SELECTOR, '[data-board="hall"] img')
        status, png = fetch(d, img_el.get_attribute("src"))
        return status == 200 and (255, 0, 0) in Image.open(io.BytesIO(png)).convert("RGB").getdata()

    wait(wall_red, 5, "the wall's picture of hall never showed the alert's red")
    lag = time.monotonic() - t_board
    print("wall showed the alert %.2f s after the board (%.2f s after the command)" % (lag, time.monotonic() - t0))
    check(lag <= 1.0, "the wall was %.2f s behind the board" % lag)
    shot(d, "wall-alert")

    # English on request, Chinese by default
    check(d.find_element(By.TAG_NAME, "h1").text == "屏幕墙", "the wall is not in Chinese by default")
    d.find_element(By.CSS_SELECTOR, "a.lang").click()
    wait(lambda: d.find_element(By.TAG_NAME, "h1").text == "Board wall", 10, "English was not chosen")
    check(d.find_element(By.CSS_SELECTOR, '[data-board="hall"] .st').text in ("online", "stalled"),
          "board states are not in English")
    d.find_element(By.CSS_SELECTOR, "a.lang").click()
    wait(lambda: d.find_element(By.TAG_NAME, "h1").text == "屏幕墙", 10, "could not go back to Chinese")

    # a board that goes away: the wall says so, with the reason, live
    with open(os.path.join(TMP, "board-gate.pid")) as f:
        os.kill(int(f.read()), signal.SIGTERM)
    t0 = time.monotonic()
    state = wait(lambda: d.find_element(By.CSS_SELECTOR, '[data-board="gate"]').get_attribute("data-state")
                 in ("offline", "connecting", "stalled") and
                 d.find_element(By.CSS_SELECTOR, '[data-board="gate"]').get_attribute("data-state"), 15,
                 "the wall still shows gate online after its board went away")
    reason = d.find_element(By.CSS_SELECTOR, '[data-board="gate"] .reason').text
    check(reason != "", "no reason shown for gate's state %s" % state)
    print("gate went away: the wall shows %s (%s) after %.2f s" % (state, reason, time.monotonic() - t0))
finally:
    d.quit()
print("ok")
