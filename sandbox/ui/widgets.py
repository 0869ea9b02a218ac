"""Shared pieces of every screen: text from the catalogue, the message box that explains a
refusal, form rows, tables with a tick («select») column, and the CSS that makes them look like GFMIS."""

from __future__ import annotations

import html
import logging
import sys
import traceback
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import ipywidgets as w

from ..i18n import field_name, label, name, value_name
from .shared_looks import layout, shared

if TYPE_CHECKING:  # a type only: the policy page, which has no engine, does not pay for importing it
    from ..engine import Result

log = logging.getLogger("sandbox.ui")

# Links look like links (Voila's page style draws them as plain text): the app's, the exercise
# catalogue's and the trainer's pages
LINK_CSS = """
<style>
.gf-app a, .gf-links a { color: #0b57d0; text-decoration: underline; cursor: pointer; }
.gf-app a:visited, .gf-links a:visited { color: #5e35b1; }
.gf-app a:hover, .gf-links a:hover { color: #063a8c; text-decoration-thickness: 2px; }
.gf-bar a, .gf-bar a:visited { color: #cfe3ff; }
</style>
"""

CSS = LINK_CSS + """
<style>
.gf-app { font-family: 'Sarabun', 'TH Sarabun New', 'Noto Sans Thai', 'Loma', sans-serif; font-size: 15px; }
.gf-app .widget-label, .gf-app input, .gf-app select, .gf-app button, .gf-app textarea { font-family: inherit; font-size: 14px; }
.gf-bar { background: #0b3a66; color: #fff; padding: 6px 10px; border-radius: 4px; }
.gf-bar .widget-label, .gf-bar .widget-html-content { color: #fff; }
.gf-title { color: #0b3a66; font-weight: 700; font-size: 20px; margin: 4px 0 8px 0; }
.gf-crumb { color: #555; font-size: 13px; }
.gf-scroll { max-width: 100%; overflow-x: auto; }
.gf-scroll > .gf-table { width: max-content; }
.gf-scroll > .gf-table td { max-width: 340px; }
.gf-scroll > .gf-table th { max-width: 150px; }
.gf-area { min-width: 0; }
.gf-area .widget-html, .gf-area .widget-html-content { max-width: 100%; }
.gf-pick { max-width: 100%; overflow-x: auto; }
.gf-area .widget-hbox { flex-wrap: wrap; }
.gf-app .lm-TabBar-tab { flex: 0 0 auto; max-width: none; min-width: 0; }
.gf-menu { flex: 0 0 auto; background: #eef3f8; border: 1px solid #c9d6e3; border-radius: 4px; padding: 4px; }
.gf-menu button { text-align: left; justify-content: flex-start; white-space: normal; height: auto; min-height: 28px; line-height: 1.3; padding: 3px 8px; }
.gf-menu .gf-menu-head { font-weight: 700; color: #0b3a66; font-size: 13px; padding: 4px 2px 0 2px; }
.gf-screen { border: 1px solid #c9d6e3; border-radius: 4px; padding: 10px; background: #fff; }
.gf-fn button.mod-danger { background: #c62828; }
.gf-ok { background: #e8f5e9; border-left: 5px solid #2e7d32; padding: 8px 12px; margin: 6px 0; }
.gf-err { background: #fdecea; border-left: 5px solid #c62828; padding: 8px 12px; margin: 6px 0; }
.gf-bar .gf-ok, .gf-bar .gf-err, .gf-warn { color: #1b1b1b; }
.gf-warn { background: #fff8e1; border-left: 5px solid #f9a825; padding: 6px 10px; margin-right: 8px; }
.gf-info { background: #e3f2fd; border-left: 5px solid #1565c0; padding: 8px 12px; margin: 6px 0; }
.gf-src { color: #666; font-size: 12px; }
.gf-table { border-collapse: collapse; font-size: 13px; }
.gf-table th { background: #1f4e79; color: #fff; padding: 4px 6px; border: 1px solid #9fb3c8; }
.gf-table td { padding: 3px 6px; border: 1px solid #c9d6e3; }
.gf-table td.num { text-align: right; font-variant-numeric: tabular-nums; }
.gf-phone { border: 3px solid #222; border-radius: 22px; padding: 12px 10px; background: #fafafa; width: 250px; }
.gf-phone .gf-code { font-size: 30px; letter-spacing: 4px; font-weight: 700; color: #0b3a66; text-align: center; }
.gf-guide { border: 2px solid #f9a825; border-radius: 6px; padding: 8px; background: #fffde7; }
.gf-step-done { color: #2e7d32; } .gf-step-fail { color: #c62828; }
.gf-mark { color: #b71c1c; font-size: 13px; margin-left: 8px; display: inline-block; max-width: 420px; }
.gf-problems { margin: 4px 0 0 0; padding-left: 22px; }
.gf-date-hint { white-space: nowrap; margin-left: 6px; font-size: 13px; }
.gf-lines-grid button, .gf-lines-grid .jupyter-button { min-width: max-content; overflow: visible; text-overflow: clip; padding: 0 10px; }
.gf-area .gf-reason { width: min(860px, calc(100vw - 860px)) !important; min-width: 300px; }
.gf-reason-full { margin: 0 0 4px 180px; max-width: min(860px, calc(100vw - 860px)); }
.gf-reason-full .gf-reason-text { font-size: 13px; color: #444; white-space: normal; line-height: 1.4; }
.gf-refusal .gf-msg-main { font-size: 15px; color: #1b1b1b; }
.gf-refusal .gf-msg-second { font-size: 12.5px; color: #5f6368; margin-top: 2px; }
.gf-refusal .gf-msg-meta { font-size: 12px; color: #666; margin-top: 4px; }
.gf-code-tag { display: inline-block; margin-left: 6px; padding: 0 5px; border: 1px solid #d5d5d5; border-radius: 3px;
  background: #f4f4f4; color: #777; font: 11px/1.5 monospace; vertical-align: middle; }
.gf-code-tag .gf-code { font: inherit; color: inherit; letter-spacing: 0; }
.gf-app input::placeholder, .gf-app textarea::placeholder, .gf-trainer input::placeholder { color: #a3a8ae; font-style: italic; opacity: 1; }
.gf-lines { max-width: 100%; overflow-x: auto; }
.gf-lines-grid .gf-word, .gf-doc-lines th { white-space: nowrap; }
.gf-lines-grid .widget-html-content { font-size: 13px; } .gf-lines-grid .gf-line-head-cell { min-width: min-content; }
.gf-lines-grid .gf-line-value { min-width: 5em; }
.gf-switch-user select { text-overflow: ellipsis; }
</style>
"""


