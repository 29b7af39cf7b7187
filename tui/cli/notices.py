"""The `frontdesk notices …` and `frontdesk activities …` commands (issue 19 items 1, 5):
notices from templates for buildings, entrances or tagged people, published by message and
call list, the households not yet told, the lobby board's PDF; community activities with
sign-ups by room and attendance. The same rules as the TUI (data.notices; "notice.manage")."""

from __future__ import annotations

import argparse
import dataclasses
from collections.abc import Callable

from data.errors import ValidationError
from data.i18n import _
from tui.cli.common import emit, open_db, pad, sign_in


def add_parsers(sub: argparse._SubParsersAction) -> None:
    """Register `notices` and `activities`."""
    p = sub.add_parser("notices", help=_("notices (公告): templates, new, list, show, publish, unreached, reached, pdf"))
    actions = p.add_subparsers(dest="notices_command", metavar="ACTION", required=True)
    q = actions.add_parser("templates", help=_("the notice templates and their placeholders"))
    q.add_argument("--json", action="store_true", help=_("one JSON object per line"))
    q = actions.add_parser("new", help=_("a draft notice from a template"))
    q.add_argument("template", metavar="TEMPLATE", help=_("停水通知, 停电通知, 电梯维保, 消杀, 缴费提醒, 活动通知, 温馨提示"))
    q.add_argument("--community", required=True, metavar="NAME", help=_("the community (name, code or id)"))
    q.add_argument("--to", required=True, metavar="TARGETS",
                   help=_("whom: 全体, buildings 3,5, entrances 3-2, a tag #独居老人"))
    q.add_argument("--set", action="append", default=[], metavar="NAME=VALUE",
                   help=_("a placeholder's value, such as 开始时间=12月8日 9:00 (repeat)"))
    q.add_argument("--title", metavar="TEXT", help=_("a title instead of the template's"))
    q.add_argument("--body", metavar="TEXT", help=_("a text instead of the template's"))
    q.add_argument("--publish-at", dest="publish_at", metavar="TIME", help=_("publish at YYYY-MM-DD HH:MM"))
    q.add_argument("--expires", metavar="TIME", help=_("expires at YYYY-MM-DD HH:MM"))
    q.add_argument("--json", action="store_true", help=_("one JSON object per line"))
    q = actions.add_parser("list", help=_("notices, newest first, with households reached"))
    q.add_argument("--status", metavar="STATUS", help=_("draft, scheduled, published, expired or withdrawn"))
    q.add_argument("--json", action="store_true", help=_("one JSON object per line"))
    for name, text in (("show", _("one notice: its text, targets and who was told")),
                       ("unreached", _("the households of a notice not yet told")),
                       ("pdf", _("the notice as an A4 PDF for the lobby board (into the export folder)")),
                       ("withdraw", _("withdraw (撤回) a notice"))):
        q = actions.add_parser(name, help=text)
        q.add_argument("id", type=int, metavar="ID")
        q.add_argument("--json", action="store_true", help=_("one JSON object per line"))
    q = actions.add_parser("reached", help=_("record that a household was told (by a call, a visit, at the desk)"))
    q.add_argument("id", type=int, metavar="ID")
    q.add_argument("room", metavar="ROOM", help=_("the room, such as 3-2-501"))
    q.add_argument("--how", default="desk", choices=("call", "visit", "desk"))
    q.add_argument("--note", default="", metavar="TEXT")
    q.add_argument("--json", action="store_true", help=_("one JSON object per line"))
    q = actions.add_parser("publish", help=_("publish a notice (or, with --due, the scheduled ones now due)"))
    q.add_argument("id", type=int, nargs="?", metavar="ID")
    q.add_argument("--due", action="store_true", help=_("publish the scheduled notices whose time has come"))
    q.add_argument("--json", action="store_true", help=_("one JSON object per line"))

    p = sub.add_parser("activities", help=_("community activities (社区活动): new, list, signup, attend"))
    actions = p.add_subparsers(dest="activities_command", metavar="ACTION", required=True)
    q = actions.add_parser("new", help=_("an activity, announced by a draft 活动通知 notice"))
    q.add_argument("title", metavar="TITLE")
    q.add_argument("--kind", default="other", help=_("sports, culture, health or other"))
    q.add_argument("--community", required=True, metavar="NAME")
    q.add_argument("--place", default="", metavar="TEXT")
    q.add_argument("--at", required=True, metavar="TIME", help=_("YYYY-MM-DD HH:MM"))
    q.add_argument("--capacity", type=int, required=True, metavar="N", help=_("places (people)"))
    q.add_argument("--json", action="store_true", help=_("one JSON object per line"))
    q = actions.add_parser("list", help=_("activities with sign-ups and attendance"))
    q.add_argument("--json", action="store_true", help=_("one JSON object per line"))
    q = actions.add_parser("signup", help=_("sign up a household (room) for an activity"))
    q.add_argument("id", type=int, metavar="ID")
    q.add_argument("room", metavar="ROOM", help=_("the room, such as 3-2-501"))
    q.add_argument("--people", type=int, default=1, metavar="N")
    q.add_argument("--json", action="store_true", help=_("one JSON object per line"))
    q = actions.add_parser("attend", help=_("mark a signed-up household as come (or --absent)"))
    q.add_argument("id", type=int, metavar="ID")
    q.add_argument("room", metavar="ROOM")
    q.add_argument("--absent", action="store_true", help=_("they did not come"))
    q.add_argument("--json", action="store_true", help=_("one JSON object per line"))


