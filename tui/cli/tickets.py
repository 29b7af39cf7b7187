"""The `frontdesk tickets …` and `frontdesk escalate` commands (issue 4 §7).

For on-call technicians and scripts: the same rules as the TUI, through `data.workorders`,
`data.queue`, `data.dispatch` and `data.escalation`. Heavy imports happen inside the
command functions so that `frontdesk --help` and the TUI start stay fast.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from decimal import Decimal

from data.errors import ConflictError, NotFoundError, ValidationError
from data.i18n import _
from tui.cli.common import emit, open_db, pad, sign_in, to_code

#: Words accepted for each coded option, besides the code itself and its labels.
KIND_WORDS = {"报修": "repair", "投诉": "complaint", "咨询": "inquiry", "建议": "suggestion", "业委会": "committee"}
CHANNEL_WORDS = {"电话": "phone", "来访": "visit", "微信": "wechat", "巡查": "patrol",
                 "12345": "hotline", "热线": "hotline", "12345热线": "hotline", "市民热线": "hotline"}
STATUS_WORDS = {
    "待派单": "new", "已派单": "assigned", "处理中": "in_progress", "挂起": "on_hold",
    "已完成": "resolved", "已回访": "visited", "已关闭": "closed", "已取消": "cancelled",
}
#: Longest title taken from the first line of --text.
TITLE_LENGTH = 40
#: Default number of orders `tickets list` prints.
LIST_DEFAULT = 50


# --- parsers ---------------------------------------------------------------------------------


def add_parsers(sub: argparse._SubParsersAction) -> None:
    """Register `tickets` (new, list, show, update) and `escalate` on the main parser."""
    p = sub.add_parser("tickets", help=_("work orders: new, list, show, update"))
    tickets = p.add_subparsers(dest="tickets_command", metavar="ACTION", required=True)

    q = tickets.add_parser("new", help=_("open a work order"))
    q.add_argument("--kind", required=True, help="报修|投诉|咨询|建议|业委会 (repair, complaint, inquiry, suggestion, committee)")
    q.add_argument("--room", required=True, metavar="CODE", help=_("room code, such as 3-2-501"))
    q.add_argument("--community", metavar="NAME", help=_("community, when the room code exists in several"))
    q.add_argument("--person", type=int, metavar="ID", help=_("the person who reported it"))
    q.add_argument("--category", required=True, metavar="NAME",
                   help=_("category name or code, such as 水管漏水 or plumbing.leak"))
    q.add_argument("--priority", default="普通", help="特急|紧急|高|普通|低 (critical, urgent, quick, normal, low)")
    q.add_argument("--text", required=True, metavar="TEXT", help=_("what is wrong; the first line is the title"))
    q.add_argument("--channel", default="电话",
                   help="电话|来访|微信|巡查|12345 (phone, visit, wechat, patrol, hotline)")
    q.add_argument("--appointment", metavar="WHEN", help=_("the on-site visit: 明天 15:00, 周三上午, 2026-12-03 09:30"))
    q.add_argument("--hotline-ref", dest="hotline_ref", metavar="REF",
                   help=_("with --channel hotline: the 12345 hotline's reference (letters, digits, hyphens)"))
    q.add_argument("--reply-due", dest="reply_due", metavar="WHEN",
                   help=_("with --channel hotline: the reply deadline the hotline set: 明天 17:00, 12-10, 2026-12-10 18:00"))
    q.add_argument("--json", action="store_true", help=_("one JSON object per line"))

    q = tickets.add_parser("list", help=_("list work orders, by deadline"))
    q.add_argument("--mine", action="store_true", help=_("only those assigned to me"))
    q.add_argument("--overdue", action="store_true", help=_("only overdue or due soon"))
    q.add_argument("--status", metavar="S", help=_("only this status"))
    q.add_argument("--building", metavar="B", help=_("only this building, such as 3"))
    q.add_argument("--community", metavar="NAME", help=_("only this community"))
    q.add_argument("--assignee", metavar="LOGIN", help=_("only those assigned to this login"))
    q.add_argument("--hotline", action="store_true",
                   help=_("only orders from the 12345 hotline (with their reply deadline)"))
    q.add_argument("--overdue-reply", dest="overdue_reply", action="store_true",
                   help=_("only 12345 hotline orders whose reply deadline passed unreplied"))
    q.add_argument("--limit", type=int, default=LIST_DEFAULT, metavar="N",
                   help=_("at most N work orders (default 50)"))
    q.add_argument("--json", action="store_true", help=_("one JSON object per line"))

    q = tickets.add_parser("show", help=_("details, history and costs of a work order"))
    q.add_argument("ref", metavar="ID|NUMBER")
    q.add_argument("--reveal", action="store_true",
                   help=_("the contact phone in full (recorded in the audit trail)"))
    q.add_argument("--json", action="store_true", help=_("one JSON object per line"))

    q = tickets.add_parser("update", help=_("change the status, the assignee, or add a note"))
    q.add_argument("ref", metavar="ID|NUMBER")
    q.add_argument("--status", metavar="S", help=_("the new status"))
    q.add_argument("--assignee", metavar="LOGIN", help=_("assign or reassign (a reassignment needs --note)"))
    q.add_argument("--note", metavar="TEXT", help=_("a note; the reason for hold, cancel, reassign, reopen"))
    q.add_argument("--rating", metavar="1-5", help=_("the owner's rating at the callback (status visited)"))
    q.add_argument("--appointment", metavar="WHEN",
                   help=_("set or move the on-site visit: 明天 15:00, 周三上午; \"\" clears it"))
    q.add_argument("--if-version", type=int, metavar="V", dest="if_version",
                   help=_("refuse (exit status 3) if the work order changed since version V"))
    q.add_argument("--json", action="store_true", help=_("one JSON object per line"))

    q = tickets.add_parser("reply", help=_("record the reply sent to the 12345 hotline"))
    q.add_argument("ref", metavar="ID|NUMBER")
    q.add_argument("--text", required=True, metavar="TEXT", help=_("what was replied to the hotline"))
    q.add_argument("--if-version", type=int, metavar="V", dest="if_version",
                   help=_("refuse (exit status 3) if the work order changed since version V"))
    q.add_argument("--json", action="store_true", help=_("one JSON object per line"))

    q = tickets.add_parser("filters", help=_("my saved filters of the work-order queue: list, delete"))
    flt = q.add_subparsers(dest="filters_command", metavar="ACTION", required=True)
    r = flt.add_parser("list", help=_("my saved filters and what each one keeps"))
    r.add_argument("--json", action="store_true", help=_("one JSON object per line"))
    r = flt.add_parser("delete", help=_("delete one of my saved filters"))
    r.add_argument("name", metavar="NAME")

    p = sub.add_parser("escalate", help=_("escalate missed deadlines (safe from cron)"))
    p.add_argument("--json", action="store_true", help=_("one JSON object per line"))

    p = sub.add_parser("sla", help=_("the SLA table: deadlines per kind, category and priority"))
    sla = p.add_subparsers(dest="sla_command", metavar="ACTION", required=True)
    q = sla.add_parser("list", help=_("show the SLA table"))
    q.add_argument("--json", action="store_true", help=_("one JSON object per line"))
    q = sla.add_parser("set", help=_("set a deadline policy (new work orders use it)"))
    q.add_argument("kind", help="报修|投诉|咨询|建议|业委会")
    q.add_argument("priority", help="特急|紧急|急修|一般|低 (critical, urgent, quick, normal, low)")
    q.add_argument("--response", type=int, required=True, metavar="MIN", help=_("minutes to the first response"))
    q.add_argument("--resolution", type=int, required=True, metavar="MIN", help=_("minutes to resolution"))
    q.add_argument("--category", metavar="NAME", help=_("only this category (else the default of the kind)"))
    clock = q.add_mutually_exclusive_group()
    clock.add_argument("--working-time", dest="working_time", action="store_true", default=None,
                       help=_("count only working hours on working days (holidays and weekends off)"))
    clock.add_argument("--calendar-time", dest="working_time", action="store_false",
                       help=_("count every minute, nights and holidays too (the default)"))
    q = sla.add_parser("hours", help=_("show or set the working hours that working-time policies count"))
    q.add_argument("hours", nargs="?", metavar="HH:MM-HH:MM", help=_("such as 08:30-17:30"))


# --- helpers ---------------------------------------------------------------------------------


def _money(value: Decimal) -> str:
    """Two decimals whatever the backend returned ("2" on SQLite, "2.00" on PostgreSQL)."""
    return str(Decimal(value).quantize(Decimal("0.01")))


def _short_title(text: str) -> str:
    first = next((line.strip() for line in text.splitlines() if line.strip()), "")
    return first if len(first) <= TITLE_LENGTH else first[: TITLE_LENGTH - 1] + "…"


def _find_building(code: str, community: str | None) -> tuple[int, int]:
    from data.people import find_building

    return find_building(code, community, option="--building")


def _order_line(row, at, reply: bool = False) -> str:
    """One aligned line of `tickets list`; with `reply`, the 12345 reply deadline's
    countdown (or 已答复) before the title."""
    from data.queue import countdown
    from data.vocab import PRIORITIES, WORK_ORDER_STATUSES, label

    where = row.room or row.location
    cells = [
        pad(row.number, 16),
        pad(label(WORK_ORDER_STATUSES, row.status), 8),
        pad(label(PRIORITIES, row.priority), 6),
        pad(where, 10),
        pad(row.assignee, 8),
        pad(countdown(row.deadline, at) if row.deadline else "", 8),
    ]
    if reply:
        cells.append(pad(_reply_cell(row, at), 12))
    return "  ".join((*cells, row.title)).rstrip()


def _reply_cell(row, at) -> str:
    """The 12345 reply deadline of a list row: its countdown, 已答复 once replied."""
    from data.queue import countdown

    if row.reply_due is None:
        return ""
    if row.replied:
        return _("replied")
    return _("reply {left}").format(left=countdown(row.reply_due, at))


def _print_order(view, at, phone: str | None = None) -> None:
    """The plain-text details of a work order; the contact phone masked unless `phone`
    gives it as revealed."""
    from data.queue import countdown
    from data.validators import mask_phone
    from data.vocab import CHANNELS, PRIORITIES, WORK_ORDER_KINDS, WORK_ORDER_STATUSES, label

    if phone is None:
        phone = mask_phone(view.contact_phone) if view.contact_phone else ""

    def when(value) -> str:
        return f"{value:%Y-%m-%d %H:%M}" if value else "—"

    deadline = view.next_deadline()
    lines = [
        f"{view.number}  {view.title}",
        _("Status: {status} (version {version})").format(
            status=label(WORK_ORDER_STATUSES, view.status), version=view.version),
        _("Kind: {kind} · {category} · {priority} · {channel}").format(
            kind=label(WORK_ORDER_KINDS, view.kind), category=view.category or "—",
            priority=label(PRIORITIES, view.priority), channel=label(CHANNELS, view.channel)),
        _("Where: {community} {room}").format(community=view.community,
                                             room=view.room or view.location),
        _("Person: {person} {phone}").format(person=view.person or "—", phone=phone).rstrip(),
        _("Assignee: {assignee}").format(assignee=view.assignee or "—"),
        *([_("Appointment: {when}").format(when=when(view.appointment_at))]
          if view.appointment_at else []),
        _("Created: {created} by {by}").format(created=when(view.created_at), by=view.created_by),
        _("Respond by: {due} · Resolve by: {resolve}").format(
            due=when(view.response_due), resolve=when(view.resolution_due)),
    ]
    if deadline is not None:
        lines.append(_("Time left: {left}{overdue}").format(
            left=countdown(deadline, at), overdue=_(" (overdue)") if view.overdue(at) else ""))
    if view.hotline is not None:
        lines += _hotline_lines(view.hotline, at)
    if view.rating is not None:
        lines.append(_("Rating: {rating} {comment}").format(rating=view.rating,
                                                           comment=view.callback_comment))
    if view.merged_into:
        lines.append(_("Merged into {number}").format(number=view.merged_into))
    if view.description and view.description != view.title:
        lines += ["", view.description]
    print("\n".join(lines))


def _hotline_lines(h, at) -> list[str]:
    """The 12345 hotline's reference, reply deadline (time left or overdue) and reply."""
    from data.queue import countdown

    due = f"{h.reply_due:%Y-%m-%d %H:%M}"
    if h.replied_at is None:
        state = (_("overdue {left}") if h.reply_overdue(at) else _("{left} left")).format(
            left=countdown(h.reply_due, at).lstrip("-"))
        return [_("12345 hotline: {ref} · reply due {due} ({state})").format(
            ref=h.ref, due=due, state=state)]
    late = _(", late") if h.replied_late() else ""
    return [_("12345 hotline: {ref} · reply due {due}").format(ref=h.ref, due=due),
            _("Replied {time} by {name}{late}: {text}").format(
                time=f"{h.replied_at:%Y-%m-%d %H:%M}", name=h.replied_by or "—", late=late,
                text=h.reply_text)]


