"""«ค้นหา» of form SNG.01 as CGD's manual draws it [004 ch. 2, 1.2]: the two ways of searching
(by document number, or by other conditions), «start search», the «select» column, and after
«select» the chosen document with its reference-2 status and the functions «new document»,
«edit document», «cancel document» and «print report»."""

from __future__ import annotations

from collections.abc import Callable

import ipywidgets as w

from ....engine import Result
from ....reports import status_text
from ...pick_table import PickTable
from ...relabel import Banner
from ...shared_looks import layout as look  # one frozen layout per setting (shared_looks.py)
from ...widgets import (
    button,
    esc,
    field,
    message_html,
    status_group_dropdown,
    t,
    text_input,
)

WAYS = ("doc", "other")
AFTER = ("new_doc", "sng_edit_document", "cancel_document", "print_report")


class SearchPanel(w.VBox):
    """The search function's body; ``screen`` is the SNG.01 view it sits in (its desk, language
    and the document view it shares with the other functions)."""

    def __init__(self, screen):
        super().__init__()
        self.screen = screen
        tr, lang = screen.tr, screen.lang
        self.way = w.RadioButtons(options=[(tr(f"sng_search_by_{k}"), k) for k in WAYS], value="doc",
                                  layout=look(width="auto"))
        self.way.add_class("gf-search-way")
        self.doc = text_input(cls="gf-search-doc", width="160px")
        self.status = status_group_dropdown(lang, "gf-search-status")
        self.doc_type = w.Dropdown(options=[(tr("group_all"), "")] + [(tr(f"doc_type_{k}"), k) for k in ("CX", "CK", "PO")],
                                   value="", layout=look(width="300px"))
        self.doc_type.add_class("gf-search-doc-type")
        self.budget_code = text_input(cls="gf-search-budget-code", width="220px", placeholder=tr("placeholder_budget_code"))
        self.fund_source = text_input(cls="gf-search-fund-source", width="120px", placeholder=tr("placeholder_fund_source"))
        self.start = button(tr("sng_search_start"), "gf-search", "primary")
        self.table = PickTable([tr("doc_no"), tr("doc_type"), tr("text"), tr("amount"), tr("col_remaining"), tr("ref2")], lang, {3, 4})
        self.pick = button(tr("select"), "gf-search-pick")
        self.found = Banner(screen.lang)  # the chosen document, redrawn after a language switch
        self.after = {k: button(tr(k), f"gf-found-{k}") for k in AFTER}
        self.chosen = ""  # the document picked with «select»
        # the rows, built once (a render builds no widgets: a language switch relabels them)
        self.rows = {"way": w.HTML(f"<b>{esc(tr('sng_search_way'))}</b>"),
                     "doc": [field(tr("cond_doc"), self.doc, "200px")],
                     "other": [field(tr("cond_status"), self.status, "200px"), field(tr("doc_type"), self.doc_type, "200px"),
                               field(tr("budget_code"), self.budget_code, "200px"),
                               field(tr("fund_source"), self.fund_source, "200px")],
                     "after": w.HBox(list(self.after.values()))}
        screen.on(self.start, self.search)
        screen.on(self.pick, self.select)
        self.way.observe(lambda _c: self.render(), "value")
        self.render()

    def on_after(self, key: str, fn: Callable[[str], None]) -> None:
        """What a function button after «select» does with the chosen document."""
        self.screen.on(self.after[key], lambda: fn(self.chosen))

    def render(self) -> None:
        rows = self.rows
        conditions = rows["doc"] if self.way.value == "doc" else rows["other"]
        after = [rows["after"]] if self.chosen else []
        self.children = [rows["way"], self.way, *conditions, self.start, self.table, self.pick, self.found, *after]

    def conditions(self) -> dict:
        if self.way.value == "doc":
            return {"doc": self.doc.value.strip() or None}
        return {"status": self.status.value or None, "doc_type": self.doc_type.value or None,
                "budget_code": self.budget_code.value.strip() or None, "fund_source": self.fund_source.value.strip() or None}

    def search(self) -> Result:
        screen = self.screen
        result = screen.desk.execute("reserve.search", {k: v for k, v in self.conditions().items() if v})
        rows = result.data.get("rows", []) if result.ok else []
        self.table.show([(r["doc_no"], [r["doc_no"], r["doc_type"], r["text"], f"{r['value']:,.2f}", f"{r['remaining']:,.2f}",
                                        status_text(r["status"], r["closed"], screen.lang)]) for r in rows])
        self.chosen, self.found.value = "", ""
        screen.out.say(lambda lang: message_html(result, lang) if not result.ok else "")
        self.render()
        return result

    def select(self) -> None:
        """«select»: the document's data with reference 2 (its status), then its functions."""
        picked = self.table.selected
        if not picked:
            self.screen.note("gf-err", "sng_pick_first", self.found)
            self.chosen = ""
        else:
            self.chosen = doc_no = picked[0]
            doc = self.screen.desk.document(doc_no)
            self.found.say(lambda lang: f"<div class='gf-info'><b>{esc(t('sng_doc_selected', lang))}</b></div>"
                                        + self.screen.doc_html(doc_no, lang, doc))
        self.render()
