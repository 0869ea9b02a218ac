"""The provincial treasury office's desk: the read side on both stores, the screen driven from
Python, the Excel file read back, and ``python -m sandbox province`` as a subprocess."""

from __future__ import annotations

import base64
import io
import json
import subprocess
import sys

import pytest
from openpyxl import load_workbook

from sandbox.engine import Sandbox
from sandbox.province import as_xlsx_bytes, build_desk, sort_rows, time_left
from sandbox.ui.app import App

from .conftest import PASSWORD, reserve_data

START = "2023-09-04T09:00:00+07:00"  # a Monday of FY2566's September round
REGIONAL = "1200100050"


def login(sb: Sandbox, user: str) -> None:
    result = sb.execute(user, "auth.login", {"method": "soft_token", "password": PASSWORD, "otp": "auto"})
    assert result.ok, result.message_en


def two_documents(sb: Sandbox) -> tuple[str, str]:
    """rec1 records two documents and Lists one of them (21); the other stays blank."""
    login(sb, "rec1")
    a = sb.execute("rec1", "reserve.create", reserve_data("CK", 1250000, "=HYPERLINK(1)", "")).data["doc_no"]
    b = sb.execute("rec1", "reserve.create", reserve_data("CK", 2000, "ซ่อมรถ", "")).data["doc_no"]
    assert sb.execute("rec1", "round.list", {"docs": [a]}).ok
    return a, b


def unit_row(desk, code: str) -> dict:
    return next(u for u in desk.units if u["unit"] == code)


def test_the_desk_counts_what_is_open_in_each_unit_of_the_area(sandbox):
    sandbox.load_world("demo", START)
    listed, blank = two_documents(sandbox)
    desk = build_desk(sandbox, "5000")
    assert [u["unit"] for u in desk.units] == ["0300650000", REGIONAL, "1500800050", "6000100050"]
    row = unit_row(desk, REGIONAL)
    # tk_appr (Token Key), pw_rec (password) and newbie (nothing yet) are not on Soft Token
    assert row["not_registered"] == 3
    assert {i["ref"] for i in desk.items if i["kind"] == "not_registered"} == {"tk_appr", "pw_rec", "newbie"}
    assert row["token_keys_held"] == 3 and row["token_keys_overdue"] == 0  # returns are due on 30 May 2568
    assert (row["docs_blank"], row["docs_21"], row["docs_22"]) == (1, 1, 0)
    deadline = sandbox.round_policy(2566).september_deadline
    assert row["next_deadline"] == deadline
    assert row["seconds_left"] == int((deadline - sandbox.now).total_seconds())
    # Friday 29 Sep 2566 16:30 from Monday 4 Sep 09:00
    assert time_left(row["seconds_left"]) == "25 วัน 7 ชั่วโมง"
    assert time_left(row["seconds_left"], "en") == "25 d 7 h"
    docs = {i["ref"]: i for i in desk.items if i["kind"] == "document"}
    assert set(docs) == {listed, blank} and docs[listed]["state"] == "status_21"
    assert str(docs[blank]["amount"]) == "2000.00"
    # another province's units are not on this desk
    assert "1200100000" not in {u["unit"] for u in desk.units}
    assert unit_row(build_desk(sandbox, "1000"), "1200100000")["docs_blank"] == 0


def test_overdue_token_keys_and_loss_letters_follow_the_clock(sqlite_sandbox):
    sb = sqlite_sandbox
    sb.load_world("demo", START)
    assert sb.execute("rec1", "softtoken.report_lost", {}).ok
    desk = build_desk(sb, "5000")
    loss = next(i for i in desk.items if i["kind"] == "loss_letter")
    assert loss["ref"] == "rec1" and not loss["overdue"] and unit_row(desk, REGIONAL)["loss_letters_overdue"] == 0
    sb.advance_clock("2023-09-12T09:00:00+07:00")  # past the 3 business days
    desk = build_desk(sb, "5000")
    assert unit_row(desk, REGIONAL)["loss_letters_overdue"] == 1
    assert time_left(next(i for i in desk.items if i["kind"] == "loss_letter")["seconds_left"]).startswith("เลยกำหนด")
    login(sb, "head1")
    assert sb.execute("head1", "softtoken.loss_letter", {"user": "rec1", "letter_no": "ศธ 0210/123"}).ok
    assert unit_row(build_desk(sb, "5000"), REGIONAL)["loss_letters_overdue"] == 0
    sb.advance_clock("2025-06-02T09:00:00+07:00")  # after the all-agencies return date, 30 May 2568
    row = unit_row(build_desk(sb, "5000"), REGIONAL)
    assert row["token_keys_held"] == 3 and row["token_keys_overdue"] == 3