def _status(code: str) -> str:
    from data.vocab import NOTICE_STATUSES, label

    return label(NOTICE_STATUSES, code)


def _when(at) -> str:
    return f"{at:%Y-%m-%d %H:%M}" if at else "—"


def _values(pairs: list[str]) -> dict[str, str]:
    out = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep:
            raise ValidationError("--set", _("Give --set as NAME=VALUE, such as 原因=水泵检修."))
        out[name.strip()] = value
    return out


def _print_deliveries(rows) -> None:
    from data.vocab import NOTICE_CHANNELS, label

    for d in rows:
        how = _("{how} {at} {staff}").format(how=label(NOTICE_CHANNELS, d.how), at=_when(d.reached_at),
                                            staff=d.staff) if d.reached_at else _("not yet told")
        print("  ".join((pad(d.room, 12), pad(d.person, 8), pad(label(NOTICE_CHANNELS, d.channel), 8),
                         pad(d.number, 14), how)).rstrip())


def _print_notice(view) -> None:
    from data import notices

    print(f"#{view.id} {view.title}  [{_status(view.status)}]  {view.template}")
    print(_("To: {target} · publish {publish} · expires {expires}").format(
        target=view.target, publish=_when(view.publish_at or view.published_at), expires=_when(view.expires_at)))
    for line in view.body.splitlines():
        print(f"  {line}")
    print(_("Told {reached} of {households} households; not yet told: {left}.").format(
        reached=view.reached, households=view.households, left=view.unreached))
    if view.published_at:
        _print_deliveries(notices.deliveries(view.id))


