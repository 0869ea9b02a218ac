"""The enrolment checklist: which of the five steps a person has done."""

from __future__ import annotations

import traitlets as tl

STEP_KEYS = ("step_credentials", "step_apps", "step_identity", "step_register", "step_first_login")


class EnrolModel(tl.HasTraits):
    state = tl.Dict(allow_none=True, default_value=None)  # the person's user state, as the engine reads it

    def steps(self) -> list[tuple[str, str, bool]]:
        """(step key, what the person has, done?) for each step; ``[]`` for nobody."""
        s = self.state
        if not s:
            return []
        return [
            ("step_credentials", s["credential"], s["credential"] != "none"),
            ("step_apps", ", ".join(s["apps"]) or "-", len(s["apps"]) == 2),
            ("step_identity", "identity_verified" if s["identity"] == "verified" else "identity_unverified",
             s["identity"] == "verified"),
            ("step_register", s["soft_token"], s["soft_token"] in ("registered", "active")),
            ("step_first_login", s["soft_token"], s["soft_token"] == "active"),
        ]
