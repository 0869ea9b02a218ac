"""Stress: two clients race for the same records, many times, on SQLite and PostgreSQL.

Two processes (multiprocessing, spawn), each with its own ``Sandbox(url)``, line up on a barrier
and send their commands at the same instant. For every pair of issue 13 (two withdrawal requests
over-committing a document, two payments of one document, one request paid twice, a double
Confirm, Confirm against List cancel, CGD approval against rejection, two creates past a budget
line's available balance, one one-time code used twice, wrong codes from two clients against the
five-codes lock) it counts the races run and the anomalies: a raw exception instead of a result,
the wrong number of winners, money not conserved on a budget line, a status that broke the chain
of legal transitions. A ``busy`` refusal (retries ran out) is counted but is not an anomaly.

    .venv/bin/python -m bench.races --trials 30                 # a SQLite file and a throw-away PostgreSQL
    .venv/bin/python -m bench.races --trials 30 --db URL|FILE   # one store
"""

from __future__ import annotations

import argparse
import datetime as dt
import multiprocessing as mp
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import func, select, update

START = "2023-09-04T09:00:00+07:00"
PASSWORD = "Sandbox#2566"
LINE = {"budget_code": "12001350001000000002", "fund_source": "6611200", "commitment_item": "5101020000"}
SPARE_LINE = LINE | {"commitment_item": "5104010000"}  # used only by the race of two creates
ACTORS = ("rec1", "appr1", "pay1", "appr_c", "cgd1")
OTP_USER = "pto1"  # used only by the one-time code races
WRONG_CODES = 5  # per client, in the lock race (the lock comes after auth.MAX_FAILED_OTPS)
# (from, to) status pairs a document may take in one action (as tests/test_properties.py).
ALLOWED = {
    ("", "21"), ("21", ""), ("21", "31"), ("31", "21"), ("31", "50"),
    ("50", "22"), ("22", ""), ("", "22"), ("22", "32"), ("32", "22"), ("32", "40"),
}
TIMEOUT = 120  # seconds a side may take


# ------------------------------------------------------------------ the two clients


def _worker(url: str, barrier, inbox, outbox) -> None:
    from sandbox.engine import Sandbox
    from sandbox.service import unit_of_work

    sb = Sandbox(url)
    while (commands := inbox.get()) is not None:
        sb.invalidate()  # the parent may have loaded the world again
        stats = getattr(unit_of_work, "STATS", {"redone": 0})
        redone_before = stats["redone"]
        out = []
        barrier.wait(TIMEOUT)
        for actor, action, data in commands:
            try:
                r = sb.execute(actor, action, data)
                out.append({"ok": r.ok, "error": r.error, "message_th": r.message_th, "data": r.data})
            except Exception as exc:  # exactly what must never reach a trainee
                out.append({"raised": f"{type(exc).__name__}: {str(exc).splitlines()[0][:200]}"})
        outbox.put((out, stats["redone"] - redone_before))
    sb.close()


class Clients:
    """Two worker processes on ``url`` that run a list of commands each at the same instant."""

    def __init__(self, url: str):
        ctx = mp.get_context("spawn")
        self.barrier = ctx.Barrier(2)
        self.inboxes = [ctx.Queue(), ctx.Queue()]
        self.outboxes = [ctx.Queue(), ctx.Queue()]
        self.procs = [
            ctx.Process(target=_worker, args=(url, self.barrier, self.inboxes[i], self.outboxes[i]), daemon=True)
            for i in range(2)
        ]
        for p in self.procs:
            p.start()

    def race(self, a: list, b: list) -> tuple[list, list, int]:
        self.inboxes[0].put(a)
        self.inboxes[1].put(b)
        (ra, na), (rb, nb) = (box.get(timeout=TIMEOUT) for box in self.outboxes)
        return ra, rb, na + nb

    def close(self) -> None:
        for box in self.inboxes:
            box.put(None)
        for p in self.procs:
            p.join(30)
            if p.is_alive():
                p.terminate()

    def __enter__(self) -> Clients:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


# ------------------------------------------------------------------ set-up helpers (parent)


