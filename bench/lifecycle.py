"""Benchmark: the full reserve lifecycle through the engine's public command interface.

create → List → Confirm → CGD approval → one withdrawal with both approvals, for N documents
spread over U disbursement units, on SQLite or PostgreSQL; and in the same run a plain-SQL
baseline that inserts and updates the same rows. Prints documents per second (wall clock, and the
benchmark process's own CPU seconds: on a shared machine the steadier number), the ratio and
peak memory.

    .venv/bin/python -m bench.lifecycle                      # 100,000 documents, 1,000 units
    .venv/bin/python -m bench.lifecycle --docs 10000 --units 100
    .venv/bin/python -m bench.lifecycle --docs 10000 --units 100 --store postgresql   # a throw-away server
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

START = "2023-09-04T09:00:00+07:00"
PASSWORD = "Bench#2566"
UNITS_PER_AGENCY = 10
FUND = "6611200"
ITEM = "5101020000"


def national_id(n: int) -> str:
    base = f"1{n:011d}"
    total = sum(int(base[i]) * (13 - i) for i in range(12))
    return base + str((11 - total % 11) % 10)


def unit_codes(units: int) -> list[tuple[str, str, bool]]:
    """(agency code, unit code, regional) — each agency has one central and nine regional units."""
    out = []
    for i in range(units):
        agency = f"{20000 + i // UNITS_PER_AGENCY:05d}"
        out.append((agency, f"{agency}{i % UNITS_PER_AGENCY:05d}", i % UNITS_PER_AGENCY != 0))
    return out


def bench_world(units: int, docs_per_unit: int) -> dict:
    codes = unit_codes(units)
    agencies = sorted({a for a, _, _ in codes})
    users = [{"id": "cgd", "name": "CGD", "national_id": national_id(0), "unit": "0300400000",
              "roles": ["cgd_officer"], "credential": "password", "password": PASSWORD}]
    n = 1
    for _, unit, _ in codes:
        for role, prefix in (("recorder", "r"), ("approver_withdrawal", "w"), ("approver_payment", "p")):
            users.append({"id": f"{prefix}{unit}", "name": f"{role} {unit}", "national_id": national_id(n),
                          "unit": unit, "roles": [role], "credential": "password", "password": PASSWORD})
            n += 1
    return {
        "agencies": [{"code": "03004", "name": "กรมบัญชีกลาง", "kind": "cgd", "cutover": "all_agencies"}]
        + [{"code": a, "name": f"กรม {a}", "kind": "government", "cutover": "all_agencies"} for a in agencies],
        "units": [{"code": "0300400000", "agency": "03004", "area": "1000", "name": "CGD"}]
        + [{"code": u, "agency": a, "area": "1000", "name": f"หน่วย {u}", "regional": r} for a, u, r in codes],
        "users": users,
        "budget_lines": [
            {"unit": u, "budget_code": f"{a}3500010000{i % 100000:05d}", "fund_source": FUND,
             "commitment_item": ITEM, "allocation": docs_per_unit * 100_000}
            for i, (a, u, _) in enumerate(codes)
        ],
    }


DOC_COLUMNS = (
    "doc_no, doc_type, unit, agency, area, fiscal_year, budget_line_id, budget_code, fund_source, "
    "commitment_item, text, reason, reason_detail, doc_date, posting_date, value, remaining, approved, "
    "status, sept_approved, closed, closed_at, close_note, created_by, created_at"
)


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class CollectorClock:
    """Time spent in Python's cyclic garbage collector (reported, so it is not a hidden cost)."""

    def __init__(self):
        self.seconds, self.runs, self._start = 0.0, 0, 0.0
        gc.callbacks.append(self)

    def __call__(self, phase, info):
        if phase == "start":
            self._start = time.perf_counter()
        else:
            self.seconds += time.perf_counter() - self._start
            self.runs += 1


class Phases(dict):
    """Wall-clock seconds per phase, and the process's CPU seconds in ``cpu``."""

    def __init__(self):
        super().__init__()
        self.cpu: dict[str, float] = {}

    def timed(self, name: str, fn):
        t, c = time.perf_counter(), time.process_time()
        out = fn()
        self[name] = time.perf_counter() - t
        self.cpu[name] = time.process_time() - c
        return out

    def summary(self, docs: int) -> dict:
        total = sum(self.values())
        return {"phases_s": dict(self), "phases_cpu_s": self.cpu, "total_s": total, "cpu_s": sum(self.cpu.values()),
                "docs_per_s": docs / total, "peak_mib": peak_mib()}


