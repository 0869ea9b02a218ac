"""The one list of screens: key, title, place in the menu, the actions each plays, its view and
its driver. The app's menu, the generated notebooks' titles and the guided panel's «screen»
hint all read it."""

from __future__ import annotations

from dataclasses import dataclass

from .base import Driver, Screen
from .cgd.driver import CgdDriver
from .cgd.view import CgdScreen
from .enrol.driver import EnrolDriver
from .enrol.view import EnrolScreen
from .login.driver import LoginDriver
from .login.view import LoginScreen
from .province.driver import ProvinceDriver
from .province.view import ProvinceScreen
from .reports.driver import ReportDriver
from .reports.view import NFMA60CXScreen, NFMA60Screen
from .reserve.driver import ReserveDriver
from .reserve.view import ReserveScreen
from .rights.driver import RightsDriver
from .rights.view import RightsScreen
from .rounds.driver import RoundDriver
from .rounds.view import ConfirmScreen, ListCancelScreen, ListScreen
from .withdrawal.driver import WithdrawalDriver
from .withdrawal.view import WithdrawalScreen


@dataclass(frozen=True)
class Entry:
    key: str
    view: type[Screen]
    driver: type[Driver]
    head: str  # the menu heading it sits under
    actions: tuple[str, ...] = ()

    @property
    def menu_key(self) -> str:
        """The label of its menu entry (catalogue ``labels``)."""
        return f"menu_{self.key}"

    @property
    def notebook_title_key(self) -> str:
        """The title of its generated notebook (``notebooks/screens/<key>.ipynb``)."""
        return f"notebook_{self.key}"


# In menu order within each heading.
SCREENS: tuple[Entry, ...] = (
    Entry("login", LoginScreen, LoginDriver, "menu_user", ("auth.login", "auth.logout", "user.change_password")),
    Entry("enrol", EnrolScreen, EnrolDriver, "menu_user",
          ("user.request_credentials", "phone.install", "paotang.verify", "softtoken.register", "softtoken.report_lost",
           "tokenkey.return")),
    Entry("rights", RightsScreen, RightsDriver, "menu_user", ("user.change_rights", "softtoken.loss_letter")),
    Entry("sng01", ReserveScreen, ReserveDriver, "menu_reserve",
          ("reserve.create", "reserve.simulate", "reserve.edit", "reserve.cancel", "reserve.search", "reserve.convert_to_po")),
    Entry("sng02", ListScreen, RoundDriver, "menu_carry", ("round.list",)),
    Entry("sng03", ListCancelScreen, RoundDriver, "menu_carry", ("round.list_cancel",)),
    Entry("op01", ConfirmScreen, RoundDriver, "menu_approve", ("round.confirm",)),
    Entry("withdrawal", WithdrawalScreen, WithdrawalDriver, "menu_spend", ("withdrawal.request", "withdrawal.approve", "payment.approve")),
    Entry("nfma60", NFMA60Screen, ReportDriver, "menu_report_reserve", ("report.nfma60",)),
    Entry("nfma60cx", NFMA60CXScreen, ReportDriver, "menu_report_reserve", ("report.nfma60cx",)),
    Entry("cgd", CgdScreen, CgdDriver, "menu_cgd",
          ("round.approve", "round.reject", "round.cancel_confirm", "user.issue_credentials", "user.approve_rights_change")),
    Entry("province", ProvinceScreen, ProvinceDriver, "menu_cgd"),
)

# The real system's menu tree: headings in order (some only group the ones below them).
MENU_HEADS = ("menu_user", "menu_record", "menu_budget", "menu_reserve", "menu_carry", "menu_approve", "menu_spend",
              "menu_reports", "menu_reports_budget", "menu_report_reserve", "menu_cgd")

BY_KEY = {e.key: e for e in SCREENS}


def menu() -> list[tuple[str, list[Entry]]]:
    """The menu: each heading with the screens under it."""
    return [(head, [e for e in SCREENS if e.head == head]) for head in MENU_HEADS]


def entry_for(action: str, inputs: dict | None = None) -> Entry:
    """The screen on which a person does ``action`` (a lost phone reported for another user is
    the CGD desk's)."""
    if action == "softtoken.report_lost" and (inputs or {}).get("user"):
        return BY_KEY["cgd"]
    for e in SCREENS:
        if action in e.actions:
            return e
    raise KeyError(action)
