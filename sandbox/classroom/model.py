"""What the class API hands out and refuses with: identities, sandbox references, class
information, ``ClassError`` (a catalogue message), and where an exercise's file is."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

from ..calendar import BANGKOK
from ..i18n import LANGS, text

SCENARIO_DIRS = [Path.cwd() / "scenarios", Path(__file__).resolve().parents[2] / "scenarios"]


class ClassError(Exception):
    """A class request that cannot be done: a catalogue message «Thai / English»."""

    def __init__(self, key: str, **values):
        self.key = key
        self.values = values
        super().__init__(" / ".join(text("classroom", key, lang).format(**values) for lang in LANGS))

    def message(self, lang: str = "th") -> str:
        return text("classroom", self.key, lang).format(**self.values)


@dataclass(frozen=True)
class Identity:
    class_name: str
    role: str  # "trainee" | "trainer"
    code: str  # GR01…; the trainer's is "TRAINER"


@dataclass(frozen=True)
class SandboxRef:
    """Which sandbox: the trainee's free play (``exercise`` None) or one attempt at an exercise."""

    class_name: str
    code: str
    kind: str  # "free" or the exercise id
    attempt: int
    mode: str
    location: str
    created: bool = False  # made by this call (a fresh world), not reopened

    @property
    def exercise(self) -> str | None:
        return None if self.kind == "free" else self.kind


@dataclass
class ClassInfo:
    name: str
    world: str
    start: str
    exercises: list[str]
    trainer_code: str
    created: str
    assigned: str | None = None
    clock: str | None = None
    trainees: list[dict] = field(default_factory=list)  # {"code", "token", "last_seen"}

    @property
    def codes(self) -> list[str]:
        return [t["code"] for t in self.trainees]


def find_scenario(exercise: str) -> Path:
    if re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", exercise or ""):
        for folder in SCENARIO_DIRS:
            path = folder / f"{exercise}.yaml"
            if path.is_file():
                return path
    raise ClassError("class_unknown_exercise", exercise=exercise)


def default_start() -> str:
    """Today, 08:30 in Bangkok: a class plays on the day it is held unless told otherwise."""
    today = dt.datetime.now(BANGKOK).date()
    return dt.datetime.combine(today, dt.time(8, 30), BANGKOK).isoformat()
