"""NFMA60 / NFMA60CX files: open the Excel with openpyxl and the PDF with a text extractor."""

import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from pypdf import PdfReader

from sandbox.reports import build_report, to_csv, to_pdf, to_xlsx, totals
from sandbox.scenario import ScenarioPlayer, load_scenario

ROOT = Path(__file__).resolve().parents[1]
SCENARIO = ROOT / "scenarios" / "reports-nfma60.yaml"


@pytest.fixture(scope="module")
def played(tmp_path_factory):
    from sandbox.engine import Sandbox

    db = tmp_path_factory.mktemp("reports") / "r.sqlite"
    sb = Sandbox(str(db))
    run = ScenarioPlayer(load_scenario(SCENARIO), sb).play()
    assert run.passed
    yield sb, db
    sb.close()


def test_xlsx_has_title_block_headers_a_known_row_and_totals(played, tmp_path):
    sb, _ = played
    report = build_report(sb, "1200100050", "nfma60", fiscal_year=2566, round="september")
    path = tmp_path / "nfma60.xlsx"
    to_xlsx(report, path)
    ws = openpyxl.load_workbook(path).active
    values = [tuple(row) for row in ws.iter_rows(values_only=True)]
    assert values[0][0].startswith("รายงานแสดงเอกสารสำรองเงินสำหรับส่วนราชการ")
    assert any(r[0] and "ปีบัญชี: 2566" in r[0] for r in values[:8])
    header_at = next(i for i, r in enumerate(values) if r[0] == "ประเภทเอกสาร")
    header = values[header_at]
    assert header[:3] == ("ประเภทเอกสาร", "เลขที่เอกสาร", "ข้อความเอกสาร")
    assert header[8:11] == ("มูลค่าทั้งใบ", "ยอดอนุมัติ", "มูลค่าคงเหลือ")
    assert ws.freeze_panes == f"A{header_at + 2}"
    body = values[header_at + 1:-1]
    assert len(body) == 5
    ck = next(r for r in body if r[1] == "CK00000001")
    assert ck[0] == "CK" and ck[8] == 300000 and ck[11] == "31 - ยืนยันรอบกันยายน" and ck[12] == "CK05"
    # the scenario ends in February 2567: the 21 and blank documents lapsed on 1 October
    assert values[-1][0].startswith("รวม") and values[-1][8:11] == (1050000, 600000, 400000)  # approved: what 21, 31 and 50 were Listed with
    lapsed = next(r for r in body if r[1] == "CX00000002")
    assert lapsed[10] == 0 and lapsed[11] == "21 - คัดเลือกรอบกันยายน (ถูกพับไปโดยผลของกฎหมาย)"
    cell = ws.cell(row=header_at + 2, column=9)
    assert cell.number_format == "#,##0.00"


def test_pdf_has_headers_a_known_row_totals_and_page_numbers(played, tmp_path):
    sb, _ = played
    report = build_report(sb, "1200100050", "nfma60", fiscal_year=2566, round="september")
    path = tmp_path / "nfma60.pdf"
    to_pdf(report, str(path))
    reader = PdfReader(path)
    text = "\n".join(page.extract_text() for page in reader.pages).replace("\u200b", "")
    assert reader.pages[0].mediabox.width > reader.pages[0].mediabox.height  # landscape
    assert "NFMA60" in text and "มูลค่าคงเหลือ" in text and "เลขที่เอกสาร" in text
    assert "CK00000001" in text and "300,000.00" in text
    assert "1,050,000.00" in text and "400,000.00" in text  # totals
    assert "หน้า 1/1" in text


def test_pdf_repeats_the_header_on_every_page(played, tmp_path):
    sb, _ = played
    report = build_report(sb, "1200100050", "nfma60", fiscal_year=2566, round="september")
    report.rows = report.rows * 40  # 200 rows: several pages
    path = tmp_path / "long.pdf"
    to_pdf(report, str(path))
    reader = PdfReader(path)
    assert len(reader.pages) >= 3
    for n, page in enumerate(reader.pages, start=1):
        text = page.extract_text().replace("\u200b", "")
        assert "มูลค่าทั้งใบ" in text, n
        assert f"หน้า {n}/{len(reader.pages)}" in text


