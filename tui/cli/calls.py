"""The `frontdesk calls …` commands (issue 5 §9): log a call, list calls and callbacks,
statistics — the same rules as the calls screen, through `data.calls`."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from collections.abc import Callable

from data import access
from data.errors import ValidationError
from data.i18n import _
from tui.cli.common import emit, open_db, pad, sign_in, to_code

#: Default number of calls `calls list` prints, and the default statistics span in days.
LIST_DEFAULT = 50
STATS_DAYS = 30


def add_parsers(sub: argparse._SubParsersAction) -> None:
    """Register `calls` (log, list, callbacks, stats, ring, hangup …) on the main parser."""
    p = sub.add_parser("calls", help=_("phone calls: log, list, callbacks, stats"))
    calls = p.add_subparsers(dest="calls_command", metavar="ACTION", required=True)

    q = calls.add_parser("log", help=_("log a call; answers with the matched person"))
    q.add_argument("--number", required=True, metavar="N", help=_("the caller's or the called number"))
    q.add_argument("--direction", required=True, metavar="in|out", help=_("in (a call to us) or out (a call we made)"))
    q.add_argument("--category", default="other", metavar="C",
                   help="报修|投诉|咨询|缴费|回访|通知|其他 (repair, complaint, inquiry, payment, callback, notice, other)")
    q.add_argument("--summary", default="", metavar="TEXT", help=_("what was said"))
    q.add_argument("--duration", default="0", metavar="SECONDS", help=_("how long the call lasted, in seconds"))
    q.add_argument("--outcome", default="", metavar="O",
                   help="resolved, ticket, callback, transferred, info, no_answer, rejected, invalid, missed")
    q.add_argument("--json", action="store_true", help=_("one JSON object per line"))

    q = calls.add_parser("list", help=_("the call log, newest first"))
    q.add_argument("--mine", action="store_true", help=_("only the calls I took or made"))
    q.add_argument("--since", metavar="DATE", help=_("from this day on (YYYY-MM-DD)"))
    q.add_argument("--limit", type=int, default=LIST_DEFAULT, metavar="N",
                   help=_("at most N calls (default 50)"))
    q.add_argument("--reveal", action="store_true",
                   help=_("numbers in full (each call shown is recorded in the audit trail)"))
    q.add_argument("--json", action="store_true", help=_("one JSON object per line"))

    q = calls.add_parser("callbacks", help=_("promised callbacks not made yet, by due time"))
    q.add_argument("--mine", action="store_true",
                   help=_("only those assigned to me or to nobody (calls a queue missed)"))
    q.add_argument("--overdue", action="store_true", help=_("only those already due"))
    q.add_argument("--reveal", action="store_true",
                   help=_("numbers in full (each call shown is recorded in the audit trail)"))
    q.add_argument("--json", action="store_true", help=_("one JSON object per line"))

    q = calls.add_parser("incident", help=_("outages (停水, 停电, 电梯停运, 燃气检修): declare, list, end"))
    inc = q.add_subparsers(dest="incident_command", metavar="ACTION", required=True)
    r = inc.add_parser("declare", help=_("declare an outage for some buildings (supervisors)"))
    r.add_argument("--kind", required=True, help="停水|停电|电梯停运|燃气检修 (water_cut, power_cut, lift_down, gas_work)")
    r.add_argument("--title", required=True)
    r.add_argument("--buildings", required=True, metavar="B[,B…]", help=_("building codes, such as 3,5"))
    r.add_argument("--community", metavar="NAME", help=_("needed when a building code is in several communities"))
    r.add_argument("--from", dest="starts", required=True, metavar="YYYY-MM-DD HH:MM")
    r.add_argument("--until", dest="ends", required=True, metavar="YYYY-MM-DD HH:MM")
    r.add_argument("--script", default="", help=_("what the desk tells callers"))
    r.add_argument("--json", action="store_true", help=_("one JSON object per line"))
    r = inc.add_parser("list", help=_("outages going on now, with how many owners called"))
    r.add_argument("--json", action="store_true", help=_("one JSON object per line"))
    r = inc.add_parser("end", help=_("end an outage now (supervisors)"))
    r.add_argument("id", type=int)
    r = inc.add_parser("tag", help=_("tag a logged call as being about an outage"))
    r.add_argument("call_id", type=int, metavar="CALL_ID")
    r.add_argument("incident_id", type=int, metavar="INCIDENT_ID")

    q = calls.add_parser("lists", help=_("call lists (外呼任务): list, new"))
    lists = q.add_subparsers(dest="lists_command", metavar="ACTION", required=True)
    r = lists.add_parser("list", help=_("the open call lists"))
    r.add_argument("--json", action="store_true", help=_("one JSON object per line"))
    r = lists.add_parser("new", help=_("a call list of the owners a search finds, or of a file of numbers"))
    source = r.add_mutually_exclusive_group(required=True)
    source.add_argument("--from-search", dest="from_search", metavar="Q",
                        help=_("the owners this search finds (3-2, 张, a phone number …)"))
    source.add_argument("--from-file", dest="from_file", metavar="PATH",
                        help=_("a file of numbers, one a line or a CSV's first column "
                               "(a bare name is looked for in the export folder; supervisors)"))
    r.add_argument("--name", metavar="TEXT", help=_("the list's name (default: Call list and the date)"))
    r.add_argument("--json", action="store_true", help=_("one JSON object per line"))

    q = calls.add_parser("scripts", help=_("call scripts (话术): list, edit"))
    scr = q.add_subparsers(dest="scripts_command", metavar="ACTION", required=True)
    r = scr.add_parser("list", help=_("the scripts, by category"))
    r.add_argument("--json", action="store_true", help=_("one JSON object per line"))
    r = scr.add_parser("edit", help=_("change a script's text or title (supervisors)"))
    r.add_argument("name", metavar="NAME", help=_("the script's title"))
    r.add_argument("--category", metavar="C", help=_("the script's category, when several have this title"))
    r.add_argument("--text", metavar="TEXT",
                   help=_("the new text; placeholders {称呼} {姓名} {房号} {工单号} {预约时间}"))
    r.add_argument("--title", metavar="TEXT", help=_("a new title"))

    # Run by the phone system as a service account (README: Caller-ID from the phone system).
    q = calls.add_parser("ring", help=_(
        "the phone system: a call was answered at an extension (it pops up in that staff "
        "member's session), or with --missed nobody answered it"))
    q.add_argument("--number", required=True, metavar="N",
                   help=_("the caller's number (empty when withheld)"))
    q.add_argument("--ext", default="", metavar="E", help=_("the extension that answered (or rang, with --missed)"))
    q.add_argument("--call-id", dest="call_id", default="", metavar="X",
                   help=_("the phone system's id of the call (a repeated report is recorded once)"))
    q.add_argument("--missed", action="store_true",
                   help=_("nobody answered: log a missed call (未接) with a callback due"))
    q.add_argument("--json", action="store_true", help=_("one JSON object per line"))

    q = calls.add_parser("hangup", help=_("the phone system: the call answered at an extension ended"))
    q.add_argument("--ext", required=True, metavar="E", help=_("the extension that answered"))
    q.add_argument("--recording", default="", metavar="URL",
                   help=_("the recording: an http(s) address or a plain file name (kept, never fetched)"))
    q.add_argument("--call-id", dest="call_id", default="", metavar="X",
                   help=_("the phone system's id of the call"))
    q.add_argument("--json", action="store_true", help=_("one JSON object per line"))

    q = calls.add_parser("stats", help=_("call statistics (default: the last 30 days)"))
    q.add_argument("--since", metavar="DATE", help=_("first day (YYYY-MM-DD)"))
    q.add_argument("--until", metavar="DATE", help=_("last day (YYYY-MM-DD, default today)"))
    q.add_argument("--json", action="store_true", help=_("one JSON object per line"))


def _date(text: str | None, option: str) -> dt.date | None:
    from data.validators import parse_date

    return parse_date(text, option) if text else None


def _when(value: dt.datetime | None) -> str:
    return f"{value:%Y-%m-%d %H:%M}" if value else ""


def _direction_word(code: str) -> str:
    from data.vocab import CALL_DIRECTIONS, label

    return label(CALL_DIRECTIONS, code)


def _number(view, reveal: bool) -> str:
    """A logged call's number as printed: masked (issue 7) unless --reveal."""
    from data.validators import mask_phone

    return view.number if reveal or not view.number else mask_phone(view.number)


