"""Form SNG.01 as GFMIS shows it: the function bar (create, edit, cancel, search), the form with
its general and contract tabs, simulate then save, and what follows a saved document."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import ipywidgets as w

from ....engine import Result
from ...dates import ThaiDateBox
from ...relabel import Banner
from ...shared_looks import layout as look  # one frozen layout per setting (shared_looks.py)
from ...widgets import (
    ProblemMarks,
    button,
    esc,
    field,
    message_html,
    problems_html,
    safe,
    t,
    text_input,
)
from ..base import Screen
from ..province.papers import paper_html
from .change import ChangeParts
from .checks import checked, doc_html
from .lines import LinesTable
from .model import FUNCTIONS, ReserveModel, reasons
from .search import SearchPanel

FORM_TEXTS = ("budget_code", "text", "reason_detail", "fund_source", "commitment_item")
CONTRACT_FIELDS = ("lao_name", "contract_no", "lc_no", "item", "creditor", "signed", "due")


class ReserveScreen(ChangeParts, Screen):
    key, title_key = "sng01", "sng01_title"
    crumb_keys = ("menu_record", "menu_budget", "menu_reserve")
    # built when first shown or used (``Screen.part``): the contract tab's content when the tab is
    # first selected, «ค้นหา», «แก้ไข», «ยกเลิก» and what follows a saved document when first chosen
    parts = {**dict.fromkeys(("c_fields", "c_line", "store_btn", "lines_table", "line_note", "lines_view"), "_build_contract"),
             "search_panel": "_build_search", **dict.fromkeys(("edit_doc", "edit_show", "simulate_edit_btn"), "_build_edit"),
             **dict.fromkeys(("x_doc", "x_reason", "x_show", "x_sim", "x_save", "x_view"), "_build_cancel"),
             **dict.fromkeys(("after_buttons", "convert_contract", "convert_signed", "convert_btn"), "_build_after")}
    row_parts = {"edit_doc": "_build_edit", "edit_actions": "_build_edit", "cancel_doc": "_build_cancel",
                 "cancel_reason": "_build_cancel", "cancel_actions": "_build_cancel", "after": "_build_after",
                 "convert_head": "_build_after", "convert": "_build_after"}

    def build(self) -> None:
        self.model = self.model or ReserveModel()
        self.fn_buttons = {f: button(self.tr(f"fn_{f}"), f"gf-fn-{f}") for f in FUNCTIONS}
        for f, b in self.fn_buttons.items():
            self.on(b, lambda f=f: self.choose_function(f))
        self.saved = False  # a document was saved from this form: «สร้าง» starts a clean one
        self.fn_bar = w.HBox(list(self.fn_buttons.values()), layout=look(justify_content="flex-end"))
        self.fn_bar.add_class("gf-fn")
        self.body = w.VBox()
        self.model.observe(lambda _c: self.render(), names=["function", "state"])
        self.rows: dict[str, w.Widget] = {}
        self._build_create()
        self.children = self.header() + [self.fn_bar, self.body, self.out]
        self.render()

    # -- the form of «create» (also shown read-only for «edit»)
    def _build_create(self) -> None:
        self.unit_info = w.HTML()
        self.doc_type = w.Dropdown(options=[(self.tr(f"doc_type_{k}"), k) for k in ("CX", "CK", "PO")], value="CX", layout=look(width="360px"))
        self.doc_type.add_class("gf-doc-type")
        self.reason = w.Dropdown(layout=look(width="480px"))  # as wide as the form allows (CSS .gf-reason)
        self.reason.add_class("gf-reason")
        # the longest reasons (176 characters) fit no box at 1366 px: the chosen one also spelled out in full
        self.reason_full = w.HTML()
        self.reason_full.add_class("gf-reason-full")
        self.reason.observe(lambda _c: self._reason_full(), "value")
        self.doc_type.observe(lambda _c: self._reasons(), "value")
        self._reasons()
        self.budget_code = text_input(cls="gf-budget-code", placeholder=self.tr("placeholder_budget_code"))
        self.text = text_input(cls="gf-text", width="460px")
        self.reason_detail = text_input(cls="gf-reason-detail", width="460px")
        self.doc_date = ThaiDateBox(self.lang, "gf-doc-date")
        self.posting_date = ThaiDateBox(self.lang, "gf-posting-date")
        self.amount = text_input(cls="gf-amount", placeholder="1,250,000.00", width="180px")
        self.fund_source = text_input(cls="gf-fund-source", placeholder=self.tr("placeholder_fund_source"), width="140px")
        self.commitment_item = text_input(cls="gf-commitment-item", width="160px")
        self.marks = ProblemMarks(self.lang)  # «จำลองการบันทึก»: each problem at its field
        mark = self.marks.at
        general = w.VBox([
            self.unit_info,
            mark("doc_type", field(self.tr("doc_type"), self.doc_type)), mark("budget_code", field(self.tr("budget_code"), self.budget_code)),
            field(self.tr("text"), self.text), mark("reason", field(self.tr("reason"), self.reason)), self.reason_full,
            field(self.tr("reason_detail"), self.reason_detail),
            w.HBox([mark("doc_date", field(self.tr("doc_date"), self.doc_date)),
                    mark("posting_date", field(self.tr("posting_date"), self.posting_date))]),
            mark("amount", field(self.tr("amount"), self.amount)), mark("fund_source", field(self.tr("fund_source"), self.fund_source)),
            mark("commitment_item", field(self.tr("commitment_item"), self.commitment_item)),
        ])
        self.marks.place(general)
        self.contract = w.VBox()  # the contract tab: its content built when the tab is first selected
        self.tabs = w.Tab(children=[general, self.contract])
        self.tabs.set_title(0, self.tr("tab_general"))
        self.tabs.set_title(1, self.tr("tab_contract"))
        self.tabs.observe(safe(lambda c: self.part("_build_contract") if c["new"] == 1 else None), "selected_index")
        self.simulate_btn = button(self.tr("simulate"), "gf-simulate", "info")
        self.save_btn = button(self.tr("save"), "gf-save", "success")
        self.back_btn = button(self.tr("back_to_edit"), "gf-back")
        self.on(self.simulate_btn, self.simulate)
        self.on(self.save_btn, self.save)
        self.on(self.back_btn, self.back)
        self.check_panel = Banner(self.lang)  # the check's answer, redrawn after a language switch
        self.rows.update({"create_actions": w.HBox([self.simulate_btn]), "checked_actions": w.HBox([self.save_btn, self.back_btn]),
                          "failed_actions": w.HBox([self.back_btn])})

    def _build_contract(self) -> None:
        mark = self.marks.at
        self.c_fields = {k: ThaiDateBox(self.lang, f"gf-c-{k}") if k in ("signed", "due") else text_input(cls=f"gf-c-{k}", width="260px")
                         for k in CONTRACT_FIELDS}
        self.c_line = text_input(cls="gf-c-line", width="60px", placeholder="-")
        self.store_btn = button(self.tr("store_line"), "gf-store-line")
        self.on(self.store_btn, self.store_line)
        self.lines_view = w.HTML()  # a saved document's lines (edit)
        self.lines_table = LinesTable(self, CONTRACT_FIELDS, self.edit_line, self.remove_line)
        self.line_note = w.HTML()
        self.contract.children = (
            [field(self.tr("line_no"), self.c_line)] + [mark(k, field(self.tr(k), box)) for k, box in self.c_fields.items()]
            + [self.line_note, self.store_btn, mark("contracts", w.HTML(f"<b>{esc(self.tr('contract_lines'))}</b>")),
               self.lines_table, self.lines_view])
        self.marks.place(self.contract)
        for k in ("signed", "due"):
            self.c_fields[k].today(self.desk.now)
        self._show_lines()

    def _build_after(self) -> None:
        self.after_buttons = {k: button(self.tr(k), f"gf-after-{k}") for k in ("show_doc", "new_doc", "find_doc", "print_report")}
        self.on(self.after_buttons["show_doc"], self.show_doc)
        self.on(self.after_buttons["new_doc"], self.new_doc)
        self.on(self.after_buttons["find_doc"], lambda: self.set_function("search"))
        self.on(self.after_buttons["print_report"], lambda: setattr(self.out, "value", paper_html(self.desk, "sng01", doc=self.model.doc_no)))
        self.convert_contract = text_input(cls="gf-convert-contract", width="200px")
        self.convert_signed = ThaiDateBox(self.lang, "gf-convert-signed")
        self.convert_signed.today(self.desk.now)
        self.convert_btn = button(self.tr("convert_po"), "gf-convert")
        self.on(self.convert_btn, self.convert)
        self.rows.update({
            "after": w.HBox(list(self.after_buttons.values())),
            "convert_head": w.HTML(f"<hr><b>{esc(self.tr('convert_po'))}</b>"),
            "convert": w.HBox([field(self.tr("contract_no"), self.convert_contract, "110px"),
                               field(self.tr("signed"), self.convert_signed, "110px"), self.convert_btn]),
        })

    def _reasons(self) -> None:
        self.reason.options = [("-", "")] + [(self.tr(f"reason_{c}"), c) for c in reasons(self.doc_type.value)]
        self.reason.value = ""

    def _reason_full(self) -> None:
        label = self.reason.label if self.reason.value else ""
        self.reason_full.value = f"<div class='gf-reason-text'>{esc(label)}</div>" if label else ""

    def relabelled(self) -> None:
        super().relabelled()
        self._reason_full()

    def _build_search(self) -> None:
        """The search function's body (a form used only to create a document never sends its 30 widgets)."""
        panel = self.search_panel = SearchPanel(self)
        panel.on_after("new_doc", lambda _doc: self.new_doc())
        panel.on_after("sng_edit_document", self.open_edit)
        panel.on_after("cancel_document", self.open_cancel)
        panel.on_after("print_report", lambda doc: setattr(self.out, "value", paper_html(self.desk, "sng01", doc=doc)))

    # -- rendering
    def choose_function(self, function: str) -> None:
        """A function button: «สร้าง» after a saved document (or from «แก้ไข», whose form holds
        another document's lines) opens an empty form."""
        if function == "create" and (self.saved or self.model.function == "edit"):
            self.new_doc()
        else:
            self.set_function(function)

    def set_function(self, function: str) -> None:
        self.model.function = function
        self.model.state = "INIT"
        self.render()

    def render(self) -> None:
        for f, b in self.fn_buttons.items():
            b.button_style = "danger" if f == self.model.function else ""
        f, state = self.model.function, self.model.state
        rows = self.row  # each built once, when first shown (a language switch relabels them)
        if f in ("create", "edit"):
            top = [rows("edit_doc")] if f == "edit" else []
            if state == "INIT":
                self.body.children = top + [self.tabs, rows(f"{f}_actions"), self.check_panel]
            elif state == "CHECKED":
                self.body.children = top + [self.tabs, self.check_panel, rows("checked_actions")]
            elif state == "FAILED":
                self.body.children = top + [self.tabs, self.check_panel, rows("failed_actions")]
            else:  # SAVED
                self.body.children = [self.check_panel, rows("after"), rows("convert_head"), rows("convert")]
        elif f == "search":
            self.body.children = [self.search_panel]
        else:
            self.body.children = [rows("cancel_doc"), self.x_view, rows("cancel_reason"), rows("cancel_actions")]

    def row(self, key: str) -> w.Widget:
        if key not in self.rows:
            self.part(self.row_parts[key])
        return self.rows[key]

    def refresh(self) -> None:
        state = self.desk.user_state()
        if state:
            unit = self.desk.unit(state["unit"])
            self.unit_info.value = (f"<div class='gf-crumb'>{esc(self.tr('agency'))}: {esc(unit['agency'])} · "
                                    f"{esc(self.tr('unit'))}: {esc(state['unit'])} {esc(unit['unit_name'])} · "
                                    f"{esc(self.tr('area'))}: {esc(unit['area'])}</div>")
        boxes = [self.doc_date, self.posting_date]
        if self.built("_build_after"):
            boxes.append(self.convert_signed)
        if self.built("_build_contract"):
            boxes += [self.c_fields["signed"], self.c_fields["due"]]
        for box in boxes:
            box.today(self.desk.now)  # the simulated clock's date, in the Buddhist era

    # -- the data
    def _show_lines(self) -> None:
        if self.built("_build_contract"):  # (else drawn when the tab is first selected)
            self.lines_table.show(list(self.model.lines), self.model.removable)

    def store_line(self) -> None:
        """«จัดเก็บรายการนี้ลงตาราง»: a numbered line (the «ลำดับ» box, or the line being edited)
        is corrected in place; else a new line."""
        values: dict[str, Any] = {k: box.value.strip() for k, box in self.c_fields.items() if box.value.strip()}
        number = int(self.c_line.value.strip()) if self.c_line.value.strip().isdigit() else None
        self.model.store_line(values, number, new=self.model.function == "edit")
        self._clear_line_boxes()
        self._show_lines()

    def enter_line(self, line: dict) -> None:
        """A contract line as a trainee types it (``line``: the boxes' texts): into the boxes and
        «จัดเก็บรายการนี้ลงตาราง» when the contract tab is built; else the same line straight into the
        form's lines, which the tab shows when first selected (its 70 widgets are sent then)."""
        if self.built("_build_contract"):
            for k, box in self.c_fields.items():
                box.value = line.get(k, "")
            self.store_btn.click()
        else:
            self.model.store_line({k: v.strip() for k, v in line.items() if k in CONTRACT_FIELDS and v.strip()}, None,
                                  new=self.model.function == "edit")

    def _clear_line_boxes(self) -> None:
        if not self.built("_build_contract"):
            return
        for box in self.c_fields.values():
            box.value = ""
        self.c_line.value = ""
        self.line_note.value = ""

    def edit_line(self, number: int) -> None:
        """«แก้ไข» on a stored line: its values back in the boxes, its number in «ลำดับ»."""
        line = self.model.lines[number - 1]
        for k, box in self.c_fields.items():
            box.value = str(line.get(k) or "")
        self.c_line.value = str(number)
        self.line_note.value = f"<div class='gf-info'>{esc(self.tr('uxs_line_editing').format(n=number))}</div>"

    def remove_line(self, number: int) -> None:
        self.model.remove_line(number)
        if self.c_line.value.strip() == str(number):
            self._clear_line_boxes()
        self._show_lines()

    def form_data(self) -> dict:
        data: dict[str, Any] = {
            "doc_type": self.doc_type.value, "budget_code": self.budget_code.value.strip(),
            "fund_source": self.fund_source.value.strip(), "commitment_item": self.commitment_item.value.strip(),
            "amount": self.amount.value.replace(",", "").strip() or None, "text": self.text.value,
            "reason": self.reason.value or None, "reason_detail": self.reason_detail.value,
            "contracts": self.model.contracts(),
        }
        for key in ("doc_date", "posting_date"):
            if getattr(self, key).value.strip():
                data[key] = getattr(self, key).value.strip()
        return data

    def simulate(self) -> Result:
        result = self.desk.execute("reserve.simulate", self.form_data())
        self.marks.show(result.data.get("problems", []) if not result.ok else [])
        if result.ok:
            self.check_panel.say(checked)
            self.model.state = "CHECKED"
        else:
            self.check_panel.say(lambda lang: problems_html(result, lang))
            self.model.state = "FAILED"
        self.out.value = ""
        return result

    def save(self) -> Result:
        if self.model.function == "edit":
            doc_no = self.edit_doc.value.strip()
            result = self.desk.execute("reserve.edit", {"doc": doc_no, "contracts": self.model.edited_contracts()})
            self.out.say(lambda lang: message_html(result, lang))
            if result.ok:  # the document keeps its number [004 ch. 2, 1.3.10]
                self.model.doc_no = doc_no
                self.check_panel.say(lambda lang: f"<div class='gf-ok'>{esc(t('sng_edit_kept_no', lang))} "
                                                  f"<b class='gf-doc-no'>{esc(doc_no)}</b></div>")
                self.model.state = "SAVED"
            return result
        result = self.desk.execute("reserve.create", self.form_data())
        if result.ok:
            self.model.doc_no = result.data["doc_no"]
            self.saved = True
            self.check_panel.say(lambda lang: f"<div class='gf-ok'>{esc(t('doc_saved', lang))} "
                                              f"<b class='gf-doc-no'>{esc(result.data['doc_no'])}</b></div>")
            self.model.state = "SAVED"
            self.out.value = ""
        else:
            self.check_panel.say(lambda lang: message_html(result, lang))
            self.model.state = "FAILED"
        return result

    def back(self) -> None:
        """«กลับไปแก้ไข»: the form again, the marks of the last check still at their fields."""
        self.model.state = "INIT"

    def new_doc(self) -> None:
        for box in (self.budget_code, self.text, self.reason_detail, self.doc_date, self.posting_date, self.amount,
                    self.fund_source, self.commitment_item):
            box.value = ""
        self.doc_type.value = "CX"
        self.reason.value = ""
        self.model.lines = []
        self._clear_line_boxes()
        self._show_lines()
        if self.built("_build_contract"):
            self.lines_view.value = ""
        self.check_panel.value = ""
        self.out.value = ""
        self.marks.show([])
        self.saved = False
        self.tabs.selected_index = 0
        self.set_function("create")

    def doc_html(self, doc_no: str, lang: str | None = None, doc: dict | None = None) -> str:
        return doc_html(doc_no, doc or (self.desk.document(doc_no) if doc_no else None), lang or self.lang)

    def show_in(self, box: Banner, doc_no: str, more: Callable[[str], str] | None = None, doc: dict | None = None) -> None:
        """The document (as it is now) in ``box``, then ``more``; both follow a language switch."""
        doc = doc or (self.desk.document(doc_no) if doc_no else None)
        box.say(lambda lang: doc_html(doc_no, doc, lang) + (more(lang) if more else ""))

    def show_doc(self) -> None:
        self.show_in(self.check_panel, self.model.doc_no)

    def convert(self) -> Result:
        return self.run("reserve.convert_to_po", {"doc": self.model.doc_no, "contract_no": self.convert_contract.value,
                                                  "signed": self.convert_signed.value or None})
