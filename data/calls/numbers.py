"""Phone numbers of calls: the stored form of a number, and whom a number reaches.

Numbers. A call's number is stored normalised by `normalize_number`: a mainland mobile or
landline as `data.validators.normalize_phone` writes it (``13800138000``,
``021-12345678-801``); anything else that is still a dialable number — a short service
number (``95588``), a local landline without its area code (``12345678``, with an
extension ``12345678-801``), a foreign number (``+14155550100``) — as its cleaned digits.

Matching a caller (`matched_people`, `matching_staff`, used by
`data.calls.matching.match_caller`): a mobile by the whole number; a landline with its area
code by area code and number (an extension on either side does not matter, the same
extension is preferred); a landline without area code by its 7–8 digit tail, through the
reversed-digits index of the phone table; staff phones likewise. Several people on one
number (a family landline) come back as `ambiguous` for the clerk to choose.
"""

from __future__ import annotations

import re

from data.errors import ValidationError
from data.i18n import _
from data.models import Person, Phone, Staff
from data.search import _prefix
from data.validators import fold_code, normalize_phone

#: Digits a dialable number has at least (110, 119) and at most (E.164 allows 15, plus
#: an extension).
MIN_DIGITS, MAX_DIGITS = 3, 20


_NUMBER_CHARS_RE = re.compile(r"[0-9\s\-.()+]*")


_EXTENSION_RE = re.compile(r"(?P<main>.*?)\s*(?:转|分机|EXT\.?|X|\#)\s*(?P<ext>[0-9]{1,6})")


#: A local subscriber number (no area code): 7–8 digits, not starting with 0.
_LOCAL_RE = re.compile(r"[1-9][0-9]{6,7}")


def _number_error(text: str) -> ValidationError:
    return ValidationError("number", _(
        "“{text}” is not a phone number: use digits, spaces, hyphens, parentheses, a leading + "
        "and an extension (转801), such as 138 0013 8000, 021-12345678 or 95588."
    ).format(text=text.strip()[:40]))


def normalize_number(text: str) -> str:
    """The stored form of a number a call came from or went to (see the module docstring).

    Never raises for a dialable number that is not a mainland mobile or landline; raises
    ValidationError ("number") only for empty text, letters and other garbage, or fewer
    than 3 / more than 20 digits.
    """
    if not isinstance(text, str) or not text.strip():
        raise ValidationError("number", _("Enter a phone number."))
    try:
        return normalize_phone(text).number
    except ValidationError:
        pass
    raw, ext = fold_code(text), ""
    m = _EXTENSION_RE.fullmatch(raw)
    if m is not None:
        raw, ext = m["main"], m["ext"]
    plus = raw.find("+")
    if not _NUMBER_CHARS_RE.fullmatch(raw) or (
        plus >= 0 and (raw[:plus].strip("( ") or "+" in raw[plus + 1:])
    ):
        raise _number_error(text)
    groups = re.findall(r"[0-9]+", raw)
    digits = "".join(groups)
    foreign = plus >= 0 or digits.startswith("00")
    if foreign and plus < 0:
        digits = digits[2:]
    if not MIN_DIGITS <= len(digits) <= MAX_DIGITS:
        raise ValidationError("number", _(
            "A phone number has 3 to 20 digits; “{text}” has {count}."
        ).format(text=text.strip()[:40], count=len(digits)))
    if foreign:
        # A foreign number: its digits after "+" (an extension is left to the clerk).
        return "+" + digits
    if ext:
        if _LOCAL_RE.fullmatch(digits):
            return f"{digits}-{ext}"
        try:
            # A mobile has no extension: "13800138000转1" is the mobile.
            return normalize_phone(raw).number
        except ValidationError:
            return digits  # "95588转1": the menu choice is not part of the number
    if not ext and len(groups) > 1:
        # "12345678-801": a local number and its extension.
        head = "".join(groups[:-1])
        if _LOCAL_RE.fullmatch(head) and len(groups[-1]) <= 6:
            return f"{head}-{groups[-1]}"
    return digits


def _dial_key(number: str) -> tuple[str, str, str]:
    """(kind, main digits, extension) of a normalised number; kind is mobile, landline,
    local (a landline without area code) or other."""
    try:
        phone = normalize_phone(number)
        return phone.kind, phone.digits, phone.extension
    except ValidationError:
        pass
    if number.startswith("+"):
        return "other", number, ""
    main, _sep, ext = number.partition("-")
    if _LOCAL_RE.fullmatch(main):
        return "local", main, ext
    return "other", number, ""


def _subscriber(stored: str) -> str:
    """The subscriber part of a stored landline ("021-12345678-801" → "12345678")."""
    parts = stored.split("-")
    return parts[1] if len(parts) >= 2 else ""


def _phone_rows(number: str) -> list[tuple[int, str]]:
    """(person_id, stored number) of the phones that `number` (normalised) reaches."""
    kind, main, ext = _dial_key(number)
    base = Phone.select(Phone.person, Phone.number).order_by(Phone.is_primary.desc(), Phone.id)
    if kind == "mobile":
        rows = list(base.where(Phone.number == number).limit(50).tuples())
    elif kind == "landline":
        rows = list(base.where(Phone.digits_rev == main[::-1]).limit(50).tuples())
    elif kind == "local":
        query = base.where(_prefix(Phone.digits_rev, main[::-1]), Phone.kind == "landline")
        rows = [r for r in query.limit(200).tuples() if _subscriber(r[1]) == main]
    else:
        rows = list(base.where(Phone.number == number).limit(50).tuples())
    if ext:
        same = [r for r in rows if r[1].rsplit("-", 1)[-1] == ext and r[1].count("-") == 2]
        rows = same or rows
    return rows


def matching_staff(number: str) -> Staff | None:
    kind, main, ext = _dial_key(number)
    query = Staff.select(Staff.id, Staff.login, Staff.name, Staff.phone).where(
        Staff.active == True, Staff.phone != ""  # noqa: E712
    )
    if kind == "landline":
        area_and_number = "-".join(number.split("-")[:2])
        query = query.where((Staff.phone == area_and_number)
                            | Staff.phone.startswith(area_and_number + "-"))
        rows = list(query.order_by(Staff.login).limit(50))
    elif kind == "local":
        rows = [s for s in query.where(Staff.phone.contains("-" + main)).order_by(Staff.login).limit(200)
                if _subscriber(s.phone) == main]
    else:
        rows = list(query.where(Staff.phone == number).order_by(Staff.login).limit(50))
    exact = [s for s in rows if s.phone == number]
    rows = exact or rows
    return rows[0] if rows else None


def matched_people(number: str) -> list[tuple[int, str]]:
    """(person_id, name) of everyone `number` reaches, in phone order."""
    ids = list(dict.fromkeys(pid for pid, _n in _phone_rows(number)))
    if not ids:
        return []
    names = dict(Person.select(Person.id, Person.name).where(Person.id.in_(ids)).tuples())
    return [(pid, names[pid]) for pid in ids if pid in names]


def unique_person(number: str) -> int | None:
    people = matched_people(number)
    return people[0][0] if len(people) == 1 else None
