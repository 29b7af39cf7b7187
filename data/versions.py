"""Who changed a record while a form was open: for the conflict modal that shows, field by
field, what another session saved meanwhile (issue 8).

`Stamp` lives in the kernel (data.stamps, re-exported here) so the widgets can show it
without importing this module; the queries import the store when they run."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from data import access
from data.stamps import Stamp

__all__ = ["ROWS", "OrderStep", "Stamp", "changed_since", "order_steps"]

#: Audit rows read at most for one record (its newest changes are the ones that matter).
ROWS = 200


@dataclass(frozen=True)
class OrderStep:
    """One entry of a work order's history."""

    login: str
    at: dt.datetime
    action: str
    note: str


def changed_since(entity: str, entity_id: int, *, staff_id: int | None = None) -> dict[str, Stamp]:
    """Field name → the newest change of that field, and "" → the newest change of the
    record at all (its parts included, keyed by their table, e.g. "event_attendee").

    A field that differs from what a form was opened with was last changed by the change
    named here, so no "since" is needed. Names come from the audit trail when the acting
    role may read it (supervisors and above); otherwise only the time, where the record
    keeps one (a person's last update; a work order's history names who for everyone)."""
    from peewee import JOIN

    from data.models import AuditLog, Person, Staff

    if access.can("audit.read", staff_id):
        rows = (AuditLog.select(AuditLog.entity, AuditLog.field, AuditLog.at, Staff.login)
                .join(Staff, JOIN.LEFT_OUTER, on=(AuditLog.staff == Staff.id))
                .where(((AuditLog.entity == entity) & (AuditLog.entity_id == entity_id))
                       | ((AuditLog.parent_entity == entity) & (AuditLog.parent_id == entity_id)))
                .order_by(AuditLog.id.desc()).limit(ROWS).dicts())
        found: dict[str, Stamp] = {}
        for r in rows:
            stamp = Stamp(r["login"] or "", r["at"])
            found.setdefault(r["field"] if r["entity"] == entity else r["entity"], stamp)
            found.setdefault("", stamp)
        return found
    if entity == "person":
        at = Person.select(Person.updated_at).where(Person.id == entity_id).scalar()
        return {"": Stamp("", at)} if at else {}
    if entity == "work_order":
        steps = order_steps(entity_id, limit=1)
        return {"": Stamp(steps[0].login, steps[0].at)} if steps else {}
    return {}


def order_steps(order_id: int, *, limit: int = 20) -> list[OrderStep]:
    """A work order's newest history entries, newest first (the history is shown to everyone
    who may see the order, so it names who did what)."""
    from peewee import JOIN

    from data.models import Staff, WorkOrderHistory

    if limit <= 0:
        return []
    rows = (WorkOrderHistory.select(WorkOrderHistory, Staff.login)
            .join(Staff, JOIN.LEFT_OUTER, on=(WorkOrderHistory.staff == Staff.id))
            .where(WorkOrderHistory.work_order == order_id)
            .order_by(WorkOrderHistory.id.desc()).limit(limit).objects())
    return [OrderStep(getattr(r, "login", None) or "", r.at, r.action, r.note) for r in rows]