# --- commands --------------------------------------------------------------------------------


def cmd_tickets(args: argparse.Namespace) -> int:
    """`frontdesk tickets new|list|show|update`."""
    open_db(args)
    action: Callable[[argparse.Namespace], int] = {
        "new": _tickets_new, "list": _tickets_list, "show": _tickets_show, "update": _tickets_update,
        "filters": _tickets_filters, "reply": _tickets_reply,
    }[args.tickets_command]
    return action(args)


def _filter_words(flt) -> str:
    """A saved filter in a few words: building, category, priority, status, assignee, dates."""
    from data import queue
    from data.vocab import PRIORITIES, WORK_ORDER_STATUSES, label

    parts = []
    if flt.building_id is not None:
        parts.append(dict(queue.buildings()).get(flt.building_id, f"#{flt.building_id}"))
    if flt.category_id is not None:
        parts.append(dict(queue.categories()).get(flt.category_id, f"#{flt.category_id}"))
    if flt.priority:
        parts.append(label(PRIORITIES, flt.priority))
    if flt.status:
        parts.append(label(WORK_ORDER_STATUSES, flt.status))
    if flt.assignee_id is not None:
        parts.append(_("assignee #{id}").format(id=flt.assignee_id))
    if flt.created_from or flt.created_to:
        parts.append(f"{flt.created_from or ''}–{flt.created_to or ''}")
    if flt.hotline:
        parts.append(label(queue.HOTLINE_FILTERS, flt.hotline))
    return " · ".join(parts) or _("no filter")


