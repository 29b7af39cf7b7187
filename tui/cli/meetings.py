"""`frontdesk meetings new|list|show|propose|ballot|import|diff|tally|report` (owners'
meetings, 业主大会) and `frontdesk committee list|add|expiring|meeting` (the owners'
committee, 业委会), through data.meetings with its rules and permissions."""

from __future__ import annotations

import argparse
from collections.abc import Callable

from data.i18n import _
from tui.cli.common import emit, open_db, pad, sign_in


def add_parsers(sub: argparse._SubParsersAction) -> None:
    """Register `meetings` and `committee` on the main parser."""
    p = sub.add_parser("meetings", help=_("owners' meetings (业主大会): proposals, ballots and the tally"))
    steps = p.add_subparsers(dest="meetings_command", metavar="ACTION", required=True)

    def js(q: argparse.ArgumentParser) -> argparse.ArgumentParser:
        q.add_argument("--json", action="store_true", help=_("one JSON object per line"))
        return q

    q = js(steps.add_parser("new", help=_("record a meeting the owners' committee convened")))
    q.add_argument("--community", required=True, metavar="NAME", help=_("the community (name or code)"))
    q.add_argument("--title", required=True, metavar="TEXT", help=_("such as 2027年第一次业主大会"))
    q.add_argument("--date", required=True, metavar="YYYY-MM-DD", help=_("the day it is held (15 days ahead at least)"))
    q.add_argument("--place", default="", metavar="TEXT", help=_("where; leave out for a vote in writing"))
    q.add_argument("--announced", default="", metavar="YYYY-MM-DD", help=_("the day it was announced (today)"))
    q = js(steps.add_parser("list", help=_("the meetings, the latest first")))
    q.add_argument("--community", default="", metavar="NAME", help=_("the community (name or code)"))
    for name, text in (("show", _("a meeting and its proposals")), ("diff", _("rooms whose two entries differ")),
                       ("differences", _("rooms whose two entries differ")),
                       ("tally", _("the live tally of every proposal"))):
        js(steps.add_parser(name, help=text)).add_argument("meeting", type=int, metavar="ID")
    q = js(steps.add_parser("propose", help=_("add a proposal (before any ballot)")))
    q.add_argument("meeting", type=int, metavar="ID")
    q.add_argument("title", metavar="TITLE")
    q.add_argument("--major", action="store_true", help=_("a major matter (≥ 3/4); else ordinary (> 1/2)"))
    q = js(steps.add_parser("ballot", help=_("enter a room's written ballot: one key per proposal, 1 同意 2 反对 3 弃权")))
    q.add_argument("meeting", type=int, metavar="ID")
    q.add_argument("room", metavar="ROOM", help=_("the room, such as 3-2-501, or a titled parking space's code"))
    q.add_argument("keys", metavar="KEYS", help=_("such as 121: proposal 1 同意, 2 反对, 3 同意"))
    q = js(steps.add_parser("import", help=_("import ballots from a CSV or XLSX file (room, then one column per proposal)")))
    q.add_argument("meeting", type=int, metavar="ID")
    q.add_argument("file", metavar="FILE")
    q.add_argument("--replace", action="store_true",
                   help=_("replace ballots imported before (each changed ballot is listed)"))
    q = js(steps.add_parser("report", help=_("the result report (PDF or XLSX) in the export folder")))
    q.add_argument("meeting", type=int, metavar="ID")
    q.add_argument("--format", default="pdf", choices=["pdf", "xlsx"])

    p = sub.add_parser("committee", help=_("the owners' committee (业委会): members, terms and meetings"))
    steps = p.add_subparsers(dest="committee_command", metavar="ACTION", required=True)
    q = js(steps.add_parser("list", help=_("the members whose term has not ended")))
    q.add_argument("--community", default="", metavar="NAME", help=_("the community (name or code)"))
    q = js(steps.add_parser("expiring", help=_("members whose term ends within 60 days")))
    q.add_argument("--community", default="", metavar="NAME", help=_("the community (name or code)"))
    q.add_argument("--days", type=int, default=60, metavar="N")
    q = js(steps.add_parser("add", help=_("add a member for a term")))
    q.add_argument("--community", required=True, metavar="NAME", help=_("the community (name or code)"))
    q.add_argument("--person", required=True, type=int, metavar="ID", help=_("the person's id"))
    q.add_argument("--role", required=True, metavar="ROLE", help=_("主任, 副主任 or 委员"))
    q.add_argument("--from", required=True, dest="start", metavar="YYYY-MM-DD")
    q.add_argument("--to", required=True, dest="end", metavar="YYYY-MM-DD")
    q = js(steps.add_parser("meeting", help=_("record a committee meeting (on the calendar) with its minutes; "
                                              "without --at, list them")))
    q.add_argument("--community", default="", metavar="NAME", help=_("the community (name or code)"))
    q.add_argument("--at", default="", metavar="YYYY-MM-DD HH:MM")
    q.add_argument("--topic", default="", metavar="TEXT")
    q.add_argument("--minutes", default="", metavar="TEXT")


def _community(args: argparse.Namespace) -> int | None:
    from data.rooms_lookup import community_id_for

    return community_id_for(args.community or None)


def _need_community(args: argparse.Namespace) -> int:
    from data.errors import ValidationError

    cid = _community(args)
    if cid is None:
        raise ValidationError("--community", _("Name the community."))
    return cid


def _date(text: str, option: str):
    from data.errors import ValidationError
    from data.validators import parse_date

    day = parse_date(text or "", option)
    if day is None:
        raise ValidationError(option, _("Give a date as YYYY-MM-DD."))
    return day


