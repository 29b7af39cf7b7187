"""The special maintenance fund (专项维修资金, issue 18 item 7): each room's balance as the
housing authority reports it (imported from its CSV; a later figure replaces an earlier one
from its date, which stays as history), the requests to use it — project, budget, the rooms
concerned, reason; draft → voting → approved | rejected → used — whose owners' vote is counted
by data.votes.counting (using the fund is an "other matter", SPEC §13), and what the quarter's
public accounts disclose of it (Civil Code art. 943)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from dataclasses import asdict, dataclass, field
from decimal import Decimal

from peewee import JOIN, fn

from data import access
from data.clock import now, today
from data.db import transaction
from data.errors import NotFoundError, ValidationError
from data.fees.values import fen_of, money_text
from data.i18n import _
from data.limits import read_bytes_limited
from data.models import (
    Building,
    Community,
    FundBalance,
    FundRequest,
    FundRequestRoom,
    Occupancy,
    ParkingSpace,
    Room,
)
from data.validators import clean_text, decode_text, parse_date
from data.votes.counting import CHOICES, OTHER, Unit, UnitKey, VoteCount, count_votes, heads_of

STATUS_ZH = {"draft": "草稿", "voting": "表决中", "approved": "通过", "rejected": "未通过", "used": "已使用"}
CHOICE_WORDS = {zh: code for code, zh in CHOICES.items()} | {"赞成": "yes", "不同意": "no"}
#: The largest authority file read (a community's rooms, one line each).
MAX_FILE = 5 * 1024 * 1024
MAX_LIST = 500


@dataclass(frozen=True)
class FundRow:
    """A room's current fund balance."""

    community: str
    building: str
    room: str
    balance_fen: int
    as_of: dt.date

    def as_json(self) -> dict:
        return asdict(self) | {"as_of": self.as_of.isoformat(), "balance": money_text(self.balance_fen)}


@dataclass(frozen=True)
class FundPage:
    """The rooms' balances on a day and their totals."""

    day: dt.date
    rows: list[FundRow]
    total_fen: int
    rooms: int


@dataclass(frozen=True)
class FundImport:
    """What an import stored, and every line it skipped with the reason."""

    stored: int
    bad: list[tuple[int, str]] = field(default_factory=list)


@dataclass(frozen=True)
class FundRequestView:
    """A request to use the fund, its rooms and ballots, and the vote's figures once counted."""

    id: int
    community: str
    project: str
    budget_fen: int
    reason: str
    scope: str
    status: str
    rooms: list[tuple[str, str]]  # (room code, ballot code or "")
    used_fen: int | None
    used_on: dt.date | None
    created_at: dt.datetime
    decided_at: dt.datetime | None
    count: dict | None  # VoteCount.as_json() when closed

    @property
    def status_text(self) -> str:
        return STATUS_ZH.get(self.status, self.status)

    def as_json(self) -> dict:
        out = asdict(self)
        out.update(rooms=[{"room": r, "ballot": CHOICES.get(b, "")} for r, b in self.rooms],
                   used_on=self.used_on.isoformat() if self.used_on else None,
                   created_at=self.created_at.isoformat(sep=" ", timespec="seconds"),
                   decided_at=self.decided_at.isoformat(sep=" ", timespec="seconds") if self.decided_at else None,
                   status_text=self.status_text, budget=money_text(self.budget_fen))
        return out


# --- balances ----------------------------------------------------------------------------------


def _room_of(label: str, community_id: int | None) -> tuple[int, int]:
    """(community id, room id) of a room label of the authority's file."""
    from data.rooms_lookup import resolve_room

    match = resolve_room(label, community_id)
    rooms = match.rooms
    if not rooms:
        raise ValidationError("room", _("no room {room}").format(room=label[:40]))
    if len(rooms) > 1:
        raise ValidationError("room", _("room {room} is in several communities: {names}").format(
            room=label[:40], names="、".join(r.community for r in rooms)))
    return rooms[0].community_id, rooms[0].id


