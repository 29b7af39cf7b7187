"""A demo database that looks like today: move a copy of the sample to the current day.

`frontdesk sample` makes its data for one day (`--today`, recorded in the `demo_anchor`
setting): orders taken this morning, visits at 10:00 today, callbacks due this afternoon.
Opened weeks later, that day is long gone: everything is overdue, today's agenda is empty.
`shift_to_today` moves every date and time of a demo database forward (or back) by whole
days, so the copy a new user gets at first run (tui.paths.default_database) opens on a
normal working morning.

How far things move:

- One-off records — work orders and their history, calls, callbacks, notifications, single
  events, occupancies, notes, … — by D, the days between the anchor and today. Whole days
  keep every time of day (a visit at 10:00 stays at 10:00) and put "today" of the sample on
  today: this morning's orders are due today, yesterday's overdue ones are overdue by hours.
- Recurring series (events with a rule) and their exceptions, by W, the multiple of 7 days
  nearest D. A series is expanded from its rule, which only needs DTSTART; shifting it by
  whole weeks keeps its weekday (the Monday round stays on Mondays) and keeps each moved or
  cancelled occurrence on the occurrence it replaces (RECURRENCE-ID). The series are then
  at most three days off their place relative to the one-off data, which a weekly or
  monthly series does not show.

What does not move:

- Public holidays and make-up working days (real dates), the SLA table (no dates), the
  migration history (when the schema was made).
- Birth dates: a resident ID number spells its holder's birth date, and moving the one
  without the other would make every stored ID invalid. People are D days older; nobody sees.
- The audit trail: it is append-only (data.audit refuses UPDATE on it, by trigger on both
  databases) and a generated demo has no rows in it (the generator writes with the trail
  suspended). Lifting that guard to rewrite history would defeat what the trail is for,
  so rows there, if any, keep the times they were written at.
- Recording file names (rec/20260115/…): they name files on a recording server.

Work-order numbers spell the day the order was taken (BX-20260115-0003). They are
renumbered with their day moved by D, so an order taken this morning has today's number, as
every order the desk takes from now on will (data.numbering continues after them); the
number in notification titles and bodies is changed with it. Notification dedupe keys that
embed a time (a callback's due time, an occurrence's start) are moved too, so the sweeps see
what the generator marked as already told as told.

The whole move is one transaction with the audit triggers off: it is not something a person
did, and thousands of audit rows would only bury the real ones. It runs only on a database
marked as demo data (the generator's `demo_database` setting) and refuses anything else.
"""

from __future__ import annotations

import datetime as dt
import re

from peewee import SQL, DateField, DateTimeField, Expression, fn

from data import audit
from data.clock import today as clock_today
from data.db import db, is_sqlite, transaction
from data.errors import FrontDeskError
from data.fees.balances import refresh_all
from data.i18n import _
from data.models import (
    ALL_MODELS,
    Allocation,
    AuditLog,
    Bill,
    Event,
    FeeItem,
    FeeStandard,
    Holiday,
    InspectionRun,
    Notification,
    Payment,
    Person,
    ReleasePass,
    RunAnswer,
    Setting,
    SlaPolicy,
    Waiver,
    WorkOrder,
)
from data.sample import DEMO_ANCHOR, DEMO_MARK

#: Tables whose dates are real or historical and never move (see the module docstring).
FIXED_MODELS = frozenset({AuditLog, Holiday, SlaPolicy})
#: Fees move by whole months (the months fully past since the anchor), so a bill still covers
#: a calendar month and its period ("2027-01") names it; receipt numbers keep their year.
FEE_MODELS = frozenset({FeeItem, FeeStandard, Bill, Payment, Allocation, Waiver})
#: Date columns that never move: a birth date is spelt in the person's ID number.
FIXED_FIELDS = frozenset({(Person, "birth_date")})

_CALLBACK_KEY = re.compile(r"^(callback:\d+:)(\d{12})$")
_REMINDER_KEY = re.compile(r"^(reminder:(\d+):)(\d{8}T\d{4})(:.*)$")
_NUMBER_DAY = r"^[A-Z]{2}-[0-9]{8}-"  # BX-20260115-0003: the day is characters 4 to 11


class DemoError(FrontDeskError):
    """The database cannot be moved to another day."""


def anchor_day() -> dt.date | None:
    """The day the open demo database's data is made for; None on a database that is not
    demo data. Samples made before the anchor was recorded carry it as the day of their
    `demo_database` mark."""
    mark = Setting.get_or_none(Setting.key == DEMO_MARK)
    if mark is None or mark.value != "1":
        return None
    anchor = Setting.get_or_none(Setting.key == DEMO_ANCHOR)
    if anchor is not None:
        try:
            return dt.date.fromisoformat(anchor.value)
        except ValueError:
            pass
    stamp = mark.updated_at
    if isinstance(stamp, str):
        stamp = dt.datetime.fromisoformat(stamp)
    return stamp.date() if stamp else None


