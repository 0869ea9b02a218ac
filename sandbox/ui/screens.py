"""The screens of New GFMIS Thai as the sandbox shows them. Each screen holds its state in a small
traitlets model, renders it with ipywidgets, and acts only through ``app.execute`` (the engine's
commands). ``perform(action, inputs)`` fills the widgets and clicks the buttons, as a trainee
would: guided Demo mode and the scenario notebooks drive the screens through it."""

from __future__ import annotations

import base64
import datetime as dt
from typing import TYPE_CHECKING, Any

import ipywidgets as w
import traitlets as tl

from ..calendar import fiscal_year, format_date
from ..domain.model import REASONS
from ..engine import Result
from ..reports import as_bytes, build_report, status_text
from .widgets import (
    PickTable,
    button,
    esc,
    field,
    fiscal_year_input,
    message_html,
    round_dropdown,
    safe,
    status_group_dropdown,
    t,
    table_html,
    text_input,
)

if TYPE_CHECKING:
    from .app import App


class Screen(w.VBox):
    key = ""
    title_key = ""
    crumb_keys: tuple[str, ...] = ()
    actions: tuple[str, ...] = ()

    def __init__(self, app: App):
        super().__init__()
        self.app = app
        self.lang = app.model.lang
        self.out = w.HTML()
        self.add_class("gf-screen")
        self.add_class(f"gf-screen-{self.key}")
        self.build()

    def tr(self, key: str) -> str:
        return t(key, self.lang)

    def header(self) -> list[w.Widget]:
        crumb = " > ".join(self.tr(k) for k in self.crumb_keys)
        return [w.HTML(f"<div class='gf-crumb'>{esc(crumb)}</div><div class='gf-title'>{esc(self.tr(self.title_key))}</div>")]

    def build(self) -> None:
        raise NotImplementedError

    def refresh(self) -> None:
        """Called when the screen is shown, the clock moves or the person changes."""

    def run(self, action: str, data: dict, ok_text: str = "") -> Result:
        result = self.app.execute(action, data)
        self.out.value = message_html(result, self.lang, ok_text)
        return result

    def on(self, btn: w.Button, fn) -> None:
        btn.on_click(safe(lambda _b: fn(), self._report))

    def _report(self, html: str) -> None:
        self.out.value = html

    def nothing_selected(self) -> None:
        self.out.value = f"<div class='gf-err'>{esc(self.tr('nothing_selected'))}</div>"

    def perform(self, action: str, inputs: dict) -> Result:
        raise NotImplementedError(action)


# ---------------------------------------------------------------------------------- login

class LoginScreen(Screen):
    key, title_key = "login", "login_title"
    actions = ("auth.login", "auth.logout", "user.change_password")

    def build(self) -> None:
        self.username = text_input(self.app.model.person, cls="gf-login-user")
        self.password = w.Password(layout=w.Layout(width="260px"))
        self.password.add_class("gf-login-password")
        self.method = w.Dropdown(
            options=[(self.tr("method_soft_token"), "soft_token"), (self.tr("method_token_key"), "token_key"),
                     (self.tr("method_password"), "password")],
            value="soft_token", layout=w.Layout(width="260px"))
        self.method.add_class("gf-login-method")
        self.otp = text_input(placeholder="123456", cls="gf-login-otp", width="120px")
        self.login_btn = button(self.tr("login_button"), "gf-login-submit", "primary")
        self.logout_btn = button(self.tr("logout"), "gf-logout")
        self.on(self.login_btn, lambda: self.login(self.otp.value.strip() or "auto"))
        self.on(self.logout_btn, lambda: self.run("auth.logout", {}))
        self.old = w.Password(layout=w.Layout(width="200px"))
        self.new = w.Password(layout=w.Layout(width="200px"))
        self.new.add_class("gf-new-password")
        self.change_btn = button(self.tr("change_password"), "gf-change-password")
        self.on(self.change_btn, self.change_password)
        self.children = self.header() + [
            w.HTML(f"<div class='gf-crumb'>{esc(self.tr('portal'))}</div>"),
            field(self.tr("username"), self.username),
            field(self.tr("password"), self.password),
            field(self.tr("method"), self.method),
            field(self.tr("otp"), self.otp),
            w.HTML(f"<div class='gf-info'>{esc(self.tr('login_wait_phone'))}</div>"),
            w.HBox([self.login_btn, self.logout_btn]),
            self.out,
            w.HTML(f"<hr><b>{esc(self.tr('change_password'))}</b>"),
            w.HBox([field(self.tr("old_password"), self.old, "120px"), field(self.tr("new_password"), self.new, "120px"), self.change_btn]),
        ]
        self.username.observe(lambda ch: self.app.set_person(ch["new"].strip()) if ch["new"].strip() in self.app.user_ids else None, "value")

    def refresh(self) -> None:
        self.username.value = self.app.model.person

    def login(self, otp: str) -> Result:
        data = {"method": self.method.value, "password": self.password.value}
        if self.method.value == "soft_token":
            data["otp"] = otp
        result = self.run("auth.login", data, self.tr("login_ok"))
        if result.ok:
            self.otp.value = ""
            self.app.after_login()
        return result

    def change_password(self) -> Result:
        result = self.run("user.change_password", {"old": self.old.value, "new": self.new.value})
        if result.ok:
            self.old.value = self.new.value = ""
        return result

    def perform(self, action: str, inputs: dict) -> Result:
        if action == "auth.login":
            self.username.value = self.app.model.person
            self.method.value = inputs.get("method", "soft_token")
            self.password.value = inputs.get("password") or ""
            otp = inputs.get("otp") or "auto"
            if self.method.value == "soft_token" and otp in ("auto", "deny"):
                self.otp.value = ""
                return self.app.phone.press(otp)  # approve or deny the push on the phone
            self.otp.value = "" if otp == "auto" else str(otp)
            self.login_btn.click()
            return self.app.model.last_result
        if action == "auth.logout":
            self.logout_btn.click()
            return self.app.model.last_result
        self.old.value, self.new.value = inputs.get("old") or "", inputs.get("new") or ""
        self.change_btn.click()
        return self.app.model.last_result


# ---------------------------------------------------------------------------------- enrolment