def _parse_line(cells: list[str], community_id: int | None) -> tuple[int, int, dt.date, int]:
    if len(cells) < 3:
        raise ValidationError("line", _("expected a room, a balance in yuan and a date, found {n} columns").format(
            n=len(cells)))
    label, amount, day_text = (clean_text(c, "line", max_length=60) for c in cells[:3])
    community, room = _room_of(label, community_id)
    fen = fen_of(amount, "balance")
    if fen < 0:
        raise ValidationError("balance", _("a balance cannot be below zero"))
    day = parse_date(day_text, "as_of")
    if day is None:
        raise ValidationError("as_of", _("the date is missing"))
    if day > today():
        raise ValidationError("as_of", _("{day} is in the future").format(day=day.isoformat()))
    return community, room, day, fen


def _is_header(cells: list[str]) -> bool:
    return len(cells) >= 2 and not any(ch.isdigit() for ch in cells[1])


def import_balances(path: str, community_id: int | None = None, *, skip_bad: bool = False,
                    staff_id: int | None = None) -> FundImport:
    """Import the housing authority's CSV (room, balance in 元, as-of date; a header line is
    allowed), read-only, a regular file only. Every bad line is reported with its number;
    with any bad line nothing is stored unless `skip_bad` (SPEC §7), and then the good lines
    are. A figure for a room and a date already known replaces it; other dates stay."""
    access.require("fees.fund", staff_id)
    text = decode_text(read_bytes_limited(path, MAX_FILE, _("a fund balance file")))
    reader = csv.reader(io.StringIO(text))
    good: dict[tuple[int, dt.date], tuple[int, int, int]] = {}
    bad: list[tuple[int, str]] = []
    first = True
    try:
        for cells in reader:
            line = reader.line_num
            if not any(c.strip() for c in cells):
                continue
            if first and _is_header(cells):
                first = False
                continue
            first = False
            try:
                community, room, day, fen = _parse_line(cells, community_id)
            except (ValidationError, NotFoundError) as exc:
                bad.append((line, str(getattr(exc, "message", exc))))
                continue
            if (room, day) in good:
                bad.append((line, _("repeats line {line} (same room and date)").format(line=good[(room, day)][2])))
                continue
            good[(room, day)] = (community, fen, line)
    except csv.Error as exc:
        bad.append((reader.line_num, str(exc)))
    if bad and not skip_bad:
        listed = "; ".join(_("line {line}: {reason}").format(line=n, reason=r) for n, r in bad[:20])
        more = _(" (and {n} more)").format(n=len(bad) - 20) if len(bad) > 20 else ""
        raise ValidationError("file", _("Nothing imported, {n} bad lines — {lines}{more}. Fix them, or skip "
                                        "them with --skip-bad.").format(n=len(bad), lines=listed, more=more))
    at = now()
    with transaction():
        for (room, day), (community, fen, _line) in good.items():
            (FundBalance.insert(community=community, room=room, as_of=day, balance_fen=fen,
                                imported_by=staff_id, imported_at=at)
             .on_conflict(conflict_target=[FundBalance.room, FundBalance.as_of],
                          update={FundBalance.balance_fen: fen, FundBalance.imported_by: staff_id,
                                  FundBalance.imported_at: at}).execute())
    return FundImport(len(good), bad)


def _current(day: dt.date):
    """Each room's latest as-of date up to `day` (a subquery)."""
    return (FundBalance.select(FundBalance.room.alias("rid"), fn.MAX(FundBalance.as_of).alias("last"))
            .where(FundBalance.as_of <= day).group_by(FundBalance.room))


def fund_balances(community_id: int | None = None, building_id: int | None = None,
                  day: dt.date | None = None, staff_id: int | None = None) -> FundPage:
    """Every room's balance on `day` (today), of a community or a building, with the total."""
    access.require("fees.view", staff_id)
    day = day or today()
    latest = _current(day)
    query = (FundBalance.select(FundBalance.balance_fen, FundBalance.as_of, Room.code, Building.code.alias("bname"),
                                Community.name.alias("cname"))
             .join(latest, on=((FundBalance.room == latest.c.rid) & (FundBalance.as_of == latest.c.last)))
             .switch(FundBalance).join(Room, on=(FundBalance.room == Room.id))
             .join(Building, JOIN.LEFT_OUTER, on=(Room.building == Building.id))
             .switch(FundBalance).join(Community, on=(FundBalance.community == Community.id)))
    if community_id is not None:
        query = query.where(FundBalance.community == community_id)
    if building_id is not None:
        query = query.where(Room.building == building_id)
    rows = [FundRow(r.cname, r.bname or "", r.code, r.balance_fen, r.as_of)
            for r in query.order_by(Community.name, Room.code).objects()]
    return FundPage(day, rows[:MAX_LIST], sum(r.balance_fen for r in rows), len(rows))


