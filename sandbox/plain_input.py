"""The command parser's fast path for plain inputs (``commands.parse_command``).

Most commands of a big batch are plain: every field a short printable text, a number or None,
and a new document's contract lines texts. For those the command's own validators
(``Command._codes_as_text``, ``Command._bounded_amount``, ``Contract._text``) are applied here
directly and the command is built with ``model_construct``, without pydantic's validation
machinery (a third of a command's parsing). Anything else, and any value a check refuses,
gives ``None``: the caller then runs ``model_validate``, so every refusal is exactly pydantic's.
``tests/test_plain_input.py`` checks that both paths build equal commands.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel
from pydantic_core import PydanticCustomError

from . import limits

_PLAIN_VALIDATORS = {"_codes_as_text", "_bounded_amount"}
_CONTRACT_FIELDS = ("contract_no", "lc_no", "lao_name", "item", "creditor", "signed", "due")
_SCALARS = (str, int, float, type(None))
_OPTIONAL_TEXT = str | None
_AMOUNT_INT = 10**12
assert _AMOUNT_INT - 1 <= limits.MAX_AMOUNT


def _field_kind(annotation, contract: type[BaseModel]) -> str | None:
    if annotation is str:
        return "str"
    if annotation == _OPTIONAL_TEXT:
        return "opt"
    if annotation is Any:
        return "any"
    if annotation == list[contract]:
        return "contracts"
    return None


def fast_fields(classes, contract: type[BaseModel]) -> dict[type, tuple]:
    """Command class → (field name → kind, the contract line's constructor, required fields, the
    command's constructor, field name → longest text), for every
    class whose only validators are the plain ones and whose fields are all of a kind this
    path builds."""
    out = {}
    for cls in classes:
        if set(cls.__pydantic_decorators__.field_validators) != _PLAIN_VALIDATORS:
            continue
        kinds = {name: _field_kind(f.annotation, contract) for name, f in cls.model_fields.items()}
        if None in kinds.values() or "remaining" in kinds:
            continue
        required = frozenset(name for name, f in cls.model_fields.items() if f.is_required())
        lengths = {name: limits.FIELD_LENGTH.get(name, limits.MAX_NAME) for name in kinds}
        out[cls] = (kinds, constructor(contract), required, constructor(cls), lengths)
    return out


_set = object.__setattr__


def constructor(cls: type[BaseModel]):
    """``cls.model_construct`` for values of its own fields, without its per-field look-ups:
    the same ``__dict__`` (fields in order, defaults where not given, a fresh copy of a list
    default), fields set and extras."""
    fields = cls.model_fields
    if cls.__pydantic_post_init__ or cls.__pydantic_root_model__ or cls.model_config.get("extra") == "allow" or any(
            f.alias or f.validation_alias or f.default_factory for f in fields.values()):
        return cls.model_construct
    defaults = {name: f.default for name, f in fields.items() if not f.is_required()}
    if any(type(v) not in (str, type(None)) and v != [] for v in defaults.values()):
        return cls.model_construct  # (only immutable defaults are shared; an empty list is made afresh)
    lists = tuple(name for name, v in defaults.items() if v == [])
    # Every field in order (a required one as None, until given): a merge with the given values
    # keeps this order, so the merged dict is the ``__dict__`` itself.
    template = {name: defaults.get(name) for name in fields}
    required = frozenset(fields) - defaults.keys()
    names = frozenset(fields)

    def construct(**values):
        given = set(values)
        if not given <= names or not required <= given:  # (sets: no set built from a dict)
            return cls.model_construct(**values)
        merged = {**template, **values}
        for name in lists:
            if name not in given:
                merged[name] = []
        obj = cls.__new__(cls)
        _set(obj, "__dict__", merged)
        _set(obj, "__pydantic_fields_set__", given)
        _set(obj, "__pydantic_extra__", None)
        _set(obj, "__pydantic_private__", None)
        return obj

    return construct


def _plain_text(name: str, value: str) -> bool:
    """``limits.check_text`` passes it (printable: no NUL, surrogate or control character)."""
    return len(value) <= limits.FIELD_LENGTH.get(name, limits.MAX_NAME) and value.isprintable()


def parse(cls, fast: tuple, data: dict):
    """The command, or None when the input is not plain or a check refuses it."""
    kinds, contract, required, construct, lengths = fast
    if not data.keys() >= required:  # (a view: no set built from the dict)
        return None
    values = {}
    try:
        for name, value in data.items():
            kind = kinds.get(name)
            if kind is None:
                return None  # an unknown field: pydantic names it
            if kind == "contracts":
                value = _contracts(value, contract)
                if value is None:
                    return None
                values[name] = value
                continue
            vtype = type(value)
            if vtype is str:
                if len(value) > lengths[name] or not value.isprintable():  # (``_plain_text``)
                    limits.check_field(name, value)
            elif kind == "any" and vtype in _SCALARS:
                limits.check_field(name, value)
            elif not (kind == "opt" and value is None):
                return None
            if name == "amount" and not (vtype is int and -_AMOUNT_INT < value < _AMOUNT_INT):
                limits.check_amount(value)  # (a whole number of fewer than 13 digits is within MAX_AMOUNT)
            values[name] = str(value) if vtype is int else value
    except PydanticCustomError:
        return None
    return construct(**values)


def _contracts(value, contract) -> list | None:
    """Contract lines of texts (or None) only: ``Contract._text`` and ``_scalar`` keep them as
    they are; a line number, a date or anything else goes through pydantic."""
    if type(value) is not list or len(value) > limits.MAX_CONTRACTS:
        return None
    out = []
    for item in value:
        if type(item) is not dict:
            return None
        for name, text in item.items():
            if name not in _CONTRACT_FIELDS:
                return None
            if text is not None and (type(text) is not str or not _plain_text(name, text)):
                return None
        out.append(contract(**item))
    return out
