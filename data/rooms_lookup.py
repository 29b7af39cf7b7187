"""Resolving a typed room code to the room(s) it names: the one lookup that forms, the
calendar, the CLI, search and the roster import share (issue 13, "resolve a room code").

`resolve_room` reads the text with data.rooms.parse_room and finds every room it may
name: the canonical code, the same room with or without its default entrance (``1-101``
⇄ ``1-1-101``), inside the community written in front (``锦绣花园3-2-501``) or passed, and
parking spaces when the code could be one (``B2-034``). Several candidates mean the caller
asks, naming them (`RoomMatch.question`, `RoomMatch.one`).
"""

from __future__ import annotations

from dataclasses import dataclass

from data import models
from data.db import db, is_sqlite
from data.errors import NotFoundError, ValidationError
from data.i18n import _
from data.models import Community
from data.rooms import PARKING, ParsedRoom, parse_room

#: Candidates a lookup lists at most (a code is in a handful of communities at most).
CANDIDATE_LIMIT = 50


@dataclass(frozen=True)
class RoomCandidate:
    """A room (or parking space) a typed code may name."""

    kind: str  # "room" | "parking"
    id: int
    code: str
    community_id: int
    community: str

    @property
    def label(self) -> str:
        """How a question names it: ``锦绣花园 3-2-501``, ``锦绣花园 车位 B2-034``."""
        if self.kind == PARKING:
            return _("{community} parking space {code}").format(
                community=self.community, code=self.code)
        return f"{self.community} {self.code}"


@dataclass(frozen=True)
class RoomMatch:
    """What a typed room code found: the parsed parts and every candidate, rooms first."""

    text: str
    parsed: ParsedRoom
    candidates: tuple[RoomCandidate, ...]

    @property
    def rooms(self) -> tuple[RoomCandidate, ...]:
        return tuple(c for c in self.candidates if c.kind != PARKING)

    @property
    def unique(self) -> RoomCandidate | None:
        """The one candidate, or None when there are none or several."""
        return self.candidates[0] if len(self.candidates) == 1 else None

    def question(self) -> str:
        """The question to ask when several candidates match, naming each."""
        return _("{code} could be any of: {names}. Which one? Name the community, such as "
                 "{example}.").format(
            code=self.parsed.code, names="、".join(c.label for c in self.candidates),
            example=f"{self.candidates[0].community}{self.parsed.code}" if self.candidates else "")

    def one(self, field: str = "room") -> RoomCandidate:
        """The single candidate; NotFoundError when none, ValidationError (`field`) naming
        the candidates when several."""
        if not self.candidates:
            raise NotFoundError(_("There is no room {code}.").format(code=self.parsed.code))
        if len(self.candidates) > 1:
            raise ValidationError(field, self.question())
        return self.candidates[0]


def community_by_name(name: str) -> Community:
    """The community called `name` (or with that code); NotFoundError lists the choices."""
    text = " ".join(name.split())
    found = Community.get_or_none((Community.name == text) | (Community.code == text))
    if found is None:
        names = [c.name for c in Community.select(Community.name).order_by(Community.name).limit(20)]
        raise NotFoundError(
            _("No community called “{name}”. Known: {names}").format(name=text, names="、".join(names))
        )
    return found


def community_id_for(community: int | str | None) -> int | None:
    """A community id from an id, a name or code, or None."""
    if community is None or community == "":
        return None
    if isinstance(community, int):
        return community
    return community_by_name(community).id


