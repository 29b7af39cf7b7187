"""Signing in (issue 7): passwords (argon2id, data.passwords), a growing delay after wrong passwords,
OS-login mapping, and the administrator's account actions.

Who a session is: an account whose `os_login` is the SSH login signs in without a password
(sshd has proved who they are); any other account needs its password. After three wrong
passwords in a row each answer waits longer (1, 2, 4 … 30 s); nothing locks an account,
so nobody can lock another out. A password an administrator set is
temporary: it must be changed at the first sign-in. After a successful sign-in the caller
makes the account the acting one with `data.access.act_as`.
"""

from __future__ import annotations

import datetime as dt
import time
from typing import NamedTuple

from data import access, audit, clock
from data.db import transaction
from data.errors import AuthError, NotFoundError, ValidationError
from data.i18n import _
from data.models import Staff
from data.passwords import check_new_password, hash_password, verify_password
from data.staff import StaffInfo, changeable_account, disabled_account, find_account
from data.staff import map_login as map_login  # re-exported: an account action, like the others
from data.staff import staff_info as _info
from data.vocab import STAFF_ROLES, label

#: Wrong passwords in a row answered at once; after them each answer waits 1, 2, 4 … s,
#: at most MAX_DELAY s. Nothing locks an account (anyone could lock anyone out).
FREE_FAILURES = 3
MAX_DELAY = 30
# --- signing in --------------------------------------------------------------------------------


def _when(moment: dt.datetime) -> str:
    """A time as a clerk reads it: the time today, else the date and time."""
    if moment.date() == clock.now().date():
        return f"{moment:%H:%M}"
    return f"{moment:%Y-%m-%d %H:%M}"


def answer_delay(failures: int) -> float:
    """Seconds a password check waits before answering, after `failures` wrong passwords
    in a row: none for the first FREE_FAILURES, then 1, 2, 4 … up to MAX_DELAY."""
    if failures < FREE_FAILURES:
        return 0.0
    return float(min(2 ** (failures - FREE_FAILURES), MAX_DELAY))


#: How a password check waits (tests replace it to count instead of sleeping).
_sleep = time.sleep


def _slow_down(row: Staff) -> None:
    """Wait before answering while the account has wrong passwords in a row (the count is
    in the database, so every process and session sees it)."""
    delay = answer_delay(row.failed_logins or 0)
    if delay:
        _sleep(delay)


def _no_password(row: Staff) -> AuthError:
    return AuthError(_(
        "The account “{login}” has no password yet. Ask an administrator to set one "
        "(frontdesk staff passwd {login}) or to map your OS login to it "
        "(frontdesk staff map-login {login} OS_LOGIN)."
    ).format(login=row.login))


def _record_failure(row: Staff) -> AuthError:
    """Count a wrong password (in the database, so concurrent sessions add up) and record
    it in the audit trail; the error to raise once that is committed."""
    with transaction():
        Staff.update(failed_logins=Staff.failed_logins + 1).where(Staff.id == row.id).execute()
        audit.record("failed", "staff", row.id, "password")
        fresh = Staff.get_by_id(row.id)
    delay = answer_delay(fresh.failed_logins)
    if not delay:
        return AuthError(_("Wrong password for “{login}”.").format(login=row.login))
    return AuthError(_(
        "Wrong password for “{login}”. After {count} wrong passwords in a row, the next "
        "answer waits {seconds} s."
    ).format(login=row.login, count=fresh.failed_logins, seconds=int(delay)))


def _not_by_password(row: Staff) -> AuthError | None:
    """The refusal of an account that never signs in with a password: the built-in
    service account, and service accounts (they sign in by their mapped OS login)."""
    if row.login == access.SYSTEM_LOGIN and row.role == access.SERVICE:
        return AuthError(_("The built-in account “{login}” cannot sign in.").format(login=row.login))
    if row.role == access.SERVICE:
        return AuthError(_(
            "“{login}” is a service account: it signs in only by its mapped OS login "
            "(frontdesk staff map-login {login} OS_LOGIN)."
        ).format(login=row.login))
    return None


def resolve_session(os_login: str | None, requested: str | None) -> tuple[StaffInfo, bool]:
    """The account a session is for, and whether it needs its password.

    `os_login` is the kernel's name of the user (`data.access.os_login`), None for a uid
    without one. The account mapped to it signs in without a password when nothing else
    is requested or the requested login is that account's. Any other requested login (or,
    with none, the account named like the OS login) needs its password. Unknown logins
    raise NotFoundError with the command that adds one; disabled accounts AuthError, and
    so do accounts that never sign in with a password (service accounts).
    The info of a password-free session never asks for a password change.
    """
    os_login = (os_login or "").strip()
    requested = (requested or "").strip() or None
    mapped = Staff.select().where(Staff.os_login == os_login).first() if os_login else None
    if mapped is not None and requested in (None, mapped.login, mapped.os_login):
        if not mapped.active:
            raise disabled_account(mapped.login)
        return _info(mapped)._replace(must_change_password=False), False
    if requested is None and not os_login:
        raise AuthError(_(
            "Your OS user has no login name, so no account is mapped to it: sign in with "
            "--user LOGIN and that account's password."))
    row = find_account(requested or os_login)
    if not row.active:
        raise disabled_account(row.login)
    refusal = _not_by_password(row)
    if refusal is not None:
        raise refusal
    return _info(row), True


