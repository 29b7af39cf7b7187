"""The `frontdesk renovations …` command (issue 16 item 2): renovation permits (装修登记) —
list, show, new, approve, reject, deposit, rules, start, inspect, finish, accept, refund,
cancel — through data.renovations, with its rules and permissions."""

from __future__ import annotations

import argparse
import re
from collections.abc import Callable

from data.errors import ValidationError
from data.i18n import _
from tui.cli.common import emit, open_db, pad, sign_in, to_code

#: Default number of permits `renovations list` prints.
LIST_DEFAULT = 50


def add_parsers(sub: argparse._SubParsersAction) -> None:
    """Register `renovations` and its actions on the main parser."""
    p = sub.add_parser("renovations", help=_("renovation permits (装修登记)"))
    actions = p.add_subparsers(dest="renovations_command", metavar="ACTION", required=True)

    def json_option(q: argparse.ArgumentParser) -> None:
        q.add_argument("--json", action="store_true", help=_("one JSON object per line"))

    q = actions.add_parser("list", help=_("the register of permits, newest first"))
    q.add_argument("--status", metavar="S", help=_("only this status, such as 施工中"))
    q.add_argument("--community", metavar="NAME", help=_("only this community"))
    q.add_argument("--room", metavar="TEXT", help=_("room code or its beginning (3-2), or a permit number"))
    q.add_argument("--on", metavar="YYYY-MM-DD", dest="on_day",
                   help=_("only the rooms under renovation on that day"))
    q.add_argument("--limit", type=int, default=LIST_DEFAULT, metavar="N",
                   help=_("at most N permits (default 50)"))
    q.add_argument("--offset", type=int, default=0, metavar="N", help=_("skip the first N"))
    json_option(q)

    q = actions.add_parser("show", help=_("a permit with its workers, inspections and history"))
    q.add_argument("ref", metavar="ID|NUMBER")
    json_option(q)

    q = actions.add_parser("new", help=_("register an owner's application"))
    q.add_argument("--room", required=True, metavar="CODE", help=_("room code, such as 3-2-501"))
    q.add_argument("--community", metavar="NAME", help=_("community, when the room code exists in several"))
    q.add_argument("--owner", metavar="PERSON",
                   help=_("the applicant: a phone number, name or #id (default: the room's owner)"))
    q.add_argument("--contractor", required=True, metavar="NAME", help=_("the contractor (施工单位)"))
    q.add_argument("--contractor-phone", required=True, metavar="PHONE", dest="contractor_phone",
                   help=_("the contractor's contact phone"))
    q.add_argument("--scope", default="", metavar="TEXT", help=_("what the works are (施工内容)"))
    q.add_argument("--start", required=True, metavar="YYYY-MM-DD", help=_("first day of the works"))
    q.add_argument("--end", required=True, metavar="YYYY-MM-DD", help=_("last day of the works"))
    q.add_argument("--hours", default="", metavar="HH:MM-HH:MM,…",
                   help=_("permitted hours on working days (default 08:00-12:00,14:00-18:00)"))
    q.add_argument("--rest-day-hours", default="", metavar="HH:MM-HH:MM,…", dest="rest_day_hours",
                   help=_("permitted hours on weekends (default none; never on public holidays)"))
    q.add_argument("--deposit", default="0", metavar="YUAN", help=_("the deposit (装修押金) in yuan"))
    q.add_argument("--deposit-received", action="store_true", dest="deposit_received",
                   help=_("the deposit was taken now"))
    q.add_argument("--rules-acknowledged", action="store_true", dest="rules_acknowledged",
                   help=_("the owner signed the renovation rules"))
    q.add_argument("--worker", action="append", default=[], metavar="NAME,PHONE,ID_TAIL",
                   help=_("a worker: name, phone, last 4 of the ID number (repeat for each)"))
    json_option(q)

    for name, text in (("approve", _("approve an application (leads)")),
                       ("start", _("the works started")),
                       ("finish", _("the works are finished: waiting for acceptance"))):
        q = actions.add_parser(name, help=text)
        q.add_argument("ref", metavar="ID|NUMBER")
        q.add_argument("--note", default="", metavar="TEXT")
        json_option(q)

    for name, text in (("reject", _("reject an application, with the reason (leads)")),
                       ("cancel", _("cancel before the works start, with the reason"))):
        q = actions.add_parser(name, help=text)
        q.add_argument("ref", metavar="ID|NUMBER")
        q.add_argument("--reason", required=True, metavar="TEXT")
        json_option(q)

    q = actions.add_parser("deposit", help=_("the deposit was received"))
    q.add_argument("ref", metavar="ID|NUMBER")
    q.add_argument("--amount", metavar="YUAN", help=_("the amount, when it differs from the application"))
    json_option(q)

    q = actions.add_parser("rules", help=_("the owner acknowledged the renovation rules"))
    q.add_argument("ref", metavar="ID|NUMBER")
    json_option(q)

    q = actions.add_parser("inspect", help=_("record an inspection (巡查) during the works"))
    q.add_argument("ref", metavar="ID|NUMBER")
    q.add_argument("--result", default="正常", metavar="R", help="正常|警告|违规 (ok, warning, violation)")
    q.add_argument("--findings", default="", metavar="TEXT", help=_("what was found"))
    q.add_argument("--needs-repair", action="store_true", dest="needs_repair", default=None,
                   help=_("the finding needs a repair: open a work order"))
    q.add_argument("--category", metavar="NAME", help=_("category of the work order opened"))
    q.add_argument("--at", metavar="YYYY-MM-DD HH:MM", help=_("when (default now)"))
    q.add_argument("--inspector", metavar="LOGIN", help=_("who inspected (default: you)"))
    json_option(q)

    q = actions.add_parser("accept", help=_("record the acceptance (验收) (leads)"))
    q.add_argument("ref", metavar="ID|NUMBER")
    outcome = q.add_mutually_exclusive_group(required=True)
    outcome.add_argument("--passed", action="store_true", help=_("the works passed"))
    outcome.add_argument("--failed", action="store_true", help=_("the works failed: say why in --notes"))
    q.add_argument("--notes", default="", metavar="TEXT")
    json_option(q)

    q = actions.add_parser("refund", help=_("refund the deposit after acceptance (leads)"))
    q.add_argument("ref", metavar="ID|NUMBER")
    q.add_argument("--amount", metavar="YUAN", help=_("refunded amount (default: the whole deposit)"))
    q.add_argument("--reason", default="", metavar="TEXT", help=_("why part of it is kept back"))
    json_option(q)


