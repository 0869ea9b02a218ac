"""National-scale what-if: a synthetic population of disbursing units, users and reserve documents,
and what a policy does to them — who is locked out at the Soft Token cut-over, how much money
lapses at a round's deadline. Vectorised with NumPy/pandas; the same seed gives the same numbers,
and the current and the changed policy are judged on the same random draws."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .adapters.policy_store import bundled_cutovers
from .calendar import BANGKOK, BusinessCalendar, parse_datetime
from .domain.policy import RoundPolicy

KINDS = np.array(["government", "state_agency", "lao", "dla_provincial", "provincial_treasury"])
KIND_SHARE = np.array([0.55, 0.05, 0.33, 0.04, 0.03])


@dataclass
class Behaviour:
    enrol_share_per_week: float = 0.18  # of the users not yet enrolled, who enrol in a week
    confirm_share_per_day: float = 0.10  # of the documents not yet confirmed, done per business day
    procrastination: float = 0.6  # 0: steady; 1: most work is left to the last days


@dataclass
class Population:
    units: pd.DataFrame
    users: pd.DataFrame
    documents: pd.DataFrame
    seed: int


@dataclass
class Outcome:
    locked_out: int
    locked_out_share: float
    lapsed_documents: int
    lapsed_money: float
    enrolment_curve: pd.DataFrame = field(repr=False)
    confirm_curve: pd.DataFrame = field(repr=False)
    by_kind: pd.DataFrame = field(repr=False)


def population(units: int = 8_000, users: int = 30_000, documents: int = 500_000, seed: int = 2566) -> Population:
    rng = np.random.default_rng(seed)
    unit_kind = rng.choice(KINDS, size=units, p=KIND_SHARE)
    # Some units are quick, some slow: one multiplier per unit, shared by its users and documents.
    pace = rng.lognormal(mean=0.0, sigma=0.5, size=units)
    unit_df = pd.DataFrame({"unit": np.arange(units), "kind": unit_kind, "pace": pace})
    user_unit = rng.integers(0, units, size=users)
    user_df = pd.DataFrame({"unit": user_unit, "draw": rng.random(users)})
    doc_unit = rng.integers(0, units, size=documents)
    amount = np.round(rng.lognormal(mean=12.3, sigma=1.1, size=documents), 2)  # baht; median ≈ 220,000
    doc_df = pd.DataFrame({"unit": doc_unit, "amount": amount, "draw": rng.random(documents)})
    return Population(unit_df, user_df, doc_df, seed)


def _waiting_steps(draw: np.ndarray, hazard: np.ndarray) -> np.ndarray:
    """Geometric waiting times by inversion of the same uniform draws (comparable across policies)."""
    hazard = np.clip(hazard, 1e-6, 0.999999)
    return np.floor(np.log1p(-draw) / np.log1p(-hazard)).astype(np.int64) + 1


def simulate(pop: Population, behaviour: Behaviour, *, cutover_key: str = "all_agencies", refuse_from=None,
             fiscal_year: int = 2567, extra_holidays=(), september_deadline=None) -> Outcome:
    cut = bundled_cutovers()[cutover_key]
    register_from = cut.register_from or cut.refuse_from - dt.timedelta(days=60)
    refuse = parse_datetime(refuse_from) if refuse_from else cut.refuse_from
    pace_user = pop.units["pace"].to_numpy()[pop.users["unit"].to_numpy()]
    weeks = _waiting_steps(pop.users["draw"].to_numpy(), behaviour.enrol_share_per_week * pace_user)
    enrolled_at_day = (weeks - 1) * 7 + 3  # mid-week
    window_days = (refuse - register_from).total_seconds() / 86400
    locked = enrolled_at_day >= window_days
    horizon = int(max(window_days, 7) // 7) + 8
    counts = np.bincount(np.minimum(weeks, horizon), minlength=horizon + 1)[1:]
    enrol_curve = pd.DataFrame({
        "week": np.arange(1, horizon + 1),
        "date": [register_from + dt.timedelta(days=7 * w) for w in range(1, horizon + 1)],
        "enrolled_share": np.cumsum(counts) / len(weeks),
    })

    cal = BusinessCalendar(parse_datetime(d).date() for d in extra_holidays)
    policy = RoundPolicy(fiscal_year, cal, parse_datetime(september_deadline) if september_deadline else None)
    days = business_days(cal, policy.september_opens.date(), policy.september_deadline.date())
    n_days = len(days)
    pace_doc = pop.units["pace"].to_numpy()[pop.documents["unit"].to_numpy()]
    confirm_day = _confirm_day(pop.documents["draw"].to_numpy(), behaviour.confirm_share_per_day * pace_doc,
                               behaviour.procrastination, n_days)
    late = confirm_day > n_days
    amount = pop.documents["amount"].to_numpy()
    money_per_day = np.bincount(np.minimum(confirm_day, n_days + 1), weights=amount, minlength=n_days + 2)[1:n_days + 1]
    confirm_curve = pd.DataFrame({"day": [d for d in days], "confirmed_money": np.cumsum(money_per_day)})
    kinds = pop.units["kind"].to_numpy()
    by_kind = pd.DataFrame({
        "kind": np.concatenate([kinds[pop.users["unit"].to_numpy()], kinds[pop.documents["unit"].to_numpy()]]),
        "locked_out": np.concatenate([locked, np.zeros(len(late), bool)]),
        "lapsed_money": np.concatenate([np.zeros(len(locked)), np.where(late, amount, 0.0)]),
    }).groupby("kind", as_index=False).sum()
    return Outcome(
        locked_out=int(locked.sum()), locked_out_share=float(locked.mean()),
        lapsed_documents=int(late.sum()), lapsed_money=float(amount[late].sum()),
        enrolment_curve=enrol_curve, confirm_curve=confirm_curve, by_kind=by_kind,
    )


def _confirm_day(draw: np.ndarray, rate: np.ndarray, procrastination: float, n_days: int) -> np.ndarray:
    """The business day each document is Listed and Confirmed. The daily rate rises towards the
    deadline, h(t) = rate·(1 + p·t/n); solving H(t) = E for an exponential E (from the document's
    own uniform draw) gives t in closed form."""
    e = -np.log1p(-np.clip(draw, 0, 1 - 1e-12))
    a = rate * procrastination / (2 * max(n_days, 1))
    b = rate
    with np.errstate(divide="ignore", invalid="ignore"):
        t = np.where(a > 0, (-b + np.sqrt(b * b + 4 * a * e)) / (2 * a), e / b)
    return np.ceil(t).astype(np.int64)


def business_days(cal: BusinessCalendar, first: dt.date, last: dt.date) -> list[dt.datetime]:
    out = []
    day = first
    while day <= last:
        if cal.is_business_day(day):
            out.append(dt.datetime.combine(day, dt.time(16, 30), tzinfo=BANGKOK))
        day += dt.timedelta(days=1)
    return out


def compare(a: Outcome, b: Outcome, lang: str = "th") -> pd.DataFrame:
    """Two policies' outcomes side by side: people locked out and money lapsing."""
    from .i18n import text

    return pd.DataFrame({
        "measure": [text("policy", k, lang) for k in ("locked_out", "lapsed_documents", "lapsed_money")],
        "current": [a.locked_out, a.lapsed_documents, round(a.lapsed_money, 2)],
        "changed": [b.locked_out, b.lapsed_documents, round(b.lapsed_money, 2)],
    })


