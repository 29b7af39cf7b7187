"""Saving over someone else's change: the version a form was opened at (`VersionGuard`),
the record as it is now (`RecordState`), and the modal that lists, field by field, what
the other person changed meanwhile and offers reload or overwrite (`ConflictModal`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Label

from data.clock import now as clock_now
from data.i18n import N_, _
from data.stamps import Stamp
from widgets.confirm import ConfirmModal
from widgets.desk import DeskModal
from widgets.safe import plain


@dataclass(frozen=True)
class RecordState:
    """A record as it is now, in a form's terms. The screen that owns the form reads it
    (widgets never query); `values` maps field names to the text a form field would hold."""

    values: dict[str, str]
    version: int
    stamps: dict[str, Stamp] = field(default_factory=dict)  # field (or "") → who, when
    notes: tuple[str, ...] = ()  # more lines: e.g. a work order's history written meanwhile


@dataclass
class VersionGuard:
    """What a form edits: the record's `version` and field values (`base`) when the form was
    opened, and how to read the record now (`current(guard)`). A save passes
    `guard.version` as its expected version; reload and overwrite move the guard on.

    `labels` names record fields the form does not show (a work order's status beside a
    reason form); `show(name, value)` turns a stored value into what the user reads."""

    version: int
    base: dict[str, str]
    current: Callable[[VersionGuard], RecordState]
    labels: dict[str, str] = field(default_factory=dict)
    show: Callable[[str, str], str] | None = None

    def move_to(self, state: RecordState) -> None:
        """From now on the form edits the record as `state` has it."""
        self.version = state.version
        self.base = dict(state.values)

    def snapshot(self) -> dict[str, Any]:
        """What a draft keeps of the guard (JSON): the form's base, not today's record."""
        return {"version": self.version, "base": self.base}

    def restore(self, saved: dict[str, Any]) -> None:
        """Back to the base a draft kept, so its save still sees what changed since."""
        if isinstance(saved.get("version"), int):
            self.version = saved["version"]
        if isinstance(saved.get("base"), dict):
            self.base = {str(k): str(v) for k, v in saved["base"].items()}


@dataclass(frozen=True)
class FieldChange:
    """One field the other person changed: from what the form was opened with to now."""

    name: str
    label: str
    before: str
    after: str
    stamp: Stamp | None = None


def quoted(value: str) -> str:
    """A value in a change line: quoted, on one line; "(empty)" for nothing."""
    if not value.strip():
        return _("(empty)")
    return "'" + " ⏎ ".join(value.splitlines()) + "'"


def stamp_text(stamp: Stamp | None, today: dt.date | None = None) -> str:
    """"by desk2 at 10:02", "at 10:02" or "" (who is told only to roles that may know)."""
    if stamp is None or (not stamp.login and stamp.at is None):
        return ""
    today = today or clock_now().date()
    at = ""
    if stamp.at is not None:
        at = f"{stamp.at:%H:%M}" if stamp.at.date() == today else f"{stamp.at:%m-%d %H:%M}"
    if stamp.login and at:
        return _("by {login} at {time}").format(login=stamp.login, time=at)
    if stamp.login:
        return _("by {login}").format(login=stamp.login)
    return _("at {time}").format(time=at)


def change_line(change: FieldChange) -> str:
    """'Note: '怕吵' → '怕吵，下午在家' (by desk2 at 10:02)'."""
    line = f"{change.label}: {quoted(change.before)} → {quoted(change.after)}"
    when = stamp_text(change.stamp)
    return f"{line} ({when})" if when else line


class ConflictModal(DeskModal[str | None]):
    """What changed meanwhile; dismisses with "reload", "overwrite" (after a confirmation)
    or None (escape: back to the form, nothing changed)."""

    DEFAULT_CSS = """
    ConflictModal { align: center middle; }
    ConflictModal > Vertical {
        width: 76; max-width: 100%; height: auto; max-height: 100%;
        border: thick $warning; background: $surface; padding: 0 1;
    }
    ConflictModal #conflict-title { text-style: bold; padding: 0 0 1 0; width: 100%; }
    ConflictModal VerticalScroll { height: auto; max-height: 14; }
    ConflictModal .conflict-line { width: 100%; }
    ConflictModal .conflict-note { width: 100%; color: $text-muted; }
    ConflictModal #conflict-keys { color: $text-muted; padding: 1 0 0 0; width: 100%; }
    """
    BINDINGS = [
        Binding("r", "reload", N_("Reload")),
        Binding("o", "overwrite", N_("Overwrite")),
        Binding("escape", "back", N_("Back to the form")),
    ]

    def __init__(self, changes: list[FieldChange], notes: tuple[str, ...] = (),
                 who: str = "") -> None:
        super().__init__()
        self.changes = changes
        self.notes = notes
        self.who = who

    def compose(self) -> ComposeResult:
        with Vertical():
            title = _("Someone else saved this meanwhile ({who}). What they changed:").format(
                who=self.who) if self.who else _("Someone else saved this meanwhile. What they changed:")
            yield Label(plain(title), id="conflict-title")
            with VerticalScroll():
                for change in self.changes:
                    yield Label(plain(change_line(change)), classes="conflict-line")
                if not self.changes:
                    yield Label(_("No field of this form changed."), classes="conflict-line",
                                markup=False)
                for note in self.notes:
                    yield Label(plain(note), classes="conflict-note")
            yield Label(_("r reload their values (what only you changed stays) · "
                          "o overwrite with yours · esc back to the form"),
                        id="conflict-keys", markup=False)

    def action_reload(self) -> None:
        self.dismiss("reload")

    def action_overwrite(self) -> None:
        names = "、".join(c.label for c in self.changes)
        question = (_("Overwrite their change of {fields} with what you typed?").format(fields=names)
                    if names else _("Save what you typed over their change?"))

        async def overwrite(ok: bool | None) -> None:
            if ok:
                await self.dismiss("overwrite")

        self.app.push_screen(ConfirmModal(question), overwrite)

    def action_back(self) -> None:
        self.dismiss(None)
