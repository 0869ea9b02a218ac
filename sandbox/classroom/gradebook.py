"""Reading the gradebook: the trainer's table (trainee × exercise), a trainee's own history, and
the export rows (trainee × exercise × attempt × step). Plain queries over the class database."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.engine import Connection

from .store import sandboxes, step_results, trainees

r = step_results


def _results(conn: Connection, class_name: str, code: str | None = None) -> list[dict]:
    query = select(r).where(r.c.class_name == class_name)
    if code is not None:
        query = query.where(r.c.code == code)
    return [dict(row) for row in conn.execute(query.order_by(r.c.code, r.c.exercise, r.c.attempt, r.c.id)).mappings()]


def _summary(rows: list[dict]) -> dict:
    """One attempt's rows → step reached, score, mistakes, time, last activity."""
    ok_steps = {row["step"] for row in rows if row["outcome"] == "ok"}
    return {
        "step_reached": max(ok_steps) + 1 if ok_steps else 0,
        "steps_ok": len(ok_steps),
        "score": sum(row["points"] for row in rows),
        "mistakes": [row["error"] or "" for row in rows if row["outcome"] == "wrong"],
        "seconds": round(sum(row["seconds"] for row in rows), 1),
        "last_activity": max((row["at"] for row in rows), default=None),
    }


def progress(conn: Connection, info) -> list[dict]:
    """Every trainee × every exercise of the class (and any other they played): their latest
    attempt's step reached, score, mistakes (refusal codes), time, last activity, attempts."""
    rows = _results(conn, info.name)
    by_key: dict[tuple[str, str], dict[int, list[dict]]] = {}
    for row in rows:
        by_key.setdefault((row["code"], row["exercise"]), {}).setdefault(row["attempt"], []).append(row)
    s = sandboxes
    made = conn.execute(
        select(s.c.code, s.c.kind, s.c.attempt, s.c.mode, s.c.created)
        .where(s.c.class_name == info.name, s.c.kind != "free")
    ).mappings().all()
    started: dict[tuple[str, str], dict] = {}
    for m in made:
        key = (m["code"], m["kind"])
        if key not in started or m["attempt"] > started[key]["attempt"]:
            started[key] = dict(m)
    seen = dict(conn.execute(
        select(trainees.c.code, trainees.c.last_seen).where(trainees.c.class_name == info.name)
    ).all())
    exercises = list(info.exercises)
    for _code, exercise in sorted(set(by_key) | set(started)):
        if exercise not in exercises:
            exercises.append(exercise)
    out = []
    for code in info.codes:
        for exercise in exercises:
            attempts = by_key.get((code, exercise), {})
            latest = max(attempts) if attempts else None
            begun = started.get((code, exercise))
            attempt = max(latest or 0, begun["attempt"] if begun else 0)
            summary = _summary(attempts.get(attempt, []))
            mode = attempts[attempt][-1]["mode"] if attempt in attempts else (begun["mode"] if begun else None)
            out.append({
                "code": code, "exercise": exercise, "attempt": attempt, "attempts": len(attempts) or (1 if begun else 0),
                "mode": mode, **summary,
                "last_activity": summary["last_activity"] or (begun["created"] if begun else None) or seen.get(code),
            })
    return out


def history(conn: Connection, class_name: str, code: str) -> list[dict]:
    """A trainee's own attempts, newest first: exercise, attempt, mode and the attempt's summary."""
    rows = _results(conn, class_name, code)
    grouped: dict[tuple[str, int], list[dict]] = {}
    for row in rows:
        grouped.setdefault((row["exercise"], row["attempt"]), []).append(row)
    out = [
        {"exercise": exercise, "attempt": attempt, "mode": items[-1]["mode"], **_summary(items)}
        for (exercise, attempt), items in grouped.items()
    ]
    return sorted(out, key=lambda h: h["last_activity"] or "", reverse=True)


EXPORT_COLUMNS = ("class_name", "code", "exercise", "attempt", "mode", "step", "outcome", "error",
                  "points", "seconds", "at")


def export_rows(conn: Connection, class_name: str) -> list[dict]:
    """One row per trainee × exercise × attempt × step result, in that order."""
    return [{c: row[c] for c in EXPORT_COLUMNS} for row in _results(conn, class_name)]
