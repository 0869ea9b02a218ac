"""The login screen's state: the way in the person chose, and the login request waiting on the phone."""

from __future__ import annotations

import traitlets as tl

from ....domain.model import LOGIN_METHODS


class LoginModel(tl.HasTraits):
    method = tl.Enum(LOGIN_METHODS, default_value="soft_token")
    # The user whose Soft Token login request waits for «อนุมัติ» or «ปฏิเสธ» on the phone ("" when
    # none): «เข้าสู่ระบบ» with the code box empty sends the request, it does not approve it.
    pending = tl.Unicode("")

    def data(self, password: str, otp: str) -> dict:
        """The command's data: a Soft Token login carries the code from the phone."""
        data = {"method": self.method, "password": password}
        if self.method == "soft_token":
            data["otp"] = otp
        return data

    def waits_on_phone(self, otp_typed: str) -> bool:
        """Does «เข้าสู่ระบบ» send a request to the phone (Soft Token, no code typed)?"""
        return self.method == "soft_token" and not otp_typed.strip()
