"""A round screen's state: the conditions of its list, and which documents each screen lists."""

from __future__ import annotations

import traitlets as tl

from ....domain.model import LISTED

# SNG.02 lists blank documents (September round) and 50 documents (March round): the statuses
# ``domain.model.list_document`` takes. SNG.03 and OP.01 take listed documents (21, 22).
LISTABLE = ("", "50")
ELIGIBLE = {"round.list": LISTABLE, "round.list_cancel": LISTED, "round.confirm": LISTED}


class RoundModel(tl.HasTraits):
    action = tl.Unicode("")
    fiscal_year = tl.Int(0)
    round = tl.Unicode("september")

    def eligible(self, doc: dict) -> bool:
        return not doc["closed"] and doc["status"] in ELIGIBLE[self.action]

    def conditions(self, units: list[str], doc: str, doc_type: str) -> dict:
        cond: dict = {"fiscal_year": self.fiscal_year, "units": units}
        if doc:
            cond["doc"] = doc
        if doc_type:
            cond["doc_type"] = doc_type
        return cond
