"""Stress run: hostile inputs to ``Sandbox.execute`` over every action (hypothesis strategies,
shared with ``tests/test_fuzz.py``). Prints the inputs tried and every crash.

    .venv/bin/python -m bench.fuzz --examples 5000
    .venv/bin/python -m bench.fuzz --examples 2000 --db postgresql+psycopg://…

A call must either succeed or be refused with an error code and a Thai message; a refused call
stores nothing but its audit line. Anything else (an exception, a row written by a refusal) is
a crash.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import re
import tempfile
import time
import traceback
from decimal import Decimal
from pathlib import Path

from hypothesis import strategies as st
from sqlalchemy import func, select

from sandbox.adapters import orm
from sandbox.commands import COMMANDS
from sandbox.engine import Sandbox

START = "2023-09-04T09:00:00+07:00"
PASSWORD = "Sandbox#2566"
LINE = {"budget_code": "12001350001000000002", "fund_source": "6611200", "commitment_item": "5101020000"}
ACTORS = ["rec1", "appr_c", "cgd1", "trainer", "pto1", "appr1", "pay1", "head1"]
THAI = re.compile(r"[\u0e00-\u0e7f]")
# Writes that stand even when the command is refused: the attempt counters a refused login,
# registration or password change writes on purpose (the throttle: 5 wrong codes or passwords in
# a row lock for 15 minutes), and the session's last action (a refused action is an action: the
# session is not idle). Every other column of every table must be as it was after a refusal.
ATTEMPT_COUNTERS = {"failed_otps", "locked_until", "failed_passwords", "password_locked_until", "last_seen"}

HOSTILE_TEXT = [
    "", " ", "\x00", "a\x00b", "\ud800", "x\udfffy", "\ud83d", "x" * 41, "x" * 201, "x" * 501,
    "x" * 100_001, "=HYPERLINK(\"http://example.com\",\"click\")", "+1+1", "@SUM(A1)", "-2", "\t=1",
    "${undefined}", "'; DROP TABLE audit; --", "CX00000001", "CK00000001", "PO00000001", "WR00000001",
    "2566", "99999", "-1", "abc", "not_listed", "listed", "confirmed", "approved", "september", "march",
    "CX", "CK", "PO", "CX04", "CK05", "rec1", "trainer", "soft_token", "password", "auto",
    "2023-09-05", "2023-09-04T10:00:00+07:00", "31/12/9999", "9999-12-31T23:59:59-12:00", "0001-01-01",
    "29 กุมภาพันธ์ 2567", "๒๙/๐๒/๒๕๖๗", "1e999999999", "-1e999999999", "1e-999999999", "NaN", "Infinity",
    "1,000.00", "0.001", "ข้อความภาษาไทย", "\u200b", "\ufeff", "\u202e", *LINE.values(),
]
HOSTILE_NUMBERS = [
    0, -1, 1, 100, 2566, 99999, 10**28, 10**40, -(10**30), 1e28, 1e308, float("inf"), float("-inf"),
    float("nan"), 1.005, 0.1, True, False, Decimal("NaN"), Decimal("1E+999999"), Decimal("0.001"),
]
HOSTILE_OTHER = [None, [], {}, [1, "a"], {"a": 1}, {"x": {"y": {"z": []}}}, b"bytes", ("t",), {1, 2}]

texts = st.one_of(
    st.sampled_from(HOSTILE_TEXT),
    st.text(max_size=20),
    st.builds(lambda a, s, b: a + s + b, st.text(max_size=5), st.sampled_from(["\ud800", "\udc00", "\x00", "\x1b"]),
              st.text(max_size=5)),
)
# Values at the edges of what the rules accept: they pass the parser and test the rules behind it.
EDGY = [
    0.01, 1000, "1,000.50", 999_999_999_999.99, "999999999999.99", "1000000000000", 1.005, -0.01,
    "2023-09-04", "2023-09-30", "30/09/2566", "29/02/2567", "2023-10-01T00:00:00+07:00", "2028-09-03",
    "2023-09-04T09:00:00+07:00", "CX00000001", "CK00000001", "PO00000001", "CX00000002", "WR00000001",
    "rec1", "appr_c", "cgd1", "newbie", "tk_appr", "ข" * 200, "ข" * 500, "ก" * 100, "CX01", "CX04", "CK05",
    "CK13", "PO", "CX", "CK", "6611200", "6611300", "6631200", "12001350001000000002", "12001350001000000001",
    "5101020000", "5104010000", "2566", 2566, 2567, "september", "march", "approved", "nexus_smart_id",
    "paotang", "recorder", "head", "password", "token_key", "soft_token", "Sandbox#2566", "auto", "000000",
]
scalars = st.one_of(texts, st.sampled_from(HOSTILE_NUMBERS), st.integers(), st.floats(), st.sampled_from(HOSTILE_OTHER),
                    st.sampled_from(EDGY), st.sampled_from(EDGY), st.sampled_from(EDGY))
nested = st.recursive(scalars, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                       st.dictionaries(texts, inner, max_size=4)), max_leaves=8)
values = st.one_of(st.sampled_from(EDGY), scalars, scalars, nested)
ALL_FIELDS = sorted({name for cls in COMMANDS.values() for name in cls.model_fields} | {
    "line", "contract_no", "lc_no", "lao_name", "item", "creditor", "signed", "due", "lost_on", "colour"})
contract = st.dictionaries(st.sampled_from(["line", "contract_no", "lc_no", "lao_name", "item", "creditor", "signed",
                                            "due", "colour"]), values, max_size=5)
contracts = st.one_of(st.lists(st.one_of(contract, values), max_size=4),
                      st.builds(lambda n: [{"item": "x"}] * n, st.sampled_from([100, 101, 100_000])), values)


# A plausible input of each action: the fuzzer breaks one or two of its fields, so that the
# calls reach the rules behind the parser too.
CK = {**LINE, "doc_type": "CK", "amount": 1000, "text": "fuzz", "reason": "CK05"}
BASE = {
    "auth.login": {"method": "soft_token", "password": PASSWORD, "otp": "auto"},
    "user.issue_credentials": {"user": "newbie"},
    "user.change_password": {"old": PASSWORD, "new": "Sandbox#2567fuzz"},
    "user.change_rights": {"user": "rec1", "roles": ["recorder"], "order_file": "order.pdf"},
    "user.approve_rights_change": {"user": "rec1"},
    "phone.install": {"apps": ["nexus_smart_id", "paotang"]},
    "softtoken.register": {"password": PASSWORD},
    "softtoken.loss_letter": {"user": "rec1", "letter_no": "1/2566"},
    "reserve.create": CK, "reserve.simulate": CK,
    "reserve.edit": {"doc": "CX00000001", "contracts": [{"line": 1, "creditor": "บริษัท ก"}]},
    "reserve.cancel": {"doc": "CK00000001", "reason": "fuzz"},
    "reserve.search": {"fiscal_year": 2566, "status": "not_listed", "round": "september"},
    "reserve.convert_to_po": {"doc": "CX00000001", "contract_no": "2/2566", "signed": "2023-09-05"},
    "round.list": {"docs": ["CX00000001"]}, "round.list_cancel": {"docs": ["CX00000001"]},
    "round.confirm": {"docs": ["CX00000001"]}, "round.approve": {"docs": ["CX00000001"]},
    "round.cancel_confirm": {"docs": ["CX00000001"], "letter_no": "1/2566", "letter_date": "2023-09-05"},
    "round.reject": {"docs": ["CX00000001"], "reason": "fuzz"},
    "withdrawal.request": {"doc": "PO00000001", "amount": 100},
    "withdrawal.approve": {"request": "WR00000001"}, "payment.approve": {"request": "WR00000001"},
    "report.nfma60": {"fiscal_year": 2566, "round": "september"},
    "report.nfma60cx": {"fiscal_year": 2566, "round": "march", "status": "approved"},
    "clock.advance": {"to": "2023-09-04T10:00:00+07:00"},
}


def data_for(action) -> st.SearchStrategy:
    cls = COMMANDS.get(action) if isinstance(action, str) else None
    names = (sorted(cls.model_fields) if cls else []) or ALL_FIELDS
    base = BASE.get(action, {}) if isinstance(action, str) else {}
    field_value = st.one_of(st.sampled_from(names), st.sampled_from(names), st.sampled_from(names), texts,
                            st.sampled_from(ALL_FIELDS)).flatmap(
        lambda name: st.tuples(st.just(name), contracts if name == "contracts" else values))
    own = st.sampled_from(names).flatmap(
        lambda name: st.tuples(st.just(name), contracts if name == "contracts" else values))
    broken = st.lists(own, min_size=1, max_size=2).map(lambda pairs: {**base, **dict(pairs)})
    mapping = st.lists(field_value, max_size=6).map(dict)
    edgy = st.lists(st.tuples(st.sampled_from(names), st.sampled_from(EDGY)), min_size=1, max_size=2).map(
        lambda pairs: {**base, **dict(pairs)})
    return st.one_of(st.just(base), edgy, edgy, broken, broken, mapping,
                     st.sampled_from([None, "abc", 5, [1, 2], [("doc", "x")], 1e28]))


HOSTILE_ACTIONS = [None, "", "x" * 100, 5, ["reserve.create"], "\ud800", "reserve.create\x00", "unknown.action"]
HOSTILE_ACTORS = ["", "x" * 41, "x" * 10_000, "rec1\x00", "\ud800", "rec1\n", None, 5, ["rec1"]]
# Mostly real actions and users (so the calls reach the rules), sometimes hostile ones.
actions = st.sampled_from(sorted(COMMANDS) * 4 + HOSTILE_ACTIONS)
actors = st.sampled_from(ACTORS * 8 + HOSTILE_ACTORS)
# Who usually does what (so that most calls pass the role checks).
DESK = {"round.confirm": "appr_c", "round.approve": "cgd1", "round.reject": "cgd1", "round.cancel_confirm": "cgd1",
        "withdrawal.approve": "appr1", "payment.approve": "pay1", "clock.advance": "trainer",
        "user.change_rights": "head1", "softtoken.loss_letter": "head1", "user.approve_rights_change": "cgd1",
        "user.issue_credentials": "head1"}


def actor_for(action) -> st.SearchStrategy:
    desk = DESK.get(action, "rec1") if isinstance(action, str) else "rec1"
    return st.one_of(st.just(desk), st.just(desk), actors)


calls = actions.flatmap(lambda a: st.tuples(actor_for(a), st.just(a), data_for(a)))


def prepare(sb: Sandbox) -> None:
    """The demo world with the usual desks logged in and one document of each type."""
    sb.load_world("demo", START)
    for user in ACTORS:
        result = sb.execute(user, "auth.login", {"method": "soft_token", "password": PASSWORD, "otp": "auto"})
        assert result.ok, (user, result.error, result.message_en)
    for kind, extra in (("CX", {"reason": "CX04", "contracts": [{"item": "งาน"}]}), ("CK", {"reason": "CK05"}),
                        ("PO", {"contracts": [{"contract_no": "1/2566", "item": "งาน"}]})):
        result = sb.execute("rec1", "reserve.create", {**LINE, "doc_type": kind, "amount": 1000, "text": "fuzz", **extra})
        assert result.ok, (kind, result.error, result.message_en)


def digest(sb: Sandbox) -> dict[str, str]:
    """A digest of every table but the audit (what a refused call must leave as it was)."""
    out = {}
    with sb.engine.connect() as conn:
        for table in orm.RESET_ORDER:
            if table is orm.audit:
                continue
            columns = [c for c in table.c if c.name not in ATTEMPT_COUNTERS]
            rows = sorted(repr(tuple(r)) for r in conn.execute(select(*columns)))
            out[table.name] = hashlib.sha256("\n".join(rows).encode("utf-8", "replace")).hexdigest()
    return out


def audit_count(sb: Sandbox) -> int:
    with sb.engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(orm.audit)).scalar_one()


def relogin(sb: Sandbox) -> None:
    """Log the desks in again (a fuzzed call may have logged them out); the clock moves on 31
    seconds first, as a one-time password is good once."""
    sb.advance_clock(sb.now + dt.timedelta(seconds=31))
    sb.execute_many([(user, "auth.login", {"method": "soft_token", "password": PASSWORD, "otp": "auto"})
                     for user in ACTORS])


def check_call(sb: Sandbox, actor, action, data, outcomes: dict | None = None) -> str | None:
    """Run one call; a description of what went wrong, or None (``outcomes`` counts the codes)."""
    sb.fuzz_calls = getattr(sb, "fuzz_calls", 0) + 1
    if sb.fuzz_calls % 100 == 0:  # a fuzzed call may have moved the clock years on: start afresh
        prepare(sb)
    elif sb.fuzz_calls % 20 == 0:
        relogin(sb)
    before, lines = digest(sb), audit_count(sb)
    try:
        result = sb.execute(actor, action, data)
    except Exception as exc:  # the crash this run looks for
        return f"crash {type(exc).__name__}: {str(exc)[:300]}\n{''.join(traceback.format_exc(limit=-4))}"
    if outcomes is not None:
        key = "ok" if result.ok else str(result.error)
        outcomes[key] = outcomes.get(key, 0) + 1
    if audit_count(sb) != lines + 1:
        return "the call left no audit line"
    if result.ok:
        return None
    if not result.error or not THAI.search(result.message_th) or not result.message_en:
        return f"refused without a code or a Thai message: {result.error!r} {result.message_th[:200]!r}"
    if "Traceback" in result.message_th + result.message_en:
        return "a traceback in the message"
    if result.error == "invalid_input" and not result.field:
        return "invalid_input without the field"
    after = digest(sb)
    changed = {t for t in before if before[t] != after[t]}
    if changed:
        return f"refused ({result.error}) but changed {sorted(changed)}"
    return None


def describe(actor, action, data) -> str:
    def short(v):
        text = repr(v)
        return text if len(text) < 160 else text[:150] + f"… ({len(text)} chars)"

    return f"execute({short(actor)}, {short(action)}, {short(data)})"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=2000)
    parser.add_argument("--db", help="SQLite file or database URL (default: a temporary SQLite file)")
    parser.add_argument("--seed", type=int, default=2566)
    args = parser.parse_args(argv)
    from hypothesis import HealthCheck, given, settings
    from hypothesis import seed as hseed

    tmp = tempfile.TemporaryDirectory(prefix="gfmis-fuzz-")
    sb = Sandbox(args.db or str(Path(tmp.name) / "fuzz.sqlite"))
    prepare(sb)
    tried, crashes, kinds, outcomes = 0, [], {}, {}
    started = time.perf_counter()

    @hseed(args.seed)
    @settings(max_examples=args.examples, deadline=None, database=None, derandomize=False,
              suppress_health_check=list(HealthCheck))
    @given(calls)
    def run(call):
        nonlocal tried
        tried += 1
        problem = check_call(sb, *call, outcomes=outcomes)
        if problem:
            kind = re.sub(r"'[^' ]*'|\\[ux][0-9a-fA-F]+|\d+", "…", problem.splitlines()[0])[:120]  # one kind whatever the value
            kinds[kind] = kinds.get(kind, 0) + 1
            crashes.append((describe(*call), problem))

    try:
        run()
    finally:
        sb.close()
        tmp.cleanup()
    seconds = time.perf_counter() - started
    for call, problem in crashes[:30]:
        print(f"CRASH {call}\n  {problem.strip()[:2000]}")
    print(f"{tried} inputs tried in {seconds:.0f} s, {len(crashes)} crashes of {len(kinds)} kinds")
    print("outcomes: " + ", ".join(f"{k} {n}" for k, n in sorted(outcomes.items(), key=lambda kv: -kv[1])))
    for kind, n in sorted(kinds.items(), key=lambda kv: -kv[1]):
        print(f"  {n:5d}  {kind}")
    return 1 if crashes else 0


if __name__ == "__main__":
    raise SystemExit(main())

