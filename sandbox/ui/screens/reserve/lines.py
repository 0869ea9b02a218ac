"""The contract lines stored on form สง.01's «ข้อมูลสัญญา» tab: the table of lines, each with
«แก้ไข» (its values back into the boxes, to correct and store again as the same line) and «ลบ»
(off the form before saving)."""

from __future__ import annotations

from collections.abc import Callable

import ipywidgets as w

from ...widgets import button, esc


def words(text: str) -> str:
    """``text``'s words, each kept whole on its line (CSS ``.gf-word``)."""
    return " ".join(f"<span class='gf-word'>{esc(word)}</span>" for word in text.split())


def cell(html: str, cls: str) -> w.HTML:
    return w.HTML(html, _dom_classes=(cls,))  # the class in its comm_open, not a message after


class LinesTable(w.VBox):
    """``screen``: the สง.01 view (its ``on`` wraps callbacks); ``edit(n)`` and ``remove(n)`` get
    the line's number as the table shows it (from 1).

    The table is updated in place: the grid, its header and each line's cells are built once and
    their texts set again (a widget set to what it holds sends nothing); a line stored or removed
    sends the grid's new list of children, not a new grid of new widgets (issue 14: every new
    widget is work for the browser, and the old grids stayed in the kernel and the page)."""

    def __init__(self, screen, fields: tuple[str, ...], edit: Callable[[int], None], remove: Callable[[int], None]):
        super().__init__(_dom_classes=("gf-lines",))
        self.screen = screen
        self.fields = fields
        self.edit = edit
        self.remove = remove
        self.heads: list[w.HTML] = []
        self.rows: list[dict] = []  # line n's cells at n - 1, kept for when the table has n lines again
        self.grid: w.GridBox | None = None

    def _row(self, n: int) -> dict:
        while len(self.rows) < n:
            k = len(self.rows) + 1
            edit = button("", f"gf-line-edit-{k}")
            self.screen.on(edit, lambda k=k: self.edit(k))
            self.rows.append({"no": w.HTML(f"<span class='gf-line-no'>{k}</span>"), "edit": edit, "remove": None,
                              "blank": w.HTML(""), "values": [cell("", "gf-line-value") for _ in self.fields]})
        return self.rows[n - 1]

    def _remove_button(self, n: int, row: dict) -> w.Button:
        if row["remove"] is None:
            row["remove"] = button("", f"gf-line-remove-{n}", "warning")
            self.screen.on(row["remove"], lambda: self.remove(n))
        return row["remove"]

    def show(self, lines: list[dict], removable: Callable[[int], bool]) -> None:
        tr = self.screen.tr
        if not lines:
            self.children = []
            return
        # A header breaks only between its words, never inside one (at 1366 px «รายชื่อเจ้าหนี้» broke
        # as «เจ้า / หนี้»: a browser may break Thai anywhere it finds a dictionary word); a line's
        # «แก้ไข» and «ลบ» come right after its number, in sight when the table is wider than its
        # panel and scrolls inside it.
        heads = [f"<b class='gf-line-head'>{words(h)}</b>" for h in [tr("line_no"), "", "", *[tr(k) for k in self.fields]]]
        if not self.heads:
            self.heads = [cell(h, "gf-line-head-cell") for h in heads]
        for box, h in zip(self.heads, heads, strict=True):
            box.value = h
        cells: list[w.Widget] = list(self.heads)
        for n, line in enumerate(lines, start=1):
            row = self._row(n)
            row["edit"].description = tr("uxs_line_edit")
            if removable(n):
                third = self._remove_button(n, row)
                third.description = tr("uxs_line_remove")
            else:
                third = row["blank"]
            for box, k in zip(row["values"], self.fields, strict=True):
                box.value = f"<div class='gf-line-cell'>{esc(line.get(k, ''))}</div>"
            cells += [row["no"], row["edit"], third, *row["values"]]
        if self.grid is None:
            columns = " ".join(["40px", "auto", "auto"] + ["auto"] * len(self.fields))
            self.grid = w.GridBox(cells, layout=w.Layout(grid_template_columns=columns, grid_gap="2px 8px"),
                                  _dom_classes=("gf-lines-grid",))
        else:
            self.grid.children = cells
        if self.children != (self.grid,):
            self.children = [self.grid]
