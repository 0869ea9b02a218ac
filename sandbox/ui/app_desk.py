"""The app's desk: what a screen may use of the app and of the sandbox (``screens.base.Desk``),
and nothing more."""

from __future__ import annotations

import datetime as dt
from typing import Any

from .. import views
from ..engine import Result
from ..reports import build_report
from .screens.base import Desk


class AppDesk(Desk):
    """The app's desk: what a screen may use of the app and of the sandbox, and nothing more."""

    def __init__(self, app: Any):  # the App of app.py (which imports this module)
        self._app = app

    @property
    def person(self) -> str:
        return self._app.model.person

    @property
    def lang(self) -> str:
        return self._app.model.lang

    @property
    def last_result(self) -> Result | None:
        return self._app.model.last_result

    @property
    def now(self) -> dt.datetime:
        return self._app.now

    def execute(self, action: str, data: dict) -> Result:
        return self._app.execute(action, data)

    def navigate(self, screen: str) -> None:
        self._app.show(screen)

    def acting(self) -> Any:
        return self._app.one_action()

    def knows(self, user_id: str) -> bool:
        return user_id in self._app.user_ids

    def sit(self, user_id: str) -> None:
        self._app.set_person(user_id, keep=self._app.model.screen)  # the login form being typed on stays

    def signed_in(self) -> None:
        self._app.refresh_bar()

    def user_state(self, user_id: str | None = None) -> dict | None:
        return self._app.sandbox.user_state(user_id or self.person)

    def session_live(self) -> bool:
        return bool(self.person) and self._app.sandbox.session_live(self.person)

    def unit(self, code: str) -> dict:
        return self._app.unit(code)

    def scope_of(self, unit: str) -> list[str]:
        with self._app.sandbox.engine.connect() as conn:
            return views.unit_scope(conn, unit)

    def document(self, doc_no: str) -> dict | None:
        return self._app.sandbox.document(doc_no)

    def documents(self, **cond: Any) -> list[dict]:
        return self._app.sandbox.documents(**cond)

    def pending_requests(self, unit: str) -> list[dict]:
        return self._app.sandbox.pending_requests(unit)

    def default_round(self) -> tuple[int, str]:
        sandbox = self._app.sandbox
        return views.screen_round(sandbox.round_policy, sandbox.now)

    def report(self, unit: str, kind: str, rows: list[dict], cond: dict) -> Any:
        return build_report(self._app.sandbox, unit, kind, lang=self.lang, rows=rows, **cond)

    def report_stream(self, kind: str, cond: dict) -> Any:
        state = self.user_state()
        return build_report(self._app.sandbox, state["unit"], kind, lang=self.lang, stream=True,
                            viewer=state["id"], **cond)

    def paper(self, kind: str, **args: Any) -> tuple[str, bytes]:
        from ..papers import draft

        return draft(self._app.sandbox, kind, self.lang, **args)

    def province(self, area: str) -> Any:
        from ..province import build_desk

        return build_desk(self._app.sandbox, area)
