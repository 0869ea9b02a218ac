"""The provincial desk plays no scenario action (it only reads); a step sent here is done
through the engine as it is."""

from __future__ import annotations

from ....engine import Result
from ..base import Driver
from .view import ProvinceScreen


class ProvinceDriver(Driver):
    view: ProvinceScreen

    def perform(self, action: str, inputs: dict) -> Result:
        return self.desk.execute(action, inputs)
