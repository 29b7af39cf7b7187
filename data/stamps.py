"""`Stamp`: who saved a change and when — a pure value of the data kernel, so that the
conflict modal (widgets.conflict) can show the stamps `data.versions` reads without loading
anything of data/ beyond the kernel."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class Stamp:
    """Who saved a change (a login; "" when the acting role may not know) and when."""

    login: str
    at: dt.datetime | None
