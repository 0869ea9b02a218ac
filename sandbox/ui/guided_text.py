"""What the guided panel says about a step, in the trainee's language: its title (what the trainee
does), the hint (what to do on the screen), and the feedback on an attempt (what was expected,
what happened, which rule).

Hints come from one catalogue template per action (``ux_hints``; a login also by its method and
the phone's answer), filled with the step's inputs and the screens' own button labels, so every
exercise gets the same wording and no exercise file needs a hint of its own."""

from __future__ import annotations

import re
import string
from decimal import Decimal, InvalidOperation
from typing import Any

from ..describe import describe
from ..i18n import catalogue, field_name, label, name, source_name, text

_VAR = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
# Inputs that are codes, and the catalogue section that names them on the screens
_NAMED = {"roles": "role_names", "method": "method_names", "apps": "app_names"}


def amount_text(value: Any) -> str:
    try:
        return f"{Decimal(str(value)):,.2f}"
    except (InvalidOperation, ValueError):
        return str(value)


def fill(value: Any, saved: dict[str, str], saved_by: dict[str, int], lang: str) -> Any:
    """``${name}`` filled from the saved numbers; one not saved yet (an earlier step went wrong)
    reads «the number from step N», never a literal ``${d1}``."""
    if isinstance(value, str):
        def repl(m: re.Match) -> str:
            if m.group(1) in saved:
                return saved[m.group(1)]
            return label("ux_unsaved", lang).format(step=saved_by.get(m.group(1), "?"))

        return _VAR.sub(repl, value)
    if isinstance(value, list):
        return [fill(v, saved, saved_by, lang) for v in value]
    if isinstance(value, dict):
        return {k: fill(v, saved, saved_by, lang) for k, v in value.items()}
    return value


def saved_by(steps) -> dict[str, int]:
    """Which step (1-based) saves each name."""
    return {s.save: n for n, s in enumerate(steps, start=1) if s.save}


# ------------------------------------------------------------------ the title
def step_title(step, inputs: dict, lang: str, *, reveal: bool) -> str:
    """What the trainee does in the step, from its action and inputs (the catalogue's sentence for
    the action). ``reveal=False`` (Test mode) leaves out what the system must answer."""
    data = step.model_dump(exclude_none=True)
    # codes the sentence carries (a report's round and status) by their names in ``lang``
    data["input"] = {k: _shown(k, v, lang) if k in ("round", "status") else v for k, v in inputs.items()}
    th, en = describe(data, reveal=reveal)
    return th if lang == "th" else en


def context_title(step, saved: dict, by: dict, lang: str, said: str) -> str:
    """The exercise file's own title of the step, as context (Demo and Practice): often the part of
    the exercise the step opens. Empty when it says no more than the title made from the action."""
    if step.title is None:
        return ""
    own = fill(step.title.th if lang == "th" else step.title.en, saved, by, lang).strip()
    said = said.strip()
    if step.expect is not None and step.expect.error:  # «— the system must refuse (code)»: said by name elsewhere
        suffix = text("describe_checks", "must_refuse", lang).format(error=step.expect.error).strip()
        own = own[:-len(suffix)].strip() if own.endswith(suffix) else own
    # A file written by ``scenario new`` carries the action's sentence with raw codes: no context either
    data = step.model_dump(exclude_none=True)
    data["input"] = fill(step.input, saved, by, lang)
    raw = describe(data, reveal=False)[0 if lang == "th" else 1].strip()
    # The same sentence, or it plus the answer the system must give (said by name elsewhere)
    return "" if any(own.startswith(x) or x.startswith(own) for x in (said, raw)) else own


# ------------------------------------------------------------------ the hint
class _Values(dict):
    """Template values: ``{b_<label>}`` is a screen label as the screen shows it; ``{f_<field>}``
    a field's name; any other name an input as the trainee types or picks it."""

    def __init__(self, values: dict, lang: str):
        super().__init__(values)
        self.lang = lang

    def __missing__(self, key: str) -> str:
        if key.startswith("b_"):
            return label(key[2:], self.lang)
        if key.startswith("f_"):
            return field_name(key[2:], self.lang)
        return ""


