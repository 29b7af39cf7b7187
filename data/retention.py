"""Retention of personal data (个人信息保护法 art. 19: kept no longer than its purpose needs):
the periods, the purgers that blank or delete what is older, and the record of every run.

- `PERIODS`: each kind of personal data with a period, its setting (`frontdesk settings
  set retention_…_days N`, data.settings) and its default in days.
- `REGISTRY`: name → `Purger`, the function `purge(before: datetime) -> int` (rows purged)
  and the period it follows. A register that keeps personal data adds its purger with one
  line at the end of this module (a "module:function" path is imported when the purge
  runs, so this module imports none of them):

      register("visitors", "retention_visitor_days", "data.registers.visitors:purge_visitor_details")

  A purger changes rows only, in the transaction it is called in (a dry run rolls that
  back), and keeps the record itself where the record is still needed (a call stays in the
  log; only its recording reference goes).
- `purge(dry_run=False)`: runs every purger with its cut-off (now − its period), each in its
  own transaction with its `PurgeRun` row (when, what, how many, which account: audited
  like every write); administrators and service accounts only (access "retention.purge").
"""

from __future__ import annotations

import datetime as dt
import importlib
from collections.abc import Callable
from dataclasses import dataclass

from peewee import JOIN

from data import access
from data.clock import now as clock_now
from data.db import transaction
from data.errors import ValidationError
from data.i18n import N_, _
from data.models import Call, PurgeRun, Ring, Setting, Staff

#: The longest period a setting may give (ten years).
LONGEST_DAYS = 3650


@dataclass(frozen=True)
class Period:
    """How long one kind of personal data is kept."""

    setting: str  # the data.settings key
    default_days: int
    what: str  # N_(): the data it covers, translated where shown


#: Every retention period, by setting. Defaults: visitors' ID numbers and plates 180 days
#: (half a year: long enough to answer for an incident at the gate, the common practice of
#: access-control registers); call recording references 365 days (a year: a complaint about
#: a call, and the yearly service review, can still hear it).
PERIODS: dict[str, Period] = {p.setting: p for p in (
    Period("retention_visitor_days", 180, N_("visitors' ID numbers and plates")),
    Period("retention_recording_days", 365, N_("call recording references")),
)}


PurgeFunction = Callable[[dt.datetime], int]


@dataclass(frozen=True)
class Purger:
    """One purger: `function(before)` purges what is older than `before`, returns how many."""

    name: str
    setting: str  # a PERIODS key
    function: PurgeFunction | str  # or "module:function", imported when the purge runs

    def resolve(self) -> PurgeFunction:
        if callable(self.function):
            return self.function
        module, _sep, name = self.function.partition(":")
        found: PurgeFunction = getattr(importlib.import_module(module), name)
        return found


REGISTRY: dict[str, Purger] = {}


def register(name: str, setting: str, function: PurgeFunction | str) -> None:
    """Add (or replace) the purger `name`, following the period of `setting`."""
    if setting not in PERIODS:
        raise ValueError(f"no retention period {setting!r}: add it to data.retention.PERIODS")
    REGISTRY[name] = Purger(name, setting, function)


@dataclass(frozen=True)
class PurgeResult:
    """What one purger did (or, in a dry run, would do)."""

    name: str
    what: str  # translated
    days: int
    cutoff: dt.datetime
    purged: int
    dry_run: bool

    def as_json(self) -> dict:
        return {"name": self.name, "what": self.what, "days": self.days,
                "before": f"{self.cutoff:%Y-%m-%d %H:%M}", "purged": self.purged,
                "dry_run": self.dry_run}


@dataclass(frozen=True)
class PurgeRunRow:
    """One recorded run of one purger."""

    at: dt.datetime
    name: str
    days: int
    cutoff: dt.datetime
    purged: int
    login: str  # the account that ran it

    def as_json(self) -> dict:
        return {"at": f"{self.at:%Y-%m-%d %H:%M:%S}", "name": self.name, "days": self.days,
                "before": f"{self.cutoff:%Y-%m-%d %H:%M}", "purged": self.purged,
                "staff": self.login}


