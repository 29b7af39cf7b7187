"""The `frontdesk` command: the TUI by default, and the scriptable commands of SPEC §5."""

from __future__ import annotations

import argparse
import datetime as dt
import getpass
import json
import os
import sys
import time
from collections.abc import Sequence

from data import i18n
from data.errors import FrontDeskError
from data.i18n import _
from tui import cli_calendar, cli_calls, cli_tickets


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

    p = sub.add_parser("owners", help=_("owners: search"))
    owners_sub = p.add_subparsers(dest="owners_command", metavar="ACTION", required=True)
    q = owners_sub.add_parser("search", help=_("the same search as the TUI"))
    q.add_argument("queries", nargs="+", metavar="QUERY", help=_("a query; - reads one query a line from stdin"))
    q.add_argument("--json", action="store_true", help=_("one JSON object per line"))
    q.add_argument("--limit", type=int, default=20, metavar="K", help=_("hits per query (default 20)"))
    q.add_argument("--community", metavar="NAME", help=_("only this community"))

    p = sub.add_parser("import", help=_("import data"))
    import_sub = p.add_subparsers(dest="import_command", metavar="WHAT", required=True)
    q = import_sub.add_parser("owners", help=_("import an owner roster (.csv or .xlsx)"))
    q.add_argument("file", metavar="FILE")
    q.add_argument("--community", metavar="NAME", help=_("community of every row when the file has no 小区 column"))
    q.add_argument("--skip-invalid", action="store_true", help=_("import the valid rows, list the others"))
    q.add_argument("--rejects", metavar="PATH", help=_("where to write the rejected rows (default FILE.rejects.csv)"))

    p = sub.add_parser("bench", help=_("the benchmark suite (SPEC §10)"))
    p.add_argument("--json", action="store_true", help=_("one JSON object per line"))
    p.add_argument("--runs", type=int, default=5, metavar="N", help=_("repetitions per measure"))
    p.add_argument("--sizes", default="10000,1000000", metavar="N,N",
                   help=_("database sizes in owners (default 10000,1000000)"))
    cli_tickets.add_parsers(sub)
    cli_calls.add_parsers(sub)
    cli_calendar.add_parsers(sub)
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


def cmd_owners(args: argparse.Namespace) -> int:
    from data.people import community_by_name
    from data.search import search

    _open(args)
    community_id = community_by_name(args.community).id if args.community else None
    queries: list[str] = []
    for q in args.queries:
        if q == "-":
            queries += [line.rstrip("\n") for line in sys.stdin if line.strip()]
        else:
            queries.append(q)
    if args.limit < 1:
        raise FrontDeskError(_("--limit must be at least 1."))
    for query in queries:
        result = search(query, limit=args.limit, community_id=community_id)
        if args.json:
            _emit_json({
                "query": query,
                "hits": [
                    {
                        "id": h.id, "name": h.name, "role": h.role, "current": h.current,
                        "rooms": list(h.rooms), "communities": list(h.communities),
                        "phones": list(h.masked_phones), "plates": list(h.plates),
                        "tags": list(h.tags), "matched": h.matched,
                    }
                    for h in result.hits
                ],
                "rooms": [{"id": r.id, "code": r.code, "community": r.community} for r in result.rooms],
            })
            continue
        print(_("# {query}: {count} found").format(query=query, count=len(result.hits)))
        if result.too_short:
            print(_("  (type at least 4 digits of a phone or ID number, or a room such as 3-2-501)"))
        for h in result.hits:
            rooms = " ".join(f"{c}{r}" for r, c in zip(h.rooms, h.communities, strict=False))
            phone = h.masked_phones[0] if h.phones else ""
            print(f"  {h.id:>8}  {h.name:<6}  {rooms}  {phone}  [{h.matched}]")
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    from data.roster import import_owners

    _open(args)
    last = [0.0]

    def progress(done: int, total: int) -> None:
        now = time.monotonic()
        if sys.stderr.isatty() and (now - last[0] > 0.2 or done == total):
            last[0] = now
            width = 30
            filled = int(width * done / max(total, 1))
            print(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total}", end="", file=sys.stderr, flush=True)
            if done == total:
                print(file=sys.stderr)

    report = import_owners(
        args.file, community=args.community, skip_invalid=args.skip_invalid,
        rejects_path=args.rejects, progress=progress,
    )
    print(report.summary())
    return 0


def cmd_bench(args: argparse.Namespace) -> int:
    from tui.bench import run_bench

    try:
        sizes = tuple(int(x) for x in args.sizes.split(",") if x.strip())
    except ValueError:
        raise FrontDeskError(_("--sizes takes owner counts separated by commas, such as 10000,1000000.")) from None
    return run_bench(runs=args.runs, as_json=args.json, sizes=sizes)


COMMANDS = {
    None: cmd_tui,
    "sample": cmd_sample,
    "migrate": cmd_migrate,
    "staff": cmd_staff,
    "owners": cmd_owners,
    "import": cmd_import,
    "bench": cmd_bench,
    **cli_tickets.COMMANDS,
    **cli_calls.COMMANDS,
    **cli_calendar.COMMANDS,
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
        from data.workorders import ConflictError  # loaded already if it can be one

        return 3 if isinstance(exc, ConflictError) else 2
    except FileExistsError as exc:
        print(_("frontdesk: {path} exists; pass --force to replace it.").format(path=exc.filename or exc),
              file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader went away (`… | head`): stop quietly, as Unix tools do.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 141


if __name__ == "__main__":
    raise SystemExit(main())
