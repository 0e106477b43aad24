"""87: the content editor.  An editor changes the slogan (text and colour)
with the live preview redrawing as they type, saves, and the simulated
boards show it; a save with a colour the checker refuses shows the error
beside the colour field and changes nothing (the staff file is byte for
byte the same, the boards unchanged); restoring the first version from the
history brings the old slogan back on the boards.  Also: the week calendar
and the "why" page, and a playlist reordered by keyboard."""
import os
import time

from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from weblib import (URL, board_image, browser, check, count_colour, login, shot, wait)

STAFF = os.environ["STAFF"]
GREEN, RED = (0, 255, 0), (255, 0, 0)


def staff_text():
    with open(STAFF, "rb") as f:
        return f.read()


def shows(board, colour):
    img = board_image(board)
    return count_colour(img, colour) > 20


def preview_loaded(d):
    return all(d.execute_script("return arguments[0].complete && arguments[0].naturalWidth > 0", i)
               for i in d.find_elements(By.CSS_SELECTOR, "img.lp"))


d = browser()
try:
    login(d, "editor1")
    wait(lambda: shows("hall", GREEN), 10, "hall does not show the green OK to start with")

    # --- change the slogan, watching the preview
    d.get(URL + "/content/item?name=ok")
    wait(lambda: preview_loaded(d), 10, "the previews did not load")
    check(len(d.find_elements(By.CSS_SELECTOR, "img.lp")) == 3, "not one preview per board")
    before = d.find_element(By.CSS_SELECTOR, 'img.lp[data-board="hall"]').get_attribute("src")
    text = d.find_element(By.ID, "f-text")
    text.clear()
    text.send_keys("网络安全")
    colour = d.find_element(By.ID, "f-color")
    colour.clear()
    colour.send_keys("red")
    wait(lambda: "text=%E7%BD%91" in d.find_element(By.CSS_SELECTOR, 'img.lp[data-board="hall"]').get_attribute("src")
         and "color=red" in d.find_element(By.CSS_SELECTOR, 'img.lp[data-board="hall"]').get_attribute("src"),
         5, "the preview did not follow the typing (src %s)" % before)
    wait(lambda: preview_loaded(d), 10, "the new previews did not load")
    # the preview is ledsign's own rendering: red LEDs on hall's preview
    png = d.execute_script("""var i = document.querySelector('img.lp[data-board="hall"]');
        var c = document.createElement('canvas'); c.width = i.naturalWidth; c.height = i.naturalHeight;
        var x = c.getContext('2d'); x.drawImage(i, 0, 0); var p = x.getImageData(0, 0, c.width, c.height).data, n = 0;
        for (var k = 0; k < p.length; k += 4) if (p[k] > 200 && p[k + 1] < 60 && p[k + 2] < 60) n++; return n;""")
    check(png > 50, "the preview shows no red LEDs (%d)" % png)
    shot(d, "content-item")
    d.find_element(By.ID, "save").click()
    wait(lambda: d.find_elements(By.ID, "saved"), 10, "no 'saved' notice after the save")
    check(b'text = "\xe7\xbd\x91\xe7\xbb\x9c\xe5\xae\x89\xe5\x85\xa8"; color = "red";' in staff_text(),
          "the staff file does not hold the new slogan")
    wait(lambda: shows("hall", RED) and not shows("hall", GREEN), 10, "hall does not show the new red slogan")
    wait(lambda: shows("gate", RED), 10, "gate does not show the new red slogan")
    saved = staff_text()

    # --- a save with an error: shown beside the field, nothing changed
    d.get(URL + "/content/item?name=ok")
    colour = d.find_element(By.ID, "f-color")
    colour.clear()
    colour.send_keys("purplish")
    d.find_element(By.ID, "save").click()
    err = wait(lambda: d.find_element(By.CSS_SELECTOR, "#field-color .field-error"), 10,
               "no error beside the colour field")
    check("purplish" in d.find_element(By.ID, "f-color").get_attribute("value"), "the form lost what was typed")
    check("colour name" in err.text or "#RRGGBB" in err.text, "the error does not say what is wrong: %r" % err.text)
    check(d.find_elements(By.ID, "save-error"), "no message that nothing was saved")
    check(not d.find_elements(By.CSS_SELECTOR, "#field-text .field-error"), "an error beside the wrong field")
    shot(d, "content-error")
    check(staff_text() == saved, "a refused save changed the staff file")
    time.sleep(0.5)
    check(shows("hall", RED) and not shows("hall", GREEN), "a refused save changed the board")

    # --- a save whose base (the version the form was made from) does not
    # fit the request: refused, never saved without its conflict check
    d.get(URL + "/content/item?name=ok")
    d.execute_script("document.querySelector('input[name=base]').value = arguments[0]", "f" * 60000)
    text = d.find_element(By.ID, "f-text")
    text.clear()
    text.send_keys("LOST")
    d.find_element(By.ID, "save").click()
    wait(lambda: d.find_elements(By.ID, "save-error"), 10, "a save with an overlong base was not refused")
    check(staff_text() == saved, "a save with an overlong base changed the staff file")

    # --- undo: restore the first version from the history
    d.get(URL + "/history")
    rows = d.find_elements(By.CSS_SELECTOR, "#versions tbody tr")
    check(len(rows) == 2, "two versions expected in the history, not %d" % len(rows))
    d.get(URL + "/history/version?id=2")
    diff = d.find_element(By.ID, "diff").text
    check('-  { name = "ok"; text = "OK"; color = "green"; }' in diff and "+  { name = \"ok\"; text = \"网络安全\"" in diff,
          "the diff of version 2 does not show the change: %r" % diff)
    shot(d, "content-diff")
    d.get(URL + "/history")
    d.find_element(By.CSS_SELECTOR, 'button.restore[data-version="1"]').click()
    wait(lambda: d.find_elements(By.ID, "saved"), 10, "no notice after the restore")
    check(len(d.find_elements(By.CSS_SELECTOR, "#versions tbody tr")) == 3, "the restore is not a new version")
    check(b'text = "OK"; color = "green";' in staff_text(), "the restore did not bring the old text back")
    wait(lambda: shows("hall", GREEN) and not shows("hall", RED), 10, "hall does not show the old slogan again")
    shot(d, "content-history")

    # --- a poster: uploaded, previewed on every board, made an item
    from PIL import Image
    Image.new("RGB", (64, 16), (0, 0, 255)).save(os.path.join(os.environ["TMP"], "blue.png"))
    with open(os.path.join(os.environ["TMP"], "not.png"), "w") as f:
        f.write("<script>alert(1)</script>")
    d.get(URL + "/content")
    d.find_element(By.ID, "poster").send_keys(os.path.join(os.environ["TMP"], "not.png"))
    d.find_element(By.ID, "upload").click()
    wait(lambda: "PNG" in d.find_element(By.TAG_NAME, "main").text, 10, "a file that is not a PNG was not refused")
    d.get(URL + "/content")
    d.find_element(By.ID, "poster").send_keys(os.path.join(os.environ["TMP"], "blue.png"))
    d.find_element(By.ID, "pname").send_keys("blue-64x16.png")
    d.find_element(By.ID, "upload").click()
    wait(lambda: "/content/item?image=posters" in d.current_url, 10, "the upload did not lead to a new item")
    check(d.find_element(By.ID, "f-image").get_attribute("value") == "posters/blue-64x16.png", "the item's image")
    wait(lambda: preview_loaded(d), 10, "the poster previews did not load")
    blue = d.execute_script("""var i = document.querySelector('img.lp[data-board="hall"]');
        var c = document.createElement('canvas'); c.width = i.naturalWidth; c.height = i.naturalHeight;
        var x = c.getContext('2d'); x.drawImage(i, 0, 0); var p = x.getImageData(0, 0, c.width, c.height).data, n = 0;
        for (var k = 0; k < p.length; k += 4) if (p[k + 2] > 200 && p[k] < 60 && p[k + 1] < 60) n++; return n;""")
    check(blue > 200, "the poster's preview on hall is not blue (%d)" % blue)
    d.find_element(By.ID, "f-name").send_keys("poster-blue")
    d.find_element(By.ID, "save").click()
    wait(lambda: d.find_elements(By.ID, "saved"), 10, "the poster item was not saved")
    check(b'{ name = "poster-blue"; image = "posters/blue-64x16.png"; }' in staff_text(), "the poster item in the staff file")

    # --- the week and why
    d.get(URL + "/schedule?first=2027-01-11&target=group:north")
    runs = d.find_elements(By.CSS_SELECTOR, "svg.week a.run")
    # weekdays: night, fallback, school-day, fallback, night; weekend: night, fallback, night
    check(len(runs) == 2 * (5 * 5 + 2 * 3), "the north group's week: 31 runs for each of hall and lab, not %d" % len(runs))
    check(d.find_element(By.CSS_SELECTOR, 'svg.week a.run[data-board="hall"][data-day="2027-01-13"][data-from="07:30"]')
          .get_attribute("data-who") == "school-day", "hall's Wednesday 07:30 is not school-day")
    check({r.get_attribute("data-board") for r in runs} == {"hall", "lab"}, "the group's boards")
    shot(d, "schedule-week")
    d.get(URL + "/schedule/why?local=2027-01-13T10:00")
    boards = d.find_elements(By.CSS_SELECTOR, ".why-board")
    check(len(boards) == 3, "why: not every board")
    check("ok" in d.find_element(By.CSS_SELECTOR, '.why-board[data-board="gate"] .item').text, "why: gate's item")
    check(d.find_element(By.CSS_SELECTOR, '.why-board[data-board="hall"] .rule').text == "school-day", "why: hall's rule")
    check("22:00-06:00" in d.find_element(By.CSS_SELECTOR, '.why-board[data-board="hall"] tr.reason-window').text,
          "why: night is not out on its hours for hall")
    shot(d, "schedule-why")
    check("2027-01-13T10:00:00" in d.find_element(By.ID, "why-when").text, "why: the moment")

    # --- a playlist: add an item and move it up with the keyboard
    d.get(URL + "/content/playlist?name=normal")
    d.find_element(By.ID, "add").click()
    items = d.find_elements(By.CSS_SELECTOR, "#pl-items li")
    check(len(items) == 2, "the item was not added")
    items[1].send_keys(Keys.ALT, Keys.ARROW_UP)
    check(d.find_element(By.ID, "order").get_attribute("value") == "n:ok,i:0",
          "Alt+Up did not move the item: %r" % d.find_element(By.ID, "order").get_attribute("value"))
    d.find_element(By.ID, "save").click()
    wait(lambda: d.find_elements(By.ID, "saved"), 10, "the playlist was not saved")
    check(b'{ name = "normal"; items = ("ok", "ok"); }' in staff_text(), "the playlist in the staff file")
finally:
    d.quit()
print("content editor: ok")
