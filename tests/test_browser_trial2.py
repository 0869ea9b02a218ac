"""Issue 16, the second new-trainee trial in a real browser: a reload of a page whose mode was
changed in the guided panel resumes in the panel's mode (not the address's); screenshots at
1366×768 of the panel after the exercise moved the clock, the phone logged in, a restart and the
exercise catalogue."""

from __future__ import annotations

import pytest

from .test_browser import countdown_moves, new_page, nothing_off_the_server, shot, voila  # noqa: F401  (fixtures)

pytestmark = pytest.mark.browser

EXERCISE = "sept-round-cx-basic"


def _open(browser, url: str, ready: str):
    page = new_page(browser, viewport={"width": 1366, "height": 768})
    page.set_default_timeout(60_000)  # a kernel round-trip on a loaded 2-core machine
    page.goto(url)
    page.wait_for_selector(ready, timeout=90_000)
    return page


def _guide_text(page) -> str:
    return page.inner_text(".gf-guide")


def test_the_panel_says_what_the_exercise_did_and_a_restart_starts_afresh(voila, browser):  # noqa: F811
    page = _open(browser, f"{voila}/voila/render/app.ipynb?scenario={EXERCISE}&mode=practice", ".gf-guide")
    page.click("button.gf-guide-play")  # step 1: rec1 logs in
    page.wait_for_selector(".gf-guide >> text=ขั้นตอน 2/")
    page.wait_for_selector(".gf-phone-signed-in")
    assert "เข้าสู่ระบบแล้ว" in page.inner_text(".gf-phone") and not page.is_visible(".gf-phone-request")
    # the countdown runs in the browser (an animated image), nothing sent from the kernel
    assert countdown_moves(page, 10), "the phone's countdown did not move in 10 s"
    page.locator(".gf-phone").scroll_into_view_if_needed()
    shot(page, "trial2-phone-logged-in-1366")
    page.click("button.gf-guide-play")  # step 2; the exercise settles step 3 and moves the clock for step 4
    page.wait_for_selector(".gf-guide >> text=ขั้นตอน 4/")
    page.wait_for_selector(".gf-guide-auto-note")
    note = page.inner_text(".gf-guide-auto-note")
    assert "ระบบเลื่อนเวลาไปเป็น 5 กันยายน 2566" in note and "ออกจากระบบแล้ว (ผู้ใช้ rec1)" in note
    page.locator(".gf-guide").scroll_into_view_if_needed()
    page.evaluate("document.querySelector('.gf-guide').scrollIntoView()")
    shot(page, "trial2-panel-after-automatic-step-1366")
    page.click("button.gf-guide-restart")
    page.wait_for_selector(".gf-guide >> text=ขั้นตอน 1/")
    page.wait_for_function("!document.querySelector('.gf-guide-auto-note')")
    assert "4 กันยายน 2566" in page.inner_text(".gf-now")  # the exercise's first moment again
    page.wait_for_selector(".gf-screen-login", state="visible")  # the first step's screen
    assert not page.is_visible(".gf-phone-signed-in")
    shot(page, "trial2-after-restart-1366")
    page.close()


def test_a_reload_keeps_the_mode_chosen_in_the_panel(voila, browser):  # noqa: F811
    url = f"{voila}/voila/render/app.ipynb?scenario={EXERCISE}&mode=practice"
    page = _open(browser, url, ".gf-guide")
    page.click(".gf-guide-mode button:has-text('ทดสอบ')")
    page.wait_for_function("document.querySelector('button.gf-guide-play').disabled")  # Test: no play
    page.reload()
    page.wait_for_selector(".gf-guide", timeout=90_000)
    active = page.inner_text(".gf-guide-mode button.mod-active")
    assert active.strip() == "ทดสอบ", active
    assert page.is_disabled("button.gf-guide-play")
    page.close()


def test_the_catalogue_names_practice_first(voila, browser):  # noqa: F811
    page = _open(browser, f"{voila}/voila/render/scenarios/catalogue.ipynb", ".gf-modes")
    first = page.inner_text(".gf-modes >> nth=0")
    assert first.index("ฝึกปฏิบัติ (Practice)") < first.index("สาธิต (Demo)") < first.index("ทดสอบ (Test)")
    assert "เริ่มที่นี่" in first
    shot(page, "trial2-catalogue-1366")
    page.close()


def test_a_password_typed_and_sent_at_once_is_the_one_typed(voila, browser):  # noqa: F811
    """Second trial: typing the password key by key and clicking «เข้าสู่ระบบ» straight away was
    refused as a wrong password (the box's last keystrokes were still held back in the browser
    while the kernel answered the first ones; the click went ahead of them). The boxes send their
    value once, when the person leaves them, so it reaches the kernel before the click."""
    page = _open(browser, f"{voila}/voila/render/app.ipynb?scenario={EXERCISE}&mode=practice", ".gf-guide")
    page.wait_for_selector(".gf-guide >> text=ขั้นตอน 1/")
    page.click("button.gf-menu-login")
    box = page.locator(".gf-login-password input")
    box.wait_for(state="visible")
    box.press_sequentially("Sandbox#2566")  # as a person types: a key at a time
    page.click("button.gf-login-submit")  # at once, no pause
    page.wait_for_selector(".gf-guide >> text=ขั้นตอน 2/")
    assert "รหัสผ่านไม่ถูกต้อง" not in page.inner_text(".gf-screen-login")
