"""A generic modal form: labelled fields, save through a callback, errors beside the field.

A screen describes the fields (`FormField`), passes a `save` callable that does the real
work through `data/` and returns the value to dismiss with; a `ValidationError` raised
by it is shown under the field it names and nothing typed is lost.

A form that edits a record others may change too gets a `VersionGuard` (widgets.conflict):
when the save finds a newer version, the form stays open with what was typed and the
conflict modal shows what the other person changed, offering reload or overwrite. A form
can also be kept as a draft when the session hangs up (`draft()`, `restore()`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any, cast

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Input, Label, Select, TextArea

from data.errors import ConflictError, FrontDeskError, ValidationError
from data.i18n import N_, _
from data.validators import show_controls
from widgets.confirm import ConfirmModal
from widgets.conflict import (
    ConflictModal,
    FieldChange,
    RecordState,
    VersionGuard,
    quoted,
    stamp_text,
)
from widgets.desk import DeskModal
from widgets.safe import plain
from widgets.saving import PendingWrite, start_write

#: The draft key of a form no screen knows how to reopen: restored as a plain copy.
GENERIC_DRAFT = "form"


@dataclass
class FormField:
    """One field of a form. `kind` is "input", "select", "filter" (a select filtered as you
    type, by the option's label or its `keys`: pinyin initials, login …) or "text"."""

    name: str
    label: str  # already translated
    value: str = ""
    kind: str = "input"
    options: list[tuple[str, str]] = field(default_factory=list)  # (label, value) for select
    placeholder: str = ""
    help: str = ""
    keys: list[str] = field(default_factory=list)  # search text per option, for "filter"
    #: (select field, value): the field is shown only while that select holds that value
    #: (the hotline's reference once the channel is 12345热线); hidden, it keeps its text.
    shown_when: tuple[str, str] | None = None


class FormSelect(Select):
    """A form's choice list: enter on the closed list goes on to the next field, as the
    form's hint says (space, up or down open the list; typing in it jumps to a choice)."""

    BINDINGS = [
        Binding("enter", "next_field", N_("Next field"), show=False),
        Binding("down,space,up", "show_overlay", N_("Choose"), show=False),
    ]

    def action_next_field(self) -> None:
        form = self.screen
        if isinstance(form, FormModal):
            form.field_done(self)
        else:
            form.focus_next()


class FormModal(DeskModal[Any]):
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
        guard: VersionGuard | None = None,
        draft_key: str | None = None,
        draft_context: dict[str, Any] | None = None,
        save_label: str = "",
    ) -> None:
        """`check` may return a warning (e.g. a possible duplicate): shown once, and a
        second save goes ahead anyway. `guard`: the record's version and values the form
        was opened with (its save passes `guard.version`). `draft_key` and `draft_context`
        name the form and what reopening it needs (screens.drafts), for a draft."""
        super().__init__()
        self.form_title = title
        # A stored value with control characters (legacy data) is shown, and saved if left
        # as it is, with them as visible pictures (␛), so the clerk can see and delete them.
        self.fields = [replace(f, value=show_controls(f.value)) if isinstance(f.value, str) else f
                       for f in fields]
        self.save_callback = save
        #: What F10 does when it is not a save (a check reads only: "Check").
        self.save_label = save_label
        if save_label:
            for key, bindings in self._bindings.key_to_bindings.items():
                self._bindings.key_to_bindings[key] = [
                    replace(b, description=save_label) if b.action == "save" else b for b in bindings]
        self.check_callback = check
        self._warned_for: dict[str, str] | None = None
        self._initial = {f.name: f.value for f in self.fields}
        self.guard = guard
        if guard is not None:  # compared with what the fields show (see above)
            guard.base = {k: show_controls(v) for k, v in guard.base.items()}
        self.draft_key = draft_key
        self.draft_context: dict[str, Any] = dict(draft_context or {})
        self._pending: dict[str, str] | None = None  # restored values, set once mounted

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(plain(self.form_title), id="form-title")
            with VerticalScroll():
                for f in self.fields:
                    # A conditional field's row, help and error line go together (`_follow`).
                    when = f"when-{f.name}" if f.shown_when else ""
                    with Horizontal(classes=f"form-row {when}".strip()):
                        yield Label(f.label, classes="form-label", markup=False)
                        yield self._widget(f)
                    if f.help:
                        yield Label(f.help, id=f"help-{f.name}", classes=f"form-help {when}".strip(), markup=False)
                    yield Label("", id=f"error-{f.name}", classes=f"form-error {when}".strip(),
                                markup=False)
            yield Label("", id="form-message", markup=False)
            hint = (_("F10 {action} · enter next field · esc back").format(action=self.save_label)
                    if self.save_label else _("F10 save · enter next field · esc back"))
            yield Label(hint, id="form-keys", markup=False)

    #: Rows a form needs besides its fields: border 2, title 2, the message (up to 2) and
    #: the hint line 1.
    FRAME_ROWS = 7
    #: The fields scroll past this many rows (on a tall screen).
    FIELD_ROWS = 16

    def on_resize(self) -> None:
        """The fields scroll, the hint line (F10 save …) stays: CSS can cap the fields at 16
        rows but not at "what a short screen (60×20) leaves", so that is set here."""
        self.query_one(VerticalScroll).styles.max_height = max(
            3, min(self.FIELD_ROWS, self.size.height - self.FRAME_ROWS))

    def on_mount(self) -> None:
        self.query_one(f"#field-{self.fields[0].name}").focus()
        if self._pending is not None:
            self._fill(self._pending)
            self._pending = None
        self._cursors_to_end()
        self._follow()

    def _cursors_to_end(self) -> None:
        """The cursor of every prefilled field after its text (where typing goes on), not
        before it: a text area's starts at its beginning otherwise."""
        for widget in self.query(".form-field"):
            if isinstance(widget, TextArea):
                widget.move_cursor(widget.document.end)
            elif isinstance(widget, Input):
                widget.cursor_position = len(widget.value)

    def _follow(self) -> None:
        """Show each conditional field while its select holds its value, hide it otherwise."""
        conditional = [f for f in self.fields if f.shown_when]
        if not conditional:
            return
        values = self.values()
        for f in conditional:
            name, wanted = cast(tuple[str, str], f.shown_when)
            for widget in self.query(f".when-{f.name}"):
                widget.display = values.get(name) == wanted

    @on(Select.Changed)
    def _select_changed(self, event: Select.Changed) -> None:
        self._follow()

    def _widget(self, f: FormField):
        wid = f"field-{f.name}"
        if f.kind in ("select", "filter"):
            # Text, not str: Select parses a str option as markup, and options are often
            # stored names (people, categories).
            extra: dict[str, Any] = {}
            cls: type[FormSelect] = FormSelect
            if f.kind == "filter":
                from widgets.filter_choice import FilterSelect

                cls = FilterSelect
                extra["keys"] = [f"{label} {f.keys[i] if i < len(f.keys) else ''}"
                                 for i, (label, _v) in enumerate(f.options)]
            return cls(
                [(plain(label), value) for label, value in f.options],
                **extra,
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
            else:  # cast: _widget makes an Input of every other kind of field
                result[f.name] = cast(Input, widget).value
        return result

    @property
    def is_dirty(self) -> bool:
        return self.is_mounted and self.values() != self._initial

    def typed_values(self) -> dict[str, str]:
        """What is typed now ({} before the form is on screen)."""
        return self.values() if self.is_mounted else {}

    def _set_value(self, name: str, value: str) -> None:
        widget = self.query_one(f"#field-{name}")
        if isinstance(widget, Select):
            spec = next(f for f in self.fields if f.name == name)
            if value in [v for _l, v in spec.options]:
                widget.value = value
            elif not spec.value:  # the select allows a blank (see _widget)
                widget.value = Select.NULL
        elif isinstance(widget, TextArea):
            widget.text = value
        else:  # cast: _widget makes an Input of every other kind of field
            cast(Input, widget).value = value

    def _fill(self, values: dict[str, str]) -> None:
        for f in self.fields:
            if f.name in values:
                self._set_value(f.name, show_controls(str(values[f.name])))

    def restore(self, values: dict[str, str], guard: dict[str, Any] | None = None) -> None:
        """Put a draft's `values` in the fields (now, or when the form is mounted); with
        `guard` (VersionGuard.snapshot of the draft) the save compares with what the form
        was first opened with, so a change made since the draft shows as a conflict."""
        if guard and self.guard is not None:
            self.guard.restore(guard)
        if self.is_mounted:
            self._fill(values)
            self._cursors_to_end()
        else:
            self._pending = dict(values)

    def draft(self) -> tuple[str, str, dict[str, str], dict[str, Any]] | None:
        """(form key, title, typed values, context) to keep when the session ends with this
        form open and typed in; None when nothing was typed. A form without a key keeps
        its fields' description, to be shown again as a copy of what was typed."""
        if not self.is_dirty:
            return None
        context = dict(self.draft_context)
        if self.guard is not None:
            context["guard"] = self.guard.snapshot()
        key = self.draft_key
        if key is None:
            key = GENERIC_DRAFT
            context["fields"] = [
                {"name": f.name, "label": f.label, "kind": f.kind,
                 "options": [list(o) for o in f.options]}
                for f in self.fields
            ]
        return key, self.form_title, self.values(), context

    # --- actions -----------------------------------------------------------------------------

    @on(Input.Changed)
    @on(TextArea.Changed)
    @on(Select.Changed)
    def _clear_error_of_changed_field(self, event: Any) -> None:
        """A field's message goes once its value is changed (fixed): the next save says
        again if it is still wrong."""
        widget = event.control
        if widget is not None and (widget.id or "").startswith("field-"):
            for label in self.query(f"#error-{widget.id.removeprefix('field-')}").results(Label):
                label.update("")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.field_done(event.input)

    def field_done(self, widget: Any) -> None:
        """enter in a field: the next one, or save on the last."""
        inputs = [w for w in self.query(".form-field")
                  if w.can_focus and (w.parent is None or w.parent.display)]
        if widget is inputs[-1]:
            self.action_save()
        else:
            self.focus_next()

    def action_save(self) -> None:
        if self.saving:  # F10 again while the save runs: it is on its way
            return
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
        self._start_save(values)

    # --- the save runs in a worker ------------------------------------------------------------

    #: The save running now, else None.
    _write: PendingWrite | None = None

    @property
    def saving(self) -> bool:
        """A save is running (in its worker): F10 does nothing, esc gives it up."""
        return self._write is not None and not self._write.over

    def _start_save(self, values: dict[str, str]) -> None:
        """Run the save callback in a thread worker (widgets.saving): keys are handled
        meanwhile, a save still waiting for another desk after a few seconds says so, and
        esc then cancels it, the form keeping what was typed."""
        self._write = start_write(
            self, lambda: self.save_callback(values),
            done=self.saved, refused=self._save_refused_now, waiting=self._still_waiting)

    def on_unmount(self) -> None:
        """Closed while its save still waits (the app quits, the session hangs up): the wait
        is given up, so no thread is left waiting for the lock; a draft keeps the typing."""
        if self.saving:
            assert self._write is not None
            self._write.cancel()

    def _still_waiting(self) -> None:
        self.query_one("#form-message", Label).update(
            _("Waiting for another desk… esc cancels, what you typed stays."))

    def saved(self, result: Any) -> None:
        """The save succeeded (even if esc came too late to stop it): close with its result."""
        self.query_one("#form-message", Label).update("")
        self.dismiss(result)

    def _save_refused_now(self, exc: FrontDeskError) -> None:
        """Say why nothing was saved, under the field it concerns or below the fields;
        everything typed stays."""
        message = self.query_one("#form-message", Label)
        message.update("")
        if isinstance(exc, ConflictError):
            if self.guard is None:
                message.update(plain(exc.message))
            else:
                self._conflict(exc)
            return
        if isinstance(exc, ValidationError):
            target = self.query(f"#error-{exc.field}")
            if target:
                target.first(Label).update(plain(exc.message))
                self.query_one(f"#field-{exc.field}").focus()
                return
            message.update(plain(str(exc)))
            return
        self.refused(exc)

    def refused(self, exc: FrontDeskError) -> None:
        """A refusal no field owns (overridden by a form that acts on its own kind)."""
        self.query_one("#form-message", Label).update(plain(exc.message))

    # --- someone else saved meanwhile ---------------------------------------------------------

    def _label(self, name: str) -> str:
        for f in self.fields:
            if f.name == name:
                return f.label
        return self.guard.labels.get(name, name) if self.guard else name

    def _shown(self, name: str, value: str) -> str:
        """A field's value as the user reads it: a choice by its label."""
        for f in self.fields:
            if f.name == name and f.kind in ("select", "filter"):
                return next((label for label, v in f.options if v == value), value)
        if self.guard is not None and self.guard.show is not None:
            return self.guard.show(name, value)
        return value

    def _conflict(self, exc: ConflictError) -> None:
        """The save found a newer version: show what changed; the form keeps what was typed."""
        guard = self.guard
        assert guard is not None
        message = self.query_one("#form-message", Label)
        try:
            state = guard.current(guard)
        except FrontDeskError as gone:  # deleted meanwhile: nothing to reload or overwrite
            message.update(plain(f"{exc.message} {gone.message}"))
            return
        state = replace(state, values={k: show_controls(v) for k, v in state.values.items()})
        changes = [
            FieldChange(name, self._label(name), self._shown(name, guard.base.get(name, "")),
                        self._shown(name, value), state.stamps.get(name) or state.stamps.get(""))
            for name, value in state.values.items()
            if value != guard.base.get(name, "")
        ]
        who = stamp_text(state.stamps.get(""))
        self.app.push_screen(ConflictModal(changes, state.notes, who),
                             lambda answer: self._answered(answer, state))

    def _answered(self, answer: str | None, state: RecordState) -> None:
        message = self.query_one("#form-message", Label)
        if answer == "reload":
            message.update(plain(self._reload(state)))
        elif answer == "overwrite":
            assert self.guard is not None
            self.guard.move_to(state)
            self.action_save()
        else:
            message.update(_("Not saved: someone else changed it meanwhile. F10 to decide again."))

    def _reload(self, state: RecordState) -> str:
        """The record's current values in the fields, except a field only the user changed
        (the other person left it as it was): that keeps what was typed. Says what happened."""
        guard = self.guard
        assert guard is not None
        typed = self.values()
        replaced: list[str] = []
        lost: list[str] = []  # the user's typing in a field the other person changed too
        kept: list[str] = []
        for f in self.fields:
            if f.name not in state.values:
                continue
            base, now, mine = guard.base.get(f.name, ""), state.values[f.name], typed[f.name]
            if now == base:
                if mine != base:
                    kept.append(f.label)
                continue
            if mine != now:
                self._set_value(f.name, now)
                if mine != base:
                    lost.append(_("{field} (you had typed {text})").format(
                        field=f.label, text=quoted(self._shown(f.name, mine))))
                else:
                    replaced.append(f.label)
        guard.move_to(state)
        parts = [_("Reloaded.")]
        if replaced or lost:
            parts.append(_("Now as saved by the other person: {fields}.").format(
                fields="、".join(replaced + lost)))
        if kept:
            parts.append(_("Kept what you typed: {fields}.").format(fields="、".join(kept)))
        parts.append(_("F10 saves."))
        return " ".join(parts)

    def action_cancel(self) -> None:
        if self.saving:  # give up the save: it stops waiting, the form stays as typed
            assert self._write is not None
            if self._write.cancel():
                self.query_one("#form-message", Label).update(_("Cancelling…"))
            return
        if self.is_dirty:
            async def discard(ok: bool | None) -> None:
                if ok:
                    await self.dismiss(None)

            self.app.push_screen(ConfirmModal(_("Discard what you typed?")), discard)
        else:
            self.dismiss(None)
