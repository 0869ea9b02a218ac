"""The CGD desk's list: confirmed documents waiting for the Comptroller General's Department."""

from __future__ import annotations

import traitlets as tl

from ....domain.model import BLOCKED


def waiting(doc: dict) -> bool:
    """Confirmed (31, 32: BLOCKED) and still open: the desk decides on it."""
    return doc["status"] in BLOCKED and not doc["closed"]


class CgdModel(tl.HasTraits):
    user = tl.Unicode("")  # the user a credentials or rights action concerns

    def user_data(self) -> dict:
        return {"user": self.user.strip()}
