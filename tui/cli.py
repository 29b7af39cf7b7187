"""The `frontdesk` command: the TUI by default, and the scriptable commands of SPEC §5."""

from __future__ import annotations

import argparse
import datetime as dt
import getpass
import json
import os
import sys
from collections.abc import Sequence

from data import i18n
from data.errors import FrontDeskError
from data.i18n import _


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="frontdesk",
        description=_("FrontDesk 物业前台 — the front desk of a residential property company."),
    )
    parser.add_argument(
        "--db", metavar="PATH_OR_URL",
        help=_("SQLite file or postgresql:// URL (else FRONTDESK_DB, else your own copy of the demo data)"),
    )
    parser.add_argument("--user", metavar="LOGIN", help=_("staff login (else your OS login)"))
    parser.add_argument("--lang", choices=i18n.LANGUAGES, help=_("interface language (default zh)"))
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("sample", help=_("write a realistic demo database"))
    p.add_argument("--out", required=True, metavar="PATH", help=_("the new SQLite file"))
    p.add_argument("--owners", type=int, default=2000, metavar="N", help=_("households (default 2000)"))
    p.add_argument("--seed", type=int, default=1, metavar="S", help=_("same seed, same content (default 1)"))
    p.add_argument("--today", metavar="YYYY-MM-DD", help=_("the day the data is anchored on (default today)"))
    p.add_argument("--force", action="store_true", help=_("replace PATH if it exists"))

    sub.add_parser("migrate", help=_("bring the database to the current schema"))

    p = sub.add_parser("staff", help=_("staff accounts"))
    staff_sub = p.add_subparsers(dest="staff_command", metavar="ACTION", required=True)
    q = staff_sub.add_parser("add", help=_("add a staff account"))
    q.add_argument("login")
    q.add_argument("--name", required=True)
    q.add_argument("--role", required=True, help="desk, tech, supervisor, manager, admin")
    q.add_argument("--phone", default="")
    q = staff_sub.add_parser("list", help=_("list staff accounts"))
    q.add_argument("--json", action="store_true", help=_("one JSON object per line"))

    p = sub.add_parser("bench", help=_("the benchmark suite (SPEC §10)"))
    p.add_argument("--json", action="store_true", help=_("one JSON object per line"))
    p.add_argument("--runs", type=int, default=5, metavar="N", help=_("repetitions per measure"))
    return parser


def _open(args: argparse.Namespace, *, check: bool = True) -> str:
    from data import schema
    from data.db import open_database
    from tui.paths import default_database

    target = args.db or default_database()
    open_database(target)
    if check:
        schema.check()
    return target


def _emit_json(obj: object) -> None:
    print(json.dumps(obj, ensure_ascii=False, default=str))


def cmd_tui(args: argparse.Namespace) -> int:
    from data.staff import sign_in
    from tui.paths import database_label

    target = _open(args)
    login = args.user or os.environ.get("FRONTDESK_USER") or getpass.getuser()
    staff = sign_in(login)
    from tui.app import FrontDeskApp

    FrontDeskApp(staff, database_label(target)).run()
    return 0


def cmd_sample(args: argparse.Namespace) -> int:
    from data.sample import generate

    today = dt.date.fromisoformat(args.today) if args.today else None
    if args.owners < 1:
        raise FrontDeskError(_("--owners must be at least 1."))
    stats = generate(
        args.out, owners=args.owners, seed=args.seed, today=today, force=args.force,
        progress=lambda text: print(text, file=sys.stderr, flush=True),
    )
    size_mb = os.path.getsize(args.out) / 1e6
    print(_("Wrote {path}: {size:.1f} MB in {seconds:.1f} s.").format(
        path=args.out, size=size_mb, seconds=stats.seconds))
    return 0


def cmd_migrate(args: argparse.Namespace) -> int:
    from data import schema

    target = _open(args, check=False)
    applied = schema.migrate()
    if applied:
        print(_("Applied to {db}: {names}").format(db=target, names=", ".join(applied)))
    else:
        print(_("{db} is up to date.").format(db=target))
    return 0


def cmd_staff(args: argparse.Namespace) -> int:
    from data.staff import add_staff, list_staff

    _open(args)
    if args.staff_command == "add":
        info = add_staff(args.login, args.name, args.role, args.phone)
        print(_("Added {login} ({name}, {role}).").format(
            login=info.login, name=info.name, role=info.role_label))
        return 0
    for info in list_staff():
        if args.json:
            _emit_json({"login": info.login, "name": info.name, "role": info.role, "phone": info.phone})
        else:
            print(f"{info.login:<12} {info.name:<8} {info.role_label}")
    return 0


def cmd_bench(args: argparse.Namespace) -> int:
    from tui.bench import run_bench

    return run_bench(runs=args.runs, as_json=args.json)


COMMANDS = {
    None: cmd_tui,
    "sample": cmd_sample,
    "migrate": cmd_migrate,
    "staff": cmd_staff,
    "bench": cmd_bench,
}


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `frontdesk` console command."""
    argv = list(sys.argv[1:] if argv is None else argv)
    # The language must be known before the parser's help texts are built.
    lang = next((argv[i + 1] for i, a in enumerate(argv[:-1]) if a == "--lang"), None)
    lang = lang or next((a.split("=", 1)[1] for a in argv if a.startswith("--lang=")), None)
    try:
        i18n.set_language(lang)
    except ValueError:
        pass  # argparse reports the bad choice below
    args = _parser().parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except FrontDeskError as exc:
        print(_("frontdesk: {message}").format(message=exc), file=sys.stderr)
        return 2
    except FileExistsError as exc:
        print(_("frontdesk: {path} exists; pass --force to replace it.").format(path=exc.filename or exc),
              file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    raise SystemExit(main())