def _print_meeting(args: argparse.Namespace, view) -> None:
    if args.json:
        emit(view.as_json())
        return
    print(f"#{view.id}  {view.held_on}  {view.community}  {view.title}  ({view.where})")
    print("  " + _("announced {day}; ballots counted {agreed}, waiting for a second entry {pending}, "
                   "differing {differing}").format(day=view.announced_on, agreed=view.agreed, pending=view.pending,
                                                   differing=view.differing))
    for p in view.proposals:
        print(f"  {p.seq}. [{p.matter_text}] {p.title}")


def _print_tally(args: argparse.Namespace, view) -> None:
    from data.meetings import RULE_NAMES, figure

    if args.json:
        emit(view.as_json())
        return
    print(_("{title} ({community}): {n} ballots counted").format(title=view.title, community=view.community,
                                                                 n=view.ballots))
    if view.missing_area:
        print("  " + _("Rooms without an area (nothing is decided until entered): {rooms}").format(
            rooms="、".join(view.missing_area[:20])))
    for p in view.proposals:
        print(f"{p.seq}. [{p.matter_text}] {p.title}: {'通过' if p.approved else '未通过'}")
        for r in p.rules:
            print(f"   {pad(RULE_NAMES[r.name], 22)} {pad(figure(r), 24)} {pad(r.rule, 6)} "
                  f"{'达到' if r.met else '未达到'}")


def cmd_meetings(args: argparse.Namespace) -> int:
    """`frontdesk meetings …`."""
    from data import meetings

    open_db(args)
    staff = sign_in(args)
    step = args.meetings_command
    if step == "new":
        cid = _need_community(args)
        _print_meeting(args, meetings.create_meeting(cid, args.title, _date(args.date, "--date"), args.place,
                                                     announced_on=_date(args.announced, "--announced")
                                                     if args.announced else None, staff_id=staff.id))
    elif step == "list":
        for view in meetings.meetings(_community(args), staff_id=staff.id):
            _print_meeting(args, view)
    elif step == "show":
        _print_meeting(args, meetings.get_meeting(args.meeting, staff.id))
    elif step == "propose":
        _print_meeting(args, meetings.add_proposal(args.meeting, args.title, "major" if args.major else "other",
                                                   staff_id=staff.id))
    elif step == "ballot":
        unit = meetings.unit_key(args.meeting, args.room, staff.id)
        result = meetings.enter_ballot(args.meeting, unit, args.keys, staff_id=staff.id)
        words = {"agreed": _("both entries agree: it counts"), "pending": _("waiting for a second clerk's entry"),
                 "differs": _("the two entries differ: see `meetings diff`")}
        if args.json:
            emit({"room": result.room, "entry": result.entry, "state": result.state})
        else:
            print(_("{room}: entry {n} stored — {state}").format(room=result.room, n=result.entry,
                                                                 state=words[result.state]))
    elif step == "import":
        done = meetings.import_ballots(args.meeting, args.file, staff_id=staff.id, replace=args.replace)
        if args.json:
            emit({"stored": done.stored, "added": done.added,
                  "changed": [{"room": r, "before": a, "after": b} for r, a, b in done.changed]})
        else:
            print(_("{n} ballots imported.").format(n=done.stored))
            if args.replace:
                print(_("{n} imported ballots changed:").format(n=len(done.changed)) if done.changed
                      else _("No imported ballot changed."))
                for room, before, after in done.changed:
                    print(f"  {pad(room, 12)} {before}  →  {after}")
    elif step in ("diff", "differences"):
        rows = meetings.differences(args.meeting, staff_id=staff.id)
        for row in rows:
            if args.json:
                emit(row.as_json())
            else:
                print(f"{pad(row.room, 12)} {'、'.join(map(str, row.proposals))}  {row.first_by}: {row.first}  ≠  "
                      f"{row.second_by}: {row.second}")
        if not rows and not args.json:
            print(_("No differences."))
    elif step == "tally":
        _print_tally(args, meetings.tally(args.meeting, staff_id=staff.id))
    else:  # report
        path = meetings.report_file(args.meeting, args.format, staff_id=staff.id)
        if args.json:
            emit({"file": str(path)})
        else:
            print(_("Written to {path}").format(path=path))
    return 0


def cmd_committee(args: argparse.Namespace) -> int:
    """`frontdesk committee …`."""
    from data import meetings
    from data.validators import parse_datetime

    open_db(args)
    staff = sign_in(args)
    step = args.committee_command
    if step in ("list", "expiring", "add"):
        if step == "add":
            cid = _need_community(args)
            rows = [meetings.add_member(cid, args.person, args.role, _date(args.start, "--from"),
                                        _date(args.end, "--to"), staff_id=staff.id)]
        elif step == "list":
            rows = meetings.members(_community(args), staff_id=staff.id)
        else:
            rows = meetings.expiring(_community(args), args.days, staff_id=staff.id)
        for row in rows:
            if args.json:
                emit(row.as_json())
            else:
                print(f"{pad(row.community, 12)} {pad(row.role_text, 6)} {pad(row.name, 10)} "
                      f"{row.term_start} – {row.term_end}")
        if step == "expiring" and not rows and not args.json:
            print(_("No term ends within {days} days.").format(days=args.days))
        return 0
    if args.at:
        cid = _need_community(args)
        when = parse_datetime(args.at, "--at")
        assert when is not None
        held = [meetings.record_meeting(cid, when, args.topic, args.minutes, staff_id=staff.id)]
    else:
        held = meetings.committee_meetings(_community(args), staff_id=staff.id)
    for m in held:
        if args.json:
            emit(m.as_json())
        else:
            print(f"{m.starts_at:%Y-%m-%d %H:%M}  {pad(m.community, 12)} {m.topic}")
            if m.minutes:
                print("   " + m.minutes.replace("\n", "\n   "))
    return 0


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {"meetings": cmd_meetings, "committee": cmd_committee}