# --- output ---------------------------------------------------------------------------------


def _row_line(row) -> str:
    from data.renovations import STATUSES
    from data.vocab import label

    marks = []
    if row.warnings:
        marks.append(_("{n} warnings").format(n=row.warnings))
    if row.violations:
        marks.append(_("{n} violations").format(n=row.violations))
    return "  ".join((
        pad(row.number, 18),
        pad(label(STATUSES, row.status), 10),
        pad(f"{row.community} {row.room}", 22),
        pad(row.applicant, 8),
        f"{row.start_date:%m-%d}–{row.end_date:%m-%d}",
        pad(row.contractor, 16),
        " ".join(marks),
    )).rstrip()


def _print_permit(v) -> None:
    from data.renovations import ACTION_LABELS, RESULTS, STATUSES, describe_hours, money
    from data.vocab import label

    def when(value) -> str:
        return f"{value:%Y-%m-%d %H:%M}" if value else "—"

    version = _("version {version}").format(version=v.version)
    lines = [
        f"{v.number}  {label(STATUSES, v.status)}  ({version})",
        _("Room: {community} {room} · applicant {applicant}").format(
            community=v.community, room=v.room, applicant=v.applicant or "—"),
        _("Contractor: {name} {phone}").format(name=v.contractor, phone=v.contractor_phone),
        _("Period: {start} – {end}").format(start=v.start_date, end=v.end_date),
        _("Permitted hours: {hours}").format(hours=describe_hours(v.workday_hours, v.rest_day_hours)),
        _("Deposit: {amount} yuan · {received}").format(
            amount=money(v.deposit),
            received=(_("received {when} by {name}").format(when=when(v.deposit_received_at),
                                                          name=v.deposit_received_by)
                      if v.deposit_received_at else _("not received"))
            + (" · " + _("receipt {number}").format(number=v.deposit_receipt) if v.deposit_receipt else "")),
        _("Rules acknowledged: {when}").format(when=when(v.rules_acknowledged_at)
                                               if v.rules_acknowledged else _("no")),
    ]
    if v.acceptance_result:
        lines.append(_("Acceptance: {result} {when} {name} {notes}").format(
            result=_("passed") if v.acceptance_result == "passed" else _("failed"),
            when=when(v.accepted_at), name=v.accepted_by, notes=v.acceptance_notes).rstrip())
    if v.refunded_at:
        lines.append(_("Refunded: {amount} yuan {when} by {name} {reason}").format(
            amount=money(v.refunded_amount), when=when(v.refunded_at), name=v.refunded_by,
            reason=v.deduction_reason).rstrip()
            + (" · " + _("receipt {number}").format(number=v.refund_receipt) if v.refund_receipt else ""))
    if v.closed_reason:
        lines.append(_("Reason: {reason}").format(reason=v.closed_reason))
    if v.scope:
        lines += ["", v.scope]
    if v.workers:
        lines += ["", _("Workers:")]
        lines += [f"  {pad(w.name, 10)}  {pad(w.phone, 14)}  {w.id_tail or ''}".rstrip()
                  for w in v.workers]
    if v.inspections:
        lines += ["", _("Inspections:")]
        for i in v.inspections:
            order = f"  → {i.work_order_number}" if i.work_order_number else ""
            lines.append(f"  {i.at:%m-%d %H:%M}  {pad(i.inspector or '—', 8)}  "
                         f"{label(RESULTS, i.result)}  {' '.join(i.findings.split())}{order}".rstrip())
    lines += ["", _("History:")]
    for e in v.events:
        move = (f" {label(STATUSES, e.from_status) if e.from_status else ''}→{label(STATUSES, e.to_status)}"
                if e.from_status != e.to_status else "")
        note = f"  {' '.join(e.note.split())}" if e.note else ""
        lines.append(f"  {e.at:%m-%d %H:%M}  {pad(e.staff or '—', 8)}  "
                     f"{label(ACTION_LABELS, e.action)}{move}{note}")
    print("\n".join(lines))


