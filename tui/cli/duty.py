"""The `frontdesk duty` command (issue 16 item 9): the day's duty roster (值班表) by shift,
from the calendar's 值班 events, with each person's role and phone."""

from __future__ import annotations

import argparse
from collections.abc import Callable

from data.i18n import _
from tui.cli.common import emit, open_db, pad, sign_in


def add_parsers(sub: argparse._SubParsersAction) -> None:
    """Register `duty` on the main parser."""
    p = sub.add_parser("duty", help=_("the duty roster: who is on duty or on call, by shift"))
    p.add_argument("--date", metavar="YYYY-MM-DD", help=_("the day (default today)"))
    p.add_argument("--json", action="store_true", help=_("one JSON object per line"))


def cmd_duty(args: argparse.Namespace) -> int:
    from data import duty
    from data.clock import today
    from data.validators import parse_date

    open_db(args)
    sign_in(args)
    day = parse_date(args.date or "", "--date") or today()
    groups = duty.duty_today(day)
    if args.json:
        for group in groups:
            for row in group.rows:
                emit({"date": day.isoformat(), **row.as_json()})
        return 0
    print(_("Duty roster for {date}").format(date=day.isoformat()))
    if not groups:
        print(_("No duty on the roster that day."))
    for group in groups:
        print(group.label)
        for row in group.rows:
            end = f"{row.end:%H:%M}"
            if row.end.date() != row.start.date():  # midnight is the day's 24:00
                end = "24:00" if row.end == duty.day_end(row.start) else f"{row.end:%m-%d %H:%M}"
            span = f"{row.start:%H:%M}–{end}"
            on_call = _("(on call)") if row.on_call else ""
            print("  " + "  ".join((pad(row.name, 10), pad(row.role_label, 8), pad(row.phone or "—", 13),
                                    span)) + (f" {on_call}" if on_call else ""))
    return 0


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {"duty": cmd_duty}
