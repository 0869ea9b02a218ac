"""A table with the tick column «select» (SNG.02, SNG.03, OP.01, the CGD desk, search results),
updated in place (issue 14: every new widget is work for each browser)."""

from __future__ import annotations

from typing import Any

import ipywidgets as w

from .shared_looks import layout
from .widgets import esc, t


def _tick_box(key: str) -> w.Checkbox:
    return w.Checkbox(value=False, indent=False, layout=layout(width="28px"), _dom_classes=(f"gf-pick-{key}",))


class PickTable(w.VBox):
    """A table with the tick column «select» (SNG.02, SNG.03, OP.01, search results).

    A row keeps its tick box while it stays on the list: a trainee who ticks a row while a
    refresh is on its way (or clicks «show list» again) keeps the tick. ``clear()`` after a
    step that succeeded.

    The table is updated in place (issue 14: every new widget is work for each browser): the
    grid, its header and a listed document's cells are built once and their texts set again (a
    widget set to what it holds sends nothing); a document that leaves the list has its cells
    closed, and a new list sends the grid's new list of children, not a new grid."""

    def __init__(self, headers: list[str], lang: str = "th", numeric: set[int] = frozenset()):
        super().__init__(_dom_classes=("gf-pick",))
        self.headers = headers
        self.lang = lang
        self.numeric = numeric
        self.rows: list[tuple[str, list[Any]]] = []
        self.boxes: dict[str, w.Checkbox] = {}
        self.cells: dict[str, list[w.HTML]] = {}  # a listed row's cells, by its key
        self.heads: list[w.HTML] = []
        self.grid: w.GridBox | None = None
        self.empty: w.HTML | None = None

    @property
    def row_keys(self) -> list[str]:
        return [k for k, _ in self.rows]

    def _cell(self, i: int, value: str) -> str:
        return f"<div style='text-align:{'right' if i in self.numeric else 'left'}'>{esc(value)}</div>"

    def show(self, rows: list[tuple[str, list[Any]]]) -> None:
        """``rows``: (key, cells) — the key is what a tick selects (a document number)."""
        rows = [(str(k), [str(v) for v in values]) for k, values in rows]
        if rows == self.rows and self.children:
            return  # the same list: nothing to redraw
        self.rows = rows
        listed = {key for key, _ in rows}
        gone = [k for k in self.boxes if k not in listed]
        dropped: list[w.Widget] = []
        for key in gone:  # off the list: its widgets closed (a key listed again gets new ones)
            dropped.append(self.boxes.pop(key))
            dropped.extend(self.cells.pop(key, ()))
        if not rows:
            if self.empty is None:
                self.empty = w.HTML(f"<i>{esc(t('no_rows', self.lang))}</i>")
            self.children = [self.empty]
        else:
            heads = [f"<b>{esc(t('select', self.lang))}</b>"] + [f"<b>{esc(h)}</b>" for h in self.headers]
            if not self.heads:
                self.heads = [w.HTML(h) for h in heads]
            for box, h in zip(self.heads, heads, strict=True):
                box.value = h
            cells: list[w.Widget] = list(self.heads)
            for key, values in rows:
                box = self.boxes.get(key)
                if box is None:
                    box = self.boxes[key] = _tick_box(key)
                mine = self.cells.get(key)
                if mine is None:
                    mine = self.cells[key] = [w.HTML(self._cell(i, v)) for i, v in enumerate(values)]
                else:
                    for i, (cell, v) in enumerate(zip(mine, values, strict=True)):
                        cell.value = self._cell(i, v)
                cells += [box, *mine]
            if self.grid is None:
                cols = len(self.headers) + 1
                widths = " ".join(["40px"] + ["auto"] * (cols - 1))
                self.grid = w.GridBox(cells, layout=layout(grid_template_columns=widths, grid_gap="2px 12px"))
            else:
                self.grid.children = cells
            if self.children != (self.grid,):
                self.children = [self.grid]
        for x in dropped:
            x.close()

    def relabel_from(self, twin: PickTable) -> None:
        """A language switch: the headers in ``twin``'s language (``lang`` already is), the rows
        and their ticks kept, the cells relabelled in place."""
        self.headers = list(twin.headers)
        if not self.children:
            return
        heads = [t("select", self.lang), *self.headers]
        for cell, head in zip(self.heads, heads, strict=False):
            cell.value = f"<b>{esc(head)}</b>"
        if self.empty is not None:
            self.empty.value = f"<i>{esc(t('no_rows', self.lang))}</i>"

    def clear(self) -> None:
        self.tick([])

    def tick(self, keys) -> None:
        wanted = {str(k) for k in keys}
        for key, box in self.boxes.items():
            box.value = key in wanted

    @property
    def selected(self) -> list[str]:
        return [k for k in self.row_keys if self.boxes[k].value]
