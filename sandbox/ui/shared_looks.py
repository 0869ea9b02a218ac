"""One layout and one style of each kind, shared by the app's widgets built without their own.

Every ipywidget comes with a ``Layout`` and (most) a style widget of its own: three models, three
``comm_open`` messages and three models in each browser for one button. Measured on the guided
exercise ``sept-round-cx-basic`` (``python -m bench.actions``): 1,648 widgets opened, of which 609
layouts and 430 styles, nearly all of them empty. Inside ``shared()`` a widget built without a
layout or a style gets the kernel's shared one of its kind instead (issue 14: in a class every
widget message is work for each of the browsers).

A shared layout or style is frozen: setting one of its traits raises, since it would change every
widget that holds it. A widget whose layout or style changes later is built with its own
(``layout=w.Layout()``); giving it a new one (``x.layout = w.Layout(display="none")``) is fine. A
shared one is never closed with a screen (``widgets.widget_tree`` leaves it out).
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from typing import Any

import ipywidgets as w
from ipywidgets.widgets.trait_types import InstanceDict


class Frozen:
    """A layout or style that many widgets hold: none of its synced traits may change."""

    _gf_shared = True
    _gf_frozen = False

    def __setattr__(self, key: str, value: Any) -> None:
        if self._gf_frozen and key in self.keys:
            raise AttributeError(f"{type(self).__name__}.{key}: this {type(self).__mro__[2].__name__} is shared by many "
                                 "widgets; build the widget with its own (layout=w.Layout())")
        super().__setattr__(key, value)


_KINDS: dict[type, type] = {}  # Layout / a style class -> its frozen subclass
_SHARED: dict[type, w.Widget] = {}  # the kernel's shared instances, by class
_OWNER = [0]  # the process they were made in: a forked kernel makes its own (forkserver.py)
_DEPTH = [0]


def _one(klass: type) -> w.Widget:
    if _OWNER[0] != os.getpid():
        _SHARED.clear()
        _BY_SETTINGS.clear()
        _OWNER[0] = os.getpid()
    made = _SHARED.get(klass)
    if made is None or made.comm is None:  # (closed: a test's ``Widget.close_all``)
        kind = _KINDS.setdefault(klass, type(f"Shared{klass.__name__}", (Frozen, klass), {}))
        made = kind()
        made._gf_frozen = True
        _SHARED[klass] = made
    return made


def _traits() -> list[InstanceDict]:
    """The ``layout`` and ``style`` traits of every widget class ipywidgets defines."""
    found: dict[int, InstanceDict] = {}
    for value in vars(w).values():
        if isinstance(value, type) and issubclass(value, w.DOMWidget):
            for key in ("layout", "style"):
                trait = value.class_traits().get(key)
                if isinstance(trait, InstanceDict) and trait.klass is not None:
                    found[id(trait)] = trait
    return list(found.values())


@contextlib.contextmanager
def shared() -> Iterator[None]:
    """Widgets built inside take the shared layout and style of their kind (nests)."""
    if _DEPTH[0]:
        _DEPTH[0] += 1
        try:
            yield
        finally:
            _DEPTH[0] -= 1
        return
    traits = _traits()
    for trait in traits:
        trait.make_dynamic_default = (lambda klass=trait.klass: _one(klass))
    _DEPTH[0] = 1
    try:
        yield
    finally:
        _DEPTH[0] = 0
        for trait in traits:
            del trait.make_dynamic_default


_BY_SETTINGS: dict[tuple, w.Layout] = {}


def layout(**settings: Any) -> w.Layout:
    """A layout of these settings (``width="auto"``): inside ``shared()`` one frozen layout for
    every widget built with the same settings, else a layout of its own."""
    if not _DEPTH[0]:
        return w.Layout(**settings)
    if _OWNER[0] != os.getpid():
        _SHARED.clear()
        _BY_SETTINGS.clear()
        _OWNER[0] = os.getpid()
    key = tuple(sorted(settings.items()))
    made = _BY_SETTINGS.get(key)
    if made is None or made.comm is None:
        kind = _KINDS.setdefault(w.Layout, type("SharedLayout", (Frozen, w.Layout), {}))
        made = kind(**settings)
        made._gf_frozen = True
        _BY_SETTINGS[key] = made
    return made


def is_shared(x: Any) -> bool:
    return getattr(x, "_gf_shared", False)
