"""The holiday calendar (issue 6 §5): Chinese public holidays (放假) and the 调休 make-up
working days, so views can show them and SLA clocks can count working time.

The `holiday` table is editable and importable per year: the State Council publishes each
year's arrangement in the autumn before, and a clerk imports it as a small CSV
(`日期,名称,类型`, type 放假/holiday or 上班/调休/workday) with
`frontdesk calendar holidays --import FILE`. The 2026 arrangement ships as defaults
(migration 0006; `seed_defaults` puts it back, idempotently).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
from dataclasses import dataclass

from data.db import transaction
from data.errors import ValidationError
from data.i18n import N_, _
from data.models import Holiday

HOLIDAY_KINDS = {"holiday": N_("Holiday"), "workday": N_("Make-up working day")}
#: Words accepted in the CSV's type column.
KIND_WORDS = {"holiday": "holiday", "放假": "holiday", "假日": "holiday", "休": "holiday",
              "workday": "workday", "上班": "workday", "调休": "workday", "班": "workday"}

#: The 2026 arrangement (国务院办公厅, published November 2025). Each later year is imported.
_RANGES_2026 = (
    ("元旦", "holiday", "2026-01-01", "2026-01-03"),
    ("元旦调休", "workday", "2026-01-04", "2026-01-04"),
    ("春节调休", "workday", "2026-02-14", "2026-02-14"),
    ("春节", "holiday", "2026-02-15", "2026-02-23"),
    ("春节调休", "workday", "2026-02-28", "2026-02-28"),
    ("清明节", "holiday", "2026-04-04", "2026-04-06"),
    ("劳动节", "holiday", "2026-05-01", "2026-05-05"),
    ("劳动节调休", "workday", "2026-05-09", "2026-05-09"),
    ("端午节", "holiday", "2026-06-19", "2026-06-21"),
    ("国庆节调休", "workday", "2026-09-20", "2026-09-20"),
    ("中秋节", "holiday", "2026-09-25", "2026-09-27"),
    ("国庆节", "holiday", "2026-10-01", "2026-10-07"),
    ("国庆节调休", "workday", "2026-10-10", "2026-10-10"),
)


def _expand(ranges) -> tuple[tuple[dt.date, str, str], ...]:
    out = []
    for name, kind, first, last in ranges:
        day, end = dt.date.fromisoformat(first), dt.date.fromisoformat(last)
        while day <= end:
            out.append((day, name, kind))
            day += dt.timedelta(days=1)
    return tuple(out)


DEFAULTS: tuple[tuple[dt.date, str, str], ...] = _expand(_RANGES_2026)


@dataclass(frozen=True)
class HolidayDay:
    day: dt.date
    name: str
    kind: str  # holiday | workday


def seed_defaults() -> int:
    """Put the shipped defaults in (dates already present are left alone). Returns how many
    rows were added."""
    with transaction():
        return (Holiday.insert_many([{"day": d, "name": n, "kind": k} for d, n, k in DEFAULTS])
                .on_conflict_ignore().as_rowcount().execute())


def holidays_between(start: dt.date, end: dt.date) -> list[HolidayDay]:
    """Holidays and make-up working days from `start` to `end`, both included, by date."""
    rows = Holiday.select().where(Holiday.day >= start, Holiday.day <= end).order_by(Holiday.day)
    return [HolidayDay(_as_date(r.day), r.name, r.kind) for r in rows]


def _as_date(value) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, str):
        return dt.date.fromisoformat(value[:10])
    return value


def is_working_day(day: dt.date) -> bool:
    """A weekday that is not a holiday, or a weekend day that is a 调休 make-up working day."""
    if isinstance(day, dt.datetime):
        day = day.date()
    row = Holiday.get_or_none(Holiday.day == day)
    if row is not None:
        return row.kind == "workday"
    return day.weekday() < 5


def _parse_day(text: str, line: int) -> dt.date:
    value = text.strip().replace("/", "-").replace(".", "-")
    try:
        year, month, day = (int(x) for x in value.split("-"))
        return dt.date(year, month, day)
    except ValueError as exc:
        raise ValidationError("date", _("Line {line}: “{value}” is not a date such as 2027-01-01.")
                              .format(line=line, value=text)) from exc


def parse_csv(text: str) -> list[HolidayDay]:
    """The rows of a holiday CSV (`日期,名称,类型`; a header line is skipped). ValidationError
    names the first bad line."""
    out: dict[dt.date, HolidayDay] = {}
    for number, row in enumerate(csv.reader(io.StringIO(text.lstrip("\ufeff"))), start=1):
        cells = [c.strip() for c in row]
        if not any(cells) or cells[0].startswith("#"):
            continue
        if number == 1 and cells[0] in ("日期", "date", "Date"):
            continue
        if len(cells) < 2:
            raise ValidationError("csv", _("Line {line}: give 日期,名称,类型.").format(line=number))
        day = _parse_day(cells[0], number)
        name = cells[1][:40]
        if not name:
            raise ValidationError("name", _("Line {line}: the name is missing.").format(line=number))
        word = cells[2] if len(cells) > 2 and cells[2] else "holiday"
        kind = KIND_WORDS.get(word.lower())
        if kind is None:
            raise ValidationError("kind", _("Line {line}: type “{value}” is neither 放假 nor 上班.")
                                  .format(line=number, value=word))
        out[day] = HolidayDay(day, name, kind)
    return sorted(out.values(), key=lambda h: h.day)


def import_holidays(path_or_text: str) -> int:
    """Import a holiday CSV (a path, or the text itself): each date is added or replaced,
    all or nothing. Returns how many dates were written."""
    text = path_or_text
    if "\n" not in path_or_text and os.path.isfile(path_or_text):
        with open(path_or_text, encoding="utf-8-sig") as handle:
            text = handle.read()
    days = parse_csv(text)
    with transaction():
        for h in days:
            updated = (Holiday.update(name=h.name, kind=h.kind)
                       .where(Holiday.day == h.day).execute())
            if not updated:
                Holiday.create(day=h.day, name=h.name, kind=h.kind)
    return len(days)
