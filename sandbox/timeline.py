"""The derived timeline: for any fiscal year, every date of the Soft Token cut-over [letters 000
and 002] and of the two rounds [manual 004] from the policy data and the business-day calendar,
each with its rule and source (texts: the catalogue's ``timeline`` section).
Policy makers change the inputs (a deadline, a holiday, a cut-over date) and see what moves."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from dataclasses import asdict, dataclass, replace

from .adapters.policy_store import bundled_cutovers
from .calendar import (
    BANGKOK,
    BusinessCalendar,
    fiscal_year_bounds,
    format_moment,
    parse_datetime,
)
from .domain.policy import Cutover, RoundPolicy
from .i18n import LANGS, catalogue


@dataclass(frozen=True)
class Event:
    key: str
    group: str  # round | cutover
    label_th: str
    label_en: str
    start: dt.datetime
    end: dt.datetime | None  # None: an instant (a deadline)
    rule_th: str
    rule_en: str
    source: str

    def label(self, lang: str = "th") -> str:
        return self.label_th if lang == "th" else self.label_en

    def rule(self, lang: str = "th") -> str:
        return self.rule_th if lang == "th" else self.rule_en

    def span(self, lang: str = "th") -> str:
        """``1 สิงหาคม 2566 เวลา 00.00 น. – 29 กันยายน 2566 เวลา 16.30 น.`` (an instant: one moment)."""
        return format_moment(self.start, lang) + (f" – {format_moment(self.end, lang)}" if self.end else "")

    def as_row(self) -> dict:
        row = asdict(self)
        row["start"] = self.start.isoformat()
        row["end"] = self.end.isoformat() if self.end else ""
        return row


def _event(key: str, text_key: str, group: str, start, end, source: str, **params) -> Event:
    """An event whose label and rule are the catalogue's ``timeline.<text_key>`` (Thai and English)."""
    entry = catalogue()["timeline"][text_key]
    label = {lang: entry["label"][lang].format(**params) for lang in LANGS}
    rule = {lang: entry["rule"][lang].format(**params) for lang in LANGS}
    return Event(key, group, label["th"], label["en"], start, end, rule["th"], rule["en"], source)


def round_events(policy: RoundPolicy) -> list[Event]:
    n = policy.fiscal_year
    deadline_s, deadline_m = policy.september_deadline, policy.march_deadline
    return [
        _event("september_window", "september_window", "round", policy.september_opens, deadline_s, "004 / sandbox", n=n),
        _event("september_deadline", "september_deadline", "round", deadline_s, None, "004"),
        _event("fiscal_year_end", "fiscal_year_end", "round", policy.september_lapse, None, "004 (Act §43)", n=n),
        _event("carry_over_usable", "carry_over_usable", "round", policy.fiscal_year_end, policy.carry_over_usable_until, "004"),
        _event("march_window", "march_window", "round", policy.march_opens, deadline_m, "004 / sandbox", n=n),
        _event("march_deadline", "march_deadline", "round", deadline_m, None, "004"),
        _event("march_lapse", "march_lapse", "round", policy.march_lapse, None, "004 / sandbox"),
        _event("extension_usable", "extension_usable", "round", policy.march_lapse, policy.extension_usable_until, "004"),
        _event("extension_end", "extension_end", "round", policy.extension_usable_until, None, "004"),
    ]


def cutover_events(cut: Cutover) -> list[Event]:
    out = []
    names = {"name_th": cut.name_th, "name_en": cut.name_en}
    if cut.register_from:
        out.append(_event(f"{cut.key}:register", "cutover_register", "cutover", cut.register_from, cut.refuse_from,
                          cut.source, **names))
    out.append(_event(f"{cut.key}:cutover", "cutover_refuse", "cutover", cut.refuse_from, None, cut.source, **names))
    if cut.token_return_by:
        day = dt.datetime.combine(cut.token_return_by, dt.time(0), tzinfo=BANGKOK)
        out.append(_event(f"{cut.key}:token_return", "cutover_token_return", "cutover", day, None, cut.source, **names))
    for e in cut.events:
        start = parse_datetime(e["at"])
        end = parse_datetime(e["until"]) if e.get("until") else None
        out.append(_event(f"{cut.key}:{e['key']}", "cutover_event", "cutover", start, end, cut.source,
                          event_th=e["th"], event_en=e["en"], **names))
    return out


def derive(fiscal_year: int, *, extra_holidays=(), september_deadline=None, march_deadline=None,
           cutovers: dict[str, Cutover] | None = None) -> list[Event]:
    """Every date that matters for the money of ``fiscal_year`` and the cut-overs inside its span."""
    cal = BusinessCalendar(parse_datetime(d).date() for d in extra_holidays)
    policy = RoundPolicy(
        fiscal_year, cal,
        parse_datetime(september_deadline) if september_deadline else None,
        parse_datetime(march_deadline) if march_deadline else None,
    )
    events = round_events(policy)
    start, stop = fiscal_year_bounds(fiscal_year)
    for cut in (cutovers or bundled_cutovers()).values():
        events += [e for e in cutover_events(cut) if start <= e.start < stop]
    return sorted(events, key=lambda e: (e.start, e.key))


def with_cutover(key: str, refuse_from, cutovers: dict[str, Cutover] | None = None) -> dict[str, Cutover]:
    """A what-if: the cut-over table with one instant moved."""
    table = dict(cutovers or bundled_cutovers())
    table[key] = replace(table[key], refuse_from=parse_datetime(refuse_from))
    return table


def moved(before: list[Event], after: list[Event]) -> list[tuple[Event, Event]]:
    """The events whose start or end differs between two timelines."""
    old = {e.key: e for e in before}
    return [(old[e.key], e) for e in after if e.key in old and (old[e.key].start, old[e.key].end) != (e.start, e.end)]


def to_json(events: list[Event]) -> str:
    return json.dumps([e.as_row() for e in events], ensure_ascii=False, indent=2)


def to_csv(events: list[Event]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(events[0].as_row()) if events else ["key"])
    writer.writeheader()
    for e in events:
        writer.writerow(e.as_row())
    return buffer.getvalue()

