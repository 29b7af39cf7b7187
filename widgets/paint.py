"""Painting less over SSH (issue 21): what a table row or a label shows, compared before it
is written again, so that the same content is never repainted."""

from __future__ import annotations

from collections.abc import Iterable

from rich.text import Text
from textual.widgets import Static


def looks(cells: Iterable[Text]) -> tuple[tuple[object, ...], ...]:
    """How `cells` read on screen: text, style, spans, justification (rich's Text equality
    leaves out the style of the whole text)."""
    return tuple((cell.plain, str(cell.style), tuple(cell.spans), cell.justify, cell.no_wrap, cell.overflow)
                 for cell in cells)


def _look(content: str | Text) -> object:
    return looks([content]) if isinstance(content, Text) else content


def update_label(label: Static, content: str | Text) -> None:
    """`label.update(content)` unless it shows that already (an update repaints the label
    and lays the screen out again, whatever its text)."""
    seen = _look(content)
    if getattr(label, "_painted_look", None) != seen:
        label._painted_look = seen  # type: ignore[attr-defined]
        label.update(content)

