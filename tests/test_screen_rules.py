"""Screens ask the domain, they do not copy its rules: the cancel pre-check of form SNG.01 takes
the statuses ``ReserveDocument.require_changeable`` takes, and the round and report screens open
on the fiscal year and round ``RoundPolicy`` says (driven from Python as a trainee would)."""

from __future__ import annotations

import pytest

from sandbox.engine import Sandbox
from sandbox.ui.app import App

from .test_screens import login


def play_until(app: App, done) -> None:
    guide = app.guide
    while guide.step is not None and not done():
        before = guide.player.position
        guide.play_step()
        assert guide.player.position != before, "the exercise stopped"


@pytest.fixture
def march_app(tmp_path):
    """The March-round exercise, played until CGD approved the extension (status 40)."""
    sandbox = Sandbox(str(tmp_path / "rules.sqlite"))
    app = App(sandbox, scenario="spending-and-march-round", mode="demo")

    def extended() -> bool:
        d1 = app.guide.player.saved.get("d1")
        return d1 is not None and sandbox.document(d1)["status"] == "40"

    play_until(app, extended)
    assert extended()
    yield app, app.guide.player.saved["d1"]
    sandbox.close()


def cancel_check(app: App, doc_no: str):
    app.show("sng01")
    screen = app.screen("sng01")
    screen.fn_buttons["cancel"].click()
    screen.x_doc.value = doc_no
    screen.x_sim.click()
    return screen


def test_the_cancel_check_passes_an_extended_document_as_the_engine_does(march_app):
    app, doc_no = march_app
    # the exercise changed rec1's password in February
    assert app.perform("rec1", "auth.login", {"method": "soft_token", "password": "Sandbox#2567", "otp": "auto"}).ok
    screen = cancel_check(app, doc_no)
    check_ok = app.screen("sng01").tr("check_ok")
    assert check_ok in screen.x_view.value  # status 40 may be cancelled (not listed, not BLOCKED)
    screen.x_reason.value = "no longer needed"
    screen.x_save.click()
    result = app.model.last_result
    assert result.ok, result.message_en  # and the engine agrees
    assert app.sandbox.document(doc_no)["closed"] == "cancelled"


def test_the_cancel_check_refuses_a_listed_document(tmp_path):
    from .conftest import reserve_data

    sandbox = Sandbox(str(tmp_path / "listed.sqlite"))
    sandbox.load_world("demo", "2023-09-04T09:00:00+07:00")
    app = App(sandbox)
    login(app, "rec1")
    doc_no = sandbox.execute("rec1", "reserve.create", reserve_data("CK", 1000, "t", "")).data["doc_no"]
    assert sandbox.execute("rec1", "round.list", {"docs": [doc_no]}).ok
    screen = cancel_check(app, doc_no)
    assert screen.tr("check_ok") not in screen.x_view.value
    sandbox.close()


@pytest.mark.parametrize(("now", "expected"), [
    ("2023-09-04T09:00:00+07:00", (2566, "september")),  # the September round is open
    ("2023-11-15T09:00:00+07:00", (2566, "september")),  # FY2567 began; last year's September round is in play
    ("2024-01-31T09:00:00+07:00", (2566, "september")),
    ("2024-02-15T09:00:00+07:00", (2566, "march")),  # the March round of FY2566's documents
    ("2024-06-03T09:00:00+07:00", (2566, "march")),
    ("2024-08-05T09:00:00+07:00", (2567, "september")),
])
def test_round_and_report_screens_open_on_the_same_year_and_round(tmp_path, now, expected):
    sandbox = Sandbox(str(tmp_path / "year.sqlite"))
    sandbox.load_world("demo", now)
    app = App(sandbox)
    opened = {}
    for key in ("sng02", "sng03", "op01", "nfma60", "nfma60cx"):
        app.show(key)
        screen = app.screen(key)
        opened[key] = (screen.fy.value, screen.round.value)
    assert opened == dict.fromkeys(opened, expected)
    sandbox.close()
