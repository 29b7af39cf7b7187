"""A yes/no question as a modal: enter or y confirms, escape or n cancels (with
`enter_confirms=False`, only y confirms: a question that follows another box, where an
enter typed to close the box must not answer yes)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Label

from data.i18n import N_, _
from widgets.desk import DeskModal
from widgets.safe import plain


class ConfirmModal(DeskModal[bool]):
    """Ask `question`; dismisses with True (confirm) or False (cancel)."""

    DEFAULT_CSS = """
    ConfirmModal { align: center middle; }
    ConfirmModal > Vertical {
        width: 60; height: auto; border: thick $warning; background: $surface; padding: 1 2;
    }
    ConfirmModal Label { width: 100%; }  /* long questions wrap instead of being cut */
    ConfirmModal .hint { color: $text-muted; margin-top: 1; }
    """
    BINDINGS = [
        Binding("y", "confirm", N_("Yes")),
        Binding("enter", "enter", N_("Yes"), show=False),
        Binding("n,escape", "cancel", N_("No")),
    ]

    def __init__(self, question: str, *, enter_confirms: bool = True) -> None:
        super().__init__()
        self.question = question
        self.enter_confirms = enter_confirms

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(plain(self.question))  # it may quote stored names
            hint = _("y / enter: yes    n / esc: no") if self.enter_confirms else _("y: yes    n / esc: no")
            yield Label(hint, classes="hint", markup=False)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "enter" and not self.enter_confirms:
            return False  # only y says yes
        return True

    def action_enter(self) -> None:
        self.dismiss(True)

    def action_confirm(self) -> None:
        self.dismiss(True)

    def action_cancel(self) -> None:
        self.dismiss(False)