def t(key: str, lang: str = "th") -> str:
    return label(key, lang)


def named(kind: str, code: str, lang: str = "th") -> str:
    """A code (role, login method, Soft Token state, action …) by its name in ``lang``."""
    return name(kind, code, lang)


def named_list(kind: str, codes: str, lang: str = "th") -> str:
    """Comma-separated codes (a user's roles as the read side keeps them) by their names."""
    return ", ".join(name(kind, c.strip(), lang) for c in codes.split(",") if c.strip())


def hint_text(inputs: dict, lang: str = "th") -> str:
    """A step's inputs as a hint reads them: field names and named values, never code names."""
    parts = []
    for key, value in inputs.items():
        if key == "contracts":
            continue
        shown = value_name(key, value, lang)
        if key == "round" and isinstance(value, str):
            shown = label(f"round_{value}", lang)
        if key == "status" and value in ("not_listed", "listed", "confirmed", "approved"):
            shown = label(f"group_{value}", lang)
        parts.append(f"{field_name(key, lang)}: {shown}")
    return " · ".join(parts)


def esc(value: Any) -> str:
    return html.escape("" if value is None else str(value))


# The exercise catalogue, from the app's menu (a page beside app.ipynb: scenarios/catalogue.ipynb).
EXERCISES_LINK = ("<div class='gf-menu-head gf-links'><a class='gf-menu-exercises' href='scenarios/catalogue.ipynb'"
                  " target='_blank'>📘 {}</a><div class='gf-src' style='font-weight:normal'>{}</div></div>")


def widget_tree(root) -> list:
    """``root`` and every widget under it: children, layouts, styles, any widget a synced trait holds."""
    seen: dict[int, object] = {}
    todo = [root]
    while todo:
        x = todo.pop()
        if not isinstance(x, w.Widget) or id(x) in seen or getattr(x, "_gf_shared", False):
            continue  # (a layout or style many widgets share is nobody's to close: shared_looks.py)
        seen[id(x)] = x
        held = [getattr(x, key, None) for key in x.keys] + [v for k, v in vars(x).items() if not k.startswith("_trait")]
        while held:  # synced traits, and widgets a screen keeps aside (buttons shown later, panels, rows)
            value = held.pop()
            if isinstance(value, w.Widget):
                todo.append(value)
            elif isinstance(value, (list, tuple)):
                held.extend(value)
            elif isinstance(value, dict):
                held.extend(value.values())
    return list(seen.values())


def close_dropped(dropped: list, live_root) -> int:
    """Close the widgets of screens no longer shown (a switch of person builds them afresh), except
    any the live page still holds: otherwise every switch leaves hundreds of widgets alive in the
    kernel and in the browser for the rest of the session."""
    live = {id(x) for x in widget_tree(live_root)}
    closed = 0
    for root in dropped:
        for x in widget_tree(root):
            if id(x) not in live and x.comm is not None:
                x.close()
                closed += 1
    return closed


