"""来电/去电 (F5): the call panel (caller match, scripts, one-key work order), call lists
(外呼, 回访), history, statistics with charts, callbacks; and dialling out.

A host screen (`screen`) with one pane per mode (`inbound`, `call_lists`, `history`,
`stats`, `callbacks`); what they share is in `pane`.
"""

from __future__ import annotations

import time

from data.dialout import DIAL_ENV, DialResult, dial, dial_command
from screens.calls.history import HISTORY_PAGE
from screens.calls.inbound import DEBOUNCE_S, CallDraft
from screens.calls.pane import MODES, looks_like_number
from screens.calls.screen import CallsScreen
from screens.calls.stats import STATS_DAYS

#: The call timer's clock (tests freeze it here; the panes read it through pane.timer_now).
monotonic = time.monotonic

__all__ = [
    "DEBOUNCE_S",
    "DIAL_ENV",
    "HISTORY_PAGE",
    "MODES",
    "STATS_DAYS",
    "CallDraft",
    "CallsScreen",
    "DialResult",
    "dial",
    "dial_command",
    "looks_like_number",
    "monotonic",
]
