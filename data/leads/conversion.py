"""A won lead, converted in one step: into a person with an occupancy as tenant of the room
they take (or the holder of the parking space), or into a work order for paid work. A lead
not yet marked won is won by its conversion; a lost or converted lead is not converted
(one converted into a contract only — data.leads.deals — may still become the tenant or
the parking space holder the contract is about)."""

from __future__ import annotations

import datetime as dt

from data import access
from data.clock import now as clock_now
from data.db import transaction
from data.errors import ValidationError
from data.i18n import _
from data.leads.pipeline import move_stage
from data.leads.reading import get_lead, lead_row, phones_of
from data.leads.timeline import event
from data.leads.values import CONVERTED_TO, LEAD_INTERESTS, LeadView, budget_text
from data.models import Lead, LeadInterest, Occupancy, ParkingSpace, Room

#: The work-order channel a lead's source suggests.
SOURCE_CHANNEL = {"phone": "phone", "visit": "visit", "online": "wechat"}


def _convertible(lead_id: int, staff_id: int) -> Lead:
    access.require("lead.manage", staff_id)
    lead = lead_row(lead_id)
    if lead.converted_to and lead.converted_to != "contract":  # a contract's lead may still move in
        raise ValidationError("lead", _("This lead was converted already ({what}).").format(
            what=_(CONVERTED_TO.get(lead.converted_to, lead.converted_to))))
    if lead.stage == "lost":
        raise ValidationError("lead", _("A lost lead is not converted; < reopens it first."))
    return lead


def _won(lead: Lead, staff_id: int) -> None:
    if lead.stage != "won":
        move_stage(lead, "won", staff_id)


def _person_for(lead: Lead) -> int:
    """The lead's person: the known person its phones matched, else one found by name and
    phone, else a new person with the lead's name and phones."""
    if lead.person_id is not None:
        return lead.person_id
    from data.people import PersonInput, find_or_create_person

    return find_or_create_person(PersonInput(name=lead.name, phones=phones_of(lead.id),
                                             note=_("From lead #{id}").format(id=lead.id)))


def _first_place(lead_id: int) -> tuple[int | None, int | None]:
    """The first room (else parking space) of interest that is still vacant."""
    for row in LeadInterest.select().where(LeadInterest.lead == lead_id).order_by(LeadInterest.id):
        if row.room_id is not None and Room.select().where(Room.id == row.room_id,
                                                           Room.state == "vacant").exists():
            return row.room_id, None
    for row in LeadInterest.select().where(LeadInterest.lead == lead_id).order_by(LeadInterest.id):
        if row.parking_space_id is not None and ParkingSpace.select().where(
                ParkingSpace.id == row.parking_space_id, ParkingSpace.holder.is_null()).exists():
            return None, row.parking_space_id
    return None, None


def convert_to_tenant(lead_id: int, staff_id: int, *, room_id: int | None = None,
                      space_id: int | None = None, start: dt.date | None = None) -> LeadView:
    """The lead becomes a tenant of the vacant room it takes (its first room of interest
    unless `room_id` names another), the room 出租 from `start`; or the holder of a free
    parking space (`space_id`, else its first). One transaction: a refusal saves nothing."""
    from data.vocab import ROOM_STATES, label

    with transaction():
        lead = _convertible(lead_id, staff_id)
        if room_id is None and space_id is None:
            room_id, space_id = _first_place(lead_id)
        if room_id is None and space_id is None:
            raise ValidationError("room", _(
                "Choose the room (or parking space) the lead takes: none of its rooms of interest is vacant."))
        person = _person_for(lead)
        if room_id is not None:
            room = Room.get_or_none(Room.id == room_id)
            if room is None:
                raise ValidationError("room", _("That room no longer exists."))
            if room.state != "vacant":
                raise ValidationError("room", _(
                    "Room {code} is {state}: only a vacant room is let.").format(
                    code=room.code, state=label(ROOM_STATES, room.state)))
            if lead.community_id is not None and room.community_id != lead.community_id:
                raise ValidationError("room", _("Room {code} is not in the lead's community.").format(
                    code=room.code))
            from data.people import move_in

            move_in(person, room_id, "tenant", start)
            Room.update(state="rented").where(Room.id == room_id).execute()
            what, target = "tenant", room.code
        else:
            space = ParkingSpace.get_or_none(ParkingSpace.id == space_id)
            if space is None:
                raise ValidationError("room", _("This parking space no longer exists."))
            if space.holder_id is not None:
                raise ValidationError("room", _(
                    "Parking space {code} is taken: only free spaces are offered to a lead.").format(
                    code=space.code))
            from data.property import set_parking_holder

            set_parking_holder(space.id, person)
            what, target = "parking", space.code
        _won(lead, staff_id)
        at = clock_now()
        Lead.update(person=person, converted_to=what, converted_at=at, updated_at=at,
                    version=Lead.version + 1).where(Lead.id == lead_id).execute()
        event(lead_id, staff_id, "convert", code=what, to_value=target)
    return get_lead(lead_id)


def _room_of(person_id: int | None) -> int | None:
    if person_id is None:
        return None
    return (Occupancy.select(Occupancy.room).where(Occupancy.person == person_id,
                                                    Occupancy.end_date.is_null())
            .order_by(Occupancy.id).limit(1).scalar())


def convert_to_work_order(lead_id: int, staff_id: int, *, title: str = "", room_id: int | None = None,
                          location: str = "", category_id: int | None = None,
                          description: str = "") -> LeadView:
    """The lead becomes a work order for paid work (家政保洁, 装修, 房屋托管 …): in the
    lead's community, on `room_id` (else the lead's person's room, else `location`), for
    the lead's person, with its first phone as the contact. One transaction."""
    from data.workorders import OrderInput, create_order

    with transaction():
        lead = _convertible(lead_id, staff_id)
        room = room_id if room_id is not None else _room_of(lead.person_id)
        community = lead.community_id
        if room is not None:
            community = Room.select(Room.community).where(Room.id == room).scalar() or community
        if community is None:
            raise ValidationError("community", _(
                "Give the lead's community first (e): a work order belongs to one."))
        if room is None and not (location or "").strip():
            raise ValidationError("location", _(
                "Give the room, or the place of the work (such as 2号楼大堂)."))
        interest = _(LEAD_INTERESTS.get(lead.interest, lead.interest))
        text = description.strip() or lead.note
        if lead.budget is not None:
            text = (text + "\n" if text else "") + _("Budget: {amount} yuan").format(
                amount=budget_text(lead.budget))
        phones = phones_of(lead_id)
        order = create_order(OrderInput(
            kind="repair", title=(title.strip() or _("Paid service: {what} ({name})").format(
                what=interest, name=lead.name))[:120],
            community_id=community, room_id=room, person_id=lead.person_id, category_id=category_id,
            channel=SOURCE_CHANNEL.get(lead.source, "phone"), description=text,
            location=location, contact_phone=phones[0] if phones else ""), staff_id)
        _won(lead, staff_id)
        at = clock_now()
        Lead.update(converted_to="work_order", work_order=order.id, converted_at=at, updated_at=at,
                    version=Lead.version + 1).where(Lead.id == lead_id).execute()
        event(lead_id, staff_id, "convert", code="work_order", to_value=order.number)
    return get_lead(lead_id)