def _shown(key: str, value: Any, lang: str) -> str:
    values = value if isinstance(value, (list, tuple)) else [value]
    if key == "amount":
        return amount_text(value)
    if key in _NAMED:
        return ", ".join(name(_NAMED[key], str(v), lang) for v in values)
    if key == "round" and isinstance(value, str):
        return label(f"round_{value}", lang)
    if key == "status" and value in ("not_listed", "listed", "confirmed", "approved"):
        return label(f"group_{value}", lang)
    return ", ".join(str(v) for v in values)


def _fields(inputs: dict, lang: str, skip: tuple[str, ...] = ()) -> str:
    """``field: value`` for each input of a form, by the field's name on the screen."""
    return " · ".join(f"{field_name(k, lang)} {_shown(k, v, lang)}" for k, v in inputs.items()
                      if k not in skip and k != "contracts" and v not in (None, ""))


def _contracts(inputs: dict, lang: str) -> str:
    """The contract lines to store, one by one ("" for none)."""
    lines = " ".join(f"({n}) " + _fields(line, lang) for n, line in enumerate(inputs.get("contracts") or [], start=1))
    if not lines:
        return ""
    return string.Formatter().vformat(label("ux_hint_contracts", lang), (), _Values({"lines": lines}, lang))


def hint_key(action: str, inputs: dict) -> str:
    """The template of a step: by action; a login also by method and what the phone answers; a
    lost phone reported by CGD for a user."""
    if action == "auth.login":
        method = inputs.get("method") or "soft_token"
        if method != "soft_token":
            return f"auth.login.{method}"
        otp = str(inputs.get("otp") or "auto")
        return "auth.login.soft_token" if otp == "auto" else "auth.login.deny" if otp == "deny" else "auth.login.code"
    if action.startswith("round.") and not inputs.get("docs"):
        return f"{action}.nothing"  # the button pressed with nothing ticked
    if action == "softtoken.report_lost" and inputs.get("user"):
        return "softtoken.report_lost.cgd"
    return action


def hint(action: str, inputs: dict, lang: str) -> str:
    """What to do on the screen for a step, in ``lang``."""
    values = {k: _shown(k, v, lang) for k, v in inputs.items() if k != "contracts"}
    values["fields"] = _fields(inputs, lang, skip=("doc_type", "reason"))
    values["filters"] = _fields(inputs, lang)
    values["contracts"] = _contracts(inputs, lang)
    template = text("ux_hints", hint_key(action, inputs), lang)
    out = string.Formatter().vformat(template, (), _Values(values, lang))
    return " ".join(out.split())


# ------------------------------------------------------------------ the feedback
def _status(value: Any, lang: str) -> str:
    return label("status_blank" if str(value) == "" else f"status_{value}", lang)


def expected_lines(expect, lang: str) -> list[str]:
    """What the step wanted, in words."""
    tr = lambda key, **v: label(key, lang).format(**v)  # noqa: E731
    want_ok = expect.ok if expect.ok is not None else expect.error is None
    lines = []
    if expect.error:
        lines.append(tr("ux_fb_want_error", error=name("error_names", expect.error, lang)))
    else:
        lines.append(tr("ux_fb_want_ok" if want_ok else "ux_fb_want_refusal"))
    if expect.doc_no is not None:
        lines.append(tr("ux_fb_want_doc_no", doc=expect.doc_no))
    if expect.status is not None:
        lines.append(tr("ux_fb_want_status", status=_status(expect.status, lang)))
    if expect.remaining is not None:
        lines.append(tr("ux_fb_want_remaining", amount=amount_text(expect.remaining)))
    if expect.rows is not None:
        lines.append(tr("ux_fb_want_rows", rows=expect.rows))
    for column, total in (expect.sum or {}).items():
        lines.append(tr("ux_fb_want_sum", column=label(f"ux_col_{column}", lang), amount=amount_text(total)))
    return lines


def happened_lines(expect, result, doc: dict | None, lang: str) -> list[str]:
    """What came of the attempt, in words."""
    tr = lambda key, **v: label(key, lang).format(**v)  # noqa: E731
    if not result.ok:
        return [tr("ux_fb_got_refusal", message=result.message(lang))]
    lines = [tr("ux_fb_got_ok")]
    if expect.doc_no is not None and result.data.get("doc_no"):
        lines.append(tr("ux_fb_got_doc_no", doc=result.data["doc_no"]))
    if doc is not None and expect.status is not None:
        lines.append(tr("ux_fb_got_status", status=_status(doc["status"], lang)))
    if doc is not None and expect.remaining is not None:
        lines.append(tr("ux_fb_got_remaining", amount=amount_text(doc["remaining"])))
    rows = result.data.get("rows")
    if expect.rows is not None and rows is not None:
        lines.append(tr("ux_fb_got_rows", rows=len(rows)))
    return lines