def chunks(items, size):
    for i in range(0, len(items), size):
        yield items[i:i + size]


def chunks_of(iterable, size):
    """Lists of ``size`` from any iterable (commands are made batch by batch)."""
    part = []
    for item in iterable:
        part.append(item)
        if len(part) == size:
            yield part
            part = []
    if part:
        yield part


def run_engine(db: str, units: int, docs: int, batch: int) -> dict:
    from sandbox.domain import auth
    from sandbox.engine import Sandbox
    from sandbox.i18n import catalogue

    # The benchmark measures the lifecycle, not password hashing: cheap hashes for its 3,000 users.
    auth.SCRYPT_N = 2**8
    per_unit = docs // units
    world = bench_world(units, per_unit)
    sb = Sandbox(db)
    t0 = time.perf_counter()
    sb.load_world(world, START)
    codes = unit_codes(units)
    logins = [(u["id"], "auth.login", {"method": "password", "password": PASSWORD}) for u in world["users"]]
    for part in chunks(logins, batch):
        assert all(r.ok for r in sb.execute_many(part))
    catalogue()  # read once per process (0.4 s); a server has it before its first page
    # Likewise the Thai holidays of the round's deadlines (the ``holidays`` package imports its
    # countries at the first use: 0.1 s the benchmark counted in the first round step).
    for year in (2023, 2024):
        sb.calendar().is_business_day(dt.date(year, 9, 29))
    setup = time.perf_counter() - t0

    # The harness's own objects (imports, the world) live for the whole run; move them out of the
    # collector's way, as a long-running server would after start-up. Commands are made batch by
    # batch and only the numbers the next phase needs are kept, so that the collector's time
    # below is the engine's and not repeated scans of 100,000 prepared commands and results.
    gc.freeze()
    collector = CollectorClock()

    def run(commands, keep=None) -> list:
        kept = []
        for part in chunks_of(commands, batch):
            for r in sb.execute_many(part):
                assert r.ok, (r.action, r.error, r.message_en)
                if keep:
                    kept.append(keep(r))
        return kept

    def creates():
        for i, (agency, unit, _) in enumerate(codes):
            line = {"budget_code": f"{agency}3500010000{i % 100000:05d}", "fund_source": FUND, "commitment_item": ITEM}
            for k in range(per_unit):
                if k % 2:
                    data = {**line, "doc_type": "CK", "reason": "CK05", "amount": 50_000, "text": "bench"}
                else:
                    data = {**line, "doc_type": "CX", "reason": "CX04", "amount": 50_000, "text": "bench",
                            "contracts": [{"item": "งานก่อสร้าง"}]}
                yield (f"r{unit}", "reserve.create", data)

    phases = Phases()
    doc_nos = phases.timed("create", lambda: run(creates(), keep=lambda r: r.data["doc_no"]))
    by_unit = [doc_nos[i * per_unit:(i + 1) * per_unit] for i in range(units)]
    phases.timed("list", lambda: run((f"r{unit}", "round.list", {"docs": by_unit[i]}) for i, (_, unit, _) in enumerate(codes)))
    phases.timed("confirm", lambda: run(
        (f"w{codes[a][1]}", "round.confirm", {"docs": [d for i in range(a, min(a + UNITS_PER_AGENCY, units)) for d in by_unit[i]]})
        for a in range(0, units, UNITS_PER_AGENCY)))
    phases.timed("approve", lambda: run(("cgd", "round.approve", {"docs": part}) for part in chunks(doc_nos, 1000)))
    unit_of = [codes[i // per_unit][1] for i in range(len(doc_nos))]  # documents are in unit order
    request_nos = phases.timed("withdrawal.request", lambda: run(
        ((f"r{unit_of[n]}", "withdrawal.request", {"doc": d, "amount": 20_000}) for n, d in enumerate(doc_nos)),
        keep=lambda r: r.data["request_no"]))
    phases.timed("withdrawal.approve", lambda: run(
        (f"w{unit_of[n]}", "withdrawal.approve", {"request": rq}) for n, rq in enumerate(request_nos)))
    phases.timed("payment.approve", lambda: run(
        (f"p{unit_of[n]}", "payment.approve", {"request": rq}) for n, rq in enumerate(request_nos)))

    check = sb.document(doc_nos[-1])
    assert check["status"] == "50" and str(check["remaining"]) == "30000.00", check
    sb.close()
    return {"setup_s": setup, **phases.summary(docs), "gc_s": collector.seconds, "gc_runs": collector.runs}


def connect_plain(db: str):
    """A plain DB-API connection to the benchmark's store, and its parameter mark."""
    if "://" not in db:
        conn = sqlite3.connect(db, isolation_level=None)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        return conn, "?"
    import psycopg

    return psycopg.connect(db.replace("+psycopg", ""), autocommit=True), "%s"


def run_baseline(db: str, units: int, docs: int) -> dict:
    """The same rows inserted and updated with plain SQL (executemany, one transaction a phase)."""
    from sandbox.domain import auth
    from sandbox.engine import Sandbox

    auth.SCRYPT_N = 2**8
    per_unit = docs // units
    sb = Sandbox(db)
    sb.load_world(bench_world(units, per_unit), START)
    sb.close()
    conn, mark = connect_plain(db)
    sqlite = mark == "?"

    def many(sql: str, rows) -> None:
        cur = conn.cursor()
        cur.executemany(sql.replace("?", mark), rows)

    lines = {u: lid for lid, u in conn.execute("SELECT id, unit FROM budget_lines")}
    codes = unit_codes(units)
    now = "2023-09-04 02:00:00.000000" if sqlite else dt.datetime(2023, 9, 4, 2)  # stored as the engine stores it
    day = dt.date(2023, 9, 4)
    rows, contracts = [], []
    n = 0
    for i, (agency, unit, _) in enumerate(codes):
        for k in range(per_unit):
            n += 1
            kind = "CK" if k % 2 else "CX"
            doc_no = f"{kind}{n:08d}"
            rows.append((doc_no, kind, unit, agency, "1000", 2566, lines[unit], f"{agency}3500010000{i % 100000:05d}",
                         FUND, ITEM, "bench", "CK05" if k % 2 else "CX04", "", day, day,
                         5_000_000, 5_000_000, 0, "", False, "", None, "", f"r{unit}", now))
            if kind == "CX":
                contracts.append((doc_no, 1, "", "", "", "งานก่อสร้าง", "", None, None))
    doc_nos = [r[0] for r in rows]
    unit_of = {r[0]: r[2] for r in rows}
    phases = Phases()

    def phase(name, fn) -> None:
        def work():
            conn.execute("BEGIN")
            fn()
            conn.execute("COMMIT")
        phases.timed(name, work)

    def audit(action):
        many("INSERT INTO audit (at, actor, action, input, ok, error, result) VALUES (?, ?, ?, ?, TRUE, NULL, '{}')",
             [(now, f"r{unit_of[d]}", action, json.dumps({"doc": d})) for d in doc_nos])

    def history(action, old, new):
        many("INSERT INTO doc_history (doc_no, at, actor, action, from_status, to_status, note) VALUES (?, ?, 'x', ?, ?, ?, '')",
             [(d, now, action, old, new) for d in doc_nos])

    phase("create", lambda: (
        many(f"INSERT INTO reserve_docs ({DOC_COLUMNS}) VALUES ({','.join('?' * 25)})", rows),
        many("INSERT INTO contract_lines (doc_no, line, contract_no, lc_no, lao_name, item, creditor, signed, due) "
             "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", contracts),
        many("UPDATE budget_lines SET reserved = reserved + 5000000 WHERE id = ?", [(lines[unit_of[d]],) for d in doc_nos]),
        history("reserve.create", "", ""), audit("reserve.create")))
    for name, old, new in (("list", "", "21"), ("confirm", "21", "31"), ("approve", "31", "50")):
        phase(name, lambda old=old, new=new, name=name: (
            many("UPDATE reserve_docs SET status = ? WHERE doc_no = ?", [(new, d) for d in doc_nos]),
            history(name, old, new)))
    phase("withdrawal.request", lambda: (
        many("INSERT INTO withdrawals (request_no, doc_no, amount, status, requested_by, requested_at) VALUES (?, ?, 2000000, 'requested', 'r', ?)",
             [(f"WR{i:08d}", d, now) for i, d in enumerate(doc_nos, 1)]),
        audit("withdrawal.request")))
    phase("withdrawal.approve", lambda: (
        many("UPDATE withdrawals SET status = 'approved', approved_by = 'w', approved_at = ? WHERE request_no = ?",
             [(now, f"WR{i:08d}") for i in range(1, len(doc_nos) + 1)]),
        audit("withdrawal.approve")))
    phase("payment.approve", lambda: (
        many("UPDATE withdrawals SET status = 'paid', paid_by = 'p', paid_at = ? WHERE request_no = ?",
             [(now, f"WR{i:08d}") for i in range(1, len(doc_nos) + 1)]),
        many("UPDATE reserve_docs SET remaining = remaining - 2000000 WHERE doc_no = ?", [(d,) for d in doc_nos]),
        many("UPDATE budget_lines SET reserved = reserved - 2000000, disbursed = disbursed + 2000000 WHERE id = ?",
             [(lines[unit_of[d]],) for d in doc_nos]),
        history("payment.approve", "50", "50"), audit("payment.approve")))
    conn.close()
    return phases.summary(docs)


def fresh_store(tmp: str, server_url: str | None, name: str) -> str:
    """A new SQLite file, or a new database on the PostgreSQL server."""
    if server_url is None:
        return str(Path(tmp) / f"{name}.sqlite")
    import psycopg

    with psycopg.connect(server_url.replace("+psycopg", ""), autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    return server_url.rsplit("/", 1)[0] + f"/{name}"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docs", type=int, default=100_000)
    parser.add_argument("--units", type=int, default=1_000)
    parser.add_argument("--batch", type=int, default=500, help="commands per execute_many transaction")
    parser.add_argument("--store", choices=["sqlite", "postgresql"], default="sqlite",
                        help="postgresql: a throw-away server (initdb), as the tests start one")
    parser.add_argument("--part", choices=["engine", "baseline"], help=argparse.SUPPRESS)
    parser.add_argument("--db", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.part:
        fn = run_engine if args.part == "engine" else run_baseline
        extra = (args.batch,) if args.part == "engine" else ()
        print(json.dumps(fn(args.db, args.units, args.docs, *extra)))
        return 0
    server = server_url = None
    if args.store == "postgresql":
        from tests.pgserver import PostgresServer

        server = PostgresServer()
        server_url = server.start()
    runs = {"engine": [], "baseline": []}
    try:
        with tempfile.TemporaryDirectory() as tmp:
            # Each in its own process (its own peak memory); the baseline three times (it is short,
            # so a noisy second would move the ratio most), the median counts.
            for i, part in enumerate(("baseline", "engine", "baseline", "baseline")):
                out = subprocess.run(
                    [sys.executable, "-m", "bench.lifecycle", "--part", part, "--db", fresh_store(tmp, server_url, f"{part}{i}"),
                     "--docs", str(args.docs), "--units", str(args.units), "--batch", str(args.batch)],
                    check=True, capture_output=True, text=True, cwd=Path(__file__).resolve().parents[1],
                )
                runs[part].append(json.loads(out.stdout.strip().splitlines()[-1]))
    finally:
        if server is not None:
            server.stop()
    engine = runs["engine"][0]
    base = sorted(runs["baseline"], key=lambda r: r["total_s"])[1]
    base_all = ", ".join(f"{r['total_s']:.2f}" for r in runs["baseline"])
    store = "PostgreSQL" if server else "SQLite"
    print(f"Reserve lifecycle: {args.docs:,} documents across {args.units:,} units, {store}")
    print(f"  engine (public commands, batches of {args.batch}):                wall     CPU")
    for name, secs in engine["phases_s"].items():
        print(f"    {name:<20} {secs:8.2f} s {engine['phases_cpu_s'][name]:6.2f} s")
    print(f"    {'total':<20} {engine['total_s']:8.2f} s {engine['cpu_s']:6.2f} s   {engine['docs_per_s']:,.0f} documents/s"
          f"   peak RSS {engine['peak_mib']:,.0f} MiB")
    print(f"    (setup: world of {args.units * 3 + 1:,} users loaded and logged in: {engine['setup_s']:.1f} s;"
          f" garbage collector: {engine['gc_s']:.2f} s in {engine['gc_runs']:,} runs)")
    print(f"  plain-SQL baseline: {base['total_s']:8.2f} s {base['cpu_s']:6.2f} s   {base['docs_per_s']:,.0f} documents/s"
          f"   peak RSS {base['peak_mib']:,.0f} MiB   (median of {base_all} s)")
    print(f"  ratio engine/baseline: {engine['total_s'] / base['total_s']:.1f}x wall"
          + (f", {engine['cpu_s'] / base['cpu_s']:.1f}x CPU of this process" if store == "SQLite" else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
