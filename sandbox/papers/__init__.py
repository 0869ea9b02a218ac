"""The papers a trainee files, as PDF drafts: the agency's letter to CGD asking to cancel a
Confirm [manual 004 §1.4, §2.3; letter 004], the head's letter reporting a lost phone [letter 000
§4], and a printable สง.01 document. Each paper is a pure function of plain facts
(``*_pdf(facts) -> bytes``); :func:`draft` gathers the facts from a sandbox for the screens."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .problem import PaperProblem

if TYPE_CHECKING:
    from ..engine import Sandbox


def draft(sandbox: Sandbox, kind: str, lang: str = "th", **args) -> tuple[str, bytes]:
    """``(file name, PDF)`` of a paper: ``cancel_confirm`` (docs, unit, letter_no),
    ``loss_letter`` (user, letter_no) or ``sng01`` (doc)."""
    if kind == "cancel_confirm":
        from .cancel_confirm import cancel_confirm_facts, cancel_confirm_pdf

        facts = cancel_confirm_facts(sandbox, args.get("docs") or [], args.get("unit"), args.get("letter_no") or "")
        return f"cancel-confirm-{facts['docs'][0]['doc_no']}.pdf", cancel_confirm_pdf(facts)
    if kind == "loss_letter":
        from .loss_letter import loss_letter_facts, loss_letter_pdf

        facts = loss_letter_facts(sandbox, args.get("user") or "", args.get("letter_no") or "")
        return f"loss-letter-{facts['user']['id']}.pdf", loss_letter_pdf(facts)
    if kind == "sng01":
        from .sng01 import sng01_pdf

        doc = sandbox.document(str(args.get("doc") or ""))
        if doc is None:
            raise PaperProblem("prov_paper_no_document", doc=args.get("doc") or "")
        return f"sng01-{doc['doc_no']}.pdf", sng01_pdf(doc, lang, printed_at=sandbox.now)
    raise ValueError(kind)
