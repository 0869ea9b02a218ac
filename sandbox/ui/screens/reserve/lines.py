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
    the line's number as the table shows it (from 1)."""

    def __init__(self, screen, fields: tuple[str, ...], edit: Callable[[int], None], remove: Callable[[int], None]):
        super().__init__(_dom_classes=("gf-lines",))
        self.screen = screen
        self.fields = fields
        self.edit = edit
        self.remove = remove

    def show(self, lines: list[dict], removable: Callable[[int], bool]) -> None:
        tr = self.screen.tr
        if not lines:
            self.children = []
            return
        # A header breaks only between its words, never inside one (at 1366 px «รายชื่อเจ้าหนี้» broke
        # as «เจ้า / หนี้»: a browser may break Thai anywhere it finds a dictionary word); a line's
        # «แก้ไข» and «ลบ» come right after its number, in sight when the table is wider than its
        # panel and scrolls inside it.
        cells: list[w.Widget] = [cell(f"<b class='gf-line-head'>{words(h)}</b>", "gf-line-head-cell")
                                 for h in [tr("line_no"), "", "", *[tr(k) for k in self.fields]]]
        for n, line in enumerate(lines, start=1):
            cells.append(w.HTML(f"<span class='gf-line-no'>{n}</span>"))
            edit = button(tr("uxs_line_edit"), f"gf-line-edit-{n}")
            self.screen.on(edit, lambda n=n: self.edit(n))
            cells.append(edit)
            if removable(n):
                remove = button(tr("uxs_line_remove"), f"gf-line-remove-{n}", "warning")
                self.screen.on(remove, lambda n=n: self.remove(n))
                cells.append(remove)
            else:
                cells.append(w.HTML(""))
            cells += [cell(f"<div class='gf-line-cell'>{esc(line.get(k, ''))}</div>", "gf-line-value") for k in self.fields]
        columns = " ".join(["40px", "auto", "auto"] + ["auto"] * len(self.fields))
        grid = w.GridBox(cells, layout=w.Layout(grid_template_columns=columns, grid_gap="2px 8px"), _dom_classes=("gf-lines-grid",))
        self.children = [grid]