def _tickets_filters(args: argparse.Namespace) -> int:
    """`frontdesk tickets filters list|delete NAME`: the signed-in person's own filters."""
    from data import queue

    staff = sign_in(args)
    if args.filters_command == "delete":
        queue.delete_filter(staff.id, args.name)
        print(_("Saved filter “{name}” deleted.").format(name=args.name))
        return 0
    saved = queue.saved_filters(staff.id)
    for name, flt in saved:
        if args.json:
            emit({"name": name, "filter": json.loads(flt.to_json())})
        else:
            print(f"{pad(name, 20)}  {_filter_words(flt)}")
    if not saved and not args.json:
        print(_("No saved filters yet."))
    return 0


def _tickets_new(args: argparse.Namespace) -> int:
    from data import dispatch, workorders
    from data.lookup import find_category, find_room, person_exists
    from data.vocab import CHANNELS, PRIORITIES, PRIORITY_WORDS, WORK_ORDER_KINDS

    staff = sign_in(args)
    kind = to_code(args.kind, WORK_ORDER_KINDS, KIND_WORDS, "--kind")
    priority = to_code(args.priority, PRIORITIES, PRIORITY_WORDS, "--priority")
    channel = to_code(args.channel, CHANNELS, CHANNEL_WORDS, "--channel")
    community_id, room_id = find_room(args.room, args.community)
    category_id = find_category(args.category)
    if args.person is not None and not person_exists(args.person):
        raise NotFoundError(_("No person with id {id}.").format(id=args.person))
    if not args.text.strip():
        raise ValidationError("--text", _("Say in a few words what is wrong, such as 厨房水管漏水."))
    appointment_at = None
    if args.appointment is not None:
        from data.clock import now
        from data.dates import parse_appointment

        appointment_at = parse_appointment(args.appointment, now(), "--appointment")
    reply_due = None
    if args.reply_due is not None:
        from data.clock import now
        from data.hotline import parse_reply_due

        reply_due = parse_reply_due(args.reply_due, now(), "--reply-due")
    if channel == "hotline" and args.hotline_ref is None:
        raise ValidationError("--hotline-ref", _(
            "An order from the 12345 hotline needs its reference: add --hotline-ref REF."))
    if channel == "hotline" and reply_due is None:
        raise ValidationError("--reply-due", _(
            "An order from the 12345 hotline needs the reply deadline it set: add --reply-due "
            "WHEN (明天 17:00, 12-10, 2026-12-10 18:00)."))
    order = workorders.OrderInput(
        kind=kind, title=_short_title(args.text), community_id=community_id, room_id=room_id,
        person_id=args.person, category_id=category_id, priority=priority, channel=channel,
        description=args.text, appointment_at=appointment_at,
        hotline_ref=args.hotline_ref or "", reply_due=reply_due,
    )
    try:
        view = workorders.create_order(order, staff.id)
    except ValidationError as exc:  # named as the options the user typed
        options = {"hotline_ref": "--hotline-ref", "reply_due": "--reply-due"}
        if exc.field in options:
            raise ValidationError(options[exc.field], exc.message) from None
        raise
    suggestions = dispatch.suggest(view.id, limit=1)
    if args.json:
        emit({**view.as_json(), "suggested": suggestions[0].login if suggestions else None})
        return 0
    print(_("Opened {number}: {title}").format(number=view.number, title=view.title))
    _print_order(view, None)
    if suggestions:
        s = suggestions[0]
        print(_("Suggested technician: {name} ({login}) — {reason}").format(
            name=s.name, login=s.login, reason=s.reason))
    return 0


