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

import re
import secrets
import time
from pathlib import Path

from sqlalchemy import and_, delete, func, insert, select, update
from sqlalchemy import text as text_sql
from sqlalchemy.exc import IntegrityError

from ..domain.calendar import parse_datetime
from ..limits import latest_moment
from . import gradebook
from .model import ClassError, ClassInfo, Identity, SandboxRef, default_start, find_scenario
from .sandboxes import SandboxFactory, WorldSpec
from .store import ClassStore, classes, sandboxes, step_results, utc_now
from .store import trainees as trainees_table

CLASS_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$")
MAX_TRAINEES = 99
MODES = ("free", "demo", "practice", "test")
OUTCOMES = ("ok", "wrong")
TRAINER_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: read aloud, typed by hand


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
        if who.role != "trainer" and who.code not in info.codes:
            raise ClassError("class_unknown_trainee", name=info.name, code=who.code)
        if exercise is not None and exercise not in info.exercises:
            find_scenario(exercise)  # any exercise of the project may be played, a wrong id may not
        for _ in range(20):
            try:
                number, location, to_make = self._claim(who, kind, mode, new_attempt)
            except IntegrityError:  # another page took the same number at the same moment: look again
                continue
            ref = SandboxRef(who.class_name, who.code, kind, number, mode, location, created=to_make)
            if to_make:
                return self._make(info, ref, exercise), ref
            if self._wait_ready(ref):
                return self.factory.open(location), ref
            new_attempt = False  # its maker gave up: claim again
        raise ClassError("class_sandbox_busy")

    def current_attempt(self, who: Identity, kind: str = "free") -> int | None:
        """The attempt number of ``who``'s current sandbox of ``kind`` (a cheap read: an open page
        asks it every few seconds to notice the trainer's reset)."""
        s = sandboxes
        with self.store.connect() as conn:
            return conn.execute(select(s.c.attempt).where(self._mine(who, kind), s.c.current)
                                .order_by(s.c.attempt.desc())).scalars().first()

    def _mine(self, who: Identity, kind: str):
        s = sandboxes
        return and_(s.c.class_name == who.class_name, s.c.code == who.code, s.c.kind == kind)

    def _claim(self, who: Identity, kind: str, mode: str, new_attempt: bool) -> tuple[int, str, bool]:
        """In one transaction: the current sandbox to reopen, or a new attempt number to make
        (two pages asking at once get the same sandbox, not two)."""
        s = sandboxes
        mine = self._mine(who, kind)
        with self.store.begin() as conn:
            if self.store.is_postgres:  # SQLite's BEGIN IMMEDIATE already lines the claims up
                key = f"{who.class_name}/{who.code}/{kind}"
                conn.execute(text_sql("SELECT pg_advisory_xact_lock(hashtext(:k))"), {"k": key})
            row = conn.execute(select(s).where(mine, s.c.current).order_by(s.c.attempt.desc())).mappings().first()
            if row is not None and not new_attempt and row["mode"] == mode:
                return row["attempt"], row["location"], False
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
        return number, location, True

    def _make(self, info: ClassInfo, ref: SandboxRef, exercise: str | None):
        """Copy the prepared world into the claimed sandbox; it is ready (``seconds_to_create``
        set) only once its clock is where the class's is."""
        s = sandboxes
        where = and_(self._mine(Identity(ref.class_name, "trainee", ref.code), ref.kind), s.c.attempt == ref.attempt)
        try:
            seconds = self.factory.create(self._spec(info, exercise), ref.location)
            sb = self.factory.open(ref.location)
            if ref.kind == "free" and info.clock:
                self._move_clock(sb, info.clock)
        except BaseException:
            with self.store.begin() as conn:  # give the claim back: a later call makes it again
                conn.execute(delete(s).where(where))
            raise
        with self.store.begin() as conn:
            conn.execute(update(s).where(where).values(seconds_to_create=seconds))
        return sb

    def _wait_ready(self, ref: SandboxRef, timeout: float = 60.0) -> bool:
        """Another page is making this sandbox: wait until it is ready (False if it was given up)."""
        s = sandboxes
        where = and_(self._mine(Identity(ref.class_name, "trainee", ref.code), ref.kind), s.c.attempt == ref.attempt)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.store.connect() as conn:
                row = conn.execute(select(s.c.seconds_to_create).where(where)).first()
            if row is None:
                return False
            if row[0] is not None:
                return True
            time.sleep(0.05)
        raise ClassError("class_sandbox_busy")

    @staticmethod
    def _move_clock(sb, moment) -> None:
        if parse_datetime(moment) > sb.now:
            sb.advance_clock(moment)

    def prepare(self, class_name: str) -> dict:
        """Before the class: build the prepared world of free play and of every exercise, and make
        each trainee's free-play sandbox, so signing in copies nothing. Returns what it did."""
        info = self.get_class(class_name)
        began = time.perf_counter()
        for exercise in [None, *info.exercises]:
            self.factory.prepare(self._spec(info, exercise))
        worlds = time.perf_counter() - began
        made = 0
        for code in info.codes:
            sb, ref = self.sandbox(Identity(class_name, "trainee", code))
            sb.close()
            made += ref.created
        return {"worlds": 1 + len(info.exercises), "worlds_seconds": worlds, "sandboxes": made,
                "seconds": time.perf_counter() - began}

    def delete_class(self, class_name: str) -> int:
        """Remove a class: every sandbox of it (files, databases), its trainees and gradebook.
        Returns how many sandboxes were dropped."""
        self.get_class(class_name)
        with self.store.connect() as conn:
            locations = conn.execute(select(sandboxes.c.location).where(sandboxes.c.class_name == class_name)).scalars().all()
        for location in locations:
            self.factory.drop(location)
        with self.store.begin() as conn:
            for table in (step_results, sandboxes, trainees_table):
                conn.execute(delete(table).where(table.c.class_name == class_name))
            conn.execute(delete(classes).where(classes.c.name == class_name))
        return len(locations)

    def reset_trainee(self, class_name: str, code: str) -> None:
        """A fresh free-play sandbox for ``code``; their attempts stay in the gradebook."""
        info = self.get_class(class_name)
        code = (code or "").upper()
        if code not in info.codes:
            raise ClassError("class_unknown_trainee", name=class_name, code=code)
        sb, _ = self.sandbox(Identity(class_name, "trainee", code), new_attempt=True)
        sb.close()
        t = trainees_table  # and the code signs in again (the sign-in page lets a bare code in once)
        with self.store.begin() as conn:
            conn.execute(update(t).where(and_(t.c.class_name == class_name, t.c.code == code)).values(last_seen=None))

    def set_class_clock(self, class_name: str, moment) -> None:
        """Every trainee's free-play clock to ``moment`` (forward only; a sandbox already past it
        keeps its time). Sandboxes made later start there too."""
        info = self.get_class(class_name)
        try:
            moment = parse_datetime(moment)
        except (TypeError, ValueError):
            raise ClassError("class_bad_start", start=moment) from None
        start = parse_datetime(info.start)
        if not start <= moment <= latest_moment(start):
            raise ClassError("class_clock_range", start=start.isoformat(), latest=latest_moment(start).isoformat())
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

