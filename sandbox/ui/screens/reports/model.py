"""A report screen's conditions, as the report command takes them."""

from __future__ import annotations

import traitlets as tl

OPTIONAL = ("doc", "remaining", "fund_source", "budget_code", "area", "budget_unit", "reason")
MONEY = ("value", "approved", "remaining")
DOWNLOADS = (("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"), ("pdf", "application/pdf"))
STREAMED = (("xlsx", DOWNLOADS[0][1]), ("csv", "text/csv"))  # the files of more rows than a page
PAGE = 100  # rows on screen; the count and the totals are every row's


class ReportModel(tl.HasTraits):
    kind = tl.Unicode("nfma60")
    fiscal_year = tl.Int(0)
    round = tl.Unicode("september")
    status = tl.Unicode("")
    doc_type = tl.Unicode("")

    def conditions(self, optional: dict[str, str]) -> dict:
        data = {"fiscal_year": self.fiscal_year, "round": self.round, "status": self.status or None,
                "doc_type": self.doc_type or None}
        data.update({k: v.strip() or None for k, v in optional.items()})
        return {k: v for k, v in data.items() if v not in (None, "")}

    def file_name(self, unit: str, fiscal_year: int, round_: str, fmt: str) -> str:
        return f"{self.kind.upper()}-{unit}-{fiscal_year}-{round_}.{fmt}"
