"""A generic modal form: labelled fields, save through a callback, errors beside the field.

A screen describes the fields (`FormField`), passes a `save` callable that does the real
work through `data/` and returns the value to dismiss with; a `ValidationError` raised
by it is shown under the field it names and nothing typed is lost.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Select, TextArea

from data.errors import FrontDeskError, ValidationError
from data.i18n import N_, _
from data.validators import show_controls
from widgets.bindings import translate_bindings
from widgets.confirm import ConfirmModal
from widgets.safe import plain


@dataclass
class FormField:
    """One field of a form. `kind` is "input", "select" or "text" (several lines)."""

    name: str
    label: str  # already translated
    value: str = ""
    kind: str = "input"
    options: list[tuple[str, str]] = field(default_factory=list)  # (label, value) for select
    placeholder: str = ""
    help: str = ""


class FormModal(ModalScreen[Any]):
    """Fill in fields; F10, ctrl+s or enter on the last line saves; escape cancels."""

    DEFAULT_CSS = """
    FormModal { align: center middle; }
    FormModal > Vertical {
        width: 76; max-width: 100%; height: auto; max-height: 100%;
        border: thick $primary; background: $surface; padding: 0 1;
    }
    FormModal #form-title { text-style: bold; padding: 0 0 1 0; }
    FormModal VerticalScroll { height: auto; max-height: 16; }
    FormModal .form-row { height: auto; }
    FormModal .form-label { width: 14; padding: 1 1 0 0; text-align: right; }
    FormModal .form-field { width: 1fr; }
    FormModal TextArea { height: 5; }
    FormModal .form-error { color: $error; padding: 0 0 0 14; height: auto; width: 100%; }
    FormModal .form-help { color: $text-muted; padding: 0 0 0 14; height: auto; width: 100%; }
    FormModal #form-message { color: $warning; height: auto; width: 100%; }
    FormModal #form-keys { color: $text-muted; }
    """
    BINDINGS = [
        Binding("f10", "save", N_("Save")),
        Binding("ctrl+s", "save", N_("Save"), show=False),
        Binding("escape", "cancel", N_("Cancel")),
    ]

    def __init__(
        self,
        title: str,
        fields: list[FormField],
        save: Callable[[dict[str, str]], Any],
        *,
        check: Callable[[dict[str, str]], str | None] | None = None,
    ) -> None:
        """`check` may return a warning (e.g. a possible duplicate): shown once, and a
        second save goes ahead anyway."""
        super().__init__()
        translate_bindings(self)
        self.form_title = title
        # A stored value with control characters (legacy data) is shown, and saved if left
        # as it is, with them as visible pictures (␛), so the clerk can see and delete them.
        self.fields = [replace(f, value=show_controls(f.value)) if isinstance(f.value, str) else f
                       for f in fields]
        self.save_callback = save
        self.check_callback = check
        self._warned_for: dict[str, str] | None = None
        self._initial = {f.name: f.value for f in self.fields}

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(plain(self.form_title), id="form-title")
            with VerticalScroll():
                for f in self.fields:
                    with Horizontal(classes="form-row"):
                        yield Label(f.label, classes="form-label", markup=False)
                        yield self._widget(f)
                    if f.help:
                        yield Label(f.help, classes="form-help", markup=False)
                    yield Label("", id=f"error-{f.name}", classes="form-error", markup=False)
            yield Label("", id="form-message", markup=False)
            yield Label(_("F10 save · enter next field · esc cancel"), id="form-keys", markup=False)

    def on_mount(self) -> None:
        self.query_one(f"#field-{self.fields[0].name}").focus()

    def _widget(self, f: FormField):
        wid = f"field-{f.name}"
        if f.kind == "select":
            # Text, not str: Select parses a str option as markup, and options are often
            # stored names (people, categories).
            return Select(
                [(plain(label), value) for label, value in f.options],
                value=f.value if f.value in [v for _l, v in f.options] else Select.NULL,
                allow_blank=not f.value,
                prompt=f.placeholder or _("Choose"),
                id=wid,
                classes="form-field",
            )
        if f.kind == "text":
            area = TextArea(f.value, id=wid, classes="form-field", soft_wrap=True)
            area.show_line_numbers = False
            return area
        return Input(f.value, placeholder=f.placeholder, id=wid, classes="form-field")

    # --- values ------------------------------------------------------------------------------

    def values(self) -> dict[str, str]:
        """What is typed in each field now."""
        result = {}
        for f in self.fields:
            widget = self.query_one(f"#field-{f.name}")
            if isinstance(widget, Select):
                value = widget.value
                result[f.name] = "" if value is Select.NULL else str(value)
            elif isinstance(widget, TextArea):
                result[f.name] = widget.text
            else:
                result[f.name] = widget.value
        return result

    @property
    def is_dirty(self) -> bool:
        return self.is_mounted and self.values() != self._initial

    # --- actions -----------------------------------------------------------------------------

    def on_input_submitted(self, event: Input.Submitted) -> None:
        inputs = [w for w in self.query(".form-field") if w.can_focus]
        if event.input is inputs[-1]:
            self.action_save()
        else:
            self.focus_next()

    def action_save(self) -> None:
        values = self.values()
        for f in self.fields:
            self.query_one(f"#error-{f.name}", Label).update("")
        message = self.query_one("#form-message", Label)
        message.update("")
        if self.check_callback is not None and self._warned_for != values:
            warning = self.check_callback(values)
            if warning:
                self._warned_for = values
                message.update(plain(warning))
                return
        try:
            result = self.save_callback(values)
        except ValidationError as exc:
            target = self.query(f"#error-{exc.field}")
            if target:
                target.first(Label).update(plain(exc.message))
                self.query_one(f"#field-{exc.field}").focus()
            else:
                message.update(plain(str(exc)))
            return
        except FrontDeskError as exc:
            message.update(plain(exc.message))
            return
        self.dismiss(result)

    def action_cancel(self) -> None:
        if self.is_dirty:
            self.app.push_screen(
                ConfirmModal(_("Discard what you typed?")),
                lambda ok: self.dismiss(None) if ok else None,
            )
        else:
            self.dismiss(None)
