"""`frontdesk facilities list|show|add|inspect|due` (the facilities register, 设施设备台账)
and `frontdesk inspections routes|due|start|record|finish|missed` (巡查), through
data.facilities with its rules and permissions."""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import functools
from collections.abc import Callable

from data.i18n import _
from tui.cli.common import emit, open_db, pad, sign_in


def _js(q: argparse.ArgumentParser) -> argparse.ArgumentParser:
    q.add_argument("--json", action="store_true", help=_("one JSON object per line"))
    return q


def add_parsers(sub: argparse._SubParsersAction) -> None:
    """Register `facilities` and `inspections` on the main parser."""
    p = sub.add_parser("facilities", help=_("the facilities register (设施设备台账) and legal inspections"))
    steps = p.add_subparsers(dest="facilities_command", metavar="ACTION", required=True)
    q = _js(steps.add_parser("list", help=_("the register, with each item's next inspection")))
    q.add_argument("--community", default="", metavar="NAME", help=_("the community (name or code)"))
    q.add_argument("--kind", default="", metavar="KIND", help=_("电梯, 水泵, 消防栓和灭火器, 监控, 门禁, 配电房, 路灯, 游乐设施"))
    q.add_argument("--building", default="", metavar="CODE", help=_("the building, such as 3"))
    q = _js(steps.add_parser("show", help=_("one item, its inspections and its history")))
    q.add_argument("facility", type=int, metavar="ID")
    q = _js(steps.add_parser("add", help=_("register a facility")))
    q.add_argument("--community", required=True, metavar="NAME", help=_("the community (name or code)"))
    q.add_argument("--kind", required=True, metavar="KIND", help=_("电梯, 水泵, 消防栓和灭火器, 监控, 门禁, 配电房, 路灯, 游乐设施"))
    q.add_argument("--name", required=True, metavar="TEXT", help=_("such as 3号楼1号电梯"))
    q.add_argument("--building", default="", metavar="CODE", help=_("the building, such as 3"))
    q.add_argument("--place", default="", metavar="TEXT")
    q.add_argument("--maker", default="", metavar="TEXT")
    q.add_argument("--model", default="", metavar="TEXT")
    q.add_argument("--installed", default="", metavar="YYYY-MM-DD")
    q.add_argument("--contractor", default="", metavar="TEXT", help=_("the maintenance contractor (维保单位)"))
    q.add_argument("--contract", default="", metavar="TEXT", help=_("the maintenance contract: number and period"))
    q.add_argument("--responsible", default="", metavar="LOGIN", help=_("who is reminded of its inspections"))
    q.add_argument("--due", default="", metavar="YYYY-MM-DD",
                   help=_("when the legal inspection is next due (elevators and fire equipment)"))
    q.add_argument("--last", default="", metavar="YYYY-MM-DD", help=_("when it was last done"))
    q = _js(steps.add_parser("inspect", help=_("record a periodic inspection done")))
    q.add_argument("facility", type=int, metavar="ID")
    q.add_argument("--date", required=True, metavar="YYYY-MM-DD")
    q.add_argument("--check", type=int, default=None, metavar="ID", help=_("which inspection (when it has several)"))
    q.add_argument("--failed", action="store_true", help=_("it did not pass (stays due)"))
    q.add_argument("--note", default="", metavar="TEXT", help=_("certificate number, findings"))
    q = _js(steps.add_parser("due", help=_("inspections due within N days, and overdue ones")))
    q.add_argument("--days", type=int, default=30, metavar="N")

    p = sub.add_parser("inspections", help=_("inspection routes (巡查): walk them, record answers, missed ones"))
    steps = p.add_subparsers(dest="inspections_command", metavar="ACTION", required=True)
    q = _js(steps.add_parser("routes", help=_("the routes and their checklists")))
    q.add_argument("--community", default="", metavar="NAME", help=_("the community (name or code)"))
    q = _js(steps.add_parser("due", help=_("your routes to walk today")))
    q = _js(steps.add_parser("start", help=_("start walking a route")))
    q.add_argument("route", metavar="ROUTE", help=_("the route's id or name"))
    q.add_argument("--occurrence", default="", metavar="YYYY-MM-DD HH:MM", help=_("which scheduled walk (today's next)"))
    q = _js(steps.add_parser("record", help=_("answer one item of a run")))
    q.add_argument("run", type=int, metavar="RUN")
    q.add_argument("item", type=int, metavar="N", help=_("the item's number on the route"))
    state = q.add_mutually_exclusive_group()
    state.add_argument("--ok", action="store_true", help=_("normal (正常)"))
    state.add_argument("--not-ok", action="store_true", help=_("not normal (异常)"))
    q.add_argument("--reading", default=None, metavar="NUMBER")
    q.add_argument("--note", default="", metavar="TEXT")
    q.add_argument("--order", action="store_true", help=_("open a work order for a finding"))
    q = _js(steps.add_parser("finish", help=_("end a run (every item answered)")))
    q.add_argument("run", type=int, metavar="RUN")
    q = _js(steps.add_parser("missed", help=_("missed or late walks of the last N days")))
    q.add_argument("--days", type=int, default=7, metavar="N")


