"""Generate the checked-in notebooks: the app, one thin notebook per screen, one per scenario, and
the scenario catalogue. ``python -m sandbox notebooks build`` (re)writes them; running it again
changes nothing, so a test can tell when a checked-in notebook is stale.

A scenario notebook opens in Voila as the guided exercise. Run top to bottom in a kernel (nbval)
it plays the scenario through the widgets — values set and buttons clicked from Python — and
asserts each step's expectations; its stored outputs hold no widget ids, times or addresses.
"""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import yaml

from .i18n import label
from .scenario import load_scenario

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
KERNEL = {"name": "python3", "display_name": "Python 3", "language": "python"}

AUDIENCES = ("trainee", "self-learner", "trainer", "policy-maker")


def th_en(key: str) -> str:
    """A catalogue label as the notebooks show it: Thai, then English in brackets."""
    return f"{label(key)} ({label(key, 'en')})"


def screen_titles() -> dict[str, str]:
    """Each screen notebook's title, in the registry's order (the one list of screens)."""
    from .ui.screens.registry import SCREENS

    return {e.key: label(e.notebook_title_key) for e in SCREENS}


def _notebook(cells: list) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = KERNEL
    nb.metadata["language_info"] = {"name": "python"}
    nb.cells = cells
    for i, cell in enumerate(nb.cells):
        cell["id"] = f"c{i:03d}"  # stable ids: regenerating gives the same file
    return nb


def _hidden(source: str) -> nbformat.NotebookNode:
    return nbformat.v4.new_code_cell(source, metadata={"tags": ["hide-input"]})


def app_notebook() -> nbformat.NotebookNode:
    return _notebook([_hidden("from sandbox.ui.app import open_app\n\napp = open_app()\napp")])


def screen_notebook(key: str, title: str) -> nbformat.NotebookNode:
    return _notebook([
        nbformat.v4.new_markdown_cell(f"# {title}"),
        _hidden(f"from sandbox.ui.app import open_app\n\napp = open_app(screen={key!r})\napp"),
    ])


STEPS_PER_CELL = 4


def scenario_notebook(path: Path) -> nbformat.NotebookNode:
    scenario = load_scenario(path)
    sid = scenario.id
    intro = f"# {scenario.title.th}\n\n*{scenario.title.en}*"
    if scenario.summary:
        intro += f"\n\n{scenario.summary.th}\n\n*{scenario.summary.en}*"
    intro += f"\n\n{label('notebook_scenario_opens')} · {label('notebook_scenario_runs')}"
    cells = [
        nbformat.v4.new_markdown_cell(intro),
        _hidden(
            "import os, tempfile\n"
            "from sandbox.ui.app import App, query_parameters\n"
            "from sandbox.engine import Sandbox\n\n"
            "# A database of its own (nbval, or Voila): playing the exercise never resets the class's.\n"
            "db = os.path.join(tempfile.mkdtemp(), 'exercise.sqlite')\n"
            f"app = App(Sandbox(db), scenario={sid!r}, mode=query_parameters().get('mode', 'practice'))\n"
            "app"
        ),
        nbformat.v4.new_markdown_cell(f"## {th_en('notebook_play_all')}"),
        nbformat.v4.new_code_cell("guide = app.guide\nguide.restart()"),
        # A few steps a cell: a cell's widget messages wait in the kernel's output queue until the
        # cell ends, and a queue past ZeroMQ's high-water mark drops messages (nbval then waits in vain).
        *[nbformat.v4.new_code_cell(f"for _ in range({min(STEPS_PER_CELL, len(scenario.steps) - first)}):"
                                    f"  # steps {first + 1}-{min(first + STEPS_PER_CELL, len(scenario.steps))}\n"
                                    "    guide.play_step()")
          for first in range(0, len(scenario.steps), STEPS_PER_CELL)],
        nbformat.v4.new_code_cell(
            "outcomes = guide.player.run.outcomes\n"
            "for o in outcomes:\n"
            "    assert o.passed, (o.index, o.step.actor, o.step.action, o.problems)\n"
            "assert guide.step is None, 'the exercise did not reach its end'\n"
            "assert all(guide.results), guide.results\n"
            "print(f'{len(guide.results)} steps passed; score', guide.step_view.value.split('gf-score')[1][2:].split('<')[0])"
        ),
        _checked(
            "# NBVAL_CHECK_OUTPUT\n"
            "for o in outcomes:\n"
            "    r = o.result\n"
            "    named = o.step.expect is not None and o.step.expect.error is not None\n"
            "    print(o.index, o.step.actor, o.step.action, 'ok' if r.ok else ('refused ' + r.error if named else 'refused'))",
            expected_steps(scenario),
        ),
    ]
    return _notebook(cells)


