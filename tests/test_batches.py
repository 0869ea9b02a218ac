"""``execute_many`` is only a faster way to run commands: random command sequences give the same
results and leave the same rows whether they run one by one or in batches (hypothesis).

Batches keep objects in memory and write them behind the commands (identity map, prefetch,
write-behind); this is the test that a refusal in the middle of a batch, a logout and login,
a clock move with its lapse sweep, or a withdrawal requested twice against the same document
inside one batch behave exactly as they do alone.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from sandbox.adapters import orm
from sandbox.domain import auth
from sandbox.engine import Sandbox
from sandbox.service import dispatch
from sandbox.service.handlers import set_based, set_runs

from .conftest import LINE, PASSWORD, reserve_data

START = "2023-09-04T09:00:00+07:00"
ACTORS = ("rec1", "appr1", "pay1", "appr_c", "cgd1", "trainer")
# Within the passwords' three months; across the September deadline and the fiscal year's end.
CLOCK = ["2023-09-04T13:00:00+07:00", "2023-09-29T15:00:00+07:00", "2023-10-02T09:00:00+07:00",
         "2023-11-01T09:00:00+07:00"]


def doc_no(kind: str, n: int) -> str:
    return f"{kind}{n:08d}"


amounts = st.sampled_from([100, 2_500.5, 40_000, 90_000, 250_000])
docs = st.builds(doc_no, st.sampled_from(["CX", "CK", "PO"]), st.sampled_from([1, 1, 2, 3]))  # 1 exists from the start
requests = st.integers(1, 2).map(lambda n: f"WR{n:08d}")
LOGINS = [(u, "auth.login", {"method": "soft_token", "password": PASSWORD, "otp": "auto"}) for u in ACTORS]


def _create(kind: str, amount) -> list:
    return [("rec1", "reserve.create", reserve_data(kind, amount, "batch", "งานก่อสร้าง"))]


def one(actor, action, **data) -> list:
    return [(actor, action, data)]


# Blocks of commands, as a trainee would do them (so that deep paths are reached), flattened.
block = st.one_of(
    st.lists(st.builds(_create, st.sampled_from(["CX", "CK", "PO"]), amounts), min_size=1, max_size=3)
    .map(lambda blocks: [c for b in blocks for c in b]),
    st.builds(lambda d, depth: [("rec1", "round.list", {"docs": [d]}), ("appr_c", "round.confirm", {"docs": [d]}),
                                ("cgd1", "round.approve", {"docs": [d]})][:depth], docs, st.integers(1, 3)),
    st.builds(lambda d, a, r: [("rec1", "withdrawal.request", {"doc": d, "amount": a}),
                               ("appr1", "withdrawal.approve", {"request": r}),
                               ("pay1", "payment.approve", {"request": r})], docs, amounts, requests),
    st.builds(lambda d, a: one("rec1", "withdrawal.request", doc=d, amount=a), docs, amounts),
    st.builds(lambda d, a, b: [("rec1", "withdrawal.request", {"doc": d, "amount": a}),
                               ("rec1", "withdrawal.request", {"doc": d, "amount": b})],
              docs, st.sampled_from([90_000, 250_000]), st.sampled_from([90_000, 250_000])),
    st.builds(lambda r: one("pay1", "payment.approve", request=r), requests),
    st.builds(lambda d: one("rec1", "reserve.edit", doc=d, contracts=[{"line": 1, "creditor": "บริษัท ก"}]), docs),
    st.builds(lambda d: one("rec1", "reserve.cancel", doc=d, reason="batch"), docs),
    st.builds(lambda d: one("rec1", "reserve.convert_to_po", doc=d, contract_no="2/2566"), docs),
    st.builds(lambda ds: one("rec1", "round.list", docs=ds), st.lists(docs, min_size=1, max_size=3, unique=True)),
    st.builds(lambda d: one("rec1", "round.list_cancel", docs=[d]), docs),
    st.builds(lambda d: one("cgd1", "round.reject", docs=[d], reason="batch"), docs),
    st.builds(lambda u: [(u, "auth.logout", {}), (u, "auth.login", {"method": "password", "password": PASSWORD})],
              st.sampled_from(ACTORS)),
    st.builds(lambda u: one(u, "auth.logout"), st.sampled_from(ACTORS)),
    st.builds(lambda u: one(u, "auth.login", method="password", password="wrong"), st.sampled_from(ACTORS)),
    st.builds(lambda t: [("trainer", "clock.advance", {"to": t}), *LOGINS], st.sampled_from(CLOCK)),
    st.just(one("rec1", "reserve.search", doc_type="CX")),
)
# Something to work on from the start: a document of each type.
FIRST = [c for kind in ("CX", "CK", "PO") for c in _create(kind, 300_000)]
command_lists = st.lists(block, min_size=3, max_size=16).map(lambda blocks: FIRST + [c for b in blocks for c in b])


# Always tried, besides the random sequences:
TWO_REQUESTS = FIRST + [  # the second must see the first, whose row is not written yet
    ("rec1", "withdrawal.request", {"doc": "CX00000001", "amount": 250_000}),
    ("rec1", "withdrawal.request", {"doc": "CX00000001", "amount": 90_000}),
    ("rec1", "withdrawal.request", {"doc": "CX00000001", "amount": 50_000}),
]
REFUSED_IN_THE_MIDDLE = FIRST + [  # a refusal between commands that change the same objects
    ("rec1", "reserve.create", {**LINE, "doc_type": "CK", "reason": "CK05", "amount": 1, "text": "x"}),
    ("rec1", "reserve.create", {**LINE, "doc_type": "CK", "reason": "CK99", "amount": 1, "text": "x"}),
    ("rec1", "round.list", {"docs": ["CK00000001", "CK00000002"]}),
    ("rec1", "round.list", {"docs": ["CK00000001"]}),
    ("rec1", "auth.logout", {}), ("rec1", "auth.login", {"method": "password", "password": PASSWORD}),
    ("rec1", "round.list_cancel", {"docs": ["CK00000002"]}),
    ("rec1", "reserve.cancel", {"doc": "CK00000002", "reason": "x"}),
    ("rec1", "reserve.create", {**LINE, "doc_type": "CK", "reason": "CK05", "amount": 2, "text": "x"}),
]
ACROSS_THE_YEAR_END = FIRST + [  # the lapse sweep runs between commands of one batch
    ("rec1", "withdrawal.request", {"doc": "CK00000001", "amount": 1_000}),
    ("appr1", "withdrawal.approve", {"request": "WR00000001"}),
    ("trainer", "clock.advance", {"to": "2023-10-02T09:00:00+07:00"}), *LOGINS,
    ("pay1", "payment.approve", {"request": "WR00000001"}),
    ("rec1", "withdrawal.request", {"doc": "CX00000001", "amount": 1_000}),
]
ROUND_STEPS_REFUSED = FIRST + [  # set-based round steps: one refused document refuses the step
    *_create("CK", 1_000), *_create("CX", 2_000),
    ("rec1", "round.list", {"docs": ["CX00000001", "CK00000001", "CX00000009"]}),  # no such document
    ("rec1", "round.list", {"docs": ["CX00000001", "PO00000001"]}),  # a PO is not Listed in September
    ("rec1", "round.list", {"docs": ["CX00000001", "CK00000001", "CK00000002", "CX00000002"]}),
    ("rec1", "round.list", {"docs": ["CK00000001"]}),  # Listed already
    ("rec1", "round.list_cancel", {"docs": ["CK00000002", "CX00000002", "CK00000002"]}),  # twice in one step
    ("rec1", "round.list_cancel", {"docs": ["CK00000002"]}),
    ("appr1", "round.confirm", {"docs": ["CX00000001", "CK00000001"]}),  # not the owning unit
    ("appr_c", "round.confirm", {"docs": ["CX00000001", "CK00000001", "CX00000001"]}),  # twice in one step
    ("appr_c", "round.confirm", {"docs": ["CX00000001", "CX00000002"]}),
    ("cgd1", "round.approve", {"docs": ["CX00000001", "CK00000001"]}),  # CK00000001 is not Confirmed
    ("appr_c", "round.confirm", {"docs": ["CK00000001"]}),
    ("rec1", "reserve.cancel", {"doc": "CK00000002", "reason": "x"}),
    ("rec1", "round.list", {"docs": ["CK00000002"]}),  # cancelled: closed
    ("cgd1", "round.approve", {"docs": ["CX00000001", "CK00000001", "CX00000002"]}),
    ("rec1", "withdrawal.request", {"doc": "CX00000001", "amount": 1_000}),
    ("cgd1", "round.approve", {"docs": ["CX00000001"]}),  # approved already
    ("trainer", "clock.advance", {"to": "2023-10-02T09:00:00+07:00"}), *LOGINS,
    ("rec1", "round.list", {"docs": ["CX00000001"]}),  # the September round is over
]

# A spending step loads a document without its contract lines; a later command of the batch
# that reads or changes them gets them (and its snapshot learns them).
CONTRACTS_AFTER_SPENDING = FIRST + [
    ("rec1", "withdrawal.request", {"doc": "CX00000001", "amount": 1_000}),
    ("rec1", "withdrawal.request", {"doc": "PO00000001", "amount": 1_000}),
    ("rec1", "reserve.edit", {"doc": "CX00000001", "contracts": [{"line": 1, "creditor": "บริษัท ก"}]}),
    ("rec1", "reserve.edit", {"doc": "CX00000001", "contracts": [{"item": "งานใหม่"}]}),
    ("appr1", "withdrawal.approve", {"request": "WR00000001"}),
    ("rec1", "reserve.convert_to_po", {"doc": "CX00000001", "contract_no": "2/2566"}),
    ("rec1", "reserve.edit", {"doc": "PO00000001", "contracts": [{"line": 1, "creditor": "บริษัท ข"}]}),
]

# The lifecycle of the benchmark, several documents at a time, all passing …
LIFECYCLE = FIRST + [
    *_create("CK", 1_000), *_create("CX", 2_000), *_create("CK", 3_000),
    ("rec1", "round.list", {"docs": ["CK00000002", "CX00000002", "CK00000003"]}),
    ("appr_c", "round.confirm", {"docs": ["CK00000002", "CX00000002", "CK00000003"]}),
    ("cgd1", "round.approve", {"docs": ["CK00000002", "CX00000002", "CK00000003"]}),
    *[("rec1", "withdrawal.request", {"doc": d, "amount": 500}) for d in ("CK00000002", "CX00000002", "CK00000003", "CK00000002")],
    *[("appr1", "withdrawal.approve", {"request": f"WR{n:08d}"}) for n in (1, 2, 3, 4)],
    *[("pay1", "payment.approve", {"request": f"WR{n:08d}"}) for n in (1, 2, 3, 4)],
]
# … and with refusals among them: a duplicate, over the remaining, the wrong status, the wrong
# person (segregation of duties: the requester approves), the wrong unit, a hostile input.
LIFECYCLE_REFUSED = LIFECYCLE[:-8] + [
    ("rec1", "withdrawal.request", {"doc": "CK00000002", "amount": 5_000}),  # more than remains
    ("rec1", "withdrawal.request", {"doc": "CX00000002", "amount": "12a"}),
    ("rec1", "withdrawal.approve", {"request": "WR00000001"}),  # the requester has no approver role
    ("appr1", "withdrawal.approve", {"request": "WR00000001"}),
    ("appr1", "withdrawal.approve", {"request": "WR00000001"}),  # approved already
    ("appr_c", "withdrawal.approve", {"request": "WR00000002"}),  # another unit's request
    ("appr1", "withdrawal.approve", {"request": "WR00000002\x00"}),
    ("pay1", "payment.approve", {"request": "WR00000003"}),  # not approved yet
    ("appr1", "withdrawal.approve", {"request": "WR00000003"}),
    ("pay1", "payment.approve", {"request": "WR00000001"}),
    ("pay1", "payment.approve", {"request": "WR00000001"}),  # paid already
    ("pay1", "payment.approve", {"request": "WR00000003"}),
    ("rec1", "reserve.create", {**LINE, "doc_type": "CK", "reason": "CK05", "amount": 900_000_000_000, "text": "x"}),  # over budget
    ("rec1", "reserve.create", {**LINE, "doc_type": "CK", "reason": "CK05", "amount": 1, "text": "x"}),
    ("pay1", "reserve.create", {**LINE, "doc_type": "CK", "reason": "CK05", "amount": 1, "text": "x"}),  # not a recorder
]

# Made afresh by every world load (random, or the next value of a PostgreSQL sequence), so not
# comparable between two loads; documents keep their line's codes in their own columns.
RANDOM_PER_LOAD = {"password_hash", "totp_secret", "budget_line_id"}


def dump(sb: Sandbox) -> dict:
    """Every row of every table, without database-made ids, in a stable order."""
    out = {}
    with sb.engine.connect() as conn:
        for table in orm.metadata.sorted_tables:
            cols = [c for c in table.columns if c.name not in RANDOM_PER_LOAD and not (table.name in AUTO_ID and c.name == "id")]
            rows = conn.execute(select(*cols)).all()
            out[table.name] = sorted(tuple(map(repr, r)) for r in rows)
    return out


AUTO_ID = {t.name for t in orm.metadata.sorted_tables if "id" in t.c and t.c.id.autoincrement is True}


def results(rs) -> list:
    return [(r.actor, r.action, r.ok, r.error, r.data) for r in rs]


def run(sb: Sandbox, commands: list, cuts: list[int] | None) -> tuple[list, dict]:
    sb.load_world("demo", START)
    assert all(r.ok for r in sb.execute_many(LOGINS))
    if cuts is None:
        out = [sb.execute(*cmd) for cmd in commands]
    else:
        out, start = [], 0
        for end in [*sorted(set(cuts)), len(commands)]:
            out += sb.execute_many(commands[start:end])
            start = end
    return results(out), dump(sb)


@pytest.mark.parametrize("store", ["sqlite", "postgresql"])
def test_batches_change_nothing_but_speed(store, tmp_path, request, monkeypatch):
    monkeypatch.setattr(auth, "SCRYPT_N", 2**8)  # password hashing has its own tests; keep examples quick
    url = str(tmp_path / "batches.sqlite") if store == "sqlite" else request.getfixturevalue("pg_url")
    sb = Sandbox(url)

    @settings(max_examples=40 if store == "sqlite" else 10, deadline=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(commands=command_lists, cuts=st.lists(st.integers(0, 40), max_size=3), limit=st.sampled_from([6, 10_000]),
           set_from=st.sampled_from([1, 10_000]), defer_from=st.sampled_from([1, 10_000]))
    @example(commands=TWO_REQUESTS, cuts=[], limit=10_000, set_from=10_000, defer_from=1)
    @example(commands=REFUSED_IN_THE_MIDDLE, cuts=[], limit=10_000, set_from=10_000, defer_from=1)
    @example(commands=REFUSED_IN_THE_MIDDLE, cuts=[], limit=6, set_from=1, defer_from=10_000)
    @example(commands=ACROSS_THE_YEAR_END, cuts=[], limit=10_000, set_from=10_000, defer_from=1)
    @example(commands=ACROSS_THE_YEAR_END, cuts=[], limit=6, set_from=10_000, defer_from=1)
    @example(commands=ROUND_STEPS_REFUSED, cuts=[], limit=10_000, set_from=1, defer_from=10_000)
    @example(commands=ROUND_STEPS_REFUSED, cuts=[9, 14], limit=6, set_from=1, defer_from=1)
    @example(commands=CONTRACTS_AFTER_SPENDING, cuts=[], limit=10_000, set_from=10_000, defer_from=1)
    @example(commands=CONTRACTS_AFTER_SPENDING, cuts=[2], limit=10_000, set_from=10_000, defer_from=10_000)
    @example(commands=LIFECYCLE, cuts=[], limit=10_000, set_from=1, defer_from=1)
    @example(commands=LIFECYCLE, cuts=[7], limit=6, set_from=1, defer_from=1)
    @example(commands=LIFECYCLE_REFUSED, cuts=[], limit=10_000, set_from=1, defer_from=10_000)
    @example(commands=LIFECYCLE_REFUSED, cuts=[], limit=10_000, set_from=1, defer_from=1)
    @example(commands=TWO_REQUESTS, cuts=[], limit=6, set_from=1, defer_from=1)
    @example(commands=ACROSS_THE_YEAR_END, cuts=[], limit=10_000, set_from=1, defer_from=1)
    def same(commands, cuts, limit, set_from, defer_from):
        # One by one, every round step goes through the identity map (the object path).
        with monkeypatch.context() as patch:
            patch.setattr(set_based, "SET_BASED_FROM", 10_000)
            alone, rows_alone = run(sb, commands, None)
        # A small limit makes a batch write out and drop its objects between commands; a
        # ``set_from`` of 1 sends every round step, and in a deferred batch every run of new
        # documents or of one spending step, down the set-based path; a ``defer_from`` of 1
        # settles every batch once, at its write (a batch with a refusal then runs again).
        with monkeypatch.context() as patch:
            patch.setattr(dispatch, "MAP_LIMIT", limit)
            patch.setattr(dispatch, "DEFER_FROM", defer_from)
            patch.setattr(set_based, "SET_BASED_FROM", set_from)
            patch.setattr(set_runs, "SET_RUN_FROM", set_from)
            batched, rows_batched = run(sb, commands, [c for c in cuts if c < len(commands)])
        assert batched == alone
        for _, action, ok, error, _ in alone:
            event(f"{action} {'ok' if ok else error}")
        for table in rows_alone:
            assert rows_batched[table] == rows_alone[table], table

    try:
        same()
    finally:
        sb.close()


@pytest.mark.parametrize("store", ["sqlite", "postgresql"])
def test_lifecycle_examples(store, tmp_path, request, monkeypatch):
    """The lifecycle examples above are what they say: all pass, or these refusals."""
    monkeypatch.setattr(auth, "SCRYPT_N", 2**8)
    url = str(tmp_path / "o.sqlite") if store == "sqlite" else request.getfixturevalue("pg_url")
    sb = Sandbox(url)
    try:
        passed, _ = run(sb, LIFECYCLE, [])
        assert all(ok for _, _, ok, _, _ in passed)
        refused, _ = run(sb, LIFECYCLE_REFUSED, [])
        errors = [error for _, _, ok, error, _ in refused[len(LIFECYCLE) - 8:]]
        assert errors == [
            "exceeds_remaining", "invalid_amount", "not_authorized", None, "wrong_request_status", "not_authorized",
            "invalid_input", "wrong_request_status", None, None, "wrong_request_status", None,
            "insufficient_budget", None, "not_authorized",
        ]
    finally:
        sb.close()


@pytest.mark.parametrize("store", ["sqlite", "postgresql"])
def test_a_batch_settles_once_and_runs_again_after_a_refusal(store, tmp_path, request, monkeypatch):
    """A big batch first runs with its settling deferred; only a refusal in it makes it run the
    usual way, from scratch (the results and rows are the one-by-one ones: the test above)."""
    monkeypatch.setattr(auth, "SCRYPT_N", 2**8)
    url = str(tmp_path / "d.sqlite") if store == "sqlite" else request.getfixturevalue("pg_url")
    ways: list[bool] = []
    batch = dispatch.Dispatcher._batch

    def spy(self, uow, commands, deferred=False):
        ways.append(deferred)
        return batch(self, uow, commands, deferred)

    monkeypatch.setattr(dispatch.Dispatcher, "_batch", spy)
    monkeypatch.setattr(dispatch, "DEFER_FROM", 4)
    sb = Sandbox(url)
    try:
        sb.load_world("demo", START)
        ways.clear()
        assert all(r.ok for r in sb.execute_many(LOGINS))
        assert ways == ([True] if len(LOGINS) >= 4 else [False])
        ways.clear()
        assert all(r.ok for r in sb.execute_many(LIFECYCLE))
        assert ways == [True]
        ways.clear()
        sb.load_world("demo", START)
        sb.execute_many(LOGINS)
        ways.clear()
        out = sb.execute_many(LIFECYCLE_REFUSED)
        assert not all(r.ok for r in out)
        assert ways == [True, False]
    finally:
        sb.close()


@pytest.mark.parametrize("store", ["sqlite", "postgresql"])
def test_runs_of_one_action_go_set_based(store, tmp_path, request, monkeypatch):
    """A deferred batch's runs of one action (new documents, spending steps) take the set-based
    path, and a command it would refuse sends the batch back to the usual way (same results and
    rows as one by one: the property test above)."""
    monkeypatch.setattr(auth, "SCRYPT_N", 2**8)
    url = str(tmp_path / "s.sqlite") if store == "sqlite" else request.getfixturevalue("pg_url")
    taken: list[str] = []
    run_set = set_runs.run

    def spy(repo, now, policy, commands):
        out = run_set(repo, now, policy, commands)
        taken.append(commands[0][1])
        return out

    monkeypatch.setattr(set_runs, "run", spy)
    monkeypatch.setattr(set_runs, "SET_RUN_FROM", 3)
    monkeypatch.setattr(dispatch, "DEFER_FROM", 4)
    sb = Sandbox(url)
    try:
        out, _ = run(sb, LIFECYCLE, [])
        assert all(ok for _, _, ok, _, _ in out)
        assert taken == ["reserve.create", "withdrawal.request", "withdrawal.approve", "payment.approve"]
        assert str(sb.document("CK00000002")["remaining"]) == "0.00"  # two requests of 500 on 1,000
        assert str(sb.document("CK00000003")["remaining"]) == "2500.00"
        taken.clear()
        refused, _ = run(sb, LIFECYCLE_REFUSED, [])
        # The first attempt's run of new documents passed, its run of requests gave up at a
        # refusal; the second attempt ran the usual way.
        assert taken == ["reserve.create"]
        assert [error for _, _, ok, error, _ in refused if not ok][:3] == ["exceeds_remaining", "invalid_amount", "not_authorized"]
    finally:
        sb.close()
