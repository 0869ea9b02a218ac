"""Command line: ``python -m sandbox --help``."""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path


def _scenario_run(args) -> int:
    from .engine import Sandbox
    from .scenario import describe_failure, run_file

    tmp = None
    db = args.db or os.environ.get("SANDBOX_DB")
    if db is None:
        tmp = tempfile.TemporaryDirectory(prefix="gfmis-sandbox-")
        db = str(Path(tmp.name) / "scenario.sqlite")
    sandbox = Sandbox(db)
    passed = failed = 0
    try:
        for path in args.files:
            run = run_file(path, sandbox)
            if isinstance(run, str):
                failed += 1
                print(f"FAIL {run}")
            elif run.passed:
                passed += 1
                if args.verbose:
                    print(f"ok   {path} ({len(run.outcomes)} steps)")
            else:
                failed += 1
                print("\n".join(describe_failure(path, run)))
    finally:
        sandbox.close()
        if tmp:
            tmp.cleanup()
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


def _scenario_schema(args) -> int:
    from .scenario import json_schema

    print(json.dumps(json_schema(), ensure_ascii=False, indent=2))
    return 0


def _world_show(args) -> int:
    from .calendar import parse_datetime
    from .errors import WorldError
    from .world import validate_world

    try:
        spec = validate_world(args.name, parse_datetime(args.start))
    except WorldError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        return 1
    print(f"agencies ({len(spec.agencies)}):")
    for a in spec.agencies:
        print(f"  {a.code}  {a.kind:<20} {a.cutover:<17} {a.name}")
    print(f"units ({len(spec.units)}):")
    for u in spec.units:
        print(f"  {u.code}  area {u.area}  {'regional' if u.regional else 'central ':<8}  {u.name}")
    print(f"users ({len(spec.users)}):")
    for u in spec.users:
        print(f"  {u.id:<9} {u.unit}  {','.join(u.roles):<28} {u.credential:<9} soft_token={u.soft_token:<6} {u.name}")
    print(f"budget lines ({len(spec.budget_lines)}):")
    for b in spec.budget_lines:
        print(f"  {b.unit}  {b.budget_code}  {b.fund_source}  {b.commitment_item}  {float(b.allocation):>16,.2f}")
    return 0


def _world_list(args) -> int:
    from .world import bundled_worlds

    print("\n".join(bundled_worlds()))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m sandbox",
        description="New GFMIS Thai training sandbox (ระบบจำลองเพื่อการฝึกอบรม New GFMIS Thai)",
    )
    sub = parser.add_subparsers(dest="command", required=True)

    scenario = sub.add_parser("scenario", help="run scenario files, or print their JSON schema")
    ssub = scenario.add_subparsers(dest="scenario_command", required=True)
    run = ssub.add_parser("run", help="run scenario files as tests; ends with 'N passed, N failed'")
    run.add_argument("files", nargs="+", help="scenario YAML files")
    run.add_argument("--db", help="keep the state in this SQLite file (or database URL) instead of a temporary one")
    run.add_argument("-v", "--verbose", action="store_true", help="also list the scenarios that pass")
    run.set_defaults(func=_scenario_run)
    schema = ssub.add_parser("schema", help="print the JSON schema of scenario files (for editors)")
    schema.set_defaults(func=_scenario_schema)

    world = sub.add_parser("world", help="bundled worlds")
    wsub = world.add_subparsers(dest="world_command", required=True)
    show = wsub.add_parser("show", help="validate and list a bundled world")
    show.add_argument("name")
    show.add_argument("--start", default="2025-09-01T09:00:00+07:00", help="fills the world's fiscal-year digits")
    show.set_defaults(func=_world_show)
    lst = wsub.add_parser("list", help="names of the bundled worlds")
    lst.set_defaults(func=_world_list)

    for register in _EXTENSIONS:
        register(sub)
    return parser


# Later subcommands (report, timeline, app …) register themselves here.
_EXTENSIONS: list = []


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.func(args)
