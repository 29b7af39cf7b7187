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
from tui import (
    cli_admin,
    cli_audit,
    cli_calendar,
    cli_calls,
    cli_community,
    cli_settings,
    cli_territory,
    cli_tickets,
)


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
    q.add_argument("--os-login", metavar="OS_LOGIN",
                   help=_("the SSH login that signs in as this account without a password"))
    q.add_argument("--password-stdin", action="store_true",
                   help=_("read a temporary password from the first line of stdin"))
    q = staff_sub.add_parser("list", help=_("list staff accounts"))
    q.add_argument("--json", action="store_true", help=_("one JSON object per line"))
    q = staff_sub.add_parser("disable", help=_("disable an account: it can no longer sign in"))
    q.add_argument("login", metavar="LOGIN")
    q = staff_sub.add_parser("enable", help=_("enable a disabled or locked account again"))
    q.add_argument("login", metavar="LOGIN")
    q = staff_sub.add_parser(
        "passwd", help=_("change your password, or set a temporary one for LOGIN (administrators)"))
    q.add_argument("login", metavar="LOGIN")
    q = staff_sub.add_parser(
        "map-login", help=_("map an OS (SSH) login to an account: it signs in without a password"))
    q.add_argument("login", metavar="LOGIN")
    q.add_argument("os_login", nargs="?", metavar="OS_LOGIN")
    q.add_argument("--clear", action="store_true", help=_("remove the account's mapping"))

    p = sub.add_parser("owners", help=_("owners: search"))
    owners_sub = p.add_subparsers(dest="owners_command", metavar="ACTION", required=True)
    q = owners_sub.add_parser("search", help=_("the same search as the TUI"))
    q.add_argument("queries", nargs="+", metavar="QUERY", help=_("a query; - reads one query a line from stdin"))
    q.add_argument("--json", action="store_true", help=_("one JSON object per line"))
    q.add_argument("--limit", type=int, default=20, metavar="K", help=_("hits per query (default 20)"))
    q.add_argument("--community", metavar="NAME", help=_("only this community"))
    q.add_argument("--reveal", action="store_true",
                   help=_("phones in full (each person shown is recorded in the audit trail)"))

    p = sub.add_parser("import", help=_("import data"))
    import_sub = p.add_subparsers(dest="import_command", metavar="WHAT", required=True)
    q = import_sub.add_parser("owners", help=_("import an owner roster (.csv or .xlsx)"))
    q.add_argument("file", metavar="FILE")
    q.add_argument("--community", metavar="NAME", help=_("community of every row when the file has no 小区 column"))
    q.add_argument("--skip-invalid", action="store_true", help=_("import the valid rows, list the others"))
    q.add_argument("--rejects", metavar="PATH", help=_("where to write the rejected rows (default FILE.rejects.csv)"))
    q.add_argument("--sheet", metavar="NAME", help=_("the sheet of the workbook to read (default: the one "
                                                     "whose headers are recognised)"))
    q = import_sub.add_parser("rooms", help=_("import a room list with areas (.csv or .xlsx, administrators)"))
    q.add_argument("file", metavar="FILE")
    q.add_argument("--community", metavar="NAME", help=_("community of every row when the file has no 小区 column"))
    q.add_argument("--skip-invalid", action="store_true", help=_("import the valid rows, list the others"))
    q.add_argument("--rejects", metavar="PATH", help=_("where to write the rejected rows (default FILE.rejects.csv)"))
    q.add_argument("--sheet", metavar="NAME", help=_("the sheet of the workbook to read (default: the one "
                                                     "whose headers are recognised)"))

    p = sub.add_parser("bench", help=_("the benchmark suite (SPEC §10)"))
    p.add_argument("--json", action="store_true", help=_("one JSON object per line"))
    p.add_argument("--runs", type=int, default=5, metavar="N", help=_("repetitions per measure"))
    p.add_argument("--sizes", default="10000,1000000", metavar="N,N",
                   help=_("database sizes in owners (default 10000,1000000)"))
    cli_tickets.add_parsers(sub)
    cli_calls.add_parsers(sub)
    cli_calendar.add_parsers(sub)
    cli_audit.add_parsers(sub)
    cli_territory.add_parsers(sub)
    cli_admin.add_parsers(sub)
    cli_settings.add_parsers(sub)
    cli_community.add_parsers(sub)
    return parser


