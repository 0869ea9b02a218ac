"""The derived timeline against the seed, what-ifs, the CLI, and the national simulation."""

import json
import subprocess
import sys
from pathlib import Path

from sandbox.simulation import Behaviour, population, simulate
from sandbox.timeline import derive, moved, with_cutover

ROOT = Path(__file__).resolve().parents[1]


def by_key(events):
    return {e.key: e for e in events}


def test_fy2566_against_the_seed():
    e = by_key(derive(2566))
    # MoF letter in [004]: List and Confirm by 29 มีนาคม 2567 เวลา 16.30 น.
    assert e["march_deadline"].start.isoformat() == "2024-03-29T16:30:00+07:00"
    # carried-over money usable to the last business day of March 2567 (Friday 29 March) ...
    assert e["carry_over_usable"].end.isoformat() == "2024-03-30T00:00:00+07:00"
    # ... and extended money to the last business day of September 2567 (Monday 30 September)
    assert e["extension_usable"].end.isoformat() == "2024-10-01T00:00:00+07:00"
    assert e["september_deadline"].start.isoformat() == "2023-09-29T16:30:00+07:00"
    assert e["fiscal_year_end"].start.isoformat() == "2023-10-01T00:00:00+07:00"
    assert all(ev.source for ev in e.values()) and all(ev.rule_th and ev.rule_en for ev in e.values())


def test_a_holiday_moves_a_deadline():
    base = derive(2566)
    changed = derive(2566, extra_holidays=["2024-03-29"])
    e = by_key(changed)
    assert e["march_deadline"].start.isoformat() == "2024-03-28T16:30:00+07:00"
    assert e["carry_over_usable"].end.isoformat() == "2024-03-29T00:00:00+07:00"
    assert {a.key for a, _ in moved(base, changed)} >= {"march_deadline", "march_window", "carry_over_usable", "march_lapse"}


def test_cutover_dates_are_in_the_years_they_fall_in():
    e = by_key(derive(2568))
    assert e["all_agencies:cutover"].start.isoformat() == "2025-04-12T00:00:00+07:00"
    assert e["all_agencies:register"].start.isoformat() == "2025-02-10T00:00:00+07:00"
    assert e["all_agencies:token_return"].start.date().isoformat() == "2025-05-30"
    assert "all_agencies:cutover" not in by_key(derive(2567))
    later = by_key(derive(2568, cutovers=with_cutover("all_agencies", "2025-05-01T00:00:00+07:00")))
    assert later["all_agencies:cutover"].start.isoformat() == "2025-05-01T00:00:00+07:00"


def test_cli_prints_iso_dates_with_offset():
    out = subprocess.run([sys.executable, "-m", "sandbox", "timeline", "--fiscal-year", "2566", "--format", "json"],
                         capture_output=True, text=True, cwd=ROOT, check=True).stdout
    rows = {r["key"]: r for r in json.loads(out)}
    assert rows["march_deadline"]["start"] == "2024-03-29T16:30:00+07:00"
    csv = subprocess.run([sys.executable, "-m", "sandbox", "timeline", "--fiscal-year", "2566", "--holiday", "2024-03-29"],
                         capture_output=True, text=True, cwd=ROOT, check=True).stdout
    assert "2024-03-28T16:30:00+07:00" in csv and csv.startswith("key,group,")


def test_simulation_is_repeatable_and_responds_to_policy():
    pop = population(units=800, users=3_000, documents=50_000, seed=7)
    a = simulate(pop, Behaviour())
    again = simulate(population(units=800, users=3_000, documents=50_000, seed=7), Behaviour())
    assert (a.locked_out, a.lapsed_money) == (again.locked_out, again.lapsed_money)
    later = simulate(pop, Behaviour(), refuse_from="2025-06-01T00:00:00+07:00")
    assert later.locked_out < a.locked_out
    longer = simulate(pop, Behaviour(), september_deadline="2024-10-15T16:30:00+07:00")
    assert longer.lapsed_money < a.lapsed_money
    eager = simulate(pop, Behaviour(enrol_share_per_week=0.5, confirm_share_per_day=0.4))
    assert eager.locked_out < a.locked_out and eager.lapsed_money < a.lapsed_money
    assert abs(a.by_kind["lapsed_money"].sum() - a.lapsed_money) < 1