# --- periods --------------------------------------------------------------------------------


def check_days(value: str, key: str) -> str:
    """A period setting as stored: a whole number of days, 1 to LONGEST_DAYS ("" = default)."""
    text = value.strip()
    if not text:
        return ""
    if not text.isdigit() or not 1 <= int(text) <= LONGEST_DAYS:
        raise ValidationError(key, _("Give the period in whole days, from 1 to {most} (the "
                                     "default is {default}).").format(
                                         most=LONGEST_DAYS, default=PERIODS[key].default_days))
    return str(int(text))


def period_days(setting: str) -> int:
    """The period of `setting` in days: the stored setting, else its default. A stored value
    that is not a sane number (written by hand into the table) counts as the default."""
    period = PERIODS[setting]
    value = Setting.select(Setting.value).where(Setting.key == setting).scalar()
    try:
        days = int(value)
    except (TypeError, ValueError):
        return period.default_days
    return days if 1 <= days <= LONGEST_DAYS else period.default_days


# --- purging ------------------------------------------------------------------------------------


def purge(*, dry_run: bool = False, staff_id: int | None = None,
          at: dt.datetime | None = None) -> list[PurgeResult]:
    """Run every registered purger, in name order, each in its own transaction with its
    PurgeRun row. `dry_run` counts what would go and rolls everything back: nothing changes
    and nothing is recorded. Administrators and service accounts only."""
    access.require("retention.purge", staff_id)
    staff_id = staff_id if staff_id is not None else access.current_id()
    at = at or clock_now()
    results = []
    for name in sorted(REGISTRY):
        purger = REGISTRY[name]
        days = period_days(purger.setting)
        cutoff = at - dt.timedelta(days=days)
        function = purger.resolve()
        with transaction() as txn:
            count = int(function(cutoff))
            if dry_run:
                txn.rollback()
            else:
                PurgeRun.create(at=at, name=name, days=days, cutoff=cutoff, purged=count,
                                staff=staff_id)
        results.append(PurgeResult(name, _(PERIODS[purger.setting].what), days, cutoff, count,
                                   dry_run))
    return results


def purge_history(limit: int = 50, staff_id: int | None = None) -> list[PurgeRunRow]:
    """The latest recorded purge runs, newest first (who may purge may read them)."""
    access.require("retention.purge", staff_id)
    rows = (PurgeRun.select(PurgeRun, Staff.login)
            .join(Staff, JOIN.LEFT_OUTER, on=(PurgeRun.staff == Staff.id))
            .order_by(PurgeRun.at.desc(), PurgeRun.id.desc()).limit(max(1, min(limit, 500)))
            .objects())
    return [PurgeRunRow(r.at, r.name, r.days, r.cutoff, r.purged,
                        getattr(r, "login", None) or _("system")) for r in rows]


# --- the purgers of this module ---------------------------------------------------------------------


def purge_call_recordings(before: dt.datetime) -> int:
    """Blank the recording reference of every call that started before `before`: the call
    stays in the log (who, when, what about), its recording can no longer be found from it.
    The audit trail keeps no recording reference (data.audit: a secret column). The ring
    the call came from keeps its own copy: `purge_ring_recordings` blanks that one."""
    return (Call.update(recording="")
            .where(Call.started_at < before, Call.recording != "")
            .execute())


def purge_ring_recordings(before: dt.datetime) -> int:
    """Blank the recording reference the phone system reported on every ring (the caller-ID
    pop-up, data.calls.ringing) that rang before `before`: the same reference the logged
    call holds, kept on the ring too; the ring stays (when, which extension, answered)."""
    return (Ring.update(recording="")
            .where(Ring.rang_at < before, Ring.recording != "")
            .execute())


register("recordings", "retention_recording_days", purge_call_recordings)
register("ring_recordings", "retention_recording_days", purge_ring_recordings)
# The registers' purgers, by path (imported when the purge runs).
register("visitors", "retention_visitor_days", "data.registers.visitors:purge_visitor_details")
