"""How fast a trainee's sandbox is made, on SQLite and PostgreSQL (issue 14: "well under a second").

For each store: a class of N trainees; the first sandbox builds the prepared world (timed apart),
then every trainee's free-play sandbox and one exercise attempt each are made. Reported: the
copy alone (SQLite backup API / CREATE DATABASE … TEMPLATE) and the whole ``Classroom.sandbox``
call (claim, copy, open the engine, read the clock), median and p95; the same whole call for a
sandbox that already exists (a page reload); and every trainee starting a new attempt with
``--parallel`` of them at the same moment. With ``--strategies`` PostgreSQL is measured
with both CREATE DATABASE strategies (FILE_COPY, WAL_LOG).

    .venv/bin/python -m bench.class_sandboxes --trainees 30              # SQLite and a throw-away PostgreSQL
    .venv/bin/python -m bench.class_sandboxes --trainees 30 --class-db URL|FILE
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

EXERCISE = "sept-round-cx-basic"


def quantiles(values: list[float]) -> str:
    values = sorted(values)
    p95 = values[min(len(values) - 1, round(0.95 * (len(values) - 1)))]
    return f"median {statistics.median(values) * 1000:7.1f} ms  p95 {p95 * 1000:7.1f} ms  max {values[-1] * 1000:7.1f} ms  (n={len(values)})"


def at_once(room, people, parallel: int) -> list[float]:
    """Every trainee starts a new attempt at the exercise, ``parallel`` of them at the same time
    (threads: the copies queue on the store, as pages of a class arriving together would)."""
    from concurrent.futures import ThreadPoolExecutor

    def one(who) -> float:
        began = time.perf_counter()
        sb, _ = room.sandbox(who, EXERCISE, new_attempt=True)
        _ = sb.now
        sb.close()
        return time.perf_counter() - began

    with ThreadPoolExecutor(parallel) as pool:
        return list(pool.map(one, people))


def measure(class_db: str, root: Path, trainees: int, strategy: str | None = None, parallel: int = 8) -> dict[str, list[float]]:
    from sandbox.classroom import Classroom

    room = Classroom(class_db, root)
    if strategy:
        room.factory.pg_strategy = strategy
    try:
        info = room.create_class(f"bench-{uuid.uuid4().hex[:6]}", trainees=trainees, exercises=[EXERCISE],
                                 start="2023-09-04T09:00:00+07:00")
        people = [room.sign_in(t["token"]) for t in info.trainees]
        out: dict[str, list[float]] = {"first (builds the prepared world)": [], "whole call": [], "reopen": []}
        for kind in (None, EXERCISE):
            for i, who in enumerate(people):
                began = time.perf_counter()
                sb, _ = room.sandbox(who, kind)
                _ = sb.now
                took = time.perf_counter() - began
                sb.close()
                out["first (builds the prepared world)" if i == 0 else "whole call"].append(took)
        for who in people:
            began = time.perf_counter()
            sb, _ = room.sandbox(who)
            _ = sb.now
            out["reopen"].append(time.perf_counter() - began)
            sb.close()
        out["copy alone"] = room.sandbox_times(info.name)
        out[f"{parallel} at once: whole call"] = at_once(room, people, parallel)
        return out
    finally:
        room.close()


def report(store: str, results: dict[str, list[float]]) -> None:
    print(f"\n{store}")
    for what, values in results.items():
        print(f"  {what:36s} {quantiles(values)}")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--trainees", type=int, default=30)
    parser.add_argument("--class-db", help="one store (a SQLite file or a URL); default: SQLite and a throw-away PostgreSQL")
    parser.add_argument("--strategies", action="store_true", help="PostgreSQL: both FILE_COPY and WAL_LOG")
    parser.add_argument("--parallel", type=int, default=8, help="sandboxes made at the same time in the last round")
    args = parser.parse_args(argv)
    tmp = tempfile.TemporaryDirectory(prefix="class-bench-")
    server = None
    stores: list[tuple[str, str]] = []
    if args.class_db:
        stores.append(("PostgreSQL" if "://" in args.class_db else "SQLite", args.class_db))
    else:
        stores.append(("SQLite", str(Path(tmp.name) / "classes.sqlite")))
        try:
            from tests.pgserver import PostgresServer

            server = PostgresServer()
            stores.append(("PostgreSQL", server.start()))
        except (ImportError, FileNotFoundError) as exc:
            print(f"PostgreSQL skipped: {exc}", file=sys.stderr)
    try:
        for store, url in stores:
            root = Path(tmp.name) / "sandboxes"
            if store == "PostgreSQL":
                for strategy in (("FILE_COPY", "WAL_LOG") if args.strategies else ("FILE_COPY",)):
                    report(f"{store}, CREATE DATABASE … STRATEGY {strategy}", measure(url, root, args.trainees, strategy, args.parallel))
            else:
                report(store, measure(url, root, args.trainees, parallel=args.parallel))
    finally:
        if server is not None:
            server.stop()
        tmp.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
