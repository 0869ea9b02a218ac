"""The phone's countdown images (sandbox/ui/countdown.py): one frame a second from the seconds
left down to 0, played once; standing still when the clock stands; new bytes every code period."""

from __future__ import annotations

import base64
import io
import re

from PIL import Image, ImageChops

from sandbox.domain import auth
from sandbox.ui.countdown import countdown_images


def _open(uri: str) -> Image.Image:
    assert uri.startswith("data:image/gif;base64,")
    return Image.open(io.BytesIO(base64.b64decode(uri.split(",", 1)[1])))


def _frames(image: Image.Image) -> list[Image.Image]:
    out = []
    for i in range(image.n_frames):
        image.seek(i)
        out.append(image.convert("RGB"))
    return out


def test_a_running_countdown_has_a_frame_a_second_down_to_zero_and_plays_once():
    for left in (30, 17, 1):
        secs, bar = countdown_images(left, 1000, running=True)
        for uri in (secs, bar):
            image = _open(uri)
            assert image.n_frames == left + 1
            assert image.info["duration"] == 1000
            assert "loop" not in image.info  # no loop: it stops on 0
        frames = _frames(_open(bar))
        # the bar empties: each frame has fewer dark pixels than the one before, the last none
        dark = [sum(1 for b in f.convert("RGB").tobytes()[2::3] if b < 0x80) for f in frames]
        assert dark == sorted(dark, reverse=True) and len(set(dark)) == len(dark) and dark[-1] == 0
        digits = _frames(_open(secs))
        assert all(ImageChops.difference(a, b).getbbox() for a, b in zip(digits, digits[1:], strict=False))  # a new number each second


def test_a_standing_clock_shows_one_still_frame():
    secs, bar = countdown_images(12, 1000, running=False)
    assert _open(secs).n_frames == 1 and _open(bar).n_frames == 1
    running = _frames(_open(countdown_images(12, 1000, running=True)[0]))
    assert ImageChops.difference(_frames(_open(secs))[0], running[0]).getbbox() is None  # shows 12


def test_every_code_period_has_its_own_bytes():
    # a browser does not replay a finished animation of the same bytes
    assert countdown_images(30, 1000, True) != countdown_images(30, 1001, True)
    assert countdown_images(30, 1000, True) == countdown_images(30, 1000, True)
    # encoded once per kernel, the period written into the comment of a copy: still a whole GIF
    one, other = _open(countdown_images(30, 1000, True)[0]), _open(countdown_images(30, 1001, True)[0])
    assert one.info["comment"].endswith(b"2001") and other.info["comment"].endswith(b"2003")
    assert one.n_frames == other.n_frames == 31
    assert all(ImageChops.difference(a, b).getbbox() is None for a, b in zip(_frames(one), _frames(other), strict=True))


def test_the_phone_counts_down_from_the_seconds_left_when_the_clock_runs_and_stands_when_it_does_not(tmp_path):
    from sandbox.engine import Sandbox
    from sandbox.ui.app import App

    from .conftest import SCREENS_START, login_on_screen

    for running in (True, False):
        sb = Sandbox(str(tmp_path / f"phone-{running}.sqlite"))
        sb.load_world("demo", SCREENS_START)
        app = App(sb, running=running)
        login_on_screen(app, "rec1")
        app.phone.refresh()
        body = app.phone.body.value
        left = int(re.search(r"data-left='(\d+)'", body).group(1))
        assert 0 < left <= auth.TOTP_STEP and abs(left - auth.seconds_left(app.now)) <= 1
        secs = re.search(r"class='gf-phone-secs' src='([^']+)'", body).group(1)
        assert _open(secs).n_frames == (left + 1 if running else 1)
        assert ("gf-phone-still" in body) is (not running)
        sb.close()


SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def _phone(moment: list, running: bool):
    import datetime as dt

    from sandbox.ui.phone import Phone

    state = {"id": "rec1", "name": "rec1", "soft_token": "active", "apps": ["nexus_smart_id"],
             "identity": "verified", "totp_secret": SECRET}
    phone = Phone("th", lambda _otp: None, lambda: state, lambda: moment[0], running=lambda: running)
    moment[0] = moment[0] or dt.datetime(2023, 9, 4, 9, 0, 29, tzinfo=dt.timezone(dt.timedelta(hours=7)))
    phone.refresh()
    return phone


def test_the_phone_shows_the_next_code_when_its_code_ends_not_at_the_next_beat():
    """At a code's end the countdown stands at 0; the page's beat (every 5 s) would draw the next
    code up to 5 s later. A beat that comes within 5 s of the end has the phone redrawn at the end
    (one call, once), and the new code is on the phone."""
    import asyncio
    import datetime as dt

    from sandbox.ui.clock import follow_code

    moment: list = [None]  # 09:00:29: one second of this code left
    phone = _phone(moment, running=True)
    first = phone.body.value
    assert phone.seconds_to_next_code() == 1
    calls = []

    def refresh():
        calls.append(moment[0])
        phone.refresh()

    async def page():
        pending: list = []
        follow_code(phone, refresh, 5.0, pending)
        follow_code(phone, refresh, 5.0, pending)  # a second beat replaces the first one's call
        assert len(pending) == 1
        moment[0] += dt.timedelta(seconds=1)  # the running clock reaches the next code
        await asyncio.sleep(1.5)
        return pending

    assert asyncio.run(page()) == [] and len(calls) == 1
    assert phone.body.value != first
    code = auth.code_at(SECRET, moment[0])
    assert f"{code[:3]} {code[3:]}" in phone.body.value


def test_no_redraw_waits_when_the_clock_stands_or_the_next_beat_comes_first():
    import asyncio
    import datetime as dt

    from sandbox.ui.clock import follow_code

    still = _phone([None], running=False)
    assert still.seconds_to_next_code() is None
    later = _phone([dt.datetime(2023, 9, 4, 9, 0, 10, tzinfo=dt.timezone(dt.timedelta(hours=7)))], running=True)
    assert later.seconds_to_next_code() == 20

    async def beats():
        pending: list = []
        for phone in (still, later):
            follow_code(phone, phone.refresh, 5.0, pending)
        return pending

    assert asyncio.run(beats()) == []
    pending: list = []
    follow_code(_phone([None], running=True), lambda: None, 5.0, pending)  # no kernel loop: nothing
    assert pending == []


def test_the_page_spinner_in_our_template_is_the_one_the_code_draws():
    import base64
    from pathlib import Path

    from sandbox.ui.countdown import spinner_gif
    from sandbox.ui.serve import TEMPLATES

    macro = (TEMPLATES / "voila" / "templates" / "gfmis" / "spinner.macro.html.j2").read_text()
    uri = re.search(r'src="(data:image/gif;base64,[^"]+)"', macro).group(1)
    assert base64.b64decode(uri.split(",", 1)[1]) == spinner_gif()
    image = _open(uri)
    assert image.n_frames == 8 and image.info["duration"] == 200 and image.info.get("loop") == 0
    assert "@keyframes" not in macro and Path(TEMPLATES).is_dir()
