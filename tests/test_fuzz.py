"""Hostile input to ``Sandbox.execute`` over every action (hypothesis; strategies in ``bench/fuzz.py``):
lone surrogates, NUL, huge texts and lists, 1e28 / inf / nan / negative amounts, wrong types,
data that is not a mapping, unknown or missing actions, long actor ids. Each call either succeeds
or is refused with a code and a Thai message naming the field; a refused call stores nothing but
its audit line. ``python -m bench.fuzz --examples N`` is the longer run."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from hypothesis import HealthCheck, given, settings

from bench.fuzz import calls, check_call, describe, prepare
from sandbox.audit_safe import MAX_JSON, audit_row, safe_json
from sandbox.calendar import BANGKOK
from sandbox.engine import Sandbox
from sandbox.errors import Refusal, message
from sandbox.limits import check_clock_move

SETTINGS = settings(max_examples=200, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                           HealthCheck.data_too_large])


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def fuzz_sandbox(request, tmp_path_factory):
    url = str(tmp_path_factory.mktemp("fuzz") / "fuzz.sqlite") if request.param == "sqlite" else \
        request.getfixturevalue("pg_url")
    sb = Sandbox(url)
    prepare(sb)
    yield sb
    sb.close()


@SETTINGS
@given(call=calls)
def test_hostile_calls_are_answered_or_refused(fuzz_sandbox, call):
    problem = check_call(fuzz_sandbox, *call)
    assert problem is None, f"{describe(*call)}: {problem}"


@pytest.mark.parametrize(("actor", "action", "data", "field"), [
    ("rec1", "reserve.create", {"text": "a\ud800b"}, "text"),
    ("rec1", "reserve.create", {"text": "x" * 10_000_000}, "text"),
    ("rec1", "reserve.create", {"amount": 1e28}, "amount"),
    ("rec1", "reserve.create", {"amount": "1e999999999"}, "amount"),
    ("rec1", "reserve.create", {"contracts": [{"item": "x"}] * 100_000}, "contracts"),
    ("rec1", "round.list", {"docs": [f"CX{n:08d}" for n in range(10_001)]}, "docs"),
    ("rec1", "reserve.search", {"status": "nonsense"}, "status"),
    ("rec1", "reserve.search", {"fiscal_year": "two thousand"}, "fiscal_year"),
    ("rec1", "report.nfma60", {"fiscal_year": 99999}, "fiscal_year"),
    ("rec1", "reserve.create", "not a mapping", "input"),
    ("rec1", None, {}, "action"),
    ("x" * 41, "auth.logout", {}, "actor"),
    ("rec1\x00", "auth.logout", {}, "actor"),
    ("trainer", "clock.advance", {"to": "9999-12-31T23:59:59-12:00"}, "to"),
])
def test_the_issue_inputs_are_refused_by_name(db_url, actor, action, data, field):
    sb = Sandbox(db_url)
    try:
        prepare(sb)
        result = sb.execute(actor, action, data)
        assert (result.ok, result.error, result.field) == (False, "invalid_input", field), result.message_en
        assert "ไม่ถูกต้อง" in result.message_th
        line = sb.audit(limit=1)[0]
        assert (line["ok"], line["error"]) == (False, "invalid_input")
    finally:
        sb.close()


def test_the_clock_stops_a_few_years_past_the_start(db_url):
    sb = Sandbox(db_url)
    try:
        prepare(sb)
        far = sb.execute("trainer", "clock.advance", {"to": "2100-01-01T00:00:00+07:00"})
        assert (far.ok, far.error) == (False, "clock_too_far")
        assert "2028-09-04" in far.message_th
        back = sb.execute("trainer", "clock.advance", {"to": "2020-01-01T00:00:00+07:00"})
        assert back.error == "clock_backwards"
        near = sb.execute("trainer", "clock.advance", {"to": "2028-09-01T00:00:00+07:00"})
        assert near.ok, near.message_en
        assert sb.execute("rec1", "reserve.search", {}).error == "not_logged_in"  # and nothing crashes later
    finally:
        sb.close()


def test_secrets_never_reach_the_audit(sqlite_sandbox):
    prepare(sqlite_sandbox)
    sqlite_sandbox.execute("rec1", "user.change_password", {"old": "Sandbox#2566", "new": "x\ud800"})
    sqlite_sandbox.execute("rec1", "auth.login", {"method": "password", "password": "my secret", "otp": "123456"})
    for line in sqlite_sandbox.audit(limit=2):
        text = repr(line)
        assert "Sandbox#2566" not in text and "my secret" not in text and "123456" not in text
        assert line["input"].get("password", "***") == "***"


def test_an_audit_line_is_storable_bounded_and_secret_free():
    actor, action, input_json, result_json = audit_row(
        "x\ud800" * 50, ["not", "a", "name"],
        {"password": "p", "otp": "1", "new": "n", "old": "o", "text": "a\x00b\udfff" * 10_000,
         "deep": [[[[[[[[[[[["bottom"]]]]]]]]]]]], "many": list(range(10_000)), 5: float("nan"),
         "big": 10**40, "obj": object()},
        {"one_time_password": "123456", "provisioning_uri": "otpauth://x"})
    for text in (actor, action, input_json, result_json):
        text.encode("utf-8")  # no lone surrogate left
        assert "\x00" not in text
    assert len(actor) <= 40 and len(action) <= 40 and len(input_json) <= MAX_JSON + 10
    data, result = json.loads(input_json), json.loads(result_json)
    assert {data[k] for k in ("password", "otp", "new", "old")} == {"***"}
    assert set(result.values()) == {"***"}
    assert "bottom" not in input_json and len(data["many"]) == 101 and data["5"] == "nan"


def test_an_oversized_audit_line_is_still_json():
    text = safe_json({f"k{i}": "x" * 900 for i in range(100)})
    assert len(text) <= MAX_JSON and isinstance(json.loads(text), str)


def test_the_clock_rule():
    start = dt.datetime(2023, 9, 4, 9, tzinfo=BANGKOK)
    check_clock_move(start, start.replace(year=2028), start)
    check_clock_move(start, start.replace(year=2028), start.isoformat())
    with pytest.raises(Refusal) as back:
        check_clock_move(start, start.replace(year=2022), start)
    assert back.value.code == "clock_backwards"
    for far in (start.replace(year=2028, month=9, day=5), dt.datetime(9999, 12, 31, tzinfo=BANGKOK)):
        with pytest.raises(Refusal) as ahead:
            check_clock_move(start, far, start)
        assert ahead.value.code == "clock_too_far" and "5" in message(ahead.value, "th")
    check_clock_move(start, start, None)  # an old database without its start: the present counts


def test_a_batch_with_hostile_ids(db_url):
    sb = Sandbox(db_url)
    try:
        prepare(sb)
        results = sb.execute_many([("rec1", "reserve.cancel", {"doc": "CX\x00", "reason": "x"}),
                                   ("rec1", "withdrawal.approve", {"request": "\ud800"}),
                                   ("rec1", "reserve.cancel", {"doc": "x" * 100_000}),
                                   ("rec1", "reserve.search", {"doc_type": "CX"})])
        assert [r.error for r in results] == ["invalid_input", "invalid_input", "invalid_input", None]
    finally:
        sb.close()
