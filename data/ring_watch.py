"""What a desk session watches for the caller-ID pop-up (来电弹屏, issue 16 item 10): the
rings the phone system recorded at its staff member's extension (data.calls.ringing writes
them). Kept apart from data.calls so that a session starts without loading the phone
service: it needs only this look at the ring table until a call pops up.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import NamedTuple

from data.db import db, is_sqlite
from data.errors import NotFoundError
from data.i18n import _
from data.models import Ring, Staff

#: How often a session looks for a ring (seconds): the pop-up must come within about a
#: second, well ahead of the regular change poll (tui.app.POLL_SECONDS).
RING_POLL_S = 0.25
#: Rings a session reads at once at most (a burst beyond that waits for the next look).
RING_BATCH = 20


class RingView(NamedTuple):
    """A ring as a session and the CLI see it."""

    id: int
    number: str  # normalised; "" when the caller withheld it
    extension: str
    staff_id: int | None
    staff: str
    rang_at: dt.datetime
    answered: bool
    hung_up_at: dt.datetime | None
    recording: str
    call_id: int | None
    pbx_call_id: str

    @property
    def duration_s(self) -> int | None:
        """How long the call lasted, once it has ended."""
        if self.hung_up_at is None:
            return None
        return max(0, int((self.hung_up_at - self.rang_at).total_seconds()))

    def as_json(self) -> dict:
        return {
            "id": self.id, "number": self.number, "extension": self.extension,
            "staff": self.staff or None, "rang_at": f"{self.rang_at:%Y-%m-%d %H:%M:%S}",
            "answered": self.answered,
            "hung_up_at": f"{self.hung_up_at:%Y-%m-%d %H:%M:%S}" if self.hung_up_at else None,
            "duration_s": self.duration_s, "recording": self.recording, "call_id": self.call_id,
            "pbx_call_id": self.pbx_call_id or None,
        }


def _views(query) -> list[RingView]:
    rows = list(query)
    names = dict(Staff.select(Staff.id, Staff.name).where(
        Staff.id.in_(sorted({r.staff_id for r in rows if r.staff_id is not None}))).tuples()) if rows else {}
    return [
        RingView(r.id, r.number, r.extension, r.staff_id, names.get(r.staff_id, ""), r.rang_at,
                 bool(r.answered), r.hung_up_at, r.recording, r.call_id, r.pbx_call_id)
        for r in rows
    ]


def get_ring(ring_id: int) -> RingView:
    found = _views(Ring.select().where(Ring.id == ring_id))
    if not found:
        raise NotFoundError(_("No ring with id {id}.").format(id=ring_id))
    return found[0]


# --- a session's look --------------------------------------------------------------------


def last_ring_id(staff_id: int) -> int:
    """The newest ring of `staff_id` so far (0 for none): a session pops up only later ones."""
    return Ring.select(Ring.id).where(Ring.staff == staff_id).order_by(Ring.id.desc()).limit(1).scalar() or 0


def rings_for(staff_id: int, after: int, also: frozenset[int] | set[int] = frozenset()) -> list[RingView]:
    """The rings of `staff_id` newer than `after`, and those of `also` again (to see them
    end), oldest first: one look at the (staff, id) index."""
    where = Ring.id > after
    if also:
        where = where | Ring.id.in_(sorted(also))
    return _views(Ring.select().where(Ring.staff == staff_id, where).order_by(Ring.id).limit(RING_BATCH))


def connection_token() -> object | None:
    """What changes when a connection commits, read on this thread's own connection (safe
    in any thread): SQLite's data_version, PostgreSQL's current snapshot (data.changes)."""
    if not is_sqlite():
        from data.changes import pg_token

        return pg_token()
    (version,) = db.connection().execute("PRAGMA data_version").fetchone()
    return version


class RingWatch:
    """What a session polls every RING_POLL_S for its staff member's rings. It reads the
    ring table only when `token` says the database changed since its last look: the
    session passes data.changes.change_token (SQLite's data_version, PostgreSQL's current
    snapshot, on the connection its change poll already uses); the default,
    `connection_token`, is safe in any thread too (the bench's). Thirty idle sessions cost
    thirty pragma reads (PostgreSQL: thirty one-row SELECTs) four times a second. `poll` hands back a ring once when it is new
    and again only when it changed (ended, logged, its recording came)."""

    def __init__(self, staff_id: int, token: Callable[[], object | None] = connection_token) -> None:
        self.staff_id = staff_id
        self._token_of = token
        # The token first: a ring committed after it is seen, one before it is history.
        self._token = token()
        self.after = last_ring_id(staff_id)
        #: Rings to read again at the next look (popped or waiting: to see them end).
        self.watched: set[int] = set()
        self._state: dict[int, tuple] = {}  # what was handed back of each watched ring

    def poll(self) -> list[RingView]:
        """New rings, and watched ones that changed, when anything changed; else []."""
        token = self._token_of()
        if token is not None and token == self._token:
            return []
        self._token = token
        return self.read()

    def read(self) -> list[RingView]:
        found = rings_for(self.staff_id, self.after, self.watched)
        if found:
            self.after = max(self.after, max(r.id for r in found))
        changed = []
        for ring in found:
            state = (ring.hung_up_at, ring.call_id, ring.recording)
            if self._state.get(ring.id) != state:
                self._state[ring.id] = state
                changed.append(ring)
        for gone in set(self._state) - self.watched - {r.id for r in found}:
            del self._state[gone]
        return changed