# --- requests and their vote --------------------------------------------------------------------


def _request(request_id: int) -> FundRequest:
    row = FundRequest.get_or_none(FundRequest.id == request_id)
    if row is None:
        raise NotFoundError(_("No fund request {id}.").format(id=request_id))
    return row


def _status(row: FundRequest, *allowed: str) -> None:
    if row.status not in allowed:
        raise ValidationError("status", _("Request {id} is {status}: that needs it to be {allowed}.").format(
            id=row.id, status=STATUS_ZH[row.status], allowed="、".join(STATUS_ZH[s] for s in allowed)))


def create_request(community_id: int, project: str, budget: str | int, reason: str, *,
                   building_id: int | None = None, room_ids: list[int] | None = None,
                   staff_id: int | None = None) -> FundRequestView:
    """File a request (草稿) to use the fund: the rooms concerned are a building's or a list."""
    access.require("fees.fund", staff_id)
    community = Community.get_or_none(Community.id == community_id)
    if community is None:
        raise NotFoundError(_("No such community."))
    project = clean_text(project, "project", max_length=100)
    if not project:
        raise ValidationError("project", _("Name the project (such as 3号楼电梯更换)."))
    fen = fen_of(budget, "budget")
    if fen <= 0:
        raise ValidationError("budget", _("The budget must be above zero."))
    reason = clean_text(reason, "reason", multiline=True, max_length=1000)
    if not reason:
        raise ValidationError("reason", _("Give the reason."))
    if bool(building_id) == bool(room_ids):
        raise ValidationError("rooms", _("Name the rooms concerned: a building, or a list of rooms."))
    if building_id:
        building = Building.get_or_none(Building.id == building_id, Building.community == community_id)
        if building is None:
            raise ValidationError("building", _("That building is not in {community}.").format(community=community.name))
        rooms = list(Room.select(Room.id, Room.code).where(Room.building == building_id).order_by(Room.code))
        scope = building.name or _("building {code}").format(code=building.code)
    else:
        ids = list(dict.fromkeys(room_ids or []))
        rooms = list(Room.select(Room.id, Room.code).where(Room.id.in_(ids), Room.community == community_id)
                     .order_by(Room.code))
        if len(rooms) != len(ids):
            raise ValidationError("rooms", _("Every room concerned must be in {community}.").format(
                community=community.name))
        scope = "、".join(r.code for r in rooms)
        scope = scope if len(scope) <= 100 else scope[:97] + "…"
    if not rooms:
        raise ValidationError("rooms", _("The building has no rooms."))
    with transaction():
        row = FundRequest.create(community=community_id, project=project, budget_fen=fen, reason=reason,
                                 scope=scope, created_by=staff_id, created_at=now())
        FundRequestRoom.insert_many([{"request": row.id, "room": r.id} for r in rooms]).execute()
    return get_request(row.id, staff_id)


def open_vote(request_id: int, staff_id: int | None = None) -> FundRequestView:
    """Put a draft request to the owners' vote (表决中)."""
    access.require("fees.fund", staff_id)
    with transaction():
        row = _request(request_id)
        _status(row, "draft")
        FundRequest.update(status="voting").where(FundRequest.id == row.id).execute()
    return get_request(request_id, staff_id)