def _open(args: argparse.Namespace, *, check: bool = True, create: bool = False) -> str:
    """Open --db (else FRONTDESK_DB, else the user's copy of the demo data) and check its
    schema. A missing SQLite file is an error unless `create` (only `migrate` makes one)."""
    from data import schema
    from data.db import open_database
    from tui.paths import default_database

    target = args.db or default_database()
    open_database(target, create=create)
    if check:
        schema.check()
    return target


def _emit_json(obj: object) -> None:
    print(json.dumps(obj, ensure_ascii=False, default=str))


def cmd_tui(args: argparse.Namespace) -> int:
    from tui.paths import database_label
    from tui.session import open_session

    target = _open(args)
    staff = open_session(args, tui=True).staff
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
    from tui.session import sign_in_admin_if_any

    target = _open(args, check=False, create=True)
    sign_in_admin_if_any(args)  # a database with an administrator is migrated by one

    def backed_up(path) -> None:
        print(_("Backed up {db} to {path} before migrating.").format(db=target, path=path))

    applied = schema.migrate(backed_up=backed_up)
    if applied:
        print(_("Applied to {db}: {names}").format(db=target, names=", ".join(applied)))
    else:
        print(_("{db} is up to date.").format(db=target))
    return 0


def cmd_staff(args: argparse.Namespace) -> int:
    from data import auth
    from tui.session import open_session

    _open(args)
    # Until the database has an active administrator, `staff add` runs without an
    # account, so that the first one can be added (whoever can open the database could
    # anyway); every other staff command signs in.
    session = None
    if auth.has_admin() or args.staff_command != "add":
        session = open_session(args, allow_temporary=args.staff_command == "passwd")
    by = session.staff.id if session else None
    command = args.staff_command
    if command == "add":
        password = None
        if args.password_stdin:
            password = sys.stdin.readline().rstrip("\r\n")
        from data.staff import add_staff

        info = add_staff(args.login, args.name, args.role, args.phone, by,
                         os_login=args.os_login, password=password)
        print(_("Added {login} ({name}, {role}).").format(
            login=info.login, name=info.name, role=info.role_label))
        return 0
    if command == "list":
        for account in auth.accounts():
            if args.json:
                _emit_json({
                    "login": account.login, "name": account.name, "role": account.role,
                    "phone": account.phone, "os_login": account.os_login,
                    "active": account.active,
                    "locked_until": f"{account.locked_until:%Y-%m-%d %H:%M:%S}" if account.locked_until else None,
                    "must_change_password": account.must_change_password,
                })
            else:
                from tui.cli_tickets import _pad

                print(f"{_pad(account.login, 12)} {_pad(account.name, 8)} "
                      f"{_pad(account.role_label, 13)} {_pad(account.os_login or '-', 12)} "
                      f"{account.state}".rstrip())
        return 0
    if command == "disable":
        info = auth.disable(args.login, by)
        print(_("Disabled {login}: it can no longer sign in.").format(login=info.login))
        return 0
    if command == "enable":
        info = auth.enable(args.login, by)
        print(_("Enabled {login}.").format(login=info.login))
        return 0
    if command == "map-login":
        if args.clear == bool(args.os_login):
            raise FrontDeskError(_("Give the OS login to map, or --clear to remove the mapping."))
        info = auth.map_login(args.login, None if args.clear else args.os_login, by)
        if args.clear:
            print(_("{login} has no OS login now.").format(login=info.login))
        else:
            print(_("The OS login {os_login} now signs in as {login} without a password.").format(
                os_login=args.os_login.strip(), login=info.login))
        return 0
    return _staff_passwd(args, session)


def _staff_passwd(args: argparse.Namespace, session) -> int:
    """`staff passwd LOGIN`: one's own password, or a temporary one an administrator sets."""
    from data import auth
    from tui.session import interactive, prompt_new_password

    if session is not None and args.login.strip() == session.staff.login:
        old = session.password
        if old is None and auth.has_password(session.staff.id):
            old = os.environ.get("FRONTDESK_PASSWORD")
            if old is None:
                if not interactive():
                    raise FrontDeskError(_(
                        "Your current password is needed: set FRONTDESK_PASSWORD or run this "
                        "in a terminal."))
                old = getpass.getpass(_("Current password: "))
        new = prompt_new_password(session.staff.login)
        auth.change_password(session.staff.id, old, new)
        print(_("Password changed for {login}.").format(login=session.staff.login))
        return 0
    new = prompt_new_password(args.login.strip())
    info = auth.set_password(args.login, new, by_staff_id=session.staff.id if session else None)
    print(_("Set a temporary password for {login}: it must be changed at the next sign-in.").format(
        login=info.login))
    return 0


