"""``python -m sandbox class …``: create, list, show, reset, export (registered by sandbox.cli).

A class request that cannot be done, or a bad argument, is one line on stderr and exit code 2
(``problem`` is the command line's ArgumentProblem, handed in so this module does not import it).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from ..i18n import LANGS, text

DEFAULT_BASE_URL = "http://127.0.0.1:8866"


def _say(key: str, **values) -> str:
    return " / ".join(text("classroom", key, lang).format(**values) for lang in LANGS)


def _store_options(parser, *, default=None) -> None:
    parser.add_argument("--class-db", default=default,
                        help="class database: SQLite file or PostgreSQL URL (default var/classes.sqlite)")
    parser.add_argument("--sandboxes", default=default, help="folder of the SQLite sandboxes (default var/classes)")


def register(sub, problem: type[Exception]) -> None:
    cls = sub.add_parser("class", help="class mode: a class of trainees, each in sandboxes of their own")
    _store_options(cls)
    csub = cls.add_subparsers(dest="class_command", required=True)

    create = csub.add_parser("create", help="make a class: trainee codes GR01…, a trainer code, a class sheet")
    _store_options(create, default=argparse.SUPPRESS)  # before or after the subcommand
    create.add_argument("name")
    create.add_argument("--world", default="demo")
    create.add_argument("--trainees", type=int, default=30)
    create.add_argument("--exercises", help="exercise ids, comma separated")
    create.add_argument("--start", help="the free-play clock's start, ISO 8601 (default today 08:30)")
    create.add_argument("--sheet", help="write the class sheet (PDF) here (default var/<NAME>-sheet.pdf)")
    create.add_argument("--base-url", default=DEFAULT_BASE_URL, help=f"the address trainees open (default {DEFAULT_BASE_URL})")
    create.add_argument("--no-prepare", action="store_true", help="do not make the trainees' sandboxes now (they are made at first sign-in)")
    create.set_defaults(func=lambda a: _create(a, problem))

    lst = csub.add_parser("list", help="the classes")
    _store_options(lst, default=argparse.SUPPRESS)  # before or after the subcommand
    lst.set_defaults(func=lambda a: _list(a, problem))

    show = csub.add_parser("show", help="a class: trainees, codes, progress")
    _store_options(show, default=argparse.SUPPRESS)  # before or after the subcommand
    show.add_argument("name")
    show.set_defaults(func=lambda a: _show(a, problem))

    reset = csub.add_parser("reset", help="a fresh free-play sandbox for one trainee (scores stay)")
    _store_options(reset, default=argparse.SUPPRESS)  # before or after the subcommand
    reset.add_argument("name")
    reset.add_argument("trainee")
    reset.set_defaults(func=lambda a: _reset(a, problem))

    export = csub.add_parser("export", help="results: one row per trainee × exercise × step")
    _store_options(export, default=argparse.SUPPRESS)  # before or after the subcommand
    export.add_argument("name")
    export.add_argument("--format", default="xlsx")
    export.add_argument("--out", required=True)
    export.set_defaults(func=lambda a: _export(a, problem))

    remove = csub.add_parser("delete", help="remove a class with every sandbox and result of it")
    _store_options(remove, default=argparse.SUPPRESS)
    remove.add_argument("name")
    remove.set_defaults(func=lambda a: _delete(a, problem))

    sheet = csub.add_parser("sheet", help="(re)write a class's sheet (PDF)")
    _store_options(sheet, default=argparse.SUPPRESS)  # before or after the subcommand
    sheet.add_argument("name")
    sheet.add_argument("--out", required=True)
    sheet.add_argument("--base-url", default=DEFAULT_BASE_URL)
    sheet.set_defaults(func=lambda a: _sheet(a, problem))


def _room(args, problem):
    from sqlalchemy.exc import ArgumentError, SQLAlchemyError

    from .classroom import Classroom

    try:
        return Classroom(args.class_db, args.sandboxes)
    except (SQLAlchemyError, ArgumentError, OSError, ValueError, RuntimeError) as exc:
        detail = str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__
        raise problem(f"--class-db {args.class_db}: {detail}") from None


def _run(args, problem, work):
    from .classroom import ClassError

    room = _room(args, problem)
    try:
        return work(room)
    except ClassError as exc:
        raise problem(str(exc)) from None
    finally:
        room.close()


def _out_path(value: str, problem) -> Path:
    path = Path(value).expanduser()
    if path.is_dir() or not path.parent.is_dir():
        raise problem(f"--out {value}: not a file in an existing folder")
    return path


def _create(args, problem) -> int:
    exercises = [e for e in (args.exercises or "").split(",") if e.strip()]
    sheet = Path(args.sheet) if args.sheet else Path("var") / f"{args.name}-sheet.pdf"
    if sheet.is_dir():
        raise problem(f"--sheet {args.sheet}: a folder")
    if not args.base_url.startswith(("http://", "https://")):
        raise problem(f"--base-url {args.base_url}: must start with http:// or https://")

    def work(room):
        from .class_sheet import class_sheet

        info = room.create_class(args.name, args.world, args.trainees, exercises, args.start)
        sheet.parent.mkdir(parents=True, exist_ok=True)
        class_sheet(info, args.base_url, str(sheet))
        if not args.no_prepare:
            done = room.prepare(info.name)
            print(_say("class_prepared", n=done["sandboxes"], seconds=f"{done['seconds']:.1f}"))
        print(_say("class_created", name=info.name, n=len(info.codes), first=info.codes[0], last=info.codes[-1]))
        print(_say("class_trainer_code", code=info.trainer_code))
        print(_say("class_sheet_written", path=sheet))
        return 0

    return _run(args, problem, work)


def _list(args, problem) -> int:
    def work(room):
        infos = room.classes()
        if not infos:
            print(_say("class_none"))
        for info in infos:
            print(f"{info.name}\t{info.world}\t{len(info.codes)}\t{','.join(info.exercises)}\t{info.created}")
        return 0

    return _run(args, problem, work)


def _show(args, problem) -> int:
    def work(room):
        info = room.get_class(args.name)
        print(f"{info.name}  world={info.world}  start={info.start}  exercises={','.join(info.exercises) or '-'}"
              f"  assigned={info.assigned or '-'}  trainer_code={info.trainer_code}")
        rows = {(r["code"], r["exercise"]): r for r in room.progress(args.name)}
        for trainee in info.trainees:
            cells = [
                f"{ex}:{rows[(trainee['code'], ex)]['step_reached']}/{rows[(trainee['code'], ex)]['score']}"
                for ex in info.exercises if (trainee["code"], ex) in rows
            ]
            print(f"{trainee['code']}\t{trainee['token']}\t{trainee['last_seen'] or '-'}\t{' '.join(cells)}")
        return 0

    return _run(args, problem, work)


def _reset(args, problem) -> int:
    def work(room):
        room.reset_trainee(args.name, args.trainee)
        print(_say("class_reset_done", name=args.name, code=args.trainee.upper()))
        return 0

    return _run(args, problem, work)


def _export(args, problem) -> int:
    from .export import FORMATS, write

    if args.format not in FORMATS:
        raise problem(_say("class_bad_format", fmt=args.format))
    out = _out_path(args.out, problem)

    def work(room):
        rows = room.export_rows(args.name)
        write(rows, args.format, out, args.name)
        print(_say("class_exported", n=len(rows), path=out))
        return 0

    return _run(args, problem, work)


def _sheet(args, problem) -> int:
    out = _out_path(args.out, problem)

    def work(room):
        from .class_sheet import class_sheet

        class_sheet(room.get_class(args.name), args.base_url, str(out))
        print(_say("class_sheet_written", path=out))
        return 0

    return _run(args, problem, work)


def _delete(args, problem) -> int:
    def work(room):
        dropped = room.delete_class(args.name)
        print(_say("class_deleted", name=args.name, n=dropped))
        return 0

    return _run(args, problem, work)
