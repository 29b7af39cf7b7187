"""The caller-ID pop-up (来电弹屏, issue 16 item 10): what the phone system reports, and what a
desk session watches.

The phone system runs, as a service account (`calls.ring` in data.access):

- `ring` when a call is answered at an extension (so a queue rings whoever is free): the
  ring is recorded for the staff member whose extension it is, and their session opens the
  calls screen with the caller matched and the timer running (`RingWatch`);
- `hangup` when it ends: the ring keeps the recording reference (a file name or an
  http(s) address, never fetched), and so does the call the clerk logged for it — now, or
  when they log it later (`data.calls.log.log_call` with `ring_id`);
- `missed` when a call rang and nobody answered: it is logged as a missed call (未接)
  with a callback due, so it shows among the callbacks and counts as unanswered in the
  statistics.

Everything the phone system sends is hostile until checked: the number goes through
`normalize_number` (a withheld number is empty), the extension is 2–8 ASCII digits, the
phone system's call id and the recording reference are short plain ASCII; control
characters are refused, never stored.
"""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import urlsplit

from data import access
from data.calls.log import MAX_DURATION_S
from data.calls.numbers import matching_staff, normalize_number, unique_person
from data.clock import now as clock_now
from data.db import transaction
from data.errors import NotFoundError, ValidationError
from data.i18n import _
from data.models import Call, Ring, Staff
from data.ring_watch import RING_POLL_S, RingView, RingWatch, get_ring, last_ring_id, rings_for
from data.validators import check_extension, clean_text, show_controls

#: A missed call's callback is due this long after it rang.
MISSED_CALLBACK_AFTER = dt.timedelta(minutes=15)
#: The longest recording reference kept (the Call and Ring columns hold 300).
MAX_RECORDING = 300

#: The phone system's own id of a call (Asterisk's ${UNIQUEID} is like 1718680712.42).
PBX_CALL_ID_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
#: A recording given as a plain file name (no folder, nothing hidden).
_FILE_NAME_RE = re.compile(r"[A-Za-z0-9_][A-Za-z0-9._+-]{0,199}")
#: The characters an http(s) address may be written with (RFC 3986), nothing else.
_URL_RE = re.compile(r"[A-Za-z0-9._~:/?#\[\]@!$&'()*+,;=%-]+")
#: What some phone systems send instead of a withheld caller's number.
_WITHHELD = frozenset({"anonymous", "unknown", "private", "restricted", "unavailable", "withheld"})


# --- what the phone system sends, checked ------------------------------------------------------


def _shown(text: str) -> str:
    """Refused input quoted in a message: short, its control characters made visible."""
    return show_controls(text.strip()[:40], keep="")


def check_pbx_call_id(text: object, field: str = "call_id") -> str:
    """The phone system's id of a call: up to 64 letters, digits, '.', '_' or '-'; "" for none."""
    if text is None or (isinstance(text, str) and not text.strip()):
        return ""
    if not isinstance(text, str):
        raise ValidationError(field, _("Expected text."))
    value = clean_text(text, field, max_length=64)
    if not PBX_CALL_ID_RE.fullmatch(value):
        raise ValidationError(field, _(
            "A call id is up to 64 letters, digits, '.', '_' or '-', such as 1718680712.42; "
            "“{text}” is not one.").format(text=_shown(text)))
    return value


def check_recording(text: object, field: str = "recording") -> str:
    """A recording reference: an http(s) address (no user name or password in it) or a
    plain file name such as 20250618-101500-801.wav; "" for none. It is only kept and
    shown, never fetched or opened."""
    if text is None or (isinstance(text, str) and not text.strip()):
        return ""
    if not isinstance(text, str):
        raise ValidationError(field, _("Expected text."))
    value = clean_text(text, field, max_length=MAX_RECORDING)
    refusal = ValidationError(field, _(
        "A recording is an http:// or https:// address or a plain file name such as "
        "20250618-101500-801.wav; “{text}” is neither.").format(text=_shown(text)))
    if ":" in value or "/" in value:
        try:
            parts = urlsplit(value)
            host = parts.hostname
            credentials = parts.username is not None or parts.password is not None
        except ValueError:
            raise refusal from None
        if (parts.scheme.lower() not in ("http", "https") or not host or credentials
                or not value.lower().startswith(("http://", "https://")) or not _URL_RE.fullmatch(value)):
            raise refusal
        return value
    if not _FILE_NAME_RE.fullmatch(value) or ".." in value:
        raise refusal
    return value


def ring_number(text: object) -> str:
    """The caller's number as the phone system gave it, normalised (`normalize_number`);
    "" when the caller withheld it (empty, or a word like "anonymous")."""
    if text is None or (isinstance(text, str) and not text.strip()):
        return ""
    if not isinstance(text, str):
        raise ValidationError("number", _("Expected text."))
    value = clean_text(text, "number", max_length=40)
    if value.casefold() in _WITHHELD:
        return ""
    return normalize_number(value)


def staff_at_extension(extension: str, field: str = "extension") -> Staff:
    """The active staff member whose extension it is (NotFoundError saying how to set it)."""
    row = Staff.get_or_none(Staff.extension == extension)
    if row is None or not row.active:
        raise NotFoundError(_(
            "No active staff member has extension {ext}. An administrator sets it with:\n"
            "  frontdesk staff set-extension LOGIN {ext}").format(ext=extension))
    return row


