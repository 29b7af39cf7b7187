"""iCalendar (RFC 5545) export and import of a staff member's calendar (issue 6 §8).

Export: every event the staff member attends, times in TZID Asia/Shanghai with its
VTIMEZONE; a series carries its RRULE, its cancelled occurrences as EXDATE and each moved
occurrence as a VEVENT with the same UID and a RECURRENCE-ID. All-day events are dates
(VALUE=DATE, DTEND the day after the last, as RFC 5545 §3.6.1 has it), and so are their
EXDATE, RECURRENCE-ID and RRULE UNTIL; a date read on import makes an all-day event. UIDs are `Event.uid`, so
they are stable across exports, and random (migration 0010), so they cannot be guessed.

Import creates or updates events by UID. A file that breaks a rule (a bad date, an unknown
time zone, a year outside MIN_YEAR–MAX_YEAR, a rule finer than hourly, a parse error) is
refused whole with one line naming the event and the line; a file larger than
MAX_ICS_BYTES or with more than MAX_ICS_EVENTS events is refused before it is parsed. An
event whose UID is already there is updated only when the importing account may change
it (`data.calendar.may_change`, the rule the calendar screen obeys) and never when it is
a work order's appointment; otherwise that event is refused, named in
`ImportResult.refused`, and the rest of the file is imported. A UID is matched against
the UID column only: an old counter UID such as `5@frontdesk` (from an export before
0010) matches nothing and is imported as a new event.

Calendars from other tools (khal, calcurse, Google, Outlook; issue 14 item 5):

- An item without a UID gets a stable one derived from what it holds (a hash of its
  start, title and rule), so importing the same file again updates, not duplicates.
- Empty properties are empty text; a title or place written on several lines is joined
  into one; a description keeps its lines. A zero-length event (DTEND = DTSTART) is kept
  as a moment; an all-day one whose DTEND is its DTSTART lasts that day.
- Floating times (no TZID, no Z) are in the calendar's `X-WR-TIMEZONE` when it gives one
  (Google), else in Asia/Shanghai. A Windows zone name (Outlook) is read as its IANA zone.
- Time zones: every time is stored in Asia/Shanghai, and a series keeps its own zone
  (`Event.tzid`, migration 0012) whenever that is not Shanghai: it is expanded in that
  zone (data.recurrence), so a 09:00 Berlin meeting stays at 09:00 Berlin time on both
  sides of a daylight-saving change, a BYDAY rule lands on its own zone's weekday, and
  EXDATE and RECURRENCE-ID times (converted to Shanghai like the occurrences) still match.
  The export writes such a series in its own zone again.
- RDATE adds occurrences: each is stored as an occurrence row of the series (an event
  with RDATE and no RRULE becomes a series of one, FREQ=DAILY;COUNT=1, plus its dates).
  The export writes an occurrence row that is not an occurrence of the rule as an RDATE.
- An edited occurrence (RECURRENCE-ID) keeps its own title, place and description.
  `RANGE=THISANDFUTURE` cuts the series there and starts a new one (UID derived from the
  series' UID and the date) with the edited values, shifted as the edited occurrence is.
- All-day items (DATE values) stay all-day, whatever their length.
- A VTODO is imported as a task (DUE its due time; without DTSTART it is shown for
  TASK_MINUTES from DUE; COMPLETED ticks it off); one with neither DUE nor DTSTART is
  left out and named in `ImportResult.notes`.
- TRANSP:TRANSPARENT items are shown but never make anyone busy (`Event.transparent`).

Importing a file that was just exported reports no change (every item unchanged).

One module per part: `values` (the constants and `ImportResult`), `export`, `fields` (one
item's properties: times and zones, rule, dates, text, UID), `reading` (a whole text: size
limits, parse errors naming the item and the line, series edits) and `importing` (writing
what was read). Their public names are re-exported here, so `from data.ical import
import_ics` is the way to reach them; the `_…` names are the package's own.
"""

from __future__ import annotations

from data.ical.export import export_ics
from data.ical.importing import import_ics, import_ics_file
from data.ical.reading import ITEMS
from data.ical.values import (
    DEFAULT_KIND,
    KIND_PROPERTY,
    MAX_ICS_BYTES,
    MAX_ICS_EVENTS,
    MAX_UID,
    MAX_YEAR,
    MIN_YEAR,
    PRODID,
    QUOTE_CHARS,
    TZ,
    TZID,
    ImportResult,
)

__all__ = [
    "DEFAULT_KIND", "ITEMS", "KIND_PROPERTY", "MAX_ICS_BYTES", "MAX_ICS_EVENTS", "MAX_UID",
    "MAX_YEAR", "MIN_YEAR", "PRODID", "QUOTE_CHARS", "TZ", "TZID", "ImportResult", "export_ics",
    "import_ics", "import_ics_file",
]
