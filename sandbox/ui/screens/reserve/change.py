"""Form SNG.01's «แก้ไข» and «ยกเลิก»: their boxes and buttons, built the first time the function
is chosen (``Screen.part``), and their checks before «บันทึกข้อมูล»."""

from __future__ import annotations

import ipywidgets as w

from ...relabel import Banner
from ...widgets import button, field, text_input
from .checks import checked, refused
from .model import change_refusal


class ChangeParts:
    """The edit and cancel functions of :class:`ReserveScreen` (a mixin: they act through its
    desk, model, banners and rows)."""

    def _build_edit(self) -> None:
        self.edit_doc = text_input(cls="gf-edit-doc", width="160px")
        self.edit_show = button(self.tr("sng_find_doc_no"), "gf-edit-show")
        self.on(self.edit_show, self.load_for_edit)
        self.simulate_edit_btn = button(self.tr("sng_simulate_edit"), "gf-simulate-edit", "info")
        self.on(self.simulate_edit_btn, self.simulate_edit)
        self.rows.update({"edit_doc": field(self.tr("doc_no"), w.HBox([self.edit_doc, self.edit_show])),
                          "edit_actions": w.HBox([self.simulate_edit_btn])})

    def _build_cancel(self) -> None:
        self.x_doc = text_input(cls="gf-cancel-doc", width="160px")
        self.x_reason = text_input(cls="gf-cancel-reason", width="360px")
        self.x_show = button(self.tr("show_document"), "gf-cancel-show")
        self.x_sim = button(self.tr("simulate_cancel"), "gf-cancel-simulate", "info")
        self.x_save = button(self.tr("save"), "gf-cancel-save", "danger")
        self.x_view = Banner(self.lang)
        self.on(self.x_show, lambda: self.show_in(self.x_view, self.x_doc.value.strip()))
        self.on(self.x_sim, self.simulate_cancel)
        self.on(self.x_save, lambda: self.run("reserve.cancel", {"doc": self.x_doc.value.strip(), "reason": self.x_reason.value}))
        self.rows.update({"cancel_doc": field(self.tr("doc_no"), w.HBox([self.x_doc, self.x_show])),
                          "cancel_reason": field(self.tr("cancel_reason"), self.x_reason),
                          "cancel_actions": w.HBox([self.x_sim, self.x_save])})

    def load_for_edit(self) -> None:
        doc = self.desk.document(self.edit_doc.value.strip())
        self.model.lines = [] if doc is None else [
            {k: (v if k not in ("signed", "due") or v is None else v.isoformat()) for k, v in c.items() if k != "doc_no" and v not in ("", None)}
            for c in doc["contracts"]]
        self.lines_view.value = self.doc_html(self.edit_doc.value.strip(), doc=doc)
        self._show_lines()

    def simulate_cancel(self) -> None:
        """«จำลองการยกเลิก»: the document, then the check — what the cancel would refuse, in the
        words of the rule it breaks (``change_refusal``, the engine's checks), or «no errors».
        Nothing is stored and nothing goes to the engine."""
        doc_no = self.x_doc.value.strip()
        doc = self.desk.document(doc_no) if doc_no else None
        refusal = change_refusal(doc_no, doc, self.desk.user_state())
        self.show_in(self.x_view, doc_no, checked if refusal is None else lambda lang: refused(refusal, lang), doc)

    def simulate_edit(self) -> None:
        """«จำลองการแก้ไข» [004 ch. 2, 1.3.8]: the document's check before «บันทึกข้อมูล»."""
        doc_no = self.edit_doc.value.strip()
        doc = self.desk.document(doc_no) if doc_no else None
        refusal = change_refusal(doc_no, doc, self.desk.user_state(), "reserve.edit")
        if refusal is None:
            self.check_panel.say(checked)
            self.model.state = "CHECKED"
        else:
            self.check_panel.say(lambda lang: refused(refusal, lang))
            self.model.state = "FAILED"

    def open_edit(self, doc_no: str) -> None:
        """«แก้ไขเอกสาร» after «เลือก»: the edit function on the chosen document."""
        self.set_function("edit")
        self.edit_doc.value = doc_no
        self.load_for_edit()

    def open_cancel(self, doc_no: str) -> None:
        """«ยกเลิกเอกสาร» after «เลือก»: the cancel function on the chosen document, shown."""
        self.set_function("cancel")
        self.x_doc.value = doc_no
        self.show_in(self.x_view, doc_no)
