"""The audit line must be writable whatever a caller sent: ``safe_value`` turns any input into
JSON that every store accepts (no lone surrogate, no NUL), bounded in size and depth, with
secrets replaced by ``***``."""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

SECRET_KEYS = frozenset({
    "password", "old", "new", "otp", "one_time_password", "provisioning_uri", "totp_secret",
    "secret", "password_hash", "token",
})
HIDDEN = "***"
MAX_STRING = 1_000     # characters kept of one text
MAX_ITEMS = 100        # entries kept of one list or mapping
MAX_DEPTH = 8          # nesting kept
MAX_JSON = 20_000      # characters of one JSON column
MAX_COLUMN = 40        # actor and action columns


def safe_text(text: str, limit: int = MAX_STRING) -> str:
    """The text with every lone surrogate and NUL replaced (U+FFFD), cut to ``limit`` characters."""
    cut = text[:limit]
    cut = cut.encode("utf-8", "replace").decode("utf-8").replace("\x00", "\ufffd")
    return cut + ("…" if len(text) > limit else "")


def safe_value(value: Any, depth: int = 0) -> Any:
    """Any value as plain JSON data: bounded, storable, secrets hidden."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, int):
        return value if abs(value) < 10**18 else safe_text(str(value), 40)
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    if isinstance(value, str):
        return safe_text(value)
    if isinstance(value, Decimal):
        return safe_text(str(value), 40)
    if depth >= MAX_DEPTH:
        return "…"
    if isinstance(value, Mapping):
        out = {}
        for n, (key, item) in enumerate(value.items()):
            if n >= MAX_ITEMS:
                out["…"] = f"{len(value) - MAX_ITEMS} more"
                break
            name = safe_text(str(key), 100)
            out[name] = HIDDEN if str(key) in SECRET_KEYS and item is not None else safe_value(item, depth + 1)
        return out
    if isinstance(value, (list, tuple, set, frozenset)):
        items = list(value)
        out_list = [safe_value(v, depth + 1) for v in items[:MAX_ITEMS]]
        if len(items) > MAX_ITEMS:
            out_list.append(f"… {len(items) - MAX_ITEMS} more")
        return out_list
    try:
        text = str(value)
    except Exception:  # an object whose str() fails is still written down by its type
        text = type(value).__name__
    return safe_text(text)


def safe_json(value: Any) -> str:
    """``value`` as one JSON text of at most MAX_JSON characters (an over-long one is cut and
    kept as a JSON string, so the column still holds valid JSON)."""
    text = json.dumps(safe_value(value), ensure_ascii=False)
    if len(text) > MAX_JSON:
        cut = text[:MAX_JSON]
        text = json.dumps(cut + "…", ensure_ascii=False)
        while len(text) > MAX_JSON:  # escaping made it longer: cut by what is over
            cut = cut[: len(cut) - (len(text) - MAX_JSON) - 1]
            text = json.dumps(cut + "…", ensure_ascii=False)
    return text


def safe_column(value: Any) -> str:
    """Actor or action as a short storable text (the audit's columns hold 40 characters)."""
    text = value if isinstance(value, str) else repr(value)
    return safe_text(text, MAX_COLUMN - 1) if len(text) > MAX_COLUMN - 1 else safe_text(text)


def audit_row(actor: Any, action: Any, input_: Any, result: Any) -> tuple[str, str, str, str]:
    """What ``Repository.write_audit`` stores: actor, action, input JSON, result JSON."""
    return safe_column(actor), safe_column(action), safe_json(input_), safe_json(result)
