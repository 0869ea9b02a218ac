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
    assert header[8:11] == ("มูลค่าทั้งใบ", "ยอดอนุมัติ (ยกยอด)", "มูลค่าคงเหลือ")
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
