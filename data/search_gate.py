"""What a number query may learn in owner search (issue 12): a short tail is an ordinary
search, a longer one is a reveal for roles that may reveal numbers, and whole phone or ID
numbers are counted per account in the audit trail and refused beyond
WHOLE_SEARCHES_PER_MINUTE."""

from __future__ import annotations

from data import access
from data.errors import ValidationError
from data.i18n import _
from data.validators import normalize_phone

#: Digits of a phone tail (characters of an ID tail) searched like any query; a longer
#: tail short of a whole number is a reveal.
FREE_TAIL = 4
#: Characters of a whole resident ID number.
ID_LENGTH = 18
#: Whole-number searches (a whole phone or ID number) one account may run a minute.
WHOLE_SEARCHES_PER_MINUTE = 30


def is_whole_phone(digits: str) -> bool:
    """Are these digits a whole mobile or landline number (not a tail of one)?"""
    try:
        normalize_phone(digits)
    except ValidationError:
        return False
    return True


class NumberGate:
    """What the acting account may learn from a number query, and its bookkeeping."""

    def __init__(self, staff_id: int | None) -> None:
        self.actor = access.actor_for(staff_id)
        self.may_see_ids = access.can("reveal.id", staff_id)
        self.may_reveal_phones = access.can("reveal.phone", staff_id)
        self.reveals = False  # a partial tail: record the hits as reveals

    @property
    def role_label(self) -> str:
        from data.vocab import STAFF_ROLES, label

        return label(STAFF_ROLES, self.actor.role) if self.actor else ""

    def check(self, typed: str, *, whole: bool, phone: bool, id_tail: bool,
              count: bool = True) -> str:
        """Empty when the query may run (a whole number is counted, unless not `count`: the
        same search again), else why not."""
        if self.actor is None:
            return ""
        if whole:
            return count_whole_search(self.actor.id) if count else ""
        if len(typed) <= FREE_TAIL:
            return ""
        if (phone and not self.may_reveal_phones) or (id_tail and not phone and not self.may_see_ids):
            return longer_tail_refusal(self.role_label)
        self.reveals = True
        return ""


def longer_tail_refusal(role_label: str) -> str:
    """Why a role that may not reveal numbers may not search by a longer tail of one."""
    return _(
        "As {role} you may search by the last {count} digits of a number or by the "
        "whole number, not by a longer part of it."
    ).format(role=role_label, count=FREE_TAIL)


def count_whole_search(staff_id: int) -> str:
    """Record a whole-number search by `staff_id` in the audit trail, or refuse it (and
    record the refusal) when the account ran WHOLE_SEARCHES_PER_MINUTE in the last minute.
    The count is in the database, so parallel processes share it."""
    import datetime as dt

    from data import audit, clock
    from data.db import transaction
    from data.models import AuditLog

    with transaction():
        since = clock.now() - dt.timedelta(minutes=1)
        done = (AuditLog.select().where((AuditLog.staff == staff_id) & (AuditLog.action == "search")
                                        & (AuditLog.at >= since)).count())
        if done >= WHOLE_SEARCHES_PER_MINUTE:
            audit.record("refused", "person", 0, "search", staff_id=staff_id)
            refused = True
        else:
            audit.record("search", "person", 0, "number", staff_id=staff_id)
            refused = False
    if refused:
        return _(
            "More than {count} searches by a whole phone or ID number in a minute: wait a "
            "minute. (This is recorded.)").format(count=WHOLE_SEARCHES_PER_MINUTE)
    return ""


def phone_match(field, digits: str, staff_id: int | None = None, *, count: bool = True,
                refuse: bool = True):
    """The condition of a register's or a lead's phone search by these `digits` on the
    phone column `field`, or None when they search no phone (fewer than FREE_TAIL). The
    last FREE_TAIL digits and a whole number (counted like an owner search's, unless not
    `count`: a second query of the same search) match for everyone; a longer tail only for
    roles that may reveal numbers. Otherwise ValidationError("query") — or None when not
    `refuse` (a typed text that is something else too, such as the room code 3-2-501)."""
    if len(digits) < FREE_TAIL:
        return None
    if len(digits) == FREE_TAIL:
        return field.endswith(digits)
    if is_whole_phone(digits):
        actor = access.actor_for(staff_id)
        if count and actor is not None:
            refused = count_whole_search(actor.id)
            if refused:
                raise ValidationError("query", refused)
        return field == normalize_phone(digits).number
    if access.can("reveal.phone", staff_id):
        return field.endswith(digits)
    if not refuse:
        return None
    raise ValidationError("query", longer_tail_refusal(NumberGate(staff_id).role_label))