def test_nfma60cx_has_one_row_per_contract_line_and_counts_money_once(played, tmp_path):
    sb, _ = played
    report = build_report(sb, "1200100050", "nfma60cx", fiscal_year=2566, round="september", doc="CX00000002")
    assert [r["line"] for r in report.rows] == [1, 2]
    assert {r["doc_no"] for r in report.rows} == {"CX00000002"}
    assert report.totals["value"] == 200000  # one document, two lines
    assert totals(report.rows, "nfma60")["value"] == 400000
    assert report.totals["remaining"] == 0  # it lapsed
    path = tmp_path / "cx.csv"
    to_csv(report, path)
    lines = path.read_text("utf-8-sig").splitlines()
    assert lines[0].startswith("ประเภทเอกสาร,เลขที่เอกสาร") and "ลำดับเลขที่สัญญา" in lines[0]
    assert len(lines) == 3 and "IMP-1" in lines[1] and "LC-2" in lines[2]


def test_english_toggle(played):
    sb, _ = played
    report = build_report(sb, "1200100050", "nfma60", fiscal_year=2566, lang="en")
    assert report.header("value") == "Whole value" and report.title.startswith("Reserve documents report")


def test_cli_on_a_database_left_by_a_scenario_run(tmp_path):
    db = tmp_path / "run.sqlite"
    run = subprocess.run([sys.executable, "-m", "sandbox", "scenario", "run", str(SCENARIO), "--db", str(db)],
                         capture_output=True, text=True, cwd=ROOT)
    assert run.returncode == 0, run.stdout
    for fmt in ("xlsx", "pdf", "csv"):
        out = tmp_path / f"r.{fmt}"
        proc = subprocess.run(
            [sys.executable, "-m", "sandbox", "report", "nfma60", "--db", str(db), "--unit", "1200100000",
             "--fiscal-year", "2566", "--round", "march", "--status", "not_listed", "--format", fmt, "--out", str(out)],
            capture_output=True, text=True, cwd=ROOT,
        )
        assert proc.returncode == 0, proc.stderr
        assert out.stat().st_size > 0
        assert "1 rows" in proc.stdout and "approved 1,000,000.00" in proc.stdout
    bad = subprocess.run([sys.executable, "-m", "sandbox", "report", "nfma60", "--db", str(db), "--unit", "999"],
                         capture_output=True, text=True, cwd=ROOT)
    assert bad.returncode == 2 and "unit" in bad.stderr


# ------------------------------------------------------------------ streamed, paged, counted (issue 17)

CONDITIONS = [
    {"fiscal_year": 2566, "round": "september"},
    {"fiscal_year": 2566, "round": "september", "status": "not_listed"},
    {"fiscal_year": 2566, "round": "march"},
    {"fiscal_year": 2566, "round": "september", "doc_type": "CX"},
    {"fiscal_year": 2566, "round": "september", "budget_unit": "12001"},
    {"fiscal_year": 2567, "round": "september"},
]


@pytest.fixture(params=["sqlite", "postgresql"])
def played_on(request, tmp_path):
    """The report scenario played on either store (PostgreSQL streams through a server-side cursor)."""
    from sandbox.engine import Sandbox

    url = str(tmp_path / "r.sqlite") if request.param == "sqlite" else request.getfixturevalue("pg_url")
    sb = Sandbox(url)
    assert ScenarioPlayer(load_scenario(SCENARIO), sb).play().passed
    yield sb
    sb.close()


def test_chunks_page_and_summary_give_the_rows_of_the_one_query(played_on):
    from sandbox import views

    sb = played_on
    with sb.engine.connect() as conn:
        for cx in (False, True):
            for cond in CONDITIONS:
                rows = views.nfma60(conn, None, cond, contracts=cx)
                chunks = list(views.nfma60_chunks(conn, None, cond, contracts=cx, chunk=2))
                assert all(1 <= len(c) <= 2 for c in chunks)
                assert [r for c in chunks for r in c] == rows, cond
                pages = [views.nfma60_page(conn, None, cond, contracts=cx, limit=2, offset=o) for o in range(0, 20, 2)]
                assert [r for p in pages for r in p] == rows, cond
                summary = views.nfma60_summary(conn, None, cond, contracts=cx)
                assert summary["rows"] == len(rows), (cond, cx)
                sums = totals(rows, "nfma60cx" if cx else "nfma60")
                assert {m: summary[m] for m in sums} == sums, (cond, cx)
        # the money is baht with two decimals, as everywhere else (1,000,000.00, not 1E+6)
        assert str(views.nfma60(conn, None, CONDITIONS[0])[0]["value"]).endswith(".00")
        assert sum(len(views.nfma60(conn, None, c)) for c in CONDITIONS) > 5  # the conditions select rows


