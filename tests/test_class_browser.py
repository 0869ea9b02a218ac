"""A class in real browsers: ``serve --class`` on a free local port, 8 trainees in separate browser
contexts (Debian's Chromium, Playwright) doing ``sept-round-cx-basic`` at once — one resets, one
is in test mode — and the trainer's page. No cross-talk; nobody without a sign-in gets more than the
sign-in page; a trainee gets neither the trainer's page nor another trainee's sandbox.
Screenshots (1366×768) go to test-artifacts/class/."""

from __future__ import annotations

import re
import time
import urllib.error
import urllib.request
import warnings
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest

from sandbox.ui.serve import voila_command, voila_env
from tests.test_browser import Trainee, countdown_moves, need_chromium, running_voila

ROOT = Path(__file__).resolve().parents[1]
SHOTS = ROOT / "test-artifacts" / "class"
EXERCISE = "sept-round-cx-basic"
VIEW = {"width": 1366, "height": 768}

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def klass(tmp_path_factory):
    from sandbox.classroom.classroom import Classroom

    folder = tmp_path_factory.mktemp("class")
    db, root = str(folder / "classes.sqlite"), str(folder / "sandboxes")
    room = Classroom(db, root)
    info = room.create_class("room8", trainees=8, exercises=[EXERCISE], start="2024-03-25T08:30:00+07:00")
    yield {"db": db, "root": root, "info": info, "room": room, "folder": folder}
    room.close()


@pytest.fixture(scope="module")
def server(klass):
    need_chromium()
    folder = klass["folder"]
    env = voila_env(str(folder / "single.sqlite"), class_name="room8", class_db=klass["db"], class_root=klass["root"])
    with running_voila(lambda port: voila_command(port, class_mode=True, pool_size=2), env, folder,
                       ready="/login", stop_timeout=30) as base:
        yield base
    text = (folder / "voila.log").read_text().split("Handle signal")[0]  # not the kernels stopped with the server
    assert "Traceback" not in text, text[-3000:]


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.wait_for_timeout(300)
    page.screenshot(path=str(SHOTS / f"{name}.png"))


def status(url: str) -> int:
    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    try:
        return urllib.request.build_opener(NoRedirect).open(url, timeout=10).status
    except urllib.error.HTTPError as exc:
        return exc.code


def sign_in(browser, base: str, code: str, ready: str, log: Path | None = None):
    context = browser.new_context(viewport=VIEW)
    page = context.new_page()
    page.set_default_timeout(120_000)
    pending: dict = {}  # requests not answered yet: what a page that never draws is waiting for
    page.on("request", lambda r: pending.__setitem__(id(r), r.url))
    page.on("requestfinished", lambda r: pending.pop(id(r), None))
    page.on("requestfailed", lambda r: pending.pop(id(r), None))
    page.goto(f"{base}/")
    page.fill(".gf-signin-code", code)
    page.click(".gf-signin-go")
    try:
        page.wait_for_selector(ready, timeout=60_000)
    except Exception:
        # Seen once in CI and once locally under load (1 in ~7 runs): the page's kernel started and
        # its page never connected to it. Say what the page waited for, then reload it once, as a
        # trainer would: the test still fails if the reloaded page does not draw.
        said = (f"{code}: not drawn in 60 s at {page.url}; pending requests: {sorted(pending.values())}; "
                f"page text: {page.inner_text('body')[:300]!r}")
        if log is not None:
            said += "; server log, last lines: " + " | ".join(log.read_text().splitlines()[-12:])
        warnings.warn(said, stacklevel=1)  # in the warnings summary of a passing run too
        shot(page, f"{code}-not-drawn")
        page.reload()
        page.wait_for_selector(ready)
    assert "t" not in parse_qs(urlparse(page.url).query)  # no key in the address
    return page


def step_no(page) -> int:
    found = re.search(r"ขั้นตอน (\d+)/", page.inner_text(".gf-guide"))  # "step 4/14" (not a note's "step 3:")
    return int(found.group(1)) if found else 99


def play(page, times: int) -> None:
    for _ in range(times):
        before = step_no(page)
        page.click("button.gf-guide-play")
        page.wait_for_function(
            f"() => {{ const m = document.querySelector('.gf-guide').innerText.match(/ขั้นตอน (\\d+)\\//);"
            f" return !m || Number(m[1]) > {before}; }}")


