"""The forms of the owner and room cards: person, phone, vehicle, tags, note, move-in, sale."""

from __future__ import annotations

from data import cards, people, versions
from data.cards import OwnerCard, PhoneLine, VehicleLine
from data.clock import today as clock_today
from data.errors import NotFoundError, ValidationError
from data.i18n import _
from data.idnumbers import mask_id_number
from data.people import PersonInput
from data.rooms import PARKING
from data.rooms_lookup import RoomCandidate
from data.validators import parse_date
from data.vocab import OCCUPANCY_ROLES, label
from screens.room_question import RoomAsker
from widgets.conflict import RecordState, VersionGuard
from widgets.form import FormField, FormModal

#: Draft keys of the forms screens.drafts can reopen.
PERSON_EDIT = "person.edit"
PERSON_NOTE = "person.note"


def _gender_options() -> list[tuple[str, str]]:
    return [(_("Male"), "M"), (_("Female"), "F")]


def _role_options() -> list[tuple[str, str]]:
    return [(label(OCCUPANCY_ROLES, code), code) for code in OCCUPANCY_ROLES]


def _person_input(values: dict[str, str]) -> PersonInput:
    """What a person form holds, as the data layer takes it (the phone field is optional)."""
    return PersonInput(
        name=values.get("name", ""), gender=values.get("gender", ""),
        id_number=values.get("id_number", ""), note=values.get("note", ""),
        phones=[values["phone"]] if values.get("phone") else [],
    )


def _duplicate_warning(values: dict[str, str], exclude_id: int | None = None) -> str | None:
    found = people.find_duplicates(_person_input(values), exclude_id=exclude_id)
    if not found:
        return None
    reasons = {"id_number": _("same ID number"), "name_phone": _("same name and phone")}
    listed = "、".join(f"{d.name} (#{d.person_id}, {reasons[d.reason]})" for d in found)
    return _("Possible duplicate: {people}. Press F10 again to save anyway, or esc.").format(people=listed)


def person_form(card: OwnerCard | None = None) -> FormModal:
    """New person (with a first phone) or edit of an existing one; dismisses with the id."""
    fields = [
        FormField("name", _("Name"), card.name if card else ""),
        FormField("gender", _("Gender"), card.gender if card else "", kind="select",
                  options=_gender_options()),
        FormField("id_number", _("ID number"), (card.id_number or "") if card else "",
                  placeholder=_("18 characters, optional")),
    ]
    if card is None:
        fields.append(FormField("phone", _("Mobile"), placeholder="138 0013 8000"))
    fields.append(FormField("note", _("Note"), card.note if card else "", kind="text"))

    guard = _person_guard(card, fields) if card is not None else None

    def save(values: dict[str, str]) -> int:
        data = _person_input(values)
        if card is None:
            return people.create_person(data)
        assert guard is not None  # an edit has its guard
        people.update_person(card.id, data, expected_version=guard.version)
        return card.id

    title = _("Edit {name}").format(name=card.name) if card else _("New person")
    return FormModal(title, fields, save,
                     check=lambda v: _duplicate_warning(v, card.id if card else None),
                     guard=guard, draft_key=PERSON_EDIT if card else None,
                     draft_context={"person_id": card.id} if card else None)


def _person_values(card: OwnerCard, id_shown: str) -> dict[str, str]:
    return {"name": card.name, "gender": card.gender, "id_number": id_shown, "note": card.note}


def _person_guard(card: OwnerCard, fields: list[FormField]) -> VersionGuard:
    """The person as the edit form was opened; `current` reads them again, with who changed
    what meanwhile when the acting role may read the audit trail."""

    def current(guard: VersionGuard) -> RecordState:
        now = cards.owner_card(card.id)
        shown = now.id_number or ""
        opened = guard.base.get("id_number", "")
        if opened and shown and mask_id_number(opened) == shown:
            shown = opened  # the same number, shown in full when the form was opened
        return RecordState(_person_values(now, shown), now.version,
                           versions.changed_since("person", card.id))

    opened = {f.name: f.value for f in fields}
    return VersionGuard(card.version, {k: opened.get(k, "") for k in ("name", "gender", "id_number", "note")},
                        current)


