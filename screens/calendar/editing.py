"""Changing what is booked: the edit form of an occurrence — this one, this and following,
or the whole series — saved only over the version it was opened at, and moving one
occurrence."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import asdict
from typing import Any

from data import calendar, versions
from data.calendar import Occurrence
from data.dates import parse_repeat, repeat_words
from data.errors import NotFoundError, ValidationError
from data.i18n import N_, _
from data.vocab import EVENT_KINDS, label
from screens.calendar.booking import (
    DATETIME_FORMAT,
    CalendarHost,
    and_then,
    anyway,
    attempt,
    split_logins,
    staff_ids,
)
from widgets.conflict import RecordState, VersionGuard
from widgets.form import FormField, FormModal

SCOPES = {"one": N_("This occurrence"), "following": N_("This and following"),
          "series": N_("The whole series")}
#: Draft key of the edit form (screens.drafts can reopen it).
EVENT_EDIT = "calendar.edit"
_OCCURRENCE_TIMES = ("start", "end", "recurrence_id", "due")


def occurrence_context(occ: Occurrence) -> dict[str, Any]:
    """An occurrence as JSON-ready values (a draft of its edit form keeps it)."""
    values = asdict(occ)
    for key in _OCCURRENCE_TIMES:
        if values[key] is not None:
            values[key] = values[key].isoformat()
    values["attendees"] = list(occ.attendees)
    return values


def occurrence_from(context: dict[str, Any]) -> Occurrence:
    """The occurrence `occurrence_context` described."""
    values = dict(context)
    for key in _OCCURRENCE_TIMES:
        if values.get(key):
            values[key] = dt.datetime.fromisoformat(values[key])
    values["attendees"] = tuple(values.get("attendees") or ())
    return Occurrence(**values)


def parse_when(text: str, field: str) -> dt.datetime:
    """A typed "YYYY-MM-DD HH:MM"; ValidationError on `field` otherwise."""
    try:
        return dt.datetime.strptime(" ".join(text.split()), DATETIME_FORMAT)
    except ValueError:
        raise ValidationError(field, _("Write it as YYYY-MM-DD HH:MM.")) from None


def original_start(occ: Occurrence) -> dt.datetime:
    """Where `occ` stands in its series: its original start (its start for a one-off)."""
    return occ.recurrence_id or occ.start


class EventEditor:
    """The edit and move forms of a calendar screen's occurrences."""

    def __init__(self, screen: CalendarHost) -> None:
        self.screen = screen

    def move(self, occ: Occurrence) -> None:
        """The move form of one occurrence: its new start and end."""

        def save(values: dict[str, str]) -> Any:
            start = parse_when(values["start"], "start")
            end = parse_when(values["end"], "end")

            def move(force: bool, reason: str) -> tuple[dt.datetime, dt.datetime]:
                calendar.move_occurrence(occ.event_id, original_start(occ), start, end,
                                         self.screen.app.staff.id, force=force, reason=reason)
                return start, end

            return attempt(move)

        def moved(times: tuple[dt.datetime, dt.datetime]) -> None:
            self.screen.notify(_("Moved “{title}” to {start}.").format(
                title=occ.title, start=f"{times[0]:{DATETIME_FORMAT}}"), markup=False)
            self.screen.go(times[0].date())

        self.screen.app.push_screen(FormModal(_("Move “{title}”").format(title=occ.title), [
            FormField("start", _("Start"), f"{occ.start:{DATETIME_FORMAT}}"),
            FormField("end", _("End"), f"{occ.end:{DATETIME_FORMAT}}"),
        ], save), anyway(self.screen, _("Move anyway?"), moved))

    def open(self, occ: Occurrence, *, restore: dict[str, str] | None = None,
             guard_state: dict[str, Any] | None = None,
             on_close: Callable[[], Any] | None = None) -> FormModal | None:
        """The edit form of one occurrence. Saving checks the version it was opened at: a
        change someone saved meanwhile is shown before anything is overwritten. `restore`
        and `guard_state` reopen it from a draft; `on_close()` runs once it is closed."""
        try:
            row = calendar.event_state(occ.event_id)
        except NotFoundError:
            self.screen.notify(_("“{title}” is gone: someone deleted it.").format(title=occ.title),
                               severity="warning", markup=False)
            self.screen.load()
            return None
        fields = [
            FormField("title", _("Title"), occ.title),
            FormField("kind", _("Kind"), occ.kind, kind="select",
                      options=[(label(EVENT_KINDS, k), k) for k in EVENT_KINDS]),
            FormField("start", _("Start"), f"{occ.start:{DATETIME_FORMAT}}"),
            FormField("end", _("End"), f"{occ.end:{DATETIME_FORMAT}}"),
            FormField("location", _("Location"), occ.location),
            FormField("attendees", _("With"), ", ".join(occ.attendees),
                      help=_("Logins, comma-separated")),
            FormField("repeat", _("Repeat"), repeat_words(row.rrule),
                      placeholder=_("none; 每天, 工作日, 每周三, 每月1号 or FREQ=…")),
            FormField("description", _("Description"), row.description or "", kind="text"),
        ]
        recurring = occ.series_id is not None or bool(occ.rrule)
        if recurring:
            fields.append(FormField("scope", _("Change"), "one", kind="select",
                                    options=[(_(text), key) for key, text in SCOPES.items()]))
        guard = self._event_guard(occ, row.version, fields)

        def save(values: dict[str, str]) -> Any:
            changes = self._changes(occ, guard.base, values)
            if not changes:
                return "unchanged"
            change = self._edit_call(occ, values.get("scope", "series"), changes, guard)
            return attempt(change)

        def saved(result: Any) -> None:
            if result == "unchanged":
                self.screen.notify(_("Nothing changed."), markup=False)
                return
            self.screen.notify(_("Saved “{title}”.").format(title=result), markup=False)
            self.screen.load()

        form = FormModal(_("Edit “{title}”").format(title=occ.title), fields, save, guard=guard,
                         draft_key=EVENT_EDIT, draft_context={"occurrence": occurrence_context(occ)})
        if restore is not None:
            form.restore(restore, guard_state)
        self.screen.app.push_screen(
            form, and_then(anyway(self.screen, _("Save anyway?"), saved), on_close))
        return form

    @staticmethod
    def _event_guard(occ: Occurrence, version: int, fields: list[FormField]) -> VersionGuard:
        """The occurrence's row (a series, a moved occurrence, a one-off event) as the form
        was opened; `current` reads it again in the form's terms."""

        def current(guard: VersionGuard) -> RecordState:
            now = calendar.event_state(occ.event_id)
            start, end = now.start, now.end
            if now.rrule:  # a series: this occurrence's day at the series' time now
                start = dt.datetime.combine(occ.start.date(), now.start.time())
                end = start + (now.end - now.start)
            values = {"title": now.title, "kind": now.kind, "start": f"{start:{DATETIME_FORMAT}}",
                      "end": f"{end:{DATETIME_FORMAT}}", "location": now.location,
                      "attendees": ", ".join(now.attendees), "repeat": repeat_words(now.rrule),
                      "description": now.description}
            stamps = versions.changed_since("event", occ.event_id)
            if "event_attendee" in stamps:
                stamps.setdefault("attendees", stamps["event_attendee"])
            return RecordState(values, now.version, stamps)

        base = {f.name: f.value for f in fields if f.name != "scope"}
        return VersionGuard(version, base, current)

    def _changes(self, occ: Occurrence, base: dict[str, str],
                 values: dict[str, str]) -> dict[str, Any]:
        """What the form changes against `base` (what it was opened with, or reloaded), as
        `calendar.edit_*` takes it; ValidationError on a field."""
        changes: dict[str, Any] = {}
        for name in ("title", "kind", "location", "description"):
            if values[name] != base[name]:
                changes[name] = values[name]
        if "title" in changes and not changes["title"].strip():
            raise ValidationError("title", _("An event needs a title."))
        start = parse_when(values["start"], "start")
        end = parse_when(values["end"], "end")
        if end <= start:
            raise ValidationError("end", _("The end must be after the start."))
        if start != parse_when(base["start"], "start") or end != parse_when(base["end"], "end"):
            changes["start"], changes["end"] = start, end
        if values.get("repeat", "").strip() != base.get("repeat", "").strip():
            rule = parse_repeat(values.get("repeat", ""))
            # An expert's raw rule is checked where it is stored (finer than hourly refused).
            if values.get("scope", "series") == "one" and (occ.series_id or occ.rrule):
                raise ValidationError("repeat", _(
                    "A repeat belongs to the series: change “This and following” or “The whole "
                    "series”."))
            changes["rrule"] = rule
        if values["attendees"] != base["attendees"]:
            logins = split_logins(values["attendees"])
            if not logins:
                raise ValidationError("attendees", _("Type at least one login."))
            people = staff_ids(logins, "attendees")
            before = sorted(p.strip().lstrip("@") for p in split_logins(base["attendees"]))
            if sorted(login for _sid, login in people) != before:
                changes["attendee_ids"] = [sid for sid, _login in people]
        return changes

    def _edit_call(self, occ: Occurrence, scope: str, changes: dict[str, Any],
                   guard: VersionGuard) -> Callable[[bool, str], str]:
        """The data-layer call for `scope` (one / following / series), as attempt(force,
        reason) returning the title saved; it saves only over the version in `guard`."""
        staff_id = self.screen.app.staff.id
        title = changes.get("title", occ.title).strip()
        original = original_start(occ)
        if occ.series_id is None and not occ.rrule:
            scope = "series"  # a one-off event: it is its own series
        if scope == "series" and "start" in changes and (occ.series_id or occ.rrule):
            # The form shows this occurrence's times: move the series' start by as much.
            series = calendar.event_state(occ.series_id or occ.event_id)
            start = series.start + (changes["start"] - parse_when(guard.base["start"], "start"))
            changes = {**changes, "start": start, "end": start + (changes["end"] - changes["start"])}

        def call(force: bool, reason: str) -> str:
            try:
                if scope == "one":
                    calendar.edit_occurrence(occ.event_id, original, changes, staff_id,
                                             force=force, reason=reason,
                                             expected_version=guard.version)
                else:
                    # The row the form read (a moved occurrence's own row is checked, and
                    # its series changed).
                    calendar.edit_series(occ.event_id, changes, staff_id,
                                         from_start=original if scope == "following" else None,
                                         force=force, reason=reason,
                                         expected_version=guard.version)
            except ValidationError as exc:
                if exc.field == "attendee_ids":
                    raise ValidationError("attendees", exc.message) from None
                if exc.field == "rrule":
                    raise ValidationError("repeat", exc.message) from None
                raise
            return title

        return call
