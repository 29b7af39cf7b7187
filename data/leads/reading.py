"""Reading leads: one lead with its card (`get_lead`), a list a page at a time with my
follow-ups due first (`leads`), the counts per stage of the pipeline (`stage_counts`), the
known people a phone belongs to, the open leads that share a phone, and the vacant rooms and
parking spaces a lead may be interested in."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal

from peewee import JOIN, fn

from data.clock import now as clock_now
from data.errors import NotFoundError
from data.i18n import _
from data.leads.values import (
    LEAD_PAGE,
    OPEN_STAGES,
    KnownPerson,
    LeadContract,
    LeadFilter,
    LeadPage,
    LeadRow,
    LeadView,
    Place,
    TimelineRow,
)
from data.models import (
    Community,
    Contract,
    Lead,
    LeadEvent,
    LeadInterest,
    LeadPhone,
    Occupancy,
    ParkingSpace,
    Person,
    Phone,
    Room,
    Staff,
    WorkOrder,
)
from data.search_gate import phone_match

#: Timeline lines a lead's card shows at most (the newest).
TIMELINE_LIMIT = 200
#: Vacant rooms or spaces a picker offers at most.
PLACES_LIMIT = 200


def _decimal(value) -> Decimal | None:
    return None if value is None else Decimal(str(value)).quantize(Decimal("0.01"))


def _end_of_day(at: dt.datetime) -> dt.datetime:
    return dt.datetime.combine(at.date(), dt.time(23, 59, 59))


# --- people, duplicates, places -----------------------------------------------------------------


def known_people(numbers: Iterable[str]) -> list[KnownPerson]:
    """The known people (owners, tenants, family …) who have one of these normalised numbers,
    with their current rooms: what the desk is told about a new lead's phone."""
    wanted = [n for n in dict.fromkeys(numbers) if n]
    if not wanted:
        return []
    rows = list(Phone.select(Phone.person, Phone.number, Person.name)
                .join(Person).where(Phone.number.in_(wanted))
                .order_by(Phone.person).limit(20).objects())
    ids = list(dict.fromkeys(r.person_id for r in rows))
    rooms: dict[int, list[str]] = {}
    if ids:
        for occ in (Occupancy.select(Occupancy.person, Room.code, Community.name.alias("community_name"))
                    .join(Room).join(Community)
                    .where(Occupancy.person.in_(ids), Occupancy.end_date.is_null())
                    .order_by(Occupancy.id).objects()):
            rooms.setdefault(occ.person_id, []).append(f"{occ.community_name} {occ.code}")
    seen: dict[int, KnownPerson] = {}
    for r in rows:
        seen.setdefault(r.person_id, KnownPerson(r.person_id, r.name, r.number,
                                                 tuple(rooms.get(r.person_id, ()))))
    return list(seen.values())


def open_duplicates(numbers: Iterable[str], exclude_id: int | None = None) -> list[tuple[int, str, str, str]]:
    """(id, name, stage, owner's name) of the open leads that have one of these numbers."""
    wanted = [n for n in dict.fromkeys(numbers) if n]
    if not wanted:
        return []
    query = (Lead.select(Lead.id, Lead.name, Lead.stage, Staff.name.alias("owner_name"))
             .join(Staff, JOIN.LEFT_OUTER, on=(Lead.owner == Staff.id))
             .where(Lead.stage.in_(OPEN_STAGES),
                    Lead.id.in_(LeadPhone.select(LeadPhone.lead).where(LeadPhone.number.in_(wanted))))
             .order_by(Lead.id).limit(10))
    if exclude_id is not None:
        query = query.where(Lead.id != exclude_id)
    return [(r.id, r.name, r.stage, r.owner_name or "") for r in query.objects()]


def _room_place(r) -> Place:
    return Place("room", r.id, r.code, r.community_name, r.state, _decimal(r.area_m2))


def _space_place(s) -> Place:
    return Place("parking", s.id, s.code, s.community_name, "held" if s.holder_id else "vacant",
                 _decimal(s.area_m2))