def _tickets_list(args: argparse.Namespace) -> int:
    from data import workorders
    from data.clock import now
    from data.people import community_by_name
    from data.queue import QueueFilter, QueueRow, queue_page
    from data.vocab import WORK_ORDER_STATUSES

    if args.limit < 1:
        raise ValidationError("--limit", _("--limit must be at least 1."))
    staff = sign_in(args)
    flt = QueueFilter()
    if args.status:
        flt.status = to_code(args.status, WORK_ORDER_STATUSES, STATUS_WORDS, "--status")
    if args.building:
        flt.community_id, flt.building_id = _find_building(args.building, args.community)
    elif args.community:
        flt.community_id = community_by_name(args.community).id
    if args.assignee:
        flt.assignee_id = workorders.staff_by_login(args.assignee).id
    if args.overdue_reply:
        flt.hotline = "overdue"
    elif args.hotline:
        flt.hotline = "all"
    if args.overdue:
        view = "overdue"
        if args.mine:
            flt.assignee_id = staff.id
    else:
        view = "mine" if args.mine else "all"
    at = now()
    rows: list[QueueRow] = []
    after: tuple | None = None
    while len(rows) < args.limit:
        page = queue_page(view, staff.id, flt, after=after, limit=min(args.limit - len(rows), 200), at=at)
        rows += page.rows
        after = page.next_cursor
        if after is None:
            break
    if args.json:
        for row in rows:
            emit(workorders.get_order(row.id).as_json(at))
        return 0
    for row in rows:
        print(_order_line(row, at, reply=flt.hotline is not None))
    if not rows:
        print(_("No work orders."))
    return 0


