"""日程 (F4): the staff calendar — day, week, month and agenda views, the team view, open
tasks, holidays (休/班), quick-add, edit, cancel, delete and move an occurrence, and the
iCalendar export (issue 6, items 5, 7 and 8).

A host screen (`screen`); the views it paints (`views`); quick-add and what booking over a
conflict asks (`booking`); the edit and move forms (`editing`).
"""

from __future__ import annotations

from screens.calendar.booking import QUICK_ADD
from screens.calendar.editing import EVENT_EDIT, occurrence_context, occurrence_from
from screens.calendar.screen import CalendarScreen

__all__ = ["EVENT_EDIT", "QUICK_ADD", "CalendarScreen", "occurrence_context", "occurrence_from"]
