"""Whose calendar: a staff member found by name, pinyin initials or login (李建国, ljg,
tech1), the list filtered as one types; several, comma-separated, for the team view."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Input, Label

from data import calendar
from data.errors import ValidationError
from data.i18n import N_, _
from widgets.bindings import translate_bindings
from widgets.safe import plain

_SEPARATORS = (",", "，", "、")


class StaffPickerModal(ModalScreen[list[tuple[int, str]] | None]):
    """Type a name, initials or login; enter takes the highlighted person (down/up move
    in the list), or everyone named when the text is comma-separated; escape cancels."""

    DEFAULT_CSS = """
    StaffPickerModal { align: center middle; }
    StaffPickerModal > Vertical {
        width: 60; max-width: 100%; height: auto; max-height: 100%;
        border: thick $primary; background: $surface; padding: 0 1;
    }
    StaffPickerModal #staff-title { text-style: bold; }
    StaffPickerModal DataTable { height: auto; max-height: 10; }
    StaffPickerModal #staff-error { color: $error; height: auto; }
    StaffPickerModal #staff-hint { color: $text-muted; }
    """
    BINDINGS = [
        Binding("escape", "cancel", N_("Cancel"), id="staff_picker.cancel"),
        Binding("down", "cursor_down", N_("Down"), show=False, priority=True,
                id="staff_picker.down"),
        Binding("up", "cursor_up", N_("Up"), show=False, priority=True, id="staff_picker.up"),
    ]

    def __init__(self, current: str = "") -> None:
        super().__init__()
        translate_bindings(self)
        self.current = current
        self.found: list[calendar.StaffRef] = []

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(_("Whose calendar"), id="staff-title", markup=False)
            yield Input(placeholder=_("李建国, ljg or tech1; several: comma-separated"),
                        id="staff-filter")
            yield DataTable(id="staff-table", cursor_type="row", zebra_stripes=True)
            yield Label("", id="staff-error", markup=False)
            yield Label(_("enter: take the highlighted one · ↓↑: move · esc: cancel"),
                        id="staff-hint", markup=False)

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_column(_("Name"), width=16)
        table.add_column(_("Login"), width=16)
        self._fill("")
        self.query_one(Input).focus()

    def _fill(self, text: str) -> None:
        last = next((p for p in _split(text)[-1:]), "") if _is_list(text) else text
        self.found = calendar.find_staff(last)
        table = self.query_one(DataTable)
        table.clear()
        for ref in self.found:
            table.add_row(plain(ref.name), plain(ref.login))
        if self.found:
            table.move_cursor(row=0, animate=False)

    def on_input_changed(self, event: Input.Changed) -> None:
        self.query_one("#staff-error", Label).update("")
        self._fill(event.value)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_accept()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_accept()

    def action_accept(self) -> None:
        text = self.query_one(Input).value
        error = self.query_one("#staff-error", Label)
        try:
            if _is_list(text):
                people = [calendar.one_staff(part, "staff") for part in _split(text)]
                picked = list(dict.fromkeys((p.id, p.login) for p in people))
            elif self.found:
                row = min(max(self.query_one(DataTable).cursor_row, 0), len(self.found) - 1)
                picked = [(self.found[row].id, self.found[row].login)]
            else:
                raise ValidationError("staff", _("No staff member {logins}.").format(
                    logins=text.strip()[:40]))
        except ValidationError as exc:
            error.update(exc.message)
            return
        self.dismiss(picked)

    def action_cancel(self) -> None:
        self.dismiss(None)

    def action_cursor_down(self) -> None:
        self.query_one(DataTable).action_cursor_down()

    def action_cursor_up(self) -> None:
        self.query_one(DataTable).action_cursor_up()


def _is_list(text: str) -> bool:
    return any(sep in text for sep in _SEPARATORS)


def _split(text: str) -> list[str]:
    for sep in _SEPARATORS[1:]:
        text = text.replace(sep, ",")
    return [p.strip() for p in text.split(",") if p.strip()]