class EnrolScreen(Screen):
    key, title_key = "enrol", "enrol_title"
    crumb_keys = ("menu_user",)
    actions = ("user.request_credentials", "phone.install", "paotang.verify", "softtoken.register",
               "softtoken.report_lost", "tokenkey.return")

    def build(self) -> None:
        self.status = w.HTML()
        self.request_btn = button(self.tr("request_credentials"), "gf-request-credentials")
        self.nexus_btn = button(self.tr("install_nexus"), "gf-install-nexus")
        self.paotang_btn = button(self.tr("install_paotang"), "gf-install-paotang")
        self.verify_btn = button(self.tr("verify_paotang"), "gf-verify-paotang")
        self.reg_password = w.Password(layout=w.Layout(width="200px"))
        self.reg_password.add_class("gf-register-password")
        self.register_btn = button(self.tr("register_token"), "gf-register", "primary")
        self.lost_btn = button(self.tr("report_lost"), "gf-report-lost", "danger")
        self.return_btn = button(self.tr("return_token_key"), "gf-return-token")
        self.otp_shown = w.HTML()
        self.on(self.request_btn, self.request_credentials)
        self.on(self.nexus_btn, lambda: self.run("phone.install", {"apps": ["nexus_smart_id"]}))
        self.on(self.paotang_btn, lambda: self.run("phone.install", {"apps": ["paotang"]}))
        self.on(self.verify_btn, lambda: self.run("paotang.verify", {}, self.tr("identity_verified")))
        self.on(self.register_btn, lambda: self.run("softtoken.register", {"password": self.reg_password.value}))
        self.on(self.lost_btn, lambda: self.run("softtoken.report_lost", {}))
        self.on(self.return_btn, lambda: self.run("tokenkey.return", {}))
        self.children = self.header() + [
            self.status,
            w.HTML(f"<b>{esc(self.tr('step_credentials'))}</b>"), w.HBox([self.request_btn]), self.otp_shown,
            w.HTML(f"<b>{esc(self.tr('step_apps'))}</b>"), w.HBox([self.nexus_btn, self.paotang_btn]),
            w.HTML(f"<b>{esc(self.tr('step_identity'))}</b>"), self.verify_btn,
            w.HTML(f"<b>{esc(self.tr('step_register'))}</b>"), w.HBox([field(self.tr("password"), self.reg_password, "120px"), self.register_btn]),
            w.HTML(f"<b>{esc(self.tr('step_first_login'))}</b> → {esc(self.tr('menu_login'))}"),
            w.HTML("<hr>"), w.HBox([self.lost_btn, self.return_btn]),
            self.out,
        ]

    def run(self, action: str, data: dict, ok_text: str = "") -> Result:
        result = super().run(action, data, ok_text)
        self.refresh()
        return result

    def request_credentials(self) -> Result:
        result = self.run("user.request_credentials", {})
        if result.ok:
            self.otp_shown.value = (f"<div class='gf-info'>{esc(self.tr('username'))}: <b>{esc(result.data['username'])}</b> · "
                                    f"{esc(self.tr('one_time_password_is'))}: <b class='gf-otp-value'>{esc(result.data['one_time_password'])}</b></div>")
        return result

    def refresh(self) -> None:
        state = self.app.sandbox.user_state(self.app.model.person)
        if state is None:
            self.status.value = ""
            return

        def mark(done: bool) -> str:
            return f"<span class='{'gf-step-done' if done else 'gf-step-fail'}'>{'✔' if done else '✘'} {esc(self.tr('done' if done else 'todo'))}</span>"

        rows = [
            [self.tr("step_credentials"), state["credential"], mark(state["credential"] != "none")],
            [self.tr("step_apps"), ", ".join(state["apps"]) or "-", mark(len(state["apps"]) == 2)],
            [self.tr("step_identity"), self.tr("identity_verified" if state["identity"] == "verified" else "identity_unverified"),
             mark(state["identity"] == "verified")],
            [self.tr("step_register"), state["soft_token"], mark(state["soft_token"] in ("registered", "active"))],
            [self.tr("step_first_login"), state["soft_token"], mark(state["soft_token"] == "active")],
        ]
        body = "".join(f"<tr><td>{esc(a)}</td><td>{esc(b)}</td><td>{c}</td></tr>" for a, b, c in rows)
        self.status.value = (f"<div>{esc(self.tr('user_id'))}: <b>{esc(state['id'])}</b> {esc(state['name'])}</div>"
                             f"<table class='gf-table'>{body}</table>")

    def perform(self, action: str, inputs: dict) -> Result:
        if action == "user.request_credentials":
            self.request_btn.click()
        elif action == "phone.install":
            for app_name in inputs.get("apps", []):
                (self.nexus_btn if app_name == "nexus_smart_id" else self.paotang_btn).click()
        elif action == "paotang.verify":
            self.verify_btn.click()
        elif action == "softtoken.register":
            self.reg_password.value = inputs.get("password") or ""
            self.register_btn.click()
        elif action == "softtoken.report_lost":
            self.lost_btn.click()
        elif action == "tokenkey.return":
            self.return_btn.click()
        return self.app.model.last_result


# ---------------------------------------------------------------------------------- สง.01

