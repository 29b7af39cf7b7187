"""`frontdesk visitors …` and `frontdesk passes …` (issue 16): the gate's registers — the
visitors (in, out, confirm, the day's list) and the release passes (issue at the desk,
check and use at the gate, cancel) — with the same rules as the registers screen."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Callable

from data.errors import ValidationError
from data.i18n import _
from tui.cli.common import emit, open_db, pad, sign_in, to_code

#: Rows `visitors list` and `passes list` print by default.
LIST_DEFAULT = 50


def add_parsers(sub: argparse._SubParsersAction) -> None:
    """Register `visitors` and `passes` on the main parser."""
    p = sub.add_parser("visitors", help=_("the visitor register (访客登记): list, in, out, confirm"))
    actions = p.add_subparsers(dest="visitors_command", metavar="ACTION", required=True)

    q = actions.add_parser("list", help=_("the day's visitors, those still inside first"))
    q.add_argument("--inside", action="store_true", help=_("only those still inside"))
    q.add_argument("--date", metavar="YYYY-MM-DD", help=_("another day (default today)"))
    q.add_argument("--community", metavar="NAME", help=_("only this community"))
    q.add_argument("--query", metavar="TEXT", default="", help=_("a name, room, phone digits or plate"))
    q.add_argument("--limit", type=int, default=LIST_DEFAULT, metavar="N", help=_("at most N (default 50)"))
    q.add_argument("--reveal", action="store_true",
                   help=_("phones and ID numbers in full (each visit shown is recorded in the audit trail)"))
    q.add_argument("--json", action="store_true", help=_("one JSON object per line"))

    q = actions.add_parser("in", help=_("register a visitor coming in (a plate or phone seen before fills the rest)"))
    q.add_argument("--name", default="", metavar="NAME", help=_("the visitor's name"))
    q.add_argument("--room", default="", metavar="ROOM", help=_("the room visited, such as 3-2-501"))
    q.add_argument("--community", default="", metavar="NAME", help=_("needed when the room code is in several communities"))
    q.add_argument("--phone", default="", metavar="N")
    q.add_argument("--id-number", dest="id_number", default="", metavar="ID", help=_("resident ID number (checked)"))
    q.add_argument("--plate", default="", metavar="PLATE", help=_("such as 沪A·12345"))
    q.add_argument("--purpose", default="", metavar="TEXT", help=_("why they came (探亲, 送货, 装修 …)"))
    q.add_argument("--json", action="store_true", help=_("one JSON object per line"))

    q = actions.add_parser("out", help=_("a visitor goes out"))
    q.add_argument("id", type=int, metavar="ID")
    q.add_argument("--json", action="store_true", help=_("one JSON object per line"))

    q = actions.add_parser("confirm", help=_("record that someone of the room confirmed the visit"))
    q.add_argument("id", type=int, metavar="ID")
    q.add_argument("--by", default="", metavar="NAME", help=_("who confirmed (default: the room's owner)"))
    q.add_argument("--json", action="store_true", help=_("one JSON object per line"))

    p = sub.add_parser("passes", help=_("release passes (物品放行条): list, issue, check, use, cancel"))
    actions = p.add_subparsers(dest="passes_command", metavar="ACTION", required=True)

    q = actions.add_parser("list", help=_("passes, the latest issued first"))
    q.add_argument("--state", metavar="STATE", help="open, used, expired, cancelled")
    q.add_argument("--query", metavar="TEXT", default="", help=_("a number, room, carrier or plate"))
    q.add_argument("--limit", type=int, default=LIST_DEFAULT, metavar="N", help=_("at most N (default 50)"))
    q.add_argument("--json", action="store_true", help=_("one JSON object per line"))

    q = actions.add_parser("issue", help=_("issue a pass, with the owner's consent (desk)"))
    q.add_argument("--room", required=True, metavar="ROOM", help=_("the room the things leave, such as 3-2-501"))
    q.add_argument("--community", default="", metavar="NAME", help=_("needed when the room code is in several communities"))
    q.add_argument("--items", required=True, metavar="TEXT", help=_("what is carried out"))
    q.add_argument("--carrier", required=True, metavar="NAME", help=_("who carries it out"))
    q.add_argument("--carrier-phone", dest="carrier_phone", default="", metavar="N")
    q.add_argument("--plate", default="", metavar="PLATE", help=_("the vehicle's plate"))
    q.add_argument("--date", metavar="YYYY-MM-DD", help=_("the day it is valid (default today)"))
    q.add_argument("--until", metavar="YYYY-MM-DD", help=_("the last day it is valid (default: the same day)"))
    q.add_argument("--consent", default="", metavar="HOW",
                   help="电话|当面|书面 (phone, in_person, written)")
    q.add_argument("--owner", default="", metavar="NAME",
                   help=_("the owner who consented (default: the room's one owner)"))
    q.add_argument("--call", type=int, metavar="CALL_ID", help=_("the call the owner consented in"))
    q.add_argument("--note", default="", metavar="TEXT", help=_("about the consent (a written note kept …)"))
    q.add_argument("--json", action="store_true", help=_("one JSON object per line"))

    for name, text in (("check", _("check a pass by its number (the gate): exit 0 when valid")),
                       ("use", _("let the things out: mark the pass used, once (the gate)"))):
        q = actions.add_parser(name, help=text)
        q.add_argument("number", metavar="NUMBER", help=_("such as FX-20261206-003"))
        q.add_argument("--json", action="store_true", help=_("one JSON object per line"))

    q = actions.add_parser("cancel", help=_("cancel a pass not used yet (desk)"))
    q.add_argument("number", metavar="NUMBER")
    q.add_argument("--reason", default="", metavar="TEXT")
    q.add_argument("--json", action="store_true", help=_("one JSON object per line"))


def _date(text: str | None, option: str) -> dt.date | None:
    from data.validators import parse_date

    return parse_date(text, option) if text else None


def _hm(value: dt.datetime | None, day: dt.date) -> str:
    if value is None:
        return ""
    return f"{value:%H:%M}" if value.date() == day else f"{value:%m-%d %H:%M}"


# --- visitors ----------------------------------------------------------------------------------


def cmd_visitors(args: argparse.Namespace) -> int:
    """`frontdesk visitors list|in|out|confirm`."""
    open_db(args)
    action: Callable[[argparse.Namespace], int] = {
        "list": _visitors_list, "in": _visitors_in, "out": _visitors_out, "confirm": _visitors_confirm,
    }[args.visitors_command]
    return action(args)


def _visitor_line(view, day: dt.date, phone: str, id_number: str) -> str:
    where = _("inside") if view.inside else _hm(view.time_out, day)
    confirmed = "✓" if view.confirmed_at else ""
    return "  ".join((
        pad(str(view.id), 6), pad(_hm(view.time_in, day), 11), pad(where, 11), pad(view.name, 8),
        pad(phone or "—", 13), pad(view.place, 22), pad(view.plate_shown or "—", 10),
        pad(id_number or "—", 18), pad(confirmed, 2), view.purpose,
    )).rstrip()


def _visitors_list(args: argparse.Namespace) -> int:
    from data import registers as reg
    from data.clock import today
    from data.rooms_lookup import community_id_for

    if args.limit < 1:
        raise ValidationError("--limit", _("--limit must be at least 1."))
    staff = sign_in(args, "visitor.register")
    day = _date(args.date, "--date") or today()
    community_id = community_id_for(args.community) if args.community else None
    rows: list[reg.VisitorView] = []
    after = None
    while len(rows) < args.limit:
        page = reg.visitors_day(day, inside_only=args.inside, query=args.query,
                                community_id=community_id, after=after,
                                limit=min(args.limit - len(rows), 200))
        rows += page.rows
        after = page.next_cursor
        if after is None:
            break
    full = reg.reveal_visitors([v.id for v in rows], staff.id) if args.reveal else {}
    for view in rows:
        shown = full.get(view.id)
        phone = shown.phone if shown else view.phone_masked
        id_number = shown.id_number if shown else view.id_masked
        if args.json:
            emit(view.as_json(phone=phone, id_number=id_number))
        else:
            print(_visitor_line(view, day, phone, id_number))
    if not rows and not args.json:
        print(_("No visitors."))
    return 0


def _print_visitor(view, as_json: bool, headline: str) -> None:
    from data.clock import today

    if as_json:
        emit(view.as_json())
        return
    print(headline)
    print(_visitor_line(view, today(), view.phone_masked, view.id_masked))


def _visitors_in(args: argparse.Namespace) -> int:
    from data import registers as reg

    staff = sign_in(args, "visitor.register")
    name, room, community, phone = args.name, args.room, args.community, args.phone
    # A plate (or phone) seen before fills what was not given.
    seen = (reg.visitor_by_plate(args.plate) if args.plate else None) or (
        reg.visitor_by_phone(args.phone) if args.phone else None)
    room_id = None
    if seen is not None:
        name = name or seen.name
        phone = phone or seen.phone
        if not room:
            room, community, room_id = seen.room, seen.community, seen.room_id
    view = reg.register_visitor(reg.VisitorInput(
        name=name, room=room, community=community or None, phone=phone, id_number=args.id_number,
        plate=args.plate, purpose=args.purpose, room_id=room_id), staff.id)
    _print_visitor(view, args.json, _("Visitor {id} registered: {name} to {place}.").format(
        id=view.id, name=view.name, place=view.place))
    return 0


def _visitors_out(args: argparse.Namespace) -> int:
    from data import registers as reg

    staff = sign_in(args, "visitor.register")
    view = reg.sign_out(args.id, staff.id)
    _print_visitor(view, args.json, _("{name} went out at {time}.").format(
        name=view.name, time=f"{view.time_out:%H:%M}"))
    return 0


def _visitors_confirm(args: argparse.Namespace) -> int:
    from data import registers as reg

    staff = sign_in(args, "visitor.register")
    view = reg.confirm_visit(args.id, staff.id, by_name=args.by)
    _print_visitor(view, args.json, _("Visit {id} confirmed by {name}.").format(
        id=view.id, name=view.confirmed_name))
    return 0


# --- passes ------------------------------------------------------------------------------------


def cmd_passes(args: argparse.Namespace) -> int:
    """`frontdesk passes list|issue|check|use|cancel`."""
    open_db(args)
    action: Callable[[argparse.Namespace], int] = {
        "list": _passes_list, "issue": _passes_issue, "check": _passes_check, "use": _passes_use,
        "cancel": _passes_cancel,
    }[args.passes_command]
    return action(args)


def _pass_line(view) -> str:
    from data.vocab import PASS_STATES, label

    return "  ".join((
        pad(view.number, 16), pad(label(PASS_STATES, view.state()), 8), pad(view.place, 22),
        pad(view.validity, 23), pad(view.carrier, 20), " ".join(view.items.split()),
    )).rstrip()


def _passes_list(args: argparse.Namespace) -> int:
    from data import registers as reg

    if args.limit < 1:
        raise ValidationError("--limit", _("--limit must be at least 1."))
    sign_in(args, "pass.check")
    state = (args.state or "").strip() or None
    rows: list[reg.PassView] = []
    after = None
    while len(rows) < args.limit:
        page = reg.passes_page(args.query, state=state, after=after, limit=min(args.limit - len(rows), 200))
        rows += page.rows
        after = page.next_cursor
        if after is None:
            break
    for view in rows:
        if args.json:
            emit(view.as_json())
        else:
            print(_pass_line(view))
    if not rows and not args.json:
        print(_("No release passes."))
    return 0


def _passes_issue(args: argparse.Namespace) -> int:
    from data import registers as reg
    from data.vocab import PASS_CONSENT, PASS_CONSENT_WORDS

    staff = sign_in(args, "pass.issue")
    how = to_code(args.consent, PASS_CONSENT, PASS_CONSENT_WORDS, "--consent") if args.consent.strip() else ""
    view = reg.issue_pass(reg.PassInput(
        room=args.room, community=args.community or None, items=args.items, carrier_name=args.carrier,
        carrier_phone=args.carrier_phone, carrier_plate=args.plate,
        valid_from=_date(args.date, "--date"), valid_until=_date(args.until, "--until"),
        consent_how=how, consent_owner=args.owner, call_id=args.call, consent_note=args.note), staff.id)
    if args.json:
        emit(view.as_json())
        return 0
    print(_("Release pass {number} issued.").format(number=view.number))
    print("  " + view.covers)
    return 0


def _print_check(check, as_json: bool) -> None:
    if as_json:
        emit(check.as_json())
        return
    print(check.message)
    if check.view is not None:
        print("  " + check.view.covers)


def _passes_check(args: argparse.Namespace) -> int:
    from data import registers as reg

    sign_in(args, "pass.check")
    check = reg.check_pass(args.number)
    _print_check(check, args.json)
    return 0 if check.ok else 1


def _passes_use(args: argparse.Namespace) -> int:
    from data import registers as reg

    staff = sign_in(args, "pass.check")
    try:
        check = reg.use_pass(args.number, staff.id)
    except reg.PassRefused as refused:
        if args.json:
            emit(refused.check.as_json())
        print(_("frontdesk: {message}").format(message=refused.message), file=sys.stderr)
        if refused.check.view is not None:
            print("  " + refused.check.view.covers, file=sys.stderr)
        return 2
    _print_check(check, args.json)
    return 0


def _passes_cancel(args: argparse.Namespace) -> int:
    from data import registers as reg

    staff = sign_in(args, "pass.issue")
    view = reg.cancel_pass(args.number, args.reason, staff.id)
    if args.json:
        emit(view.as_json())
        return 0
    print(_("Release pass {number} cancelled.").format(number=view.number))
    return 0


COMMANDS = {"visitors": cmd_visitors, "passes": cmd_passes}
