"""Scenario steps on the round screens: the documents ticked on the list, then «save»."""

from __future__ import annotations

from ....engine import Result
from ..base import Driver
from .view import RoundScreen


class RoundDriver(Driver):
    view: RoundScreen

    def perform(self, action: str, inputs: dict) -> Result:
        view = self.view
        docs = inputs.get("docs") or []
        docs = [docs] if isinstance(docs, str) else [str(d) for d in docs]
        first = self.desk.document(docs[0]) if docs else None
        if first is not None:
            view.fy.value = first["fiscal_year"]
        view.show_list()
        view.table.tick(docs)
        if sorted(view.table.selected) != sorted(docs):
            # Not on the list (wrong status, closed, another unit, round not open): the engine says why.
            return self.desk.execute(view.action, {"docs": docs})
        view.save_items.click()
        view.ok_btn.click()
        return self.desk.last_result