def _tickets_show(args: argparse.Namespace) -> int:
    from data import privacy, workorders
    from data.clock import now
    from data.validators import mask_phone

    sign_in(args)
    at = now()
    view = workorders.get_order(args.ref)
    if args.reveal and view.contact_phone:
        phone = privacy.reveal_order_phone(view.id)  # checks the role, records the reveal
    else:
        phone = mask_phone(view.contact_phone) if view.contact_phone else ""
    history = workorders.history(view.id)
    costs = workorders.costs(view.id)
    links = workorders.linked_orders(view.id)
    if args.json:
        emit({
            **view.as_json(at),
            "contact_phone": phone or None,
            "description": view.description,
            "merged_into": view.merged_into or None,
            "history": [
                {"at": f"{h.at:%Y-%m-%d %H:%M}", "staff": h.staff, "action": h.action,
                 "from": h.from_status, "to": h.to_status, "note": h.note}
                for h in history
            ],
            "costs": [
                {"kind": c.kind, "description": c.description, "quantity": _money(c.quantity),
                 "unit_price": _money(c.unit_price), "amount": _money(c.amount), "payer": c.payer}
                for c in costs
            ],
            "links": [{"id": i, "number": n, "title": t, "status": s} for i, n, t, s in links],
        })
        return 0
    from data.vocab import WORK_ORDER_STATUSES, label
    from data.workorders import ACTION_LABELS

    _print_order(view, at, phone)
    print()
    print(_("History:"))
    for h in history:
        action = _(ACTION_LABELS[h.action]) if h.action in ACTION_LABELS else h.action
        move = ""
        if h.from_status != h.to_status:
            move = f" {label(WORK_ORDER_STATUSES, h.from_status) if h.from_status else ''}→" \
                   f"{label(WORK_ORDER_STATUSES, h.to_status)}"
        note = f"  {h.note}" if h.note else ""
        print(f"  {h.at:%m-%d %H:%M}  {pad(h.staff or '—', 8)}  {action}{move}{note}")
    if costs:
        print()
        print(_("Costs:"))
        payers = {"owner": _("owner pays"), "company": _("company pays")}
        kinds = {"material": _("material"), "labour": _("labour")}
        for c in costs:
            print(f"  {kinds.get(c.kind, c.kind)}  {c.description}  {_money(c.quantity)} × "
                  f"{_money(c.unit_price)} = {_money(c.amount)}  {payers.get(c.payer, c.payer)}")
        print(_("  total {amount}").format(amount=_money(sum((c.amount for c in costs), Decimal(0)))))
    if links:
        print()
        print(_("Related:"))
        for _id, number, title, status in links:
            print(f"  {number}  {label(WORK_ORDER_STATUSES, status)}  {title}")
    return 0


