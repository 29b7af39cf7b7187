"""The `frontdesk calendar add|agenda|done|export|import|holidays` and `frontdesk remind` commands
(issue 6 §4, §9).

The same rules as the calendar screen, through `data.calendar`: a booking that collides
with an attendee's calendar is refused (exit status 2) unless `--force` is given.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from collections.abc import Callable

from data.errors import NotFoundError, ValidationError
from data.i18n import N_, _
from tui.cli.common import emit, open_db, sign_in

#: Chinese words accepted for --kind, besides the codes and their labels.
KIND_WORDS = {"上门预约": "appointment", "上门": "appointment", "会议": "meeting",
              "巡查": "inspection", "社区活动": "activity", "活动": "activity",
              "电话": "call", "备忘": "memo", "任务": "task", "值班": "duty",
              "电子邮件": "email", "邮件": "email", "传真": "fax"}
#: Days `calendar agenda` shows by default.
AGENDA_DAYS = 7
#: Days `calendar freebusy` looks ahead by default.
FREE_DAYS = 5
#: Weekday names of `calendar freebusy` (English msgids).
WEEKDAYS = (N_("Mon"), N_("Tue"), N_("Wed"), N_("Thu"), N_("Fri"), N_("Sat"), N_("Sun"))


def add_parsers(sub: argparse._SubParsersAction) -> None:
    """Register `calendar` (add, agenda) and `remind` on the main parser."""
    p = sub.add_parser("calendar", help=_("the staff calendar: add, agenda, export, import, holidays"))
    calendar = p.add_subparsers(dest="calendar_command", metavar="ACTION", required=True)

    q = calendar.add_parser("add", help=_("book an event; refused when an attendee is busy"))
    q.add_argument("--staff", required=True, metavar="LOGIN[,LOGIN…]", help=_("the attendees"))
    q.add_argument("--title", required=True, metavar="T")
    q.add_argument("--start", required=True, metavar="YYYY-MM-DD HH:MM")
    q.add_argument("--end", required=True, metavar="YYYY-MM-DD HH:MM")
    q.add_argument("--kind", default="appointment",
                   help="appointment|meeting|inspection|activity|duty|call|email|fax|memo|task (上门预约, 会议, 巡查, 值班 …)")
    q.add_argument("--rrule", metavar="RRULE", help=_("repeat rule, such as FREQ=WEEKLY;BYDAY=MO;COUNT=10"))
    q.add_argument("--location", default="", metavar="TEXT")
    q.add_argument("--reminder", type=int, metavar="MIN", help=_("remind the attendees this many minutes before"))
    q.add_argument("--force", action="store_true", help=_("book even when an attendee is busy"))
    q.add_argument("--reason", default="", metavar="TEXT", help=_("why it is booked despite a conflict"))
    q.add_argument("--json", action="store_true", help=_("one JSON object per line"))

    q = calendar.add_parser("agenda", help=_("the coming occurrences of a staff member"))
    q.add_argument("--staff", metavar="LOGIN", help=_("whose agenda (default: me)"))
    q.add_argument("--days", type=int, default=AGENDA_DAYS, metavar="N",
                   help=_("from today, this many days (default 7)"))
    q.add_argument("--json", action="store_true", help=_("one JSON object per line"))

    q = calendar.add_parser("done", help=_("tick a task off as done (or open it again with --undo)"))
    q.add_argument("event_id", type=int, metavar="EVENT_ID", help=_("the task's event id"))
    q.add_argument("--undo", action="store_true", help=_("mark it not done again"))
    q.add_argument("--json", action="store_true", help=_("one JSON object per line"))

    q = calendar.add_parser("export", help=_("write a staff member's calendar as an iCalendar file"))
    q.add_argument("--staff", required=True, metavar="LOGIN", help=_("whose calendar"))
    q.add_argument("--out", required=True, metavar="FILE.ics", help=_("the file to write"))

    q = calendar.add_parser("import", help=_("read an iCalendar file into my calendar (by UID)"))
    q.add_argument("file", metavar="FILE.ics")
    q.add_argument("--staff", metavar="LOGIN", help=_("whose calendar (default: me)"))
    q.add_argument("--json", action="store_true", help=_("one JSON object per line"))

    q = calendar.add_parser("holidays", help=_("list the holidays and 调休 working days, or import a year"))
    q.add_argument("--year", type=int, metavar="Y", help=_("which year (default: this year)"))
    q.add_argument("--import", dest="import_file", metavar="FILE",
                   help=_("a file of days to add or replace: a CSV of 日期,名称,类型 (放假 or 上班), "
                          "a holiday-cn JSON file, or an iCalendar feed of 休/班 days"))
    q.add_argument("--is-working-day", dest="is_working_day", metavar="DATE",
                   help=_("only say whether DATE is a working day (weekday, holiday or 调休)"))
    q.add_argument("--json", action="store_true", help=_("one JSON object per line"))

    q = calendar.add_parser("freebusy", help=_("free time of staff members on the coming working days"))
    q.add_argument("--staff", metavar="LOGIN[,LOGIN…]", help=_("whose free time (default: me)"))
    q.add_argument("--days", type=int, default=FREE_DAYS, metavar="N",
                   help=_("from today, this many days (default 5)"))
    q.add_argument("--hours", metavar="HH:MM-HH:MM",
                   help=_("within these hours, such as 9:00-12:00 or 下午2点到5点 (default: the working hours)"))
    q.add_argument("--json", action="store_true", help=_("one JSON object per line"))

    p = sub.add_parser("remind", help=_("send due calendar reminders (cron-safe, idempotent)"))
    p.add_argument("--hook", metavar="CMD",
                   help=_("also run this command per reminder; placeholders {login} {title} {start}"))
    p.add_argument("--json", action="store_true", help=_("one JSON object per line"))


def _staff_ids(text: str, option: str) -> list[int]:
    from data.staff import ids_of_logins

    logins = [x.strip() for x in text.replace("，", ",").split(",") if x.strip()]
    if not logins:
        raise ValidationError(option, _("Name at least one staff login."))
    found = ids_of_logins(logins)
    missing = [x for x in logins if x not in found]
    if missing:
        raise NotFoundError(_("No staff member with login {logins}.").format(logins=", ".join(missing)))
    return [found[x] for x in logins]


def _kind(value: str) -> str:
    from data.i18n import in_language
    from data.vocab import EVENT_KINDS

    text = value.strip()
    if text in EVENT_KINDS:
        return text
    if text in KIND_WORDS:
        return KIND_WORDS[text]
    for code, message in EVENT_KINDS.items():
        if text.lower() in (in_language(message, "en").lower(), in_language(message, "zh").lower()):
            return code
    raise ValidationError("--kind", _("Unknown value “{value}”: use one of {choices}.").format(
        value=value, choices="、".join(EVENT_KINDS)))


def _when(value: dt.datetime) -> str:
    return f"{value:%Y-%m-%d %H:%M}"


def _conflict_json(c) -> dict:
    return {"login": c.staff_login, "name": c.staff_name, "title": c.title,
            "start": _when(c.start), "end": _when(c.end), "event_id": c.event_id}


def _last_day(o) -> dt.date:
    """The last day of an all-day occurrence (its stored end is the midnight after it)."""
    last = o.end.date() if o.end.time() == dt.time() else o.end.date() + dt.timedelta(days=1)
    return max(last - dt.timedelta(days=1), o.start.date())


def _span(o) -> str:
    """When an occurrence is, as the agenda shows it: an all-day one by its dates
    (“2026-12-10 – 2026-12-11 all day”), never 00:00–00:00."""
    if o.all_day:
        last = _last_day(o)
        days = f"{o.start:%Y-%m-%d}" + (f" – {last:%Y-%m-%d}" if last != o.start.date() else "")
        return _("{days} all day").format(days=days)
    end = f"{o.end:%H:%M}" if o.end.date() == o.start.date() else _when(o.end)
    return f"{_when(o.start)}–{end}"


def _occurrence_json(o) -> dict:
    """One occurrence for --json: an all-day one (all_day true) gives its first and last
    dates (YYYY-MM-DD) as start and end, a timed one its times."""
    all_day = bool(getattr(o, "all_day", False))
    return {
        "event_id": o.event_id, "series_id": o.series_id,
        "start": f"{o.start:%Y-%m-%d}" if all_day else _when(o.start),
        "end": f"{_last_day(o):%Y-%m-%d}" if all_day else _when(o.end), "all_day": all_day,
        "kind": o.kind, "title": o.title, "location": o.location,
        "attendees": list(o.attendees), "rrule": o.rrule,
        "recurrence_id": _when(o.recurrence_id) if o.recurrence_id else None,
        "room": o.room, "work_order": o.work_order_number,
    }


def _calendar_add(args: argparse.Namespace) -> int:
    from data import calendar
    from data.validators import parse_datetime

    me = sign_in(args)
    data = calendar.EventInput(
        kind=_kind(args.kind), title=args.title,
        start=parse_datetime(args.start, "--start"), end=parse_datetime(args.end, "--end"),
        attendee_ids=_staff_ids(args.staff, "--staff"), rrule=args.rrule,
        location=args.location, reminder_minutes=args.reminder,
    )
    try:
        event_id, conflicts = calendar.create_event(data, me.id, force=args.force, reason=args.reason)
    except calendar.ConflictsFound as exc:
        if args.json:
            emit({"booked": False, "conflicts": [_conflict_json(c) for c in exc.conflicts]})
        print(_("frontdesk: {message}").format(message=exc), file=sys.stderr)
        print(_("To book it anyway: add --force --reason TEXT."), file=sys.stderr)
        return 2
    if args.json:
        emit({"booked": True, "id": event_id, "conflicts": [_conflict_json(c) for c in conflicts]})
        return 0
    assert data.start is not None  # create_event refuses an event without a start
    print(_("Booked #{id}: {title} {start}–{end}.").format(
        id=event_id, title=data.title.strip(), start=_when(data.start), end=f"{data.end:%H:%M}"))
    for c in conflicts:
        print(_("  despite: {name} ({login}) “{title}” {start}").format(
            name=c.staff_name, login=c.staff_login, title=c.title, start=_when(c.start)))
    return 0


def _calendar_agenda(args: argparse.Namespace) -> int:
    from data import calendar
    from data.clock import now

    if args.days < 1 or args.days > calendar.MAX_WINDOW_DAYS:
        raise ValidationError("--days", _("--days must be 1 to {max}.").format(
            max=calendar.MAX_WINDOW_DAYS))
    me = sign_in(args)  # anyone's agenda, as the calendar screen shows it, but signed in
    staff_id = _staff_ids(args.staff, "--staff")[0] if args.staff else me.id
    start = dt.datetime.combine(now().date(), dt.time())
    occs = calendar.agenda([staff_id], start, start + dt.timedelta(days=args.days))
    for o in occs:
        if args.json:
            emit(_occurrence_json(o))
        else:
            repeat = " ↻" if o.series_id else ""
            place = f"  {o.room or o.location}" if (o.room or o.location) else ""
            print(f"{_span(o)}  {o.title}{repeat}{place}  [{', '.join(o.attendees)}]")
    if not occs and not args.json:
        print(_("Nothing booked in the next {days} days.").format(days=args.days))
    return 0


def _calendar_export(args: argparse.Namespace) -> int:
    from data.exports import refuse_database
    from data.ical import export_ics

    sign_in(args)  # anyone's calendar, as the calendar screen shows it, but signed in
    staff_id = _staff_ids(args.staff, "--staff")[0]
    refuse_database(args.out)  # never the open database or its -wal/-shm (issue 12)
    text = export_ics(staff_id)
    try:
        with open(args.out, "w", encoding="utf-8", newline="") as out:
            out.write(text)
    except OSError as exc:
        raise ValidationError("--out", _("Cannot write {path}: {error}").format(
            path=args.out, error=exc.strerror or exc)) from exc
    print(_("{count} events written to {path}.").format(
        count=text.count("BEGIN:VEVENT"), path=args.out))
    return 0


def _calendar_import(args: argparse.Namespace) -> int:
    from data import access
    from data.ical import import_ics_file

    me = sign_in(args)
    staff_id = _staff_ids(args.staff, "--staff")[0] if args.staff else me.id
    if staff_id != me.id:  # it may change their events: supervisors' right over others'
        access.require("event.delete_any")
    result = import_ics_file(args.file, staff_id)
    if args.json:
        emit({"created": result.created, "updated": result.updated, "skipped": result.skipped,
               "refused": len(result.refused)})
    else:
        print(_("Imported: {created} new, {updated} updated, {skipped} unchanged.").format(
            created=result.created, updated=result.updated, skipped=result.skipped))
    for message in (*result.notes, *result.refused):  # notes: items left out (undated tasks)
        print(_("frontdesk: {message}").format(message=message), file=sys.stderr)
    if result.refused:
        print(_("frontdesk: {count} event(s) refused; the others were imported.").format(
            count=len(result.refused)), file=sys.stderr)
        return 2
    return 0


def _calendar_done(args: argparse.Namespace) -> int:
    from data import calendar

    me = sign_in(args)
    done = not args.undo
    calendar.set_task_done(args.event_id, done, me.id)
    if args.json:
        emit({"id": args.event_id, "done": done})
    elif done:
        print(_("Task #{id} done.").format(id=args.event_id))
    else:
        print(_("Task #{id} open again.").format(id=args.event_id))
    return 0


def _calendar_holidays(args: argparse.Namespace) -> int:
    from data import holidays
    from data.clock import now

    sign_in(args)  # the import is for supervisors and up (data.holidays checks)
    if args.is_working_day:
        from data.validators import parse_date

        day = parse_date(args.is_working_day, "--is-working-day")
        if day is None:
            raise ValidationError("--is-working-day", _("Give a date such as 2027-01-04."))
        working = holidays.is_working_day(day)
        named = holidays.holidays_between(day, day)
        if args.json:
            emit({"date": day.isoformat(), "working_day": working, "name": named[0].name if named else ""})
        else:
            line = (_("{date} is a working day.") if working else _("{date} is not a working day.")).format(
                date=day.isoformat())
            print(f"{line} {named[0].name}" if named else line)
        return 0
    if args.import_file:
        if not os.path.isfile(args.import_file):
            raise NotFoundError(_("No file {path}.").format(path=args.import_file))
        count = holidays.import_holidays(args.import_file)
        if not args.json:
            print(_("{count} dates imported.").format(count=count))
    year = args.year or now().year
    days = holidays.holidays_between(dt.date(year, 1, 1), dt.date(year, 12, 31))
    for h in days:
        if args.json:
            emit({"date": h.day.isoformat(), "name": h.name, "kind": h.kind})
        else:
            kind = _(holidays.HOLIDAY_KINDS[h.kind])
            print(f"{h.day:%Y-%m-%d}  {h.name}  {kind}")
    if not days and not args.json:
        print(_("No holidays recorded for {year}: import them with --import FILE.").format(year=year))
    return 0


def _calendar_freebusy(args: argparse.Namespace) -> int:
    """`frontdesk calendar freebusy [--staff L[,L]] [--days N] [--hours A-B]`."""
    from data.calendar import free_slots, staff_by_logins
    from data.clock import today
    from data.dates import parse_time_range

    me = sign_in(args)
    people = staff_by_logins(args.staff.replace("，", ",").split(","), "--staff") if args.staff else []
    if args.staff and not people:
        raise ValidationError("--staff", _("Name at least one staff login."))
    refs = [(p.id, p.login, p.name) for p in people] or [(me.id, me.login, me.name)]
    hours = None
    if args.hours:
        try:
            hours = parse_time_range(args.hours)
        except ValidationError as exc:
            raise ValidationError("--hours", exc.message) from None
        if hours[1] is None:
            raise ValidationError("--hours", _("Give a range of hours, such as 9:00-17:00."))
    free = free_slots([i for i, _l, _n in refs], today(), args.days, hours)  # type: ignore[arg-type]
    for sid, login, name in refs:
        if args.json:
            emit({"login": login, "name": name,
                  "free": [[f"{a:%Y-%m-%d %H:%M}", f"{b:%Y-%m-%d %H:%M}"] for a, b in free[sid]]})
            continue
        print(f"{name} ({login})")
        by_day: dict[dt.date, list[str]] = {}
        for a, b in free[sid]:
            by_day.setdefault(a.date(), []).append(f"{a:%H:%M}–{b:%H:%M}")
        for day, spans in by_day.items():
            print(f"  {day:%Y-%m-%d} {_(WEEKDAYS[day.weekday()])}  " + "  ".join(spans))
        if not free[sid]:
            print("  " + _("no free time in these days"))
    return 0


def cmd_calendar(args: argparse.Namespace) -> int:
    open_db(args)
    if args.calendar_command == "holidays":
        return _calendar_holidays(args)
    if args.calendar_command == "add":
        return _calendar_add(args)
    if args.calendar_command == "freebusy":
        return _calendar_freebusy(args)
    if args.calendar_command == "done":
        return _calendar_done(args)
    if args.calendar_command == "export":
        return _calendar_export(args)
    if args.calendar_command == "import":
        return _calendar_import(args)
    return _calendar_agenda(args)


def cmd_remind(args: argparse.Namespace) -> int:
    """Send the reminders due now; safe to run every minute from cron. With --hook, a
    reminder whose hook run failed is tried again at the next run, and this run exits 1."""
    from data import reminders

    open_db(args)
    sign_in(args, "remind")  # cron runs it as a service account
    run = reminders.run_reminders(hook=args.hook)
    # Contracts follow the calendar too: in force from their first day, 到期 after their
    # last, and those ending within 30 days reach their owner (notification and renewal
    # callback, once per end date) — data.contracts.sweep, idempotent like the reminders.
    from data.contracts import sweep as contract_sweep

    moved, renewals = contract_sweep()
    # A promise to pay (承诺缴费日) that passed without a payment becomes a callback for
    # who took it (data.fees.collection), once.
    from data.fees.collection import sweep_missed_promises

    sweep_missed_promises()
    # 业委会 terms ending within 60 days reach the desk, once per member and term.
    from data.meetings import notify_expiring_terms

    notify_expiring_terms()
    # Facilities' legal inspections due within 30 days reach who answers for them (else the
    # supervisors), once per due date (data.facilities.remind_due_checks).
    from data.facilities import remind_due_checks

    checks = remind_due_checks()
    if args.json:
        out: dict = {"sent": run.sent}
        if checks:
            out.update(inspections_due=[c.facility for c in checks])
        if moved or renewals:  # only when there is something: scripts read {"sent": N}
            out.update(contracts_moved=moved, renewals=[r.number for r in renewals])
        if args.hook:
            out.update(hooked=run.hooked, failed=len(run.failed))
        emit(out)
    else:
        print(_("{count} reminders sent.").format(count=run.sent))
        if renewals:
            print(_("{count} contracts ending soon: their owners were told ({numbers}).").format(
                count=len(renewals), numbers=", ".join(r.number for r in renewals)))
        if checks:
            print(_("{count} facility inspections due soon: who answers for them was told.").format(
                count=len(checks)))
        if args.hook:
            print(_("{count} sent through the hook.").format(count=run.hooked))
    for failure in run.failed:
        print(_("frontdesk: the reminder hook failed for {login} (“{title}” {start}): {error}").format(
            login=failure.login, title=failure.title[:40], start=_when(failure.start),
            error=failure.error), file=sys.stderr)
    if run.failed:
        print(_("frontdesk: {count} reminder(s) not sent through the hook; the next run tries them again.")
              .format(count=len(run.failed)), file=sys.stderr)
        return 1
    return 0


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "calendar": cmd_calendar,
    "remind": cmd_remind,
}
