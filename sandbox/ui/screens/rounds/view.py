"""SNG.02, SNG.03 and OP.01: conditions, the list with its tick column, save after a confirmation."""

from __future__ import annotations

import ipywidgets as w
import traitlets as tl

from ....engine import Result
from ....reports import status_text
from ...pick_table import PickTable
from ...shared_looks import layout as look  # one frozen layout per setting (shared_looks.py)
from ...widgets import (
    SHOWN,
    button,
    done_html,
    esc,
    field,
    fiscal_year_input,
    message_html,
    round_dropdown,
    safe,
    t,
    text_input,
)
from ..base import Screen
from ..province.papers import CancelLetterBox
from .model import RoundModel

DONE = {"round.list": "uxs_listed", "round.list_cancel": "uxs_list_cancelled", "round.confirm": "uxs_confirmed"}


class RoundScreen(Screen):
    crumb_keys = ("menu_record", "menu_budget", "menu_carry")
    action = ""
    parts = dict.fromkeys(("f_doc", "f_type"), "_build_carry")  # the second tab's boxes: when it is first selected

    def build(self) -> None:
        self.model = self.model or RoundModel(action=self.action)
        self.fy = fiscal_year_input("gf-round-fy")
        self.round = round_dropdown(self.lang, "gf-round-round")
        tl.link((self.fy, "value"), (self.model, "fiscal_year"))
        tl.link((self.round, "value"), (self.model, "round"))
        self.show_btn = button(self.tr("show_list"), "gf-round-show", "info")
        self.on(self.show_btn, self.show_list)
        self.table = PickTable([self.tr("doc_no"), self.tr("doc_type"), self.tr("unit"), self.tr("text"), self.tr("col_remaining"), self.tr("ref2")], self.lang, {4})
        self.save_items = button(self.tr("save_items"), "gf-round-save-items", "primary")
        self.confirm_box = w.HBox()
        self.confirm_note = w.HTML()  # «save N documents?», its text set at each ask
        self.ok_btn = button(self.tr("save"), "gf-round-save", "success")
        self.on(self.save_items, self.ask)
        self.on(self.ok_btn, self.save)
        conditions = w.VBox([field(self.tr("fiscal_year"), self.fy), field(self.tr("round"), self.round)])
        self.carry = w.VBox()
        self.tabs = w.Tab(children=[conditions, self.carry])
        self.tabs.set_title(0, self.tr("tab_conditions"))
        self.tabs.set_title(1, self.tr("tab_carry"))
        self.tabs.observe(safe(lambda c: self.part("_build_carry") if c["new"] == 1 else None), "selected_index")
        self.children = self.header() + [self.tabs, self.show_btn, self.table, self.save_items, self.confirm_box, self.out]

    def _build_carry(self) -> None:
        self.f_doc = text_input(cls="gf-round-doc", width="160px")
        self.f_type = w.Dropdown(options=[(self.tr("group_all"), "")] + [(k, k) for k in ("CX", "CK", "PO")], layout=look(width="120px"))
        self.carry.children = [field(self.tr("doc_no"), self.f_doc), field(self.tr("doc_type"), self.f_type)]

    def refresh(self) -> None:
        """«Fiscal year» and «round» from today, as the round policy says (the open round, or the
        last one that opened)."""
        self.model.fiscal_year, self.model.round = self.desk.default_round()

    def scope(self, state: dict) -> list[str]:
        return [state["unit"]]

    def show_list(self) -> None:
        state = self.desk.user_state()
        if state is None:
            return
        doc, kind = (self.f_doc.value.strip(), self.f_type.value) if self.built("_build_carry") else ("", "")
        cond = self.model.conditions(self.scope(state), doc, kind)
        docs = [d for d in self.desk.documents(**cond) if self.model.eligible(d)]
        self.table.show([(d["doc_no"], [d["doc_no"], d["doc_type"], d["unit"], d["text"], f"{d['remaining']:,.2f}",
                                        status_text(d["status"], "", self.lang)]) for d in docs])
        self.confirm_box.children = []

    def ask(self) -> None:
        if not self.table.selected:
            self.nothing_selected()
            return
        self.confirm_note.value = f"<div class='gf-info'>{esc(self.tr('confirm_save'))} ({len(self.table.selected)})</div>"
        self.confirm_box.children = [self.confirm_note, self.ok_btn]

    def save(self) -> Result:
        result, action = self.desk.execute(self.action, {"docs": self.table.selected}), self.action
        if result.ok:  # which documents, and their status now
            done = result.data.get("docs", [])
            docs = [d for d in (self.desk.document(n) for n in done[:SHOWN]) if d]  # a page's worth
            self.out.say(lambda lang: done_html(t(DONE[action], lang).format(n=len(done)), docs, lang,
                                                t("after_list", lang) if action == "round.list" else ""))
        else:
            self.out.say(lambda lang: message_html(result, lang))
        self.confirm_box.children = []
        if result.ok:
            self.table.clear()
            self.show_list()
        return result


class ListScreen(RoundScreen):
    key, title_key, action = "sng02", "sng02_title", "round.list"


class ListCancelScreen(RoundScreen):
    key, title_key, action = "sng03", "sng03_title", "round.list_cancel"


class ConfirmScreen(RoundScreen):
    key, title_key, action = "op01", "op01_title", "round.confirm"
    crumb_keys = ("menu_record", "menu_budget", "menu_approve")

    def build(self) -> None:
        super().build()
        self.cancel_letter = CancelLetterBox(self.desk)  # the letter to CGD after a Confirm [004 §1.4]
        self.children = (*self.children, self.cancel_letter)

    def scope(self, state: dict) -> list[str]:
        return self.desk.scope_of(state["unit"])
