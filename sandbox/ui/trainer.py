"""The trainer's page (``notebooks/trainer.ipynb``, class mode, the trainer's sign-in only): a live
table of trainees × exercises, a plotly chart of the class's progress, and the class's actions —
reset one trainee, move every trainee's clock, set the exercise everyone should open, export the
results (Excel, CSV). Everything goes through the ``Classroom`` API; a trainee's own sandbox is
opened only to put its running clock in step after the trainer moved it."""

from __future__ import annotations

import base64
import datetime as dt
import tempfile
from pathlib import Path

import ipywidgets as w

from ..calendar import BANGKOK, format_moment
from ..i18n import source_name
from .clock import ANCHOR, PAUSED
from .dates import ThaiDateBox, parse_moment
from .widgets import CSS, button, esc, safe, t

REFRESH_SECONDS = 4.0


def _moment(value: str | None, lang: str) -> str:
    if not value:
        return ""
    from ..domain.calendar import parse_datetime

    try:
        return format_moment(parse_datetime(value).astimezone(BANGKOK), lang)
    except (TypeError, ValueError):
        return value


def class_clock(info) -> dt.datetime:
    """The moment the class's clock was last set to (else the class's start), in Thailand's time."""
    from ..domain.calendar import parse_datetime

    return parse_datetime(info.clock or info.start).astimezone(BANGKOK)


def mistake_text(code: str, lang: str) -> str:
    """A refusal code with the rule it comes from (the error's source in the catalogue)."""
    from ..i18n import catalogue

    entry = catalogue().get("errors", {}).get(code) or {}
    source = entry.get("source")
    rule = source_name(str(source), lang) if source is not None else ""
    return f"{code} — {rule}" if rule and rule != str(source) else code


def steps_of(exercise: str) -> int:
    from ..scenario import load_scenario
    from .guided import find_scenario

    try:
        return len(load_scenario(find_scenario(exercise)).steps)
    except Exception:
        return 0


def all_exercises() -> list[str]:
    from .guided import SCENARIO_DIRS

    ids: set[str] = set()
    for folder in SCENARIO_DIRS:
        ids.update(p.stem for p in folder.glob("*.yaml"))
    return sorted(ids)