def _acting_account_id() -> int:
    """Who a missed call is logged by when it rang at no one's extension: the acting
    (service) account, else the built-in one."""
    actor = access.current()
    if actor is not None:
        return actor.id
    from data.staff import system_account

    system = system_account()
    if system is None:
        raise NotFoundError(_("No service account to log the missed call as."))
    return system.id


# --- the phone system's reports ----------------------------------------------------------------


def ring(number: str, extension: str, *, pbx_call_id: str = "",
         at: dt.datetime | None = None) -> RingView:
    """The call from `number` was answered at `extension`: recorded for its staff member,
    whose session pops it up. A report the phone system repeats (same call id and
    extension) is recorded once."""
    access.require("calls.ring")
    number = ring_number(number)
    extension = check_extension(extension)
    call_id = check_pbx_call_id(pbx_call_id)
    staff = staff_at_extension(extension)
    at = at or clock_now()
    with transaction():
        if call_id:
            seen = Ring.select(Ring.id).where(Ring.pbx_call_id == call_id, Ring.extension == extension,
                                              Ring.answered == True).first()  # noqa: E712
            if seen is not None:
                return get_ring(seen.id)
        row = Ring.create(number=number, extension=extension, staff=staff.id, rang_at=at,
                          answered=True, pbx_call_id=call_id)
    return get_ring(row.id)


def hangup(extension: str, *, recording: str = "", pbx_call_id: str = "",
           at: dt.datetime | None = None) -> RingView:
    """The call answered at `extension` ended (the one with `pbx_call_id`, else the latest
    one going on there): stamped, with its recording reference — kept on the call the clerk
    logged for it too (with the talk time the phone system measured), or on the one they
    log later. Repeating it changes nothing but a recording reference not given before."""
    access.require("calls.ring")
    extension = check_extension(extension)
    recording = check_recording(recording)
    call_id = check_pbx_call_id(pbx_call_id)
    at = at or clock_now()
    with transaction():
        query = Ring.select().where(Ring.extension == extension, Ring.answered == True)  # noqa: E712
        if call_id:
            row = query.where(Ring.pbx_call_id == call_id).order_by(Ring.id.desc()).first()
        else:
            row = query.where(Ring.hung_up_at.is_null()).order_by(Ring.id.desc()).first()
        if row is None:
            raise NotFoundError(_("No call is going on at extension {ext}{which}.").format(
                ext=extension, which=_(" with call id {id}").format(id=call_id) if call_id else ""))
        ended = row.hung_up_at or max(at, row.rang_at)
        kept = row.recording or recording
        Ring.update(hung_up_at=ended, recording=kept).where(Ring.id == row.id).execute()
        if row.call_id is not None:
            changes: dict = {}
            if kept:
                changes[Call.recording] = kept
            if row.hung_up_at is None:
                changes[Call.duration_s] = min(MAX_DURATION_S, int((ended - row.rang_at).total_seconds()))
            if changes:
                Call.update(changes).where(Call.id == row.call_id).execute()
    return get_ring(row.id)


def missed(number: str, extension: str = "", *, pbx_call_id: str = "",
           at: dt.datetime | None = None) -> tuple[RingView, int]:
    """A call rang and nobody answered (at `extension`, or in a queue when none is given):
    logged as a missed inbound call (未接) with a callback due MISSED_CALLBACK_AFTER later,
    for the extension's staff member (else for anyone: unassigned) — unless the caller
    withheld the number, which nobody can call back. Returns the ring and the call's id;
    a report the phone system repeats (same call id) is logged once."""
    access.require("calls.ring")
    number = ring_number(number)
    extension = check_extension(extension) if (extension or "").strip() else ""
    call_id = check_pbx_call_id(pbx_call_id)
    staff = staff_at_extension(extension) if extension else None
    at = at or clock_now()
    logged_by = staff.id if staff is not None else _acting_account_id()
    person_id = caller_staff = None
    if number:
        person_id = unique_person(number)
        colleague = matching_staff(number)
        caller_staff = colleague.id if colleague else None
    summary = (_("Missed call at extension {ext}: nobody answered.").format(ext=extension) if extension
               else _("Missed call: nobody answered."))
    with transaction():
        if call_id:
            seen = Ring.select(Ring.id, Ring.call).where(
                Ring.pbx_call_id == call_id, Ring.answered == False).first()  # noqa: E712
            if seen is not None:
                return get_ring(seen.id), seen.call_id
        call = Call.create(
            direction="in", number=number, person=person_id, caller_staff=caller_staff,
            staff=logged_by, started_at=at, duration_s=0, category="other", summary=summary,
            outcome="missed", callback_due=at + MISSED_CALLBACK_AFTER if number else None,
            callback_assignee=staff.id if (staff is not None and number) else None,
        )
        row = Ring.create(number=number, extension=extension, staff=staff.id if staff else None,
                          rang_at=at, answered=False, hung_up_at=at, call=call.id,
                          pbx_call_id=call_id)
    return get_ring(row.id), call.id


__all__ = [
    "MISSED_CALLBACK_AFTER", "RING_POLL_S", "RingView", "RingWatch", "check_extension",
    "check_pbx_call_id", "check_recording", "get_ring", "hangup", "last_ring_id", "missed",
    "ring", "ring_number", "rings_for", "staff_at_extension",
]
