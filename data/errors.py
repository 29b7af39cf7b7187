"""Errors the data layer raises with a message a desk clerk can act on."""

from __future__ import annotations


class FrontDeskError(Exception):
    """Base of every error meant to be shown to the user as it is."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class ValidationError(FrontDeskError, ValueError):
    """Bad input: `field` names the field (or CLI option / import column), `message` says
    what is expected, in the user's language."""

    def __init__(self, field: str, message: str, *, row: int | None = None):
        super().__init__(message)
        self.field = field
        self.row = row

    def __str__(self) -> str:
        where = f"{self.field}: " if self.field else ""
        row = f"[row {self.row}] " if self.row is not None else ""
        return f"{row}{where}{self.message}"


class NotFoundError(FrontDeskError, LookupError):
    """A record the user named does not exist."""


class PermissionDenied(FrontDeskError):
    """The signed-in staff member may not do this."""


class AuthError(FrontDeskError):
    """Signing in failed: wrong or missing password, a locked account, a temporary password
    that must be changed first."""


class ConflictError(FrontDeskError):
    """Someone else saved the record since the version the user's form was read at: nothing
    was written. `current_version` is the record's version now (a save that means to
    overwrite, after the user saw what changed, passes it as its expected version)."""

    def __init__(self, message: str, current_version: int | None = None):
        super().__init__(message)
        self.current_version = current_version