def cast_ballot(request_id: int, room_id: int, choice: str, staff_id: int | None = None) -> FundRequestView:
    """Record a room's ballot (yes 同意, no 反对, abstain 弃权) while the vote is open; a
    second ballot for the room replaces the first (the owner changed their mind before the close)."""
    access.require("fees.fund", staff_id)
    if choice not in CHOICES:
        raise ValidationError("ballot", _("A ballot is 同意, 反对 or 弃权."))
    with transaction():
        row = _request(request_id)
        _status(row, "voting")
        done = (FundRequestRoom.update(ballot=choice, recorded_by=staff_id, recorded_at=now())
                .where(FundRequestRoom.request == row.id, FundRequestRoom.room == room_id).execute())
        if not done:
            raise ValidationError("room", _("That room is not concerned by request {id}.").format(id=row.id))
    return get_request(request_id, staff_id)


def vote_units(room_ids: list[int], space_ids: list[int] | None = None) -> list[Unit]:
    """The units of these rooms (and titled parking spaces) for counting a vote (SPEC §13):
    a room's area is its 建筑面积 (else its 套内面积, else 0), a space's its area_m2 (else 0);
    the heads are the current owners joined by shared ownership (`heads_of`: co-owners of a
    room are one head, and so is everything one of them owns among these units; a space
    goes with its holder), none for a unit with no owner known; developer-held rooms are
    the developer's one head."""
    space_ids = space_ids or []
    rooms = list(Room.select(Room.id, Room.area_m2, Room.inner_area_m2, Room.developer_held)
                 .where(Room.id.in_(room_ids)))
    developer = {r.id for r in rooms if r.developer_held}
    pairs: list[tuple[UnitKey, str]] = [
        (room, str(person)) for room, person in
        (Occupancy.select(Occupancy.room, Occupancy.person)
         .where(Occupancy.room.in_(room_ids), Occupancy.role == "owner", Occupancy.end_date.is_null())
         .order_by(Occupancy.room, Occupancy.person).tuples()) if room not in developer]
    spaces = list(ParkingSpace.select(ParkingSpace.id, ParkingSpace.area_m2, ParkingSpace.holder)
                  .where(ParkingSpace.id.in_(space_ids)).order_by(ParkingSpace.id)) if space_ids else []
    pairs += [(f"space:{s.id}", str(s.holder_id)) for s in spaces if s.holder_id]
    heads = heads_of(pairs)
    units = []
    for r in rooms:
        area = Decimal(r.area_m2 if r.area_m2 is not None else (r.inner_area_m2 or 0))
        units.append(Unit(r.id, area, heads.get(r.id), r.id in developer))
    for sp in spaces:
        units.append(Unit(sp.id, Decimal(sp.area_m2 or 0), heads.get(f"space:{sp.id}"), space=True))
    return units


def close_vote(request_id: int, staff_id: int | None = None) -> tuple[FundRequestView, VoteCount]:
    """Count the ballots (an "other matter": ≥ 2/3 taking part, then more than half of the
    area and heads taking part) and set the request 通过 or 未通过, keeping the figures."""
    access.require("fees.fund", staff_id)
    with transaction():
        row = _request(request_id)
        _status(row, "voting")
        rooms = list(FundRequestRoom.select(FundRequestRoom.room, FundRequestRoom.ballot)
                     .where(FundRequestRoom.request == row.id).tuples())
        count = count_votes(vote_units([r for r, _b in rooms]), {r: b for r, b in rooms if b}, OTHER)
        (FundRequest.update(status="approved" if count.approved else "rejected",
                            result=json.dumps(count.as_json(), ensure_ascii=False), decided_at=now())
         .where(FundRequest.id == row.id).execute())
    return get_request(request_id, staff_id), count


def record_use(request_id: int, amount: str | int, day: dt.date | None = None,
               staff_id: int | None = None) -> FundRequestView:
    """An approved request was carried out: the amount actually used and the day (已使用)."""
    access.require("fees.fund", staff_id)
    fen = fen_of(amount, "amount")
    day = day or today()
    with transaction():
        row = _request(request_id)
        _status(row, "approved")
        if fen <= 0:
            raise ValidationError("amount", _("The amount used must be above zero."))
        if fen > row.budget_fen:
            raise ValidationError("amount", _("{amount} yuan is above the approved budget of {budget} yuan: "
                                              "more needs a new request and vote.").format(
                amount=money_text(fen), budget=money_text(row.budget_fen)))
        if day > today() or (row.decided_at and day < row.decided_at.date()):
            raise ValidationError("date", _("The day used must be between the vote ({day}) and today.").format(
                day=row.decided_at.date().isoformat() if row.decided_at else "—"))
        FundRequest.update(status="used", used_fen=fen, used_on=day).where(FundRequest.id == row.id).execute()
    return get_request(request_id, staff_id)