def series_days(days: int) -> int:
    """The whole weeks nearest `days` (ties away from zero): how far recurring series move."""
    weeks, rest = divmod(abs(days), 7)
    weeks += rest >= 4
    return 7 * weeks if days >= 0 else -7 * weeks


def shift_to_today(today: dt.date | None = None) -> int:
    """Move every date of the open demo database so that its day becomes `today` (default:
    data.clock's today, so FRONTDESK_NOW is respected) and record the new anchor. Returns
    the days moved (0: already there). Raises DemoError on a database that is not demo data."""
    today = today or clock_today()
    with audit.suspended(), transaction():
        anchor = anchor_day()
        if anchor is None:
            raise DemoError(_(
                "This database is not demo data (it has no demo_database mark): only a demo "
                "database is moved to today. Nothing was changed."))
        days = (today - anchor).days
        if days == 0:
            return 0
        weeks = series_days(days)
        months = series_months(anchor, today)
        _move_numbers(days)
        _move_dedupe_keys(days, weeks)
        _move_fees(whole_months_past(anchor, today))
        for model in ALL_MODELS:
            if model in FIXED_MODELS or model in FEE_MODELS:
                continue
            fields = [f for f in model._meta.sorted_fields
                      if isinstance(f, (DateField, DateTimeField))
                      and (model, f.name) not in FIXED_FIELDS]
            if not fields:
                continue
            if model is Event:
                one_off = Event.rrule.is_null() & Event.series.is_null()
                by_month = _monthly_series()
                _move(Event, fields, days, one_off)
                if weeks:
                    _move(Event, fields, weeks, ~one_off & ~by_month)
                if months:
                    _move(Event, fields, months, by_month, unit="months")
            elif model in (InspectionRun, RunAnswer):
                # A run belongs to an occurrence of its route's series, which moves by whole
                # weeks: moved by days, a weekly route's runs would miss their occurrences.
                if weeks:
                    _move(model, fields, weeks, None)
            else:
                _move(model, fields, days, None)
        if not Setting.update(value=today.isoformat()).where(Setting.key == DEMO_ANCHOR).execute():
            Setting.insert(key=DEMO_ANCHOR, value=today.isoformat()).execute()
    return days


def whole_months_past(anchor: dt.date, today: dt.date) -> int:
    """The whole months from `anchor` to `today`, rounded toward the anchor: fee records moved
    by them never land after today."""
    months = (today.year - anchor.year) * 12 + today.month - anchor.month
    if months > 0 and today.day < anchor.day:
        months -= 1
    elif months < 0 and today.day > anchor.day:
        months += 1
    return months


def _move_fees(months: int) -> None:
    """Move the fee records by whole months; a bill's last day moves as the day after it
    (the first of a month stays the first), its period follows its first day."""
    if not months:
        return
    for model in FEE_MODELS:
        fields = [f for f in model._meta.sorted_fields if isinstance(f, (DateField, DateTimeField))
                  and f is not Bill.ends_on]
        _move(model, fields, months, None, unit="months")
    if is_sqlite():
        Bill.update(ends_on=fn.date(Bill.ends_on, "+1 day", f"{months:+d} months", "-1 day"),
                    period=fn.strftime("%Y-%m", Bill.starts_on)).execute()
    else:
        Bill.update(ends_on=Expression(Expression(Bill.ends_on, "+", SQL("1")), "+",
                                       SQL(f"INTERVAL '{int(months)} months' - INTERVAL '1 day'")).cast("date"),
                    period=fn.to_char(Bill.starts_on, "YYYY-MM")).execute()
    refresh_all()  # the rooms' oldest unpaid month follows the bills' periods


def series_months(anchor: dt.date, today: dt.date) -> int:
    """The whole months that take `anchor` nearest to `today`: how far monthly and yearly
    series move (their rule names a day of the month, which whole weeks would not keep)."""
    months = (today.year - anchor.year) * 12 + today.month - anchor.month

    def distance(m: int) -> int:
        year, month = divmod(anchor.month - 1 + m, 12)
        day = min(anchor.day, 28)
        return abs((dt.date(anchor.year + year, month + 1, day) - today).days)

    return min((months - 1, months, months + 1), key=lambda m: (distance(m), abs(m)))


def _monthly_series():
    """Events of a monthly or yearly series: the series row and its exceptions."""
    # Never NULL (NOT of it selects the rest): COALESCE the rule, test the series for NULL.
    rule = fn.COALESCE(Event.rrule, "")
    owner = Event.alias()
    return (rule.contains("FREQ=MONTHLY") | rule.contains("FREQ=YEARLY")
            | (Event.series.is_null(False) & Event.series.in_(owner.select(owner.id).where(
                owner.rrule.contains("FREQ=MONTHLY") | owner.rrule.contains("FREQ=YEARLY")))))


