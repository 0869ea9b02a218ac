"""The audit line's fast path: the texts of an audit line without ``audit_row``'s copy when the
input and result are already plain JSON data within every bound (almost every command's)."""

from __future__ import annotations

import json
import json.encoder
import math

from ..audit_safe import (
    MAX_COLUMN,
    MAX_DEPTH,
    MAX_ITEMS,
    MAX_JSON,
    MAX_STRING,
    SECRET_KEYS,
    audit_row,
)

# ``audit_row`` makes any input storable (texts cut, secrets hidden, NUL and lone surrogates
# replaced) by copying it. Almost every command's input and result are already plain JSON data
# within every bound: ``_plain`` says so without copying, and the line is then the same text
# ``audit_row`` would make.
# The C encoder ``json.JSONEncoder(ensure_ascii=False).encode`` builds at every call, built once
# (no circular-reference markers: ``_plain`` bounds the depth, and an input it does not pass
# takes ``audit_row``'s way). Same text.
_encoder = json.encoder.c_make_encoder(None, None, json.encoder.c_encode_basestring, None, ": ", ", ", False, False, True) \
    if json.encoder.c_make_encoder is not None else None


def _dumps(value) -> str:
    if _encoder is None:
        return json.dumps(value, ensure_ascii=False)
    return "".join(_encoder(value, 0))


def audit_texts(actor, action, input_, result) -> tuple[str, str, str, str]:
    """What ``audit_row`` makes of an audit line, without its copy when nothing needs making safe."""
    if _plain_column(actor) and _plain_column(action) and _plain(input_, 0) and _plain(result, 0):
        input_text, result_text = _dumps(input_), _dumps(result)
        if len(input_text) <= MAX_JSON and len(result_text) <= MAX_JSON:
            return actor, action, input_text, result_text
    return audit_row(actor, action, input_, result)


def _encodes(value: str) -> bool:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate
        return False
    return True


def _clean_text(value: str, limit: int) -> bool:
    return len(value) <= limit and "\x00" not in value and (value.isascii() or _encodes(value))


def _plain_column(value) -> bool:
    if type(value) is not str:
        return False
    if value in _PLAIN_KEYS:  # (actors and actions recur: one found plain as a column is kept)
        return len(value) < MAX_COLUMN
    if not _clean_text(value, MAX_COLUMN - 1):
        return False
    if len(_PLAIN_KEYS) < _PLAIN_KEYS_KEPT and value not in SECRET_KEYS:
        _PLAIN_KEYS.add(value)
    return True


def _plain(value, depth: int) -> bool:
    """``value`` is JSON data that ``safe_value`` would give back unchanged."""
    kind = type(value)
    if kind is dict:  # (an input, a result: the common case first)
        if depth >= MAX_DEPTH or len(value) > MAX_ITEMS:
            return False
        for key, item in value.items():
            if key not in _PLAIN_KEYS:  # (found: a text, or one equal to it that is written the same)
                if type(key) is not str or len(key) > 100 or "\x00" in key or not (key.isascii() or _encodes(key)):
                    return False
                if key in SECRET_KEYS:
                    if item is not None:
                        return False
                elif len(_PLAIN_KEYS) < _PLAIN_KEYS_KEPT:
                    _PLAIN_KEYS.add(key)
            kind = type(item)
            if kind is str:  # the common cases, without a call
                if len(item) > MAX_STRING or "\x00" in item or not (item.isascii() or _encodes(item)):
                    return False
            elif kind is int:
                if not -_BIG < item < _BIG:
                    return False
            elif item is not None and kind is not bool and not _plain(item, depth + 1):
                return False
        return True
    if kind is str:
        return len(value) <= MAX_STRING and "\x00" not in value and (value.isascii() or _encodes(value))
    if kind is int:
        return -_BIG < value < _BIG
    if value is None or kind is bool:
        return True
    if kind is float:
        return math.isfinite(value)
    if depth >= MAX_DEPTH:
        return False
    if kind is list or kind is tuple:
        return len(value) <= MAX_ITEMS and all(_plain(item, depth + 1) for item in value)
    return False


_BIG = 10**18
# Texts already found plain as a key (not secret, at most 100 characters, storable): a command's
# few field names, the actors and actions, checked once instead of at every audit line. Bounded,
# as inputs may bring any key.
_PLAIN_KEYS: set[str] = set()
_PLAIN_KEYS_KEPT = 8192
assert MAX_COLUMN <= 100
