"""The `frontdesk audit` command (issue 7): the audit trail — who created, changed, deleted
or revealed which record — filtered, as a table or JSON lines. Supervisors, managers and
administrators only (the data layer refuses everyone else)."""

from __future__ import annotations

import argparse
import datetime as dt
from collections.abc import Callable

from data.errors import NotFoundError, ValidationError
from data.i18n import _
from tui.cli.common import emit, open_db, pad, sign_in

#: Rows printed when --limit is not given (as many as the history panel shows).
LIMIT_DEFAULT = 200


def add_parsers(sub: argparse._SubParsersAction) -> None:
    """Register `audit` on the main parser."""
    p = sub.add_parser("audit", help=_("the audit trail: who changed what, newest first (supervisors)"))
    p.add_argument("--entity", metavar="E",
                   help=_("only this kind of record: person, work_order, event, call, phone …"))
    p.add_argument("--id", type=int, metavar="N", dest="entity_id", help=_("only the record with this id"))
    p.add_argument("--staff", metavar="LOGIN", help=_("only what this staff member did"))
    p.add_argument("--since", metavar="YYYY-MM-DD[ HH:MM]", help=_("only from this day or time on"))
    p.add_argument("--limit", type=int, default=LIMIT_DEFAULT, metavar="N",
                   help=_("at most N rows (default 200)"))
    p.add_argument("--json", action="store_true", help=_("one JSON object per line"))


def _since(text: str | None) -> dt.datetime | None:
    from data.validators import parse_date, parse_datetime

    if not text or not text.strip():
        return None
    if len(text.strip()) <= 10:
        day = parse_date(text, "--since")
        return dt.datetime.combine(day, dt.time()) if day else None
    return parse_datetime(text, "--since")


def _cell(value: str | None) -> str:
    """A stored value on one line, control characters made visible (never sent raw)."""
    from data.validators import show_controls

    return show_controls(" ".join(value.split())) if value else "—"


def _line(entry) -> str:
    change = entry.change(_cell)
    record = f"{entry.entity}#{entry.entity_id}"
    if entry.parent:
        record += f" ({entry.parent})"
    return "  ".join((
        f"{entry.at:%Y-%m-%d %H:%M}",
        pad(_cell(entry.login), 10),
        pad(entry.action, 6),
        pad(record, 24),
        pad(entry.field, 14),
        change,
    )).rstrip()


def cmd_audit(args: argparse.Namespace) -> int:
    """`frontdesk audit [--entity E] [--id N] [--staff LOGIN] [--since …] [--limit N] [--json]`."""
    from data import audit
    from data.staff import ids_of_logins

    open_db(args)
    staff = sign_in(args)
    if args.limit < 1:
        raise ValidationError("--limit", _("--limit must be at least 1."))
    if args.entity and args.entity not in audit.entities():
        raise ValidationError("--entity", _("Unknown value “{value}”: use one of {choices}.").format(
            value=args.entity, choices="、".join(audit.entities())))
    since = _since(args.since)
    if args.staff and not ids_of_logins([args.staff.strip()]):
        raise NotFoundError(_("No staff member with the login “{login}”.").format(login=args.staff.strip()))
    entries = audit.search(entity=args.entity, entity_id=args.entity_id,
                           login=args.staff.strip() if args.staff else None, since=since,
                           limit=args.limit, staff_id=staff.id)
    for entry in entries:
        if args.json:
            emit(entry.as_json())
        else:
            print(_line(entry))
    if not entries and not args.json:
        print(_("Nothing in the audit trail matches."))
    return 0


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "audit": cmd_audit,
}
