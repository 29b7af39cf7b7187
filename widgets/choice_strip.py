"""ChoiceStrip: one line of one-key choices (1 报修  2 投诉 …), the chosen one reversed."""

from __future__ import annotations

from rich.text import Text
from textual.binding import Binding
from textual.message import Message
from textual.widgets import Static

from data.i18n import N_


class ChoiceStrip(Static, can_focus=True):
    """One line of numbered choices (1 报修  2 投诉 …), the chosen one reversed; left and
    right move it when focused, digits pick (the owner binds those and calls `choose`)."""

    BINDINGS = [
        Binding("left", "step(-1)", N_("Previous"), show=False),
        Binding("right", "step(1)", N_("Next"), show=False),
    ]

    class Changed(Message):
        """The chosen value changed (by a key or by `choose`)."""

        def __init__(self, strip: ChoiceStrip, value: str | None) -> None:
            super().__init__()
            self.strip, self.value = strip, value

        @property
        def control(self) -> ChoiceStrip:
            return self.strip

    def __init__(self, caption: str, choices: list[tuple[str, str]], *, numbered: bool = True,
                 id: str | None = None) -> None:  # noqa: A002
        super().__init__("", id=id, markup=False)
        self.caption = caption
        self.choices = choices  # (code, label)
        self.numbered = numbered
        self.value: str | None = None

    def on_mount(self) -> None:
        self._paint()

    def set_choices(self, choices: list[tuple[str, str]], value: str | None) -> None:
        """New choices and the chosen one, without a Changed message."""
        self.choices = choices
        self.value = value
        self._paint()

    def choose(self, value: str | None) -> None:
        """Choose `value` and say so (Changed)."""
        self.value = value
        self._paint()
        self.post_message(self.Changed(self, value))

    def _paint(self) -> None:
        text = Text(self.caption + " ", style="bold")
        for i, (code, name) in enumerate(self.choices):
            if i:
                text.append(" ")
            piece = f"{i + 1}{name}" if self.numbered else name
            text.append(piece, style="reverse bold" if code == self.value else "")
        self.update(text)

    def action_step(self, step: int) -> None:
        codes = [code for code, _name in self.choices]
        if not codes:
            return
        i = codes.index(self.value) if self.value in codes else (-1 if step > 0 else 0)
        self.choose(codes[(i + step) % len(codes)])
