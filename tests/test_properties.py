"""Random sequences of reserve, round, withdrawal and clock actions (hypothesis, stateful):
money is conserved on every budget line, and only the transitions of the manual [004] (docs/rules.md) ever happen."""

import datetime as dt
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule
from sqlalchemy import func, select

from sandbox.adapters import orm
from sandbox.engine import Sandbox
from sandbox.service.handlers import base

from .conftest import reserve_data

# [manual 004] (docs/rules.md): (from, to) status pairs a document may take in one action.
ALLOWED = {
    ("", "21"), ("21", ""), ("21", "31"), ("31", "21"), ("31", "50"),
    ("50", "22"), ("22", ""), ("", "22"), ("22", "32"), ("32", "22"), ("32", "40"),
}
BKK = dt.timezone(dt.timedelta(hours=7))
# The moments around which the FY2566 rules turn; the clock jumps to the next one, or moves a little.
MILESTONES = [
    dt.datetime(2023, 9, 29, 15, 0, tzinfo=BKK), dt.datetime(2023, 10, 1, 0, 0, tzinfo=BKK),
    dt.datetime(2023, 10, 2, 9, 0, tzinfo=BKK), dt.datetime(2024, 2, 1, 9, 0, tzinfo=BKK),
    dt.datetime(2024, 3, 29, 15, 0, tzinfo=BKK), dt.datetime(2024, 3, 30, 0, 0, tzinfo=BKK),
    dt.datetime(2024, 4, 2, 9, 0, tzinfo=BKK), dt.datetime(2024, 9, 30, 15, 0, tzinfo=BKK),
    dt.datetime(2024, 10, 1, 0, 0, tzinfo=BKK),
]


