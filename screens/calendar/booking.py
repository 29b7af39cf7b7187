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
from data.dates import parse_quick_add, repeat_words
from data.errors import ValidationError
from data.i18n import _
from data.rooms_lookup import RoomCandidate, resolve_room
from widgets.confirm import ConfirmModal
from widgets.form import FormField, FormModal
from widgets.picker import PickerModal, PickRow

DATETIME_FORMAT = "%Y-%m-%d %H:%M"
#: Draft key of the quick-add form (screens.drafts can reopen it).
QUICK_ADD = "calendar.quick_add"


class FlowHost(Protocol):
    """What the conflict flow (`anyway`) asks of the screen it runs on (a calendar or a
    work order)."""

    @property
    def app(self) -> Any: ...

    def notify(self, message: str, *, title: str = "", severity: SeverityLevel = "information",
               timeout: float | None = None, markup: bool = True) -> None: ...


class CalendarHost(FlowHost, Protocol):
    """What the booking and editing flows ask of the calendar screen they run on."""

    def go(self, day: dt.date, *, reload: bool = True) -> None:
        """Show `day`; without `reload`, a day inside the period shown only moves the cursor."""

    def load(self) -> Any:
        """Read the period shown again."""

    #: The day under the cursor: quick-add's day when the line names none.
    day: dt.date
    #: Whose calendars are shown: (id, login).
    staff: list[tuple[int, str]]


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


@dataclass
class WhichRoom:
    """A room code found in several communities: `go_on(room)` books with the one picked."""

    code: str
    candidates: tuple[RoomCandidate, ...]
    go_on: Callable[[RoomCandidate], Any]


def room_picker(question: WhichRoom) -> PickerModal:
    """Which community's room: enter takes the highlighted one (the user's own first)."""
    return PickerModal(
        _("{code} is in several communities: which one?").format(code=question.code),
        [(_("Community"), 24), (_("Room"), 16)],
        [PickRow((c.community, c.code), c) for c in question.candidates])


def anyway(screen: FlowHost, title: str,
           done: Callable[[Any], None]) -> Callable[[Any], None]:
    """What to do with a form's result: `done(result)`; for a Clash, the conflict shown
    and a reason asked for, then the change made anyway and `done(result)`; for a
    WhichRoom, the communities offered first."""

    def after(result: Any) -> None:
        if result is None:
            return
        if isinstance(result, WhichRoom):
            def picked(room: RoomCandidate | None) -> None:
                if room is None:
                    return
                try:
                    after(result.go_on(room))
                except ValidationError as exc:
                    screen.notify(exc.message, severity="error", markup=False)
            screen.app.push_screen(room_picker(result), picked)
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
        default_day = getattr(self.screen, "day", None) or today
        staff_id = self.screen.app.staff.id

        def check(values: dict[str, str]) -> str | None:
            try:
                quick = parse_quick_add(values["line"], today, default_day=default_day)
            except ValidationError:
                return None  # save shows the error beside the field
            return _("Understood: {pieces}. F10 again books it.").format(
                pieces="; ".join(quick.understood))

        def save(values: dict[str, str]) -> Any:
            try:
                quick = parse_quick_add(values["line"], today, default_day=default_day)
            except ValidationError as exc:
                raise ValidationError("line", exc.message) from None
            people = self._people(quick)

            def booker(room: RoomCandidate | None) -> Callable[[bool, str], Booked]:
                data = self._event_input(quick, people, room)

                def book(force: bool, reason: str) -> Booked:
                    calendar.create_event(data, staff_id, force=force, reason=reason)
                    return Booked(data, people)

                return book

            rooms = self._rooms(quick)
            if len(rooms) > 1:
                return WhichRoom(quick.room_code or "", rooms,
                                 lambda room: attempt(booker(room)))
            return attempt(booker(rooms[0] if rooms else None))

        form = FormModal(_("Quick add"), [FormField(
            "line", _("Event"), placeholder="明天 14:00-15:00 3-2-501 上门维修 @tech1",
            help=_("A repeat: 每周三, 每周一三五, 每天, 工作日, 每两周, 每月1号"))],
            save, check=check, draft_key=QUICK_ADD)
        if restore is not None:
            form.restore(restore)
        self.screen.app.push_screen(
            form, and_then(anyway(self.screen, _("Book anyway?"), self._booked), on_close))
        return form

    def _people(self, quick) -> list[calendar.StaffRef]:
        me = self.screen.app.staff
        if quick.logins:
            return calendar.staff_by_logins(list(quick.logins), "line")
        return [calendar.StaffRef(me.id, me.login, getattr(me, "name", "") or "")]

    def _rooms(self, quick) -> tuple[RoomCandidate, ...]:
        """The rooms the line's code may be, the user's community first."""
        if not quick.room_code:
            return ()
        try:
            rooms = resolve_room(quick.room_code).rooms
        except (ValidationError, LookupError):
            return ()
        mine = self.screen.app.staff.community_id
        return tuple(sorted(rooms, key=lambda r: r.community_id != mine))

    def _event_input(self, quick, people: list[calendar.StaffRef],
                     room: RoomCandidate | None) -> EventInput:
        location = quick.room_code or ""
        return EventInput(kind=quick.kind, title=quick.title, start=quick.start, end=quick.end,
                          attendee_ids=[p.id for p in people],
                          room_id=room.id if room is not None else None,
                          location=location, rrule=quick.rrule)

    def _booked(self, booked: Booked) -> None:
        data = booked.data
        assert data.start is not None  # a booked event has its start
        day = data.start.date()
        self.screen.go(day)
        shown = {sid for sid, _login in self.screen.staff}
        start = when_booked(data)
        if any(p.id in shown for p in booked.people):
            self.screen.notify(_("Booked “{title}” {start}.").format(
                title=data.title, start=start), markup=False)
            return
        names = "、".join(p.name or p.login for p in booked.people)
        where = _("Booked “{title}” {start} in the calendar of {names}.").format(
            title=data.title, start=start, names=names)

        def switch(ok: bool | None) -> None:
            if ok:
                self.screen.staff = [(p.id, p.login) for p in booked.people]
                self.screen.go(day)

        self.screen.app.push_screen(ConfirmModal(
            where + "\n" + _("Show the calendar of {names}?").format(names=names)), switch)


def when_booked(data: EventInput) -> str:
    """When a booked event is, for its confirmation: the start, or for a series the repeat
    too (每周三 09:00 from 2026-12-09), so the clerk sees it repeats."""
    assert data.start is not None
    if not data.rrule:
        return f"{data.start:{DATETIME_FORMAT}}"
    return _("{repeat} {time} from {day}").format(
        repeat=repeat_words(data.rrule), time=f"{data.start:%H:%M}", day=f"{data.start:%Y-%m-%d}")


@dataclass(frozen=True)
class Booked:
    """A quick-add booked: what, and for whom."""

    data: EventInput
    people: list[calendar.StaffRef]