def places_of(lead_id: int) -> list[Place]:
    """The rooms and parking spaces a lead is interested in, in the order they were added."""
    out: list[Place] = []
    for row in (LeadInterest.select().where(LeadInterest.lead == lead_id).order_by(LeadInterest.id)):
        if row.room_id is not None:
            room = (Room.select(Room.id, Room.code, Room.state, Room.area_m2,
                                Community.name.alias("community_name"))
                    .join(Community).where(Room.id == row.room_id).objects().first())
            if room is not None:
                out.append(_room_place(room))
        elif row.parking_space_id is not None:
            space = (ParkingSpace.select(ParkingSpace.id, ParkingSpace.code, ParkingSpace.holder,
                                         ParkingSpace.area_m2, Community.name.alias("community_name"))
                     .join(Community).where(ParkingSpace.id == row.parking_space_id).objects().first())
            if space is not None:
                out.append(_space_place(space))
    return out


def vacant_places(community_id: int, interest: str = "", *, text: str = "",
                  limit: int = PLACES_LIMIT) -> list[Place]:
    """What a lead of `interest` may be offered in a community: its parking spaces nobody
    holds (车位租售), else its vacant rooms (shops first for 商铺招商), by code; `text`
    keeps the codes that start with it."""
    limit = max(1, min(limit, PLACES_LIMIT))
    prefix = " ".join((text or "").split()).upper()
    if interest == "parking":
        query = (ParkingSpace.select(ParkingSpace.id, ParkingSpace.code, ParkingSpace.holder,
                                     ParkingSpace.area_m2, Community.name.alias("community_name"))
                 .join(Community)
                 .where(ParkingSpace.community == community_id, ParkingSpace.holder.is_null()))
        if prefix:
            query = query.where(ParkingSpace.code.startswith(prefix))
        return [_space_place(s) for s in query.order_by(ParkingSpace.code).limit(limit).objects()]
    query = (Room.select(Room.id, Room.code, Room.state, Room.area_m2, Room.room_type,
                         Community.name.alias("community_name"))
             .join(Community)
             .where(Room.community == community_id, Room.state == "vacant"))
    if prefix:
        query = query.where(Room.code.startswith(prefix))
    if interest == "shop":
        query = query.order_by((Room.room_type != "shop"), Room.code)
    else:
        query = query.order_by(Room.code)
    return [_room_place(r) for r in query.limit(limit).objects()]


# --- one lead -------------------------------------------------------------------------------------


def lead_row(lead_id: int) -> Lead:
    """The stored lead, or NotFoundError."""
    lead = Lead.get_or_none(Lead.id == lead_id)
    if lead is None:
        raise NotFoundError(_("No lead #{id}.").format(id=lead_id))
    return lead


def phones_of(lead_id: int) -> list[str]:
    return [p.number for p in LeadPhone.select(LeadPhone.number).where(LeadPhone.lead == lead_id)
            .order_by(LeadPhone.id)]


def timeline(lead_id: int, limit: int = TIMELINE_LIMIT) -> list[TimelineRow]:
    """A lead's timeline, oldest first (its newest `limit` lines)."""
    rows = list(LeadEvent.select(LeadEvent, Staff.name.alias("staff_name"))
                .join(Staff, JOIN.LEFT_OUTER, on=(LeadEvent.staff == Staff.id))
                .where(LeadEvent.lead == lead_id)
                .order_by(LeadEvent.at.desc(), LeadEvent.id.desc()).limit(limit).objects())
    return [TimelineRow(r.at, r.staff_name or "", r.kind, r.code, r.from_value, r.to_value, r.note)
            for r in reversed(rows)]


def _names(model, ids: Iterable[int | None], column) -> dict[int, str]:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    return {r.id: getattr(r, column.name) for r in model.select(model.id, column).where(model.id.in_(wanted))}