class ReserveLifecycle(RuleBasedStateMachine):
    @initialize()
    def start(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.sb = Sandbox(str(Path(self.tmp.name) / "p.sqlite"))
        self.sb.load_world("demo", "2023-08-28T09:00:00+07:00")
        self.docs: list[str] = []
        self.requests: list[str] = []
        self.seen = self.snapshot()
        for kind in ("CX", "CK", "PO"):  # something to work on from the first step
            self.create(kind, 250_000)

    def teardown(self):
        self.sb.close()
        self.tmp.cleanup()

    def snapshot(self) -> dict:
        with self.sb.engine.connect() as conn:
            rows = conn.execute(select(orm.reserve_docs.c.doc_no, orm.reserve_docs.c.status, orm.reserve_docs.c.closed))
            return {r.doc_no: (r.status, r.closed) for r in rows}

    def do(self, actor, action, data):
        result = self.sb.execute(actor, action, data)
        self.check_transitions()  # after every single action, not only between rules
        return result

    def pick(self, data, pool):
        return pool[data.draw(st.integers(0, len(pool) - 1))] if pool else "CX99999999"

    def pick_doc(self, data, *statuses):
        """Mostly a document the step applies to (so deep paths are reached), sometimes any."""
        fitting = [d for d, (status, closed) in self.seen.items() if status in statuses and not closed]
        if fitting and data.draw(st.integers(0, 4)):
            return self.pick(data, fitting)
        return self.pick(data, self.docs)

    @rule(kind=st.sampled_from(["CX", "CK", "PO"]), amount=st.integers(1, 900_000_00).map(lambda s: s / 100))
    def create(self, kind, amount):
        result = self.do("rec1", "reserve.create", reserve_data(kind, amount, "p", "x"))
        event(f"create {'ok' if result.ok else result.error}")
        if result.ok:
            self.docs.append(result.data["doc_no"])

    @rule(data=st.data())
    def list_docs(self, data):
        self.do("rec1", "round.list", {"docs": [self.pick_doc(data, "", "50")]})

    @rule(data=st.data())
    def list_cancel(self, data):
        self.do("rec1", "round.list_cancel", {"docs": [self.pick_doc(data, "21", "22")]})

    @rule(data=st.data())
    def confirm(self, data):
        self.do("appr_c", "round.confirm", {"docs": [self.pick_doc(data, "21", "22")]})

    @rule(data=st.data(), action=st.sampled_from(["round.approve", "round.reject", "round.cancel_confirm"]))
    def cgd_step(self, data, action):
        extra = {"reason": "p"} if action == "round.reject" else {}
        if action == "round.cancel_confirm":
            extra = {"letter_no": "1/2566", "letter_date": self.sb.now.date().isoformat()}
        self.do("cgd1", action, {"docs": [self.pick_doc(data, "31", "32")], **extra})

    @rule(data=st.data())
    def cancel(self, data):
        self.do("rec1", "reserve.cancel", {"doc": self.pick(data, self.docs), "reason": "p"})

    @rule(data=st.data())
    def convert(self, data):
        result = self.do("rec1", "reserve.convert_to_po", {"doc": self.pick(data, self.docs), "contract_no": "2/2566"})
        if result.ok:
            self.docs.append(result.data["doc_no"])

    @rule(data=st.data(), amount=st.integers(1, 500_000_00).map(lambda s: s / 100))
    def spend(self, data, amount):
        result = self.do("rec1", "withdrawal.request", {"doc": self.pick(data, self.docs), "amount": amount})
        if result.ok:
            self.requests.append(result.data["request_no"])

    @rule(data=st.data())
    def approve_and_pay(self, data):
        request = self.pick(data, self.requests)
        self.do("appr1", "withdrawal.approve", {"request": request})
        self.do("pay1", "payment.approve", {"request": request})

    @rule(move=st.sampled_from(["hour", "day", "milestone", "milestone"]))
    def advance(self, move):
        now = self.sb.now
        if move == "milestone":
            later = [m for m in MILESTONES if m > now]
            to = later[0] if later else now + dt.timedelta(days=30)
        else:
            to = now + (dt.timedelta(hours=1) if move == "hour" else dt.timedelta(days=1))
        self.sb.advance_clock(to)

    @rule(data=st.data(), depth=st.integers(1, 3))
    def work_through_a_round(self, data, depth):
        """List, Confirm and approve one document in a row, as a unit and CGD would."""
        doc = self.pick_doc(data, "", "50")
        for actor, action in [("rec1", "round.list"), ("appr_c", "round.confirm"), ("cgd1", "round.approve")][:depth]:
            if not self.do(actor, action, {"docs": [doc]}).ok:
                break

    @invariant()
    def only_spec_transitions(self):
        if hasattr(self, "sb"):
            self.check_transitions()

    def check_transitions(self):
        now = self.snapshot()
        for doc, (status, closed) in now.items():
            before = self.seen.get(doc)
            if before is None:
                assert status == "" or doc.startswith("PO"), (doc, status)
                continue
            if before[0] != status:
                assert (before[0], status) in ALLOWED, (doc, before[0], status)
                event(f"transition {before[0] or 'blank'} -> {status or 'blank'}")
            if closed and not before[1]:
                event(f"closed: {closed}")
            if before[1]:
                assert closed == before[1] and status == before[0], (doc, before, status, closed)
        self.seen = now

    @invariant()
    def money_is_conserved(self):
        if not hasattr(self, "sb"):
            return
        docs, lines, wd = orm.reserve_docs, orm.budget_lines, orm.withdrawals
        with self.sb.engine.connect() as conn:
            for line in conn.execute(select(lines)):
                available = line.allocation - line.reserved - line.disbursed - line.lapsed
                assert available >= 0 and line.reserved >= 0 and line.disbursed >= 0 and line.lapsed >= 0
                open_remaining = conn.execute(
                    select(func.coalesce(func.sum(docs.c.remaining), 0)).where(docs.c.budget_line_id == line.id, docs.c.closed == "")
                ).scalar_one()
                assert line.reserved == open_remaining
                paid = conn.execute(
                    select(func.coalesce(func.sum(wd.c.amount), 0))
                    .select_from(wd.join(docs, docs.c.doc_no == wd.c.doc_no))
                    .where(docs.c.budget_line_id == line.id, wd.c.status == "paid")
                ).scalar_one()
                assert line.disbursed == paid
            assert conn.execute(select(func.count()).where(docs.c.remaining < 0)).scalar_one() == 0
            assert conn.execute(select(func.count()).where(docs.c.closed != "", docs.c.remaining != 0)).scalar_one() == 0


@pytest.fixture(autouse=True)
def always_logged_in(monkeypatch):
    # Sessions and passwords have their own tests; here every actor is taken to be logged in so
    # that the random walk can cross months of simulated time.
    monkeypatch.setattr(base, "require_session", lambda ctx: None)


TestReserveLifecycle = ReserveLifecycle.TestCase
TestReserveLifecycle.settings = settings(
    max_examples=50, stateful_step_count=100, deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