def test_a_visitor_without_sign_in_gets_only_the_sign_in_page(server, browser):
    context = browser.new_context(viewport=VIEW)
    page = context.new_page()
    for path in ["/", "/voila/render/app.ipynb", f"/voila/render/app.ipynb?scenario={EXERCISE}&mode=test",
                 "/voila/render/trainer.ipynb", "/voila/render/policy.ipynb", "/voila/render/scenarios/catalogue.ipynb",
                 "/voila/tree", "/voila/render/app.ipynb?t=not-a-token", "/voila/render/trainer.ipynb?t=GR01x"]:
        page.goto(server + path)
        assert page.url.split("?")[0].endswith("/login"), (path, page.url)
        assert page.locator(".gf-signin-code").count() == 1
        assert page.locator(".jp-OutputArea, .gf-app, .gf-trainer").count() == 0
    shot(page, "01-sign-in")
    page.fill(".gf-signin-code", "GR99")
    page.click(".gf-signin-go")
    assert "ไม่พบรหัสนี้ในห้องเรียน" in page.inner_text(".gf-signin-error")
    shot(page, "02-sign-in-wrong-code")
    # side doors: no kernel list, no kernel of anyone, no notebook contents, no files of var/
    assert status(f"{server}/api/kernels") == 404
    assert status(f"{server}/api/kernels/00000000-0000-0000-0000-000000000000") == 403
    assert status(f"{server}/voila/api/contents/") in (302, 403)  # to the sign-in page
    assert status(f"{server}/voila/files/../var/sandbox.sqlite") in (403, 404)
    assert status(f"{server}/voila/files/app.ipynb") in (403, 404)
    context.close()


