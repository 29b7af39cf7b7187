"""Passwords: argon2id hashing and verifying, and the rules a new password must meet."""

from __future__ import annotations

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError
from argon2.low_level import hash_secret

from data.errors import ValidationError
from data.i18n import _

#: Length limits of a new password.
MIN_LENGTH = 8
MAX_LENGTH = 128

#: argon2id with argon2-cffi's defaults (RFC 9106's low-memory profile: t=3, 64 MiB, p=4).
#: A hash carries its own parameters, so hashes made with other costs still verify.
_hasher = PasswordHasher()

def hash_password(password: str, *, salt: bytes | None = None) -> str:
    """The argon2id hash of `password` (a random salt unless one is given: the sample
    generator gives one so that the same seed writes the same database)."""
    if salt is None:
        return _hasher.hash(password)
    return hash_secret(
        password.encode(), salt, time_cost=_hasher.time_cost, memory_cost=_hasher.memory_cost,
        parallelism=_hasher.parallelism, hash_len=_hasher.hash_len, type=Type.ID,
    ).decode()


def verify_password(password_hash: str | None, password: str) -> bool:
    """Does `password` match the stored hash? False for no hash or an unreadable one."""
    if not password_hash:
        return False
    try:
        return _hasher.verify(password_hash, password)
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