class ReserveScreen(Screen):
    key, title_key = "sng01", "sng01_title"
    crumb_keys = ("menu_record", "menu_budget", "menu_reserve")
    actions = ("reserve.create", "reserve.simulate", "reserve.edit", "reserve.cancel", "reserve.search", "reserve.convert_to_po")

    class Model(tl.HasTraits):
        function = tl.Unicode("create")  # create | edit | cancel | search
        state = tl.Unicode("INIT")  # INIT | CHECKED | FAILED | SAVED
        doc_no = tl.Unicode("")

    def build(self) -> None:
        self.model = self.Model()
        self.fn_buttons = {f: button(self.tr(f"fn_{f}"), f"gf-fn-{f}") for f in ("create", "edit", "cancel", "search")}
        for f, b in self.fn_buttons.items():
            self.on(b, lambda f=f: self.set_function(f))
        self.fn_bar = w.HBox(list(self.fn_buttons.values()), layout=w.Layout(justify_content="flex-end"))
        self.fn_bar.add_class("gf-fn")
        self.body = w.VBox()
        self.model.observe(lambda _c: self.render(), names=["function", "state"])
        self._build_create()
        self._build_search()
        self._build_cancel()
        self.children = self.header() + [self.fn_bar, self.body, self.out]
        self.render()

    # -- the form of «สร้าง» (also shown read-only for «แก้ไข»)
    def _build_create(self) -> None:
        self.unit_info = w.HTML()
        self.doc_type = w.Dropdown(options=[(self.tr(f"doc_type_{k}"), k) for k in ("CX", "CK", "PO")], value="CX", layout=w.Layout(width="360px"))
        self.doc_type.add_class("gf-doc-type")
        self.reason = w.Dropdown(layout=w.Layout(width="460px"))
        self.reason.add_class("gf-reason")
        self.doc_type.observe(lambda _c: self._reasons(), "value")
        self._reasons()
        self.budget_code = text_input(cls="gf-budget-code", placeholder="20 หลัก")
        self.text = text_input(cls="gf-text", width="460px")
        self.reason_detail = text_input(cls="gf-reason-detail", width="460px")
        self.doc_date = text_input(cls="gf-doc-date", placeholder="วว/ดด/ปปปป", width="140px")
        self.posting_date = text_input(cls="gf-posting-date", placeholder="วว/ดด/ปปปป", width="140px")
        self.amount = text_input(cls="gf-amount", placeholder="1,250,000.00", width="180px")
        self.fund_source = text_input(cls="gf-fund-source", placeholder="7 หลัก", width="140px")
        self.commitment_item = text_input(cls="gf-commitment-item", width="160px")
        general = w.VBox([
            self.unit_info,
            field(self.tr("doc_type"), self.doc_type), field(self.tr("budget_code"), self.budget_code),
            field(self.tr("text"), self.text), field(self.tr("reason"), self.reason),
            field(self.tr("reason_detail"), self.reason_detail),
            w.HBox([field(self.tr("doc_date"), self.doc_date), field(self.tr("posting_date"), self.posting_date, "120px")]),
            field(self.tr("amount"), self.amount), field(self.tr("fund_source"), self.fund_source),
            field(self.tr("commitment_item"), self.commitment_item),
        ])
        self.c_fields = {k: text_input(cls=f"gf-c-{k}", width="260px") for k in ("lao_name", "contract_no", "lc_no", "item", "creditor", "signed", "due")}
        self.c_line = text_input(cls="gf-c-line", width="60px", placeholder="-")
        self.store_btn = button(self.tr("store_line"), "gf-store-line")
        self.on(self.store_btn, self.store_line)
        self.lines: list[dict] = []
        self.lines_view = w.HTML()
        contract = w.VBox(
            [field(self.tr("line_no"), self.c_line)] + [field(self.tr(k), box) for k, box in self.c_fields.items()]
            + [self.store_btn, w.HTML(f"<b>{esc(self.tr('contract_lines'))}</b>"), self.lines_view])
        self.tabs = w.Tab(children=[general, contract])
        self.tabs.set_title(0, self.tr("tab_general"))
        self.tabs.set_title(1, self.tr("tab_contract"))
        self.simulate_btn = button(self.tr("simulate"), "gf-simulate", "info")
        self.save_btn = button(self.tr("save"), "gf-save", "success")
        self.back_btn = button(self.tr("back_to_edit"), "gf-back")
        self.on(self.simulate_btn, self.simulate)
        self.on(self.save_btn, self.save)
        self.on(self.back_btn, lambda: setattr(self.model, "state", "INIT"))
        self.check_panel = w.HTML()
        self.after_buttons = {k: button(self.tr(k), f"gf-after-{k}") for k in ("show_doc", "new_doc", "find_doc", "print_report")}
        self.on(self.after_buttons["show_doc"], self.show_doc)
        self.on(self.after_buttons["new_doc"], self.new_doc)
        self.on(self.after_buttons["find_doc"], lambda: self.set_function("search"))
        self.on(self.after_buttons["print_report"], lambda: self.app.show("nfma60"))
        self.convert_contract = text_input(cls="gf-convert-contract", width="200px")
        self.convert_signed = text_input(cls="gf-convert-signed", width="140px", placeholder="วว/ดด/ปปปป")
        self.convert_btn = button(self.tr("convert_po"), "gf-convert")
        self.on(self.convert_btn, self.convert)
        self.edit_doc = text_input(cls="gf-edit-doc", width="160px")
        self.edit_show = button(self.tr("show_document"), "gf-edit-show")
        self.on(self.edit_show, self.load_for_edit)

    def _reasons(self) -> None:
        codes = REASONS[self.doc_type.value]
        self.reason.options = [("-", "")] + [(t(f"reason_{c}", self.lang), c) for c in codes]
        self.reason.value = ""

    def _build_search(self) -> None:
        self.s_doc = text_input(cls="gf-search-doc", width="160px")
        self.s_status = status_group_dropdown(self.lang, "gf-search-status")
        self.s_btn = button(self.tr("search_button"), "gf-search")
        self.on(self.s_btn, self.search)
        self.s_table = PickTable([self.tr("doc_no"), self.tr("doc_type"), self.tr("text"), self.tr("amount"), t("col_remaining", self.lang), self.tr("ref2")], self.lang, {3, 4})
        self.s_pick = button(self.tr("select"), "gf-search-pick")
        self.on(self.s_pick, self.pick_found)

    def _build_cancel(self) -> None:
        self.x_doc = text_input(cls="gf-cancel-doc", width="160px")
        self.x_reason = text_input(cls="gf-cancel-reason", width="360px")
        self.x_show = button(self.tr("show_document"), "gf-cancel-show")
        self.x_sim = button(self.tr("simulate_cancel"), "gf-cancel-simulate", "info")
        self.x_save = button(self.tr("save"), "gf-cancel-save", "danger")
        self.x_view = w.HTML()
        self.on(self.x_show, lambda: setattr(self.x_view, "value", self._doc_html(self.x_doc.value.strip())))
        self.on(self.x_sim, self.simulate_cancel)
        self.on(self.x_save, lambda: self.run("reserve.cancel", {"doc": self.x_doc.value.strip(), "reason": self.x_reason.value}))

    # -- rendering
    def set_function(self, function: str) -> None:
        self.model.function = function
        self.model.state = "INIT"
        self.render()

    def render(self) -> None:
        for f, b in self.fn_buttons.items():
            b.button_style = "danger" if f == self.model.function else ""
        f, state = self.model.function, self.model.state
        if f in ("create", "edit"):
            top = [field(self.tr("doc_no"), w.HBox([self.edit_doc, self.edit_show]))] if f == "edit" else []
            if state == "INIT":
                actions = [self.simulate_btn] if f == "create" else [self.save_btn]
                self.body.children = top + [self.tabs, w.HBox(actions), self.check_panel]
            elif state == "CHECKED":
                self.body.children = top + [self.tabs, self.check_panel, w.HBox([self.save_btn, self.back_btn])]
            elif state == "FAILED":
                self.body.children = top + [self.tabs, self.check_panel, w.HBox([self.back_btn])]
            else:  # SAVED
                self.body.children = [self.check_panel, w.HBox(list(self.after_buttons.values())),
                                      w.HTML(f"<hr><b>{esc(self.tr('convert_po'))}</b>"),
                                      w.HBox([field(self.tr("contract_no"), self.convert_contract, "110px"),
                                              field(self.tr("signed"), self.convert_signed, "110px"), self.convert_btn])]
        elif f == "search":
            self.body.children = [w.HBox([field(self.tr("doc_no"), self.s_doc, "110px"), self.s_status, self.s_btn]), self.s_table, self.s_pick]
        else:
            self.body.children = [field(self.tr("doc_no"), w.HBox([self.x_doc, self.x_show])), self.x_view,
                                  field(self.tr("cancel_reason"), self.x_reason), w.HBox([self.x_sim, self.x_save])]

    def refresh(self) -> None:
        state = self.app.sandbox.user_state(self.app.model.person)
        if state:
            unit = self.app.unit(state["unit"])
            self.unit_info.value = (f"<div class='gf-crumb'>{esc(self.tr('agency'))}: {esc(unit['agency'])} · "
                                    f"{esc(self.tr('unit'))}: {esc(state['unit'])} {esc(unit['unit_name'])} · "
                                    f"{esc(self.tr('area'))}: {esc(unit['area'])}</div>")
        today = format_date(self.app.sandbox.now.date())
        for box in (self.doc_date, self.posting_date):
            if not box.value:
                box.placeholder = today

    # -- the data
    def _lines_html(self) -> str:
        rows = [[ln.get("line", i + 1)] + [ln.get(k, "") for k in self.c_fields] for i, ln in enumerate(self.lines)]
        return table_html([self.tr("line_no")] + [self.tr(k) for k in self.c_fields], rows)

    def store_line(self) -> None:
        values = {k: box.value.strip() for k, box in self.c_fields.items() if box.value.strip()}
        if self.c_line.value.strip().isdigit():
            values["line"] = int(self.c_line.value.strip())
            self.lines = [ln for ln in self.lines if ln.get("line") != values["line"]]
        self.lines.append(values)
        for box in self.c_fields.values():
            box.value = ""
        self.c_line.value = ""
        self.lines_view.value = self._lines_html()

    def form_data(self) -> dict:
        data: dict[str, Any] = {
            "doc_type": self.doc_type.value, "budget_code": self.budget_code.value.strip(),
            "fund_source": self.fund_source.value.strip(), "commitment_item": self.commitment_item.value.strip(),
            "amount": self.amount.value.replace(",", "").strip() or None, "text": self.text.value,
            "reason": self.reason.value or None, "reason_detail": self.reason_detail.value,
            "contracts": [{k: v for k, v in ln.items() if k != "line"} for ln in self.lines],
        }
        for key in ("doc_date", "posting_date"):
            if getattr(self, key).value.strip():
                data[key] = getattr(self, key).value.strip()
        return data

    def simulate(self) -> Result:
        result = self.app.execute("reserve.simulate", self.form_data())
        if result.ok:
            self.check_panel.value = f"<div class='gf-ok'><b>{esc(self.tr('success_title'))}</b> — {esc(self.tr('check_ok'))}</div>"
            self.model.state = "CHECKED"
        else:
            self.check_panel.value = message_html(result, self.lang)
            self.model.state = "FAILED"
        self.out.value = ""
        return result

    def save(self) -> Result:
        if self.model.function == "edit":
            lines = [dict(ln) for ln in self.lines if ln.get("_new") or ln.get("line")]
            result = self.app.execute("reserve.edit", {"doc": self.edit_doc.value.strip(),
                                                       "contracts": [{k: v for k, v in ln.items() if k != "_new"} for ln in lines]})
            self.out.value = message_html(result, self.lang)
            return result
        result = self.app.execute("reserve.create", self.form_data())
        if result.ok:
            self.model.doc_no = result.data["doc_no"]
            self.check_panel.value = (f"<div class='gf-ok'>{esc(self.tr('doc_saved'))} "
                                      f"<b class='gf-doc-no'>{esc(result.data['doc_no'])}</b></div>")
            self.model.state = "SAVED"
            self.out.value = ""
        else:
            self.check_panel.value = message_html(result, self.lang)
            self.model.state = "FAILED"
        return result

    def new_doc(self) -> None:
        for box in (self.budget_code, self.text, self.reason_detail, self.doc_date, self.posting_date, self.amount,
                    self.fund_source, self.commitment_item):
            box.value = ""
        self.lines = []
        self.lines_view.value = ""
        self.check_panel.value = ""
        self.tabs.selected_index = 0
        self.set_function("create")

    def _doc_html(self, doc_no: str) -> str:
        doc = self.app.sandbox.document(doc_no) if doc_no else None
        if doc is None:
            return f"<div class='gf-err'>{esc(self.tr('doc_no'))} {esc(doc_no)}: -</div>"
        rows = [[self.tr("doc_no"), doc["doc_no"]], [self.tr("doc_type"), doc["doc_type"]], [self.tr("text"), doc["text"]],
                [self.tr("budget_code"), doc["budget_code"]], [self.tr("fund_source"), doc["fund_source"]],
                [self.tr("amount"), f"{doc['value']:,.2f}"], [t("col_remaining", self.lang), f"{doc['remaining']:,.2f}"],
                [self.tr("ref2"), status_text(doc["status"], doc["closed"], self.lang)], [self.tr("reason"), doc["reason"]]]
        lines = [[c["line"], c["contract_no"], c["lc_no"], c["lao_name"], c["item"], c["creditor"]] for c in doc["contracts"]]
        return table_html(["", ""], rows) + (table_html([self.tr("line_no"), self.tr("contract_no"), self.tr("lc_no"), self.tr("lao_name"), self.tr("item"), self.tr("creditor")], lines) if lines else "")

    def show_doc(self) -> None:
        self.check_panel.value = self._doc_html(self.model.doc_no)

    def load_for_edit(self) -> None:
        doc = self.app.sandbox.document(self.edit_doc.value.strip())
        self.lines = [] if doc is None else [
            {k: (v if k not in ("signed", "due") or v is None else v.isoformat()) for k, v in c.items() if k != "doc_no" and v not in ("", None)}
            for c in doc["contracts"]]
        self.lines_view.value = self._doc_html(self.edit_doc.value.strip())

    def simulate_cancel(self) -> None:
        doc = self.app.sandbox.document(self.x_doc.value.strip())
        ok = doc is not None and not doc["closed"] and doc["status"] in ("", "50")
        self.x_view.value = self._doc_html(self.x_doc.value.strip()) + (
            f"<div class='gf-ok'>{esc(self.tr('check_ok'))}</div>" if ok else "")

    def search(self) -> Result:
        data = {"doc": self.s_doc.value.strip() or None, "status": self.s_status.value or None}
        result = self.app.execute("reserve.search", {k: v for k, v in data.items() if v})
        rows = result.data.get("rows", []) if result.ok else []
        self.s_table.show([(r["doc_no"], [r["doc_no"], r["doc_type"], r["text"], f"{r['value']:,.2f}", f"{r['remaining']:,.2f}",
                                          status_text(r["status"], r["closed"], self.lang)]) for r in rows])
        self.out.value = message_html(result, self.lang) if not result.ok else ""
        return result

    def pick_found(self) -> None:
        if self.s_table.selected:
            self.model.doc_no = self.s_table.selected[0]
            self.check_panel.value = self._doc_html(self.model.doc_no)
            self.model.function, self.model.state = "create", "SAVED"

    def convert(self) -> Result:
        return self.run("reserve.convert_to_po", {"doc": self.model.doc_no, "contract_no": self.convert_contract.value,
                                                  "signed": self.convert_signed.value or None})

    # -- the driver
    def perform(self, action: str, inputs: dict) -> Result:
        if action in ("reserve.create", "reserve.simulate"):
            self.new_doc()
            self.doc_type.value = inputs.get("doc_type") or "CX"
            reason = inputs.get("reason") or ""
            self.reason.value = reason if reason in dict((v, v) for _, v in self.reason.options) else ""
            if reason and self.reason.value != reason:  # a reason of another type: typed as the engine gets it
                self.reason.options = list(self.reason.options) + [(reason, reason)]
                self.reason.value = reason
            for key in ("budget_code", "text", "reason_detail", "fund_source", "commitment_item"):
                getattr(self, key).value = "" if inputs.get(key) is None else str(inputs[key])
            self.amount.value = "" if inputs.get("amount") is None else str(inputs["amount"])
            for key in ("doc_date", "posting_date"):
                getattr(self, key).value = "" if inputs.get(key) is None else _as_text_date(inputs[key])
            for line in inputs.get("contracts") or []:
                for k, box in self.c_fields.items():
                    box.value = "" if line.get(k) is None else _as_text_date(line[k]) if k in ("signed", "due") else str(line[k])
                self.store_btn.click()
            self.simulate_btn.click()
            if action == "reserve.simulate" or self.model.state != "CHECKED":
                return self.app.model.last_result
            self.save_btn.click()
            return self.app.model.last_result
        if action == "reserve.edit":
            self.set_function("edit")
            self.edit_doc.value = str(inputs.get("doc", ""))
            self.edit_show.click()
            general = {k: v for k, v in inputs.items() if k not in ("doc", "contracts")}
            if general:  # the form would not let a trainee change these; the engine refuses them
                return self.app.execute("reserve.edit", inputs)
            self.lines = [dict(c) if c.get("line") else {**c, "_new": True} for c in inputs.get("contracts") or []]
            self.save_btn.click()
            return self.app.model.last_result
        if action == "reserve.cancel":
            self.set_function("cancel")
            self.x_doc.value = str(inputs.get("doc", ""))
            self.x_reason.value = str(inputs.get("reason") or "")
            self.x_show.click()
            self.x_sim.click()
            self.x_save.click()
            return self.app.model.last_result
        if action == "reserve.search":
            self.set_function("search")
            self.s_doc.value = str(inputs.get("doc") or "")
            self.s_status.value = inputs.get("status") or ""
            self.s_btn.click()
            return self.app.model.last_result
        # reserve.convert_to_po
        self.model.doc_no = str(inputs.get("doc", ""))
        self.model.function, self.model.state = "create", "SAVED"
        self.convert_contract.value = str(inputs.get("contract_no") or "")
        self.convert_signed.value = "" if inputs.get("signed") is None else _as_text_date(inputs["signed"])
        self.convert_btn.click()
        return self.app.model.last_result


