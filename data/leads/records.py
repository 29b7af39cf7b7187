"""Adding and editing leads: the contact (name, company, phones validated and normalised,
matched against known people), the source (业主推荐 naming the referring owner), the
interest and budget, the vacant rooms or parking spaces of interest, the owner by rule or
by hand — with a warning when an open lead already has the phone."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from data import access
from data.clock import now as clock_now
from data.db import transaction
from data.errors import ConflictError, NotFoundError, ValidationError
from data.i18n import _
from data.leads import followup
from data.leads.assignment import check_owner, choose_owner
from data.leads.reading import get_lead, known_people, lead_row, open_duplicates, phones_of
from data.leads.timeline import event, tell_owner
from data.leads.values import (
    INTEREST_WORDS,
    LEAD_INTERESTS,
    LEAD_SOURCES,
    MAX_PHONES,
    MAX_PLACES,
    SOURCE_WORDS,
    DuplicateLead,
    KnownPerson,
    LeadInput,
    LeadView,
    code_of,
    parse_budget,
)
from data.models import Community, Lead, LeadInterest, LeadPhone, ParkingSpace, Room
from data.validators import clean_text, normalize_phone

_SPLIT = re.compile(r"[,，、;；/\s]+")


# --- checking what was typed ---------------------------------------------------------------------


def clean_phones(raw: list[str]) -> list[str]:
    """The lead's phones normalised (data.validators), once each; at least one."""
    numbers: list[str] = []
    for entry in raw:
        for part in re.split(r"[,，、;；/]+", entry or ""):
            if not part.strip():
                continue
            try:
                numbers.append(normalize_phone(part).number)
            except ValidationError as exc:
                raise ValidationError("phones", f"{part.strip()[:30]}: {exc.message}") from None
    numbers = list(dict.fromkeys(numbers))
    if not numbers:
        raise ValidationError("phones", _("Give at least one phone number of the lead."))
    if len(numbers) > MAX_PHONES:
        raise ValidationError("phones", _("At most {limit} phone numbers.").format(limit=MAX_PHONES))
    return numbers


def phone_matches(raw: str, staff_id: int | None = None) -> list[KnownPerson]:
    """The known people (with their rooms) whose phones are among those typed for a new
    lead; none while what is typed is not yet a phone number."""
    access.require("lead.manage", staff_id)
    try:
        numbers = clean_phones([raw])
    except ValidationError:
        return []
    return known_people(numbers)


def _chosen_person(data: LeadInput, known: list[KnownPerson]) -> int | None:
    """The person a new lead is linked to: the one the clerk chose among those its phones
    match, else (`link_known`) the only one they match."""
    if data.person_id is not None:
        if data.person_id not in {k.id for k in known}:
            raise ValidationError("person", _(
                "The lead's phones are not that person's: link it to someone they match, or to nobody."))
        return data.person_id
    if not data.link_known:
        return None
    return known[0].id if len(known) == 1 else None


def _referrer(data: LeadInput, source: str) -> int | None:
    from data.property.values import person_ref

    person = person_ref(data.referrer, "referrer")
    if source == "owner" and person is None:
        raise ValidationError("referrer", _(
            "An owner referral names the owner who referred the lead: their phone number, name or #id."))
    return person


def _community(community_id: int | None) -> int | None:
    if community_id is None:
        return None
    if not Community.select().where(Community.id == community_id).exists():
        raise ValidationError("community", _("No community with id {id}.").format(id=community_id))
    return community_id


def parse_places(community_id: int | None, text: str) -> tuple[list[int], list[int]]:
    """The rooms and parking spaces typed as codes ("3-2-501, B2-034") in a community."""
    from data.property import find_parking_space, find_room

    rooms: list[int] = []
    spaces: list[int] = []
    for part in _SPLIT.split(text or ""):
        if not part:
            continue
        if community_id is None:
            raise ValidationError("places", _(
                "Choose the community first: rooms and parking spaces are looked up in it."))
        try:
            rooms.append(find_room(community_id, part))
            continue
        except (ValidationError, NotFoundError):
            pass
        try:
            spaces.append(find_parking_space(community_id, part).id)
            continue
        except (ValidationError, NotFoundError):
            pass
        raise ValidationError("places", _("No room or parking space “{code}” in this community.").format(
            code=part[:20]))
    return rooms, spaces


