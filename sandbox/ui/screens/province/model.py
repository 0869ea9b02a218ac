"""The provincial desk's state: the area shown and how the tables are sorted."""

from __future__ import annotations

import traitlets as tl

OFFICERS = ("provincial_treasury_officer", "cgd_officer", "trainer")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ProvinceModel(tl.HasTraits):
    area = tl.Unicode("")
    sort = tl.Unicode("unit")
    descending = tl.Bool(False)
    own_area_only = tl.Bool(True)  # a provincial treasury officer sees the own province only

    def sit(self, roles: list[str], own_area: str) -> bool:
        """The person at the desk: may they use it, and on which area does it open?"""
        if not set(roles) & set(OFFICERS):
            return False
        self.own_area_only = "provincial_treasury_officer" in roles and not set(roles) & {"cgd_officer", "trainer"}
        if self.own_area_only or not self.area:
            self.area = own_area
        return True

    def file_name(self) -> str:
        return f"province-{self.area}.xlsx"
