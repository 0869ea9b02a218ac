"""Plain Thai and English sentences for scenario steps: what the person does, or what is checked.
Guided mode shows them for a step whose file gives no title (a trainer's quick draft)."""

from __future__ import annotations

from typing import Any

from .i18n import catalogue, field_name, value_name


def _pair(section: str, key: str) -> tuple[str, str] | None:
    entry = catalogue().get(section, {}).get(key)
    return None if entry is None else (entry["th"], entry["en"])


class _Blank(dict):
    def __missing__(self, key):
        return ""


def describe(step: dict[str, Any], *, reveal: bool = True) -> tuple[str, str]:
    """(Thai, English) for one step of a scenario file (as loaded from YAML); ``reveal=False``
    leaves out the refusal the step expects (a test must not give the answer away)."""
    if step.get("check") is not None:
        check = dict(step["check"])
        shown = [k for k in check if k not in ("doc", "user", "unit", "budget_line")]
        what = {lang: ", ".join(f"{field_name(k, lang)} = {value_name(k, check[k], lang)}" for k in shown) for lang in ("th", "en")}
        key = next((k for k in ("doc", "user", "unit") if k in check), "budget_line")
        th, en = _pair("describe_checks", key)
        return th.format(id=check.get(key), what=what["th"]), en.format(id=check.get(key), what=what["en"])
    action = step.get("action", "")
    inputs = dict(step.get("input") or {})
    values = _Blank({k: v for k, v in inputs.items()})
    values["actor"] = step.get("actor", "")
    if isinstance(inputs.get("docs"), list):
        values["docs"] = ", ".join(map(str, inputs["docs"]))
    if "amount" in inputs:
        try:
            values["amount"] = f"{float(inputs['amount']):,.2f}"
        except (TypeError, ValueError):
            values["amount"] = str(inputs["amount"])
    th_tmpl, en_tmpl = _pair("describe_actions", action) or (action, action)
    th_values, en_values = _Blank(values), _Blank(values)
    method = _pair("describe_methods", inputs.get("method", "soft_token")) or ("", "")
    th_values["method"], en_values["method"] = method
    th = " ".join(th_tmpl.format_map(th_values).replace("()", "").split())
    en = " ".join(en_tmpl.format_map(en_values).replace("()", "").split())
    error = (step.get("expect") or {}).get("error")
    if error and reveal:
        th_more, en_more = _pair("describe_checks", "must_refuse")
        th += th_more.format(error=error)
        en += en_more.format(error=error)
    return th, en
