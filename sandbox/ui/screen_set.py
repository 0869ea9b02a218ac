"""The screens built for each person who sat at the desk.

A switch of person starts from that person's own state (no one else's search results, inputs or
password) without closing and building every widget again: each person keeps the screens built
for them, and a switch back shows them as that person left them. Only the last ``KEEP`` people's
screens are kept (a class's trainer may sit at all 24 desks); an older person's are closed and
built afresh when that person sits again. In a class every widget message is work for each of
the browsers, so a switch of person sends no new widgets for a person met before."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable

from .screens.base import Screen

KEEP = 8  # people whose screens stay built


class ScreenSet:
    def __init__(self, make: Callable[[str], Screen], keep: int = KEEP):
        self.make = make  # a screen's key -> its view, built for the person at the desk
        self.keep = keep
        self.people: OrderedDict[str, dict[str, Screen]] = OrderedDict()
        self.person = ""

    @property
    def built(self) -> dict[str, Screen]:
        """The screens built for the person at the desk, by key."""
        return self.people.setdefault(self.person, {})

    def get(self, key: str) -> Screen:
        built = self.built
        if key not in built:
            built[key] = self.make(key)
        return built[key]

    def sit(self, person: str, keep: str | None = None) -> list[Screen]:
        """``person`` at the desk, with the screens built for them; ``keep`` a screen of the last
        person's that goes along (the login form whose user name was just typed). The screens
        no longer kept, to be closed."""
        moved = self.built.pop(keep, None) if keep else None
        dropped: list[Screen] = []
        self.person = person
        mine = self.built
        self.people.move_to_end(person)
        if moved is not None:
            if keep in mine and mine[keep] is not moved:
                dropped.append(mine[keep])
            mine[keep] = moved
        while len(self.people) > self.keep:
            _, old = self.people.popitem(last=False)
            dropped.extend(old.values())
        return dropped

    def clear(self) -> list[Screen]:
        """Every built screen, to be closed (a new world: no screen shows the old one's state)."""
        dropped = [s for built in self.people.values() for s in built.values()]
        self.people.clear()
        return dropped