def _reveal(rows: list, reveal: bool) -> None:
    """--reveal: check the role and record one reveal per call shown, before printing."""
    if reveal:
        from data.privacy import record_reveals

        record_reveals("call", [view.id for view in rows], "number")


def _call_line(view, reveal: bool = False) -> str:
    from data.vocab import CALL_CATEGORIES, CALL_OUTCOMES, label

    who = view.person or view.caller_staff or "—"
    summary = view.summary.splitlines()[0] if view.summary else ""
    return "  ".join((
        pad(_when(view.started_at), 16),
        pad(_direction_word(view.direction), 8),
        pad(_number(view, reveal) or "—", 16),
        pad(who, 8),
        pad(label(CALL_CATEGORIES, view.category), 6),
        pad(label(CALL_OUTCOMES, view.outcome) if view.outcome else "", 14),
        pad(f"{view.duration_s}s", 6),
        pad(view.staff, 8),
        summary,
    )).rstrip()


# --- commands --------------------------------------------------------------------------------


def cmd_calls(args: argparse.Namespace) -> int:
    """`frontdesk calls log|list|callbacks|stats`."""
    open_db(args)
    action: Callable[[argparse.Namespace], int] = {
        "log": _calls_log, "list": _calls_list, "callbacks": _calls_callbacks, "stats": _calls_stats,
        "incident": _calls_incident, "lists": _calls_lists, "scripts": _calls_scripts,
        "ring": _calls_ring, "hangup": _calls_hangup,
    }[args.calls_command]
    return action(args)


