"""The rights screen: user, roles, the written order; the letter after a lost Soft Token."""

from __future__ import annotations

import ipywidgets as w
import traitlets as tl

from ....calendar import be_year
from ....engine import Result
from ...shared_looks import layout as look  # one frozen layout per setting (shared_looks.py)
from ...widgets import button, esc, field, named, text_input
from ..base import Screen
from ..province.papers import PaperButton
from .model import RightsModel


class RightsScreen(Screen):
    key, title_key = "rights", "rights_title"
    crumb_keys = ("menu_user",)

    def build(self) -> None:
        self.model = self.model or RightsModel()
        self.user_box = text_input(cls="gf-rights-user", width="160px")
        self.roles = w.SelectMultiple(options=[(named("role_names", r, self.lang), r) for r in self.model.known_roles()],
                                     layout=look(width="320px", height="150px"))
        self.roles.add_class("gf-rights-roles")
        self.order_file = w.FileUpload(accept=".pdf,.jpg,.png", multiple=False)
        self.order_name = text_input(cls="gf-rights-order", width="260px")
        tl.link((self.user_box, "value"), (self.model, "user"))
        tl.link((self.roles, "value"), (self.model, "roles"))
        tl.link((self.order_name, "value"), (self.model, "order_file"))
        self.request_btn = button(self.tr("request_change"), "gf-rights-request", "primary")
        self.letter_no = text_input(cls="gf-loss-letter-no", width="200px")
        self.letter_btn = button(self.tr("send_letter"), "gf-loss-letter")
        self.loss_paper = PaperButton(self.desk, "loss_letter", "prov_loss_draft_btn", cls="gf-loss-draft",
                                      inputs=lambda: {"user": self.model.user.strip(), "letter_no": self.letter_no.value.strip()})
        self.on(self.request_btn, self.request)
        self.on(self.letter_btn, lambda: self.run("softtoken.loss_letter", {"user": self.model.user.strip(), "letter_no": self.letter_no.value or None}))
        self.children = self.header() + [
            field(self.tr("user_id"), self.user_box), field(self.tr("roles"), self.roles),
            field(self.tr("order_file"), w.HBox([self.order_file, self.order_name])), self.request_btn,
            w.HTML(f"<hr><b>{esc(self.tr('loss_letter'))}</b>"),
            w.HBox([field(self.tr("letter_no"), self.letter_no, "110px"), self.letter_btn]), self.loss_paper, self.out,
        ]

    def refresh(self) -> None:
        """The order's placeholder carries the simulated clock's year, never a stale one."""
        self.order_name.placeholder = self.tr("uxs_order_file").format(year=be_year(self.desk.now.year))

    def request(self) -> Result:
        uploaded = self.order_file.value[0]["name"] if self.order_file.value else ""
        return self.run("user.change_rights", self.model.request(uploaded))