def _tickets_reply(args: argparse.Namespace) -> int:
    """`frontdesk tickets reply ID --text T`: the reply sent to the 12345 hotline."""
    from data import hotline, workorders
    from data.clock import now

    staff = sign_in(args, "hotline.reply")
    view = workorders.get_order(args.ref)
    try:
        hotline.record_reply(view.id, args.text, staff.id, expected_version=args.if_version)
    except ValidationError as exc:
        if exc.field == "reply":  # named as the option the user typed
            raise ValidationError("--text", exc.message) from None
        raise
    except ConflictError as exc:  # exit status 3, as `update --if-version` refuses
        raise workorders.ConflictError(exc.message, exc.current_version or 0) from None
    view = workorders.get_order(view.id)
    if args.json:
        emit(view.as_json())
        return 0
    print(_("{number}: reply to the 12345 hotline recorded.").format(number=view.number))
    if view.hotline is not None:
        print("\n".join(_hotline_lines(view.hotline, now())))
    return 0


def _tickets_update(args: argparse.Namespace) -> int:
    from data import workorders
    from data.vocab import WORK_ORDER_STATUSES

    staff = sign_in(args)
    view = workorders.get_order(args.ref)
    status = to_code(args.status, WORK_ORDER_STATUSES, STATUS_WORDS, "--status") if args.status else None
    if status is None and args.rating is not None:
        status = "visited"
    if args.rating is not None and status != "visited":
        raise ValidationError("--rating", _("--rating goes with --status visited (the callback)."))
    note = args.note or ""
    appointment = args.appointment
    if status is None and not args.assignee and not note.strip() and appointment is None:
        raise ValidationError("update", _(
            "Nothing to change: give --status, --assignee, --appointment or --note."))
    version = args.if_version
    when = None
    if appointment is not None:
        from data.clock import now
        from data.dates import parse_appointment

        when = parse_appointment(appointment, now(), "--appointment")

    def need_note(message: str) -> str:
        if not note.strip():
            raise ValidationError("--note", message)
        return note

    if args.assignee:
        assignee = workorders.staff_by_login(args.assignee)
        if status not in (None, "assigned", "in_progress"):
            raise ValidationError("--assignee", _(
                "--assignee goes with --status assigned or in_progress, or alone."))
        if assignee.id != view.assignee_id or status == "assigned" or view.status == "new":
            view = workorders.assign(view.id, assignee.id, staff.id, reason=note,
                                     expected_version=version)
            version = view.version
            note = ""  # said as the reason of the assignment
        if status == "assigned":
            status = None
    if appointment is not None:
        view = workorders.set_appointment(view.id, when, staff.id, expected_version=version)
        version = view.version
    if status is not None:
        view = _apply_status(view, status, staff, note, args.rating, version, need_note)
    elif note.strip():
        view = workorders.add_note(view.id, staff.id, note, expected_version=version)
    if args.json:
        emit(view.as_json())
    else:
        from data.vocab import label

        print(_("{number} is now {status} (version {version}).").format(
            number=view.number, status=label(WORK_ORDER_STATUSES, view.status), version=view.version))
    return 0


