"""The login screen's state: the way in the person chose."""

from __future__ import annotations

import traitlets as tl

from ....domain.model import LOGIN_METHODS


class LoginModel(tl.HasTraits):
    method = tl.Enum(LOGIN_METHODS, default_value="soft_token")

    def data(self, password: str, otp: str) -> dict:
        """The command's data: a Soft Token login carries the code from the phone."""
        data = {"method": self.method, "password": password}
        if self.method == "soft_token":
            data["otp"] = otp
        return data
