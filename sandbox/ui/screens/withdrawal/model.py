"""The withdrawal screen's request form."""

from __future__ import annotations

import traitlets as tl


class WithdrawalModel(tl.HasTraits):
    doc = tl.Unicode("")
    amount = tl.Unicode("")

    def request(self) -> dict:
        return {"doc": self.doc.strip(), "amount": self.amount.replace(",", "") or None}
