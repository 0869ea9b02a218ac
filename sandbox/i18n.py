"""The one text catalogue (``catalogue/*.yaml``, merged section by section): Thai first, English alongside."""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from typing import Any

import yaml

LANGS = ("th", "en")
# libyaml's loader when PyYAML has it: the same data, read 8x faster (every page reads the catalogue first)
LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@lru_cache(maxsize=1)
def catalogue() -> dict[str, Any]:
    """Every ``catalogue/*.yaml`` file, in name order, merged section by section; a key defined
    twice is an error (one text, one place)."""
    merged: dict[str, Any] = {}
    folder = resources.files("sandbox").joinpath("catalogue")
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".yaml"):
            continue
        for section, entries in (yaml.load(entry.read_text("utf-8"), Loader=LOADER) or {}).items():
            target = merged.setdefault(section, {})
            if not isinstance(entries, dict):
                if section in merged and target:
                    raise ValueError(f"catalogue section {section!r} defined twice ({entry.name})")
                merged[section] = entries
                continue
            twice = set(target) & set(entries)
            if twice:
                raise ValueError(f"catalogue keys defined twice in {entry.name}: {sorted(twice)}")
            target.update(entries)
    return merged


def text(section: str, key: str, lang: str = "th") -> str:
    """A catalogue entry in ``lang``; the key itself when the catalogue has none."""
    entry = catalogue().get(section, {}).get(key)
    if entry is None:
        return key
    return entry.get(lang) or entry.get("th") or key


def label(key: str, lang: str = "th") -> str:
    return text("labels", key, lang)


def field_name(key: str, lang: str = "th") -> str:
    return text("fields", key, lang)


def source_name(key: str, lang: str = "th") -> str:
    return text("sources", key, lang)


def name(kind: str, code: str, lang: str = "th") -> str:
    """A code's name on the screens (``kind`` is a catalogue section such as ``role_names``,
    ``action_names``, ``token_states``); the code itself when the catalogue has no name for it."""
    entry = catalogue().get(kind, {}).get(code)
    if not isinstance(entry, dict):
        return code
    return entry.get(lang) or entry.get("th") or code


# Inputs and checked values that are codes, and the catalogue section that names them
VALUE_NAMES = {"roles": "role_names", "method": "method_names", "login_methods": "method_names", "apps": "app_names",
               "soft_token": "token_states", "credential": "credential_names", "identity": "identity_states"}


def value_name(key: str, value: Any, lang: str = "th") -> str:
    """A step's input or checked value as a person reads it: a Soft Token state, a credential,
    a login method or an app by its name (a list joined), anything else as it is."""
    kind = VALUE_NAMES.get(key)
    if isinstance(value, (list, tuple)):
        return ", ".join(value_name(key, v, lang) for v in value) if value else "-"
    if isinstance(value, bool):
        return label("uxs_yes" if value else "uxs_no", lang)
    if kind is None or value is None:
        return str(value)
    return name(kind, str(value), lang)
