"""`frontdesk purge [--dry-run] [--json] [--history]`: personal data past its retention
period purged by every registered purger (data.retention), for cron's service account or an
administrator."""

from __future__ import annotations

import argparse
from collections.abc import Callable

from data.i18n import _
from tui.cli.common import emit, open_db, pad, sign_in


def add_parsers(sub: argparse._SubParsersAction) -> None:
    """Register `purge` on the main parser."""
    p = sub.add_parser("purge", help=_("purge personal data past its retention period "
                                       "(cron-safe; administrators and service accounts)"))
    p.add_argument("--dry-run", dest="dry_run", action="store_true",
                   help=_("count what would be purged; change and record nothing"))
    p.add_argument("--history", action="store_true", help=_("the latest recorded purge runs"))
    p.add_argument("--json", action="store_true", help=_("one JSON object per line"))


def cmd_purge(args: argparse.Namespace) -> int:
    """Run every purger (or show what the latest runs did), printing how many of each."""
    from data import retention

    open_db(args)
    staff = sign_in(args, "retention.purge")
    if args.history:
        rows = retention.purge_history(staff_id=staff.id)
        for row in rows:
            if args.json:
                emit(row.as_json())
            else:
                print(_("{at}  {name}  {count} purged (older than {days} days, before {before}) by {login}")
                      .format(at=f"{row.at:%Y-%m-%d %H:%M}", name=pad(row.name, 12), count=row.purged,
                              days=row.days, before=f"{row.cutoff:%Y-%m-%d}", login=row.login))
        if not rows and not args.json:
            print(_("No purge has run yet."))
        return 0
    results = retention.purge(dry_run=args.dry_run, staff_id=staff.id)
    for result in results:
        if args.json:
            emit(result.as_json())
            continue
        line = (_("{what}: {count} would be purged (older than {days} days, before {before})")
                if result.dry_run else
                _("{what}: {count} purged (older than {days} days, before {before})"))
        print(line.format(what=result.what, count=result.purged, days=result.days,
                          before=f"{result.cutoff:%Y-%m-%d %H:%M}"))
    if args.dry_run and not args.json:
        print(_("Dry run: nothing was changed or recorded."))
    return 0


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {"purge": cmd_purge}