def authenticate(login: str, password: str) -> StaffInfo:
    """The account, if `password` is its password; else AuthError saying why. After
    FREE_FAILURES wrong passwords in a row, each answer waits longer (1, 2, 4 … s, at most
    MAX_DELAY): nobody can lock an account, but guessing gets slow. Every wrong password
    is recorded in the audit trail; a right one resets the count. `must_change_password`
    on the result means the caller must have the password changed before anything else."""
    row = find_account(login)
    if not row.active:
        raise disabled_account(row.login)
    refusal = _not_by_password(row)
    if refusal is not None:
        raise refusal
    if not row.password_hash:
        raise _no_password(row)
    _slow_down(row)
    if not verify_password(row.password_hash, password or ""):
        raise _record_failure(row)
    if row.failed_logins or row.locked_until is not None:
        with transaction():
            Staff.update(failed_logins=0, locked_until=None).where(Staff.id == row.id).execute()
    return _info(row)


def change_password(staff_id: int, old: str | None, new: str) -> StaffInfo:
    """Replace one's own password (`old` is checked when the account has one; an account
    signed in by its OS login without a password sets its first one). Clears the
    temporary flag, the failure count and any lock."""
    row = Staff.get_or_none(Staff.id == staff_id)
    if row is None:
        raise NotFoundError(_("No such staff account."))
    if not row.active:
        raise disabled_account(row.login)
    if row.password_hash:
        _slow_down(row)
        if not verify_password(row.password_hash, old or ""):
            raise _record_failure(row)
    check_new_password(row.login, new, old if row.password_hash else None)
    return _store_password(row, new, temporary=False)


def _store_password(row: Staff, new: str, *, temporary: bool) -> StaffInfo:
    """Hash and store a checked password; clears failures and any lock."""
    new_hash = hash_password(new)
    with transaction():
        Staff.update(password_hash=new_hash, must_change_password=temporary, failed_logins=0,
                     locked_until=None).where(Staff.id == row.id).execute()
        row = Staff.get_by_id(row.id)
    return _info(row)


# --- the administrator's account actions --------------------------------------------------------


def set_password(login: str, new: str, *, by_staff_id: int | None, temporary: bool = True) -> StaffInfo:
    """An administrator sets `login`'s password; a temporary one (the default) must be
    changed at the next sign-in. Also lifts a lock."""
    access.require("staff.manage", by_staff_id)
    row = changeable_account(login)
    check_new_password(row.login, new)
    return _store_password(row, new, temporary=temporary)


def disable(login: str, by: int | None) -> StaffInfo:
    """An administrator disables an account: it can no longer sign in (its records stay)."""
    access.require("staff.manage", by)
    row = changeable_account(login)
    me = access.actor_for(by)
    if me is not None and me.id == row.id:
        raise ValidationError("login", _(
            "You cannot disable your own account; ask another administrator."))
    with transaction():
        Staff.update(active=False).where(Staff.id == row.id).execute()
        row = Staff.get_by_id(row.id)
    return _info(row)


def enable(login: str, by: int | None) -> StaffInfo:
    """An administrator enables a disabled account again, and lifts any lock."""
    access.require("staff.manage", by)
    row = changeable_account(login)
    with transaction():
        Staff.update(active=True, failed_logins=0, locked_until=None).where(
            Staff.id == row.id).execute()
        row = Staff.get_by_id(row.id)
    return _info(row)


# --- listing ------------------------------------------------------------------------------------


class Account(NamedTuple):
    """A staff account as `frontdesk staff list` shows it."""

    login: str
    name: str
    role: str
    phone: str
    os_login: str | None
    active: bool
    locked_until: dt.datetime | None
    has_password: bool
    must_change_password: bool
    extension: str | None = None  # the phone extension (分机) of the caller-ID pop-up

    @property
    def role_label(self) -> str:
        return label(STAFF_ROLES, self.role)

    @property
    def state(self) -> str:
        """Disabled, locked until …, temporary password, no password, or empty."""
        if not self.active:
            return _("disabled")
        if self.locked_until is not None:
            return _("locked until {until}").format(until=_when(self.locked_until))
        if not self.has_password:
            return _("no password") if not self.os_login else ""
        if self.must_change_password:
            return _("temporary password")
        return ""


def accounts() -> list[Account]:
    """Every staff account by login, with its sign-in state (a lock only while it holds)."""
    now = clock.now()
    return [
        Account(row.login, row.name, row.role, row.phone, row.os_login, bool(row.active),
                row.locked_until if row.locked_until and row.locked_until > now else None,
                bool(row.password_hash), bool(row.must_change_password), row.extension)
        for row in Staff.select().order_by(Staff.login)
    ]


def has_admin() -> bool:
    """Is there an active administrator? Until there is, `staff add` runs without an
    account, so that the first one can be added, and so do `migrate`, `restore` and `copy`
    (a new database has nobody to sign in as). False for a database without tables."""
    from data.db import db

    if Staff._meta.table_name not in db.get_tables():
        return False
    return Staff.select().where((Staff.role == "admin") & (Staff.active == True)).exists()  # noqa: E712


def has_password(staff_id: int) -> bool:
    """Has the account a password (else it signs in by its OS login only)?"""
    return Staff.select().where((Staff.id == staff_id) & Staff.password_hash.is_null(False)).exists()
