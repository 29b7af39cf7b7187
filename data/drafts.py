"""Drafts: a form's typed but unsaved values, kept for one staff member when their session
hung up (SIGHUP over SSH) and offered back at their next sign-in (issue 8)."""

from __future__ import annotations

import datetime as dt
import json
import logging
import threading
from dataclasses import dataclass
from typing import Any

from data.clock import now as clock_now
from data.db import close_database, transaction
from data.models import Draft
from data.validators import show_controls

log = logging.getLogger(__name__)

#: Drafts offered back at sign-in, newest first; older ones wait their turn.
LIST_LIMIT = 20
TITLE_LENGTH = 200
KEY_LENGTH = 40
#: How long a hang-up waits for the drafts to be written before the app leaves anyway.
WRITE_TIMEOUT_S = 15.0

#: One form's draft as the hang-up finds it: key, title, values, context.
Found = tuple[str, str, dict[str, str], dict[str, Any]]


@dataclass(frozen=True)
class DraftView:
    """One kept draft, as the sign-in offer shows and restores it."""

    id: int
    form_key: str
    title: str
    values: dict[str, str]
    context: dict[str, Any]
    created_at: dt.datetime


def _text(value: object) -> str:
    # Kept as typed, but a control character (other than tab and newline) is stored as its
    # picture (␛): a draft keeps what was typed without letting an escape sequence in.
    return show_controls("" if value is None else str(value))


def save_draft(staff_id: int, form_key: str, title: str, values: dict[str, str],
               context: dict[str, Any] | None = None) -> int:
    """Keep what a form holds for `staff_id`; returns the draft's id. Never refuses the
    typed text: it is what would otherwise be lost."""
    row = {
        "staff": staff_id,
        "form_key": form_key[:KEY_LENGTH],
        "title": _text(title)[:TITLE_LENGTH],
        "values": json.dumps({str(k): _text(v) for k, v in values.items()}, ensure_ascii=False),
        "context": json.dumps(context or {}, ensure_ascii=False, default=str),
        "created_at": clock_now(),
    }
    with transaction():
        return Draft.insert(**row).execute()


def save_drafts_apart(staff_id: int, found: list[Found], timeout: float = WRITE_TIMEOUT_S) -> int:
    """Keep `found` as drafts of `staff_id`, written from a thread of its own with its own
    database connection (a hang-up must neither join nor disturb a transaction the
    interrupted code holds open); returns how many were written within `timeout` seconds.
    One draft that cannot be written does not cost the others."""
    written: list[int] = []

    def write() -> None:
        try:
            for key, title, values, context in found:
                try:
                    written.append(save_draft(staff_id, key, title, values, context))
                except Exception:  # one bad draft must not cost the others
                    log.exception("could not keep the draft of %r", title)
        finally:
            close_database()

    if found:
        thread = threading.Thread(target=write, name="frontdesk-drafts", daemon=True)
        thread.start()
        thread.join(timeout)
    return len(written)


def _view(row: Draft) -> DraftView:
    def load(text: str) -> dict:
        try:
            value = json.loads(text or "{}")
        except ValueError:
            return {}
        return value if isinstance(value, dict) else {}

    return DraftView(row.id, row.form_key, row.title, load(row.values), load(row.context),
                     row.created_at)


def drafts(staff_id: int, limit: int = LIST_LIMIT) -> list[DraftView]:
    """The staff member's drafts, newest first."""
    query = (Draft.select().where(Draft.staff == staff_id)
             .order_by(Draft.created_at.desc(), Draft.id.desc()).limit(limit))
    return [_view(row) for row in query]


def count(staff_id: int) -> int:
    """How many drafts the staff member has."""
    return Draft.select().where(Draft.staff == staff_id).count()


def discard(draft_id: int, staff_id: int) -> bool:
    """Delete one of the staff member's own drafts (restored or not wanted); False when it
    is not theirs or already gone."""
    with transaction():
        return Draft.delete().where(Draft.id == draft_id, Draft.staff == staff_id).execute() == 1
