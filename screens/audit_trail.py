"""`show_history`: the `H` of every screen — one record's audit trail in the history panel
(widgets.history), read from `data.audit` in a worker, or the refusal for a role that may
not read it (reading the trail is for supervisors, managers and administrators)."""

from __future__ import annotations

from typing import Any

from textual.screen import Screen

from data import access, audit
from data.errors import FrontDeskError
from widgets.history import HistoryModal


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
    panel = HistoryModal(entity, title)
    screen.app.push_screen(panel)

    def read() -> None:
        # A thread worker posts to the panel (thread-safe); it never touches a widget.
        try:
            entries = audit.history(entity, entity_id, staff_id=staff_id)
        except FrontDeskError as exc:
            panel.post_message(HistoryModal.HistoryLoaded([], exc.message))
            return
        panel.post_message(HistoryModal.HistoryLoaded(entries, more=len(entries) >= audit.PAGE))

    screen.run_worker(read, thread=True, exclusive=True, group="audit-trail", exit_on_error=False)
    return panel
