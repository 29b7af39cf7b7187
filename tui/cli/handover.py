"""The `frontdesk handover` command (issue 16 item 7): draft the shift's handover (交接班),
submit it with notes, acknowledge the previous shift's, list and search the history, show
one. Desk staff and leads (data.access "handover.write" / "handover.read")."""

from __future__ import annotations

import argparse
from collections.abc import Callable

from data.i18n import _
from tui.cli.common import emit, open_db, pad, sign_in


def add_parsers(sub: argparse._SubParsersAction) -> None:
    """Register `handover` (draft, submit, ack, list, show) on the main parser."""
    p = sub.add_parser("handover", help=_("shift handover: draft, submit, acknowledge, history"))
    actions = p.add_subparsers(dest="handover_command", metavar="ACTION", required=True)

    q = actions.add_parser("draft", help=_("what your handover would say now"))
    q.add_argument("--json", action="store_true", help=_("one JSON object per line"))

    q = actions.add_parser("submit", help=_("hand over your shift, with notes"))
    q.add_argument("--note", default="", metavar="TEXT", help=_("notes for the next shift"))
    q.add_argument("--json", action="store_true", help=_("one JSON object per line"))

    q = actions.add_parser("ack", help=_("acknowledge the previous shift's handover"))
    q.add_argument("id", type=int, metavar="ID")
    q.add_argument("--note", default="", metavar="TEXT", help=_("notes of your own"))
    q.add_argument("--json", action="store_true", help=_("one JSON object per line"))

    q = actions.add_parser("list", help=_("the history of handovers, newest first"))
    q.add_argument("--search", default="", metavar="Q", help=_("text in the items or notes"))
    q.add_argument("--since", metavar="YYYY-MM-DD", help=_("from this day"))
    q.add_argument("--until", metavar="YYYY-MM-DD", help=_("up to this day"))
    q.add_argument("--staff", default="", metavar="LOGIN", help=_("handed over by this staff member"))
    q.add_argument("--pending", action="store_true", help=_("only those waiting for you to acknowledge"))
    q.add_argument("--limit", type=int, default=20, metavar="N", help=_("at most N (default 20)"))
    q.add_argument("--json", action="store_true", help=_("one JSON object per line"))

    q = actions.add_parser("show", help=_("one handover whole"))
    q.add_argument("id", type=int, metavar="ID")
    q.add_argument("--json", action="store_true", help=_("one JSON object per line"))


def _print_sections(sections) -> None:
    for section in sections:
        print(f"【{section.title}】" + (f" {len(section.items)}" if section.items else ""))
        if not section.items:
            print("  " + _("nothing"))
        for item in section.items:
            print(f"  · {item.text}" + (f"  [{item.ref}]" if item.ref else ""))


def _print_view(view) -> None:
    print(_("Handover #{id} · {shift} · {name}({login}) · {at}").format(
        id=view.id, shift=view.shift_label, name=view.staff_name, login=view.staff_login,
        at=f"{view.created_at:%Y-%m-%d %H:%M}"))
    if view.communities:
        print("  " + "、".join(view.communities))
    _print_sections(view.sections)
    print(f"【{_('Notes')}】")
    for line in (view.notes or "—").splitlines():
        print(f"  {line}")
    if view.acked_at:
        print(_("Acknowledged by {name} at {at}").format(name=view.acked_by, at=f"{view.acked_at:%Y-%m-%d %H:%M}"))
        for line in view.ack_notes.splitlines():
            print(f"  {line}")
    else:
        print(_("Waiting for the next shift to acknowledge it."))


def _row_line(row) -> str:
    state = (_("acknowledged by {name}").format(name=row.acked_by) if row.acknowledged
             else _("waiting"))
    note = " ".join(row.notes.split())
    return "  ".join((f"#{row.id:<5}", f"{row.created_at:%Y-%m-%d %H:%M}", pad(row.shift_label, 6),
                      pad(row.staff_name, 8), pad(_("{count} items").format(count=row.item_count), 8),
                      pad(state, 16), note[:40]))


def cmd_handover(args: argparse.Namespace) -> int:
    from data import handover
    from data.validators import parse_date

    open_db(args)
    command = args.handover_command
    staff = sign_in(args, "handover.write" if command in ("draft", "submit", "ack") else "handover.read")
    if command == "draft":
        draft = handover.draft_handover(staff.id)
        if args.json:
            emit(draft.as_json())
            return 0
        print(_("Draft handover · {shift} · {name} · {at}").format(
            shift=draft.shift_label, name=draft.staff_name, at=f"{draft.at:%Y-%m-%d %H:%M}"))
        if draft.communities:
            print("  " + "、".join(draft.communities))
        _print_sections(draft.sections)
        return 0
    if command in ("submit", "ack", "show"):
        if command == "submit":
            view = handover.submit_handover(staff.id, args.note)
        elif command == "ack":
            view = handover.acknowledge_handover(args.id, staff.id, args.note)
        else:
            view = handover.get_handover(args.id, staff.id)
        if args.json:
            emit(view.as_json())
        elif command == "submit":
            print(_("Handover #{id} saved: {count} items; the next shift acknowledges it with "
                    "frontdesk handover ack {id}.").format(id=view.id, count=view.item_count))
        elif command == "ack":
            print(_("Handover #{id} of {name} acknowledged.").format(id=view.id, name=view.staff_name))
        else:
            _print_view(view)
        return 0
    if args.pending:
        rows = handover.pending_handovers(staff.id, limit=max(1, args.limit))
    else:
        query = handover.HandoverQuery(search=args.search, since=parse_date(args.since or "", "--since"),
                                       until=parse_date(args.until or "", "--until"), staff=args.staff)
        rows = handover.handovers(query, limit=max(1, args.limit), staff_id=staff.id).rows
    for row in rows:
        if args.json:
            emit(row.as_json())
        else:
            print(_row_line(row))
    if not rows and not args.json:
        print(_("No handovers."))
    return 0


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {"handover": cmd_handover}
