"""The facilities register (设施设备台账): adding items with their periodic legal inspections,
reading the register and one item's history, recording an inspection done, the list of
inspections due or overdue, and the reminder sent 30 days before each due date (once)."""

from __future__ import annotations

import calendar as _calendar
import datetime as dt

from peewee import JOIN

from data import access, notifications
from data.clock import now as clock_now
from data.db import transaction
from data.errors import NotFoundError, ValidationError
from data.facilities.values import (
    KINDS,
    LEGAL_CHECKS,
    REMIND_DAYS,
    CheckDue,
    CheckReminder,
    CheckView,
    FacilityInput,
    FacilityRow,
    FacilityView,
    HistoryEntry,
)
from data.i18n import _
from data.models import (
    Building,
    Community,
    Facility,
    FacilityCheck,
    FacilityCheckRecord,
    InspectionRoute,
    InspectionRun,
    RouteItem,
    RunAnswer,
    Staff,
    WorkOrder,
)
from data.validators import clean_text
from data.vocab import label


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later (the month's last day when it has fewer days)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, _calendar.monthrange(year, month)[1]))


def _check_view(row: FacilityCheck) -> CheckView:
    return CheckView(row.id, row.facility_id, row.name, bool(row.legal), row.interval_months,
                     row.last_done, row.next_due)


def _facility_row(fid: int) -> Facility:
    row = Facility.get_or_none(Facility.id == fid)
    if row is None:
        raise NotFoundError(_("No facility {ref}.").format(ref=fid))
    return row


def get_facility(facility_id: int, staff_id: int | None = None) -> FacilityView:
    access.require("facilities.view", staff_id)
    row = _facility_row(facility_id)
    building = Building.get_or_none(Building.id == row.building_id) if row.building_id else None
    who = Staff.get_or_none(Staff.id == row.responsible_id) if row.responsible_id else None
    checks = tuple(_check_view(c) for c in FacilityCheck.select().where(
        FacilityCheck.facility == row.id).order_by(FacilityCheck.next_due, FacilityCheck.id))
    return FacilityView(
        row.id, row.community_id, Community.get_by_id(row.community_id).name,
        row.building_id, building.code if building else "", row.kind, row.name, row.place,
        row.maker, row.model, row.installed_on, row.contractor, row.contract,
        who.login if who else "", bool(row.active), checks)


def add_facility(data: FacilityInput, staff_id: int | None = None) -> FacilityView:
    """Register a facility; an elevator or the fire equipment gets its legal yearly inspection
    (LEGAL_CHECKS), due on `legal_due`, which those kinds must give."""
    access.require("facilities.manage", staff_id)
    if data.kind not in KINDS:
        raise ValidationError("kind", _("Unknown kind “{kind}”: use one of {kinds}.").format(
            kind=data.kind, kinds=", ".join(KINDS)))
    name = clean_text(data.name, "name", max_length=60)
    if not name:
        raise ValidationError("name", _("Name the facility, such as 3号楼1号电梯."))
    texts = {f: clean_text(getattr(data, f), f, max_length=m) for f, m in (
        ("place", 120), ("maker", 60), ("model", 60), ("contractor", 60), ("contract", 120))}
    if Community.get_or_none(Community.id == data.community_id) is None:
        raise NotFoundError(_("That community no longer exists."))
    if data.building_id is not None:
        building = Building.get_or_none(Building.id == data.building_id)
        if building is None or building.community_id != data.community_id:
            raise ValidationError("building", _("The building is not in that community."))
    if data.kind in LEGAL_CHECKS and data.legal_due is None:
        raise ValidationError("legal_due", _(
            "{kind} must be inspected every year by law: give the date the next inspection "
            "is due.").format(kind=label(KINDS, data.kind)))
    if data.installed_on and data.installed_on > clock_now().date():
        raise ValidationError("installed_on", _("The installation date is in the future."))
    with transaction():
        row = Facility.create(
            community=data.community_id, building=data.building_id, kind=data.kind, name=name,
            responsible=data.responsible_id, installed_on=data.installed_on,
            created_at=clock_now(), **texts)
        if data.legal_due is not None:
            check_name, months = LEGAL_CHECKS.get(data.kind, (_("Periodic inspection"), 12))
            FacilityCheck.create(facility=row.id, name=_(check_name), legal=data.kind in LEGAL_CHECKS,
                                 interval_months=months, last_done=data.legal_last,
                                 next_due=data.legal_due)
    return get_facility(row.id)


def add_check(facility_id: int, name: str, next_due: dt.date, *, interval_months: int = 12,
              legal: bool = False, staff_id: int | None = None) -> CheckView:
    """An optional periodic inspection of another kind (a pump's yearly overhaul)."""
    access.require("facilities.manage", staff_id)
    _facility_row(facility_id)
    name = clean_text(name, "name", max_length=60)
    if not name:
        raise ValidationError("name", _("Name the inspection, such as 年度保养."))
    if not 1 <= interval_months <= 120:
        raise ValidationError("interval_months", _("Give the interval in months, 1 to 120."))
    row = FacilityCheck.create(facility=facility_id, name=name, legal=legal,
                               interval_months=interval_months, next_due=next_due)
    return _check_view(row)


def record_check(check_id: int, done_on: dt.date, *, passed: bool = True, note: str = "",
                 staff_id: int | None = None) -> CheckView:
    """A periodic inspection was done on `done_on`: recorded, and the next one falls due one
    interval later (a failed one stays due until it passes)."""
    access.require("inspections.record", staff_id)
    note = clean_text(note, "note", multiline=True, max_length=2000)
    if done_on > clock_now().date():
        raise ValidationError("done_on", _("The inspection date is in the future."))
    with transaction():
        row = FacilityCheck.get_or_none(FacilityCheck.id == check_id)
        if row is None:
            raise NotFoundError(_("No periodic inspection {ref}.").format(ref=check_id))
        FacilityCheckRecord.create(check=row.id, done_on=done_on, passed=passed, note=note,
                                   staff=staff_id or access.current_id(), created_at=clock_now())
        if passed:
            row.last_done = done_on
            row.next_due = add_months(done_on, row.interval_months)
            row.save()
    return _check_view(row)


def facilities(*, community_id: int | None = None, kind: str | None = None,
               building_id: int | None = None, staff_id: int | None = None) -> list[FacilityRow]:
    """The register, by community, building and name, each with its nearest inspection."""
    access.require("facilities.view", staff_id)
    query = (Facility.select(Facility, Community.name.alias("cname"), Building.code.alias("bcode"),
                             Staff.login.alias("login"))
             .join(Community, on=(Facility.community == Community.id))
             .switch(Facility).join(Building, join_type=JOIN.LEFT_OUTER, on=(Facility.building == Building.id))
             .switch(Facility).join(Staff, join_type=JOIN.LEFT_OUTER, on=(Facility.responsible == Staff.id))
             .where(Facility.active == True))  # noqa: E712
    if community_id is not None:
        query = query.where(Facility.community == community_id)
    if kind:
        query = query.where(Facility.kind == kind)
    if building_id is not None:
        query = query.where(Facility.building == building_id)
    rows = list(query.order_by(Community.name, Building.code, Facility.name, Facility.id).objects())
    nearest: dict[int, FacilityCheck] = {}
    if rows:
        for c in FacilityCheck.select().where(FacilityCheck.facility.in_([r.id for r in rows])):
            if c.facility_id not in nearest or c.next_due < nearest[c.facility_id].next_due:
                nearest[c.facility_id] = c
    out = []
    for r in rows:
        c = nearest.get(r.id)
        out.append(FacilityRow(r.id, r.kind, r.name, r.cname, r.bcode or "", r.place,
                               c.next_due if c else None, c.name if c else "", r.login or ""))
    return out


def due_checks(today: dt.date | None = None, *, within_days: int = REMIND_DAYS,
               community_id: int | None = None, staff_id: int | None = None) -> list[CheckDue]:
    """Periodic inspections due within `within_days` of `today`, or overdue, soonest first."""
    access.require("facilities.view", staff_id)
    today = today or clock_now().date()
    query = (FacilityCheck.select(FacilityCheck, Facility.name.alias("fname"), Facility.kind.alias("fkind"),
                                  Community.name.alias("cname"), Building.code.alias("bcode"))
             .join(Facility, on=(FacilityCheck.facility == Facility.id))
             .join(Community, on=(Facility.community == Community.id))
             .switch(Facility).join(Building, join_type=JOIN.LEFT_OUTER, on=(Facility.building == Building.id))
             .where(Facility.active == True,  # noqa: E712
                    FacilityCheck.next_due <= today + dt.timedelta(days=within_days)))
    if community_id is not None:
        query = query.where(Facility.community == community_id)
    return [CheckDue(c.id, c.facility_id, c.fname, c.fkind, c.cname, c.bcode or "", c.name, c.next_due,
                     c.next_due < today, (c.next_due - today).days)
            for c in query.order_by(FacilityCheck.next_due, FacilityCheck.id).objects()]


def overdue_checks(today: dt.date | None = None, staff_id: int | None = None) -> list[CheckDue]:
    """Legal inspections past their due date (the supervisor's home screen flags them)."""
    return [c for c in due_checks(today, within_days=0, staff_id=staff_id) if c.overdue]


def _supervisors() -> list[Staff]:
    return list(Staff.select().where(Staff.role == access.SUPERVISOR, Staff.active == True)  # noqa: E712
                .order_by(Staff.id))


def remind_due_checks(today: dt.date | None = None) -> list[CheckReminder]:
    """Tell the facility's responsible staff member (else every supervisor) of each periodic
    inspection due within REMIND_DAYS — once per due date (`reminded_for`). Idempotent."""
    today = today or clock_now().date()
    sent = []
    horizon = today + dt.timedelta(days=REMIND_DAYS)
    rows = list(FacilityCheck.select().where(
        FacilityCheck.next_due <= horizon,
        FacilityCheck.reminded_for.is_null() | (FacilityCheck.reminded_for != FacilityCheck.next_due)))
    for row in rows:
        with transaction():
            claimed = (FacilityCheck.update(reminded_for=row.next_due)
                       .where(FacilityCheck.id == row.id,
                              FacilityCheck.reminded_for.is_null()
                              | (FacilityCheck.reminded_for != row.next_due)).execute())
            if not claimed:
                continue  # another session sent it
            facility = Facility.get_by_id(row.facility_id)
            if not facility.active:
                continue
            who = Staff.get_or_none(Staff.id == facility.responsible_id, Staff.active == True)  # noqa: E712
            targets = [who] if who else _supervisors()
            title = (_("{facility}: {check} overdue since {due}") if row.next_due < today
                     else _("{facility}: {check} due on {due}")).format(
                facility=facility.name, check=row.name, due=f"{row.next_due:%Y-%m-%d}")
            for staff in targets:
                notifications.send(staff.id, "reminder", title, entity="facility", entity_id=facility.id,
                                   dedupe_key=f"facility-check:{row.id}:{row.next_due:%Y%m%d}:{staff.id}")
            sent.append(CheckReminder(row.id, facility.name, row.next_due, tuple(s.login for s in targets)))
    return sent


def history(facility_id: int, staff_id: int | None = None, limit: int = 200) -> list[HistoryEntry]:
    """The item's work orders, periodic inspections done and route answers, newest first."""
    access.require("facilities.view", staff_id)
    _facility_row(facility_id)
    out: list[HistoryEntry] = []
    for w in (WorkOrder.select(WorkOrder.number, WorkOrder.title, WorkOrder.created_at, WorkOrder.status)
              .where(WorkOrder.facility == facility_id).order_by(WorkOrder.created_at.desc()).limit(limit)):
        out.append(HistoryEntry(w.created_at, "order", w.title, None, w.number))
    for r in (FacilityCheckRecord.select(FacilityCheckRecord, FacilityCheck.name.alias("cname"))
              .join(FacilityCheck).where(FacilityCheck.facility == facility_id)
              .order_by(FacilityCheckRecord.done_on.desc()).limit(limit).objects()):
        text = f"{r.cname} {r.note}".strip()
        out.append(HistoryEntry(dt.datetime.combine(r.done_on, dt.time()), "check", text, bool(r.passed), ""))
    for a in (RunAnswer.select(RunAnswer, RouteItem.text.alias("itext"), InspectionRoute.name.alias("rname"),
                               WorkOrder.number.alias("wnumber"))
              .join(RouteItem, on=(RunAnswer.item == RouteItem.id))
              .join(InspectionRoute, on=(RouteItem.route == InspectionRoute.id))
              .switch(RunAnswer).join(WorkOrder, join_type=JOIN.LEFT_OUTER, on=(RunAnswer.work_order == WorkOrder.id))
              .switch(RunAnswer).join(InspectionRun, on=(RunAnswer.run == InspectionRun.id))
              .where(RouteItem.facility == facility_id)
              .order_by(RunAnswer.answered_at.desc()).limit(limit).objects()):
        text = a.itext if a.reading is None else f"{a.itext} {a.reading.normalize():f}"
        if a.note:
            text = f"{text} · {a.note}"
        out.append(HistoryEntry(a.answered_at, "inspection", text, bool(a.ok), a.rname))
    out.sort(key=lambda h: h.at, reverse=True)
    return out[:limit]


def building_id_for(community_id: int, code: str) -> int | None:
    """The id of the building `code` (as typed, "3" or "3号楼") of a community; None when
    `code` is empty; NotFoundError when there is no such building."""
    code = (code or "").strip().removesuffix("号楼").removesuffix("栋")
    if not code:
        return None
    row = Building.get_or_none(Building.community == community_id, Building.code == code)
    if row is None:
        raise NotFoundError(_("No building {code} in that community.").format(code=code))
    return row.id


def buildings_of(community_id: int | None = None) -> list[tuple[int, str]]:
    """(id, code) of the buildings that have facilities, for the screen's filter."""
    query = (Building.select(Building.id, Building.code).join(Facility, on=(Facility.building == Building.id))
             .distinct())
    if community_id is not None:
        query = query.where(Building.community == community_id)
    return sorted(((b.id, b.code) for b in query), key=lambda b: (len(b[1]), b[1]))