def _as_text_date(value) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


# ---------------------------------------------------------------------------------- สง.02 / สง.03 / อพ.01

class RoundScreen(Screen):
    crumb_keys = ("menu_record", "menu_budget", "menu_carry")
    action = ""

    def build(self) -> None:
        self.fy = fiscal_year_input("gf-round-fy")
        self.round = round_dropdown(self.lang, "gf-round-round")
        self.f_doc = text_input(cls="gf-round-doc", width="160px")
        self.f_type = w.Dropdown(options=[(t("group_all", self.lang), "")] + [(k, k) for k in ("CX", "CK", "PO")], layout=w.Layout(width="120px"))
        self.show_btn = button(self.tr("show_list"), "gf-round-show", "info")
        self.on(self.show_btn, self.show_list)
        self.table = PickTable([self.tr("doc_no"), self.tr("doc_type"), self.tr("unit"), self.tr("text"), t("col_remaining", self.lang), self.tr("ref2")], self.lang, {4})
        self.save_items = button(self.tr("save_items"), "gf-round-save-items", "primary")
        self.confirm_box = w.HBox()
        self.ok_btn = button(self.tr("save"), "gf-round-save", "success")
        self.on(self.save_items, self.ask)
        self.on(self.ok_btn, self.save)
        conditions = w.VBox([field(self.tr("fiscal_year"), self.fy), field(self.tr("round"), self.round)])
        carry = w.VBox([field(self.tr("doc_no"), self.f_doc), field(self.tr("doc_type"), self.f_type)])
        self.tabs = w.Tab(children=[conditions, carry])
        self.tabs.set_title(0, self.tr("tab_conditions"))
        self.tabs.set_title(1, self.tr("tab_carry"))
        self.children = self.header() + [self.tabs, self.show_btn, self.table, self.save_items, self.confirm_box, self.out]

    def refresh(self) -> None:
        now = self.app.sandbox.now
        fy = fiscal_year(now)
        # «ปีงบประมาณ» and «รอบ» from today: August–September is this year's September round;
        # February–March is last year's March round.
        if now.month in (2, 3, 4, 5, 6, 7):
            self.fy.value, self.round.value = fy - 1, "march"
        else:
            self.fy.value, self.round.value = fy if now.month in (8, 9) else fy - 1, "september"

    def eligible(self, doc: dict) -> bool:
        raise NotImplementedError

    def show_list(self) -> None:
        state = self.app.sandbox.user_state(self.app.model.person)
        if state is None:
            return
        cond = {"fiscal_year": self.fy.value, "units": self.scope(state)}
        if self.f_doc.value.strip():
            cond["doc"] = self.f_doc.value.strip()
        if self.f_type.value:
            cond["doc_type"] = self.f_type.value
        docs = [d for d in self.app.sandbox.documents(**cond) if not d["closed"] and self.eligible(d)]
        self.table.show([(d["doc_no"], [d["doc_no"], d["doc_type"], d["unit"], d["text"], f"{d['remaining']:,.2f}",
                                        status_text(d["status"], "", self.lang)]) for d in docs])
        self.confirm_box.children = []

    def scope(self, state: dict) -> list[str]:
        return [state["unit"]]

    def ask(self) -> None:
        if not self.table.selected:
            self.nothing_selected()
            return
        self.confirm_box.children = [w.HTML(f"<div class='gf-info'>{esc(self.tr('confirm_save'))} ({len(self.table.selected)})</div>"), self.ok_btn]

    def save(self) -> Result:
        result = self.app.execute(self.action, {"docs": self.table.selected})
        note = self.tr("after_list") if self.action == "round.list" else ""
        self.out.value = message_html(result, self.lang, note)
        self.confirm_box.children = []
        if result.ok:
            self.table.clear()
            self.show_list()
        return result

    def perform(self, action: str, inputs: dict) -> Result:
        docs = inputs.get("docs") or []
        docs = [docs] if isinstance(docs, str) else [str(d) for d in docs]
        first = self.app.sandbox.document(docs[0]) if docs else None
        if first is not None:
            self.fy.value = first["fiscal_year"]
        self.show_list()
        self.table.tick(docs)
        if sorted(self.table.selected) != sorted(docs):
            # Not on the list (wrong status, closed, another unit, round not open): the engine says why.
            return self.app.execute(self.action, {"docs": docs})
        self.save_items.click()
        self.ok_btn.click()
        return self.app.model.last_result


