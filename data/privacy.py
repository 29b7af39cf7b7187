"""Privacy (issue 7): phones and ID numbers are shown masked (138****8000,
310***********123X) everywhere — screens, CLI output, exports. A permitted role may
reveal one record's numbers; every reveal is itself written to the audit trail.
Technicians never see ID numbers, not even masked.
"""

from __future__ import annotations

from dataclasses import dataclass

from data import access, audit
from data.db import transaction
from data.errors import NotFoundError
from data.i18n import _
from data.idnumbers import mask_id_number
from data.models import Call, Person, Phone, WorkOrder
from data.validators import mask_phone

__all__ = ["mask_phone", "mask_id_number", "shown_id_number", "Revealed", "reveal_person",
           "reveal_order_phone", "reveal_call_number", "record_reveals"]


def shown_id_number(id_number: str | None, staff_id: int | None = None) -> str | None:
    """An ID number as the acting role may see it by default: masked, or nothing at all
    for a role that may not see ID numbers (technicians)."""
    if not id_number or not access.can("reveal.id", staff_id):
        return None
    return mask_id_number(id_number)


@dataclass(frozen=True)
class Revealed:
    """One person's numbers in full: phone id → number, and the ID number when permitted."""

    phones: dict[int, str]
    id_number: str | None


def reveal_person(person_id: int, staff_id: int | None = None) -> Revealed:
    """A person's phones (and ID number, for roles that may see it) in full, recorded in
    the audit trail as a reveal by the acting staff member."""
    access.require("reveal.phone", staff_id)
    person = Person.get_or_none(Person.id == person_id)
    if person is None:
        raise NotFoundError(_("No owner #{id}.").format(id=person_id))
    phones = {p.id: p.number for p in Phone.select().where(Phone.person == person_id)}
    id_number = person.id_number if access.can("reveal.id", staff_id) else None
    with transaction():
        if phones:
            audit.record("reveal", "person", person_id, "phones", staff_id=staff_id)
        if id_number:
            audit.record("reveal", "person", person_id, "id_number", staff_id=staff_id)
    return Revealed(phones, id_number)


def _reveal_one(model, entity: str, field_name: str, record_id: int, missing: str,
                staff_id: int | None) -> str:
    access.require("reveal.phone", staff_id)
    row = model.get_or_none(model.id == record_id)
    if row is None:
        raise NotFoundError(missing.format(id=record_id))
    with transaction():
        audit.record("reveal", entity, record_id, field_name, staff_id=staff_id)
    return getattr(row, field_name)


def reveal_order_phone(order_id: int, staff_id: int | None = None) -> str:
    """A work order's contact phone in full (audited)."""
    return _reveal_one(WorkOrder, "work_order", "contact_phone", order_id,
                       _("No work order #{id}."), staff_id)


def reveal_call_number(call_id: int, staff_id: int | None = None) -> str:
    """A call's number in full (audited)."""
    return _reveal_one(Call, "call", "number", call_id, _("No call #{id}."), staff_id)


def record_reveals(entity: str, entity_ids: list[int], field_name: str,
                   staff_id: int | None = None) -> None:
    """A listing printed with full numbers (the CLI's --reveal): one check, then one audit
    row per record shown, in one transaction. `entity` is "person", "work_order" or "call"."""
    access.require("reveal.phone", staff_id)
    if not entity_ids:
        return
    with transaction():
        for entity_id in dict.fromkeys(entity_ids):
            audit.record("reveal", entity, entity_id, field_name, staff_id=staff_id)
