"""Report periods (a day, an ISO week, a month, a quarter, a custom range) with the period
before each for comparison, and the scope a report covers (the company, a community or a
building)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from data.clock import today
from data.errors import ValidationError
from data.i18n import _

#: A custom range may span at most this many days (a report stays a bounded query).
MAX_RANGE_DAYS = 366

_DAY = re.compile(r"^day:(\d{4}-\d{2}-\d{2})$")
_WEEK = re.compile(r"^week:(\d{4})-w(\d{1,2})$")
_MONTH = re.compile(r"^month:(\d{4})-(\d{1,2})$")
_QUARTER = re.compile(r"^quarter:(\d{4})-q([1-4])$")
#: The same without the kind's prefix, as typed on the reports screen (2027-01, 2027-Q1 …).
_BARE = ((re.compile(r"^\d{4}-\d{2}-\d{2}$"), "day:"), (re.compile(r"^\d{4}-w\d{1,2}$"), "week:"),
         (re.compile(r"^\d{4}-\d{1,2}$"), "month:"), (re.compile(r"^\d{4}-q[1-4]$"), "quarter:"))
_RANGE = re.compile(r"^(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})$")


@dataclass(frozen=True)
class Period:
    """A span of whole days, `start` to `end` (both included). `kind` is day, week, month,
    quarter or range; `text` the form it parses back from."""

    kind: str
    start: dt.date
    end: dt.date

    @property
    def text(self) -> str:
        if self.kind == "day":
            return f"day:{self.start.isoformat()}"
        if self.kind == "week":
            year, week, _d = self.start.isocalendar()
            return f"week:{year}-W{week:02d}"
        if self.kind == "month":
            return f"month:{self.start:%Y-%m}"
        if self.kind == "quarter":
            return f"quarter:{self.start.year}-Q{(self.start.month - 1) // 3 + 1}"
        return f"{self.start.isoformat()}..{self.end.isoformat()}"

    @property
    def since(self) -> dt.datetime:
        """The first instant of the period."""
        return dt.datetime.combine(self.start, dt.time())

    @property
    def until(self) -> dt.datetime:
        """The first instant after the period."""
        return dt.datetime.combine(self.end + dt.timedelta(days=1), dt.time())

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def previous(self) -> Period:
        """The period before this one, of the same kind (a custom range: as many days just
        before it)."""
        if self.kind == "day":
            day = self.start - dt.timedelta(days=1)
            return Period("day", day, day)
        if self.kind == "week":
            return Period("week", self.start - dt.timedelta(days=7), self.start - dt.timedelta(days=1))
        if self.kind == "month":
            return month_period(_add_months(self.start, -1))
        if self.kind == "quarter":
            start = _add_months(self.start, -3)
            return Period("quarter", start, self.start - dt.timedelta(days=1))
        return Period("range", self.start - dt.timedelta(days=self.days), self.start - dt.timedelta(days=1))

    def next(self) -> Period:
        """The period after this one, of the same kind (a custom range: as many days just
        after it)."""
        after = self.end + dt.timedelta(days=1)
        if self.kind == "month":
            return month_period(after)
        if self.kind == "quarter":
            return Period("quarter", after, _add_months(after, 3) - dt.timedelta(days=1))
        return Period(self.kind, after, after + dt.timedelta(days=self.days - 1))

    def months(self) -> list[str]:
        """The months ("YYYY-MM") the period touches, oldest first (fees are billed per month)."""
        out, month = [], self.start.replace(day=1)
        while month <= self.end:
            out.append(f"{month:%Y-%m}")
            month = _add_months(month, 1)
        return out


def _add_months(day: dt.date, n: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + n
    return dt.date(index // 12, index % 12 + 1, 1)


def month_period(first: dt.date) -> Period:
    start = first.replace(day=1)
    return Period("month", start, _add_months(start, 1) - dt.timedelta(days=1))


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ValidationError("period", _("“{text}” is not a date (YYYY-MM-DD).").format(text=text)) from None


def _bad(text: str) -> ValidationError:
    return ValidationError("period", _(
        "“{text}” is not a period. Give day:2027-01-05, week:2027-W02, month:2027-01, quarter:2027-Q1, "
        "2027-01-01..2027-01-31, this-month, last-month or last-week.").format(text=text[:60]))


def parse_period(text: str, *, on: dt.date | None = None) -> Period:
    """The Period `text` names; relative names (this-month, last-month, last-week) count
    from `on` (default today). ValidationError says what is accepted."""
    raw = (text or "").strip().lower()
    on = on or today()
    for bare, prefix in _BARE:
        if bare.match(raw):
            raw = prefix + raw
            break
    if raw in ("this-month", "last-month"):
        period = month_period(on)
        return period.previous() if raw == "last-month" else period
    if raw in ("this-week", "last-week"):
        monday = on - dt.timedelta(days=on.weekday())
        period = Period("week", monday, monday + dt.timedelta(days=6))
        return period.previous() if raw == "last-week" else period
    if raw in ("today", "yesterday"):
        day = on - dt.timedelta(days=raw == "yesterday")
        return Period("day", day, day)
    if m := _DAY.match(raw):
        day = _date(m.group(1))
        return Period("day", day, day)
    if m := _WEEK.match(raw):
        year, week = int(m.group(1)), int(m.group(2))
        try:
            monday = dt.date.fromisocalendar(year, week, 1)
        except ValueError:
            raise ValidationError("period", _("{year} has no week {week}.").format(year=year, week=week)) from None
        return Period("week", monday, monday + dt.timedelta(days=6))
    if m := _MONTH.match(raw):
        year, month = int(m.group(1)), int(m.group(2))
        if not 1 <= month <= 12:
            raise ValidationError("period", _("A month is 1 to 12, not {month}.").format(month=month))
        return month_period(dt.date(year, month, 1))
    if m := _QUARTER.match(raw):
        start = dt.date(int(m.group(1)), (int(m.group(2)) - 1) * 3 + 1, 1)
        return Period("quarter", start, _add_months(start, 3) - dt.timedelta(days=1))
    if m := _RANGE.match(raw):
        start, end = _date(m.group(1)), _date(m.group(2))
        if start > end:
            raise ValidationError("period", _("The start date ({since}) is after the end date ({until}).").format(
                since=start, until=end))
        if (end - start).days + 1 > MAX_RANGE_DAYS:
            raise ValidationError("period", _("A report covers at most {days} days.").format(days=MAX_RANGE_DAYS))
        return Period("range", start, end)
    raise _bad(text or "")


@dataclass(frozen=True)
class Scope:
    """What a report covers: the whole company (both None), a community, or a building."""

    community_id: int | None = None
    building_id: int | None = None
    label: str = ""

    @property
    def everything(self) -> bool:
        return self.community_id is None and self.building_id is None


def parse_scope(community: str | None = None, building: str | None = None) -> Scope:
    """The Scope named by a community (code or name) and optionally a building (its code
    in that community; or `COMMUNITY/BUILDING`). ValidationError when either is unknown."""
    from data.models import Building, Community

    community = (community or "").strip()
    building = (building or "").strip()
    if building and not community and "/" in building:
        community, building = (part.strip() for part in building.split("/", 1))
    if not community and not building:
        return Scope(label=_("the whole company"))
    if not community:
        raise ValidationError("building", _("Name the community of building {building} too (--community).")
                              .format(building=building))
    row = Community.get_or_none((Community.code == community) | (Community.name == community))
    if row is None:
        raise ValidationError("community", _("There is no community “{name}”.").format(name=community[:40]))
    if not building:
        return Scope(row.id, None, row.name)
    b = Building.get_or_none(Building.community == row.id, Building.code == building)
    if b is None:
        raise ValidationError("building", _("{community} has no building “{code}”.").format(
            community=row.name, code=building[:20]))
    return Scope(row.id, b.id, f"{row.name} {b.name or b.code}")
