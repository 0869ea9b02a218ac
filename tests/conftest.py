"""Engine tests run on both stores: a SQLite file and a real PostgreSQL server."""

from __future__ import annotations

import os

import pytest

from sandbox.engine import Sandbox

from .pgserver import PostgresServer

PASSWORD = "Sandbox#2566"
# A budget line of rec1's unit in the demo world (FY2566).
LINE = {"budget_code": "12001350001000000002", "fund_source": "6611200", "commitment_item": "5101020000"}


def reserve_data(kind: str, amount, text: str, item: str) -> dict:
    """``reserve.create`` input of each type that passes every check (CX04, CK05, PO with a contract)."""
    data = {**LINE, "doc_type": kind, "amount": amount, "text": text}
    if kind == "CX":
        return data | {"reason": "CX04", "contracts": [{"item": item}]}
    if kind == "CK":
        return data | {"reason": "CK05"}
    return data | {"contracts": [{"contract_no": "1/2566", "item": item}]}


@pytest.fixture(scope="session")
def pg_url():
    if os.environ.get("SANDBOX_TEST_PG_URL"):
        yield os.environ["SANDBOX_TEST_PG_URL"]
        return
    try:
        server = PostgresServer()
    except FileNotFoundError as exc:
        if os.environ.get("CI"):
            pytest.fail(f"{exc}: CI must install the postgresql package")
        pytest.skip(f"{exc}: install Debian's postgresql to run the PostgreSQL half")
    url = server.start()
    yield url
    server.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path):
    if request.param == "sqlite":
        return str(tmp_path / "sandbox.sqlite")
    return request.getfixturevalue("pg_url")


@pytest.fixture
def sandbox(db_url):
    sb = Sandbox(db_url)
    yield sb
    sb.close()


@pytest.fixture
def sqlite_sandbox(tmp_path):
    sb = Sandbox(str(tmp_path / "sandbox.sqlite"))
    yield sb
    sb.close()


def login(sb: Sandbox, user: str, method: str = "soft_token", **extra):
    data = {"method": method, "password": PASSWORD, **extra}
    if method == "soft_token":
        data.setdefault("otp", "auto")
    result = sb.execute(user, "auth.login", data)
    assert result.ok, (result.error, result.message_en)
    return result


# ------------------------------------------------------------------ the screens, driven from Python

SCREENS_START = "2023-09-04T09:00:00+07:00"  # FY2566, the September round ahead


@pytest.fixture
def app(tmp_path):
    """The app on a demo world of its own (widgets driven from Python: ``.value``, ``.click()``)."""
    from sandbox.ui.app import App

    sb = Sandbox(str(tmp_path / "app.sqlite"))
    sb.load_world("demo", SCREENS_START)
    yield App(sb)
    sb.close()


@pytest.fixture
def guided(tmp_path):
    """``guided(mode, lang, scenario)``: the app opened on a guided exercise, each call on a
    sandbox of its own (``sept-round-cx-basic`` unless told)."""
    from sandbox.ui.app import App

    sandboxes = []

    def open_(mode: str = "practice", lang: str = "th", scenario: str = "sept-round-cx-basic"):
        sb = Sandbox(str(tmp_path / f"guided-{len(sandboxes)}.sqlite"))
        sandboxes.append(sb)
        return App(sb, lang=lang, scenario=scenario, mode=mode)

    yield open_
    for sb in sandboxes:
        sb.close()


def type_login(app, person: str, method: str = "soft_token", password: str = PASSWORD):
    """``person`` at the desk, the login screen filled in (not sent); the screen."""
    app.set_person(person)
    app.show("login")
    screen = app.screen("login")
    screen.method.value = method
    screen.password.value = password
    screen.otp.value = ""
    return screen


def login_on_screen(app, person: str) -> None:
    """``person`` logs in on the login screen as a trainee would (Soft Token, the phone approves)."""
    screen = type_login(app, person)
    screen.login_btn.click()  # the request goes to the phone ...
    app.phone.approve.click()  # ... and is approved there
    assert app.model.last_result.ok, app.model.last_result.message_en


# ------------------------------------------------------------------ the browser tests

@pytest.fixture(scope="module")
def browser():
    """Headless Debian Chromium that resolves nothing but our own server (see test_browser)."""
    from playwright.sync_api import sync_playwright

    from .test_browser import ARGS, CHROMIUM

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()
