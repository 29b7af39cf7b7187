"""The company's wall clock: naive datetimes in Asia/Shanghai, pinned for demos and tests."""

from __future__ import annotations

import datetime as dt
import os

#: Asia/Shanghai: China Standard Time, UTC+8, without daylight saving since 1991 — so for
#: the current time a fixed offset is the zone (data.recurrence uses zoneinfo for series in
#: other zones). Importing zoneinfo, which imports sysconfig, took 3.5 ms of the cold start.
TZ = dt.timezone(dt.timedelta(hours=8), "Asia/Shanghai")

#: Whether this process honours FRONTDESK_NOW. Off until the open database allows it
#: (data.schema.check: a demo database, or a test database): on a company database the
#: audit trail, history times, SLA clocks and the search limit run on the real clock,
#: whatever the environment says.
_pinned_allowed = False


def allow_pinned(allowed: bool) -> None:
    """Let FRONTDESK_NOW pin this process's clock (True) or ignore it (False)."""
    global _pinned_allowed
    _pinned_allowed = bool(allowed)


def pinned_allowed() -> bool:
    """Does this process honour FRONTDESK_NOW?"""
    return _pinned_allowed


def now() -> dt.datetime:
    """Return the current Asia/Shanghai wall time, naive, to the second.

    `FRONTDESK_NOW` (``YYYY-MM-DD HH:MM[:SS]``) pins the clock, for demos and tests, only
    once `allow_pinned(True)` was said (data.schema.check says it for a demo or test
    database); otherwise it is ignored.
    """
    pinned = os.environ.get("FRONTDESK_NOW") if _pinned_allowed else None
    if pinned:
        return dt.datetime.fromisoformat(pinned).replace(microsecond=0)
    return dt.datetime.now(TZ).replace(tzinfo=None, microsecond=0)


def today() -> dt.date:
    """Return today's date in Asia/Shanghai."""
    return now().date()