def _date(text: str, option: str) -> dt.date | None:
    from data.validators import parse_date

    return parse_date(text or "", option)


def _community(text: str) -> int | None:
    from data.rooms_lookup import community_id_for

    return community_id_for(text or None)


def _kind(text: str) -> str:
    from data.facilities import KINDS
    from tui.cli.common import to_code

    return to_code(text, KINDS, {"消防": "fire", "灭火器": "fire", "消防栓": "fire"}, "--kind")


def _as_json(value) -> dict:
    return dataclasses.asdict(value)


def _plain_refusals(command: Callable[[argparse.Namespace], int]) -> Callable[[argparse.Namespace], int]:
    """A refusal of the data layer names its field by an internal name (`name`, `legal_due`):
    the user sees only the message (请…), as the screens show it. An option the user typed
    (`--date`) is still named."""

    @functools.wraps(command)
    def run(args: argparse.Namespace) -> int:
        from data.errors import ValidationError

        try:
            return command(args)
        except ValidationError as exc:
            if exc.field and not exc.field.startswith("-"):
                raise ValidationError("", exc.message, row=exc.row) from exc
            raise

    return run


@_plain_refusals
def cmd_facilities(args: argparse.Namespace) -> int:
    """`frontdesk facilities …`."""
    from data import facilities as fac
    from data.errors import NotFoundError, ValidationError
    from data.vocab import label

    open_db(args)
    staff = sign_in(args)
    step = args.facilities_command
    if step == "list":
        cid = _community(args.community)
        building = fac.building_id_for(cid, args.building) if args.building and cid else None
        if args.building and not cid:
            raise ValidationError("--building", _("Name the community of the building (--community)."))
        rows = fac.facilities(community_id=cid, kind=_kind(args.kind) if args.kind else None,
                              building_id=building, staff_id=staff.id)
        for r in rows:
            if args.json:
                emit(_as_json(r))
            else:
                due = f"{r.next_due}" if r.next_due else "—"
                print(f"#{r.id:<4} {pad(label(fac.KINDS, r.kind), 14)} {pad(r.name, 22)} "
                      f"{pad(r.building, 4)} {pad(r.check_name, 12)} {due}")
        if not rows and not args.json:
            print(_("No facilities."))
    elif step == "show":
        view = fac.get_facility(args.facility, staff.id)
        hist = fac.history(view.id, staff.id)
        if args.json:
            emit({**_as_json(view), "history": [_as_json(h) for h in hist]})
            return 0
        print(f"#{view.id}  {view.name}  [{label(fac.KINDS, view.kind)}]  {view.community} {view.building}")
        for key, value in ((_("Place"), view.place), (_("Maker"), f"{view.maker} {view.model}".strip()),
                           (_("Installed"), view.installed_on or ""), (_("Contractor"), view.contractor),
                           (_("Contract"), view.contract), (_("Responsible"), view.responsible)):
            if value:
                print(f"  {pad(str(key), 10)} {value}")
        for c in view.checks:
            print("  " + _("{name}: last {last}, next due {due} (#{id})").format(
                name=c.name, last=c.last_done or "—", due=c.next_due, id=c.id))
        for h in hist:
            mark = "" if h.ok is None else (_("normal") if h.ok else _("not normal"))
            print(f"  {h.at:%Y-%m-%d %H:%M} {pad(h.ref, 16)} {h.text} {mark}".rstrip())
    elif step == "add":
        cid = _community(args.community)
        if cid is None:
            raise ValidationError("--community", _("Name the community."))
        responsible = None
        if args.responsible:
            from data.staff import ids_of_logins

            found = ids_of_logins([args.responsible])
            if args.responsible not in found:
                raise NotFoundError(_("No staff member “{login}”.").format(login=args.responsible))
            responsible = found[args.responsible]
        view = fac.add_facility(fac.FacilityInput(
            cid, _kind(args.kind), args.name, building_id=fac.building_id_for(cid, args.building),
            place=args.place, maker=args.maker, model=args.model,
            installed_on=_date(args.installed, "--installed"), contractor=args.contractor,
            contract=args.contract, responsible_id=responsible, legal_due=_date(args.due, "--due"),
            legal_last=_date(args.last, "--last")), staff_id=staff.id)
        if args.json:
            emit(_as_json(view))
        else:
            print(_("Facility #{id} {name} registered.").format(id=view.id, name=view.name))
    elif step == "inspect":
        view = fac.get_facility(args.facility, staff.id)
        checks = [c for c in view.checks if args.check is None or c.id == args.check]
        if not checks:
            raise NotFoundError(_("{name} has no such periodic inspection.").format(name=view.name))
        if len(checks) > 1:
            raise ValidationError("--check", _("{name} has several inspections: choose one with --check ({ids}).").format(
                name=view.name, ids=", ".join(str(c.id) for c in checks)))
        day = _date(args.date, "--date")
        if day is None:
            raise ValidationError("--date", _("Give a date as YYYY-MM-DD."))
        check = fac.record_check(checks[0].id, day, passed=not args.failed, note=args.note, staff_id=staff.id)
        if args.json:
            emit(_as_json(check))
        else:
            print(_("{name}: {check} recorded; next due {due}.").format(name=view.name, check=check.name,
                                                                         due=check.next_due))
    else:  # due
        pending = fac.due_checks(within_days=max(0, args.days), staff_id=staff.id)
        for d in pending:
            if args.json:
                emit(_as_json(d))
            else:
                when = (_("overdue {n} days").format(n=-d.days) if d.overdue
                        else _("in {n} days").format(n=d.days))
                print(f"{d.next_due}  {pad(when, 14)} {pad(d.facility, 22)} {pad(d.building, 4)} {d.name}")
        if not pending and not args.json:
            print(_("Nothing due."))
    return 0