def expected_steps(scenario) -> str:
    """What the step listing prints when every step does what the scenario expects."""
    lines = []
    for i, step in enumerate(scenario.steps, start=1):
        if step.check is not None:
            continue
        expect = step.expect
        refused = expect is not None and (expect.error is not None or expect.ok is False)
        outcome = ("refused " + expect.error if expect.error else "refused") if refused else "ok"
        lines.append(f"{i} {step.actor} {step.action} {outcome}")
    return "\n".join(lines) + "\n"


def _checked(source: str, output: str) -> nbformat.NotebookNode:
    """A cell whose stored output nbval compares (``# NBVAL_CHECK_OUTPUT``)."""
    cell = nbformat.v4.new_code_cell(source)
    cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text=output)]
    cell.execution_count = 1  # nbval compares only cells that were run
    return cell


def catalogue_notebook(paths: list[Path]) -> nbformat.NotebookNode:
    rows = []
    for path in paths:
        s = load_scenario(path)
        rows.append({"id": s.id, "th": s.title.th, "en": s.title.en, "audience": s.audience or ["trainee"],
                     "tags": s.tags, "steps": len(s.steps)})
    data = json.dumps(rows, ensure_ascii=False)
    pairs = [f"{a!r}: {th_en('audience_' + a)!r}" for a in AUDIENCES]
    audiences = (", ".join(pairs[:2]), ", ".join(pairs[2:]))
    modes = [(m, th_en(f"mode_{m}")) for m in ("practice", "demo", "test")]  # «ฝึกปฏิบัติ (Practice)» first
    return _notebook([
        nbformat.v4.new_markdown_cell(
            f"# {th_en('notebook_catalogue_title')}\n\n{label('notebook_catalogue_intro')} · "
            f"{label('notebook_catalogue_intro', 'en')}"),
        _hidden(
            "import html, json\nimport ipywidgets as w\nfrom sandbox.ui.widgets import LINK_CSS\n\n"
            f"SCENARIOS = json.loads({data!r})\n"
            f"AUDIENCES = {{{audiences[0]},\n             {audiences[1]}}}\n\n"
            f"MODES = {modes!r}\n\n"
            "def modes(sid):\n"
            "    \"\"\"One link a mode, Practice first (where a new trainee starts).\"\"\"\n"
            "    return ' · '.join(f\"<a class='gf-mode-{m}' href='../app.ipynb?scenario={sid}&mode={m}'>{html.escape(name)}</a>\"\n"
            "                      + (f\" <b class='gf-start-here'>← {html.escape(START)}</b>\" if m == 'practice' else '') for m, name in MODES)\n\n"
            f"START = {th_en('uxd_start_here')!r}\n\n"
            "def table(audience):\n"
            "    rows = [s for s in SCENARIOS if audience in s['audience']]\n"
            "    body = ''.join(\n"
            "        f\"<tr><td><a href='../app.ipynb?scenario={s['id']}&mode=practice'>{html.escape(s['th'])}</a><br>\"\n"
            "        f\"<i>{html.escape(s['en'])}</i></td><td>{', '.join(s['tags'])}</td><td>{s['steps']}</td>\"\n"
            "        f\"<td class='gf-modes'>{modes(s['id'])}</td></tr>\" for s in rows)\n"
            "    return (f'<h3>{AUDIENCES[audience]}</h3><table class=\"gf-table\"><tr><th>" + label("catalogue_exercise")
            + "</th><th>" + label("catalogue_topics") + "</th>'\n"
            "            f'<th style=\"white-space:nowrap\">" + label("catalogue_steps") + "</th><th>" + label("catalogue_modes") + "</th></tr>{body}</table>')\n\n"
            "w.HTML(LINK_CSS + \"<div class='gf-links'>\" + ''.join(table(a) for a in AUDIENCES) + '</div>')"
        ),
        _checked(
            "# NBVAL_CHECK_OUTPUT\nprint(len(SCENARIOS), 'scenarios')\n"
            "for a in AUDIENCES:\n    print(a, sum(a in s['audience'] for s in SCENARIOS))",
            f"{len(rows)} scenarios\n" + "".join(
                f"{a} {sum(a in r['audience'] for r in rows)}\n" for a in AUDIENCES),
        ),
    ])