def _calls_log(args: argparse.Namespace) -> int:
    from data import calls
    from data.vocab import (
        CALL_CATEGORIES,
        CALL_CATEGORY_WORDS,
        CALL_DIRECTION_WORDS,
        CALL_DIRECTIONS,
        CALL_OUTCOMES,
        WORK_ORDER_STATUSES,
        label,
    )

    staff = sign_in(args)
    direction = to_code(args.direction, CALL_DIRECTIONS, CALL_DIRECTION_WORDS, "--direction")
    category = to_code(args.category, CALL_CATEGORIES, CALL_CATEGORY_WORDS, "--category")
    outcome = to_code(args.outcome, CALL_OUTCOMES, {}, "--outcome") if args.outcome.strip() else ""
    try:
        duration = int(str(args.duration).strip())
    except ValueError:
        raise ValidationError("--duration", _("Give the duration in whole seconds, such as 95.")) from None
    number = calls.normalize_number(args.number)
    # Who has a whole number is counted like a whole-number owner search; above the limit
    # the call is still logged, without looking the number up.
    refused = calls.lookup_refusal(number, staff.id)
    match = calls.match_caller(number) if not refused else None
    view = calls.log_call(
        calls.CallInput(direction=direction, number=number, category=category,
                        summary=args.summary, outcome=outcome, duration_s=duration),
        staff.id, lookup=not refused,
    )
    if match is None:
        if args.json:
            emit({**view.as_json(), "lookup_refused": refused})
        else:
            print(_("Logged call {id}: {direction} {number}").format(
                id=view.id, direction=_direction_word(view.direction), number=view.number or "—"))
        print(_("The call is logged, but who has the number was not looked up: {reason}").format(
            reason=refused), file=sys.stderr)
        return 0
    if args.json:
        emit({
            **view.as_json(),
            "staff_caller": match.staff_login,
            "rooms": [{"id": i, "code": c, "community": m} for i, c, m in match.rooms],
            "open_orders": [{"id": i, "number": n, "title": t, "status": s}
                            for i, n, t, s in match.open_orders],
            "ambiguous": [{"id": i, "name": n} for i, n in match.ambiguous],
            "incident": ({"id": match.incident.id, "kind": match.incident.kind,
                          "title": match.incident.title} if match.incident else None),
        })
        return 0
    # The number the clerk has just given is echoed in full (the call log masks it later).
    print(_("Logged call {id}: {direction} {number}").format(
        id=view.id, direction=_direction_word(view.direction), number=view.number or "—"))
    if match.person_id is not None:
        print(_("Caller: {name}").format(name=match.name))
    elif match.ambiguous:
        print(_("Several people have this number: {names}").format(
            names="、".join(f"{n} ({i})" for i, n in match.ambiguous)))
    elif match.staff_login:
        print(_("Caller: colleague {name} ({login})").format(name=match.staff_name, login=match.staff_login))
    else:
        print(_("Unknown number: no person has it yet."))
    for _id, code, community in match.rooms:
        print(_("  Room: {community} {room}").format(community=community, room=code))
    for _id, number, title, status in match.open_orders:
        print(_("  Open work order: {number} {status} {title}").format(
            number=number, status=label(WORK_ORDER_STATUSES, status), title=title))
    if match.incident is not None:
        print(_("  Incident: {title} (until {ends})").format(
            title=match.incident.title, ends=_when(match.incident.ends)))
    return 0


