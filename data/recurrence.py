"""Expanding recurring calendar events (RFC 5545 RRULE through dateutil) into occurrences."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from dateutil.rrule import rrulestr

from data.errors import ValidationError
from data.i18n import _


def parse_rrule(rule: str, start: dt.datetime):
    """Parse an RRULE string anchored at `start`; ValidationError on a malformed rule."""
    text = rule.strip()
    if text.upper().startswith("RRULE:"):
        text = text[6:]
    try:
        return rrulestr(text, dtstart=start)
    except (ValueError, TypeError) as exc:
        raise ValidationError(
            "rrule",
            _("Not a valid repeat rule (RFC 5545 RRULE such as FREQ=WEEKLY;BYDAY=MO): {error}").format(
                error=exc
            ),
        ) from exc


def occurrences(
    start: dt.datetime,
    end: dt.datetime,
    rule: str | None,
    window_start: dt.datetime,
    window_end: dt.datetime,
    skip: Iterable[dt.datetime] = (),
) -> list[tuple[dt.datetime, dt.datetime]]:
    """(start, end) of every occurrence overlapping [window_start, window_end).

    `skip` lists original starts handled by exception rows (moved or cancelled).
    """
    duration = end - start
    if not rule:
        return [(start, end)] if start < window_end and end > window_start else []
    skipped = set(skip)
    found = []
    for occ in parse_rrule(rule, start).between(window_start - duration, window_end, inc=True):
        if occ in skipped:
            continue
        if occ < window_end and occ + duration > window_start:
            found.append((occ, occ + duration))
    return found