def _check_places(community_id: int | None, rooms: list[int], spaces: list[int],
                  keep_rooms: set[int], keep_spaces: set[int]) -> tuple[list[int], list[int]]:
    """The places, once each: a new one must be in the lead's community and vacant (a room
    空置, a parking space nobody holds); those the lead had already stay as they are."""
    rooms, spaces = list(dict.fromkeys(rooms)), list(dict.fromkeys(spaces))
    if len(rooms) + len(spaces) > MAX_PLACES:
        raise ValidationError("places", _("At most {limit} rooms and parking spaces.").format(limit=MAX_PLACES))
    if (rooms or spaces) and community_id is None:
        raise ValidationError("places", _(
            "Choose the community first: rooms and parking spaces are looked up in it."))
    from data.vocab import ROOM_STATES, label

    for room_id in rooms:
        if room_id in keep_rooms:
            continue
        room = Room.get_or_none(Room.id == room_id)
        if room is None:
            raise ValidationError("places", _("That room no longer exists."))
        if room.community_id != community_id:
            raise ValidationError("places", _("Room {code} is not in the lead's community.").format(code=room.code))
        if room.state != "vacant":
            raise ValidationError("places", _(
                "Room {code} is {state}: only vacant rooms are offered to a lead.").format(
                code=room.code, state=label(ROOM_STATES, room.state)))
    for space_id in spaces:
        if space_id in keep_spaces:
            continue
        space = ParkingSpace.get_or_none(ParkingSpace.id == space_id)
        if space is None:
            raise ValidationError("places", _("This parking space no longer exists."))
        if space.community_id != community_id:
            raise ValidationError("places", _(
                "Parking space {code} is not in the lead's community.").format(code=space.code))
        if space.holder_id is not None:
            raise ValidationError("places", _(
                "Parking space {code} is taken: only free spaces are offered to a lead.").format(code=space.code))
    return rooms, spaces


def _write_places(lead_id: int, rooms: list[int], spaces: list[int]) -> None:
    stored = list(LeadInterest.select().where(LeadInterest.lead == lead_id))
    for row in stored:
        if (row.room_id is not None and row.room_id not in rooms) or (
                row.parking_space_id is not None and row.parking_space_id not in spaces):
            row.delete_instance()
    have_rooms = {r.room_id for r in stored if r.room_id in rooms}
    have_spaces = {r.parking_space_id for r in stored if r.parking_space_id in spaces}
    for room_id in rooms:
        if room_id not in have_rooms:
            LeadInterest.create(lead=lead_id, room=room_id)
    for space_id in spaces:
        if space_id not in have_spaces:
            LeadInterest.create(lead=lead_id, parking_space=space_id)


def _write_phones(lead_id: int, numbers: list[str]) -> None:
    LeadPhone.delete().where(LeadPhone.lead == lead_id, LeadPhone.number.not_in(numbers)).execute()
    have = set(phones_of(lead_id))
    for number in numbers:
        if number not in have:
            LeadPhone.create(lead=lead_id, number=number)


def _values(data: LeadInput) -> dict:
    """The lead's own columns from what was typed, checked (ValidationError names the field)."""
    name = clean_text(data.name, "name", max_length=60)
    if not name:
        raise ValidationError("name", _("Give the lead's name (a person or a company)."))
    source = code_of(data.source, LEAD_SOURCES, SOURCE_WORDS, "source")
    return {
        "name": name,
        "company": clean_text(data.company or "", "company", max_length=100),
        "source": source,
        "referrer": _referrer(data, source),
        "interest": code_of(data.interest, LEAD_INTERESTS, INTEREST_WORDS, "interest"),
        "budget": parse_budget(data.budget, "budget"),
        "community": _community(data.community_id),
        "note": clean_text(data.note or "", "note", multiline=True, max_length=2000),
    }


