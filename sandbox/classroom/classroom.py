"""The class API the serving side (sign-in, trainer page) and the command line use.

    room = Classroom()                                   # var/classes.sqlite, sandboxes in var/classes/
    info = room.create_class("cm-2569-1", trainees=30, exercises=["sept-round-cx-basic"])
    who = room.sign_in("GR07")                          # a trainee code, a personal token, or the trainer code
    sb, ref = room.sandbox(who)                          # the trainee's free play
    sb, ref = room.sandbox(who, "sept-round-cx-basic", mode="test")   # an exercise attempt
    room.record_step(ref, 0, "ok", error=None, points=1, seconds=12.5)

Each trainee's sandboxes are databases of their own; the class database is reached only through
these methods, so nothing one trainee does is seen or changed by another.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import and_, func, insert, select, update

from ..calendar import BANGKOK
from ..domain.calendar import parse_datetime
from ..i18n import LANGS, text
from . import gradebook
from .sandboxes import SandboxFactory, WorldSpec
from .store import ClassStore, classes, sandboxes, step_results, utc_now
from .store import trainees as trainees_table

CLASS_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$")
MAX_TRAINEES = 99
MODES = ("free", "demo", "practice", "test")
OUTCOMES = ("ok", "wrong")
TRAINER_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: read aloud, typed by hand
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


class Classroom:
    def __init__(self, class_db: str | None = None, sandboxes_root: str | Path | None = None):
        self.store = ClassStore(class_db)
        root = Path(sandboxes_root) if sandboxes_root else Path("var") / "classes"
        self.factory = SandboxFactory(root, self.store.url if self.store.is_postgres else None)

    def close(self) -> None:
        self.factory.close()
        self.store.close()

    # ------------------------------------------------------------ classes
    def create_class(self, name: str, world: str = "demo", trainees: int = 30,
                     exercises: list[str] | None = None, start: str | None = None) -> ClassInfo:
        from ..world import bundled_worlds

        if not CLASS_NAME.match(name or ""):
            raise ClassError("class_bad_name", name=name)
        if not isinstance(trainees, int) or not 1 <= trainees <= MAX_TRAINEES:
            raise ClassError("class_bad_trainees", n=trainees, high=MAX_TRAINEES)
        if world not in bundled_worlds():
            raise ClassError("class_unknown_world", world=world)
        exercises = [e.strip() for e in (exercises or []) if e.strip()]
        for exercise in exercises:
            find_scenario(exercise)
        try:
            moment = parse_datetime(start or default_start())
        except (TypeError, ValueError):
            raise ClassError("class_bad_start", start=start) from None
        with self.store.begin() as conn:
            if conn.execute(select(classes.c.name).where(classes.c.name == name)).first():
                raise ClassError("class_exists", name=name)
            conn.execute(insert(classes).values(
                name=name, world=world, start=moment.isoformat(), exercises=",".join(exercises),
                trainer_code=self._trainer_code(), created=utc_now(),
            ))
            conn.execute(insert(trainees_table), [
                {"class_name": name, "code": f"GR{i:02d}", "token": secrets.token_urlsafe(18), "free_number": 0}
                for i in range(1, trainees + 1)
            ])
        return self.get_class(name)

    @staticmethod
    def _trainer_code() -> str:
        pick = "".join(secrets.choice(TRAINER_ALPHABET) for _ in range(8))
        return f"T-{pick[:4]}-{pick[4:]}"

    def classes(self) -> list[ClassInfo]:
        with self.store.connect() as conn:
            names = conn.execute(select(classes.c.name).order_by(classes.c.created, classes.c.name)).scalars().all()
        return [self.get_class(n) for n in names]

    def get_class(self, name) -> ClassInfo:
        with self.store.connect() as conn:
            row = conn.execute(select(classes).where(classes.c.name == name)).mappings().first()
            if row is None:
                raise ClassError("class_unknown", name=name)
            people = conn.execute(
                select(trainees_table.c.code, trainees_table.c.token, trainees_table.c.last_seen)
                .where(trainees_table.c.class_name == name).order_by(trainees_table.c.code)
            ).mappings().all()
        return ClassInfo(
            name=row["name"], world=row["world"], start=row["start"],
            exercises=[e for e in row["exercises"].split(",") if e], trainer_code=row["trainer_code"],
            created=row["created"], assigned=row["assigned"], clock=row["clock"],
            trainees=[dict(p) for p in people],
        )

    # ------------------------------------------------------------ signing in
    def sign_in(self, code_or_token: str, class_name: str | None = None) -> Identity | None:
        """A trainee code (GR07, in the one class that has it, or in ``class_name``), a personal
        link token, or the trainer code; ``None`` for anything else."""
        value = (code_or_token or "").strip()
        if not value or len(value) > 64:
            return None
        t = trainees_table
        with self.store.begin() as conn:
            trainer = conn.execute(select(classes.c.name).where(classes.c.trainer_code == value.upper())).first()
            if trainer and class_name in (None, trainer[0]):
                return Identity(trainer[0], "trainer", "TRAINER")
            rows = conn.execute(select(t.c.class_name, t.c.code).where(t.c.token == value)).all()
            if not rows and re.fullmatch(r"[Gg][Rr]\d{2}", value):
                query = select(t.c.class_name, t.c.code).where(t.c.code == value.upper())
                if class_name:
                    query = query.where(t.c.class_name == class_name)
                rows = conn.execute(query).all()
            if class_name:
                rows = [r for r in rows if r[0] == class_name]
            if len(rows) != 1:  # unknown, or a bare code two classes share: refuse
                return None
            conn.execute(update(t).where(and_(t.c.class_name == rows[0][0], t.c.code == rows[0][1])).values(last_seen=utc_now()))
        return Identity(rows[0][0], "trainee", rows[0][1])

    # ------------------------------------------------------------ sandboxes
    def _spec(self, info: ClassInfo, exercise: str | None) -> WorldSpec:
        if exercise is None:
            return WorldSpec(info.world, info.start)
        from ..scenario import load_scenario

        scenario = load_scenario(find_scenario(exercise))
        return WorldSpec(
            scenario.world, parse_datetime(scenario.start).isoformat(),
            tuple(str(d) for d in scenario.calendar.extra_holidays),
            scenario.policy.model_dump(exclude_none=True, mode="json"),
        )

    def sandbox(self, who: Identity, exercise: str | None = None, *, new_attempt: bool = False,
                mode: str = "practice"):
        """The sandbox of ``who``: free play when ``exercise`` is None, else their current attempt
        at the exercise (a new one when asked, when there is none, or when the mode changes)."""
        info = self.get_class(who.class_name)
        kind = "free" if exercise is None else exercise
        mode = "free" if exercise is None else mode
        if mode not in MODES:
            raise ClassError("class_bad_mode", mode=mode)
        if exercise is not None and exercise not in info.exercises:
            find_scenario(exercise)  # any exercise of the project may be played, a wrong id may not
        s = sandboxes
        mine = and_(s.c.class_name == who.class_name, s.c.code == who.code, s.c.kind == kind)
        with self.store.connect() as conn:
            row = conn.execute(select(s).where(mine, s.c.current).order_by(s.c.attempt.desc())).mappings().first()
        if row is not None and not new_attempt and row["mode"] == mode:
            ref = SandboxRef(who.class_name, who.code, kind, row["attempt"], mode, row["location"])
            return self.factory.open(ref.location), ref
        return self._make(info, who, kind, exercise, mode)

    def _make(self, info: ClassInfo, who: Identity, kind: str, exercise: str | None, mode: str):
        s = sandboxes
        mine = and_(s.c.class_name == who.class_name, s.c.code == who.code, s.c.kind == kind)
        with self.store.begin() as conn:  # take the attempt number first: two tabs get two numbers
            number = (conn.execute(select(func.max(s.c.attempt)).where(mine)).scalar() or 0) + 1
            location = self.factory.location_for(who.class_name, who.code, kind, number, postgres=self.store.is_postgres)
            conn.execute(update(s).where(mine).values(current=False))
            conn.execute(insert(s).values(
                class_name=who.class_name, code=who.code, kind=kind, attempt=number, mode=mode,
                location=location, current=True, created=utc_now(),
            ))
            if kind == "free" and who.role == "trainee":
                t = trainees_table
                conn.execute(update(t).where(and_(t.c.class_name == who.class_name, t.c.code == who.code))
                             .values(free_number=number))
        seconds = self.factory.create(self._spec(info, exercise), location)
        with self.store.begin() as conn:
            conn.execute(update(s).where(and_(mine, s.c.attempt == number)).values(seconds_to_create=seconds))
        sb = self.factory.open(location)
        if kind == "free" and info.clock:
            self._move_clock(sb, info.clock)
        return sb, SandboxRef(who.class_name, who.code, kind, number, mode, location, created=True)

    @staticmethod
    def _move_clock(sb, moment) -> None:
        if parse_datetime(moment) > sb.now:
            sb.advance_clock(moment)

    def reset_trainee(self, class_name: str, code: str) -> None:
        """A fresh free-play sandbox for ``code``; their attempts stay in the gradebook."""
        info = self.get_class(class_name)
        code = (code or "").upper()
        if code not in info.codes:
            raise ClassError("class_unknown_trainee", name=class_name, code=code)
        sb, _ = self._make(info, Identity(class_name, "trainee", code), "free", None, "free")
        sb.close()

    def set_class_clock(self, class_name: str, moment) -> None:
        """Every trainee's free-play clock to ``moment`` (forward only; a sandbox already past it
        keeps its time). Sandboxes made later start there too."""
        self.get_class(class_name)
        try:
            moment = parse_datetime(moment)
        except (TypeError, ValueError):
            raise ClassError("class_bad_start", start=moment) from None
        with self.store.begin() as conn:
            conn.execute(update(classes).where(classes.c.name == class_name).values(clock=moment.isoformat()))
            rows = conn.execute(select(sandboxes.c.location).where(
                sandboxes.c.class_name == class_name, sandboxes.c.kind == "free", sandboxes.c.current,
            )).scalars().all()
        for location in rows:
            sb = self.factory.open(location)
            try:
                self._move_clock(sb, moment)
            finally:
                sb.close()

    def set_assigned_exercise(self, class_name: str, exercise_id: str | None) -> None:
        self.get_class(class_name)
        if exercise_id:
            find_scenario(exercise_id)
        with self.store.begin() as conn:
            conn.execute(update(classes).where(classes.c.name == class_name).values(assigned=exercise_id or None))

    def assigned_exercise(self, class_name: str) -> str | None:
        return self.get_class(class_name).assigned

    # ------------------------------------------------------------ the gradebook
    def record_step(self, ref: SandboxRef, step: int, outcome: str, *, error: str | None,
                    points: int, seconds: float) -> None:
        if outcome not in OUTCOMES:
            raise ClassError("class_bad_outcome", outcome=outcome)
        if ref.exercise is None:
            return  # free play is not graded
        with self.store.begin() as conn:
            conn.execute(insert(step_results).values(
                class_name=ref.class_name, code=ref.code, exercise=ref.kind, attempt=ref.attempt,
                mode=ref.mode, step=int(step), outcome=outcome, error=error if outcome == "wrong" else None,
                points=int(points), seconds=float(seconds), at=utc_now(),
            ))

    def progress(self, class_name: str) -> list[dict]:
        info = self.get_class(class_name)
        with self.store.connect() as conn:
            return gradebook.progress(conn, info)

    def history(self, who: Identity) -> list[dict]:
        with self.store.connect() as conn:
            return gradebook.history(conn, who.class_name, who.code)

    def export_rows(self, class_name: str) -> list[dict]:
        self.get_class(class_name)
        with self.store.connect() as conn:
            return gradebook.export_rows(conn, class_name)

    def sandbox_times(self, class_name: str | None = None) -> list[float]:
        """Seconds each sandbox took to create (the copy), for the bench and the trainer."""
        query = select(sandboxes.c.seconds_to_create).where(sandboxes.c.seconds_to_create.is_not(None))
        if class_name:
            query = query.where(sandboxes.c.class_name == class_name)
        with self.store.connect() as conn:
            return list(conn.execute(query).scalars())

