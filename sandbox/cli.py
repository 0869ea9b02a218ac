"""Command line: ``python -m sandbox --help``."""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path


class ArgumentProblem(Exception):
    """A command-line argument that breaks a rule: one line on stderr, exit code 2."""


def _db_problem(db) -> str | None:
    """Why ``--db`` cannot be the sandbox's database (a folder, a file that is not SQLite), or None."""
    from .limits import file_rule

    if db is None or "://" in str(db):
        return None
    path = Path(db).expanduser()
    if path.is_dir():
        return f"--db {db}: {file_rule('db_folder')}"
    if path.exists():
        try:
            with path.open("rb") as handle:
                head = handle.read(16)
        except OSError as exc:
            return f"--db {db}: {file_rule('db_not_database', detail=exc.strerror)}"
        if head and head != b"SQLite format 3\x00":
            return f"--db {db}: {file_rule('db_not_database', detail='not SQLite')}"
    return None


def _open(db):
    """The sandbox on ``db``; ``ArgumentProblem`` when it is not a usable database."""
    from sqlalchemy.exc import ArgumentError, SQLAlchemyError

    from .engine import Sandbox
    from .limits import file_rule

    problem = _db_problem(db)
    if problem:
        raise ArgumentProblem(problem)
    try:
        return Sandbox(db)
    except (SQLAlchemyError, ArgumentError, OSError, ValueError) as exc:
        detail = str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__
        raise ArgumentProblem(f"--db {db}: {file_rule('db_not_database', detail=detail)}") from None


def _fiscal_year(value) -> int | None:
    from .limits import FISCAL_YEARS, file_rule

    if value is not None and not FISCAL_YEARS[0] <= value <= FISCAL_YEARS[1]:
        raise ArgumentProblem(file_rule("fiscal_year_range", low=FISCAL_YEARS[0], high=FISCAL_YEARS[1]))
    return value


def _moment_arg(option: str, value):
    from .limits import FileProblem, moment

    try:
        return moment(value)
    except FileProblem as exc:
        raise ArgumentProblem(f"{option}: {exc}") from None


def _scenario_run(args) -> int:
    from .scenario import describe_failure, run_file

    tmp = None
    db = args.db or os.environ.get("SANDBOX_DB")
    if db is None:
        tmp = tempfile.TemporaryDirectory(prefix="gfmis-sandbox-")
        db = str(Path(tmp.name) / "scenario.sqlite")
    sandbox = _open(db)
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
    from .errors import WorldError
    from .world import validate_world

    start = _moment_arg("--start", args.start)
    try:
        spec = validate_world(args.name, start)
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


class _Parser(argparse.ArgumentParser):
    """argparse, but a wrong argument is one line on stderr (and exit code 2)."""

    def error(self, message: str):
        self.exit(2, f"error: {self.prog}: {message} (--help)\n")