def _with_charts(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """A page that draws plotly charts: our Voila template loads plotly's 4.7 MB extension only for
    these (``gfmis/index.html.j2``)."""
    nb.metadata["gfmis"] = {"plotly": True}
    return nb


def policy_notebook() -> nbformat.NotebookNode:
    return _with_charts(_notebook([_hidden("from sandbox.ui.policy import PolicyExplorer\n\nexplorer = PolicyExplorer()\nexplorer")]))


def trainer_notebook() -> nbformat.NotebookNode:
    """The trainer's page of a class (``serve --class NAME``; the trainer's sign-in only)."""
    return _with_charts(_notebook([_hidden("from sandbox.ui.trainer import open_trainer_page\n\npage = open_trainer_page()\npage")]))


def policy_checks_notebook() -> nbformat.NotebookNode:
    """The policy page's checks, for nbval (kept off the page policy makers open)."""
    return _notebook([
        nbformat.v4.new_markdown_cell(f"# {th_en('notebook_policy_checks')}"),
        nbformat.v4.new_code_cell("from sandbox.ui.policy import PolicyExplorer\n\nexplorer = PolicyExplorer()"),
        _checked(
            "# NBVAL_CHECK_OUTPUT\n"
            "explorer.years.value = (2566,)\n"
            "explorer.march_rule.kind.value = 'on_date'\n"
            "explorer.march.value = '05/04/2567 16:30'\n"
            "explorer.march_rule.year.value = 2566\n"
            "explorer.holiday.value = '29/09/2566'\n"
            "result = explorer.what_if()\n"
            "for a, b in result.shifts:\n"
            "    print(a.key, (a.end or a.start).isoformat(), '->', (b.end or b.start).isoformat())\n"
            "explorer.march.value = '06/04/2567'\n"
            "print([p.code for p in explorer.what_if().problems])",
            # A holiday on Friday 29 Sep 2566 moves the September deadline to Thursday; a March
            # deadline moved to 5 Apr 2567 for FY2566 moves the March lapse with it (docs/rules.md §5.2);
            # Saturday 6 Apr 2567 is no business day: refused.
            "september_window 2023-09-29T16:30:00+07:00 -> 2023-09-28T16:30:00+07:00\n"
            "september_deadline 2023-09-29T16:30:00+07:00 -> 2023-09-28T16:30:00+07:00\n"
            "march_window 2024-03-29T16:30:00+07:00 -> 2024-04-05T16:30:00+07:00\n"
            "extension_usable 2024-10-01T00:00:00+07:00 -> 2024-10-01T00:00:00+07:00\n"
            "march_deadline 2024-03-29T16:30:00+07:00 -> 2024-04-05T16:30:00+07:00\n"
            "march_lapse 2024-03-30T00:00:00+07:00 -> 2024-04-05T16:30:00+07:00\n"
            "['not_business_day']\n",
        ),
        nbformat.v4.new_code_cell(
            "from sandbox.simulation import Behaviour, simulate\n"
            "a = simulate(explorer.population, Behaviour(explorer.enrol.value, explorer.confirm.value))\n"
            "b = simulate(explorer.population, Behaviour(explorer.enrol.value, explorer.confirm.value),\n"
            "             refuse_from='2025-05-12T00:00:00+07:00')\n"
            "assert 0 < b.locked_out < a.locked_out < len(explorer.population.users)  # a later cut-over locks out fewer\n"
            "print(a.locked_out, b.locked_out)"
        ),
    ])


def scenario_paths() -> list[Path]:
    return sorted((ROOT / "scenarios").glob("*.yaml"))


def build(check: bool = False) -> list[Path]:
    """Write every generated notebook; with ``check``, write nothing and return the stale ones."""
    wanted: dict[Path, nbformat.NotebookNode] = {NOTEBOOKS / "app.ipynb": app_notebook()}
    for key, title in screen_titles().items():
        wanted[NOTEBOOKS / "screens" / f"{key}.ipynb"] = screen_notebook(key, title)
    paths = scenario_paths()
    for path in paths:
        wanted[NOTEBOOKS / "scenarios" / f"{path.stem}.ipynb"] = scenario_notebook(path)
    wanted[NOTEBOOKS / "scenarios" / "catalogue.ipynb"] = catalogue_notebook(paths)
    wanted[NOTEBOOKS / "policy.ipynb"] = policy_notebook()
    wanted[NOTEBOOKS / "trainer.ipynb"] = trainer_notebook()
    wanted[NOTEBOOKS / "checks" / "policy.ipynb"] = policy_checks_notebook()
    stale = []
    for path, nb in wanted.items():
        text = nbformat.writes(nb) + "\n"
        if not path.exists() or path.read_text("utf-8") != text:
            stale.append(path)
            if not check:
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(text, "utf-8")
    return stale


def new_scenario_template(scenario_id: str) -> str:
    """A starting point for a trainer's own exercise."""
    return yaml.safe_dump({
        "id": scenario_id,
        "title": {"th": label("template_title"), "en": label("template_title", "en")},
        "audience": ["trainee"],
        "tags": ["reserve"],
        "world": "demo",
        "start": "2025-09-01T09:00:00+07:00",
        "steps": [
            {"title": {"th": label("menu_login"), "en": label("menu_login", "en")}, "actor": "rec1", "action": "auth.login",
             "input": {"method": "soft_token", "password": "Sandbox#2566", "otp": "auto"}},
        ],
    }, allow_unicode=True, sort_keys=False)