class TrainerPage(w.VBox):
    def __init__(self, room, who, lang: str = "th"):
        super().__init__()
        self.room, self.who, self.lang = room, who, lang
        self.class_name = who.class_name
        self._steps: dict[str, int] = {}
        self._chart_data = None
        self.add_class("gf-trainer")
        self.build()
        self.refresh()

    # ------------------------------------------------------------------ layout
    def build(self) -> None:
        lang = self.lang
        info = self.room.get_class(self.class_name)
        self.lang_btn = button(t("language", lang), "gf-lang")
        self.lang_btn.on_click(safe(lambda _b: self.set_lang("en" if self.lang == "th" else "th")))
        head = w.HBox([w.HTML(f"<b style='font-size:18px'>{esc(t('cls_trainer_title', lang))}</b><br>"
                              f"<span class='gf-src'>{esc(t('cls_class', lang))} <b class='gf-class-name'>{esc(info.name)}</b>"
                              f" · {len(info.trainees)} {esc(t('cls_trainees_count', lang))} · "
                              f"<a href='/logout'>{esc(t('cls_sign_out', lang))}</a></span>"), self.lang_btn],
                      layout=w.Layout(justify_content="space-between"))
        self.table = w.HTML()
        self.table.add_class("gf-trainer-table")
        self.updated = w.HTML()
        self.chart = w.Output()
        self.message = w.HTML()
        self.message.add_class("gf-trainer-msg")
        self.trainee_pick = w.Dropdown(options=info.codes, layout=w.Layout(width="110px"))
        self.trainee_pick.add_class("gf-trainer-trainee")
        reset = button(t("cls_reset_one", lang), "gf-trainer-reset", "warning")
        reset.on_click(safe(lambda _b: self.reset_trainee(self.trainee_pick.value), self._fail))
        # typed as the app's own clock box takes it (29/03/2567 16:31), the class clock as the example
        self.clock_to = ThaiDateBox(lang, "gf-trainer-clock-to", width="170px", moment=True)
        self.clock_to.today(class_clock(info))
        self.pause = w.Checkbox(value=False, description=t("cls_clock_paused", lang), indent=False,
                                layout=w.Layout(width="150px"))
        self.pause.add_class("gf-trainer-pause")
        move = button(t("cls_move_clock", lang), "gf-trainer-clock")
        move.on_click(safe(lambda _b: self.move_clock(self.clock_to.value, self.pause.value), self._fail))
        none = t("cls_assign_none", lang)
        self.assign_pick = w.Dropdown(options=[(none, "")] + [(e, e) for e in all_exercises()],
                                      value=info.assigned or "", layout=w.Layout(width="260px"))
        self.assign_pick.add_class("gf-trainer-assign-pick")
        assign = button(t("cls_assign", lang), "gf-trainer-assign")
        assign.on_click(safe(lambda _b: self.assign(self.assign_pick.value), self._fail))
        xlsx = button(t("cls_export_xlsx", lang), "gf-trainer-xlsx")
        csv = button(t("cls_export_csv", lang), "gf-trainer-csv")
        xlsx.on_click(safe(lambda _b: self.export("xlsx"), self._fail))
        csv.on_click(safe(lambda _b: self.export("csv"), self._fail))
        self.download = w.HTML()
        self.download.add_class("gf-trainer-download")
        actions = w.VBox([
            w.HTML(f"<b>{esc(t('cls_actions', lang))}</b>"),
            w.HBox([self.trainee_pick, reset]),
            w.HBox([self.clock_to, self.pause, move]),
            w.HBox([self.assign_pick, assign]),
            w.HBox([w.HTML(f"{esc(t('cls_export', lang))}:&nbsp;"), xlsx, csv, self.download]),
            self.message,
        ])
        actions.add_class("gf-bar")
        ticker = [self.ticker] if getattr(self, "ticker", None) is not None else []
        self.children = [w.HTML(CSS + TRAINER_CSS), head, actions, self.updated, self.table, self.chart, *ticker]
        self._chart_data = None

    def set_lang(self, lang: str) -> None:
        said, shown = getattr(self, "_said", None), self.message.value
        self.lang = lang
        self.build()
        self.refresh()
        if said:  # the last result stays, in the new language first
            self._say(said[0], **said[1])
        else:  # a refusal's message carries both languages already
            self.message.value = shown

    def _fail(self, html: str) -> None:
        self._said = None
        self.message.value = html

    def _say(self, key: str, **values) -> None:
        """A result in the page's language, then the other one; a moment is written in each one's way."""
        self._said = (key, values)
        other = "en" if self.lang == "th" else "th"

        def said(lang: str) -> str:
            return t(key, lang).format(**{k: format_moment(v, lang) if isinstance(v, dt.datetime) else v
                                          for k, v in values.items()})

        self.message.value = f"<div class='gf-ok'>{esc(said(self.lang))} · {esc(said(other))}</div>"

    # ------------------------------------------------------------------ the live table
    def total_steps(self, exercise: str) -> int:
        if exercise not in self._steps:
            self._steps[exercise] = steps_of(exercise)
        return self._steps[exercise]

    def refresh(self) -> None:
        lang = self.lang
        rows = self.room.progress(self.class_name)
        cols = ["cls_trainee", "cls_exercise", "cls_mode", "cls_step_reached", "cls_score", "cls_mistakes",
                "cls_time_spent", "cls_last_activity"]
        head = "".join(f"<th>{esc(t(c, lang))}</th>" for c in cols)
        body = []
        for r in rows:
            started = bool(r.get("attempt"))
            total = self.total_steps(r["exercise"])
            mode = t(f"mode_{r['mode']}", lang) if r.get("mode") in ("demo", "practice", "test") else ""
            mistakes = "<br>".join(esc(mistake_text(m, lang)) for m in r.get("mistakes", []) if m) or ""
            reached = f"{r['steps_ok']}/{total}" if started else esc(t("cls_not_started", lang))
            minutes = f"{r['seconds'] / 60:.1f} {t('cls_minutes', lang)}" if started else ""
            body.append(
                f"<tr class='gf-trainer-row' data-code='{esc(r['code'])}' data-exercise='{esc(r['exercise'])}'>"
                f"<td class='gf-t-code'>{esc(r['code'])}</td><td>{esc(r['exercise'])}</td><td class='gf-t-mode'>{esc(mode)}</td>"
                f"<td class='gf-t-steps'>{reached}</td><td class='gf-t-score'>{r['score'] if started else ''}</td>"
                f"<td class='gf-t-mistakes'>{mistakes}</td><td>{esc(minutes)}</td>"
                f"<td>{esc(_moment(r.get('last_activity'), lang))}</td></tr>")
        self.table.value = f"<table class='gf-table'><tr>{head}</tr>{''.join(body)}</table>"
        self.updated.value = (f"<span class='gf-src'>{esc(t('cls_refreshed', lang))}: "
                              f"<span class='gf-trainer-updated'>{esc(format_moment(dt.datetime.now(BANGKOK), lang))}</span></span>")
        self.draw(rows)

    def draw(self, rows: list[dict]) -> None:
        """The class's progress: steps passed and mistakes per trainee (redrawn only when changed)."""
        data = [(r["code"], r["exercise"], r.get("steps_ok", 0), len([m for m in r.get("mistakes", [])])) for r in rows]
        if data == self._chart_data:
            return
        self._chart_data = data
        import plotly.graph_objects as go

        lang = self.lang
        fig = go.Figure()
        for exercise in dict.fromkeys(d[1] for d in data):
            mine = [d for d in data if d[1] == exercise]
            fig.add_bar(x=[d[0] for d in mine], y=[d[2] for d in mine], name=f"{exercise}: {t('cls_chart_steps', lang)}")
            fig.add_scatter(x=[d[0] for d in mine], y=[d[3] for d in mine], mode="markers",
                            name=f"{exercise}: {t('cls_chart_mistakes', lang)}", marker={"symbol": "x", "size": 10})
        fig.update_layout(title=t("cls_chart_title", lang), height=340, margin={"l": 40, "r": 20, "t": 50, "b": 40},
                          barmode="group", legend={"orientation": "h", "y": -0.2}, font={"family": "Sarabun, sans-serif"})
        top = max([d[2] for d in data] + [d[3] for d in data] + [1])
        fig.update_yaxes(rangemode="nonnegative", dtick=1 if top <= 10 else None, tickformat="d")  # counts: no -1, no 0.5
        self.chart.clear_output(wait=True)
        with self.chart:
            fig.show()

    # ------------------------------------------------------------------ actions
    def reset_trainee(self, code: str) -> None:
        self.room.reset_trainee(self.class_name, code)
        self._say("cls_reset_done", code=code)
        self.refresh()

    def move_clock(self, value: str, paused: bool = False) -> None:
        from ..classroom.classroom import ClassError, Identity

        try:  # what the app's boxes take: 29/03/2567 16:31 (Buddhist era, Thai digits too) or ISO
            moment = parse_moment(value.strip())
        except (TypeError, ValueError, AttributeError, OverflowError):
            self._fail(f"<div class='gf-err gf-trainer-clock-bad'>{esc(t('ux7_clock_bad', self.lang))}</div>")
            return
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=BANGKOK)
        try:
            self.room.set_class_clock(self.class_name, moment)
        except ClassError as exc:
            self._fail(f"<div class='gf-err'>{esc(class_error(exc, self.lang))}</div>")
            return
        self.clock_to.today(moment.astimezone(BANGKOK))
        # Each trainee's running clock runs on from the new moment (or stays there, paused).
        import time

        info = self.room.get_class(self.class_name)
        for trainee in info.trainees:
            if not trainee.get("last_seen"):
                continue  # never signed in: their sandbox is made later, at the class clock
            sb, _ref = self.room.sandbox(Identity(self.class_name, "trainee", trainee["code"]))
            try:
                sb.set_state(ANCHOR, f"{time.time():.3f}")
                sb.set_state(PAUSED, "1" if paused else "0")
            finally:
                sb.close()
        self._say("cls_clock_moved", moment=moment)

    def assign(self, exercise: str) -> None:
        self.room.set_assigned_exercise(self.class_name, exercise or None)
        self._say("cls_assign_done", exercise=exercise or t("cls_assign_none", self.lang))

    def export(self, fmt: str) -> None:
        from ..classroom.export import to_csv, to_xlsx

        rows = self.room.export_rows(self.class_name)
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / f"{self.class_name}-results.{fmt}"
            if fmt == "xlsx":
                to_xlsx(rows, path, self.class_name)
                mime = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            else:
                to_csv(rows, path)
                mime = "text/csv"
            data = base64.b64encode(path.read_bytes()).decode()
        name = esc(path.name)
        self.download.value = (f"<a class='gf-trainer-file gf-trainer-file-{fmt}' download='{name}' "
                               f"href='data:{mime};base64,{data}'>{name}</a> ({len(rows)})")


