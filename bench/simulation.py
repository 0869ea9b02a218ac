"""Benchmark: the national simulation at full scale (8,000 units, 30,000 users, 500,000 documents).

    .venv/bin/python -m bench.simulation
"""

from __future__ import annotations

import resource
import time

from sandbox.simulation import Behaviour, compare, population, simulate


def main() -> int:
    t = time.perf_counter()
    pop = population(units=8_000, users=30_000, documents=500_000, seed=2566)
    built = time.perf_counter() - t
    t = time.perf_counter()
    outcome = simulate(pop, Behaviour())
    one = time.perf_counter() - t
    t = time.perf_counter()
    changed = simulate(pop, Behaviour(), refuse_from="2025-05-01T00:00:00+07:00",
                       september_deadline="2024-10-04T16:30:00+07:00")
    table = compare(outcome, changed, "en")
    both = time.perf_counter() - t
    print("National simulation: 8,000 units, 30,000 users, 500,000 documents (seed 2566)")
    print(f"  population built            {built:6.2f} s")
    print(f"  one policy                  {one:6.2f} s   ({outcome.locked_out:,} users locked out, "
          f"{outcome.lapsed_documents:,} documents / {outcome.lapsed_money:,.0f} baht lapsing)")
    print(f"  the changed policy          {both:6.2f} s")
    print(f"  total                       {built + one + both:6.2f} s   peak RSS "
          f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:,.0f} MiB")
    print(table.to_string(index=False, float_format=lambda v: f"{v:,.0f}"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
