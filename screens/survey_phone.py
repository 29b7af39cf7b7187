"""A satisfaction survey asked on the phone (`SurveyPhoneModal`): a connected call of a
survey's call list steps through the questions, one key per answer (1–5 a rating, a–e a
choice, a–e toggles then enter for several, an input then enter for free text, `-` skips),
and F10 stores the answers and the connected attempt through data.surveys.answer_by_phone,
in a worker: behind another desk it says so, and esc gives the store up keeping the answers."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input, Label, Static

from data import surveys as sv
from data.i18n import N_, _
from data.vocab import label
from widgets.confirm import ConfirmModal
from widgets.desk import DeskModal
from widgets.safe import plain


class SurveyPhoneModal(DeskModal[int | None]):
    """The questions one by one; dismissed with how many answers were stored (None: back)."""

    DEFAULT_CSS = """
    SurveyPhoneModal { align: center middle; }
    SurveyPhoneModal > Vertical {
        width: 76; height: auto; max-height: 22; border: thick $primary; background: $surface; padding: 0 1;
    }
    SurveyPhoneModal #sp-question { width: 100%; }
    SurveyPhoneModal #sp-text { display: none; }
    SurveyPhoneModal #sp-text.shown { display: block; }
    SurveyPhoneModal .hint { color: $text-muted; }
    """
    BINDINGS = [
        Binding("f10", "store", N_("Store")),
        Binding("enter", "next", N_("Next"), show=False),
        Binding("escape", "cancel", N_("Back")),
    ]

    def __init__(self, survey_id: int, item_id: int, room: str, note: str = "") -> None:
        super().__init__()
        self.item_id = item_id
        self.room = room
        self.note = note
        self.questions = sv.questionnaire_of(survey_id).questions
        self.at = 0
        self.answers: dict[int, str] = {}  # question id → the keys or text given
        self.picked: set[str] = set()  # a multiple choice's keys toggled so far

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(_("Survey call {room}").format(room=self.room), markup=False)
            yield Static(id="sp-question")
            yield Input(id="sp-text", max_length=500, placeholder=_("the owner's words, enter when done"))
            yield Static(id="sp-given")
            yield Label("", id="sp-hint", classes="hint", markup=False)

    def on_mount(self) -> None:
        self._show()

    @property
    def question(self) -> Any:
        return self.questions[self.at] if self.at < len(self.questions) else None

    def _show(self) -> None:
        q = self.question
        text_input = self.query_one("#sp-text", Input)
        body = Text()
        if q is None:
            body.append(_("All {n} questions asked. F10 stores the answers.").format(n=len(self.questions)),
                        style="bold")
            hint = _("F10 store · backspace: the previous question · esc: back")
        else:
            body.append(f"{q.position}/{len(self.questions)} 【{label(sv.SECTIONS, q.section)}】 ", style="bold")
            body.append_text(plain(q.text))
            if q.kind == "rating":
                body.append("\n" + "   ".join(f"{n} {'★' * n}" for n in range(1, 6)))
                hint = _("1–5: the rating · -: skip · F10 store · esc: back")
            elif q.kind in ("single", "multi"):
                for key, choice in zip(sv.CHOICE_KEYS, q.choices, strict=False):
                    mark = ("[x] " if key in self.picked else "[ ] ") if q.kind == "multi" else ""
                    body.append(f"\n  {key} {mark}")
                    body.append_text(plain(choice))
                hint = (_("a–e: toggle · enter: next · -: skip · F10 store") if q.kind == "multi"
                        else _("a–e: the answer · -: skip · F10 store · esc: back"))
            else:
                hint = _("type the answer, enter: next · empty enter or -: skip · F10 store")
        self.query_one("#sp-question", Static).update(body)
        given = Text(_("Answered: {n}").format(n=len(self.answers)) + "  ", style="dim")
        self.query_one("#sp-given", Static).update(given)
        self.query_one("#sp-hint", Label).update(hint)
        is_text = q is not None and q.kind == "text"
        text_input.set_class(is_text, "shown")
        text_input.disabled = not is_text
        if is_text:
            text_input.value = self.answers.get(q.id, "")
            text_input.focus()
        else:
            self.focus()  # the keys come to the modal

    def _answer(self, value: str) -> None:
        q = self.question
        if q is None:
            return
        if value:
            self.answers[q.id] = value
        else:
            self.answers.pop(q.id, None)
        self.at += 1
        self.picked = set()
        self._show()

    def on_key(self, event: events.Key) -> None:
        q = self.question
        key = event.character or ""
        if event.key == "backspace" and self.at > 0 and not isinstance(self.focused, Input):
            event.stop()
            self.at -= 1
            self.picked = set()
            self._show()
            return
        if q is None or q.kind == "text" or not key:
            return
        keys = sv.CHOICE_KEYS[:len(q.choices)]
        if key.isprintable() and key != " " and not (
                key == "-" or (q.kind == "rating" and key in "12345") or (q.kind != "rating" and key in keys)):
            event.stop()  # a refused key says so: one silent slip shifts every later answer
            self.app.bell()
            wanted = (_("Press 1–5") if q.kind == "rating"
                      else _("Press {first}–{last}").format(first=keys[0], last=keys[-1]) if keys else "")
            self.query_one("#sp-hint", Label).update(
                _("“{key}” is not an answer here: {wanted} (- skips).").format(key=key, wanted=wanted))
            return
        if key == "-":
            event.stop()
            self._answer("")
        elif q.kind == "rating" and key in "12345":
            event.stop()
            self._answer(key)
        elif q.kind == "single" and key in keys:
            event.stop()
            self._answer(key)
        elif q.kind == "multi" and key in keys:
            event.stop()
            self.picked ^= {key}
            self._show()

    def action_next(self) -> None:
        """enter: a multiple choice's toggled keys are its answer."""
        q = self.question
        if q is not None and q.kind == "multi":
            self._answer("".join(sorted(self.picked)))

    @on(Input.Submitted, "#sp-text")
    def _text_given(self, event: Input.Submitted) -> None:
        event.stop()
        value = event.value.strip()
        self._answer("" if value == "-" else value)

    def action_store(self) -> None:
        """F10: the answers so far stored, with the connected attempt; asked first when some
        questions have no answer."""
        q = self.question
        if q is not None and q.kind == "text":  # what is typed counts without an enter
            value = self.query_one("#sp-text", Input).value.strip()
            if value and value != "-":
                self.answers[q.id] = value
        if q is not None and q.kind == "multi" and self.picked:  # toggled, not yet entered
            self.answers[q.id] = "".join(sorted(self.picked))
        missing = sum(1 for x in self.questions if x.id not in self.answers)
        if not missing:
            self._store()
            return
        def answered(yes: bool | None) -> None:
            if yes:
                self._store()

        self.app.push_screen(ConfirmModal(_("{n} questions unanswered: store anyway?").format(n=missing),
                                          enter_confirms=False), answered)

    def _store(self) -> None:
        """In a worker (DeskWrites.run_write): behind another desk it says so and esc gives
        the store up, the answers staying as given (F10 stores them again)."""
        item_id, staff_id, answers, note = self.item_id, self.app.staff.id, dict(self.answers), self.note
        self.run_write(lambda: sv.answer_by_phone(item_id, staff_id, answers, note), done=self.dismiss,
                       cancelled=self._show, stays=True)

    def action_cancel(self) -> None:
        if self.give_up_write():  # the answers stay; esc again goes back
            return
        self.dismiss(None)
