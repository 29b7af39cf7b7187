"""The footer of every FrontDesk screen: the keys that fit, each whole, never one cut at the
right edge; F1 (which lists every key) always shown; the screen's own keys before the
app's (^q quit goes first when there is no room)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

from rich.cells import cell_len
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

#: The action of the key that is always shown: F1 lists what the footer has no room for.
HELP_ACTION = "toggle_help"


class FooterItem(NamedTuple):
    binding: Binding
    key_display: str
    enabled: bool
    tooltip: str
    from_app: bool

    @property
    def width(self) -> int:
        """Cells on the footer line: the key, a space and the description (compact), and
        the one-cell gap after it."""
        described = 1 + cell_len(self.binding.description) if self.binding.description else 0
        return cell_len(self.key_display) + described + 1


def fitting(items: list[FooterItem], width: int) -> list[FooterItem]:
    """The items that fit `width` cells whole, in their order: help first (kept even if
    alone it would not fit), then the screen's keys in order, then the app's, each taken if
    it still fits."""
    def rank(i: int) -> tuple[int, int]:
        item = items[i]
        return (0 if item.binding.action == HELP_ACTION else 2 if item.from_app else 1), i

    room = width + 1  # the last item's gap may run past the edge
    kept: set[int] = set()
    for i in sorted(range(len(items)), key=rank):
        if items[i].width <= room or items[i].binding.action == HELP_ACTION:
            kept.add(i)
            room -= items[i].width
    return [item for i, item in enumerate(items) if i in kept]


class DeskFooter(Footer):
    """Textual's compact footer, showing only the keys that fit whole (see `fitting`)."""

    def __init__(self) -> None:
        super().__init__(compact=True, show_command_palette=False)
        self._composed_width = 0
        self._composed_keys: list[tuple[str, str, str, str, bool, str]] | None = None

    def items(self) -> list[FooterItem]:
        """The screen's shown bindings, one per action (as Textual's footer shows them)."""
        seen: dict[str, FooterItem] = {}
        for node, binding, enabled, tooltip in self.screen.active_bindings.values():
            if binding.show and binding.action not in seen:
                seen[binding.action] = FooterItem(binding, self.app.get_key_display(binding), enabled,
                                                  tooltip, node is self.app)
        return list(seen.values())

    def _width(self) -> int:
        return self.size.width or self.screen.size.width or self.app.size.width

    def compose(self) -> ComposeResult:
        if not self._bindings_ready:
            return
        self._composed_width = self._width()
        shown = fitting(self.items(), self._composed_width)
        self._composed_keys = self._signature(shown)
        yield from self._keys(shown)

    @staticmethod
    def _signature(items: list[FooterItem]) -> list[tuple[str, str, str, str, bool, str]]:
        """What the footer line shows of `items` (to tell whether it would change)."""
        return [(i.binding.key, i.key_display, i.binding.description, i.binding.action, i.enabled, i.tooltip)
                for i in items]

    def bindings_changed(self, screen: Screen) -> None:
        """The screen's bindings changed: compose the keys again only if what the line
        shows changes (recomposing repaints the whole screen: over SSH, bytes; issue 21)."""
        self._bindings_ready = True
        if not screen.app.app_focus:
            return
        if self.is_attached and screen is self.screen:
            self.call_after_refresh(self._recompose_if_changed)

    async def _recompose_if_changed(self) -> None:
        if not self.is_attached:
            return
        if self._width() != self._composed_width or self._composed_keys != self._signature(
                fitting(self.items(), self._width())):
            await self.recompose()

    def _keys(self, items: Iterable[FooterItem]) -> Iterable[FooterKey]:
        for item in items:
            binding = item.binding
            yield FooterKey(binding.key, item.key_display, binding.description, binding.action,
                            disabled=not item.enabled, tooltip=item.tooltip).data_bind(compact=Footer.compact)

    def on_resize(self, event: events.Resize) -> None:
        if self._bindings_ready and event.size.width != self._composed_width:
            self.call_after_refresh(self.recompose)
