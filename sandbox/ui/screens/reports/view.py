"""NFMA60 / NFMA60CX: the report's conditions, the table with its total, Excel and PDF downloads."""

from __future__ import annotations

import base64
from decimal import Decimal

import ipywidgets as w
import traitlets as tl

from ....engine import Result
from ....reports import as_bytes
from ...shared_looks import layout as look  # one frozen layout per setting (shared_looks.py)
from ...widgets import (
    button,
    esc,
    field,
    fiscal_year_input,
    message_html,
    round_dropdown,
    status_group_dropdown,
    table_html,
    text_input,
)
from ..base import Screen
from .model import DOWNLOADS, MONEY, OPTIONAL, PAGE, STREAMED, ReportModel


class ReportScreen(Screen):
    crumb_keys = ("menu_reports", "menu_reports_budget", "menu_report_reserve")
    kind = "nfma60"

    def build(self) -> None:
        self.model = self.model or ReportModel(kind=self.kind)
        self.fy = fiscal_year_input("gf-rep-fy")
        self.round = round_dropdown(self.lang, "gf-rep-round")
        self.status = status_group_dropdown(self.lang, "gf-rep-status")
        self.doc_type = w.Dropdown(options=[(self.tr("group_all"), "")] + [(self.tr(f"doc_type_{k}"), k) for k in ("CX", "CK", "PO")], layout=look(width="320px"))
        for name, box in (("fiscal_year", self.fy), ("round", self.round), ("status", self.status), ("doc_type", self.doc_type)):
            tl.link((box, "value"), (self.model, name))
        self.opt = {k: text_input(cls=f"gf-rep-{k}", width="200px") for k in OPTIONAL}
        self.show_btn = button(self.tr("show_report"), "gf-rep-show", "primary")
        self.table = w.HTML()
        self.downloads = w.HTML()
        self.on(self.show_btn, self.show)
        # more rows than a page: each file is made on request from rows read in chunks
        self.make = {fmt: button(self.tr(f"rep17_make_{fmt}"), f"gf-rep-make-{fmt}") for fmt, _ in STREAMED}
        for fmt, box in self.make.items():
            self.on(box, lambda fmt=fmt: self.make_file(fmt))
        self.file_link = w.HTML()
        self.files = w.HBox([*self.make.values(), self.file_link], layout=w.Layout(display="none"))
        cond = [field(self.tr("cond_fiscal_year"), self.fy), field(self.tr("cond_round"), self.round),
                field(self.tr("cond_status"), self.status), field(self.tr("cond_doc_type"), self.doc_type)]
        cond += [field(self.tr(f"cond_{k}"), box) for k, box in self.opt.items()]
        self.children = self.header() + [w.VBox(cond), self.show_btn, self.downloads, self.files, self.table, self.out]

    def header(self) -> list[w.Widget]:
        return [w.HTML(f"<div class='gf-crumb'>{esc(' > '.join(self.tr(k) for k in self.crumb_keys))}</div>"
                       f"<div class='gf-title'>{esc(self.tr(self.kind + '_title'))} ({self.kind.upper()})</div>")]

    def refresh(self) -> None:
        """An empty «fiscal year» takes today's, as the round policy says (the year and round
        the round screens open on); a year the trainee typed stays."""
        if not self.model.fiscal_year:
            self.model.fiscal_year, self.model.round = self.desk.default_round()

    def conditions(self) -> dict:
        return self.model.conditions({k: box.value for k, box in self.opt.items()})

    def show(self) -> Result:
        cond = self.conditions()
        # one page of rows, with the number and the sums of every row (a whole country's: 1,000,000)
        result = self.desk.execute(f"report.{self.kind}", cond | {"page": PAGE})
        self.out.say(lambda lang: message_html(result, lang) if not result.ok else "")
        self.files.layout.display, self.file_link.value = "none", ""
        if not result.ok:
            self.table.value = self.downloads.value = ""
            return result
        state = self.desk.user_state()
        # the rows the engine gave this user (CGD sees every unit), not a second query
        report = self.desk.report(state["unit"], self.kind, result.data["rows"], cond)
        count, shown = result.data["count"], len(report.rows)
        report.totals = {m: Decimal(v) for m, v in result.data["sums"].items()}
        cols = report.columns
        money = {i for i, c in enumerate(cols) if c in MONEY}
        rows = [[report.cell(r, c) for c in cols] for r in report.rows]
        rows.append([self.tr("total") if i == 0 else (f"{report.totals[c]:,.2f}" if i in money else "") for i, c in enumerate(cols)])
        counted = esc(self.tr("rows_count").format(n=f"{count:,}"))
        if count > shown:
            # the files first, then the table: here they are made on request (every row, in chunks)
            self.files.layout.display = "flex"
            note = self.tr("rep17_page_note").format(shown=shown, n=f"{count:,}")
            self.downloads.value = f"<div class='gf-info'>{esc(note)}</div>"
        else:
            self.downloads.value = f"<div class='gf-info'>{self.links(report, DOWNLOADS)} · {counted}</div>"
        self.table.value = table_html([report.header(c) for c in cols], rows, money)
        return result

    def links(self, report, formats) -> str:
        state, links = self.desk.user_state(), []
        for fmt, mime in formats:
            payload = base64.b64encode(as_bytes(report, fmt)).decode()
            name = self.model.file_name(state["unit"], report.fiscal_year, report.round, fmt)
            text = self.tr("rep17_download_csv" if fmt == "csv" else "download_" + fmt)
            links.append(f"<a class='gf-download gf-download-{fmt}' download='{name}' href='data:{mime};base64,{payload}' "
                         f"style='margin-right:16px'>⬇ {esc(text)}</a>")
        return "".join(links)

    def make_file(self, fmt: str) -> None:
        """The file of every row the conditions select, written as the rows are read."""
        report = self.desk.report_stream(self.kind, self.conditions())
        self.file_link.value = f"<div class='gf-info'>{self.links(report, [f for f in STREAMED if f[0] == fmt])}</div>"


class NFMA60Screen(ReportScreen):
    key, kind = "nfma60", "nfma60"


class NFMA60CXScreen(ReportScreen):
    key, kind = "nfma60cx", "nfma60cx"
