"""Staff accounts: lookup of the signed-in member, and adding and listing accounts."""

from __future__ import annotations

from dataclasses import dataclass

from data.db import transaction
from data.errors import NotFoundError, ValidationError
from data.i18n import _
from data.models import Staff
from data.vocab import STAFF_ROLES, label


@dataclass(frozen=True)
class StaffInfo:
    """A staff member as the screens see them."""

    id: int
    login: str
    name: str
    role: str
    phone: str
    community_id: int | None

    @property
    def role_label(self) -> str:
        return label(STAFF_ROLES, self.role)


def _info(row: Staff) -> StaffInfo:
    return StaffInfo(row.id, row.login, row.name, row.role, row.phone, row.community_id)


def sign_in(login: str) -> StaffInfo:
    """The active account for an OS or FrontDesk login, or NotFoundError saying how to add it.

    An account whose `os_login` is mapped to the login wins over one merely named so.
    """
    login = (login or "").strip()
    row = (
        Staff.select().where(Staff.os_login == login).first()
        or Staff.select().where(Staff.login == login).first()
    )
    if row is None:
        raise NotFoundError(
            _(
                "No staff account for login “{login}”. An administrator adds one with:\n"
                "  frontdesk staff add {login} --name 姓名 --role desk\n"
                "(roles: desk, tech, supervisor, manager, admin), then you can sign in."
            ).format(login=login)
        )
    if not row.active:
        raise NotFoundError(
            _("The staff account “{login}” is disabled. Ask an administrator.").format(login=login)
        )
    return _info(row)


def add_staff(login: str, name: str, role: str, phone: str = "") -> StaffInfo:
    """Create a staff account; refuses a taken login or an unknown role."""
    from data.validators import clean_text, normalize_phone

    login = clean_text(login, "login", max_length=40)
    name = clean_text(name, "name", max_length=60)
    if not login or not login.replace("_", "").replace("-", "").replace(".", "").isalnum():
        raise ValidationError(
            "login", _("A login is letters, digits, '-', '_' or '.', such as desk6.")
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
    with transaction():
        if Staff.select().where(Staff.login == login).exists():
            raise ValidationError(
                "login", _("The login “{login}” is taken.").format(login=login)
            )
        row = Staff.create(login=login, name=name, role=role, phone=number)
    return _info(row)


def list_staff() -> list[StaffInfo]:
    """Every staff account, by login."""
    return [_info(row) for row in Staff.select().order_by(Staff.login)]
