"""Staff accounts: lookup of the signed-in member, adding and listing accounts, and mapping
an OS login to an account.

Signing in with a password, locking and the administrator's other account actions are in
`data.auth` (which builds on this module, never the other way round).
"""

from __future__ import annotations

import re
from typing import NamedTuple

from peewee import IntegrityError

from data import access
from data.db import transaction
from data.errors import AuthError, NotFoundError, ValidationError
from data.i18n import _
from data.models import Staff
from data.passwords import check_new_password, hash_password
from data.validators import check_extension, clean_text, normalize_phone
from data.vocab import STAFF_ROLES, label

#: A FrontDesk login: ASCII letters, digits, '.', '_' and '-' only.
LOGIN_PATTERN = re.compile(r"[A-Za-z0-9._-]+", re.ASCII)
_OS_LOGIN = re.compile(r"^[A-Za-z0-9._][A-Za-z0-9._-]{0,31}\$?$")


class StaffInfo(NamedTuple):
    """A staff member as the screens see them."""

    id: int
    login: str
    name: str
    role: str
    phone: str
    community_id: int | None
    #: The password is a temporary one an administrator set: change it before working.
    must_change_password: bool = False

    @property
    def role_label(self) -> str:
        return label(STAFF_ROLES, self.role)


def staff_info(row: Staff) -> StaffInfo:
    """The screens' view of an account row."""
    return StaffInfo(row.id, row.login, row.name, row.role, row.phone, row.community_id,
                     bool(row.must_change_password))


def unknown_login(login: str) -> NotFoundError:
    """The refusal of a login that has no account, with the command that adds one."""
    return NotFoundError(
        _(
            "No staff account for login “{login}”. An administrator adds one with:\n"
            "  frontdesk staff add {login} --name 姓名 --role desk\n"
            "(roles: desk, tech, supervisor, manager, admin), then you can sign in."
        ).format(login=login)
    )


def disabled_account(login: str) -> AuthError:
    """The refusal of a disabled account."""
    return AuthError(
        _("The staff account “{login}” is disabled. Ask an administrator.").format(login=login)
    )


def find_account(login: str) -> Staff:
    """The account row for a FrontDesk login (else one whose OS login is mapped to it),
    or NotFoundError saying how to add it. Disabled accounts are returned too."""
    login = (login or "").strip()
    row = (
        Staff.select().where(Staff.login == login).first()
        or Staff.select().where(Staff.os_login == login).first()
    ) if login else None
    if row is None:
        raise unknown_login(login)
    return row


def sign_in(login: str) -> StaffInfo:
    """The active account for an OS or FrontDesk login, without a password, or
    NotFoundError saying how to add it.

    For tests, benchmarks and the system; people sign in through `data.auth`
    (`resolve_session`, then `authenticate` when a password is needed). An account whose
    `os_login` is mapped to the login wins over one merely named so.
    """
    login = (login or "").strip()
    row = (
        Staff.select().where(Staff.os_login == login).first()
        or Staff.select().where(Staff.login == login).first()
    )
    if row is None:
        raise unknown_login(login)
    if not row.active:
        raise disabled_account(login)
    return staff_info(row)


def add_staff(
    login: str,
    name: str,
    role: str,
    phone: str = "",
    by: int | None = None,
    *,
    os_login: str | None = None,
    password: str | None = None,
) -> StaffInfo:
    """Create a staff account; refuses a taken login or an unknown role.

    Only an administrator may (`by`, else the acting account; none is the system).
    `os_login` maps the SSH login that signs in as this account without a password;
    `password` is a temporary one, to be changed at the first sign-in.
    """
    access.require("staff.manage", by)
    login = clean_text(login, "login", max_length=40)
    if login.casefold() == access.SYSTEM_LOGIN:
        raise ValidationError("login", _(
            "The login “{login}” is reserved for the built-in service account.").format(login=login))
    name = clean_text(name, "name", max_length=60)
    # ASCII only: a Cyrillic "у" or a full-width letter would make a look-alike of a login.
    if not LOGIN_PATTERN.fullmatch(login):
        raise ValidationError(
            "login", _("A login is Latin letters (a–z, A–Z), digits, '-', '_' or '.', such as desk6.")
        )
    if not name:
        raise ValidationError("name", _("Give the staff member's name."))
    if role not in STAFF_ROLES:
        raise ValidationError(
            "role", _("Unknown role “{role}”: use one of {roles}.").format(
                role=role, roles=", ".join(STAFF_ROLES)
            )
        )
    number = normalize_phone(phone).number if phone.strip() else ""
    password_hash = None
    if password is not None:
        check_new_password(login, password)
        password_hash = hash_password(password)
    with transaction():
        if Staff.select().where(Staff.login == login).exists():
            raise ValidationError(
                "login", _("The login “{login}” is taken.").format(login=login)
            )
        row = Staff.create(login=login, name=name, role=role, phone=number,
                           password_hash=password_hash,
                           must_change_password=password_hash is not None)
        if os_login:
            map_login(login, os_login, by)
            row = Staff.get_by_id(row.id)
    return staff_info(row)