def _do(sb, actor: str, action: str, **data) -> dict:
    r = sb.execute(actor, action, data)
    if not r.ok:
        raise RuntimeError(f"set-up {action} refused: {r.error} {r.message_en}")
    return r.data


def _doc(sb, amount: int = 1000, line: dict = LINE) -> str:
    data = {**line, "doc_type": "CK", "reason": "CK05", "amount": amount, "text": "race"}
    return _do(sb, "rec1", "reserve.create", **data)["doc_no"]


def _approved_request(sb, doc: str, amount: int) -> str:
    request = _do(sb, "rec1", "withdrawal.request", doc=doc, amount=amount)["request_no"]
    _do(sb, "appr1", "withdrawal.approve", request=request)
    return request


def _reset_codes(sb) -> None:
    from sandbox.adapters import orm

    with sb.engine.begin() as conn:
        conn.execute(update(orm.users).where(orm.users.c.id == OTP_USER)
                     .values(last_otp_counter=0, failed_otps=0, locked_until=None))


def _login(otp: str) -> tuple:
    return (OTP_USER, "auth.login", {"method": "soft_token", "password": PASSWORD, "otp": otp})


def _wrong_code(sb) -> str:
    from sandbox.adapters import orm
    from sandbox.domain import auth

    with sb.engine.connect() as conn:
        secret = conn.execute(select(orm.users.c.totp_secret).where(orm.users.c.id == OTP_USER)).scalar_one()
    right = {auth.code_at(secret, sb.now + dt.timedelta(seconds=30 * k)) for k in (-1, 0, 1)}
    return next(c for c in ("000000", "111111", "222222", "333333") if c not in right)


# ------------------------------------------------------------------ the races


@dataclass
class Race:
    name: str
    setup: Callable  # sb -> (commands of side a, commands of side b, what the judge needs)
    winners: int | None = 1  # how many sides must succeed (None: the race judges itself)
    judge: Callable | None = None  # (sb, info, results a, results b) -> list of anomalies
    cleanup: Callable | None = None  # (sb, info, results a, results b) -> None


def _one_each(cmd_a: tuple, cmd_b: tuple | None = None):
    return [cmd_a], [cmd_b or cmd_a]


def _overcommit(sb):
    doc = _doc(sb, 1000)
    return (*_one_each(("rec1", "withdrawal.request", {"doc": doc, "amount": 600})), doc)


def _two_payments(sb):
    doc = _doc(sb, 1000)
    x, y = _approved_request(sb, doc, 400), _approved_request(sb, doc, 400)
    return (*_one_each(("pay1", "payment.approve", {"request": x}), ("pay1", "payment.approve", {"request": y})), doc)


def _paid_twice(sb):
    doc = _doc(sb, 1000)
    return (*_one_each(("pay1", "payment.approve", {"request": _approved_request(sb, doc, 400)})), doc)


def _listed(sb) -> str:
    doc = _doc(sb)
    _do(sb, "rec1", "round.list", docs=[doc])
    return doc


def _double_confirm(sb):
    doc = _listed(sb)
    return (*_one_each(("appr_c", "round.confirm", {"docs": [doc]})), doc)


def _confirm_vs_list_cancel(sb):
    doc = _listed(sb)
    return (*_one_each(("appr_c", "round.confirm", {"docs": [doc]}), ("rec1", "round.list_cancel", {"docs": [doc]})), doc)


def _approve_vs_reject(sb):
    doc = _listed(sb)
    _do(sb, "appr_c", "round.confirm", docs=[doc])
    return (*_one_each(("cgd1", "round.approve", {"docs": [doc]}), ("cgd1", "round.reject", {"docs": [doc], "reason": "race"})), doc)


def _two_creates(sb):
    available = sb.budget_line(**SPARE_LINE)["available"]
    amount = int(available * 6 / 10)
    data = {**SPARE_LINE, "doc_type": "CK", "reason": "CK05", "amount": amount, "text": "race"}
    return (*_one_each(("rec1", "reserve.create", data)), None)


