"""Permitted hours of renovation works and the noise rule: when works may go on under a
permit (by default 工作日 8:00–12:00 and 14:00–18:00, none on rest days, never on public
holidays, a 调休 make-up working day counting as a working day — data.holidays), and the
flag a noise complaint about a room under renovation gets on its work order.

Imports nothing of data.workorders: `data.workorders.create_order` calls
`flag_noise_complaint` (one call, inside its transaction)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Protocol

from data.errors import NotFoundError, ValidationError
from data.holidays import holidays_between
from data.i18n import N_, _
from data.models import Category, Renovation, WorkOrder, WorkOrderHistory
from data.renovations.values import ACTIVE_STATUSES, Window, describe_hours, parse_hours

#: The kinds of day the permitted hours know.
WORKING_DAY, REST_DAY, PUBLIC_HOLIDAY = "working", "rest", "holiday"
#: The category code whose subtree is noise (噪音 › 装修噪音, 邻里噪音, …: data.seed).
NOISE_CATEGORY = "noise"
#: The history action of the flag on a work order (data.workorders.ACTION_LABELS).
FLAG_ACTION = "renovation"
#: The flag's first words (what the work-order screen shows on its line).
OUTSIDE_HOURS = N_("Under renovation: outside the permitted working hours")
INSIDE_HOURS = N_("Under renovation (within the permitted hours)")


class PermitHours(Protocol):
    """What the hours rule needs of a permit (a RenovationView or the model)."""

    status: str
    start_date: dt.date
    end_date: dt.date
    workday_hours: str
    rest_day_hours: str


def day_kind(day: dt.date) -> str:
    """WORKING_DAY (a weekday that is no holiday, or a 调休 make-up working day), REST_DAY
    (a weekend day) or PUBLIC_HOLIDAY (a day off of the holiday calendar)."""
    if isinstance(day, dt.datetime):
        day = day.date()
    marked = holidays_between(day, day)
    if marked:
        return WORKING_DAY if marked[0].kind == "workday" else PUBLIC_HOLIDAY
    return WORKING_DAY if day.weekday() < 5 else REST_DAY


def windows_on(permit: PermitHours, day: dt.date) -> tuple[Window, ...]:
    """The permitted windows of `day` under the permit's hours, whatever its status and
    period: none on a public holiday."""
    kind = day_kind(day)
    if kind == PUBLIC_HOLIDAY:
        return ()
    stored = permit.workday_hours if kind == WORKING_DAY else permit.rest_day_hours
    try:
        return parse_hours(stored, "hours")
    except ValidationError:  # hours edited by hand into nonsense: no hours at all
        return ()


def _as_date(value) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, str):
        return dt.date.fromisoformat(value[:10])
    return value


def is_permitted(permit: PermitHours | int, when: dt.datetime) -> bool:
    """May works go on under `permit` (a view, the model or its id) at `when`? Only while
    the permit is approved or the works are in progress, within its period, inside the
    day's permitted windows (start included, end excluded: 12:00 is lunch)."""
    if isinstance(permit, int):
        found = Renovation.get_or_none(Renovation.id == permit)
        if found is None:
            raise NotFoundError(_("No renovation permit #{id}.").format(id=permit))
        permit = found
    if permit.status not in ACTIVE_STATUSES:
        return False
    day = when.date()
    if not _as_date(permit.start_date) <= day <= _as_date(permit.end_date):
        return False
    moment = when.time()
    return any(begin <= moment < end for begin, end in windows_on(permit, day))


def active_permit(room_id: int, day: dt.date) -> Renovation | None:
    """The room's permit under which works may go on on `day` (approved or in progress,
    the day within its period), the latest if several."""
    return (Renovation.select()
            .where(Renovation.room == room_id, Renovation.status.in_(ACTIVE_STATUSES),
                   Renovation.start_date <= day, Renovation.end_date >= day)
            .order_by(Renovation.start_date.desc(), Renovation.id.desc())
            .first())


def is_noise_category(category_id: int | None) -> bool:
    """Is the category 噪音 or one of its descendants?"""
    seen: set[int] = set()
    current = category_id
    while current is not None and current not in seen:
        seen.add(current)
        row = Category.select(Category.code, Category.parent).where(Category.id == current).first()
        if row is None:
            return False
        if row.code == NOISE_CATEGORY:
            return True
        current = row.parent_id
    return False


def noise_flag(order: WorkOrder) -> tuple[str, str] | None:
    """(flag, permit number) for a noise complaint about a room with an active permit: the
    flag says whether the time it was reported is outside the permitted hours; None for
    any other order."""
    if order.kind != "complaint" or order.room_id is None or not is_noise_category(order.category_id):
        return None
    reported = order.created_at
    permit = active_permit(order.room_id, reported.date())
    if permit is None:
        return None
    flag = INSIDE_HOURS if is_permitted(permit, reported) else OUTSIDE_HOURS
    return flag, permit.number


def flag_noise_complaint(order: WorkOrder, staff_id: int | None) -> str | None:
    """Record on a just-created work order that it is a noise complaint about a room under
    renovation, in or outside the permit's hours: a history row (action "renovation")
    whose note the work-order screen shows. Returns the note, or None when nothing applies.
    Called by data.workorders.create_order inside its transaction."""
    found = noise_flag(order)
    if found is None:
        return None
    flag, number = found
    permit = Renovation.get(Renovation.number == number)
    # The hours of the day it was reported ("rest days: none"), not the whole rule.
    hours = describe_hours(permit.workday_hours, permit.rest_day_hours, day_kind(order.created_at))
    note = " · ".join((_(flag), _("permit {number}").format(number=number), hours))
    WorkOrderHistory.create(work_order=order.id, staff=staff_id, at=order.created_at,
                            action=FLAG_ACTION, from_status=order.status, to_status=order.status,
                            note=note)
    return note


class _HistoryLine(Protocol):
    @property
    def action(self) -> str: ...

    @property
    def note(self) -> str: ...


def renovation_flag(history: Iterable[_HistoryLine]) -> str | None:
    """The renovation flag among a work order's history (data.workorders.history), for the
    work-order screen's line: the note of the last "renovation" entry, or None."""
    found = [line.note for line in history if line.action == FLAG_ACTION]
    return found[-1] if found else None