def _apply_status(view, status: str, staff, note: str, rating: str | None, version: int | None,
                  need_note: Callable[[str], str]):
    """Map a target status to the action of data.workorders for the current status."""
    from data import workorders
    from data.vocab import WORK_ORDER_STATUSES, label

    current = view.status
    if status == "assigned":
        assignee_id = view.assignee_id or (staff.id if staff.role == "tech" else None)
        if assignee_id is None:
            raise ValidationError("--assignee", _("Say to whom with --assignee LOGIN."))
        return workorders.assign(view.id, assignee_id, staff.id, reason=note,
                                 expected_version=version)
    if status == "in_progress":
        if current == "on_hold":
            return workorders.resume(view.id, staff.id, note=note, expected_version=version)
        if current in ("resolved", "visited", "closed"):
            reason = need_note(_("Reopening needs the reason: add --note TEXT."))
            return workorders.reopen(view.id, staff.id, reason, expected_version=version)
        return workorders.start(view.id, staff.id, note=note, expected_version=version)
    if status == "on_hold":
        reason = need_note(_("Putting on hold needs the reason: add --note TEXT."))
        return workorders.hold(view.id, staff.id, reason, expected_version=version)
    if status == "resolved":
        done = need_note(_("Resolving needs what was done: add --note TEXT."))
        return workorders.resolve(view.id, staff.id, done, expected_version=version)
    if status == "visited":
        if rating is None:
            raise ValidationError("--rating", _("The callback needs the owner's rating: add --rating 1-5."))
        return workorders.record_callback(view.id, staff.id, rating, note, expected_version=version)
    if status == "closed":
        return workorders.close(view.id, staff.id, note=note, expected_version=version)
    if status == "cancelled":
        reason = need_note(_("Cancelling needs the reason: add --note TEXT."))
        return workorders.cancel(view.id, staff.id, reason, expected_version=version)
    raise ValidationError("--status", _("A work order cannot be set back to {status}.").format(
        status=label(WORK_ORDER_STATUSES, status)))


