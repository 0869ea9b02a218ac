"""The parser's fast path for plain inputs (``sandbox/plain_input.py``) builds exactly the command
pydantic builds, and leaves every input it is not sure of (or that a check refuses) to pydantic."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sandbox import commands as c
from sandbox.errors import Refusal

FIELDS = sorted({name for cls in c.COMMANDS.values() for name in cls.model_fields} | {"bogus"})
texts = st.one_of(st.text(max_size=45), st.sampled_from(["CX00000001", "งานก่อสร้าง", "a\x00b", "\ud800", "x\ty", "1,000"]),
                  st.text(min_size=95, max_size=210))
scalars = st.one_of(texts, st.none(), st.booleans(), st.integers(-10**41, 10**41), st.sampled_from([50_000, 2_500.5]),
                    st.floats(allow_nan=True, allow_infinity=True), st.dates())
contract = st.dictionaries(st.sampled_from(["item", "creditor", "contract_no", "signed", "line", "bogus"]), scalars, max_size=3)
values = st.one_of(scalars, st.lists(contract, max_size=3), st.lists(texts, max_size=2), st.dictionaries(texts, texts, max_size=1))


def slow(action: str, data: dict):
    """What ``parse_command`` gives without its fast path."""
    cls = c.COMMANDS[action]
    saved = c._FAST_FIELDS.pop(cls, None)
    try:
        return outcome(action, data)
    finally:
        if saved is not None:
            c._FAST_FIELDS[cls] = saved


def outcome(action: str, data: dict):
    try:
        cmd = c.parse_command(action, data, "rec1")
    except Refusal as refusal:
        return ("refused", refusal.code, refusal.field, repr(refusal.params))
    return (type(cmd), cmd.model_dump(), cmd.model_fields_set, repr(cmd))


@settings(max_examples=600, deadline=None)
@given(action=st.sampled_from(sorted(c.COMMANDS)), data=st.dictionaries(st.sampled_from(FIELDS), values, max_size=5))
def test_fast_path_builds_what_pydantic_builds(action, data):
    assert outcome(action, data) == slow(action, data)


@pytest.mark.parametrize(("action", "data"), [
    ("reserve.create", {"doc_type": "CX", "reason": "CX04", "amount": 50_000, "text": "bench", "budget_code": "2000035000100000001",
                        "fund_source": 6611200, "commitment_item": "5101020000", "contracts": [{"item": "งานก่อสร้าง"}]}),
    ("withdrawal.request", {"doc": "CX00000001", "amount": 20_000}),
    ("withdrawal.request", {"doc": "CX00000001", "amount": "1e400"}),
    ("withdrawal.approve", {"request": "WR00000001"}),
    ("payment.approve", {"request": "WR00000001", "extra": 1}),
    ("auth.login", {"method": "password", "password": "x" * 129}),
    ("withdrawal.approve", {"request": "WR00000001", 1: "x"}),  # keys the parser refuses
    ("withdrawal.approve", {"request": "WR00000001", "": "x"}),
    ("withdrawal.approve", {"request": "WR00000001", "re\x00quest": "x"}),
    ("withdrawal.approve", {"request": "WR00000001", "x" * 41: "x"}),
])
def test_the_lifecycles_commands(action, data):
    assert outcome(action, data) == slow(action, data)


def test_most_random_plain_inputs_take_the_fast_path():
    """(the property above is not vacuous: plain inputs do go the fast way)"""
    built = [c.plain_input.parse(c.RequestWithdrawal, c._FAST_FIELDS[c.RequestWithdrawal], {"doc": f"CX{n:08d}", "amount": n})
             for n in range(1, 50)]
    assert all(isinstance(cmd, c.RequestWithdrawal) for cmd in built)
    create = {"doc_type": "CX", "reason": "CX04", "amount": 50_000, "text": "bench", "contracts": [{"item": "งาน"}]}
    assert isinstance(c.plain_input.parse(c.CreateReserve, c._FAST_FIELDS[c.CreateReserve], create), c.CreateReserve)


@pytest.mark.parametrize("cls", [*c.COMMANDS.values(), c.Contract])
def test_constructor_builds_what_model_construct_builds(cls):
    build = c.plain_input.constructor(cls)
    names = [n for n in cls.model_fields if cls.model_fields[n].annotation is not list]
    for fields in ({}, {n: "x" for n in names[:1]}, {n: "x" for n in names}):
        if not set(n for n, f in cls.model_fields.items() if f.is_required()).issubset(fields):
            continue
        a, b = build(**fields), cls.model_construct(**fields)
        assert (a.__dict__, a.model_fields_set, a.__pydantic_extra__, a.__pydantic_private__) == (
            b.__dict__, b.model_fields_set, b.__pydantic_extra__, b.__pydantic_private__)
        assert list(a.__dict__) == list(b.__dict__) and a == b and repr(a) == repr(b)
        for name, value in a.__dict__.items():
            if isinstance(value, list):
                assert value is not build(**fields).__dict__[name]  # a list default is never shared


@pytest.mark.parametrize("key", [1, "", "x" * 41, "a\x00", "\ud800", "doc"])
def test_a_field_name_is_checked_the_same_with_or_without_the_fast_path(key):
    """A command's own field names skip the per-key check; any other key gets it, as before."""
    for action in ("withdrawal.request", "reserve.create"):
        data = {"doc": "CX00000001", "amount": 5, key: "x"}
        assert outcome(action, data) == slow(action, data)