def _cancel_created(sb, _info, ra, rb) -> None:
    for r in ra + rb:
        if r.get("ok") and "doc_no" in r["data"]:
            sb.execute("rec1", "reserve.cancel", {"doc": r["data"]["doc_no"], "reason": "race"})


def _code_twice(sb):
    _reset_codes(sb)
    return (*_one_each(_login("auto")), None)


def _wrong_codes(sb):
    _reset_codes(sb)
    code = _wrong_code(sb)
    return [_login(code)] * WRONG_CODES, [_login(code)] * WRONG_CODES, None


def _judge_lock(_sb, _info, ra, rb) -> list[str]:
    from sandbox.domain import auth

    errors = Counter(r.get("error") for r in ra + rb)
    if errors["bad_otp"] != auth.MAX_FAILED_OTPS:
        return [f"{errors['bad_otp']} wrong codes counted before the lock (not {auth.MAX_FAILED_OTPS})"]
    return []


def _judge_both_paid(sb, doc, ra, rb) -> list[str]:
    remaining = sb.document(doc)["remaining"]
    return [] if remaining == 200 else [f"{doc}: remaining {remaining} after paying 400 twice out of 1000"]


RACES = [
    Race("withdrawal.request ×2 over-committing", _overcommit),
    Race("payment.approve of two requests (lost update)", _two_payments, winners=2, judge=_judge_both_paid),
    Race("payment.approve ×2 of one request", _paid_twice),
    Race("round.confirm ×2", _double_confirm),
    Race("round.confirm vs round.list_cancel", _confirm_vs_list_cancel),
    Race("round.approve vs round.reject", _approve_vs_reject),
    Race("reserve.create ×2 past available", _two_creates, cleanup=_cancel_created),
    Race("auth.login ×2 with one code", _code_twice),
    Race(f"auth.login wrong code ×{WRONG_CODES} ×2 (lock)", _wrong_codes, winners=None, judge=_judge_lock),
]


# ------------------------------------------------------------------ invariants


def invariants(sb) -> list[str]:
    """Money conserved on every budget line, requests within their documents, legal status chains."""
    from sandbox.adapters import orm

    docs, lines, wd, hist = orm.reserve_docs, orm.budget_lines, orm.withdrawals, orm.doc_history
    out = []
    with sb.engine.connect() as conn:
        for line in conn.execute(select(lines)):
            available = line.allocation - line.reserved - line.disbursed - line.lapsed
            if min(available, line.reserved, line.disbursed, line.lapsed) < 0:
                out.append(f"line {line.id}: a negative balance ({available}, {line.reserved}, {line.disbursed}, {line.lapsed})")
            remaining = conn.execute(select(func.coalesce(func.sum(docs.c.remaining), 0))
                                     .where(docs.c.budget_line_id == line.id, docs.c.closed == "")).scalar_one()
            if line.reserved != remaining:
                out.append(f"line {line.id}: reserved {line.reserved} but open documents hold {remaining}")
            paid = conn.execute(select(func.coalesce(func.sum(wd.c.amount), 0)).select_from(wd.join(docs, docs.c.doc_no == wd.c.doc_no))
                                .where(docs.c.budget_line_id == line.id, wd.c.status == "paid")).scalar_one()
            if line.disbursed != paid:
                out.append(f"line {line.id}: disbursed {line.disbursed} but paid requests total {paid}")
        pending = (select(docs.c.doc_no, docs.c.remaining, func.sum(wd.c.amount).label("spoken"))
                   .select_from(docs.join(wd, wd.c.doc_no == docs.c.doc_no))
                   .where(wd.c.status.in_(("requested", "approved")), docs.c.closed == "")
                   .group_by(docs.c.doc_no, docs.c.remaining))
        out += [f"{r.doc_no}: requests of {r.spoken} against {r.remaining}" for r in conn.execute(pending) if r.spoken > r.remaining]
        last: dict[str, str] = {}
        for r in conn.execute(select(hist.c.doc_no, hist.c.from_status, hist.c.to_status).order_by(hist.c.id)):
            if r.doc_no in last and r.from_status != last[r.doc_no]:
                out.append(f"{r.doc_no}: a step from status {r.from_status!r} after it had become {last[r.doc_no]!r}")
            if r.from_status != r.to_status and (r.from_status, r.to_status) not in ALLOWED:
                out.append(f"{r.doc_no}: illegal transition {r.from_status!r} → {r.to_status!r}")
            last[r.doc_no] = r.to_status
    return out


