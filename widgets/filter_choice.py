"""A form's choice list filtered as you type: staff, buildings and categories are picked by
name, pinyin initials or login (issue 15 item 3).

Closed, it is a `FormSelect` (enter goes on to the next field; space, up or down open it);
a letter or digit opens it and starts the filter. Open, every typed character narrows the
list to the choices whose name, or one of the search keys `data/` gives with it (pinyin
initials, a login), contains what is typed; backspace widens it again; enter takes the
highlighted choice.
"""

from __future__ import annotations

from collections.abc import Sequence

from textual import events
from textual.widgets import OptionList
from textual.widgets._select import SelectOverlay
from textual.widgets.option_list import Option

from widgets.form import FormSelect


class FilterOverlay(SelectOverlay):
    """The open list: shows only the choices that match what is typed."""

    def __init__(self, keys: Sequence[str]) -> None:
        super().__init__(type_to_search=False)
        self.keys = list(keys)  # per choice of the owning select (blank first if any)
        self.typed = ""
        self.shown: list[int] = []  # index in the select's choices of each row shown

    def show_matching(self, typed: str) -> None:
        select = self.parent
        assert isinstance(select, FilterSelect)
        self.typed = typed
        needle = typed.lower()
        self.shown = [i for i, key in enumerate(self.keys) if needle in key]
        options = select.choice_prompts()
        self.clear_options()
        self.add_options([Option(options[i]) for i in self.shown])
        if needle and self.shown:
            self.highlighted = 0  # the first match
            self.scroll_to_highlight()

    async def _on_key(self, event: events.Key) -> None:
        if event.key == "backspace" and self.typed:
            event.stop()
            event.prevent_default()
            self.show_matching(self.typed[:-1])
        elif event.character is not None and event.is_printable and event.key != "space":
            event.stop()
            event.prevent_default()
            self.show_matching(self.typed + event.character)

    def check_consume_key(self, key: str, character: str | None = None) -> bool:
        return character is not None and character.isprintable()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        event.prevent_default()  # not SelectOverlay's own: its index is in the full list
        if 0 <= event.option_index < len(self.shown):
            self.post_message(self.UpdateSelection(self.shown[event.option_index]))


class FilterSelect(FormSelect):
    """A choice list filtered by name, pinyin initials or login as you type.

    `keys[i]` is the search text of `options[i]` (lower case: name, initials, login …)."""

    def __init__(self, options, *, keys: Sequence[str], **kwargs) -> None:
        super().__init__(options, **kwargs)
        self._keys = [k.lower() for k in keys]

    def compose(self):
        from textual.widgets._select import SelectCurrent

        yield SelectCurrent(self.prompt)
        blank = [""] if self._allow_blank else []
        yield FilterOverlay([*blank, *self._keys]).data_bind(compact=FormSelect.compact)

    def choice_prompts(self) -> list:
        from rich.text import Text

        return [Text(self.prompt, style="dim") if value == self.NULL else prompt
                for prompt, value in self._options]

    def _watch_expanded(self, expanded: bool) -> None:
        if expanded:
            self.query_one(FilterOverlay).show_matching("")
        super()._watch_expanded(expanded)

    async def _on_key(self, event: events.Key) -> None:
        """A letter or digit on the closed list opens it and starts the filter with it."""
        if not self.expanded and event.character is not None and event.is_printable \
                and event.key != "space":
            event.stop()
            event.prevent_default()
            self.action_show_overlay()
            self.query_one(FilterOverlay).show_matching(event.character)
