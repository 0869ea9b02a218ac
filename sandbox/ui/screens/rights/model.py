"""The rights screen's request: who, which roles, on which written order."""

from __future__ import annotations

import traitlets as tl

from ....domain.model import ROLES


class RightsModel(tl.HasTraits):
    user = tl.Unicode("")
    roles = tl.Tuple()
    order_file = tl.Unicode("")

    @staticmethod
    def known_roles() -> tuple[str, ...]:
        return tuple(ROLES)

    def request(self, uploaded: str = "") -> dict:
        """The change request; the typed order name, else the uploaded file's name."""
        name = self.order_file.strip() or uploaded
        return {"user": self.user.strip(), "roles": list(self.roles), "order_file": name or None}