def _calls_ring(args: argparse.Namespace) -> int:
    """`calls ring --number N --ext E [--call-id X] [--missed]`: the phone system (a service
    account) reports a call answered at E, or one nobody answered."""
    from data import calls

    sign_in(args, "calls.ring")
    if args.missed:
        view, call_id = calls.missed(args.number, args.ext, pbx_call_id=args.call_id)
        if args.json:
            emit({**view.as_json(), "logged_call": call_id})
        else:
            print(_("Missed call {number} logged as call {id}{callback}.").format(
                number=view.number or _("(number withheld)"), id=call_id,
                callback=_(", to be called back") if view.number else ""))
        return 0
    if not args.ext.strip():
        raise ValidationError("--ext", _("Give the extension that answered (--ext), such as 801."))
    view = calls.ring(args.number, args.ext, pbx_call_id=args.call_id)
    if args.json:
        emit(view.as_json())
    else:
        print(_("Ring {id}: {number} answered at extension {ext} ({name}).").format(
            id=view.id, number=view.number or _("(number withheld)"), ext=view.extension, name=view.staff))
    return 0


def _calls_hangup(args: argparse.Namespace) -> int:
    """`calls hangup --ext E [--recording URL] [--call-id X]`: the call answered at E ended."""
    from data import calls

    sign_in(args, "calls.ring")
    view = calls.hangup(args.ext, recording=args.recording, pbx_call_id=args.call_id)
    if args.json:
        emit(view.as_json())
    else:
        print(_("Ring {id} at extension {ext} ended after {seconds} s{recording}.").format(
            id=view.id, ext=view.extension, seconds=view.duration_s or 0,
            recording=_("; recording {ref}").format(ref=view.recording) if view.recording else ""))
    return 0


def _calls_list(args: argparse.Namespace) -> int:
    from data.calls import CallFilter, CallView, call_history

    if args.limit < 1:
        raise ValidationError("--limit", _("--limit must be at least 1."))
    staff = sign_in(args)
    flt = CallFilter(staff_id=staff.id if args.mine else None, since=_date(args.since, "--since"))
    rows: list[CallView] = []
    after: tuple | None = None
    while len(rows) < args.limit:
        page = call_history(flt, after=after, limit=min(args.limit - len(rows), 200))
        rows += page.rows
        after = page.next_cursor
        if after is None:
            break
    _reveal(rows, args.reveal)
    for view in rows:
        if args.json:
            emit({**view.as_json(), "number": _number(view, args.reveal)})
        else:
            print(_call_line(view, args.reveal))
    if not rows and not args.json:
        print(_("No calls."))
    return 0


