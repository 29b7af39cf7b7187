"""Booking on the calendar: quick-add from one typed line, and what every change that can
double-book someone shares — a refused change shown with its conflicts, a reason asked
for, then made anyway ("Book anyway?", "Move anyway?", "Save anyway?")."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from textual.notifications import SeverityLevel

from data import calendar
from data.calendar import ConflictsFound, EventInput
from data.clock import now as clock_now
from data.dates import parse_quick_add
from data.errors import ValidationError
from data.i18n import _
from widgets.form import FormField, FormModal

DATETIME_FORMAT = "%Y-%m-%d %H:%M"
#: Draft key of the quick-add form (screens.drafts can reopen it).
QUICK_ADD = "calendar.quick_add"


class CalendarHost(Protocol):
    """What the booking and editing flows ask of the calendar screen they run on."""

    @property
    def app(self) -> Any: ...

    def notify(self, message: str, *, title: str = "", severity: SeverityLevel = "information",
               timeout: float | None = None, markup: bool = True) -> None: ...

    def go(self, day: dt.date, *, reload: bool = True) -> None:
        """Show `day`; without `reload`, a day inside the period shown only moves the cursor."""

    def load(self) -> Any:
        """Read the period shown again."""


def split_logins(text: str) -> list[str]:
    """Logins typed comma-separated (，、 too)."""
    return [p for p in text.replace("，", ",").replace("、", ",").split(",") if p.strip()]


def staff_ids(logins: list[str], field: str) -> list[tuple[int, str]]:
    """(id, login) for each login, in order; a ValidationError on `field` names the logins
    that are no one's."""
    return [(s.id, s.login) for s in calendar.staff_by_logins(logins, field)]


# --- conflicts -------------------------------------------------------------------------------------


@dataclass
class Clash:
    """A change refused for conflicts; `attempt(force, reason)` makes it."""

    message: str
    attempt: Callable[[bool, str], Any]


def and_then(callback: Callable[[Any], Any],
             then: Callable[[], Any] | None) -> Callable[[Any], Any]:
    """`callback(result)`, then `then()` when given."""
    if then is None:
        return callback

    def both(result: Any) -> None:
        callback(result)
        then()

    return both


def attempt(change: Callable[[bool, str], Any]) -> Any:
    """Make a change; when attendees are busy, return a Clash to ask about instead."""
    try:
        return change(False, "")
    except ConflictsFound as exc:
        return Clash(exc.message, change)


def anyway(screen: CalendarHost, title: str,
           done: Callable[[Any], None]) -> Callable[[Any], None]:
    """What to do with a form's result: `done(result)`; for a Clash, the conflict shown
    and a reason asked for, then the change made anyway and `done(result)`."""

    def after(result: Any) -> None:
        if result is None:
            return
        if not isinstance(result, Clash):
            done(result)
            return
        screen.notify(result.message, severity="warning", markup=False)
        screen.app.push_screen(
            FormModal(title, [FormField("reason", _("Reason"), help=result.message)],
                      lambda values: result.attempt(True, values["reason"])),
            after)

    return after


# --- quick-add -------------------------------------------------------------------------------------


class QuickAdd:
    """The quick-add form of a calendar screen: one line (明天 14:00-15:00 3-2-501 上门维修
    @tech1) read, echoed back, and booked."""

    def __init__(self, screen: CalendarHost) -> None:
        self.screen = screen

    def open(self, restore: dict[str, str] | None = None,
             on_close: Callable[[], Any] | None = None) -> FormModal:
        """The quick-add form; `restore` puts a draft's typed line back in it; `on_close()`
        runs once it is closed."""
        today = clock_now().date()
        staff_id = self.screen.app.staff.id

        def check(values: dict[str, str]) -> str | None:
            try:
                quick = parse_quick_add(values["line"], today)
            except ValidationError:
                return None  # save shows the error beside the field
            return _("Understood: {pieces}. F10 again books it.").format(
                pieces="; ".join(quick.understood))

        def save(values: dict[str, str]) -> Any:
            try:
                quick = parse_quick_add(values["line"], today)
            except ValidationError as exc:
                raise ValidationError("line", exc.message) from None
            data = self._event_input(quick)

            def book(force: bool, reason: str) -> EventInput:
                calendar.create_event(data, staff_id, force=force, reason=reason)
                return data

            return attempt(book)

        form = FormModal(_("Quick add"), [FormField(
            "line", _("Event"), placeholder="明天 14:00-15:00 3-2-501 上门维修 @tech1")],
            save, check=check, draft_key=QUICK_ADD)
        if restore is not None:
            form.restore(restore)
        self.screen.app.push_screen(
            form, and_then(anyway(self.screen, _("Book anyway?"), self._booked), on_close))
        return form

    def _event_input(self, quick) -> EventInput:
        me = self.screen.app.staff
        ids = [me.id]
        if quick.logins:
            ids = [sid for sid, _login in staff_ids(list(quick.logins), "line")]
        room_id = None
        if quick.room_code:
            room_id = calendar.room_for_code(quick.room_code, me.community_id)
        return EventInput(kind=quick.kind, title=quick.title, start=quick.start, end=quick.end,
                          attendee_ids=ids, room_id=room_id,
                          location=quick.room_code or "")

    def _booked(self, data: EventInput) -> None:
        self.screen.notify(_("Booked “{title}” {start}.").format(
            title=data.title, start=f"{data.start:{DATETIME_FORMAT}}"), markup=False)
        self.screen.go(data.start.date())
