"""The derived timeline: for any fiscal year, every date of SPEC §3.5 (Soft Token cut-over) and §5
(the two rounds) from the policy data and the business-day calendar, each with its rule and source.
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


def round_events(policy: RoundPolicy) -> list[Event]:
    n = policy.fiscal_year
    deadline_s, deadline_m = policy.september_deadline, policy.march_deadline
    return [
        Event("september_window", "round", f"รอบกันยายน: List/Confirm เงินปี {n}", f"September round: List/Confirm, FY{n} money",
              policy.september_opens, deadline_s,
              "List (สง.02), ยกเลิก List (สง.03) และ Confirm (อพ.01) ตั้งแต่ 1 สิงหาคมถึงวันทำการสุดท้ายของกันยายน เวลา 16.30 น.",
              "List, List cancel and Confirm from 1 August to the last business day of September, 16:30", "004 / sandbox"),
        Event("september_deadline", "round", "กำหนดส่งรอบกันยายน", "September deadline", deadline_s, None,
              "หนังสือยกเลิก Confirm ต้องลงวันที่ไม่เกินวันนี้", "A cancel-Confirm letter must be dated no later than this day", "004"),
        Event("fiscal_year_end", "round", f"สิ้นปีงบประมาณ {n}: เงินที่ไม่ได้ Confirm ถูกพับ", f"End of FY{n}: unconfirmed money lapses",
              policy.september_lapse, None, "เอกสารสถานะว่างและ 21 ถูกพับไปโดยผลของกฎหมาย", "Blank and 21 documents lapse by law",
              "004 (Act §43)"),
        Event("carry_over_usable", "round", "เงินกันไว้เบิกเหลื่อมปี (50) ใช้จ่ายได้", "Carried-over money (50) usable",
              policy.fiscal_year_end, policy.carry_over_usable_until,
              "ใช้จ่ายได้ถึงวันทำการสุดท้ายของเดือนมีนาคมปีถัดไป", "Usable to the last business day of March of the next year", "004"),
        Event("march_window", "round", f"รอบมีนาคม: ขอขยายเวลาเบิกจ่ายเงินปี {n}", f"March round: extension of FY{n} money",
              policy.march_opens, deadline_m,
              "List และ Confirm ตั้งแต่ 1 กุมภาพันธ์ถึงวันทำการสุดท้ายของมีนาคม เวลา 16.30 น.",
              "List and Confirm from 1 February to the last business day of March, 16:30", "004 / sandbox"),
        Event("march_deadline", "round", "กำหนดส่งรอบมีนาคม", "March deadline", deadline_m, None,
              "ดำเนินการให้แล้วเสร็จภายในกำหนด (ปี 2566: 29 มีนาคม 2567 เวลา 16.30 น.)",
              "Complete by the deadline (FY2566: 29 Mar 2024 16:30)", "004"),
        Event("march_lapse", "round", "เงินที่ไม่ได้ขยายเวลาถูกพับ", "Money not extended lapses", policy.march_lapse, None,
              "เอกสาร 50 22 และว่างถูกพับเมื่อสิ้นวันทำการสุดท้ายของเดือนมีนาคม", "50, 22 and blank lapse at the end of March's last business day",
              "004 / sandbox"),
        Event("extension_usable", "round", "เงินขยายเวลา (40) ใช้จ่ายได้", "Extended money (40) usable",
              policy.march_lapse, policy.extension_usable_until,
              "ใช้จ่ายได้ถึงวันทำการสุดท้ายของเดือนกันยายนปีถัดไป", "Usable to the last business day of September of the next year", "004"),
        Event("extension_end", "round", "เงินขยายเวลาที่เหลือถูกพับ", "Remaining extended money lapses", policy.extension_usable_until, None,
              "เกินกว่านี้ต้องตกลงกับกระทรวงการคลัง (มาตรา 43)", "Beyond this only an agreement with MoF (Act §43)", "004"),
    ]


def cutover_events(cut: Cutover) -> list[Event]:
    out = []
    if cut.register_from:
        out.append(Event(f"{cut.key}:register", "cutover", f"ลงทะเบียน Soft Token: {cut.name_th}", f"Soft Token registration: {cut.name_en}",
                         cut.register_from, cut.refuse_from, "ยังใช้ Token Key และ Username/Password ได้", "Token Key and passwords still work",
                         cut.source))
    out.append(Event(f"{cut.key}:cutover", "cutover", f"Soft Token เท่านั้น: {cut.name_th}", f"Soft Token only: {cut.name_en}",
                     cut.refuse_from, None, "ไม่รับ Token Key และ Username/Password", "Token Key and password logins refused", cut.source))
    if cut.token_return_by:
        day = dt.datetime.combine(cut.token_return_by, dt.time(0), tzinfo=BANGKOK)
        out.append(Event(f"{cut.key}:token_return", "cutover", f"คืน Token Key: {cut.name_th}", f"Return Token Keys: {cut.name_en}",
                         day, None, "ส่งคืนอุปกรณ์ GFMIS Token Key ให้กรมบัญชีกลาง", "Send the Token Keys back to CGD", cut.source))
    for e in cut.events:
        start = parse_datetime(e["at"])
        end = parse_datetime(e["until"]) if e.get("until") else None
        out.append(Event(f"{cut.key}:{e['key']}", "cutover", f"{e['th']}: {cut.name_th}", f"{e['en']}: {cut.name_en}",
                         start, end, e["th"], e["en"], cut.source))
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