def test_eight_trainees_one_exercise_no_cross_talk_and_the_trainers_page(server, browser, klass):
    from sandbox.classroom.classroom import Identity

    info, room = klass["info"], klass["room"]
    codes = info.codes
    pages = {}
    started = time.perf_counter()
    for code in codes:
        mode = "test" if code == "GR08" else "practice"
        if code == "GR07":  # the personal link (QR code on the class sheet) instead of the code
            context = browser.new_context(viewport=VIEW)
            page = context.new_page()
            page.set_default_timeout(120_000)
            token = next(t["token"] for t in info.trainees if t["code"] == code)
            page.goto(f"{server}/voila/render/app.ipynb?scenario={EXERCISE}&mode={mode}&t={token}")
            page.wait_for_selector(".gf-guide")
        else:
            page = sign_in(browser, server, code, ".gf-class-who")
            page.goto(f"{server}/voila/render/app.ipynb?scenario={EXERCISE}&mode={mode}")
            page.wait_for_selector(".gf-guide")
        assert code in page.inner_text(".gf-class-who")
        pages[code] = page
    print(f"\n8 exercise pages open in {time.perf_counter() - started:.1f} s")

    # each practice trainee plays a different number of steps (Demo), in turns
    plays = {code: 1 + i % 3 for i, code in enumerate(codes[:7])}  # 1, 2, 3, 1, 2, 3, 1
    for round_ in range(3):
        for code, n in plays.items():
            if n > round_:
                play(pages[code], 1)
    # GR03 starts again: a new attempt, at step 1, one step played
    pages["GR03"].click("button.gf-guide-restart")
    pages["GR03"].wait_for_selector(".gf-guide >> text=ขั้นตอน 1/")
    play(pages["GR03"], 1)
    # GR08 in test mode: no hints, no Demo button; logs in by hand on the screens
    test_page = pages["GR08"]
    assert test_page.locator("button.gf-guide-play").is_disabled()
    assert "คำแนะนำ" not in test_page.inner_text(".gf-guide")
    Trainee(test_page).login()
    test_page.wait_for_selector(".gf-guide >> text=ขั้นตอน 2/")

    expected = {code: step_no(pages[code]) for code in codes}
    assert expected["GR08"] == 2 and expected["GR03"] == 2, expected
    assert len({expected[c] for c in codes[:7]}) >= 3, expected  # different places: nobody moved another
    for code, page in pages.items():
        assert step_no(page) == expected[code], code
        assert code in page.inner_text(".gf-class-who")
    shot(pages["GR01"], "03-trainee-GR01-practice")
    shot(pages["GR08"], "04-trainee-GR08-test")

    # the clock runs: the phone's countdown moves by itself (drawn in the browser: an animated image,
    # compared as pixels; the code itself changes every 30 s)
    # within a code period (it may stand at 0 until the page's next beat)
    assert countdown_moves(pages["GR01"], 30), "the phone's countdown did not move in 30 s"

    # each one's own sandbox: documents, clock (seen from the class side, not through any page)
    for code in codes:
        sb, ref = room.sandbox(Identity("room8", "trainee", code), EXERCISE, mode="test" if code == "GR08" else "practice")
        try:
            docs = sb.documents()
            created = expected[code] >= 3  # step 2 creates the reserve document
            assert len(docs) == (1 if created else 0), (code, docs)
            if created:
                assert docs[0]["doc_no"] == "CX00000001"  # numbered in the trainee's own sandbox
            assert (sb.now.year, sb.now.month) == (2023, 9), code
        finally:
            sb.close()

    # the trainer's page shows all 8 as they are
    started = time.perf_counter()
    trainer = sign_in(browser, server, info.trainer_code, ".gf-trainer-table table", klass["folder"] / "voila.log")
    print(f"trainer's page drawn in {time.perf_counter() - started:.1f} s")
    assert "/voila/render/trainer.ipynb" in trainer.url

    def row(code):
        return trainer.locator(f".gf-trainer-row[data-code='{code}'][data-exercise='{EXERCISE}']")

    for code in codes:
        steps_ok = expected[code] - 1
        trainer.wait_for_function(
            f"() => {{ const r = document.querySelector(\".gf-trainer-row[data-code='{code}'][data-exercise='{EXERCISE}'] .gf-t-steps\");"
            f" return r && r.innerText.trim().startsWith('{steps_ok}/'); }}", timeout=30_000)
    assert "ทดสอบ" in row("GR08").inner_text() and "ฝึกปฏิบัติ" in row("GR01").inner_text()
    trainer.wait_for_selector(".js-plotly-plot")
    shot(trainer, "05-trainer")
    trainer.screenshot(path=str(SHOTS / "05-trainer-full.png"), full_page=True)

    # a bare code signs in once: another browser typing GR02 now is refused (the token still works)
    other = browser.new_context(viewport=VIEW).new_page()
    other.goto(f"{server}/login")
    other.fill(".gf-signin-code", "GR02")
    other.click(".gf-signin-go")
    assert "ลิงก์ส่วนตัว" in other.inner_text(".gf-signin-error") and "/login" in other.url
    other.context.close()

    # a trainee can neither open the trainer's page nor someone else's sandbox
    gr01 = pages["GR01"]
    gr01.goto(f"{server}/voila/render/trainer.ipynb")
    assert "/login" in gr01.url and "วิทยากรเท่านั้น" in gr01.inner_text("body")
    gr01.goto(f"{server}/voila/render/app.ipynb?scenario={EXERCISE}&mode=practice&code=GR02&trainee=GR02")
    gr01.wait_for_selector(".gf-guide")
    assert "GR01" in gr01.inner_text(".gf-class-who") and step_no(gr01) == expected["GR01"]
    # a browser sending the header the server uses to tell the kernel who the page is for: dropped
    gr01.context.set_extra_http_headers({"X-Gfmis-Key": info.trainees[1]["token"]})
    gr01.goto(f"{server}/voila/render/app.ipynb?scenario={EXERCISE}&mode=practice")
    gr01.wait_for_selector(".gf-guide")
    assert "GR01" in gr01.inner_text(".gf-class-who") and "GR02" not in gr01.inner_text(".gf-class-who")
    gr01.context.set_extra_http_headers({})
    # a personal link signs in and leaves the address without the key
    gr01.goto(f"{server}/voila/render/app.ipynb?t={info.trainees[0]['token']}")
    gr01.wait_for_selector(".gf-class-who")
    assert info.trainees[0]["token"] not in gr01.url and "GR01" in gr01.inner_text(".gf-class-who")
    gr01.goto(f"{server}/voila/render/app.ipynb?t=forged-token-of-someone")
    assert "/login" in gr01.url

    # trainer's actions: move everyone's clock, reset one trainee, export
    trainer.fill(".gf-trainer-clock-to input", "2024-03-29T16:31")
    trainer.click("button.gf-trainer-clock")
    trainer.wait_for_selector(".gf-trainer-msg .gf-ok")
    with trainer.expect_download() as download:
        trainer.click("button.gf-trainer-csv")
        trainer.click("a.gf-trainer-file-csv")
    text = Path(download.value.path()).read_text("utf-8-sig")
    assert text.count("\n") >= sum(expected[c] - 1 for c in codes)
    for page in pages.values():
        page.context.close()
    trainer.context.close()