def _views(*where) -> list[FundRequestView]:
    rows = list(FundRequest.select(FundRequest, Community.name.alias("cname"))
                .join(Community, on=(FundRequest.community == Community.id))
                .where(*where).order_by(FundRequest.created_at.desc(), FundRequest.id.desc()).limit(MAX_LIST).objects())
    rooms: dict[int, list[tuple[str, str]]] = {}
    for rid, code, ballot in (FundRequestRoom.select(FundRequestRoom.request, Room.code, FundRequestRoom.ballot)
                              .join(Room).where(FundRequestRoom.request.in_([r.id for r in rows]))
                              .order_by(Room.code).tuples()):
        rooms.setdefault(rid, []).append((code, ballot))
    return [FundRequestView(r.id, r.cname, r.project, r.budget_fen, r.reason, r.scope, r.status, rooms.get(r.id, []),
                            r.used_fen, r.used_on, r.created_at, r.decided_at,
                            json.loads(r.result) if r.result else None) for r in rows]


def get_request(request_id: int, staff_id: int | None = None) -> FundRequestView:
    access.require("fees.view", staff_id)
    found = _views(FundRequest.id == request_id)
    if not found:
        raise NotFoundError(_("No fund request {id}.").format(id=request_id))
    return found[0]


def fund_requests(community_id: int | None = None, status: str | None = None,
                  staff_id: int | None = None) -> list[FundRequestView]:
    """The requests to use the fund, newest first."""
    access.require("fees.view", staff_id)
    where = [FundRequest.id > 0]
    if community_id is not None:
        where.append(FundRequest.community == community_id)
    if status:
        if status not in STATUS_ZH:
            raise ValidationError("status", _("Unknown status “{value}”: use one of {choices}.").format(
                value=str(status)[:20], choices="、".join(STATUS_ZH.values())))
        where.append(FundRequest.status == status)
    return _views(*where)


# --- disclosure ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class FundUse:
    """A request approved or used in a period, as the public accounts show it."""

    project: str
    amount_fen: int  # used, else the approved budget
    rooms: str
    status: str  # approved | used


def fund_disclosure(community_id: int, start: dt.datetime, end: dt.datetime) -> tuple[list[FundUse], int, dt.date]:
    """What the public accounts disclose of the fund for [start, end): the requests approved
    or used in it, the community's fund total on the last day, and that day."""
    last_day = min((end - dt.timedelta(days=1)).date(), today())  # a quarter still running: as of today
    decided = (FundRequest.decided_at >= start) & (FundRequest.decided_at < end)
    used = (FundRequest.used_on >= start.date()) & (FundRequest.used_on < end.date())
    uses = [FundUse(r.project, r.used_fen if r.status == "used" and r.used_fen is not None else r.budget_fen,
                    r.scope, r.status)
            for r in FundRequest.select().where(FundRequest.community == community_id,
                                                FundRequest.status.in_(("approved", "used")),
                                                decided | used).order_by(FundRequest.id)]
    latest = _current(last_day)
    total = (FundBalance.select(fn.COALESCE(fn.SUM(FundBalance.balance_fen), 0))
             .join(latest, on=((FundBalance.room == latest.c.rid) & (FundBalance.as_of == latest.c.last)))
             .where(FundBalance.community == community_id).scalar())
    return uses, int(total or 0), last_day


__all__ = ["CHOICE_WORDS", "STATUS_ZH", "FundImport", "FundPage", "FundRequestView", "FundRow", "FundUse",
           "cast_ballot", "close_vote", "create_request", "fund_balances", "fund_disclosure", "fund_requests",
           "get_request", "import_balances", "open_vote", "record_use", "vote_units"]