def message_html(result: Result | None, lang: str = "th", ok_text: str | None = None) -> str:
    """The answer to an action: «success», or «failed» with the rule, in Thai and English, and its source."""
    if result is None:
        return ""
    if result.ok:
        return f"<div class='gf-ok'><b>{esc(t('success_title', lang))}</b> {esc(ok_text or '')}</div>"
    other = "en" if lang == "th" else "th"
    return refusal_html(result.message(lang), result.message(other), result.source_th if lang == "th" else result.source_en,
                        result.error or "", lang)


def code_tag(code: str, lang: str = "th") -> str:
    """A refusal's code as a small muted tag (trainers look it up; never part of the sentence)."""
    return f"<span class='gf-code-tag' title='{esc(t('uxe_code_title', lang))}'><span class='gf-code'>{esc(code)}</span></span>"


def refusal_html(main: str, second: str, source: str, code: str, lang: str = "th") -> str:
    """An error banner: the message in the screen's language first and prominent, the other
    language as a smaller muted line, then the rule's source and the code as a small tag."""
    return (
        f"<div class='gf-err gf-refusal'><div class='gf-msg-main'><b>{esc(t('error_title', lang))}</b>: {esc(main)}</div>"
        + (f"<div class='gf-msg-second' lang='{'en' if lang == 'th' else 'th'}'>{esc(second)}</div>" if second and second != main else "")
        + f"<div class='gf-msg-meta'>{esc(t('source', lang))}: {esc(source)} {code_tag(code, lang) if code else ''}</div></div>"
    )


SHOWN = 50  # documents an answer lists (a Confirm may take a whole agency's)


def done_html(headline: str, docs: list[dict], lang: str = "th", note: str = "") -> str:
    """A round step or CGD's answer that went through: what happened, to which documents, and
    each document's new status (``docs``: the documents as the read side gives them, after)."""
    from ..reports import status_text

    rows = [[d["doc_no"], d["doc_type"], d["text"], f"{d['remaining']:,.2f}", status_text(d["status"], d["closed"], lang)]
            for d in docs]
    heads = [t(k, lang) for k in ("doc_no", "doc_type", "text", "col_remaining", "uxs_new_status")]
    extra = f"<div>{esc(note)}</div>" if note else ""
    return (f"<div class='gf-ok gf-done'><b>{esc(t('success_title', lang))}</b> — {esc(headline)}{extra}"
            f"{table_html(heads, rows, {3})}</div>")


def problems_html(result: Result, lang: str = "th") -> str:
    """A refused «จำลองการบันทึก»: every problem of the form (``result.data['problems']``), each
    with its field, its rule and its source; a refusal without a list is shown as one problem."""
    problems = result.data.get("problems") or []
    if len(problems) < 2:
        return message_html(result, lang)
    items = "".join(
        f"<li class='gf-problem gf-problem-{esc(p['field'])}'><b>{esc(field_name(p['field'] or '', lang))}</b>: "
        f"{esc(p['message_' + lang])} <span class='gf-src'>({esc(p['source_' + lang])})</span> {code_tag(p['code'], lang)}</li>"
        for p in problems)
    return (f"<div class='gf-err'><b>{esc(t('error_title', lang))}</b>: "
            f"{esc(t('uxs_problems_title', lang).format(n=len(problems)))}<ol class='gf-problems'>{items}</ol></div>")


