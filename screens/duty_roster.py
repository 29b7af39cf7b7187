"""Today's duty roster in full (值班表), from the home screen's `D`: every shift with its
people, their role, hours and phone — the home screen's one line shows only what fits."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Label, Static

from data.duty import ShiftGroup
from data.i18n import N_, _
from widgets.desk import DeskModal
from widgets.safe import plain, safe_text


def roster_text(groups: list[ShiftGroup]) -> Text:
    """Each shift a bold line, then one line a person: name, role, hours, phone."""
    text = Text()
    if not groups:
        text.append(_("No duty on the roster today."), style="dim")
        return text
    for group in groups:
        text.append(group.label + "\n", style="bold")
        for row in group.rows:
            hours = f"{row.start:%H:%M}–{row.end:%H:%M}"
            text.append(f"  {row.name}")
            if row.on_call:
                text.append(_("(on call)"), style="yellow")
            text.append(f"  {row.role_label}  {hours}  ")
            text.append((row.phone or _("no phone")) + "\n", style="bold")
    return text


class DutyRosterModal(DeskModal[None]):
    """The day's roster, scrolled with the arrows; escape or enter closes it."""

    DEFAULT_CSS = """
    DutyRosterModal { align: center middle; }
    DutyRosterModal > Vertical {
        width: 70; max-width: 100%; height: auto; max-height: 100%;
        border: thick $primary; background: $surface; padding: 0 1;
    }
    DutyRosterModal #duty-title { text-style: bold; }
    DutyRosterModal VerticalScroll { height: auto; max-height: 18; }
    DutyRosterModal .hint { color: $text-muted; }
    """
    BINDINGS = [Binding("escape,enter", "close", N_("Close"))]

    def __init__(self, title: str, groups: list[ShiftGroup]) -> None:
        super().__init__()
        self.title_text = title
        self.groups = groups

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(plain(self.title_text), id="duty-title")
            with VerticalScroll(id="duty-body"):
                yield Static(safe_text(roster_text(self.groups)), id="duty-text")
            yield Label(_("↑↓ scroll · enter / esc: close"), classes="hint", markup=False)

    def on_mount(self) -> None:
        self.query_one("#duty-body").focus()

    def action_close(self) -> None:
        self.dismiss(None)


__all__ = ["DutyRosterModal", "roster_text"]
