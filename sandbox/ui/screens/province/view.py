"""The provincial desk: per unit of the area, users not on Soft Token, Token Keys held and
overdue, loss letters overdue, documents at blank/21/22 with the time left to the round's
deadline; sortable, and downloadable as Excel."""

from __future__ import annotations

import base64

import ipywidgets as w
import traitlets as tl

from ....province import (
    COUNTS,
    ITEM_COLUMNS,
    UNIT_COLUMNS,
    ProvinceDesk,
    as_xlsx_bytes,
    cell,
    header,
    sort_rows,
)
from ...shared_looks import layout as look  # one frozen layout per setting (shared_looks.py)
from ...widgets import button, esc, field, t, table_html, text_input
from ..base import Screen
from .model import XLSX, ProvinceModel

# The desk's tables carry many columns: a smaller type keeps a unit on two or three lines at 1366 px.
SMALL = "<style>.gf-screen-province .gf-table{font-size:12px}.gf-screen-province .gf-table td.num{white-space:nowrap}</style>"

MAX_ITEMS = 300


class ProvinceScreen(Screen):
    key, title_key = "province", "menu_province"
    crumb_keys = ("menu_cgd",)

    def build(self) -> None:
        self.model = self.model or ProvinceModel()
        self.area = text_input(cls="gf-prov-area", width="100px")
        tl.link((self.area, "value"), (self.model, "area"))
        self.sort = w.Dropdown(options=[(self.tr(f"prov_col_{c}"), c) for c in UNIT_COLUMNS], layout=look(width="300px"))
        self.sort.add_class("gf-prov-sort")
        self.descending = w.Checkbox(description=self.tr("prov_descending"), indent=False)
        self.descending.add_class("gf-prov-desc")
        tl.link((self.sort, "value"), (self.model, "sort"))
        tl.link((self.descending, "value"), (self.model, "descending"))
        self.show_btn = button(self.tr("prov_show"), "gf-prov-show", "primary")
        self.on(self.show_btn, self.show)
        self.sort.observe(lambda _c: self.draw(), "value")
        self.descending.observe(lambda _c: self.draw(), "value")
        self.downloads = w.HTML()
        self.units_table = w.HTML()
        self.items_table = w.HTML()
        self.desk_data: ProvinceDesk | None = None
        self.children = self.header() + [
            w.HTML(f"<div class='gf-info'>{esc(self.tr('prov_title'))}</div>"),
            w.HBox([field(self.tr("prov_area"), self.area, "130px"), self.show_btn]),
            w.HBox([field(self.tr("prov_sort_by"), self.sort, "80px"), self.descending]),
            self.downloads, w.HTML(f"<b>{esc(self.tr('prov_units_heading'))}</b>"), self.units_table,
            w.HTML(f"<b>{esc(self.tr('prov_items_heading'))}</b>"), self.items_table, self.out,
        ]

    def refresh(self) -> None:
        state = self.desk.user_state() or {}
        own = self.desk.unit(state.get("unit", "")).get("area", "") if state else ""
        if not self.model.sit(state.get("roles", []), own):
            self.desk_data = None
            self.units_table.value = self.items_table.value = self.downloads.value = ""
            self.note("gf-err", "prov_only_officer")
            return
        self.area.disabled = self.model.own_area_only
        self.show()

    def show(self) -> None:
        self.out.value = ""
        self.desk_data = self.desk.province(self.model.area.strip())
        if not self.desk_data.units:
            area = self.model.area
            self.out.say(lambda lang: f"<div class='gf-err'>{esc(t('prov_no_units', lang).format(area=area))}</div>")
        self.draw()

    def draw(self) -> None:
        data = self.desk_data
        if data is None:
            return
        lang = self.lang
        data.units = sort_rows(data.units, self.model.sort, self.model.descending)
        numeric = {i for i, c in enumerate(UNIT_COLUMNS) if c in COUNTS}
        self.units_table.value = SMALL + table_html([header(c, lang) for c in UNIT_COLUMNS],
                                            [[cell(r, c, lang) for c in UNIT_COLUMNS] for r in data.units], numeric)
        items = sort_rows(data.items, "time_left")
        more = ""
        if len(items) > MAX_ITEMS:  # the most urgent on the page, every one in the Excel file
            more = f"<div class='gf-info'>{esc(self.tr('prov_more_in_excel').format(n=len(items) - MAX_ITEMS))}</div>"
        self.items_table.value = SMALL + table_html([header(c, lang) for c in ITEM_COLUMNS],
                                                    [[cell(r, c, lang) for c in ITEM_COLUMNS] for r in items[:MAX_ITEMS]],
                                                    {ITEM_COLUMNS.index("amount")}) + more
        payload = base64.b64encode(as_xlsx_bytes(data, lang)).decode()
        self.downloads.value = (f"<div class='gf-info'><a class='gf-download gf-download-xlsx' download='{self.model.file_name()}' "
                                f"href='data:{XLSX};base64,{payload}'>⬇ {esc(self.tr('prov_download_xlsx'))}</a></div>")

    @property
    def rows(self) -> list[dict]:
        """The unit rows in the order the table shows them."""
        return [] if self.desk_data is None else self.desk_data.units