def reveal_phones(lead_ids: list[int], staff_id: int | None = None) -> dict[int, tuple[str, ...]]:
    """The leads' phones in full, each reveal recorded in the audit trail (as the owner card's
    `r` is): lists and cards show them masked until then."""
    from data import audit

    access.require("reveal.phone", staff_id)
    wanted = list(dict.fromkeys(lead_ids))
    if not wanted:
        return {}
    found: dict[int, list[str]] = {i: [] for i in wanted}
    for row in LeadPhone.select().where(LeadPhone.lead.in_(wanted)).order_by(LeadPhone.id):
        found[row.lead_id].append(row.number)
    with transaction():
        for lead_id in wanted:
            audit.record("reveal", "lead", lead_id, "phones", staff_id=staff_id)
    return {i: tuple(numbers) for i, numbers in found.items()}


# --- adding ---------------------------------------------------------------------------------------


def check_duplicates(phones: list[str], exclude_id: int | None = None) -> list[tuple[int, str, str, str]]:
    """The open leads that have one of these phones (as typed; bad numbers are skipped)."""
    numbers = []
    for entry in phones:
        for part in re.split(r"[,，、;；/]+", entry or ""):
            try:
                numbers.append(normalize_phone(part).number)
            except ValidationError:
                continue
    return open_duplicates(numbers, exclude_id)


def create_lead(data: LeadInput, staff_id: int, *, force: bool = False, call=None,
                callback_of: int | None = None) -> LeadView:
    """Add a lead, assigned by hand (`owner_id`) or by rule, with its first timeline line.

    Raises DuplicateLead when an open lead already has one of the phones, unless `force`.
    With `call` (a data.calls.CallInput: the call being taken) the call is logged too and
    the lead linked to it, in the same transaction. The phones are matched against known
    people: one person found becomes the lead's person."""
    access.require("lead.manage", staff_id)
    values = _values(data)
    numbers = clean_phones(data.phones)
    extra_rooms, extra_spaces = parse_places(values["community"], data.places)
    rooms, spaces = _check_places(values["community"], [*data.room_ids, *extra_rooms],
                                  [*data.space_ids, *extra_spaces], set(), set())
    if data.owner_id is not None:
        check_owner(data.owner_id)
    if data.next_followup is not None:
        followup.check_when(data.next_followup)
    with transaction():
        duplicates = open_duplicates(numbers)
        if duplicates and not force:
            raise DuplicateLead(duplicates)
        call_id = data.call_id
        if call is not None:
            from data.calls import log_call_answering

            call_id = log_call_answering(call, staff_id, callback_of).id
        person = _chosen_person(data, known_people(numbers))
        if data.owner_id is not None:
            owner, how = data.owner_id, "hand"
        else:
            owner, how = choose_owner(values["interest"], values["community"], staff_id)
        at = clock_now()
        lead = Lead.create(**values, stage="new", stage_since=at, owner=owner, assigned_by=how,
                           person=person, call=call_id, created_by=staff_id, created_at=at,
                           updated_at=at)
        _write_phones(lead.id, numbers)
        _write_places(lead.id, rooms, spaces)
        # from_value: the open leads with the same phone it was added despite.
        event(lead.id, staff_id, "create", code=values["source"], to_value="new",
              from_value=" ".join(f"#{d[0]}" for d in duplicates))
        if owner is not None:
            from data.models import Staff

            login = Staff.select(Staff.login).where(Staff.id == owner).scalar() or ""
            event(lead.id, staff_id, "assign", code=how, to_value=login)
        tell_owner(lead.id, owner, staff_id, values["name"], values["interest"])
        if data.next_followup is not None:
            followup.set_followup(lead.id, data.next_followup, staff_id)
    return get_lead(lead.id)