def _done(args: argparse.Namespace, view, message: str) -> int:
    if args.json:
        emit(view.as_json())
    else:
        print(message)
    return 0


# --- commands --------------------------------------------------------------------------------


def _date(text: str, option: str):
    from data.validators import parse_date

    day = parse_date(text or "", option)
    if day is None:
        raise ValidationError(option, _("Write the date as YYYY-MM-DD, such as 2026-11-27."))
    return day


def _workers(texts: list[str]):
    from data.renovations import WorkerInput

    out = []
    for text in texts:
        parts = [p.strip() for p in re.split(r"[,，]", text, maxsplit=2)]
        parts += [""] * (3 - len(parts))
        out.append(WorkerInput(name=parts[0], phone=parts[1], id_tail=parts[2]))
    return out


def _list(args: argparse.Namespace, staff) -> int:
    from data import renovations as rn
    from data.people import community_by_name

    if args.limit < 1:
        raise ValidationError("--limit", _("--limit must be at least 1."))
    if args.offset < 0:
        raise ValidationError("--offset", _("--offset cannot be negative."))
    community_id = community_by_name(args.community).id if args.community else None
    if args.on_day:
        rows = rn.rooms_under_renovation(_date(args.on_day, "--on"), community_id)
        rows = rows[args.offset: args.offset + args.limit]
    else:
        status = to_code(args.status, rn.STATUSES, rn.STATUS_WORDS, "--status") if args.status else None
        flt = rn.RenovationFilter(status=status, community_id=community_id, text=args.room or "")
        rows = []
        offset = args.offset
        while len(rows) < args.limit:
            page = rn.list_permits(flt, limit=min(args.limit - len(rows), rn.PAGE), offset=offset)
            rows += page.rows
            offset += len(page.rows)
            if not page.has_more:
                break
    for row in rows:
        if args.json:
            emit(row.as_json())
        else:
            print(_row_line(row))
    if not rows and not args.json:
        print(_("No renovation permits."))
    return 0