def get_lead(lead_id: int) -> LeadView:
    """A lead with its phones, places, the known people its phones belong to, and its timeline."""
    lead = lead_row(lead_id)
    staff = _names(Staff, (lead.owner_id, lead.created_by_id), Staff.name)
    people = _names(Person, (lead.referrer_id, lead.person_id), Person.name)
    community = _names(Community, (lead.community_id,), Community.name)
    order = _names(WorkOrder, (lead.work_order_id,), WorkOrder.number)
    phones = phones_of(lead_id)
    return LeadView(
        id=lead.id, name=lead.name, company=lead.company, phones=tuple(phones), source=lead.source,
        referrer_id=lead.referrer_id, referrer=people.get(lead.referrer_id, ""),
        interest=lead.interest, budget=_decimal(lead.budget), community_id=lead.community_id,
        community=community.get(lead.community_id, ""), stage=lead.stage,
        stage_since=lead.stage_since, lost_reason=lead.lost_reason, lost_note=lead.lost_note,
        owner_id=lead.owner_id, owner=staff.get(lead.owner_id, ""), assigned_by=lead.assigned_by,
        person_id=lead.person_id, person=people.get(lead.person_id, ""),
        next_followup=lead.next_followup, followup_event_id=lead.followup_event_id,
        call_id=lead.call_id, note=lead.note, converted_to=lead.converted_to,
        work_order_id=lead.work_order_id, work_order=order.get(lead.work_order_id, ""),
        converted_at=lead.converted_at, created_by=staff.get(lead.created_by_id, ""),
        created_at=lead.created_at, version=lead.version,
        places=tuple(places_of(lead_id)), known=tuple(known_people(phones)),
        timeline=tuple(timeline(lead_id)), contracts=tuple(contracts_of(lead_id)),
    )


def contracts_of(lead_id: int) -> list[LeadContract]:
    """The contract a lead was converted into and the proposals it was sent, oldest first:
    the numbers its timeline names (data.leads.deals), as the register has them now."""
    numbers = [e.to_value for e in LeadEvent.select(LeadEvent.to_value).where(
        LeadEvent.lead == lead_id,
        ((LeadEvent.kind == "convert") & (LeadEvent.code == "contract")) | (LeadEvent.kind == "proposal"))]
    if not numbers:
        return []
    return [LeadContract(c.id, c.number, c.kind, c.status, _decimal(c.amount) or Decimal("0"), c.file_name)
            for c in Contract.select(Contract.id, Contract.number, Contract.kind, Contract.status,
                                     Contract.amount, Contract.file_name)
            .where(Contract.number.in_(numbers)).order_by(Contract.id)]


# --- lists ----------------------------------------------------------------------------------------


def _text_filter(text: str, *, count: bool = True):
    """Leads whose name, company or note contains `text`, or a phone with these digits:
    its last 4 or the whole number (counted, unless not `count`), a longer tail only for
    roles that may reveal numbers (data.search_gate.phone_match)."""
    words = " ".join(text.replace("%", "").replace("_", "").split())
    if not words:
        return None
    condition = (Lead.name.contains(words) | Lead.company.contains(words) | Lead.note.contains(words))
    digits = "".join(ch for ch in words if ch.isdigit())
    if digits and len(digits) == len(words.replace(" ", "").replace("-", "")):
        phone = phone_match(LeadPhone.number, digits, count=count)
        if phone is not None:
            condition |= Lead.id.in_(LeadPhone.select(LeadPhone.lead).where(phone))
    return condition


def _filtered(flt: LeadFilter, *, with_stage: bool = True, at: dt.datetime | None = None,
              count: bool = False):
    """The WHERE condition of a filter (the stage left out when `with_stage` is False)."""
    condition = Lead.id.is_null(False)
    if with_stage and flt.stage == "open":
        condition &= Lead.stage.in_(OPEN_STAGES)
    elif with_stage and flt.stage:
        condition &= Lead.stage == flt.stage
    if flt.source:
        condition &= Lead.source == flt.source
    if flt.interest:
        condition &= Lead.interest == flt.interest
    if flt.owner_id is not None:
        condition &= Lead.owner == flt.owner_id
    if flt.community_id is not None:
        condition &= Lead.community == flt.community_id
    if flt.due_only:
        condition &= Lead.next_followup <= _end_of_day(at or clock_now())
    text = _text_filter(flt.text or "", count=count)
    if text is not None:
        condition &= text
    return condition


