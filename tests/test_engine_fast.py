"""The engine's fast paths give exactly what the slow ones give (issue 17): the audit line
written without a copy, and instants converted once and remembered."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy.dialects import postgresql, sqlite

from sandbox.adapters import audit_line, orm
from sandbox.adapters.audit_line import audit_texts
from sandbox.audit_safe import SECRET_KEYS, audit_row

keys = st.one_of(st.sampled_from(sorted(SECRET_KEYS) + ["doc", "docs", "amount", "x" * 101]), st.text(max_size=5))
scalars = st.one_of(
    st.none(), st.booleans(), st.integers(-(10**19), 10**19), st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=8), st.sampled_from(["ไทย", "a\x00b", "\ud800", "x" * 1_000, "x" * 1_001, "ก" * 20_001]),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.tuples(inner, inner), st.dictionaries(keys, inner, max_size=4),
                            st.lists(st.integers(0, 9), min_size=99, max_size=102)),
    max_leaves=30,
)
columns = st.one_of(st.text(max_size=45), st.integers(), st.just("a\x00"))


@settings(max_examples=400, deadline=None)
@given(actor=columns, action=columns, input_=values, result=values)
def test_audit_line_is_what_audit_row_makes(actor, action, input_, result):
    assert audit_texts(actor, action, input_, result) == audit_row(actor, action, input_, result)


def test_deep_values_take_the_safe_path():
    deep: dict = {}
    for _ in range(12):
        deep = {"d": deep}
    assert audit_texts("a", "b", deep, [[[[[[[[[1]]]]]]]]]) == audit_row("a", "b", deep, [[[[[[[[[1]]]]]]]]])


BANGKOK = ZoneInfo("Asia/Bangkok")
moments = st.datetimes(min_value=dt.datetime(1900, 1, 1), max_value=dt.datetime(2200, 1, 1),
                       timezones=st.sampled_from([None, BANGKOK, dt.UTC, ZoneInfo("Europe/London")]))


@settings(max_examples=300, deadline=None)
@given(values=st.lists(moments, min_size=1, max_size=20))
def test_moments_converted_once_are_converted_right(values):
    for dialect in (sqlite.dialect(), postgresql.psycopg.dialect()):
        moment = orm.Moment().dialect_impl(dialect)  # as statements use it
        bind = moment.bind_processor(dialect)
        result = moment.result_processor(dialect, None)
        impl_bind = moment.impl.dialect_impl(dialect).bind_processor(dialect) or (lambda v: v)
        impl_result = moment.impl.dialect_impl(dialect).result_processor(dialect, None) or (lambda v: v)
        for value in values + values:  # the second time from memory
            stored = impl_bind(moment.process_bind_param(value, dialect))
            assert bind(value) == stored
            back = result(stored)
            assert back == moment.process_result_value(impl_result(stored), dialect)
            assert back.tzinfo is BANGKOK
        assert bind(None) is None and result(None) is None


def test_the_memory_of_moments_is_bounded(monkeypatch):
    monkeypatch.setattr(orm, "_REMEMBERED", 8)
    bind = orm.Moment().dialect_impl(sqlite.dialect()).bind_processor(sqlite.dialect())
    start = dt.datetime(2023, 9, 4, 9, tzinfo=BANGKOK)
    for i in range(100):
        assert bind(start + dt.timedelta(seconds=i)) == f"2023-09-04 02:00:{i % 60:02d}.000000".replace(
            "02:00:", f"02:{i // 60:02d}:")


class _Text(str):
    """A text of another type: audit_row keeps its text, so the line must be the same."""


@pytest.mark.parametrize("key", ["doc", "x" * 39, "x" * 40, "x" * 100, "ไทย" * 5])
def test_remembered_keys_and_columns_change_no_audit_line(key):
    """A key found plain is remembered (``_PLAIN_KEYS``): the lines made after that, with the
    same text as a key, as an actor or action column, as another type, and next to a secret,
    are still exactly ``audit_row``'s."""
    cases = [
        (key, "a", {key: "v"}, {}),  # remembered as a key …
        (key, key, {key: 1}, {key: None}),  # … then used as columns (too long for one past 39)
        ("a", "b", {_Text(key): "v"}, {}),
        ("a", "b", {key: "v", "password": "secret"}, {}),  # a secret next to it is still hidden
        ("a", "b", {"password": "secret"}, {"password": None}),
    ]
    for _ in range(2):  # the second time from memory
        for actor, action, input_, result in cases:
            assert audit_texts(actor, action, input_, result) == audit_row(actor, action, input_, result)
    assert "password" not in audit_line._PLAIN_KEYS


@settings(max_examples=200, deadline=None)
@given(actor=columns, action=columns, input_=values, result=values)
def test_audit_line_is_the_same_the_second_time(actor, action, input_, result):
    first = audit_texts(actor, action, input_, result)
    assert audit_texts(actor, action, input_, result) == first == audit_row(actor, action, input_, result)
