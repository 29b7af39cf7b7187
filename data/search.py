"""Owner search: one query string — name, pinyin, initials, phone, room, plate or ID tail.

Numbers are searched without turning the search into a way round the masks (issue 12):
a phone tail of up to 4 digits (or an ID tail of up to 4 characters) is an ordinary
search; a longer tail short of a whole number narrows a masked number down, so it is a
reveal — for roles that may reveal numbers, recorded in the audit trail; whole numbers
are counted per account in the audit trail and refused beyond
WHOLE_SEARCHES_PER_MINUTE. Roles that may not see ID numbers (technicians) never search
by ID number and never learn that a hit matched one. The checks are against the acting
account (data.access); with none (the code itself) nothing is limited.

Every kind of query is answered by index range lookups (prefix searches on stored keys),
never by scanning a table, and each lookup is bounded, so a query costs the same on ten
thousand owners and on a million. Hits are ranked exact before partial, current owners
before past occupants, owners before co-owners before tenants before family. A query that
matches more people than the page holds costs no more than the page: each lookup reads one
row past its bound only to tell that there are more (`SearchResult.more`, shown as "50+"),
the candidates are cut to the page by what the lookups know (quality of the match, the
role in a matched room, then index order), and only the people shown are read, with their
rooms, phones, plates and tags, and ordered by role and name. Past the person's own row and
its rooms', those are read from covering indexes (migration 0044), as are the people of a
phone tail, a room and a part of a name: at a million owners each table row is one more
descent into a large file, at a random place.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from peewee import Expression, Field

from data import access
from data.db import db, is_sqlite
from data.errors import ValidationError
from data.i18n import _
from data.models import (
    Community,
)
from data.pinyin import split_typed_pinyin
from data.rooms import PARKING, ParsedRoom, parse_room, parse_room_prefix
from data.rooms_lookup import find_rooms
from data.search_gate import FREE_TAIL, ID_LENGTH, NumberGate, is_whole_phone
from data.validators import (
    PhoneNumber,
    fold_width,
    mask_phone,
    normalize_phone,
    parse_plate_query,
)

#: Default and largest number of hits a search returns.
DEFAULT_LIMIT = 50
MAX_LIMIT = 500
#: Rooms a room-code query lists at most (a whole entrance is well below this).
ROOM_LIMIT = 300

MATCH_KINDS = ("name", "pinyin", "initials", "phone", "room", "plate", "id_number")

EXACT, PREFIX, PARTIAL = 0, 1, 2
ROLE_RANK = {"owner": 0, "co_owner": 1, "tenant": 2, "family": 3}
PAST_RANK = 4
NO_ROOM_RANK = 5

_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_LETTERS = re.compile(r"^[a-z]+$")
_DIGITS_ONLY = re.compile(r"^[\d\s\-+().]+$")
_ID_TAIL = re.compile(r"^\d{3,17}x$", re.I)


@dataclass(frozen=True)
class OwnerHit:
    """A person found by a search, with what the result table and the CLI show."""

    id: int
    name: str
    role: str  # best current role, or the last one when only past occupancies exist
    current: bool  # has a current occupancy
    rooms: tuple[str, ...]  # current rooms first
    communities: tuple[str, ...]  # community of each room, same order
    phones: tuple[str, ...]  # normalised
    plates: tuple[str, ...]
    tags: tuple[str, ...]
    matched: str  # one of MATCH_KINDS
    exact: bool

    @property
    def masked_phones(self) -> tuple[str, ...]:
        return tuple(mask_phone(p) for p in self.phones)


@dataclass(frozen=True)
class RoomHit:
    """A room whose code the query named exactly (shown as the room card)."""

    id: int
    code: str
    community_id: int
    community: str


@dataclass
class SearchResult:
    """What a query found and how it was understood."""

    query: str
    understood: tuple[str, ...] = ()  # the kinds of lookup that were run
    hits: list[OwnerHit] = field(default_factory=list)
    rooms: list[RoomHit] = field(default_factory=list)
    too_short: bool = False  # e.g. 1–3 digits: not enough to search by
    #: Why the query was not run for this account (then nothing was searched), else "".
    refused: str = ""
    #: More people match than `hits` lists (a capped count: the list stops at the limit).
    more: bool = False


@dataclass
class _Candidate:
    person_id: int
    matched: str
    quality: int
    room_rank: int = NO_ROOM_RANK  # for room queries: the role in the matched room


class _Pool(list[_Candidate]):
    """The candidates of one query; `more` once a lookup had rows beyond its bound."""

    more = False

    def __init__(self, limit: int) -> None:
        super().__init__()
        self.limit = limit

    def full(self, quality: int, found: Iterable[_Candidate] = ()) -> bool:
        """The page is full of people matching at least as well as `quality` (these and
        `found`, not yet added), and more are known to match: a lookup whose matches can be
        no better changes neither the page (the cut keeps the lookups' order among equals)
        nor "more", so it need not run."""
        people = {c.person_id for c in (*self, *found) if c.quality <= quality}
        return len(people) > self.limit or (len(people) == self.limit and self.more)

    def capped(self, sql: str, params: list, cap: int) -> list[tuple]:
        """The first `cap` rows of `sql`, read with LIMIT cap + 1: the extra row, if any,
        only says that there are more (a capped count in the same index read)."""
        rows = _rows(sql + " LIMIT ?", [*params, cap + 1])
        if len(rows) > cap:
            self.more = True
            del rows[cap:]
        return rows


# --- plain SQL on the hot path -----------------------------------------------------------------
# A search runs on every keystroke and reads a few hundred index entries at a million owners:
# building each statement through the ORM and turning every row into Python values through
# it cost more than the reads themselves, and grew with the rows read. The statements below
# are fixed text with "?" placeholders (turned into the driver's), over the tables of
# data.models, and return plain tuples.


def _rows(sql: str, params: list) -> list[tuple]:
    if not is_sqlite():
        sql = sql.replace("?", "%s")
    return list(db.execute_sql(sql, params).fetchall())


def _ids(ids: list[int]) -> str:
    """The "(?, ?, …)" of an IN list of `ids` (never empty: callers check)."""
    return "(" + ", ".join("?" * len(ids)) + ")"


def _prefix_sql(column: str, prefix: str) -> tuple[str, list]:
    """`column` starts with `prefix`, as _prefix writes it (an index range on SQLite, LIKE
    'p%' on PostgreSQL)."""
    if is_sqlite():
        return f"{column} >= ? AND {column} < ?", [prefix, prefix + "\U0010ffff"]
    escaped = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"{column} LIKE ?", [escaped + "%"]


def _in_community_sql(person_column: str, community_id: int | None) -> tuple[str, list]:
    """The condition "and `person_column` lives or lived in the community", or none."""
    if community_id is None:
        return "", []
    return (f" AND {person_column} IN (SELECT o.person_id FROM occupancy o "
            "JOIN room r ON r.id = o.room_id WHERE r.community_id = ?)", [community_id])


# --- prefix lookups that use an index on both backends --------------------------------------


def _prefix(field_: Field, prefix: str) -> Expression:
    """`field_` starts with `prefix`, as an index range (SQLite) or LIKE 'p%' (PostgreSQL,
    served by the text_pattern_ops indexes of migration 0002)."""
    if is_sqlite():
        return (field_ >= prefix) & (field_ < prefix + "\U0010ffff")
    escaped = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return Expression(field_, "LIKE", escaped + "%")


# --- strategies ------------------------------------------------------------------------------


def _by_person_field(
    column: str, value: str, matched: str, cap: int, community_id: int | None, pool: _Pool
) -> list[_Candidate]:
    """People whose column starts with `value`, in one index range read. The exact match
    sorts first among the strings with that prefix, so it is never cut off by the limit."""
    where, params = _prefix_sql(f"p.{column}", value)
    in_community, more = _in_community_sql("p.id", community_id)
    rows = pool.capped(f"SELECT p.id, p.{column} FROM person p WHERE {where}{in_community} "
                       f"ORDER BY p.{column}, p.id", params + more, cap)
    return [_Candidate(pid, matched, EXACT if v == value else PREFIX) for pid, v in rows]


def _by_name(text: str, cap: int, community_id: int | None, pool: _Pool) -> list[_Candidate]:
    found = _by_person_field("name", text, "name", cap, community_id, pool)
    if pool.full(PARTIAL, found):
        return found
    # Any other part of the name: a prefix of one of its stored suffixes.
    where, params = _prefix_sql("k.key", text)
    # From the (key, person) index alone: the person row is not needed to name the person.
    in_community, more = _in_community_sql("k.person_id", community_id)
    keyed = pool.capped(f"SELECT DISTINCT k.person_id FROM person_name_key k WHERE {where}{in_community}",
                        params + more, cap)
    for (person_id,) in keyed:
        found.append(_Candidate(person_id, "name", PARTIAL))
    return found


def _by_pinyin(letters: str, cap: int, community_id: int | None, pool: _Pool) -> list[_Candidate]:
    found: list[_Candidate] = []
    readings = split_typed_pinyin(letters)
    for pinyin, initials in (("name_pinyin", "name_initials"), ("name_pinyin_alt", "name_initials_alt")):
        found += _by_person_field(pinyin, letters, "pinyin", cap, community_id, pool)
        found += _by_person_field(initials, letters, "initials", cap, community_id, pool)
        for pieces in readings:
            if all(len(p) == 1 for p in pieces) or len(pieces) == 1:
                continue  # plain initials or one syllable: covered above
            if pool.full(PREFIX, found):
                break  # typed readings find prefixes only: the page is full of as good
            typed_initials = "".join(p[0] for p in pieces)
            lead = ""
            for piece in pieces:  # the whole syllables typed before the first initial
                if len(piece) == 1:
                    lead += piece
                    break
                lead += piece
            pattern = re.compile("^" + "".join(
                re.escape(p) + "[a-z]*" for p in pieces))
            by_initials, params = _prefix_sql(f"p.{initials}", typed_initials)
            by_lead, lead_params = _prefix_sql(f"p.{pinyin}", lead)
            in_community, more = _in_community_sql("p.id", community_id)
            rows = pool.capped(f"SELECT p.id, p.{pinyin} FROM person p WHERE {by_initials} AND {by_lead}"
                               f"{in_community}", params + lead_params + more, cap * 4)
            for pid, py in rows:
                if pattern.match(py):
                    found.append(_Candidate(pid, "pinyin", PREFIX))
    return found


def _by_phone(digits: str, cap: int, community_id: int | None, pool: _Pool) -> list[_Candidate]:
    """Whole numbers or their last 4+ digits, through the reversed-digits index."""
    found = []
    where, params = _prefix_sql("ph.digits_rev", digits[::-1])
    in_community, more = _in_community_sql("ph.person_id", community_id)
    rows = pool.capped(f"SELECT ph.person_id, ph.digits_rev FROM phone ph WHERE {where}{in_community}",
                       params + more, cap)
    for person_id, digits_rev in rows:
        quality = EXACT if digits_rev == digits[::-1] else PREFIX
        found.append(_Candidate(person_id, "phone", quality))
    return found


def _by_id_tail(tail: str, cap: int, community_id: int | None, pool: _Pool) -> list[_Candidate]:
    tail = tail.upper()
    where, params = _prefix_sql("p.id_number_rev", tail[::-1])
    in_community, more = _in_community_sql("p.id", community_id)
    # The reversed number, not the number: read from the index alone.
    rows = pool.capped(f"SELECT p.id, p.id_number_rev FROM person p WHERE {where}{in_community}",
                       params + more, cap)
    return [
        _Candidate(person_id, "id_number", EXACT if reversed_number == tail[::-1] else PREFIX)
        for person_id, reversed_number in rows
    ]


def _by_plate(plate: str, cap: int, community_id: int | None, pool: _Pool) -> list[_Candidate]:
    found = []
    column = "v.plate" if _CJK.match(plate) else "v.plate_tail"
    where, params = _prefix_sql(column, plate)
    in_community, more = _in_community_sql("v.person_id", community_id)
    rows = pool.capped(f"SELECT v.person_id, {column} FROM vehicle v WHERE {where}{in_community}",
                       params + more, cap)
    for person_id, value in rows:
        found.append(_Candidate(person_id, "plate", EXACT if value == plate else PREFIX))
    return found


def _rooms_by_code(
    parts: tuple[str, ...] | None, whole: ParsedRoom | None, community_id: int | None
) -> tuple[list[RoomHit], set[int]]:
    """Rooms the typed code names (`whole`: through data.rooms_lookup, the lookup forms and
    the CLI use, aliases included) and rooms whose code starts with the typed parts; with
    the ids of the rooms named whole."""
    exact: list[RoomHit] = []
    if whole is not None:
        exact = [RoomHit(c.id, c.code, c.community_id, c.community)
                 for c in find_rooms(whole, community_id)]
    exact_ids = {r.id for r in exact}
    partial: list[RoomHit] = []
    if parts is not None:
        code = "-".join(parts)
        select = ("SELECT r.id, r.code, r.community_id, c.name FROM room r "
                  "JOIN community c ON c.id = r.community_id WHERE ")
        in_community, more = "", []
        if community_id is not None:
            in_community, more = "r.community_id = ? AND ", [community_id]
        # "3-2" means that entrance ("3-2-…"); "3-2-5" means rooms starting 5 on it.
        prefix = code + "-" if len(parts) < 3 else code
        if is_sqlite():
            # Past the code itself, not through it: a code is in every community that has
            # that building (a thousand index entries to skip at a million owners).
            above = ">" if prefix == code else ">="
            where, params = f"r.code {above} ? AND r.code < ?", [prefix, prefix + "\U0010ffff"]
        else:
            where, params = _prefix_sql("r.code", prefix)
            where, params = f"{where} AND r.code <> ?", [*params, code]
        rows = _rows(f"{select}{in_community}{where} ORDER BY r.code, r.id LIMIT ?",
                     [*more, *params, ROOM_LIMIT])
        partial = [RoomHit(*row) for row in rows if row[0] not in exact_ids]
        if whole is None:
            # No whole code: the exact code of a partial one ("3-2-5" is also room 5).
            # From the code's rooms (one a community at most), not along every community.
            same = _rows("SELECT r.id, r.code, r.community_id, c.name FROM room r CROSS JOIN "
                         f"community c WHERE c.id = r.community_id AND {in_community}r.code = ? "
                         "ORDER BY c.name LIMIT ?", [*more, code, ROOM_LIMIT])
            partial = [RoomHit(*row) for row in same] + partial
    return exact + partial, exact_ids


def _whole_room(text: str, community_id: int | None) -> tuple[ParsedRoom | None, int | None]:
    """The whole room code `text` is (not a parking space), and the community it names in
    front (``锦绣花园3-2-501``), else (None, community_id)."""
    try:
        parsed = parse_room(text)
    except ValidationError:
        return None, community_id
    if parsed.kind == PARKING:
        return None, community_id
    if parsed.community:
        named = Community.get_or_none((Community.name == parsed.community)
                                      | (Community.code == parsed.community))
        if named is None or (community_id is not None and named.id != community_id):
            return None, community_id
        community_id = named.id
    return parsed, community_id


def _typed_phone(text: str) -> PhoneNumber | None:
    """The whole phone number `text` is, read by the import's normaliser (``0086…``,
    ``+86 21 …``, ``(021)6400-1234转801``, ``021-64001234-801``), else None."""
    if sum(ch.isdigit() for ch in text) < 7:
        return None
    try:
        return normalize_phone(text)
    except ValidationError:
        return None


def _occupants(room_ids: list[int], exact_ids: set[int], cap: int, pool: _Pool) -> list[_Candidate]:
    if not room_ids:
        return []
    rows = pool.capped("SELECT person_id, role, end_date, room_id FROM occupancy "
                       f"WHERE room_id IN {_ids(room_ids)}", list(room_ids), cap * 4)
    found = []
    for person_id, role, end_date, room_id in rows:
        rank = PAST_RANK if end_date is not None else ROLE_RANK.get(role, PAST_RANK)
        quality = EXACT if room_id in exact_ids else PREFIX
        found.append(_Candidate(person_id, "room", quality, rank))
    return found


# --- putting it together ---------------------------------------------------------------------


def search(query: str, *, limit: int = DEFAULT_LIMIT, community_id: int | None = None,
           staff_id: int | None = None, shown: frozenset[int] | None = None) -> SearchResult:
    """Find people by whatever the clerk typed, as the acting account (`staff_id`, else
    data.access's current one) may: see the module docstring for the forms and the rules
    on numbers. A query the account may not run comes back with `refused` set.

    `shown`: the refresh of a search whose hits (these people) are on screen already
    (another session committed something): a whole number is not counted again, and of a
    longer tail's hits only people not shown yet are recorded — a record is a commit,
    which would refresh the screen once more. Never for a refused search: `shown` skips
    the count that refuses."""
    limit = max(1, min(limit, MAX_LIMIT))
    reveal = False
    text = " ".join(fold_width(query or "").split())
    result = SearchResult(query=query)
    if not text:
        return result
    compact = text.replace(" ", "")
    lowered = compact.lower()
    cap = limit
    candidates = _Pool(limit)
    understood: list[str] = []

    whole_room, room_community = _whole_room(text, community_id)
    room_parts = parse_room_prefix(text) if whole_room is None or not whole_room.community else None
    is_room = room_parts is not None or whole_room is not None
    if is_room:
        understood.append("room")
        rooms, exact_ids = _rooms_by_code(room_parts, whole_room, room_community)
        if whole_room is not None:
            result.rooms = [r for r in rooms if r.id in exact_ids]
        candidates += _occupants([r.id for r in rooms], exact_ids, cap, candidates)
    typed_phone = None if is_room else _typed_phone(text)

    if typed_phone is None and _CJK.search(compact):
        plate = parse_plate_query(compact) if len(compact) >= 2 and not _CJK.search(compact[1:]) else None
        if plate:
            understood.append("plate")
            candidates += _by_plate(plate, cap, community_id, candidates)
        if not is_room and not plate:
            understood.append("name")
            candidates += _by_name(compact, cap, community_id, candidates)
    elif typed_phone is not None or (_DIGITS_ONLY.match(text) and not is_room):
        if typed_phone is not None:
            # A whole number in any form the import reads finds the number as stored.
            digits = typed_phone.digits
        else:
            digits = re.sub(r"\D", "", text)
        if digits.startswith("86") and len(digits) == 13:
            digits = digits[2:]
        if len(digits) < 4:
            result.too_short = True
        else:
            gate = NumberGate(staff_id)
            phone = len(digits) != ID_LENGTH  # no phone number has 18 digits
            by_id = gate.may_see_ids and (len(digits) <= FREE_TAIL or len(digits) == ID_LENGTH
                                          or not is_whole_phone(digits))
            if not phone and not by_id:
                result.refused = _("As {role} you may not search by ID number.").format(
                    role=gate.role_label)
            else:
                result.refused = gate.check(digits, whole=is_whole_phone(digits) or not phone,
                                            phone=phone, id_tail=by_id, count=shown is None)
            if result.refused:
                return result
            if phone:
                understood.append("phone")
                candidates += _by_phone(digits, cap, community_id, candidates)
            if by_id:
                understood.append("id_number")
                if len(digits) == ID_LENGTH or not candidates.full(PREFIX):  # a tail: no exact match
                    candidates += _by_id_tail(digits, cap, community_id, candidates)
            reveal = gate.reveals
    elif _ID_TAIL.match(lowered):
        gate = NumberGate(staff_id)
        if not gate.may_see_ids:
            result.refused = _("As {role} you may not search by ID number.").format(
                role=gate.role_label)
            return result
        result.refused = gate.check(lowered, whole=len(lowered) == ID_LENGTH, phone=False,
                                    id_tail=True, count=shown is None)
        if result.refused:
            return result
        understood.append("id_number")
        candidates += _by_id_tail(lowered, cap, community_id, candidates)
        reveal = gate.reveals
    elif _LETTERS.match(lowered):
        understood.append("pinyin")
        candidates += _by_pinyin(lowered, cap, community_id, candidates)
        candidates += _by_name(compact, cap, community_id, candidates)  # names written in Latin letters
    elif not is_room:
        plate = parse_plate_query(compact)
        if plate and re.search(r"[a-z]", lowered) and re.search(r"\d", compact):
            understood.append("plate")
            candidates += _by_plate(plate, cap, community_id, candidates)
        understood.append("name")
        candidates += _by_name(compact, cap, community_id, candidates)

    result.understood = tuple(understood)
    result.hits, beyond = _rank(candidates, limit)
    result.more = candidates.more or beyond
    if reveal:
        _record_reveals([h for h in result.hits if shown is None or h.id not in shown], staff_id)
    return result


def batch_search(queries: list[str], *, limit: int = DEFAULT_LIMIT, community_id: int | None = None,
                 staff_id: int | None = None) -> list[SearchResult]:
    """Many queries at once (`owners search -`): supervisors and up only, and recorded in
    the audit trail (how many queries); each query then follows the rules of `search`."""
    from data import audit
    from data.db import transaction

    access.require("search.batch", staff_id)
    with transaction():
        audit.record("batch", "person", 0, "search", new=str(len(queries)), staff_id=staff_id)
    return [search(q, limit=limit, community_id=community_id, staff_id=staff_id) for q in queries]


# --- numbers: tails, whole numbers, reveals -------------------------------------------------



def _record_reveals(hits: list[OwnerHit], staff_id: int | None) -> None:
    """A longer tail found these people: each is a reveal of what matched, recorded like
    the `r` reveal (data.privacy)."""
    from data import audit
    from data.db import transaction

    fields = {"phone": "phones", "id_number": "id_number"}
    shown = [(h.id, fields[h.matched]) for h in hits if h.matched in fields]
    if not shown:
        return
    with transaction():
        for person_id, field_name in dict.fromkeys(shown):
            audit.record("reveal", "person", person_id, field_name, new="search", staff_id=staff_id)


def _rank(candidates: Iterable[_Candidate], limit: int) -> tuple[list[OwnerHit], bool]:
    """The best `limit` people of `candidates`, loaded for showing, and whether more of
    them matched than are returned.

    Only the page is read: the candidates are cut to `limit` by what the lookups already
    know — the quality of the match, and for a room the role in it — keeping the lookups'
    own (index) order among equals, so no person beyond the page is ever read; the page is
    then ordered by quality, role and name."""
    best: dict[int, _Candidate] = {}
    for cand in candidates:
        held = best.get(cand.person_id)
        if held is None or (cand.quality, cand.room_rank) < (held.quality, held.room_rank):
            best[cand.person_id] = cand
    if not best:
        return [], False
    chosen = list(best.values())
    if len(chosen) > limit:
        chosen = sorted(chosen, key=lambda c: (c.quality, c.room_rank))[:limit]  # stable: index order
    cards = _hydrate([c.person_id for c in chosen])
    hits = []
    for cand in chosen:
        card = cards.get(cand.person_id)
        if card is None:
            continue
        role_rank = cand.room_rank if cand.matched == "room" else card["rank"]
        hits.append(
            (
                (cand.quality, role_rank, card["name"], cand.person_id),
                OwnerHit(
                    id=cand.person_id,
                    name=card["name"],
                    role=card["role"],
                    current=card["current"],
                    rooms=tuple(card["rooms"]),
                    communities=tuple(card["communities"]),
                    phones=tuple(card["phones"]),
                    plates=tuple(card["plates"]),
                    tags=tuple(card["tags"]),
                    matched=cand.matched,
                    exact=cand.quality == EXACT,
                ),
            )
        )
    hits.sort(key=lambda pair: pair[0])
    return [hit for _key, hit in hits], len(best) > limit


def _hydrate(person_ids: list[int]) -> dict[int, dict]:
    """Names, rooms, phones, plates and tags of a bounded set of people (the page shown), in
    five plain queries (tuples, not model objects: this runs on every keystroke); occupancies,
    phones, plates and tags come from indexes alone (covering: migration 0044)."""
    if not person_ids:
        return {}
    among = _ids(person_ids)
    named = _rows(f"SELECT id, name FROM person WHERE id IN {among}", person_ids)
    cards: dict[int, dict] = {
        pid: {
            "name": name, "rooms": [], "communities": [], "phones": [], "plates": [],
            "tags": [], "role": "", "rank": NO_ROOM_RANK, "current": False,
        }
        for pid, name in named
    }
    occupancies = _rows(
        "SELECT o.person_id, o.role, o.end_date, r.code, c.name FROM occupancy o "
        "JOIN room r ON r.id = o.room_id JOIN community c ON c.id = r.community_id "
        f"WHERE o.person_id IN {among} ORDER BY (o.end_date IS NULL) DESC, o.start_date DESC, o.id",
        person_ids)
    for pid, role, end_date, code, community in occupancies:
        card = cards.get(pid)
        if card is None:
            continue
        current = end_date is None
        rank = ROLE_RANK.get(role, PAST_RANK) if current else PAST_RANK
        if rank < card["rank"] or not card["role"]:
            card["rank"], card["role"] = min(rank, card["rank"]), role
        card["current"] = card["current"] or current
        if current or not card["rooms"]:
            card["rooms"].append(code)
            card["communities"].append(community)
    phones = _rows(f"SELECT person_id, number FROM phone WHERE person_id IN {among} "
                   "ORDER BY is_primary DESC, id", person_ids)
    for pid, number in phones:
        if pid in cards:
            cards[pid]["phones"].append(number)
    for pid, plate in _rows(f"SELECT person_id, plate FROM vehicle WHERE person_id IN {among}", person_ids):
        if pid in cards:
            cards[pid]["plates"].append(plate)
    tags = _rows("SELECT pt.person_id, t.name FROM person_tag pt JOIN tag t ON t.id = pt.tag_id "
                 f"WHERE pt.person_id IN {among} ORDER BY t.name", person_ids)
    for pid, tag in tags:
        if pid in cards:
            cards[pid]["tags"].append(tag)
    return cards