def test_a_blank_po_waits_for_the_march_round(sqlite_sandbox):
    """A PO is carried over without a September List: its deadline is March's [004 letter 1.1, 1.6]."""
    sb = sqlite_sandbox
    sb.load_world("demo", START)
    login(sb, "rec1")
    po = sb.execute("rec1", "reserve.create", reserve_data("PO", 5000, "สัญญาจ้าง", "งานจ้าง")).data["doc_no"]
    item = next(i for i in build_desk(sb, "5000").items if i["ref"] == po)
    assert item["round"] == "march" and item["due"] == sb.round_policy(2566).march_deadline
    assert item["due"].date().isoformat() == "2024-03-29"  # 29 มีนาคม 2567, the seed's own date


def test_sorting_keeps_empty_cells_last():
    rows = [{"unit": "b", "seconds_left": None}, {"unit": "a", "seconds_left": 50}, {"unit": "c", "seconds_left": -5}]
    assert [r["unit"] for r in sort_rows(rows, "time_left")] == ["c", "a", "b"]
    assert [r["unit"] for r in sort_rows(rows, "time_left", descending=True)] == ["a", "c", "b"]
    assert [r["unit"] for r in sort_rows(rows, "unit", descending=True)] == ["c", "b", "a"]


def test_the_excel_file_writes_texts_as_texts(sqlite_sandbox):
    sqlite_sandbox.load_world("demo", START)
    two_documents(sqlite_sandbox)
    wb = load_workbook(io.BytesIO(as_xlsx_bytes(build_desk(sqlite_sandbox, "5000"))))
    assert len(wb.sheetnames) == 2
    items = wb.worksheets[1]
    texts = [c for row in items.iter_rows() for c in row if c.value == "=HYPERLINK(1)"]
    assert texts and all(c.data_type == "s" for c in texts)
    amounts = [c for row in items.iter_rows() for c in row if c.value == 2000]
    assert amounts and amounts[0].number_format == "#,##0.00"


@pytest.fixture
def app(tmp_path):
    sandbox = Sandbox(str(tmp_path / "province.sqlite"))
    sandbox.load_world("demo", START)
    yield App(sandbox)
    sandbox.close()


def test_the_screen_shows_the_officer_their_province_sorted_and_as_excel(app):
    two_documents(app.sandbox)
    app.set_person("pto1")
    app.show("province")
    screen = app.screen("province")
    assert screen.model.area == "5000" and screen.area.disabled  # the officer's own province only
    assert "1200100050" in screen.units_table.value and "25 วัน 7 ชั่วโมง" in screen.units_table.value
    assert "tk_appr" in screen.items_table.value
    screen.sort.value = "not_registered"
    screen.descending.value = True
    assert screen.rows[0]["unit"] == REGIONAL
    assert screen.units_table.value.index(REGIONAL) < screen.units_table.value.index("0300650000")
    href = screen.downloads.value.split("base64,")[1].split("'")[0]
    wb = load_workbook(io.BytesIO(base64.b64decode(href)))
    assert any(c.value == REGIONAL for row in wb.worksheets[0].iter_rows() for c in row)
    # a recorder is told the desk is not theirs, and sees no data
    app.set_person("rec1")
    screen = app.screen("province")  # switching person starts the screens afresh (their own state)
    assert "สำนักงานคลังจังหวัด" in screen.out.value and screen.units_table.value == ""
    # CGD may look at any area
    app.set_person("cgd1")
    screen = app.screen("province")
    assert not screen.area.disabled
    screen.area.value = "1000"
    screen.show_btn.click()
    assert "1200100000" in screen.units_table.value


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "sandbox", "province", *args], capture_output=True, text=True, timeout=120)


def test_the_command_line_gives_the_same_data(tmp_path):
    db = str(tmp_path / "cli.sqlite")
    sb = Sandbox(db)
    sb.load_world("demo", START)
    two_documents(sb)
    expected = build_desk(sb, "5000")
    sb.close()
    out = cli("--db", db, "--area", "5000", "--format", "json")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert [u["unit"] for u in data["units"]] == [u["unit"] for u in expected.units]
    assert data["totals"]["not_registered"] == expected.totals()["not_registered"] == 3
    table = cli("--db", db, "--area", "5000", "--sort", "docs_blank", "--descending")
    assert table.returncode == 0 and table.stdout.splitlines()[2].startswith(REGIONAL)
    assert "25 วัน 7 ชั่วโมง" in table.stdout
    csv_out = cli("--db", db, "--area", "5000", "--format", "csv", "--lang", "en")
    assert csv_out.returncode == 0 and csv_out.stdout.startswith("Unit,Unit name")
    assert "'=HYPERLINK" not in csv_out.stdout  # the unit table holds no document text
    xlsx = cli("--db", db, "--area", "5000", "--format", "xlsx", "--out", str(tmp_path / "desk.xlsx"))
    assert xlsx.returncode == 0 and load_workbook(tmp_path / "desk.xlsx").worksheets[0].max_row == 3 + 1 + 1 + len(expected.units)  # title, blank, header, units
    missing = cli("--db", str(tmp_path / "none.sqlite"), "--area", "5000")
    assert missing.returncode == 2 and "Traceback" not in missing.stderr