#: More QUERY arguments than this make a batch, like `-` (supervisors and up, recorded).
MAX_QUERIES = 5


def cmd_owners(args: argparse.Namespace) -> int:
    from data import search as owner_search
    from data.people import community_by_name
    from tui.session import sign_in

    _open(args)
    sign_in(args)  # a search answers as the signed-in account's role may see
    community_id = community_by_name(args.community).id if args.community else None
    if args.limit < 1:
        raise FrontDeskError(_("--limit must be at least 1."))
    if args.reveal:  # full numbers are for a known staff member, and recorded
        from data import access

        access.require("reveal.phone")
    queries: list[str] = []
    from_stdin = "-" in args.queries
    for q in args.queries:
        if q == "-":
            queries += [line.rstrip("\n") for line in sys.stdin if line.strip()]
        else:
            queries.append(q)
    if from_stdin or len(queries) > MAX_QUERIES:
        results = owner_search.batch_search(queries, limit=args.limit, community_id=community_id)
    else:
        results = [owner_search.search(q, limit=args.limit, community_id=community_id)
                   for q in queries]

    def phones(h) -> list[str]:
        return list(h.phones if args.reveal else h.masked_phones)

    refused = 0
    for query, result in zip(queries, results, strict=True):
        if result.refused:
            refused += 1
            print(_("frontdesk: {message}").format(message=result.refused), file=sys.stderr)
            continue
        if args.reveal:
            from data.privacy import record_reveals

            record_reveals("person", [h.id for h in result.hits if h.phones], "phones")
        if args.json:
            _emit_json({
                "query": query,
                "hits": [
                    {
                        "id": h.id, "name": h.name, "role": h.role, "current": h.current,
                        "rooms": list(h.rooms), "communities": list(h.communities),
                        "phones": phones(h), "plates": list(h.plates),
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
            phone = phones(h)[0] if h.phones else ""
            print(f"  {h.id:>8}  {h.name:<6}  {rooms}  {phone}  [{h.matched}]")
    return 2 if refused else 0


def cmd_import(args: argparse.Namespace) -> int:
    from data.roster import import_owners
    from tui.session import sign_in

    _open(args)
    sign_in(args)  # importing is an administrator's step (data.access)
    if args.import_command == "rooms":
        from data.room_import import import_rooms

        rooms = import_rooms(args.file, community=args.community, skip_invalid=args.skip_invalid,
                             rejects_path=args.rejects, sheet=args.sheet)
        print(rooms.summary())
        return 2 if rooms.rows and rooms.rows_rejected >= rooms.rows else 0
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
        rejects_path=args.rejects, progress=progress, sheet=args.sheet,
    )
    print(report.summary())
    return 2 if report.imported_nothing else 0  # --skip-invalid and every row was bad


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
    **cli_audit.COMMANDS,
    **cli_territory.COMMANDS,
    **cli_admin.COMMANDS,
    **cli_settings.COMMANDS,
    **cli_community.COMMANDS,
}


class _VisibleControls:
    """A text stream that shows control characters as symbols (␛ for ESC): what a command
    prints of stored text can never steer the terminal. Carriage returns (progress bars)
    pass through."""

    def __init__(self, stream) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        from data.validators import show_controls

        return self._stream.write(show_controls(text, keep="\t\n\r"))

    def __getattr__(self, name: str):
        return getattr(self._stream, name)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `frontdesk` console command."""
    stdout, stderr = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = _VisibleControls(stdout), _VisibleControls(stderr)
    try:
        return _main(argv)
    finally:
        sys.stdout, sys.stderr = stdout, stderr


def _main(argv: Sequence[str] | None) -> int:
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
        try:
            return COMMANDS[args.command](args)
        except Exception as exc:
            # A SQLite error about the file itself (not a database, damaged, read-only, …)
            # becomes a message naming the file; any other error stays what it is.
            from data.db import database_problem

            problem = database_problem(exc) if not isinstance(exc, FrontDeskError) else None
            if problem is None:
                raise
            raise problem from exc
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