def _calls_callbacks(args: argparse.Namespace) -> int:
    from data.calls import callbacks
    from data.clock import now

    staff = sign_in(args)
    at = now()
    # Mine: assigned to me, and those assigned to nobody (calls a queue missed).
    rows = callbacks(staff.id if args.mine else None, overdue_only=args.overdue, at=at, limit=1000,
                     unassigned=True)
    _reveal(rows, args.reveal)
    for view in rows:
        overdue = view.callback_overdue(at)
        if args.json:
            emit({**view.as_json(), "number": _number(view, args.reveal), "overdue": overdue})
            continue
        summary = view.summary.splitlines()[0] if view.summary else ""
        print("  ".join((
            pad(_when(view.callback_due), 16),
            pad(_("overdue") if overdue else "", 8),
            pad(_number(view, args.reveal) or "—", 16),
            pad(view.person or "—", 8),
            pad(view.callback_assignee or "—", 8),
            summary,
        )).rstrip())
    if not rows and not args.json:
        print(_("No callbacks waiting."))
    return 0


def _calls_stats(args: argparse.Namespace) -> int:
    from data.calls import call_stats
    from data.clock import today
    from data.vocab import CALL_CATEGORIES, CALL_OUTCOMES, label

    staff = sign_in(args)
    until = _date(args.until, "--until") or today()
    since = _date(args.since, "--since") or until - dt.timedelta(days=STATS_DAYS - 1)
    # Everyone's numbers are a supervisor's report; a clerk gets their own.
    stats = call_stats(since, until, staff_id=None if access.can("reports") else staff.id)
    if args.json:
        emit(stats.as_json())
        return 0

    def percent(rate: float, base: int) -> str:
        return f"{rate:.1%}" if base else "—"

    print(_("Calls {since} – {until}: {total} ({inbound} in, {outbound} out)").format(
        since=since, until=until, total=stats.total, inbound=stats.inbound, outbound=stats.outbound))
    print(_("Answered: {answered} of {needed} ({rate}); average talk time {avg:.0f} s").format(
        answered=stats.answered, needed=stats.needed_answer,
        rate=percent(stats.answered_rate, stats.needed_answer), avg=stats.avg_duration_s))
    print(_("Callbacks kept on time: {on_time} of {due} ({rate})").format(
        on_time=stats.callbacks_on_time, due=stats.callbacks_due,
        rate=percent(stats.callbacks_on_time_rate, stats.callbacks_due)))
    print()
    print(_("By day (in / out):"))
    for day, inbound, outbound in stats.by_day:
        print(f"  {day:%m-%d}  {inbound:>4}  {outbound:>4}")
    print(_("By staff member (calls, average talk time):"))
    for name, count, avg in stats.by_staff:
        print(f"  {pad(name, 10)}{count:>5}  {avg:>6.0f}s")
    print(_("By category:"))
    for code, count in stats.by_category:
        print(f"  {pad(label(CALL_CATEGORIES, code), 10)}{count:>5}")
    print(_("By outcome:"))
    for code, count in stats.by_outcome:
        print(f"  {pad(label(CALL_OUTCOMES, code) if code else '—', 12)}{count:>5}")
    return 0


def _incident_json(view) -> dict:
    return {"id": view.id, "kind": view.kind, "title": view.title, "buildings": list(view.buildings),
            "starts": _when(view.starts), "ends": _when(view.ends), "script": view.script,
            "calls": view.calls, "callers": view.callers}