def cmd_notices(args: argparse.Namespace) -> int:
    from data import notices
    from data.validators import parse_datetime

    open_db(args)
    staff = sign_in(args, "notice.manage")
    command = args.notices_command
    if command == "templates":
        for t in notices.TEMPLATES.values():
            if args.json:
                emit({"code": t.code, "name": t.name, "title": t.title, "body": t.body,
                      "placeholders": list(t.placeholders)})
            else:
                print(f"{pad(t.name, 10)} {' '.join('{' + p + '}' for p in t.placeholders)}")
        return 0
    if command == "new":
        view = notices.create_notice(
            args.template, notices.community_id_of(args.community), args.to, _values(args.set), staff.id,
            title=args.title, body=args.body, publish_at=parse_datetime(args.publish_at or "", "--publish-at"),
            expires_at=parse_datetime(args.expires or "", "--expires"))
        if args.json:
            emit(dataclasses.asdict(view))
        else:
            print(_("Notice #{id} drafted for {households} households: {title}").format(
                id=view.id, households=view.households, title=view.title))
        return 0
    if command == "list":
        rows = notices.list_notices(args.status)
        for row in rows:
            if args.json:
                emit(dataclasses.asdict(row))
            else:
                print("  ".join((f"#{row.id:<4}", pad(_status(row.status), 6), pad(row.template, 10),
                                 pad(row.title, 30), pad(row.target, 16), f"{row.reached}/{row.households}")))
        if not rows and not args.json:
            print(_("No notices."))
        return 0
    if command == "show":
        view = notices.get_notice(args.id)
        if args.json:
            emit({**dataclasses.asdict(view), "deliveries": [dataclasses.asdict(d) for d in notices.deliveries(args.id)]})
        else:
            _print_notice(view)
        return 0
    if command == "publish":
        if args.due:
            results = notices.publish_due(staff.id)
        elif args.id is None:
            raise ValidationError("id", _("Give the notice's id, or --due."))
        else:
            results = [notices.publish_notice(args.id, staff.id)]
        for r in results:
            if args.json:
                emit({"id": r.notice.id, "status": r.notice.status, "messages_sent": r.messages_sent,
                      "call_list_id": r.call_list_id, "called": r.called, "message": r.message})
            else:
                print(f"#{r.notice.id} {r.message}")
        return 0
    if command == "unreached":
        left = notices.unreached(args.id)
        if args.json:
            for d in left:
                emit(dataclasses.asdict(d))
        else:
            print(_("Not yet told: {count} households.").format(count=len(left)))
            _print_deliveries(left)
        return 0
    if command == "reached":
        told = notices.mark_reached(args.id, notices.room_id_of(args.id, args.room), args.how, staff.id, args.note)
        emit(dataclasses.asdict(told)) if args.json else print(_("{room} marked as told.").format(room=told.room))
        return 0
    if command == "pdf":
        path = notices.notice_pdf(args.id, staff.id)
        emit({"id": args.id, "path": str(path)}) if args.json else print(_("Written: {path}").format(path=path))
        return 0
    view = notices.withdraw_notice(args.id, staff.id)
    emit(dataclasses.asdict(view)) if args.json else print(_("Notice #{id} withdrawn.").format(id=view.id))
    return 0


def _activity_line(a) -> str:
    from data.vocab import ACTIVITY_KINDS, label

    return "  ".join((f"#{a.id:<4}", pad(label(ACTIVITY_KINDS, a.kind), 8), pad(a.title, 20), _when(a.starts_at),
                      pad(a.place, 12), _("{signed}/{capacity} signed, {attended} households came").format(
                          signed=a.signed, capacity=a.capacity, attended=a.attended)))


def cmd_activities(args: argparse.Namespace) -> int:
    from data import notices
    from data.validators import parse_datetime

    open_db(args)
    staff = sign_in(args, "notice.manage")
    command = args.activities_command
    if command == "new":
        at = parse_datetime(args.at, "--at")
        if at is None:
            raise ValidationError("--at", _("Give the date and time of the activity."))
        view = notices.create_activity(args.kind, args.title, notices.community_id_of(args.community),
                                       args.place, at, args.capacity, staff.id)
    elif command == "list":
        rows = notices.list_activities()
        for a in rows:
            emit(dataclasses.asdict(a)) if args.json else print(_activity_line(a))
        if not rows and not args.json:
            print(_("No activities."))
        return 0
    elif command == "signup":
        view = notices.sign_up(args.id, args.room, args.people, staff.id)
    else:
        view = notices.mark_attended(args.id, args.room, not args.absent, staff.id)
    if args.json:
        emit(dataclasses.asdict(view))
    else:
        print(_activity_line(view))
        for s in view.signups:
            print(f"  {pad(s.room, 12)} {pad(s.person, 8)} ×{s.people}  {'✓' if s.attended else ''}")
    return 0


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {"notices": cmd_notices, "activities": cmd_activities}
