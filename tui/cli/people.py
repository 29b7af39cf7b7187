"""`frontdesk staff`, `frontdesk owners search` and `frontdesk import owners`: accounts,
the owner search and the roster import."""

from __future__ import annotations

import argparse
import getpass
import os
import sys
import time

from data.errors import FrontDeskError
from data.i18n import _
from tui.cli.common import emit, open_db, pad


def add_parsers(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("staff", help=_("staff accounts"))
    staff_sub = p.add_subparsers(dest="staff_command", metavar="ACTION", required=True)
    q = staff_sub.add_parser("add", help=_("add a staff account"))
    q.add_argument("login")
    q.add_argument("--name", required=True)
    q.add_argument("--role", required=True, help="desk, tech, supervisor, manager, admin, guard")
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
    q = staff_sub.add_parser(
        "set-extension",
        help=_("set the phone extension (分机) whose answered calls pop up in this account's session"))
    q.add_argument("login", metavar="LOGIN")
    q.add_argument("extension", nargs="?", metavar="EXT", help=_("2 to 8 digits, such as 801"))
    q.add_argument("--clear", action="store_true", help=_("remove the account's extension"))

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


def cmd_staff(args: argparse.Namespace) -> int:
    from data import auth
    from tui.session import open_session

    open_db(args)
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
                emit({
                    "login": account.login, "name": account.name, "role": account.role,
                    "phone": account.phone, "os_login": account.os_login,
                    "active": account.active,
                    "locked_until": f"{account.locked_until:%Y-%m-%d %H:%M:%S}" if account.locked_until else None,
                    "must_change_password": account.must_change_password,
                    "extension": account.extension,
                })
            else:

                ext = _("ext {number}").format(number=account.extension) if account.extension else "-"
                print(f"{pad(account.login, 12)} {pad(account.name, 8)} "
                      f"{pad(account.role_label, 13)} {pad(account.os_login or '-', 12)} "
                      f"{pad(ext, 10)} {account.state}".rstrip())
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
    if command == "set-extension":
        from data.staff import set_extension

        if args.clear == bool((args.extension or "").strip()):
            raise FrontDeskError(_("Give the extension to set, or --clear to remove it."))
        info = set_extension(args.login, None if args.clear else args.extension, by)
        if args.clear:
            print(_("{login} has no extension now.").format(login=info.login))
        else:
            print(_("Calls answered at extension {ext} now pop up in {login}'s session.").format(
                ext=args.extension.strip(), login=info.login))
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

    open_db(args)
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
            emit({
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
                "more": result.more,  # more people match than "hits" lists
            })
            continue
        count = f"{len(result.hits)}+" if result.more else str(len(result.hits))
        print(_("# {query}: {count} found").format(query=query, count=count))
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

    open_db(args)
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


COMMANDS = {"staff": cmd_staff, "owners": cmd_owners, "import": cmd_import}