def _new(args: argparse.Namespace, staff) -> int:
    from data import renovations as rn
    from data.lookup import find_room
    from data.property import person_ref

    _community_id, room_id = find_room(args.room, args.community)
    view = rn.register(rn.RenovationInput(
        room_id=room_id, contractor=args.contractor, contractor_phone=args.contractor_phone,
        start_date=_date(args.start, "--start"), end_date=_date(args.end, "--end"),
        scope=args.scope, applicant_id=person_ref(args.owner, "--owner") if args.owner else None,
        workday_hours=args.hours, rest_day_hours=args.rest_day_hours, deposit=args.deposit,
        deposit_received=args.deposit_received, rules_acknowledged=args.rules_acknowledged,
        workers=_workers(args.worker)), staff.id)
    if args.json:
        emit(view.as_json())
        return 0
    print(_("Registered {number}.").format(number=view.number))
    _print_permit(view)
    return 0


def _inspect(args: argparse.Namespace, staff) -> int:
    from data import renovations as rn
    from data.lookup import find_category
    from data.validators import parse_datetime
    from data.vocab import label
    from data.workorders import staff_by_login

    result = to_code(args.result, rn.RESULTS, rn.RESULT_WORDS, "--result")
    inspection = rn.inspect(args.ref, rn.InspectionInput(
        findings=args.findings, result=result,
        at=parse_datetime(args.at, "--at") if args.at else None,
        inspector_id=staff_by_login(args.inspector).id if args.inspector else None,
        needs_repair=args.needs_repair,
        category_id=find_category(args.category) if args.category else None), staff.id)
    view = rn.get_permit(args.ref)
    if args.json:
        emit({**view.as_json(), "inspection": {
            "at": f"{inspection.at:%Y-%m-%d %H:%M}", "result": inspection.result,
            "findings": inspection.findings, "work_order": inspection.work_order_number or None}})
        return 0
    print(_("Inspection of {number} recorded: {result}.").format(
        number=view.number, result=label(rn.RESULTS, inspection.result)))
    if inspection.work_order_number:
        print(_("Opened work order {order}.").format(order=inspection.work_order_number))
    return 0


def cmd_renovations(args: argparse.Namespace) -> int:
    """`frontdesk renovations …`."""
    from data import renovations as rn
    from data.vocab import label

    open_db(args)
    staff = sign_in(args)
    command = args.renovations_command
    special: dict[str, Callable[[argparse.Namespace, object], int]] = {
        "list": _list, "new": _new, "inspect": _inspect}
    if command in special:
        return special[command](args, staff)
    if command == "show":
        view = rn.get_permit(args.ref, staff.id)
        if args.json:
            emit(view.as_json())
        else:
            _print_permit(view)
        return 0
    if command == "approve":
        view = rn.approve(args.ref, staff.id, note=args.note)
    elif command == "start":
        view = rn.start(args.ref, staff.id, note=args.note)
    elif command == "finish":
        view = rn.finish(args.ref, staff.id, note=args.note)
    elif command == "reject":
        view = rn.reject(args.ref, staff.id, args.reason)
    elif command == "cancel":
        view = rn.cancel(args.ref, staff.id, args.reason)
    elif command == "deposit":
        view = rn.record_deposit(args.ref, staff.id, args.amount)
    elif command == "rules":
        view = rn.acknowledge_rules(args.ref, staff.id)
    elif command == "accept":
        view = rn.accept(args.ref, staff.id, bool(args.passed), args.notes)
    else:  # refund
        view = rn.refund(args.ref, staff.id, args.amount, args.reason)
    return _done(args, view, _("{number}: {status}.").format(
        number=view.number, status=label(rn.STATUSES, view.status)))


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {"renovations": cmd_renovations}