def _print_slot(args: argparse.Namespace, s) -> None:
    from data.facilities import RUN_STATES
    from data.vocab import label

    if args.json:
        emit(_as_json(s))
    else:
        run = f"#{s.run_id}" if s.run_id else ""
        print(f"{s.start:%Y-%m-%d %H:%M}  {pad(label(RUN_STATES, s.state), 8)} {pad(s.route, 20)} "
              f"{pad(s.assignee, 10)} {run}".rstrip())


def _print_run(args: argparse.Namespace, run) -> None:
    if args.json:
        emit(_as_json(run))
        return
    print(_("Run #{id} of {route}, started {start} by {who}").format(
        id=run.id, route=run.route, start=f"{run.started_at:%Y-%m-%d %H:%M}", who=run.staff)
        + (_(", ended {end}").format(end=f"{run.ended_at:%H:%M}") if run.ended_at else ""))
    for item in run.items:
        a = run.answers.get(item.id)
        state = "—" if a is None else (_("normal") if a.ok else _("not normal"))
        reading = f" {a.reading.normalize():f}{item.unit}" if a and a.reading is not None else ""
        order = f" {a.work_order}" if a and a.work_order else ""
        print(f"  {item.seq}. {pad(item.text, 24)} {state}{reading}{order}")


@_plain_refusals
def cmd_inspections(args: argparse.Namespace) -> int:
    """`frontdesk inspections …`."""
    from data import facilities as fac
    from data.clock import now
    from data.errors import NotFoundError
    from data.validators import parse_datetime
    from data.vocab import label

    open_db(args)
    staff = sign_in(args)
    step = args.inspections_command
    if step == "routes":
        for r in fac.routes(community_id=_community(args.community), staff_id=staff.id):
            if args.json:
                emit(_as_json(r))
                continue
            print(f"#{r.id} {r.name}  {r.community}  {r.assignee}  {r.rrule}  "
                  f"{r.start:%H:%M}" if r.start else f"#{r.id} {r.name}")
            for item in r.items:
                extra = ""
                if item.kind == "reading":
                    low = "" if item.low is None else f"{item.low.normalize():f}"
                    high = "" if item.high is None else f"{item.high.normalize():f}"
                    extra = f" [{low}–{high} {item.unit}]"
                print(f"  {item.seq}. {item.text} ({label(fac.ITEM_KINDS, item.kind)}){extra}")
    elif step == "due":
        rows = fac.due_today(staff.id)
        for s in rows:
            _print_slot(args, s)
        if not rows and not args.json:
            print(_("Nothing to walk today."))
    elif step == "start":
        route = fac.find_route(args.route, staff.id)
        occurrence = parse_datetime(args.occurrence, "--occurrence") if args.occurrence else None
        _print_run(args, fac.start_run(route.id, staff.id, occurrence=occurrence))
    elif step == "record":
        run = fac.get_run(args.run, staff.id)
        found = next((i for i in run.items if i.seq == args.item), None)
        if found is None:
            raise NotFoundError(_("No item {ref} on this route.").format(ref=args.item))
        ok = True if args.ok else (False if args.not_ok else None)
        answer = fac.record_answer(run.id, found.id, staff.id, ok=ok, reading=args.reading, note=args.note)
        number = ""
        if args.order and not answer.ok:
            number = fac.open_work_order(run.id, found.id, staff.id).number
        if args.json:
            emit({**_as_json(answer), "work_order": number or answer.work_order})
        else:
            print(f"{found.seq}. {found.text}: {_('normal') if answer.ok else _('not normal')}"
                  + (" → " + _("work order {number}").format(number=number) if number else ""))
    elif step == "finish":
        _print_run(args, fac.finish_run(args.run, staff.id))
    else:  # missed
        since = dt.datetime.combine(now().date() - dt.timedelta(days=max(1, args.days)), dt.time())
        rows = fac.missed(since, staff_id=staff.id)
        for s in rows:
            _print_slot(args, s)
        if not rows and not args.json:
            print(_("No missed or late walks."))
    return 0


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "facilities": cmd_facilities,
    "inspections": cmd_inspections,
}
