"""Administration commands (issue 8): `backup`, `restore`, `copy` (SQLite → PostgreSQL) and
`soak` (many writers at once, nothing lost).

Like `migrate`, `backup`, `restore` and `copy` are an administrator's once the database
has an active one (every staff member's OS user can write the SQLite file the app works
on, so the file's permissions alone guard nothing); a new database, with nobody to sign
in as, needs no sign-in. `soak` works only on an empty database or a file of its own.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable

from data.errors import FrontDeskError
from data.i18n import _
from tui.cli.common import emit, open_db, pad


def add_parsers(sub: argparse._SubParsersAction) -> None:
    """Register `backup`, `restore`, `copy` and `soak` on the main parser."""
    p = sub.add_parser("backup", help=_("online, consistent copy of the database"))
    p.add_argument("path", metavar="PATH", help=_("the backup file to write"))
    p.add_argument("--force", action="store_true", help=_("replace PATH if it exists"))

    p = sub.add_parser("restore", help=_("replace the database with a checked backup (SQLite)"))
    p.add_argument("path", metavar="PATH", help=_("the backup file to restore"))
    p.add_argument("--force", action="store_true",
                   help=_("replace the database if it exists (it is kept beside it as a .bak file)"))

    p = sub.add_parser("copy", help=_("copy a SQLite database into a new PostgreSQL database"))
    p.add_argument("--from", dest="source", required=True, metavar="SQLITE_PATH",
                   help=_("the SQLite file to copy (only read)"))
    p.add_argument("--to", dest="target", required=True, metavar="POSTGRESQL_URL",
                   help=_("postgresql://user@host:port/dbname of a new, empty database"))
    p.add_argument("--compare", action="store_true",
                   help=_("only compare the tables of both sides (row counts and checksums); copy nothing"))
    p.add_argument("--json", action="store_true", help=_("one JSON object per line"))

    from tui.soak import add_arguments

    p = sub.add_parser("soak", help=_(
        "many processes writing at once; fails on any error or lost update"))
    add_arguments(p)


def _database(args: argparse.Namespace) -> str:
    """The database a restore replaces: --db, FRONTDESK_DB, else the user's own file —
    named without creating it (a first run would otherwise copy the demo data there)."""
    import os

    from tui.paths import data_dir

    return args.db or os.environ.get("FRONTDESK_DB") or str(data_dir() / "frontdesk.db")


def _admin_of_file(path: str, args: argparse.Namespace) -> None:
    """Sign in as an administrator of the SQLite database at `path`, if it is one that has
    an active administrator; the shared handle is closed again. A missing file, or one
    that is not a database (being restored over), has nobody to sign in as."""
    from data.backup import DAMAGED_FILE_ERRORS, existing_sqlite_file
    from data.db import close_database, open_database
    from tui.session import sign_in_admin_if_any

    file = existing_sqlite_file(path)
    if file is None:
        return
    try:
        open_database(str(file))
        sign_in_admin_if_any(args)
    except DAMAGED_FILE_ERRORS:
        return  # a damaged file: restoring over it is the way out
    finally:
        close_database()


def cmd_backup(args: argparse.Namespace) -> int:
    """`frontdesk backup PATH [--force]`."""
    from data.backup import backup
    from tui.session import sign_in_admin_if_any

    source = open_db(args, check=False)  # an older schema is worth backing up too
    sign_in_admin_if_any(args)  # a copy of everything, password hashes too
    result = backup(args.path, force=args.force)
    print(_("Backed up {db} to {path} ({size:.1f} MB in {seconds:.1f} s).").format(
        db=_label(source), path=result.path, size=result.size / 1e6, seconds=result.seconds))
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    """`frontdesk restore PATH [--force]`."""
    from data.backup import restore

    target = _database(args)
    _admin_of_file(target, args)  # replacing a company's database is an administrator's step
    result = restore(args.path, target, force=args.force)
    if result.previous:
        print(_("The database that was there is kept as {path}.").format(path=result.previous))
    print(_("Restored {path} into {db}.").format(path=args.path, db=result.target))
    if result.check.pending:
        print(_("The backup uses an older schema ({count} migration(s) pending): run "
                "`frontdesk migrate` before opening it.").format(count=len(result.check.pending)))
    return 0


def cmd_copy(args: argparse.Namespace) -> int:
    """`frontdesk copy --from SQLITE_PATH --to postgresql://… [--compare]`."""
    from data.copy import copy_database

    def progress(table: str, rows: int) -> None:
        if not args.json and sys.stderr.isatty():
            print(_("  {table}: {rows} rows").format(table=table, rows=rows), file=sys.stderr, flush=True)

    _admin_of_file(args.source, args)  # a copy of everything, password hashes too
    if args.compare:
        from data.copy import compare

        checks = compare(args.source, args.target)
        _print_checks(checks, args.json)
        bad = [c.table for c in checks if not c.ok]
        if bad:
            raise FrontDeskError(_("The target does not match the source in {tables}.")
                                 .format(tables=", ".join(bad)))
        if not args.json:
            print(_("Both sides match: {count} tables.").format(count=len(checks)))
        return 0
    report = copy_database(args.source, args.target, progress=progress)
    _print_checks(report.tables, args.json)
    if not args.json:
        print(_("Copied {rows} rows in {seconds:.1f} s.").format(
            rows=report.rows, seconds=report.seconds))
    if not report.ok:
        bad = [c.table for c in report.tables if not c.ok]
        raise FrontDeskError(_("The copy does not match the source in {tables}: do not use it.")
                             .format(tables=", ".join(bad)))
    return 0


def _print_checks(checks, as_json: bool) -> None:
    """The table check of a copy or a comparison: a table of rows and OK / MISMATCH."""
    if not as_json:
        table, source, copied, checksum = _("table"), _("source rows"), _("copied rows"), _("checksum")
        print(f"{pad(table, 20)} {pad(source, 12):>12} {pad(copied, 12):>12}  {checksum}")
    ok, mismatch = _("OK"), _("MISMATCH")
    for check in checks:
        if as_json:
            emit({"table": check.table, "source_rows": check.source_rows,
                   "target_rows": check.target_rows, "source_checksum": check.source_sum,
                   "target_checksum": check.target_sum,
                   "result": "OK" if check.ok else "MISMATCH"})
        else:
            print(f"{pad(check.table, 20)} {check.source_rows:>12} {check.target_rows:>12}  "
                  f"{ok if check.ok else mismatch}")


def cmd_soak(args: argparse.Namespace) -> int:
    """`frontdesk soak [--processes N] [--transactions N]`: on --db when given (an empty
    database), else on a new SQLite file that is removed afterwards — never the user's own."""
    from tui.soak import run_from_args

    return run_from_args(args, args.db)


def _label(target: str) -> str:
    from tui.paths import database_label

    return database_label(target)


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "backup": cmd_backup,
    "restore": cmd_restore,
    "copy": cmd_copy,
    "soak": cmd_soak,
}
