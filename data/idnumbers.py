"""Resident ID numbers (GB 11643-1999): validating, reading the birth date and gender,
masking, and building valid ones for sample data and tests."""

from __future__ import annotations

import datetime as dt
import re

from data import clock
from data.errors import ValidationError
from data.i18n import _
from data.validators import fold_width

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
_ID_RE = re.compile(r"[0-9]{17}[0-9X]")
_ID_EARLIEST = dt.date(1900, 1, 1)


def _id_check_char(first17: str) -> str:
    """The ISO 7064 MOD 11-2 check character of the first 17 digits."""
    return _ID_CHECK[sum(int(d) * w for d, w in zip(first17, _ID_WEIGHTS, strict=True)) % 11]


def _id_date(id18: str) -> dt.date | None:
    try:
        return dt.date(int(id18[6:10]), int(id18[10:12]), int(id18[12:14]))
    except ValueError:
        return None


def validate_id_number(text: str) -> str:
    """Check a resident ID number and return its 18 characters, upper-case.

    Spaces are ignored and a lowercase x is accepted. Checks the shape (17 digits then a
    digit or X), the birth date (a real date from 1900 to today) and the ISO 7064
    MOD 11-2 check digit. Raises ValidationError (field "id_number").
    """
    value = re.sub(r"\s+", "", fold_width(text)).upper() if isinstance(text, str) else ""
    if len(value) == 15 and value.isdigit():
        raise ValidationError(
            "id_number",
            _(
                "Old 15-digit ID numbers are not accepted; please enter the 18-character "
                "number from the current ID card."
            ),
        )
    if not _ID_RE.fullmatch(value):
        raise ValidationError(
            "id_number",
            _(
                "A resident ID number has 18 characters: 17 digits, then a digit or X "
                "(this one has {count} characters)."
            ).format(count=len(value)),
        )
    born = _id_date(value)
    if born is None or not _ID_EARLIEST <= born <= clock.today():
        raise ValidationError(
            "id_number",
            _(
                "Characters 7–14 of an ID number are the birth date (YYYYMMDD); "
                "{date} is not a possible birth date. Please re-check the number."
            ).format(date=value[6:14]),
        )
    if _id_check_char(value[:17]) != value[17]:
        raise ValidationError(
            "id_number",
            _(
                "The check digit (last character) does not match the rest of the ID "
                "number; please re-check the number."
            ),
        )
    return value


def id_birth_date(id18: str) -> dt.date:
    """The birth date encoded in a validated 18-character ID number."""
    born = _id_date(id18)
    if born is None:
        raise ValueError(f"not a valid ID number: {id18!r}")
    return born


def id_gender(id18: str) -> str:
    """Return "M" or "F" from a validated ID number (the 17th digit is odd for men)."""
    return "M" if int(id18[16]) % 2 else "F"


def mask_id_number(id18: str) -> str:
    """Show the first 3 and last 4 characters only: ``310***********123X``."""
    if len(id18) <= 7:
        return "*" * len(id18)
    return id18[:3] + "*" * (len(id18) - 7) + id18[-4:]


def make_id_number(area: str, birth: dt.date, seq: int) -> str:
    """Build a valid ID number from a 6-digit area code, a birth date and a sequence number
    0–999 (odd for men, even for women), with its check digit. For sample data and tests."""
    if not (len(area) == 6 and area.isdigit()):
        raise ValueError(f"area must be 6 digits, not {area!r}")
    if not 0 <= seq <= 999:
        raise ValueError(f"seq must be 0–999, not {seq}")
    first17 = f"{area}{birth:%Y%m%d}{seq:03d}"
    if len(first17) != 17:
        raise ValueError(f"birth year must have 4 digits, not {birth.year}")
    return first17 + _id_check_char(first17)
