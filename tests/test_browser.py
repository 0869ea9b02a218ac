"""The trainee's app in a real browser: Voila on a free local port, Debian's Chromium driven by
Playwright (nothing downloads a browser). A screenshot of every screen goes to
test-artifacts/screens/."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import statistics
import subprocess
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import openpyxl
import pytest

from sandbox.ui.serve import voila_command, voila_env

ROOT = Path(__file__).resolve().parents[1]
SHOTS = ROOT / "test-artifacts" / "screens"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
        # The app must work on a provincial office's closed network: nothing but our server
        # resolves, so a page that reaches out fails fast here and is caught below.
        "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"]
PASSWORD = "Sandbox#2566"

pytestmark = pytest.mark.browser


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def need_chromium() -> None:
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail("Debian chromium is not installed: CI must install it")
        pytest.skip("Debian chromium is not installed (apt-get install chromium)")


@contextmanager
def running_voila(command_for_port, env: dict, folder: Path, ready: str = "", stop_timeout: int = 20):
    """Voila started with ``command_for_port(port)``, its output in ``folder/voila.log`` (a file,
    not a pipe nobody reads: that would block Voila); yields the base URL once ``ready`` answers."""
    port = _free_port()
    log = open(folder / "voila.log", "w")
    # a session of its own: a server that does not stop is killed with its fork server, not left behind
    proc = subprocess.Popen(command_for_port(port), cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                            start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            try:
                urllib.request.urlopen(base + ready, timeout=1)
                break
            except OSError:
                time.sleep(0.5)
        else:
            proc.kill()
            pytest.fail("voila did not start")
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=stop_timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)  # then still fails: a server that hangs is a finding
            proc.wait(timeout=10)
            raise
        finally:
            log.close()


@pytest.fixture(scope="module")
def voila(tmp_path_factory):
    need_chromium()
    folder = tmp_path_factory.mktemp("voila")
    # the command bin/start runs (python -m sandbox serve), on a database of our own
    with running_voila(voila_command, voila_env(str(folder / "app.sqlite")), folder) as base:
        yield base
    log = (folder / "voila.log").read_text()
    errors = [line for line in log.splitlines() if "Error" in line or "Traceback" in line]
    print("\n".join(["voila log errors:"] + errors[-20:]))
    # kernels reached over Unix sockets (serve.py): ipykernel warns of every kernel on TCP
    assert "Kernel started" in log and "running over TCP" not in log


OFF_SERVER: list[str] = []


@pytest.fixture(autouse=True)
def nothing_off_the_server():
    """Every page asks only our Voila server: a page waiting on an unreachable CDN does not load."""
    OFF_SERVER.clear()
    yield
    assert OFF_SERVER == [], f"pages asked for resources off the server: {OFF_SERVER}"


def new_page(browser, **options):
    page = browser.new_page(**options)
    page.on("request", lambda r: r.url.startswith(("http://127.0.0.1:", "data:", "blob:")) or OFF_SERVER.append(r.url))
    return page


def countdown_moves(page, within_s: int) -> bool:
    """Whether the phone's countdown (an animated image drawn by the browser) or its code changes
    within `within_s` seconds, compared as pixels. The page's beat replaces the image when a new code
    comes; a look that meets the old one leaving the page looks again."""
    from playwright.sync_api import Error

    def look():
        for attempt in range(5):
            try:
                return page.inner_text(".gf-phone-code"), page.locator(".gf-phone-secs").screenshot(timeout=10_000)
            except Error as error:  # replaced while being photographed
                if attempt == 4 or "not attached" not in str(error) and "not stable" not in str(error):
                    raise
                page.wait_for_timeout(200)

    first = look()
    for _ in range(within_s):
        page.wait_for_timeout(1000)
        if look() != first:
            return True
    return False


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.wait_for_timeout(300)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


class Trainee:
    """What a trainee does with mouse and keyboard."""

    def __init__(self, page):
        self.page = page

    def menu(self, screen: str) -> None:
        self.page.click(f"button.gf-menu-{screen}")
        self.page.wait_for_selector(f".gf-screen-{screen}", state="visible")

    def fill(self, cls: str, value: str) -> None:
        self.page.wait_for_selector(f".{cls} input", state="visible")
        self.page.fill(f".{cls} input", value)
        self.page.press(f".{cls} input", "Tab")

    def choose(self, cls: str, starts_with: str, ends_with: str = "") -> None:
        """Pick the option whose text starts with ``starts_with`` (and ends with ``ends_with``;
        ipywidgets' options carry labels)."""
        select = f".{cls} select"
        self.page.wait_for_selector(select, state="visible")
        labels = self.page.eval_on_selector(select, "s => Array.from(s.options).map(o => o.textContent)")
        match = [x for x in labels if x.replace("\xa0", " ").startswith(starts_with) and x.replace("\xa0", " ").endswith(ends_with)]
        assert match, (starts_with, labels)
        self.page.select_option(select, label=match[0])

    def button(self, cls: str) -> None:
        self.page.click(f"button.{cls}")

    def switch_to(self, user: str) -> None:
        self.choose("gf-switch-user", "", f" · {user}")  # «name (role, unit) · user name»
        self.page.wait_for_function(f"document.querySelector('.gf-who').textContent.startsWith('{user}')")

    def login(self) -> None:
        self.menu("login")
        self.page.fill(".gf-login-password input", PASSWORD)
        self.page.press(".gf-login-password input", "Tab")
        self.choose("gf-login-method", "Soft Token")
        self.button("gf-login-submit")  # the request goes to the phone
        self.page.wait_for_selector("button.gf-phone-approve", state="visible")
        self.button("gf-phone-approve")  # approve the request in Nexus Smart ID
        self.page.wait_for_selector(".gf-screen-login .gf-ok")

    def general_data(self, reason: str, amount: str, text: str) -> None:
        """Tab «ข้อมูลทั่วไป» of สง.01 on the regional unit's budget line (FY2568)."""
        self.choose("gf-reason", reason)
        self.fill("gf-budget-code", "12001350001000000002")
        self.fill("gf-text", text)
        self.fill("gf-amount", amount)
        self.fill("gf-fund-source", "6811200")
        self.fill("gf-commitment-item", "5101020000")

    def tick(self, doc: str) -> None:
        self.page.check(f".gf-pick-{doc} input[type=checkbox]")


def open_app(browser, url: str, ready: str = ".gf-login-user input"):
    page = new_page(browser, viewport={"width": 1500, "height": 1000}, accept_downloads=True)
    page.set_default_timeout(60_000)  # a kernel round-trip on a loaded 2-core CI machine
    page.goto(url)
    page.wait_for_selector(ready, timeout=60_000)
    return page


def test_trainee_goes_from_login_to_an_approved_document_and_its_report(voila, browser, tmp_path):
    page = open_app(browser, f"{voila}/voila/render/app.ipynb")
    you = Trainee(page)
    shot(page, "01-login")
    you.login()
    assert "rec1" in page.inner_text(".gf-who") and "ยังไม่เข้าสู่ระบบ" not in page.inner_text(".gf-who")
    shot(page, "02-logged-in-phone")

    you.menu("enrol")
    shot(page, "03-enrolment")

    # สง.01: create a CX through «จำลองการบันทึก» and «บันทึกข้อมูล»
    you.menu("sng01")
    you.general_data("CX04", "1,250,000.00", "จ้างปรับปรุงห้องเรียน")
    shot(page, "04-sng01-general")
    page.click(".gf-screen-sng01 .lm-TabBar-tab >> text=ข้อมูลสัญญา")
    you.fill("gf-c-item", "ปรับปรุงห้องเรียน 3 ห้อง")
    you.fill("gf-c-creditor", "หจก.ล้านนาช่าง")
    you.button("gf-store-line")
    page.wait_for_selector(".gf-screen-sng01 .gf-lines >> text=ปรับปรุงห้องเรียน 3 ห้อง")
    shot(page, "05-sng01-contract")
    you.button("gf-simulate")
    page.wait_for_selector("text=ตรวจสอบเอกสาร - ไม่มีข้อผิดพลาด")
    shot(page, "06-sng01-simulated")
    you.button("gf-save")
    doc = page.inner_text(".gf-doc-no")
    assert doc == "CX00000001"
    page.wait_for_selector("button.gf-after-print_report", state="visible")
    shot(page, "07-sng01-saved")

    # a refusal is explained in Thai with its source, and stores nothing
    you.button("gf-after-new_doc")
    you.general_data("CX05", "99,000,000", "")
    you.button("gf-simulate")
    page.wait_for_selector(".gf-screen-sng01 .gf-err")
    error = page.inner_text(".gf-screen-sng01 .gf-err")
    assert "เกินยอดงบประมาณคงเหลือ" in error and "[004]" in error and "insufficient_budget" in error
    shot(page, "08-sng01-refused")

    # สง.02: List
    you.menu("sng02")
    you.button("gf-round-show")
    you.tick(doc)
    shot(page, "09-sng02-list")
    you.button("gf-round-save-items")
    you.button("gf-round-save")
    page.wait_for_selector("text=โปรดแจ้งต้นสังกัดยืนยัน (Confirm) ต่อไปเพื่อให้คำขอสมบูรณ์")
    shot(page, "10-sng02-listed")

    # อพ.01: the central unit's withdrawal approver Confirms
    you.switch_to("appr_c")
    you.login()
    you.menu("op01")
    you.button("gf-round-show")
    you.tick(doc)
    you.button("gf-round-save-items")
    you.button("gf-round-save")
    page.wait_for_selector(".gf-screen-op01 .gf-ok")
    shot(page, "11-op01-confirmed")

    # CGD desk: approve
    you.switch_to("cgd1")
    you.login()
    you.menu("cgd")
    you.button("gf-cgd-show")
    you.tick(doc)
    shot(page, "12-cgd-desk")
    you.button("gf-cgd-approve")
    page.wait_for_selector(".gf-screen-cgd .gf-ok")

    # withdrawals screen (shown for the record)
    you.switch_to("rec1")
    you.menu("withdrawal")
    shot(page, "13-withdrawal")

    # NFMA60: the approved document, then the Excel file
    you.menu("nfma60")
    you.choose("gf-rep-status", "อนุมัติ")
    you.button("gf-rep-show")
    page.wait_for_selector(".gf-screen-nfma60 td >> text=CX00000001")
    text = page.inner_text(".gf-screen-nfma60")
    assert "50 - อนุมัติรอบกันยายน" in text and "1,250,000.00" in text
    shot(page, "14-nfma60")
    with page.expect_download() as info:
        page.click("a.gf-download-xlsx")
    path = tmp_path / info.value.suggested_filename
    info.value.save_as(path)
    rows = list(openpyxl.load_workbook(path).active.iter_rows(values_only=True))
    assert any(r[1] == "CX00000001" and r[8] == 1250000 for r in rows)
    you.menu("nfma60cx")
    you.button("gf-rep-show")
    page.wait_for_selector(".gf-screen-nfma60cx td >> text=ปรับปรุงห้องเรียน 3 ห้อง")
    shot(page, "15-nfma60cx")
    you.menu("rights")
    shot(page, "16-rights")
    you.menu("sng03")
    shot(page, "17-sng03")
    page.click("button.gf-lang")
    page.wait_for_selector("text=Simulated time")
    shot(page, "18-english")
    page.click("button.gf-lang")  # back to Thai (the choice is kept in the sandbox database)
    page.wait_for_selector("text=เวลาจำลอง")
    page.close()


def test_guided_exercise_in_practice_mode(voila, browser):
    page = open_app(browser, f"{voila}/voila/render/app.ipynb?scenario=sept-round-cx-basic&mode=practice", ".gf-guide")
    assert "ขั้นตอน 1/" in page.inner_text(".gf-guide")
    shot(page, "19-guided-practice")
    page.click("button.gf-guide-play")  # Demo the first step: log in
    page.wait_for_selector(".gf-step-result")
    page.wait_for_selector(".gf-guide >> text=ขั้นตอน 2/")
    assert "ถูกต้อง" in page.inner_text(".gf-guide")
    shot(page, "20-guided-step-done")
    page.close()


def test_time_to_first_interactive_widget(voila, browser):
    """Median over 5 loads from opening the app to a usable login field (target: under 3 s)."""
    times = []
    for _ in range(5):
        time.sleep(10)  # as trainees arrive: Voila has re-filled its pool of pre-heated kernels
        page = new_page(browser)
        start = time.perf_counter()
        page.goto(f"{voila}/voila/render/app.ipynb?screen=login")
        page.wait_for_selector(".gf-login-user input", state="visible", timeout=60_000)
        times.append(time.perf_counter() - start)
        page.close()
    median = statistics.median(times)
    print(f"\ntime to first interactive widget: median {median:.2f} s over 5 loads ({', '.join(f'{t:.2f}' for t in times)})")
    assert median < 30  # the figure is reported; a hang is a failure


def test_policy_timeline_and_simulation(voila, browser):
    page = new_page(browser, viewport={"width": 1500, "height": 1100})
    page.set_default_timeout(60_000)
    page.goto(f"{voila}/voila/render/policy.ipynb")
    page.wait_for_selector(".js-plotly-plot", timeout=90_000)
    assert "ลำดับเวลาตามนโยบาย" in page.inner_text("body")
    shot(page, "21-policy-timeline")
    page.fill(".gf-pol-holiday input", "2023-09-29")
    page.press(".gf-pol-holiday input", "Tab")
    page.click("button.gf-pol-draw")
    page.wait_for_selector("text=วันที่ที่เปลี่ยนไป")
    assert "28 กันยายน 2566 เวลา 16.30 น." in page.inner_text("body")
    page.click("button.gf-pol-sim")
    page.wait_for_selector(".gf-table >> text=นโยบายปัจจุบัน", timeout=60_000)
    assert "ผู้ใช้ที่เข้าระบบไม่ได้เมื่อถึงวันเปลี่ยนผ่าน" in page.inner_text("body")
    page.wait_for_timeout(1500)
    shot(page, "22-policy-simulation")
    page.click("button.gf-lang")  # for visitors: every label in English, the what-if kept
    page.wait_for_selector("text=Dates that moved")
    body = page.inner_text("body")
    assert "Policy timeline" in body and "Users locked out at the cut-over" in body and "28 Sep 2566 BE, 16:30" in body
    shot(page, "23-policy-english")
    page.close()
