"""The constants of the iCalendar import and export, its result, and how a message quotes an item."""

from __future__ import annotations

from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from data.validators import show_controls

TZ = ZoneInfo("Asia/Shanghai")
TZID = "Asia/Shanghai"
PRODID = "-//FrontDesk//物业前台//ZH"
#: Non-standard property that carries the event kind, so a round trip keeps it.
KIND_PROPERTY = "X-FRONTDESK-KIND"
#: Kind of an imported event that does not say (from a phone calendar, say).
DEFAULT_KIND = "meeting"
#: Longest UID kept as is; longer ones are hashed (an exception row appends `#YYYYmmddTHHMMSS`).
MAX_UID = 64
#: Largest iCalendar file imported (5 MB), checked on disk before it is read.
MAX_ICS_BYTES = 5 * 1024 * 1024
#: Most events (VEVENTs, moved occurrences included) one file may hold.
MAX_ICS_EVENTS = 2000
#: Years an imported date or time may fall in.
MIN_YEAR, MAX_YEAR = 1900, 2200
#: Characters of an event's SUMMARY or UID quoted in a message.
QUOTE_CHARS = 40


@dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int
    skipped: int
    refused: tuple[str, ...] = field(default=())  # one message per event not imported
    notes: tuple[str, ...] = field(default=())  # items left out (a task without a date)


# --- export --------------------------------------------------------------------------------------


def _quote(text: str) -> str:
    """At most QUOTE_CHARS of an event's text, control characters shown as symbols."""
    text = show_controls(" ".join(str(text).split()))
    return text if len(text) <= QUOTE_CHARS else text[:QUOTE_CHARS - 1] + "…"