class ListScreen(RoundScreen):
    key, title_key, action, actions = "sng02", "sng02_title", "round.list", ("round.list",)

    def eligible(self, doc: dict) -> bool:
        return doc["status"] == "" or doc["status"] == "50"


class ListCancelScreen(RoundScreen):
    key, title_key, action, actions = "sng03", "sng03_title", "round.list_cancel", ("round.list_cancel",)

    def eligible(self, doc: dict) -> bool:
        return doc["status"] in ("21", "22")


class ConfirmScreen(RoundScreen):
    key, title_key, action, actions = "op01", "op01_title", "round.confirm", ("round.confirm",)
    crumb_keys = ("menu_record", "menu_budget", "menu_approve")

    def eligible(self, doc: dict) -> bool:
        return doc["status"] in ("21", "22")

    def scope(self, state: dict) -> list[str]:
        return self.app.scope_of(state["unit"])


# ---------------------------------------------------------------------------------- CGD desk

class CgdScreen(Screen):
    key, title_key = "cgd", "cgd_title"
    crumb_keys = ("menu_cgd",)
    actions = ("round.approve", "round.reject", "round.cancel_confirm", "user.issue_credentials", "user.approve_rights_change")

    def build(self) -> None:
        self.table = PickTable([self.tr("doc_no"), self.tr("doc_type"), self.tr("unit"), self.tr("text"), t("col_remaining", self.lang), self.tr("ref2")], self.lang, {4})
        self.refresh_btn = button(self.tr("show_list"), "gf-cgd-show")
        self.approve_btn = button(self.tr("cgd_approve"), "gf-cgd-approve", "success")
        self.reason = text_input(cls="gf-cgd-reason", width="300px")
        self.reject_btn = button(self.tr("cgd_reject"), "gf-cgd-reject", "danger")
        self.letter_no = text_input(cls="gf-cgd-letter-no", width="160px")
        self.letter_date = text_input(cls="gf-cgd-letter-date", width="140px", placeholder="วว/ดด/ปปปป")
        self.cancel_btn = button(self.tr("cgd_cancel_confirm"), "gf-cgd-cancel-confirm", "warning")
        self.user_box = text_input(cls="gf-cgd-user", width="160px")
        self.issue_btn = button(self.tr("issue_credentials"), "gf-cgd-issue")
        self.rights_btn = button(self.tr("approve_rights"), "gf-cgd-rights")
        self.suspend_btn = button(self.tr("suspend_token"), "gf-cgd-suspend", "danger")
        self.issued = w.HTML()
        self.on(self.refresh_btn, self.refresh)
        self.on(self.approve_btn, lambda: self.run("round.approve", {"docs": self.table.selected}))
        self.on(self.reject_btn, lambda: self.run("round.reject", {"docs": self.table.selected, "reason": self.reason.value}))
        self.on(self.cancel_btn, lambda: self.run("round.cancel_confirm", {"docs": self.table.selected, "letter_no": self.letter_no.value or None,
                                                                             "letter_date": self.letter_date.value or None}))
        self.on(self.issue_btn, self.issue)
        self.on(self.rights_btn, lambda: self.run("user.approve_rights_change", {"user": self.user_box.value.strip()}))
        self.on(self.suspend_btn, lambda: self.run("softtoken.report_lost", {"user": self.user_box.value.strip()}))
        self.children = self.header() + [
            w.HTML(f"<b>{esc(self.tr('waiting_cgd'))}</b>"), self.refresh_btn, self.table,
            w.HBox([self.approve_btn]), w.HBox([field(self.tr("reject_reason"), self.reason), self.reject_btn]),
            w.HBox([field(self.tr("letter_no"), self.letter_no, "110px"), field(self.tr("letter_date"), self.letter_date, "80px"), self.cancel_btn]),
            w.HTML("<hr>"), w.HBox([field(self.tr("user_id"), self.user_box, "90px"), self.issue_btn, self.rights_btn, self.suspend_btn]),
            self.issued, self.out,
        ]

    def run(self, action: str, data: dict, ok_text: str = "") -> Result:
        result = super().run(action, data, ok_text)
        if result.ok:
            self.table.clear()
        self.refresh()
        return result

    def refresh(self) -> None:
        docs = [d for d in self.app.sandbox.documents() if d["status"] in ("31", "32") and not d["closed"]]
        self.table.show([(d["doc_no"], [d["doc_no"], d["doc_type"], d["unit"], d["text"], f"{d['remaining']:,.2f}",
                                        status_text(d["status"], "", self.lang)]) for d in docs])

    def issue(self) -> Result:
        result = self.run("user.issue_credentials", {"user": self.user_box.value.strip()})
        if result.ok:
            self.issued.value = (f"<div class='gf-info'>{esc(self.tr('username'))}: <b>{esc(result.data['username'])}</b> · "
                                 f"{esc(self.tr('one_time_password_is'))}: <b class='gf-otp-value'>{esc(result.data['one_time_password'])}</b></div>")
        return result

    def perform(self, action: str, inputs: dict) -> Result:
        if action.startswith("round."):
            docs = [str(d) for d in inputs.get("docs") or []]
            self.refresh()
            self.table.tick(docs)
            if sorted(self.table.selected) != sorted(docs):
                return self.app.execute(action, inputs)
            if action == "round.approve":
                self.approve_btn.click()
            elif action == "round.reject":
                self.reason.value = str(inputs.get("reason") or "")
                self.reject_btn.click()
            else:
                self.letter_no.value = str(inputs.get("letter_no") or "")
                self.letter_date.value = "" if inputs.get("letter_date") is None else _as_text_date(inputs["letter_date"])
                self.cancel_btn.click()
            return self.app.model.last_result
        self.user_box.value = str(inputs.get("user") or "")
        {"user.issue_credentials": self.issue_btn, "user.approve_rights_change": self.rights_btn,
         "softtoken.report_lost": self.suspend_btn}[action].click()
        return self.app.model.last_result