def _rows_query():
    first_phone = (LeadPhone.select(LeadPhone.number).where(LeadPhone.lead == Lead.id)
                   .order_by(LeadPhone.id).limit(1))
    return (Lead.select(Lead, Staff.name.alias("owner_name"), Community.name.alias("community_name"),
                        first_phone.alias("first_phone"))
            .join(Staff, JOIN.LEFT_OUTER, on=(Lead.owner == Staff.id))
            .switch(Lead)
            .join(Community, JOIN.LEFT_OUTER, on=(Lead.community == Community.id)))


def _row(r) -> LeadRow:
    return LeadRow(r.id, r.name, r.company, r.first_phone or "", r.source, r.interest, r.stage,
                   r.owner_id, r.owner_name or "", r.community_name or "", r.next_followup,
                   _decimal(r.budget), r.created_at, r.person_id)


def leads(flt: LeadFilter | None = None, me: int | None = None, *, after: tuple | None = None,
          limit: int = LEAD_PAGE, at: dt.datetime | None = None) -> LeadPage:
    """A page of leads: first my own whose follow-up is due by the end of today (earliest
    first), then all the others, newest first. Pass the page's `after` for the next page.
    Phone digits in the filter's text: see `_text_filter` (ValidationError when refused)."""
    flt = flt or LeadFilter()
    limit = max(1, min(limit, 500))
    at = at or clock_now()
    end = _end_of_day(at)
    base = _filtered(flt, at=at, count=after is None)  # a whole number counted once a search
    mine_due = (Lead.owner == me) & (Lead.next_followup <= end) if me is not None else None
    rows: list[LeadRow] = []
    part, key = (after or ("due", None, None))[0], after
    if part == "due" and mine_due is not None:
        query = _rows_query().where(base & mine_due)
        if key is not None and key[1] is not None:
            when, last = key[1], key[2]
            query = query.where((Lead.next_followup > when)
                                | ((Lead.next_followup == when) & (Lead.id > last)))
        rows += [_row(r) for r in query.order_by(Lead.next_followup, Lead.id).limit(limit + 1).objects()]
        if len(rows) > limit:
            rows = rows[:limit]
            return LeadPage(tuple(rows), ("due", rows[-1].next_followup, rows[-1].id))
        key = None
    rest = _rows_query().where(base)
    if mine_due is not None:
        rest = rest.where(~mine_due | Lead.next_followup.is_null() | Lead.owner.is_null())
    if part == "rest" and key is not None:
        rest = rest.where(Lead.id < key[1])
    more = [_row(r) for r in rest.order_by(Lead.id.desc()).limit(limit - len(rows) + 1).objects()]
    rows += more
    if len(rows) > limit:
        rows = rows[:limit]
        return LeadPage(tuple(rows), ("rest", rows[-1].id))
    return LeadPage(tuple(rows), None)


def stage_counts(flt: LeadFilter | None = None, at: dt.datetime | None = None) -> dict[str, int]:
    """How many leads the filter finds in each stage (the filter's own stage left out), and
    "open": all the open ones."""
    flt = flt or LeadFilter()
    counts = {code: n for code, n in
              Lead.select(Lead.stage, fn.COUNT(Lead.id)).where(_filtered(flt, with_stage=False, at=at))
              .group_by(Lead.stage).tuples()}
    counts["open"] = sum(counts.get(s, 0) for s in OPEN_STAGES)
    return counts


def due_count(staff_id: int, at: dt.datetime | None = None) -> int:
    """How many open leads of `staff_id` have a follow-up due by the end of today."""
    end = _end_of_day(at or clock_now())
    return (Lead.select().where(Lead.owner == staff_id, Lead.stage.in_(OPEN_STAGES),
                                Lead.next_followup <= end).count())
