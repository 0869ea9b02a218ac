"""Scenario steps on form SNG.01: the form filled, «simulate» then «save», as a trainee would."""

from __future__ import annotations

from ....engine import Result
from ..base import Driver, as_text_date
from .view import CONTRACT_FIELDS, FORM_TEXTS, ReserveScreen


class ReserveDriver(Driver):
    view: ReserveScreen

    def perform(self, action: str, inputs: dict) -> Result:
        if action in ("reserve.create", "reserve.simulate"):
            return self.create(action, inputs)
        if action == "reserve.edit":
            return self.edit(inputs)
        view = self.view
        if action == "reserve.cancel":
            view.set_function("cancel")
            view.x_doc.value = str(inputs.get("doc", ""))
            view.x_reason.value = str(inputs.get("reason") or "")
            view.x_show.click()
            view.x_sim.click()
            view.x_save.click()
            return self.desk.last_result
        if action == "reserve.search":
            return self.search(inputs)
        # reserve.convert_to_po
        view.model.doc_no = str(inputs.get("doc", ""))
        view.model.function, view.model.state = "create", "SAVED"
        view.convert_contract.value = str(inputs.get("contract_no") or "")
        view.convert_signed.value = "" if inputs.get("signed") is None else as_text_date(inputs["signed"])
        view.convert_btn.click()
        return self.desk.last_result

    def create(self, action: str, inputs: dict) -> Result:
        view = self.view
        view.new_doc()
        view.doc_type.value = inputs.get("doc_type") or "CX"
        reason = inputs.get("reason") or ""
        view.reason.value = reason if reason in dict((v, v) for _, v in view.reason.options) else ""
        if reason and view.reason.value != reason:  # a reason of another type: typed as the engine gets it
            view.reason.options = list(view.reason.options) + [(reason, reason)]
            view.reason.value = reason
        for key in FORM_TEXTS:
            getattr(view, key).value = "" if inputs.get(key) is None else str(inputs[key])
        view.amount.value = "" if inputs.get("amount") is None else str(inputs["amount"])
        for key in ("doc_date", "posting_date"):
            getattr(view, key).value = "" if inputs.get(key) is None else as_text_date(inputs[key])
        for line in inputs.get("contracts") or []:
            view.enter_line({k: "" if line.get(k) is None else as_text_date(line[k]) if k in ("signed", "due") else str(line[k])
                             for k in CONTRACT_FIELDS})
        view.simulate_btn.click()
        if action == "reserve.simulate" or view.model.state != "CHECKED":
            return self.desk.last_result
        view.save_btn.click()
        return self.desk.last_result

    def edit(self, inputs: dict) -> Result:
        view = self.view
        view.set_function("edit")
        view.edit_doc.value = str(inputs.get("doc", ""))
        view.edit_show.click()
        general = {k: v for k, v in inputs.items() if k not in ("doc", "contracts")}
        if general:  # the form would not let a trainee change these; the engine refuses them
            return self.desk.execute("reserve.edit", inputs)
        view.model.lines = [dict(c) if c.get("line") else {**c, "_new": True} for c in inputs.get("contracts") or []]
        view.simulate_edit_btn.click()
        if view.model.state != "CHECKED":  # the form stops here; the engine refuses the same edit
            return self.desk.execute("reserve.edit", inputs)
        view.save_btn.click()
        return self.desk.last_result

    def search(self, inputs: dict) -> Result:
        """By document number when the step names one, else by the other conditions."""
        view = self.view
        view.set_function("search")
        panel = view.search_panel
        other = {k: v for k, v in inputs.items() if k != "doc" and v not in (None, "")}
        boxes = {"status": panel.status, "doc_type": panel.doc_type}
        simple = set(other) <= {"status", "doc_type", "budget_code", "fund_source"} and all(
            other[k] in [v for _, v in box.options] for k, box in boxes.items() if k in other)
        if not simple or (inputs.get("doc") and other):  # conditions the form has no box for
            return self.desk.execute("reserve.search", inputs)
        panel.way.value = "doc" if inputs.get("doc") else "other"
        panel.doc.value = str(inputs.get("doc") or "")
        panel.status.value = other.get("status") or ""
        panel.doc_type.value = other.get("doc_type") or ""
        panel.budget_code.value = str(other.get("budget_code") or "")
        panel.fund_source.value = str(other.get("fund_source") or "")
        panel.start.click()
        return self.desk.last_result