def class_error(exc, lang: str) -> str:
    """A refused clock move in words, its moments in the Buddhist era (the class keeps them as ISO)."""
    from ..i18n import text

    values = {k: (_moment(v, lang) if k in ("start", "latest") else v) for k, v in exc.values.items()}
    try:
        return text("classroom", exc.key, lang).format(**values)
    except (KeyError, IndexError):
        return exc.message(lang)


TRAINER_CSS = """<style>
.gf-trainer-table table td, .gf-trainer-table table th { padding: 3px 8px; font-size: 13px; }
.gf-trainer-table .gf-t-mistakes { color: #8a1f11; max-width: 360px; }
.gf-trainer .gf-bar .gf-date-hint .gf-src, .gf-trainer .gf-bar .widget-label-basic span { color: #e3eefc; }
.gf-trainer .gf-bar .gf-date-hint .gf-mark { color: #ffd54f; font-weight: 700; }
</style>"""


def open_trainer_page() -> w.Widget:
    """The notebook's one cell: the trainer's page for the signed-in trainer, a refusal for anyone else."""
    from .app import query_parameters
    from .classmode import class_name, classroom, page_params, refusal, signed_in

    if not class_name():
        return refusal(key="cls_signin_trainer_only")
    room = classroom()
    who = signed_in(room, page_params(query_parameters()))
    if who is None or who.role != "trainer":
        return refusal(key="cls_signin_trainer_only")
    page = TrainerPage(room, who)
    start_refreshing(page)
    return page


def start_refreshing(page: TrainerPage, seconds: float = REFRESH_SECONDS) -> None:
    """The table's beat comes from the page (``clock.page_beat``): a closed trainer's page sends
    nothing and its kernel is culled like any other."""
    from .clock import page_beat

    page.ticker = page_beat(page.refresh, seconds)
    page.children = [*page.children, page.ticker]
