"""What form สง.01 shows of a document and of a check, drawn in a language (``draw(lang)``), so a
banner that shows them is drawn again after a language switch."""

from __future__ import annotations

from ....domain.errors import Refusal
from ....errors import message, source
from ....reports import status_text
from ...widgets import esc, refusal_html, t, table_html

LINE_COLUMNS = ("line_no", "contract_no", "lc_no", "lao_name", "item", "creditor")


def doc_html(doc_no: str, doc: dict | None, lang: str) -> str:
    """A document's data and its contract lines (``doc`` as the read side gives it, or ``None``)."""
    if doc is None:
        return f"<div class='gf-err'>{esc(t('doc_no', lang))} {esc(doc_no)}: -</div>"
    rows = [[t("doc_no", lang), doc["doc_no"]], [t("doc_type", lang), doc["doc_type"]], [t("text", lang), doc["text"]],
            [t("budget_code", lang), doc["budget_code"]], [t("fund_source", lang), doc["fund_source"]],
            [t("amount", lang), f"{doc['value']:,.2f}"], [t("col_remaining", lang), f"{doc['remaining']:,.2f}"],
            [t("ref2", lang), status_text(doc["status"], doc["closed"], lang)],
            [t("reason", lang), t(f"reason_{doc['reason']}", lang) if doc["reason"] else "-"]]
    lines = [[c["line"], c["contract_no"], c["lc_no"], c["lao_name"], c["item"], c["creditor"]] for c in doc["contracts"]]
    heads = [t(k, lang) for k in LINE_COLUMNS]  # kept whole (CSS .gf-doc-lines th), the table scrolls
    return table_html(["", ""], rows) + (f"<div class='gf-doc-lines'>{table_html(heads, lines)}</div>" if lines else "")


def checked(lang: str) -> str:
    """A check that found nothing wrong."""
    return f"<div class='gf-ok gf-check-ok'><b>{esc(t('success_title', lang))}</b> — {esc(t('check_ok', lang))}</div>"


def refused(refusal: Refusal, lang: str) -> str:
    """A check's refusal as the engine's would read: the rule in words, its source, its code."""
    other = "en" if lang == "th" else "th"
    return refusal_html(message(refusal, lang), message(refusal, other), source(refusal, lang), refusal.code, lang)
