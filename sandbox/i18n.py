"""The one text catalogue (``catalogue/messages.yaml``): Thai first, English alongside."""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from typing import Any

import yaml

LANGS = ("th", "en")


@lru_cache(maxsize=1)
def catalogue() -> dict[str, Any]:
    text = resources.files("sandbox").joinpath("catalogue/messages.yaml").read_text("utf-8")
    return yaml.safe_load(text)


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