# ---------------------------------------------------------------------------------- rights (head)

class RightsScreen(Screen):
    key, title_key = "rights", "rights_title"
    crumb_keys = ("menu_user",)
    actions = ("user.change_rights", "softtoken.loss_letter")

    def build(self) -> None:
        from ..domain.model import ROLES

        self.user_box = text_input(cls="gf-rights-user", width="160px")
        self.roles = w.SelectMultiple(options=list(ROLES), layout=w.Layout(width="260px", height="150px"))
        self.roles.add_class("gf-rights-roles")
        self.order_file = w.FileUpload(accept=".pdf,.jpg,.png", multiple=False)
        self.order_name = text_input(cls="gf-rights-order", width="260px", placeholder="คำสั่ง ที่ .../2568.pdf")
        self.request_btn = button(self.tr("request_change"), "gf-rights-request", "primary")
        self.letter_no = text_input(cls="gf-loss-letter-no", width="200px")
        self.letter_btn = button(self.tr("send_letter"), "gf-loss-letter")
        self.on(self.request_btn, self.request)
        self.on(self.letter_btn, lambda: self.run("softtoken.loss_letter", {"user": self.user_box.value.strip(), "letter_no": self.letter_no.value or None}))
        self.children = self.header() + [
            field(self.tr("user_id"), self.user_box), field(self.tr("roles"), self.roles),
            field(self.tr("order_file"), w.HBox([self.order_file, self.order_name])), self.request_btn,
            w.HTML(f"<hr><b>{esc(self.tr('loss_letter'))}</b>"),
            w.HBox([field(self.tr("letter_no"), self.letter_no, "110px"), self.letter_btn]), self.out,
        ]

    def request(self) -> Result:
        name = self.order_name.value.strip()
        if not name and self.order_file.value:
            name = self.order_file.value[0]["name"]
        return self.run("user.change_rights", {"user": self.user_box.value.strip(), "roles": list(self.roles.value), "order_file": name or None})

    def perform(self, action: str, inputs: dict) -> Result:
        self.user_box.value = str(inputs.get("user") or "")
        if action == "user.change_rights":
            self.roles.value = tuple(r for r in inputs.get("roles") or [] if r in self.roles.options)
            self.order_name.value = str(inputs.get("order_file") or "")
            if set(self.roles.value) != set(inputs.get("roles") or []):
                return self.app.execute(action, inputs)
            self.request_btn.click()
        else:
            self.letter_no.value = str(inputs.get("letter_no") or "")
            self.letter_btn.click()
        return self.app.model.last_result


