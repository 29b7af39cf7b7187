"""Calendar reminders (issue 6): which reminders are due, and their delivery — to each
attendee's inbox once per occurrence, and through the `frontdesk remind --hook` command
(recorded as sent only when the hook succeeded, so a failed run is tried again).
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import shlex
import subprocess
from dataclasses import dataclass

from data.clock import now as clock_now
from data.db import transaction
from data.events import expand_slots, logins_by_event
from data.i18n import _
from data.models import Event, Notification, ReminderDelivery
from data.validators import show_controls

log = logging.getLogger(__name__)

#: Seconds a reminder hook may run.
HOOK_TIMEOUT_S = 30
#: Longest reminder lead time: seven days before.
MAX_REMINDER_MINUTES = 7 * 24 * 60
#: Reminder delivery channels: the staff member's inbox, and the `remind --hook` command.
INBOX, HOOK = "inbox", "hook"
#: A hook delivery claimed this long ago and never finished (its run died) is tried again.
HOOK_CLAIM_STALE_S = 2 * HOOK_TIMEOUT_S


@dataclass(frozen=True)
class Reminder:
    """A reminder due for one attendee of one occurrence."""

    event_id: int
    start: dt.datetime
    end: dt.datetime
    title: str
    location: str
    staff_id: int
    login: str
    minutes: int
    dedupe_key: str


def due_reminders(at: dt.datetime | None = None) -> list[Reminder]:
    """Reminders due at `at` (default now): for every event with a reminder, its next
    occurrence if that starts within its reminder minutes, one per attendee — never more
    than one per event and person, however often the event repeats."""
    from peewee import fn

    at = at or clock_now()
    longest = Event.select(fn.MAX(Event.reminder_minutes)).where(
        Event.reminder_minutes.is_null(False)).scalar()
    if longest is None:
        return []
    longest = min(longest, MAX_REMINDER_MINUTES)
    slots = expand_slots(None, at, at + dt.timedelta(minutes=longest, seconds=1),
                   extra=Event.reminder_minutes.is_null(False), next_only=True)
    slots = [s for s in slots
             if at <= s.start <= at + dt.timedelta(minutes=min(s.row.reminder_minutes,
                                                               MAX_REMINDER_MINUTES))]
    people = logins_by_event(sorted({s.row.id for s in slots}))
    out = []
    seen: set[tuple[int, int]] = set()
    for s in slots:  # by start: the first slot of an event is its next occurrence
        key_id = s.series_id or s.row.id
        for sid, login, _name in people.get(s.row.id, ()):
            if (key_id, sid) in seen:
                continue
            seen.add((key_id, sid))
            out.append(Reminder(
                event_id=s.row.id, start=s.start, end=s.end, title=s.row.title,
                location=s.row.location, staff_id=sid, login=login,
                minutes=s.row.reminder_minutes,
                dedupe_key=f"reminder:{key_id}:{s.start:%Y%m%dT%H%M}:{sid}"))
    return out


_PLACEHOLDER = re.compile(r"\{(login|title|start)\}")


def hook_args(hook: str, reminder: Reminder) -> list[str]:
    """The hook's argument list for `reminder`: the command split like a shell would (never
    run by one), each {login} {title} {start} replaced in one pass (so a title's own
    braces stay as typed); a command without placeholders gets `-- LOGIN TITLE START`
    appended. ValueError when the command line does not split."""
    values = {"login": reminder.login, "title": reminder.title,
              "start": f"{reminder.start:%Y-%m-%d %H:%M}"}
    args = shlex.split(hook)
    if not args:
        raise ValueError(_("the hook command is empty"))
    if any(_PLACEHOLDER.search(arg) for arg in args):
        return [_PLACEHOLDER.sub(lambda m: values[m.group(1)], arg) for arg in args]
    return [*args, "--", values["login"], values["title"], values["start"]]


def _run_hook(hook: str, reminder: Reminder) -> str:
    """Run the hook for one reminder: "" when it succeeded, else why not (one line)."""
    try:
        args = hook_args(hook, reminder)
        done = subprocess.run(args, capture_output=True, timeout=HOOK_TIMEOUT_S, check=False,
                              stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        return _("did not finish within {seconds} s").format(seconds=HOOK_TIMEOUT_S)
    except FileNotFoundError as exc:
        return _("command not found: {program}").format(program=str(exc.filename or hook)[:80])
    except (OSError, ValueError, subprocess.SubprocessError) as exc:
        return str(exc)[:200]
    if done.returncode != 0:
        first = next((line.strip() for line in done.stderr.decode(errors="replace").splitlines()
                      if line.strip()), "")
        return (_("exited with status {status}").format(status=done.returncode)
                + (f": {show_controls(first)[:120]}" if first else ""))
    return ""


@dataclass(frozen=True)
class HookFailure:
    """A reminder whose hook run failed: it is tried again at the next run."""

    login: str
    title: str
    start: dt.datetime
    error: str


@dataclass(frozen=True)
class ReminderRun:
    """What one reminder run did: inbox notifications newly sent, hook runs that succeeded,
    and the hook runs that failed."""

    sent: int
    hooked: int = 0
    failed: tuple[HookFailure, ...] = ()


def _deliver_inbox(r: Reminder, at: dt.datetime) -> bool:
    """The inbox delivery of `r`, once however many processes try; True when this call made it."""
    from data.notifications import event_subject, mask_numbers

    with transaction():
        claimed = ReminderDelivery.insert(
            key=r.dedupe_key, channel=INBOX, staff=r.staff_id, event=r.event_id,
            occurrence=r.start, state="sent", attempts=1, updated_at=at,
        ).on_conflict_ignore().as_rowcount().execute()
        if not claimed:
            return False
        about = event_subject(r.event_id)
        title = f"{r.title} · {about}" if about and about not in r.title else r.title
        Notification.insert(
            staff=r.staff_id, kind="reminder", title=mask_numbers(title)[:200],
            body=mask_numbers(_("{start} {title} {location}").format(
                start=f"{r.start:%Y-%m-%d %H:%M}", title=r.title, location=r.location).strip()),
            entity="event", entity_id=r.event_id, dedupe_key=r.dedupe_key, created_at=at,
        ).on_conflict_ignore().execute()
    return True


def _claim_hook(r: Reminder, at: dt.datetime) -> bool:
    """Claim the hook delivery of `r` for this run: True when it is not yet sent and no other
    run is at it (a failed one, or one claimed long ago by a run that died, is claimed again)."""
    stale = at - dt.timedelta(seconds=HOOK_CLAIM_STALE_S)
    with transaction():
        claimed = ReminderDelivery.insert(
            key=r.dedupe_key, channel=HOOK, staff=r.staff_id, event=r.event_id,
            occurrence=r.start, state="pending", attempts=1, updated_at=at,
        ).on_conflict_ignore().as_rowcount().execute()
        if claimed:
            return True
        return bool(ReminderDelivery.update(
            state="pending", attempts=ReminderDelivery.attempts + 1, updated_at=at,
        ).where(ReminderDelivery.key == r.dedupe_key, ReminderDelivery.channel == HOOK,
                (ReminderDelivery.state == "failed")
                | ((ReminderDelivery.state == "pending") & (ReminderDelivery.updated_at < stale))
                ).execute())


def run_reminders(at: dt.datetime | None = None, hook: str | None = None) -> ReminderRun:
    """Deliver the due reminders: to every attendee's inbox once per occurrence, and with
    `hook` (placeholders {login} {title} {start}, else those three appended after `--`)
    through the hook once per occurrence too — recorded as sent only when the hook
    succeeded, so a failed run is tried again at the next one. The two channels keep
    separate records: a session filling the inbox (hook None) leaves the hook's delivery
    to `frontdesk remind --hook`. Safe to run from many processes at once."""
    at = at or clock_now()
    sent = hooked = 0
    failed: list[HookFailure] = []
    for r in due_reminders(at):
        if _deliver_inbox(r, at):
            sent += 1
        if not hook or not _claim_hook(r, at):
            continue
        error = _run_hook(hook, r)
        with transaction():
            ReminderDelivery.update(
                state="failed" if error else "sent", error=error[:200], updated_at=clock_now(),
            ).where(ReminderDelivery.key == r.dedupe_key, ReminderDelivery.channel == HOOK).execute()
        if error:
            log.warning("reminder hook for %s failed: %s", r.login, error)
            failed.append(HookFailure(r.login, r.title, r.start, error))
        else:
            hooked += 1
    return ReminderRun(sent, hooked, tuple(failed))


def send_reminders(at: dt.datetime | None = None, hook: str | None = None) -> int:
    """`run_reminders`, counting the inbox notifications newly sent (what a session's sweep
    needs to know)."""
    return run_reminders(at, hook).sent