def test_a_streamed_report_writes_the_same_files_with_the_same_totals(played, tmp_path):
    sb, _ = played
    for kind in ("nfma60", "nfma60cx"):
        listed = build_report(sb, "1200100000", kind, fiscal_year=2566, round="september")
        streamed = build_report(sb, "1200100000", kind, fiscal_year=2566, round="september", stream=True)
        assert not isinstance(streamed.rows, list)
        to_csv(listed, tmp_path / "a.csv")
        to_csv(streamed, tmp_path / "b.csv")
        assert (tmp_path / "a.csv").read_bytes() == (tmp_path / "b.csv").read_bytes()
        assert streamed.totals == listed.totals and streamed.row_count == listed.row_count > 0
        for fmt, write in (("xlsx", to_xlsx), ("pdf", to_pdf)):
            again = build_report(sb, "1200100000", kind, fiscal_year=2566, round="september", stream=True)
            write(listed, tmp_path / f"a.{fmt}" if fmt == "xlsx" else str(tmp_path / f"a.{fmt}"))
            write(again, tmp_path / f"b.{fmt}" if fmt == "xlsx" else str(tmp_path / f"b.{fmt}"))
        a = [tuple(r) for r in openpyxl.load_workbook(tmp_path / "a.xlsx").active.iter_rows(values_only=True)]
        b = [tuple(r) for r in openpyxl.load_workbook(tmp_path / "b.xlsx").active.iter_rows(values_only=True)]
        assert a[2:] == b[2:] and a[-1][0].startswith("รวม")  # the print time in the title block may differ
        text = [" ".join(p.extract_text() for p in PdfReader(tmp_path / f"{n}.pdf").pages) for n in "ab"]
        assert f"{listed.totals['value']:,.2f}" in text[1] and text[0].count("\n") == text[1].count("\n")


def test_the_whole_country_streams_every_units_documents(played):
    from sandbox import views

    sb, _ = played
    cond = {"fiscal_year": 2566, "round": "september"}
    everyone = list(sb.report_stream("1200100050", cond, every_unit=True, chunk=3))
    with sb.engine.connect() as conn:
        assert everyone == views.nfma60(conn, None, cond)
        assert {r["unit"] for r in everyone} > {"1200100050"}  # other units' too
    assert list(sb.report_stream("1200100050", cond)) == sb.report_rows("1200100050", cond)


def test_the_report_screen_shows_a_page_the_count_and_every_rows_totals_and_makes_the_whole_file(app):
    """CGD's NFMA60 over more documents than a page: 100 rows on screen, the count and the totals of
    every row, and the Excel / CSV of every row made on request from the stream."""
    import base64
    import csv
    import io
    from decimal import Decimal

    from .conftest import login_on_screen, reserve_data

    sb = app.sandbox
    login_on_screen(app, "rec1")
    for i in range(105):
        assert sb.execute("rec1", "reserve.create", reserve_data("CK", 1000 + i, f"t{i}", "")).ok
    every = sb.documents(fiscal_year=2566)
    assert len(every) == 105
    login_on_screen(app, "cgd1")
    app.show("nfma60")
    screen = app.screen("nfma60")
    screen.fy.value, screen.round.value = 2566, "september"
    screen.show_btn.click()
    result = app.model.last_result
    assert result.ok and len(result.data["rows"]) == 100 and result.data["count"] == len(every)
    assert screen.table.value.count("<tr") == 1 + 100 + 1  # header, the page, the totals row
    total = sum((d["value"] for d in every), Decimal("0.00"))
    assert f"{total:,.2f}" in screen.table.value
    assert f"{len(every):,}" in screen.downloads.value and "100" in screen.downloads.value
    assert screen.files.layout.display == "flex" and "gf-download" not in screen.downloads.value
    screen.make["csv"].click()
    link = screen.file_link.value
    assert "gf-download-csv" in link and "NFMA60-" in link
    data = base64.b64decode(link.split("base64,")[1].split("'")[0]).decode("utf-8-sig")
    lines = list(csv.reader(io.StringIO(data)))
    assert lines[0][:2] == ["ประเภทเอกสาร", "เลขที่เอกสาร"] and len(lines) == 1 + len(every)
    assert {r[1] for r in lines[1:]} == {d["doc_no"] for d in every}
    screen.make["xlsx"].click()
    assert "gf-download-xlsx" in screen.file_link.value
    # a report that fits the page keeps its files ready, as before
    screen.opt["doc"].value = every[0]["doc_no"]
    screen.show_btn.click()
    assert app.model.last_result.data["count"] == 1 and screen.files.layout.display == "none"
    assert "gf-download-xlsx" in screen.downloads.value and "gf-download-pdf" in screen.downloads.value