# ---------------------------------------------------------------------------------- withdrawals

class WithdrawalScreen(Screen):
    key, title_key = "withdrawal", "withdrawal_title"
    crumb_keys = ("menu_spend",)
    actions = ("withdrawal.request", "withdrawal.approve", "payment.approve")

    def build(self) -> None:
        self.doc = text_input(cls="gf-wd-doc", width="160px")
        self.amount = text_input(cls="gf-wd-amount", width="160px", placeholder="1,000,000.00")
        self.request_btn = button(self.tr("request_withdrawal"), "gf-wd-request", "primary")
        self.table = PickTable([self.tr("request_no"), self.tr("doc_no"), self.tr("amount"), t("col_status", self.lang)], self.lang, {2})
        self.approve_btn = button(self.tr("approve_withdrawal"), "gf-wd-approve", "success")
        self.pay_btn = button(self.tr("approve_payment"), "gf-wd-pay", "success")
        self.on(self.request_btn, lambda: self.run("withdrawal.request", {"doc": self.doc.value.strip(), "amount": self.amount.value.replace(",", "") or None}))
        self.on(self.approve_btn, lambda: self._each("withdrawal.approve"))
        self.on(self.pay_btn, lambda: self._each("payment.approve"))
        self.children = self.header() + [
            w.HBox([field(self.tr("doc_no"), self.doc, "110px"), field(self.tr("amount"), self.amount, "80px"), self.request_btn]),
            w.HTML(f"<hr><b>{esc(self.tr('pending_requests'))}</b>"), self.table, w.HBox([self.approve_btn, self.pay_btn]), self.out,
        ]

    def run(self, action: str, data: dict, ok_text: str = "") -> Result:
        result = super().run(action, data, ok_text)
        if result.ok and result.data.get("request_no"):
            self.out.value = message_html(result, self.lang, f"{self.tr('request_no')} {result.data['request_no']}")
        self.refresh()
        return result

    def _each(self, action: str) -> Result | None:
        if not self.table.selected:
            self.nothing_selected()
            return None
        result = None
        for request in self.table.selected:
            result = super().run(action, {"request": request})
            if not result.ok:
                break  # the refusal stays on screen, with the request it concerns still ticked
        else:
            self.table.clear()
        self.refresh()
        return result

    def refresh(self) -> None:
        state = self.app.sandbox.user_state(self.app.model.person)
        rows = self.app.sandbox.pending_requests(state["unit"]) if state else []
        self.table.show([(r["request_no"], [r["request_no"], r["doc_no"], f"{r['amount']:,.2f}", r["status"]]) for r in rows])

    def perform(self, action: str, inputs: dict) -> Result:
        if action == "withdrawal.request":
            self.doc.value = str(inputs.get("doc") or "")
            self.amount.value = "" if inputs.get("amount") is None else str(inputs["amount"])
            self.request_btn.click()
            return self.app.model.last_result
        self.refresh()
        self.table.tick([str(inputs.get("request"))])
        if not self.table.selected:
            return self.app.execute(action, inputs)
        (self.approve_btn if action == "withdrawal.approve" else self.pay_btn).click()
        return self.app.model.last_result