def system_account() -> StaffInfo | None:
    """The built-in service account that a TUI session's background sweeps (escalation,
    callbacks, reminders) act as, so that the audit trail names an account; created on
    first use. It has no password and no OS login, and signing in as it is refused.
    None when an older database has a person's account of that login (then the sweeps
    act as nobody, as they did before)."""
    row = Staff.get_or_none(Staff.login == access.SYSTEM_LOGIN)
    if row is None:
        try:
            with transaction():
                row = Staff.create(login=access.SYSTEM_LOGIN, name="系统", role=access.SERVICE)
        except IntegrityError:  # another session made it first
            row = Staff.get(Staff.login == access.SYSTEM_LOGIN)
    return staff_info(row) if row.role == access.SERVICE else None


def changeable_account(login: str) -> Staff:
    """The account row an administrator's action changes: NotFoundError for an unknown
    login, ValidationError for the built-in service account."""
    row = Staff.get_or_none(Staff.login == (login or "").strip())
    if row is None:
        raise unknown_login((login or "").strip())
    if row.login == access.SYSTEM_LOGIN and row.role == access.SERVICE:
        raise ValidationError("login", _(
            "The built-in account “{login}” cannot be changed: the sessions' background "
            "sweeps act as it.").format(login=row.login))
    return row


def _taken(os_login: str, other: Staff | None) -> ValidationError:
    if other is None:  # gone again since the clash: say it plainly
        return ValidationError("os_login", _(
            "The OS login “{os_login}” is already mapped to another account.").format(
                os_login=os_login))
    return ValidationError("os_login", _(
        "The OS login “{os_login}” is already mapped to {name} ({login}). Clear that first: "
        "frontdesk staff map-login {login} --clear"
    ).format(os_login=os_login, name=other.name, login=other.login))


def map_login(login: str, os_login: str | None, by: int | None) -> StaffInfo:
    """An administrator maps an OS (SSH) login to the account, so that it signs in without
    a password; None or "" clears the mapping. Refuses an OS login mapped to another
    account, naming it."""
    access.require("staff.manage", by)
    row = changeable_account(login)
    os_login = (os_login or "").strip() or None
    if os_login is not None and not _OS_LOGIN.match(os_login):
        raise ValidationError("os_login", _(
            "An OS login is up to 32 letters, digits, '.', '_' or '-', such as wangfang."))
    try:
        with transaction():
            if os_login is not None:
                other = Staff.select().where(
                    (Staff.os_login == os_login) & (Staff.id != row.id)).first()
                if other is not None:
                    raise _taken(os_login, other)
            Staff.update(os_login=os_login).where(Staff.id == row.id).execute()
            row = Staff.get_by_id(row.id)
    except IntegrityError:  # mapped by another session between the check and the write
        raise _taken(os_login or "", Staff.select().where(Staff.os_login == os_login).first()) from None
    return staff_info(row)


def set_extension(login: str, extension: str | None, by: int | None) -> StaffInfo:
    """An administrator sets the phone extension (分机) calls to `login` are answered at (the
    caller-ID pop-up opens that staff member's session); None or "" clears it. Refuses an
    extension another account has, naming it, and service accounts (they take no calls)."""
    access.require("staff.manage", by)
    row = changeable_account(login)
    value = check_extension(extension) if (extension or "").strip() else None
    if value is not None and row.role == access.SERVICE:
        raise ValidationError("extension", _(
            "“{login}” is a service account: it answers no calls.").format(login=row.login))

    def taken(other: Staff | None) -> ValidationError:
        if other is None:
            return ValidationError("extension", _(
                "Extension {ext} is already another staff member's.").format(ext=value))
        return ValidationError("extension", _(
            "Extension {ext} is already {name}'s ({login}). Clear it first: "
            "frontdesk staff set-extension {login} --clear").format(
                ext=value, name=other.name, login=other.login))

    try:
        with transaction():
            if value is not None:
                other = Staff.select().where((Staff.extension == value) & (Staff.id != row.id)).first()
                if other is not None:
                    raise taken(other)
            Staff.update(extension=value).where(Staff.id == row.id).execute()
            row = Staff.get_by_id(row.id)
    except IntegrityError:  # set by another session between the check and the write
        raise taken(Staff.select().where(Staff.extension == value).first()) from None
    return staff_info(row)


def extension_of(staff_id: int) -> str:
    """The staff member's extension, "" for none."""
    return Staff.select(Staff.extension).where(Staff.id == staff_id).scalar() or ""


def list_staff() -> list[StaffInfo]:
    """Every staff account, by login."""
    return [staff_info(row) for row in Staff.select().order_by(Staff.login)]


def ids_of_logins(logins: list[str]) -> dict[str, int]:
    """login → account id for those of `logins` that have an account (the others are left out)."""
    return {row.login: row.id for row in Staff.select(Staff.id, Staff.login).where(Staff.login.in_(logins))}