# ------------------------------------------------------------------ running


@dataclass
class Tally:
    races: int = 0
    anomalies: int = 0
    busy: int = 0
    redone: int = 0
    examples: list[str] = field(default_factory=list)


def prepare(sb) -> None:
    sb.load_world("demo", START)
    for actor in ACTORS:
        _do(sb, actor, "auth.login", method="soft_token", password=PASSWORD, otp="auto")


def run_races(url: str, trials: int, races=RACES, clients: Clients | None = None) -> dict[str, Tally]:
    """Every race ``trials`` times on the store at ``url`` (its contents are replaced)."""
    from sandbox.engine import Sandbox

    sb = Sandbox(url)
    prepare(sb)
    own = clients is None
    clients = clients or Clients(url)
    tallies = {}
    try:
        for race in races:
            tally = tallies[race.name] = Tally()
            for _ in range(trials):
                a, b, info = race.setup(sb)
                ra, rb, redone = clients.race(a, b)
                problems = [f"raised {r['raised']}" for r in ra + rb if "raised" in r]
                tally.busy += sum(r.get("error") == "busy" for r in ra + rb)
                if race.winners is not None:
                    won = sum(bool(r.get("ok")) for r in ra + rb)
                    if won != race.winners:
                        errors = sorted(str(r.get("error") or r.get("raised")) for r in ra + rb)
                        problems.append(f"{won} sides won, not {race.winners} ({', '.join(errors)})")
                if race.judge:
                    problems += race.judge(sb, info, ra, rb)
                broken = invariants(sb)
                problems += broken
                if broken:  # start the next trial on a sound world (do not count one fault twice)
                    prepare(sb)
                elif race.cleanup:
                    race.cleanup(sb, info, ra, rb)
                tally.races += 1
                tally.redone += redone
                tally.anomalies += bool(problems)
                tally.examples += problems[: max(0, 3 - len(tally.examples))]
    finally:
        if own:
            clients.close()
        sb.close()
    return tallies


def print_table(store: str, tallies: dict[str, Tally], seconds: float) -> None:
    print(f"{store}: {sum(t.races for t in tallies.values())} races in {seconds:.1f} s")
    print(f"  {'race':<48} {'races':>5} {'anomalies':>9} {'redone':>7} {'busy':>5}")
    for name, t in tallies.items():
        print(f"  {name:<48} {t.races:>5} {t.anomalies:>9} {t.redone:>7} {t.busy:>5}")
        for example in t.examples:
            print(f"      e.g. {example}")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--trials", type=int, default=30, help="races per pair and store")
    parser.add_argument("--db", help="one store (a SQLite file or a URL); default: a SQLite file and a throw-away PostgreSQL")
    args = parser.parse_args(argv)
    stores: list[tuple[str, str]] = []
    server = None
    tmp = tempfile.TemporaryDirectory()
    if args.db:
        stores.append(("PostgreSQL" if args.db.startswith("postgres") else "SQLite", args.db))
    else:
        stores.append(("SQLite", str(Path(tmp.name) / "races.sqlite")))
        try:
            from tests.pgserver import PostgresServer

            server = PostgresServer()
            stores.append(("PostgreSQL", server.start()))
        except (ImportError, FileNotFoundError) as exc:
            print(f"PostgreSQL skipped: {exc}", file=sys.stderr)
    anomalies = 0
    try:
        for store, url in stores:
            started = time.perf_counter()
            tallies = run_races(url, args.trials)
            print_table(store, tallies, time.perf_counter() - started)
            anomalies += sum(t.anomalies for t in tallies.values())
    finally:
        if server is not None:
            server.stop()
        tmp.cleanup()
    return 1 if anomalies else 0


if __name__ == "__main__":
    sys.exit(main())
