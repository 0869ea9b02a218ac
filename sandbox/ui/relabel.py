"""A language switch relabels a built screen in place: its widgets keep what the trainee typed,
ticked and found (values, selections, contract lines, search results); only their texts change.

How: a twin of the screen is built in the new language, the two widget trees are walked side by
side (the same attribute, or the same child of a box unchanged since it was built), and each
text the screen drew when it was built (a button's description, a placeholder, a tab title, a
label's HTML) takes the twin's text. Texts drawn later (a dropdown's options that depend on
another choice, a table's headers) are looked up in the catalogue. Then the twin is closed."""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import Any

import ipywidgets as w

from ..i18n import LANGS, catalogue
from .widgets import widget_tree

TEXT_TRAITS = ("description", "placeholder", "tooltip")


@lru_cache(maxsize=4)
def _lookup(src: str, dst: str) -> dict[str, str]:
    """Every catalogue text in ``src`` and its text in ``dst`` (the first key wins a tie)."""
    found: dict[str, str] = {}
    for entries in catalogue().values():
        if not isinstance(entries, dict):
            continue
        for entry in entries.values():
            if isinstance(entry, dict) and isinstance(entry.get(src), str) and isinstance(entry.get(dst), str):
                found.setdefault(entry[src], entry[dst])
    return found


def translated(text: str, src: str, dst: str) -> str | None:
    """``text`` if it is a whole catalogue text in ``src``, in ``dst``; else None."""
    if src == dst or src not in LANGS or dst not in LANGS:
        return None
    return _lookup(src, dst).get(text)


def snapshot(root: w.Widget) -> dict[int, Any]:
    """What ``root`` drew when it was built: each widget's texts and each box's children (by id),
    so a relabel tells a built text from one written since (a message, a found document)."""
    shot: dict[int, Any] = {}
    for x in widget_tree(root):
        texts = {k: getattr(x, k) for k in TEXT_TRAITS if isinstance(getattr(x, k, None), str)}
        if isinstance(x, (w.HTML, w.Label, w.HTMLMath)):
            texts["value"] = x.value
        if isinstance(x, w.Box):
            texts["children"] = tuple(id(c) for c in x.children)
        if hasattr(x, "titles"):
            texts["titles"] = tuple(x.titles)
        shot[id(x)] = texts
    return shot


def _ours(x: Any) -> bool:
    return isinstance(x, w.Widget) or type(x).__module__.startswith("sandbox.ui")


def _pairs(old: Any, new: Any, shot: dict[int, Any]):
    """(old, twin) pairs: the same attribute, or the same child of a box both hold where it was built."""
    seen: set[int] = set()
    todo = [(old, new)]
    while todo:
        a, b = todo.pop(0)
        if id(a) in seen or type(a) is not type(b) or a is b:  # (a is b: the desk both work at)
            continue
        seen.add(id(a))
        yield a, b
        built = shot.get(id(a), {}).get("children")
        if isinstance(a, w.Box) and built is not None and len(built) == len(b.children):
            # each child still where it was built (a form's mark may have taken a row's place since)
            todo.extend((x, y) for x, y, was in zip(a.children, b.children, built, strict=False) if id(x) == was)
        mine, theirs = vars(a), vars(b)
        held = [(value, theirs.get(key)) for key, value in mine.items() if not key.startswith("_")]
        while held:  # attributes, and what dictionaries and lists of them hold (rows of a form)
            value, other = held.pop(0)
            if other is None:
                continue
            if _ours(value):
                todo.append((value, other))
            elif isinstance(value, dict) and isinstance(other, dict):
                held.extend((v, other[k]) for k, v in value.items() if k in other)
            elif isinstance(value, (list, tuple)) and isinstance(other, (list, tuple)) and len(value) == len(other):
                held.extend(zip(value, other, strict=False))