def _calls_incident(args: argparse.Namespace) -> int:
    """`frontdesk calls incident declare|list|end`."""
    from data import calls
    from data.people import find_building
    from data.validators import parse_datetime
    from data.vocab import INCIDENT_KINDS, label

    staff = sign_in(args)
    if args.incident_command == "list":
        for view in calls.active_incidents():
            if args.json:
                print(json.dumps(_incident_json(view), ensure_ascii=False))
            else:
                print(_("#{id} {kind} {title}: {starts} – {ends}, {buildings}; {calls} calls from {callers} owners").format(
                    id=view.id, kind=label(INCIDENT_KINDS, view.kind), title=view.title,
                    starts=_when(view.starts), ends=_when(view.ends), buildings="、".join(view.buildings),
                    calls=view.calls, callers=view.callers))
        return 0
    if args.incident_command == "tag":
        call = calls.tag_call(args.call_id, args.incident_id, staff.id)
        incident = calls.get_incident(args.incident_id)
        print(_("Call {call} tagged to incident #{id} {title}.").format(
            call=call.id, id=incident.id, title=incident.title))
        return 0
    if args.incident_command == "end":
        view = calls.end_incident(args.id, staff.id)
        print(_("Incident #{id} ended.").format(id=view.id))
        return 0
    kinds = {label(INCIDENT_KINDS, code): code for code in INCIDENT_KINDS}
    kind = args.kind if args.kind in INCIDENT_KINDS else kinds.get(args.kind.strip())
    if kind is None:
        raise ValidationError("--kind", _("Unknown value “{value}”: use one of {choices}.").format(
            value=args.kind, choices="、".join([*kinds, *INCIDENT_KINDS])))
    building_ids = [find_building(code, args.community, option="--buildings")[1]
                    for code in args.buildings.replace("，", ",").split(",") if code.strip()]
    starts = parse_datetime(args.starts, "--from")
    ends = parse_datetime(args.ends, "--until")
    view = calls.declare_incident(kind, args.title, building_ids, starts, ends, args.script, staff.id)
    if args.json:
        print(json.dumps(_incident_json(view), ensure_ascii=False))
    else:
        print(_("Incident #{id} declared: {title}, {buildings}, until {ends}.").format(
            id=view.id, title=view.title, buildings="、".join(view.buildings), ends=_when(view.ends)))
    return 0


def _calls_lists(args: argparse.Namespace) -> int:
    """`frontdesk calls lists list|new --from-search Q|--from-file PATH`."""
    from data import calls
    from data.vocab import CALL_LIST_KINDS, label

    staff = sign_in(args)
    if args.lists_command == "new":
        if args.from_search is not None:
            list_id = calls.build_list_from_search(args.from_search, staff.id, staff.id, args.name)
        else:
            list_id = calls.build_list_from_file(args.from_file, staff.id, staff.id, args.name)
        view = next(lst for lst in calls.call_lists(open_only=False) if lst.id == list_id)
        if args.json:
            emit({"id": view.id, "name": view.name, "kind": view.kind, "total": view.total})
        else:
            print(_("Call list #{id} “{name}”: {count} numbers to call.").format(
                id=view.id, name=view.name, count=view.total))
        return 0
    rows = calls.call_lists(None if access.can("reports") else staff.id)
    for lst in rows:
        if args.json:
            emit({"id": lst.id, "name": lst.name, "kind": lst.kind, "assignee": lst.assignee,
                  "done": lst.done, "total": lst.total, "pending": lst.pending})
        else:
            print("  ".join((pad(f"#{lst.id}", 6), pad(lst.name, 24), pad(label(CALL_LIST_KINDS, lst.kind), 8),
                             pad(lst.assignee or "—", 8), f"{lst.done}/{lst.total}")))
    if not rows and not args.json:
        print(_("No open call lists."))
    return 0


def _calls_scripts(args: argparse.Namespace) -> int:
    """`frontdesk calls scripts list|edit NAME [--category C] [--text …] [--title …]`."""
    from data import calls
    from data.vocab import CALL_CATEGORIES, CALL_CATEGORY_WORDS, label

    staff = sign_in(args)
    if args.scripts_command == "list":
        rows = calls.scripts()
        for view in rows:
            if args.json:
                emit({"id": view.id, "category": view.category, "title": view.title, "text": view.body})
            else:
                first = view.body.splitlines()[0] if view.body else ""
                print("  ".join((pad(label(CALL_CATEGORIES, view.category), 6), pad(view.title, 14), first)))
        if not rows and not args.json:
            print(_("No scripts."))
        return 0
    category = (to_code(args.category, CALL_CATEGORIES, CALL_CATEGORY_WORDS, "--category")
                if args.category else None)
    if args.text is None and args.title is None:
        raise ValidationError("--text", _("Give --text, --title or both."))
    view = calls.find_script(args.name, category)
    calls.save_script(view.category, view.title if args.title is None else args.title,
                      view.body if args.text is None else args.text.replace("\\n", "\n"),
                      staff.id, script_id=view.id)
    print(_("Script “{title}” saved.").format(title=view.title if args.title is None else args.title.strip()))
    return 0


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "calls": cmd_calls,
}