def phone_form(person_id: int, phone: PhoneLine | None = None) -> FormModal:
    fields = [
        FormField("phone", _("Number"), phone.number if phone else "",
                  placeholder="138 0013 8000 / 021-12345678-801"),
        FormField("label", _("Label"), phone.label if phone else "", placeholder=_("self, family, work…")),
    ]

    def save(values: dict[str, str]) -> int:
        if phone is None:
            return people.add_phone(person_id, values["phone"], values["label"])
        people.update_phone(phone.id, values["phone"], values["label"])
        return phone.id

    return FormModal(_("Edit phone") if phone else _("Add phone"), fields, save)


def vehicle_form(person_id: int, vehicle: VehicleLine | None = None) -> FormModal:
    fields = [
        FormField("plate", _("Plate"), vehicle.plate if vehicle else "", placeholder="沪A·12345"),
        FormField("description", _("Vehicle"), vehicle.description if vehicle else "",
                  placeholder=_("colour, make")),
        FormField("parking_space", _("Parking"), vehicle.parking_space if vehicle else ""),
    ]

    def save(values: dict[str, str]) -> int:
        if vehicle is None:
            return people.add_vehicle(person_id, values["plate"], values["description"], values["parking_space"])
        people.update_vehicle(vehicle.id, values["plate"], values["description"], values["parking_space"])
        return vehicle.id

    return FormModal(_("Edit vehicle") if vehicle else _("Add vehicle"), fields, save)


def tags_form(card: OwnerCard) -> FormModal:
    fields = [FormField("tags", _("Tags"), "、".join(card.tags),
                        help=_("Separate tags with 、 , or ; — e.g. 业委会委员、独居老人"))]

    def save(values: dict[str, str]) -> list[str]:
        raw = values["tags"]
        for sep in ("，", ",", ";", "；", " "):
            raw = raw.replace(sep, "、")
        return people.set_tags(card.id, raw.split("、"))

    return FormModal(_("Tags of {name}").format(name=card.name), fields, save)


def note_form(person_id: int, staff_id: int) -> FormModal:
    fields = [FormField("note", _("Note"), kind="text")]
    return FormModal(_("Add a note"), fields,
                     lambda values: people.add_note(person_id, staff_id, values["note"]),
                     draft_key=PERSON_NOTE, draft_context={"person_id": person_id})


def move_in_form(person_id: int, default_community: str = "") -> FormModal:
    """Tie a person to a room (creating the room if the code is new to the community), or
    make them the holder of a parking space when the code names one. A code found in several
    communities, or both a room and a parking space (``B2-034``), is asked about."""
    fields = [
        FormField("community", _("Community"), default_community,
                  placeholder=_("needed when the room code is in several communities")),
        FormField("room", _("Room"), placeholder="3-2-501"),
        FormField("role", _("Role"), "owner", kind="select", options=_role_options()),
        FormField("start", _("Since"), clock_today().isoformat()),
    ]
    asker = RoomAsker()

    def save(values: dict[str, str]) -> int:
        candidate = _room_candidate(values["room"], values["community"], asker)
        if candidate is not None and candidate.kind == PARKING:
            from data.property import set_parking_holder

            return set_parking_holder(candidate.id, person_id)
        start = parse_date(values["start"], "start")
        if candidate is not None:
            room_id = candidate.id
        else:  # a room new to the community: created there
            parsed = _parsed(values["room"])
            named = values["community"].strip() or parsed.community or ""
            if not named:
                raise ValidationError("community", _(
                    "{code} is not a room yet: say which community to add it to.").format(code=parsed.code))
            try:
                community = people.community_by_name(named)
            except NotFoundError as exc:  # shown under the field
                raise ValidationError("community", exc.message) from exc
            room_id = people.ensure_room(community.id, parsed)
        return people.move_in(person_id, room_id, values["role"], start)

    form = FormModal(_("Move into a room"), fields, save)
    asker.form = form
    return form