def rule_of(expect, result, lang: str) -> str:
    """The rule behind the answer: the refusal's source, or the source of the refusal that should
    have come."""
    if not result.ok:
        return result.source_th if lang == "th" else result.source_en
    if expect.error:
        entry = catalogue().get("errors", {}).get(expect.error) or {}
        key = str(entry.get("source", "sandbox"))
        if "{" in key:  # a source that depends on the refusal's own values
            return ""
        cited = source_name(key, lang)
        return cited if key == "sandbox" else f"[{key}] {cited}"
    return ""


def refusal_rule(code: str, lang: str) -> tuple[str, str]:
    """A refusal the step must meet, by its rule in words: the engine's own message for the code
    with the values only the refusal knows left out, and the rule's source ("" for none)."""
    entry = catalogue().get("errors", {}).get(code) or {}
    words = str(entry.get(lang) or entry.get("th") or "")
    if words.startswith("{"):  # the message's subject is a value of the refusal: its name says it all
        words = ""
    words = re.sub(r"\s*[(\[]\s*[^()\[\]{}]*\{[^}]*\}[^()\[\]{}]*[)\]]", "", words)  # «(ได้รับ {got})», «({owner})»
    words = re.sub(r"\s*\{[^}]*\}", "", words)
    words = re.sub(r"\s+([.,:;])", r"\1", " ".join(words.split())).strip(" :,")
    key = str(entry.get("source", "sandbox"))
    if "{" in key:
        return words, ""
    cited = source_name(key, lang)
    return words, cited if key == "sandbox" else f"[{key}] {cited}"


# ------------------------------------------------------------------ what the exercise did by itself
def snapshot(app, scenario) -> dict:
    """Who sits at the desk and which of the exercise's people are logged in."""
    people = {s.actor for s in scenario.steps if s.actor} | {app.model.person}
    return {"person": app.model.person, "live": sorted(p for p in people if p and app.sandbox.session_live(p))}


def auto_notes(before: dict, after: dict, moved, lang: str) -> list[str]:
    """What changed without the trainee: the clock moved to a step's time, a session ended, another
    person sat at the desk."""
    from ..calendar import format_moment

    notes = []
    if after["person"] != before["person"]:
        notes.append(label("uxd_auto_switch", lang).format(user=after["person"]))
    if moved is not None:
        notes.append(label("uxd_auto_clock", lang).format(moment=format_moment(moved, lang)))
    ended = [user for user in before["live"] if user not in after["live"]]
    if ended:  # one line for everyone the move logged out
        key = "uxd_auto_logout_idle" if moved is not None else "uxd_auto_logout"
        notes.append(label(key, lang).format(user=", ".join(ended)))
    return notes


def check_note(step_no: int, check: dict, passed: bool, saved: dict, lang: str, *, reveal: bool) -> str:
    """A check step the system settled: what it looked at and, outside Test mode, the verdict."""
    if not reveal:
        return label("uxd_auto_check_counted", lang).format(step=step_no)
    if "doc" in check:
        what = label("uxd_check_doc", lang).format(doc=fill(check["doc"], saved, {}, lang))
    elif "budget_line" in check:
        what = label("uxd_check_line", lang)
    elif "user" in check:
        what = label("uxd_check_user", lang).format(user=check["user"])
    else:
        what = label("uxd_check_other", lang)
    verdict = label("uxd_check_passed" if passed else "uxd_check_failed", lang)
    return label("uxd_auto_check", lang).format(step=step_no, title=f"{what}: {verdict}")


def notes_html(notes: list[str], lang: str) -> str:
    if not notes:
        return ""
    from .widgets import esc

    items = "".join(f"<li>{esc(n)}</li>" for n in notes)
    return (f"<div class='gf-info gf-guide-auto-note'><b>{esc(label('uxd_auto_title', lang))}</b>"
            f"<ul style='margin:2px 0;padding-left:18px'>{items}</ul></div>")