def resolve_room(text: str | ParsedRoom, community: int | str | None = None) -> RoomMatch:
    """Every room (and parking space) `text` may name, within `community` (an id, a name or
    a code) when given, else within the community written in front of the code, else in
    every community.

    Raises ValidationError ("room") when the text is not a room code, and NotFoundError
    when the community named is unknown; a code found nowhere gives no candidates.
    """
    parsed = text if isinstance(text, ParsedRoom) else parse_room(text)
    shown = text if isinstance(text, str) else parsed.code
    community_id = community_id_for(community)
    if parsed.community:
        named = community_by_name(parsed.community).id
        if community_id is not None and named != community_id:
            raise ValidationError("room", _(
                "The room code names the community {name}, which is not the one chosen."
            ).format(name=parsed.community[:30]))
        community_id = named
    candidates: list[RoomCandidate] = []
    if parsed.kind != PARKING:
        candidates += find_rooms(parsed, community_id)
    if parsed.kind == PARKING or parsed.maybe_parking:
        candidates += _parking_spaces(parsed.parking_code, community_id)
    return RoomMatch(shown, parsed, tuple(candidates))


def find_rooms(parsed: ParsedRoom, community_id: int | None) -> list[RoomCandidate]:
    """The rooms stored under any of the codes of `parsed` (`ParsedRoom.codes`), at most one
    per community: the canonical code wins over its default-entrance alias.

    Search runs this on every keystroke of a room code, and a code such as ``1-1-101`` is in
    nearly every community: plain SQL and tuples (not the ORM), and of the two ways to the
    first CANDIDATE_LIMIT rooms in community-name order the one that reads fewer rows — from
    the code's rooms when few communities have the code (sorting them), else along the
    communities in name order, probing each for the code and stopping at the limit."""
    codes = list(parsed.codes)
    marks = ", ".join("?" * len(codes))
    if community_id is not None:
        rows = _rows("SELECT r.id, r.code, r.community_id, c.name FROM room r "
                     "JOIN community c ON c.id = r.community_id "
                     f"WHERE r.community_id = ? AND r.code IN ({marks}) ORDER BY r.id",
                     [community_id, *codes])
    else:
        few = CANDIDATE_LIMIT * 4
        (count,) = _rows(f"SELECT COUNT(*) FROM (SELECT 1 FROM room WHERE code IN ({marks}) "
                         "LIMIT ?) AS x", [*codes, few + 1])[0]
        # CROSS JOIN fixes the order of the loops on SQLite (an inner join elsewhere).
        loops = "room r CROSS JOIN community c" if count <= few else "community c CROSS JOIN room r"
        rows = _rows(f"SELECT r.id, r.code, r.community_id, c.name FROM {loops} "
                     f"WHERE r.community_id = c.id AND r.code IN ({marks}) "
                     "ORDER BY c.name, r.id LIMIT ?", [*codes, CANDIDATE_LIMIT])
    best: dict[int, RoomCandidate] = {}
    for room_id, code, room_community, name in rows:
        found = RoomCandidate("room", room_id, code, room_community, name)
        held = best.get(room_community)
        if held is None or (code == parsed.code and held.code != parsed.code):
            best[room_community] = found
    return list(best.values())


def _rows(sql: str, params: list) -> list[tuple]:
    """Rows of fixed SQL text with "?" placeholders (the driver's on PostgreSQL)."""
    if not is_sqlite():
        sql = sql.replace("?", "%s")
    return list(db.execute_sql(sql, params).fetchall())


def room_in_community(community_id: int, parsed: ParsedRoom) -> int | None:
    """The id of the room `parsed` names in a community (by any of its codes), or None."""
    rooms = find_rooms(parsed, community_id)
    return rooms[0].id if rooms else None


def _parking_spaces(code: str, community_id: int | None) -> list[RoomCandidate]:
    """The parking spaces (车位, their own records) with this code."""
    model = models.ParkingSpace
    if not code:
        return []
    query = (
        model.select(model.id, model.code, model.community, Community.name)
        .join(Community)
        .where(model.code == code)
        .order_by(Community.name)
        .limit(CANDIDATE_LIMIT)
    )
    if community_id is not None:
        query = query.where(model.community == community_id)
    return [RoomCandidate(PARKING, r.id, r.code, r.community_id, r.name) for r in query.objects()]