def _relabel_options(a: w.Widget, b: w.Widget | None, src: str, dst: str) -> None:
    """A choice's option labels in ``dst``; its selection and its value stay (no observer runs)."""
    labels = list(a._options_labels)
    try:
        theirs = dict(zip(b._options_values, b._options_labels, strict=False)) if b is not None else {}
    except TypeError:  # values that are no dictionary keys
        theirs = {}
    for i, (text, value) in enumerate(zip(labels, a._options_values, strict=False)):
        try:
            labels[i] = theirs.get(value) or translated(text, src, dst) or text
        except TypeError:
            labels[i] = translated(text, src, dst) or text
    if tuple(labels) == tuple(a._options_labels):
        return
    values = a._options_values
    a._options_full = tuple(zip(labels, values, strict=False))
    a._trait_values["options"] = a._options_full
    if isinstance(a.index, int):
        a._trait_values["label"] = labels[a.index]
    elif isinstance(a.index, tuple):  # a multiple choice
        a._trait_values["label"] = tuple(labels[i] for i in a.index)
    a.set_trait("_options_labels", tuple(labels))


def relabel(old: w.Widget, twin: w.Widget, shot: dict[int, Any], src: str, dst: str) -> None:
    """``old`` (built in ``src``, then used) takes ``twin``'s texts (built in ``dst``)."""
    paired: dict[int, Any] = {}
    for a, b in _pairs(old, twin, shot):
        paired[id(a)] = b
        if hasattr(a, "lang") and not isinstance(a, type) and a.lang == src:
            a.lang = dst
        if hasattr(a, "relabel_from") and a is not old:
            a.relabel_from(b)
    for a in widget_tree(old):
        b = paired.get(id(a))
        built = shot.get(id(a), {})
        keys = [k for k in (*TEXT_TRAITS, "value") if k in built or (k != "value" and isinstance(getattr(a, k, None), str))]
        if isinstance(a, (w.HTML, w.Label, w.HTMLMath)) and "value" not in keys:
            keys.append("value")
        for key in keys:
            now = getattr(a, key)
            if not isinstance(now, str) or not now:
                continue
            if b is not None and built.get(key) == now and isinstance(getattr(b, key, None), str):
                new = getattr(b, key)
            else:
                new = translated(now, src, dst) or now
            if new != now:
                setattr(a, key, new)
                if built.get(key) == now:
                    built[key] = new  # the text it was built with, for the next switch
        if hasattr(a, "titles") and b is not None and tuple(a.titles) == built.get("titles"):
            a.titles = built["titles"] = tuple(b.titles)
        if hasattr(a, "_options_labels") and hasattr(a, "_options_values"):
            _relabel_options(a, b, src, dst)


def close_tree(root: w.Widget) -> None:
    """Close every widget of a tree no one shows (a twin after a relabel)."""
    for x in widget_tree(root):
        if x.comm is not None:
            x.close()


class Banner(w.HTML):
    """A screen's answer to an action (a result, a refusal, a check): it keeps how it is drawn
    (``say(draw)``, ``draw(lang)`` the HTML in a language), so a language switch draws it again
    in the new language — a refusal knows its message in both. A value written directly (an
    empty banner, a paper) is kept as it is."""

    def __init__(self, lang: str = "th", **kwargs: Any):
        super().__init__(**kwargs)
        self.lang = lang
        self._draw: Callable[[str], str] | None = None
        self._drawn: str | None = None

    def say(self, draw: Callable[[str], str]) -> None:
        self._draw = draw
        self.value = self._drawn = draw(self.lang)

    def add(self, draw: Callable[[str], str], *, before: bool = False) -> None:
        """More of the answer after (or before) what the banner says."""
        old = self._draw if self._draw is not None and self.value == self._drawn else (lambda _lang, v=self.value: v)
        self.say((lambda lang: draw(lang) + old(lang)) if before else (lambda lang: old(lang) + draw(lang)))

    def redraw(self, lang: str) -> None:
        """The banner in ``lang`` (what it says unchanged since ``say``; else left as written)."""
        self.lang = lang
        if self._draw is not None and self.value == self._drawn:
            self.value = self._drawn = self._draw(lang)

    def relabel_from(self, twin: w.HTML) -> None:
        self.redraw(self.lang)