def _room_candidate(text: str, community_text: str, asker: RoomAsker) -> RoomCandidate | None:
    """The room or parking space the form names (picked, or the only one found), None when
    the code names nothing yet; asks when it could be several."""
    from data.rooms_lookup import resolve_room

    picked = asker.chosen(text, community_text)
    if picked is not None:
        return picked
    community_id = None
    if community_text.strip():
        try:
            community_id = people.community_by_name(community_text).id
        except NotFoundError as exc:
            raise ValidationError("community", exc.message) from exc
    try:
        match = resolve_room(_parsed(text), community_id)
    except (ValidationError, NotFoundError) as exc:
        raise ValidationError("room", exc.message) from exc
    if len(match.candidates) > 1:
        asker.ask(text, match)
    if match.candidates:
        return match.candidates[0]
    if match.parsed.kind == PARKING:
        raise ValidationError("room", _("There is no parking space {code}.").format(code=match.parsed.code))
    return None


def _parsed(text: str):
    from data.rooms import parse_room

    try:
        return parse_room(text)
    except ValidationError as exc:
        raise ValidationError("room", exc.message) from exc


def contacts_form(person_id: int, name: str) -> FormModal:
    """An owner's chosen contact person (联系人, e.g. the son of an elderly owner), called first
    by callbacks, call lists and notices, and their emergency contact."""
    from data.property import person_contacts, set_person_contacts, shown_person

    contact, emergency = person_contacts(person_id)
    hint = _("a name, a phone number or #id; empty: none")
    fields = [
        FormField("contact", _("Contact person"), shown_person(contact), help=hint),
        FormField("emergency", _("Emergency"), shown_person(emergency), help=hint),
    ]

    def save(values: dict[str, str]) -> int:
        set_person_contacts(person_id, values["contact"], values["emergency"])
        return person_id

    return FormModal(_("Contacts of {name}").format(name=name), fields, save)


def new_resident_form(room_id: int, room_code: str) -> FormModal:
    """A new person who lives in (or owns) this room, with a first phone."""
    fields = [
        FormField("name", _("Name")),
        FormField("role", _("Role"), "owner", kind="select", options=_role_options()),
        FormField("phone", _("Mobile"), placeholder="138 0013 8000"),
        FormField("id_number", _("ID number"), placeholder=_("18 characters, optional")),
        FormField("start", _("Since"), clock_today().isoformat()),
    ]

    def save(values: dict[str, str]) -> int:
        start = parse_date(values["start"], "start")
        return people.add_resident(room_id, _person_input(values), values["role"] or "owner", start)

    return FormModal(_("New resident of {room}").format(room=room_code), fields, save,
                     check=_existing_note)


def _existing_note(values: dict[str, str]) -> str | None:
    found = people.find_duplicates(_person_input(values))
    if not found:
        return None
    return _("{name} (#{id}) is already known: F10 again links that person to the room instead of "
             "creating a new one.").format(name=found[0].name, id=found[0].person_id)


def change_owner_form(room_id: int, room_code: str) -> FormModal:
    """A sale: the current owners move out, the new owner moves in (found or created)."""
    fields = [
        FormField("name", _("New owner")),
        FormField("phone", _("Mobile"), placeholder="138 0013 8000"),
        FormField("id_number", _("ID number"), placeholder=_("18 characters, optional")),
        FormField("start", _("Date"), clock_today().isoformat()),
    ]

    def save(values: dict[str, str]) -> int:
        return people.sell_room(room_id, _person_input(values), parse_date(values["start"], "start"))

    return FormModal(_("Change of owner of {room}").format(room=room_code), fields, save,
                     check=_existing_note)