def _moved(field, count: int, unit: str = "days"):
    """`field` moved by `count` whole days (or months), as an SQL expression."""
    if is_sqlite():
        # Stored as text; date() and datetime() keep NULL and the time of day.
        mover = fn.datetime if isinstance(field, DateTimeField) else fn.date
        return mover(field, f"{count:+d} {unit}")
    if isinstance(field, DateTimeField) or unit != "days":
        moved = Expression(field, "+", SQL(f"INTERVAL '{int(count)} {unit}'"))
        return moved if isinstance(field, DateTimeField) else moved.cast("date")
    return Expression(field, "+", SQL(str(int(count))))  # date + integer is a date


def _move(model, fields, count: int, where, unit: str = "days") -> None:
    query = model.update({f: _moved(f, count, unit) for f in fields})
    if where is not None:
        query = query.where(where)
    query.execute()


def _new_number(number, days: int):
    """The SQL expression of a work-order number with its day moved by `days`."""
    if is_sqlite():
        day = fn.date(fn.substr(number, 4, 4).concat("-").concat(fn.substr(number, 8, 2))
                      .concat("-").concat(fn.substr(number, 10, 2)), f"{days:+d} days")
        return (fn.substr(number, 1, 3).concat(fn.strftime("%Y%m%d", day))
                .concat(fn.substr(number, 12)))
    day = Expression(fn.to_date(fn.substr(number, 4, 8), "YYYYMMDD"), "+", SQL(str(int(days))))
    return (fn.substr(number, 1, 3).concat(fn.to_char(day, "YYYYMMDD"))
            .concat(fn.substr(number, 12)))


def _matches_day(number):
    if is_sqlite():
        return fn.glob("[A-Z][A-Z]-" + "[0-9]" * 8 + "-*", number)
    return Expression(number, "~", _NUMBER_DAY)


def _move_numbers(days: int) -> None:
    """Renumber the work orders whose number spells a day, and the numbers quoted in their
    notifications. Two steps (through a temporary `~` suffix) so that no UPDATE ever meets
    a number it has not moved yet."""
    order = WorkOrder.alias()
    for column in (Notification.title, Notification.body):
        old = (order.select(order.number)
               .where((order.id == Notification.entity_id) & _matches_day(order.number)))
        new = (order.select(_new_number(order.number, days))
               .where((order.id == Notification.entity_id) & _matches_day(order.number)))
        Notification.update({column: fn.replace(column, old, new)}).where(
            (Notification.entity == "work_order")
            & fn.EXISTS(order.select(SQL("1")).where(
                (order.id == Notification.entity_id) & _matches_day(order.number)))
        ).execute()
    # Release passes are numbered by their day too (FX-20260115-003).
    for model in (WorkOrder, ReleasePass):
        model.update(number=_new_number(model.number, days).concat("~")).where(
            _matches_day(model.number)).execute()
        model.update(number=fn.substr(model.number, 1, fn.length(model.number) - 1)).where(
            model.number.endswith("~")).execute()


def _move_dedupe_keys(days: int, weeks: int) -> None:
    """Move the time inside the dedupe keys of callback and reminder notifications (a
    reminder of a series occurrence moves with the series, by `weeks`)."""
    series = {e.id for e in Event.select(Event.id).where(
        Event.rrule.is_null(False) | Event.series.is_null(False))}
    changes: list[tuple[int, str]] = []
    query = Notification.select(Notification.id, Notification.dedupe_key).where(
        Notification.dedupe_key.startswith("callback:")
        | Notification.dedupe_key.startswith("reminder:"))
    for note in query.iterator():
        key = note.dedupe_key
        match = _CALLBACK_KEY.match(key)
        if match:
            at = dt.datetime.strptime(match.group(2), "%Y%m%d%H%M") + dt.timedelta(days=days)
            changes.append((note.id, f"{match.group(1)}{at:%Y%m%d%H%M}"))
            continue
        match = _REMINDER_KEY.match(key)
        if match:
            moved = weeks if int(match.group(2)) in series else days
            at = dt.datetime.strptime(match.group(3), "%Y%m%dT%H%M") + dt.timedelta(days=moved)
            changes.append((note.id, f"{match.group(1)}{at:%Y%m%dT%H%M}{match.group(4)}"))
    if not changes:
        return
    # Two steps, as for the numbers: a moved key may equal a key not moved yet.
    sql = f'UPDATE "notification" SET "dedupe_key" = {db.param} WHERE "id" = {db.param}'
    cursor = db.cursor()
    cursor.executemany(sql, [(f"~{note_id}", note_id) for note_id, _key in changes])
    cursor.executemany(sql, [(key, note_id) for note_id, key in changes])


__all__ = ["DemoError", "anchor_day", "series_days", "shift_to_today"]
