"""The company's wall clock: naive datetimes in Asia/Shanghai, overridable for tests."""

from __future__ import annotations

import datetime as dt
import os
from zoneinfo import ZoneInfo

TZ = ZoneInfo("Asia/Shanghai")


def now() -> dt.datetime:
    """Return the current Asia/Shanghai wall time, naive, to the second.

    `FRONTDESK_NOW` (``YYYY-MM-DD HH:MM[:SS]``) pins the clock, for demos and tests.
    """
    pinned = os.environ.get("FRONTDESK_NOW")
    if pinned:
        return dt.datetime.fromisoformat(pinned).replace(microsecond=0)
    return dt.datetime.now(TZ).replace(tzinfo=None, microsecond=0)


def today() -> dt.date:
    """Return today's date in Asia/Shanghai."""
    return now().date()