def cmd_sla(args: argparse.Namespace) -> int:
    """`frontdesk sla list|set`: read or edit the SLA table."""
    from data import sla
    from data.lookup import find_category
    from data.vocab import PRIORITIES, PRIORITY_WORDS, WORK_ORDER_KINDS, label

    open_db(args)
    staff = sign_in(args)  # every command signs in, reading ones too
    if args.sla_command == "hours":
        return _sla_hours(args, staff)
    if args.sla_command == "set":
        kind = to_code(args.kind, WORK_ORDER_KINDS, KIND_WORDS, "kind")
        priority = to_code(args.priority, PRIORITIES, PRIORITY_WORDS, "priority")
        category_id = find_category(args.category) if args.category else None
        row = sla.set_sla(kind, priority, args.response, args.resolution, category_id,
                          working_time=args.working_time)
        print(_("{kind} {priority} {category}: respond within {response} min, resolve within {resolution} min ({clock}).").format(
            kind=label(WORK_ORDER_KINDS, row.kind), priority=label(PRIORITIES, row.priority),
            category=row.category or _("(default)"), response=row.response_minutes,
            resolution=row.resolution_minutes, clock=_sla_clock(row.working_time)))
        return 0
    for row in sla.sla_table():
        if args.json:
            print(json.dumps({"kind": row.kind, "priority": row.priority, "category": row.category_code or None,
                              "response_minutes": row.response_minutes,
                              "resolution_minutes": row.resolution_minutes,
                              "working_time": row.working_time}, ensure_ascii=False))
        else:
            print(f"{label(WORK_ORDER_KINDS, row.kind):<6} {label(PRIORITIES, row.priority):<6} "
                  f"{(row.category or _('(default)')):<12} {row.response_minutes:>6} {row.resolution_minutes:>7}"
                  f"  {_sla_clock(row.working_time)}")
    return 0


def _sla_clock(working_time: bool) -> str:
    return _("working time") if working_time else _("calendar time")


def _sla_hours(args: argparse.Namespace, staff) -> int:
    """`frontdesk sla hours [HH:MM-HH:MM]`: show or set the working hours."""
    from data import holidays

    if args.hours:
        hours = holidays.set_working_hours(args.hours, staff.id)
    else:
        hours = holidays.working_hours()
    print(_("Working hours: {hours}, on working days (weekends and holidays off, 调休 days on).")
          .format(hours=holidays.format_working_hours(hours)))
    return 0


def cmd_escalate(args: argparse.Namespace) -> int:
    """`frontdesk escalate`: the idempotent sweep, for cron (as a service account)."""
    from data.escalation import sweep

    open_db(args)
    sign_in(args, "escalate")
    done = sweep()
    for e in done:
        if args.json:
            emit({"id": e.order_id, "number": e.number, "level": e.level, "notified": list(e.notified),
                  **({"deadline": e.deadline} if e.deadline else {})})
        elif e.deadline:  # the 12345 hotline's reply deadline
            print(_("{number}: 12345 reply overdue, told {people}").format(
                number=e.number, people=", ".join(e.notified) or "—"))
        else:
            print(_("{number}: level {level}, told {people}").format(
                number=e.number, level=e.level, people=", ".join(e.notified) or "—"))
    if not done and not args.json:
        print(_("Nothing to escalate."))
    return 0


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "tickets": cmd_tickets,
    "escalate": cmd_escalate,
    "sla": cmd_sla,
}
