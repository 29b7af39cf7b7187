"""Stored text on screen: always literal, never markup, never an escape sequence.

Validation (`data.validators.clean_text`) keeps control characters out of the database,
but rows written before it, or by another program, may still hold them. Rich and Textual
leave most of them in the text (they drop only BEL, BS, VT, FF and CR), and Textual writes
a segment's text to the terminal as it is, so an ESC stored in a name would reach the
terminal as an escape sequence. Hence:

- `plain` / `safe_text`: what screens put in tables and panels — a rich Text built from
  plain text (never parsed as markup) with control characters shown as ``␛``, ``␇`` …
- `ControlFilter`: the app's last line of defence for widgets that show stored text by
  themselves (inputs, selects, text areas, toasts): it drops any control character left in
  the rendered segments. They take no cells in Textual's layout, so dropping them keeps
  every line as wide as it was measured.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.color import Color
from textual.filter import LineFilter

from data.validators import show_controls

#: What `ControlFilter` drops: every C0 control (tab and newline included: Textual has
#: turned them into spaces and lines before this point), DEL and the C1 controls.
_DROPPED_RE = re.compile("[\x00-\x1f\x7f-\x9f]")


def plain(text: str, style: str | Style = "", **kwargs) -> Text:
    """A rich Text of stored `text`: literal (``[red]x[/red]`` stays as typed), with control
    characters made visible (``␛`` for ESC). Keyword arguments go to `Text` (justify …)."""
    return Text(show_controls(text), style=style, **kwargs)


def safe_text(text: Text) -> Text:
    """`text` with control characters in its plain text made visible. Each becomes one
    character, so styles keep their places; a text without any is returned as it is."""
    shown = show_controls(text.plain)
    if shown is text.plain:
        return text
    copy = text.copy()
    copy.plain = shown
    return copy


def safe_cells(cells: Iterable[Text]) -> list[Text]:
    """`safe_text` of each cell of a table row."""
    return [safe_text(cell) for cell in cells]


class ControlFilter(LineFilter):
    """Drops control characters from rendered lines before Textual writes them out."""

    def apply(self, segments: list[Segment], background: Color) -> list[Segment]:
        search = _DROPPED_RE.search
        if not any(search(segment.text) for segment in segments if not segment.control):
            return segments
        out = []
        for segment in segments:
            if segment.control or not search(segment.text):
                out.append(segment)
                continue
            text = _DROPPED_RE.sub("", segment.text)
            if text:
                out.append(Segment(text, segment.style, segment.control))
        return out