def build_parser() -> argparse.ArgumentParser:
    from .i18n import text

    parser = _Parser(
        prog="python -m sandbox",
        description=" ".join(text("labels", "cli_description", lang) for lang in ("en", "th")),
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
    new = ssub.add_parser("new", help="start a new scenario file from a template")
    new.add_argument("id", help="kebab-case id; the file is scenarios/<id>.yaml")
    new.set_defaults(func=_scenario_new)

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


def _report(args) -> int:
    from .reports import build_report, write

    if not args.db and not os.environ.get("SANDBOX_DB"):
        print("--db PATH (or SANDBOX_DB) is required: the database a scenario run or the app left", file=sys.stderr)
        return 2
    _fiscal_year(args.fiscal_year)
    sandbox = _open(args.db)
    try:
        if not sandbox.has_world():
            print(f"{args.db}: no world is loaded in this database", file=sys.stderr)
            return 2
        try:
            report = build_report(
                sandbox, args.unit, args.kind, fiscal_year=args.fiscal_year, round=args.round, lang=args.lang,
                status=args.status, doc_type=args.doc_type, doc=args.doc, remaining=args.remaining,
                fund_source=args.fund_source, budget_code=args.budget_code, area=args.area,
                budget_unit=args.budget_unit, reason=args.reason, stream=True,  # rows read as the file is written
            )
        except ValueError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
        out = args.out or f"{args.kind}-{args.unit}-{report.fiscal_year}-{args.round}.{args.format}"
        write(report, args.format, out)
        print(f"{out}: {report.row_count} rows, value {report.totals['value']:,.2f}, "
              f"approved {report.totals['approved']:,.2f}, remaining {report.totals['remaining']:,.2f}")
    finally:
        sandbox.close()
    return 0


def _register_report(sub) -> None:
    rep = sub.add_parser("report", help="NFMA60 / NFMA60CX as Excel, PDF or CSV")
    rep.add_argument("kind", choices=["nfma60", "nfma60cx"])
    rep.add_argument("--db", help="SQLite file (or database URL) left by 'scenario run --db' or the app")
    rep.add_argument("--unit", required=True, help="disbursement unit code (a central unit sees its agency)")
    rep.add_argument("--fiscal-year", type=int, help="BE year the money belongs to (default: the current one)")
    rep.add_argument("--round", choices=["september", "march"], default="september")
    rep.add_argument("--status", choices=["not_listed", "listed", "confirmed", "approved"])
    rep.add_argument("--doc-type", choices=["CX", "CK", "PO"])
    rep.add_argument("--doc", help="document number")
    rep.add_argument("--remaining", help="whole-document remaining (baht)")
    rep.add_argument("--fund-source")
    rep.add_argument("--budget-code")
    rep.add_argument("--area")
    rep.add_argument("--budget-unit", help="budget-receiving unit (first 5 digits of the budget code)")
    rep.add_argument("--reason")
    rep.add_argument("--format", choices=["xlsx", "pdf", "csv"], default="xlsx")
    rep.add_argument("--lang", choices=["th", "en"], default="th")
    rep.add_argument("--out", help="output file")
    rep.set_defaults(func=_report)


def _notebooks_build(args) -> int:
    from .notebooks import build

    stale = build(check=args.check)
    for path in stale:
        print(("stale: " if args.check else "wrote: ") + str(path))
    if args.check and stale:
        return 1
    print(f"{len(stale)} notebook(s) {'stale' if args.check else 'written'}")
    return 0


def _scenario_new(args) -> int:
    import re

    from .limits import file_rule
    from .notebooks import new_scenario_template, scenario_paths

    if not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", args.id) or len(args.id) > 80:
        raise ArgumentProblem(file_rule("bad_argument", option="id", value=f"{args.id[:80]!r} (kebab-case: a-z 0-9 -)"))
    path = Path("scenarios") / f"{args.id}.yaml"
    if path.exists():
        print(f"{path} exists", file=sys.stderr)
        return 1
    path.write_text(new_scenario_template(args.id), "utf-8")
    print(f"wrote {path}; edit it, then: python -m sandbox scenario run {path} && python -m sandbox notebooks build")
    return 0 if scenario_paths() else 1


def _register_notebooks(sub) -> None:
    nb = sub.add_parser("notebooks", help="generate the notebooks (app, screens, one per scenario, catalogue)")
    nsub = nb.add_subparsers(dest="notebooks_command", required=True)
    b = nsub.add_parser("build", help="(re)write notebooks/ from the package and scenarios/*.yaml")
    b.add_argument("--check", action="store_true", help="write nothing; exit 1 if a notebook is stale")
    b.set_defaults(func=_notebooks_build)


def _timeline(args) -> int:
    from .adapters.policy_store import bundled_cutovers
    from .limits import file_rule
    from .timeline import derive, to_csv, to_json, with_cutover

    _fiscal_year(args.fiscal_year)
    changes = {}
    if args.september_deadline:
        changes["september_deadline"] = _moment_arg("--september-deadline", args.september_deadline)
    if args.march_deadline:
        changes["march_deadline"] = _moment_arg("--march-deadline", args.march_deadline)
    if args.holiday:
        changes["extra_holidays"] = [_moment_arg("--holiday", day) for day in args.holiday]
    if args.cutover:
        key, _, when = args.cutover.partition("=")
        if key not in bundled_cutovers():
            raise ArgumentProblem(file_rule("bad_argument", option="--cutover", value=f"{key} ({', '.join(bundled_cutovers())})"))
        changes["cutovers"] = with_cutover(key, _moment_arg("--cutover", when))
    events = derive(args.fiscal_year, **changes)
    print(to_json(events) if args.format == "json" else to_csv(events), end="")
    return 0


def _register_timeline(sub) -> None:
    tl = sub.add_parser("timeline", help="every date of the rounds and cut-overs for a fiscal year (ISO 8601)")
    tl.add_argument("--fiscal-year", type=int, required=True, help="BE year the money belongs to, e.g. 2566")
    tl.add_argument("--format", choices=["csv", "json"], default="csv")
    tl.add_argument("--september-deadline", help="what-if: another September deadline")
    tl.add_argument("--march-deadline", help="what-if: another March deadline")
    tl.add_argument("--holiday", action="append", help="what-if: an extra holiday (repeatable)")
    tl.add_argument("--cutover", help="what-if: KEY=MOMENT, e.g. all_agencies=2025-05-01T00:00:00+07:00")
    tl.set_defaults(func=_timeline)


def _serve(args) -> int:
    from .limits import file_rule
    from .ui.serve import serve

    if not 1 <= args.port <= 65535:
        raise ArgumentProblem(file_rule("bad_argument", option="--port", value=f"{args.port} (1-65535)"))
    problem = _db_problem(args.db)
    if problem:
        raise ArgumentProblem(problem)
    from .i18n import label
    from .ui.serve import is_loopback

    if not args.class_name and not is_loopback(args.ip):
        raise ArgumentProblem(label("cls_serve_network_needs_class", "en").format(ip=args.ip))
    if args.pool_size is not None and not 0 <= args.pool_size <= 16:
        raise ArgumentProblem(file_rule("bad_argument", option="--pool-size", value=f"{args.pool_size} (0-16)"))
    if args.class_name:
        from .classroom.classroom import ClassError

        try:
            serve(args.port, args.db, class_name=args.class_name, class_db=args.class_db, ip=args.ip,
                  pool_size=args.pool_size, class_root=args.sandboxes, frontend=args.frontend)
        except ClassError as exc:
            raise ArgumentProblem(exc.message("en")) from None
    serve(args.port, args.db, ip=args.ip, pool_size=args.pool_size, frontend=args.frontend)
    return 0  # not reached: the process becomes the Voila server


def _register_serve(sub) -> None:
    sv = sub.add_parser("serve", help="the training app in Voila (bin/start runs this)")
    sv.add_argument("--port", type=int, default=8866)
    sv.add_argument("--db", help="SQLite file or database URL (default: SANDBOX_DB, then var/sandbox.sqlite)")
    sv.add_argument("--class", dest="class_name", help="serve a class (trainees and trainer sign in)")
    sv.add_argument("--class-db", help="the class database (default: var/classes.sqlite)")
    sv.add_argument("--sandboxes", help="folder of the trainees' SQLite sandboxes (default: var/classes)")
    sv.add_argument("--ip", default="127.0.0.1", help="address to listen on (another than loopback needs --class)")
    sv.add_argument("--pool-size", type=int, help="pre-heated app kernels (default 1; a class 4)")
    sv.add_argument("--frontend", choices=("lite", "lab"), help="lite (default, or SANDBOX_FRONTEND) or lab: Voila's frontend")
    sv.set_defaults(func=_serve)


def _province(args) -> int:
    from .province import run_cli

    if not args.db and not os.environ.get("SANDBOX_DB"):
        print("--db PATH (or SANDBOX_DB) is required: the database a scenario run or the app left", file=sys.stderr)
        return 2
    sandbox = _open(args.db)
    try:
        if not sandbox.has_world():
            print(f"{args.db}: no world is loaded in this database", file=sys.stderr)
            return 2
        return run_cli(sandbox, args)
    finally:
        sandbox.close()


def _register_province(sub) -> None:
    from .province import add_arguments

    pr = sub.add_parser("province", help="the provincial treasury office's desk: what is still open per unit of an area")
    add_arguments(pr)
    pr.set_defaults(func=_province)


def _register_class(sub) -> None:
    from .classroom.cli import register

    register(sub, ArgumentProblem)


# Later subcommands register themselves here.
_EXTENSIONS: list = [_register_report, _register_notebooks, _register_timeline, _register_serve, _register_province,
                     _register_class]


def main(argv: list[str] | None = None) -> int:
    """Run a subcommand. A malformed argument or file is one line on stderr and exit code 2;
    an unexpected error too (``SANDBOX_DEBUG=1`` shows its traceback)."""
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except ArgumentProblem as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except Exception as exc:
        if os.environ.get("SANDBOX_DEBUG"):
            raise
        print(f"error: {type(exc).__name__}: {str(exc).splitlines()[0][:300] if str(exc) else ''}", file=sys.stderr)
        return 2
