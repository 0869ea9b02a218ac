"""Exports never turn a document's text into a live formula (OWASP CSV injection): in the Excel
file such a text is a text cell, in the CSV it is escaped with a leading ``'``."""

from __future__ import annotations

import csv

import openpyxl
import pytest

from sandbox.engine import Sandbox
from sandbox.reports import build_report, csv_safe, to_csv, to_xlsx

from .conftest import login, reserve_data

HOSTILE = ['=HYPERLINK("http://example.com/x","คลิก")', "+1+2", "-3+4", "@SUM(A1:A2)", "\t=1", "\r=1"]
PLAIN = ["งานก่อสร้าง", "1 = 1", "ราคา -5%"]


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    sb = Sandbox(str(tmp_path_factory.mktemp("exports") / "e.sqlite"))
    sb.load_world("demo", "2023-09-04T09:00:00+07:00")
    login(sb, "rec1")
    for i, text in enumerate(HOSTILE + PLAIN):
        result = sb.execute("rec1", "reserve.create", reserve_data("PO", 100 + i, text, f"=cmd|' /C calc'!A{i}"))
        assert result.ok, (text, result.message_en)
    yield build_report(sb, "1200100050", "nfma60cx", fiscal_year=2566, round="september")
    sb.close()


def test_xlsx_writes_formula_like_texts_as_text(report, tmp_path):
    path = tmp_path / "r.xlsx"
    to_xlsx(report, path)
    ws = openpyxl.load_workbook(path).active
    cells = [c for row in ws.iter_rows() for c in row if c.value is not None]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    texts = {c.value for c in cells if c.data_type == "s"}
    for text in HOSTILE + PLAIN:
        assert text.replace("\r", "\n") in texts  # a carriage return breaks the line as a line feed
    assert any(str(v).startswith("=cmd|") for v in texts)


def test_csv_escapes_formula_like_texts(report, tmp_path):
    path = tmp_path / "r.csv"
    to_csv(report, path)
    with open(path, encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    cells = [v for row in rows[1:] for v in row]
    for text in HOSTILE:
        assert "'" + text in cells and text not in cells
    for text in PLAIN:
        assert text in cells
    assert not [v for v in cells if v[:1] in ("=", "+", "@", "\t", "\r")]
    # amounts stay numbers (a negative amount is never escaped)
    money = rows[0].index(report.header("value"))
    assert all(row[money].replace(".", "").isdigit() for row in rows[1:])


@pytest.mark.parametrize(("value", "expected"), [
    ("=1+1", "'=1+1"), ("-1", "'-1"), ("ok", "ok"), ("", ""), (5, 5), (None, None),
])
def test_csv_safe(value, expected):
    assert csv_safe(value) == expected