class ProblemMarks:
    """The marks beside a form's fields: ``at(field, row)`` names the row a field's problem is
    written after, ``place(box)`` the box that holds such rows, ``show(problems)`` writes each
    problem's message at its field and clears the others.

    A mark, and the box that puts it beside its row, is built the first time its field has a
    problem, and stays (hidden when empty): a form that is never refused sends none of them
    (issue 14: สง.01's 15 hidden marks and their boxes were 30 widgets in every browser)."""

    def __init__(self, lang: str = "th"):
        self.lang = lang
        self.rows: dict[str, w.Widget] = {}
        self.parents: dict[str, w.Box] = {}  # the box holding each row (``place``)
        self.boxes: dict[str, w.HTML] = {}  # the marks built so far
        self.problems: list[dict] = []

    def at(self, name: str, row: w.Widget) -> w.Widget:
        self.rows.setdefault(name, row)
        return row

    def place(self, root: w.Box) -> None:
        """The rows under ``root`` can take their marks (and do at once, if the last check found any)."""
        names = {id(row): key for key, row in self.rows.items()}
        todo = [root]
        while todo:
            box = todo.pop()
            for child in box.children:
                if id(child) in names:
                    self.parents[names[id(child)]] = box
                elif isinstance(child, w.Box):
                    todo.append(child)
        self._draw()

    def show(self, problems: list[dict]) -> None:
        self.problems = list(problems)
        self._draw()

    def relabel_from(self, _twin: ProblemMarks) -> None:
        self._draw()  # the marks in the new language (``relabel`` set ``lang``)

    def _draw(self) -> None:
        with shared():  # (on a click, maybe outside the app's: the shared layouts and styles all the same)
            for key in self.rows:
                box, value = self.boxes.get(key), self.text(key)
                if box is None:
                    if not value or key not in self.parents:
                        continue
                    box = self._mark(key)
                box.value = value
                display = "" if value else "none"  # an empty mark takes no room
                if (box.layout.display or "") != display:  # another shared layout, not a new one
                    box.layout = layout(display=display)

    def _mark(self, key: str) -> w.HTML:
        """The mark of field ``key``, put after its row: the box of both takes the row's place."""
        row, parent = self.rows[key], self.parents[key]
        box = self.boxes[key] = w.HTML(layout=layout(display="none"), _dom_classes=(f"gf-mark-{key}",))
        pair = w.HBox([row, box], layout=layout(align_items="center", flex_flow="row wrap"))
        parent.children = tuple(pair if c is row else c for c in parent.children)
        return box

    def text(self, name: str) -> str:
        """The mark at field ``name`` (one not built yet: as its row will show it)."""
        return "".join(f"<span class='gf-mark'>⚠ {esc(p['message_' + self.lang])}</span>" for p in self.problems
                       if (p.get("field") or "") == name)


def safe(callback: Callable, report: Callable[[str], None] | None = None) -> Callable:
    """Wrap a button callback: a trainee never sees a Python traceback."""

    def run(*args, **kwargs):
        try:
            return callback(*args, **kwargs)
        except Exception:  # noqa: BLE001 — shown as a friendly message, logged for the trainer
            log.exception("screen callback failed")
            traceback.print_exc(file=sys.__stderr__)  # into the Voila server's log
            if report:
                report(f"<div class='gf-err'>{esc(t('unexpected'))}</div>")
            return None

    return run


def field(description: str, widget: w.Widget, width: str = "180px") -> w.HBox:
    lab = w.HTML(f"<span>{esc(description)}</span>", layout=layout(width=width, flex="0 0 auto"))  # never squeezed
    return w.HBox([lab, widget])


def text_input(value: str = "", placeholder: str = "", cls: str | None = None, width: str = "260px") -> w.Text:
    # The value goes to the kernel once, when the person leaves the box: typed key by key, the
    # last keys would wait in the browser while the kernel answers the first, and a click right
    # after (a custom message, never held back) would reach the kernel before them.
    return w.Text(value=value, placeholder=placeholder, layout=layout(width=width), continuous_update=False,
                  _dom_classes=classes(cls))


def classes(*names: str | None) -> tuple[str, ...]:
    """CSS classes given when a widget is built (in its ``comm_open``), not added after (one
    ``comm_msg`` more for each browser)."""
    return tuple(n for n in names if n)


def button(description: str, cls: str | None = None, style: str = "", width: str = "auto") -> w.Button:
    return w.Button(description=description, button_style=style, layout=layout(width=width), _dom_classes=classes(cls))


def fiscal_year_input(cls: str) -> w.IntText:
    return w.IntText(layout=layout(width="100px"), _dom_classes=classes(cls))


def round_dropdown(lang: str, cls: str) -> w.Dropdown:
    """«Round»: September (round 1) or March (round 2)."""
    return w.Dropdown(options=[(t("round_september", lang), "september"), (t("round_march", lang), "march")],
                      layout=layout(width="200px"), _dom_classes=classes(cls))


def status_group_dropdown(lang: str, cls: str) -> w.Dropdown:
    """«Status» as NFMA60 groups them: all, not listed, listed, confirmed, approved."""
    return w.Dropdown(options=[(t("group_all", lang), "")] + [(t(f"group_{g}", lang), g) for g in
                                                            ("not_listed", "listed", "confirmed", "approved")],
                      layout=layout(width="200px"), _dom_classes=classes(cls))


def table_html(headers: list[str], rows: list[list[Any]], numeric: set[int] = frozenset()) -> str:
    head = "".join(f"<th>{esc(h)}</th>" for h in headers)
    body = "".join(
        "<tr>" + "".join(f"<td class='{'num' if i in numeric else ''}'>{esc(c)}</td>" for i, c in enumerate(r)) + "</tr>"
        for r in rows
    )
    # a wide table (NFMA60's last column «เหตุผล») scrolls inside its panel, the page does not
    return f"<div class='gf-scroll'><table class='gf-table'><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>"