# ---------------------------------------------------------------------------------- NFMA60 / NFMA60CX

class ReportScreen(Screen):
    crumb_keys = ("menu_reports", "menu_reports_budget", "menu_report_reserve")
    kind = "nfma60"

    def build(self) -> None:
        self.fy = fiscal_year_input("gf-rep-fy")
        self.round = round_dropdown(self.lang, "gf-rep-round")
        self.status = status_group_dropdown(self.lang, "gf-rep-status")
        self.doc_type = w.Dropdown(options=[(t("group_all", self.lang), "")] + [(t(f"doc_type_{k}", self.lang), k) for k in ("CX", "CK", "PO")], layout=w.Layout(width="320px"))
        self.opt = {k: text_input(cls=f"gf-rep-{k}", width="200px") for k in ("doc", "remaining", "fund_source", "budget_code", "area", "budget_unit", "reason")}
        self.show_btn = button(t("show_report", self.lang), "gf-rep-show", "primary")
        self.table = w.HTML()
        self.downloads = w.HTML()
        self.on(self.show_btn, self.show)
        cond = [field(t("cond_fiscal_year", self.lang), self.fy), field(t("cond_round", self.lang), self.round),
                field(t("cond_status", self.lang), self.status), field(t("cond_doc_type", self.lang), self.doc_type)]
        cond += [field(t(f"cond_{k}", self.lang), box) for k, box in self.opt.items()]
        self.children = self.header() + [w.VBox(cond), self.show_btn, self.downloads, self.table, self.out]

    def header(self) -> list[w.Widget]:
        return [w.HTML(f"<div class='gf-crumb'>{esc(' > '.join(self.tr(k) for k in self.crumb_keys))}</div>"
                       f"<div class='gf-title'>{esc(t(self.kind + '_title', self.lang))} ({self.kind.upper()})</div>")]

    def refresh(self) -> None:
        if not self.fy.value:
            now = self.app.sandbox.now
            self.fy.value = fiscal_year(now) if now.month >= 8 or now.month < 2 else fiscal_year(now) - 1
            if 2 <= now.month <= 7:
                self.round.value = "march"

    def conditions(self) -> dict:
        data = {"fiscal_year": self.fy.value, "round": self.round.value, "status": self.status.value or None,
                "doc_type": self.doc_type.value or None}
        data.update({k: box.value.strip() or None for k, box in self.opt.items()})
        return {k: v for k, v in data.items() if v not in (None, "")}

    def show(self) -> Result:
        cond = self.conditions()
        result = self.app.execute(f"report.{self.kind}", cond)
        self.out.value = message_html(result, self.lang) if not result.ok else ""
        if not result.ok:
            self.table.value = self.downloads.value = ""
            return result
        state = self.app.sandbox.user_state(self.app.model.person)
        # the rows the engine gave this user (CGD sees every unit), not a second query
        report = build_report(self.app.sandbox, state["unit"], self.kind, lang=self.lang, rows=result.data["rows"], **cond)
        cols = report.columns
        money = {i for i, c in enumerate(cols) if c in ("value", "approved", "remaining")}
        rows = [[report.cell(r, c) for c in cols] for r in report.rows]
        rows.append([t("total", self.lang) if i == 0 else (f"{report.totals[c]:,.2f}" if i in money else "") for i, c in enumerate(cols)])
        self.table.value = table_html([report.header(c) for c in cols], rows, money)
        links = []
        for fmt, mime in (("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"), ("pdf", "application/pdf")):
            payload = base64.b64encode(as_bytes(report, fmt)).decode()
            name = f"{self.kind.upper()}-{state['unit']}-{report.fiscal_year}-{report.round}.{fmt}"
            links.append(f"<a class='gf-download gf-download-{fmt}' download='{name}' href='data:{mime};base64,{payload}' "
                         f"style='margin-right:16px'>⬇ {esc(t('download_' + fmt, self.lang))}</a>")
        self.downloads.value = f"<div class='gf-info'>{''.join(links)} · {esc(t('rows_count', self.lang).format(n=len(report.rows)))}</div>"
        return result

    def perform(self, action: str, inputs: dict) -> Result:
        self.fy.value = int(inputs.get("fiscal_year") or fiscal_year(self.app.sandbox.now))
        self.round.value = inputs.get("round") or "september"
        self.status.value = inputs.get("status") or ""
        self.doc_type.value = inputs.get("doc_type") or ""
        for k, box in self.opt.items():
            box.value = "" if inputs.get(k) is None else str(inputs[k])
        self.show_btn.click()
        return self.app.model.last_result


class NFMA60Screen(ReportScreen):
    key, kind, actions = "nfma60", "nfma60", ("report.nfma60",)


class NFMA60CXScreen(ReportScreen):
    key, kind, actions = "nfma60cx", "nfma60cx", ("report.nfma60cx",)


SCREENS = [LoginScreen, EnrolScreen, ReserveScreen, ListScreen, ListCancelScreen, ConfirmScreen, CgdScreen,
           RightsScreen, WithdrawalScreen, NFMA60Screen, NFMA60CXScreen]

