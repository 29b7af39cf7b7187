"""Passwords: argon2id hashing and verifying, and the rules a new password must meet."""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

from data.errors import ValidationError
from data.i18n import _

if TYPE_CHECKING:
    from argon2 import PasswordHasher

#: Length limits of a new password.
MIN_LENGTH = 8
MAX_LENGTH = 128

@cache
def _hasher() -> PasswordHasher:
    """argon2id with argon2-cffi's defaults (RFC 9106's low-memory profile: t=3, 64 MiB, p=4).
    A hash carries its own parameters, so hashes made with other costs still verify. Loaded
    when a password is first hashed or checked: a session signed in by its OS login (and
    the first screen) never needs it."""
    from argon2 import PasswordHasher

    return PasswordHasher()

def hash_password(password: str, *, salt: bytes | None = None) -> str:
    """The argon2id hash of `password` (a random salt unless one is given: the sample
    generator gives one so that the same seed writes the same database)."""
    from argon2 import Type
    from argon2.low_level import hash_secret

    hasher = _hasher()
    if salt is None:
        return hasher.hash(password)
    return hash_secret(
        password.encode(), salt, time_cost=hasher.time_cost, memory_cost=hasher.memory_cost,
        parallelism=hasher.parallelism, hash_len=hasher.hash_len, type=Type.ID,
    ).decode()


def verify_password(password_hash: str | None, password: str) -> bool:
    """Does `password` match the stored hash? False for no hash or an unreadable one."""
    if not password_hash:
        return False
    from argon2.exceptions import InvalidHashError, VerificationError

    try:
        return _hasher().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def check_new_password(login: str, new: str, old: str | None = None) -> None:
    """Raise ValidationError("password", …) unless `new` is acceptable for `login`: at least
    8 characters, no control characters, not the login, not the old password."""
    if not isinstance(new, str) or len(new) < MIN_LENGTH:
        raise ValidationError("password", _(
            "A password needs at least {count} characters.").format(count=MIN_LENGTH))
    if len(new) > MAX_LENGTH:
        raise ValidationError("password", _(
            "A password has at most {count} characters.").format(count=MAX_LENGTH))
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in new):
        raise ValidationError("password", _(
            "A password may not contain control characters (such as tab or a line break)."))
    if new.strip().casefold() == (login or "").strip().casefold():
        raise ValidationError("password", _("The password may not be the login."))
    if old is not None and new == old:
        raise ValidationError("password", _("The new password must differ from the old one."))
