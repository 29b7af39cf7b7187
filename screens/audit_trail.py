"""`show_history`: the `H` of every screen — one record's audit trail in the history panel
(widgets.history), read from `data.audit` in a worker and turned into the rows it shows
(`history_row`), or the refusal for a role that may not read it (reading the trail is for
supervisors, managers and administrators)."""

from __future__ import annotations

from typing import Any

from textual.screen import Screen

from data import access, audit
from data.errors import FrontDeskError
from data.i18n import N_, _
from widgets.history import HistoryModal, HistoryRow

#: How each kind of audit row reads in the panel.
ACTIONS = {
    "create": N_("Added"),  # not "Created": that msgid is a column header (创建时间)
    "update": N_("Changed"),
    "delete": N_("Deleted"),
    "reveal": N_("Revealed"),
    "search": N_("Searched a whole number"),
    "refused": N_("Refused over the limit"),
    "lookup": N_("Looked up, masked"),
    "remind": N_("Reminder printed"),
}


def _stamp(value: Any) -> str:
    return value.strftime("%Y-%m-%d %H:%M") if hasattr(value, "strftime") else str(value)[:16]


def _value(value: str | None) -> str:
    return " ".join(value.split()) if value else "—"


def history_row(entry: audit.Entry, entity: str) -> HistoryRow:
    """One audit entry as the panel shows it. `entity` is the record's table name: a row of
    another table is a part of the record (a person's phone, an event's attendee) and says
    which."""
    where = entry.field
    if entry.entity != entity:
        where = f"{entry.entity}.{entry.field}" if entry.field else entry.entity
    action = _(ACTIONS[entry.action]) if entry.action in ACTIONS else entry.action
    return HistoryRow(_stamp(entry.at), entry.login, action, where, entry.change(_value))


def show_history(screen: Screen[Any], entity: str, entity_id: int, title: str) -> HistoryModal | None:
    """Open the history of one record (`entity` is its table name: person, work_order,
    event, call), or tell a role that may not read the audit trail why not. The panel opens
    at once; its rows follow when read."""
    staff = getattr(screen.app, "staff", None)
    staff_id = getattr(staff, "id", None)
    try:
        access.require("audit.read", staff_id)
    except FrontDeskError as exc:
        screen.notify(exc.message, severity="error", markup=False, timeout=8)
        return None
    panel = HistoryModal(title)
    screen.app.push_screen(panel)

    def read() -> None:
        # A thread worker posts to the panel (thread-safe); it never touches a widget.
        try:
            entries = audit.history(entity, entity_id, staff_id=staff_id)
        except FrontDeskError as exc:
            panel.post_message(HistoryModal.HistoryLoaded([], exc.message))
            return
        rows = [history_row(entry, entity) for entry in entries]
        panel.post_message(HistoryModal.HistoryLoaded(rows, more=len(entries) >= audit.PAGE))

    screen.run_worker(read, thread=True, exclusive=True, group="audit-trail", exit_on_error=False)
    return panel