def create_lead_from_call(data: LeadInput, call, staff_id: int, *, callback_of: int | None = None,
                          force: bool = False) -> LeadView:
    """The call being taken becomes a lead (source 来电): the call is logged and the lead
    linked to it, both or neither."""
    return create_lead(replace(data, call_id=None), staff_id, force=force, call=call,
                       callback_of=callback_of)


# --- editing --------------------------------------------------------------------------------------




def update_lead(lead_id: int, data: LeadInput, staff_id: int, *, expected_version: int | None = None,
                force: bool = False) -> LeadView:
    """Save a lead's contact, source, interest, budget, community, places and note (the owner,
    the stage and the follow-up have their own steps). A phone that another open lead has
    raises DuplicateLead unless `force`; new places must be vacant."""
    access.require("lead.manage", staff_id)
    values = _values(data)
    numbers = clean_phones(data.phones)
    with transaction():
        lead = lead_row(lead_id)
        if expected_version is not None and lead.version != expected_version:
            raise ConflictError(_("Someone else changed this lead meanwhile; reload to see their change."),
                                lead.version)
        stored = list(LeadInterest.select().where(LeadInterest.lead == lead_id))
        keep_rooms = {r.room_id for r in stored if r.room_id is not None}
        keep_spaces = {r.parking_space_id for r in stored if r.parking_space_id is not None}
        extra_rooms, extra_spaces = parse_places(values["community"], data.places)
        rooms, spaces = _check_places(values["community"], [*data.room_ids, *extra_rooms],
                                      [*data.space_ids, *extra_spaces], keep_rooms, keep_spaces)
        old_numbers = phones_of(lead_id)
        new_numbers = [n for n in numbers if n not in old_numbers]
        duplicates = open_duplicates(new_numbers, exclude_id=lead_id)
        if duplicates and not force:
            raise DuplicateLead(duplicates)
        changed = [key for key, value in values.items()
                   if getattr(lead, f"{key}_id" if key in ("referrer", "community") else key) != value]
        if set(old_numbers) != set(numbers):
            changed.append("phones")
        if set(rooms) != keep_rooms or set(spaces) != keep_spaces:
            changed.append("places")
        rows = Lead.update(**values, updated_at=clock_now(), version=Lead.version + 1).where(
            Lead.id == lead_id, Lead.version == lead.version).execute()
        if rows != 1:
            raise ConflictError(_("Someone else changed this lead meanwhile; reload to see their change."))
        _write_phones(lead_id, numbers)
        _write_places(lead_id, rooms, spaces)
        if "phones" in changed and lead.person_id is None:
            known = known_people(numbers)
            if len(known) == 1:
                Lead.update(person=known[0].id).where(Lead.id == lead_id).execute()
        if changed:
            event(lead_id, staff_id, "edit", note=",".join(changed))
    return get_lead(lead_id)


def add_places(lead_id: int, staff_id: int, *, room_ids: Sequence[int] = (),
               space_ids: Sequence[int] = ()) -> LeadView:
    """Add rooms or parking spaces (picked from the vacant ones) to a lead's interests."""
    access.require("lead.manage", staff_id)
    with transaction():
        lead = lead_row(lead_id)
        stored = list(LeadInterest.select().where(LeadInterest.lead == lead_id))
        keep_rooms = [r.room_id for r in stored if r.room_id is not None]
        keep_spaces = [r.parking_space_id for r in stored if r.parking_space_id is not None]
        rooms, spaces = _check_places(lead.community_id, [*keep_rooms, *room_ids],
                                      [*keep_spaces, *space_ids], set(keep_rooms), set(keep_spaces))
        if rooms == keep_rooms and spaces == keep_spaces:
            return get_lead(lead_id)
        _write_places(lead_id, rooms, spaces)
        Lead.update(updated_at=clock_now(), version=Lead.version + 1).where(Lead.id == lead_id).execute()
        event(lead_id, staff_id, "edit", note="places")
    return get_lead(lead_id)
