"""The room-code parser: every form people type for a room (楼栋/单元/房号), read into its parts.

Pure kernel code (no models, no database), like data.validators. `parse_room` reads one
whole address — ``3-2-501``, ``3栋2单元501室``, ``3号楼2单元601室``, ``三栋二单元501``,
``03-02-0506``, ``A座1203``, ``1期3栋2单元501``, ``1-101``, ``3栋501``, ``12号别墅``,
``商铺S-101``, ``2号楼1单元1层101``, ``地下车库B2-034``, ``锦绣花园3-2-501`` — and gives its
canonical code ``[期]楼栋-[单元-]房号`` (SPEC §6). `parse_room_prefix` reads the start of
one, as typed into search. Finding the room a code names is data.rooms_lookup's job.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from data.errors import ValidationError
from data.i18n import _
from data.validators import fold_code

ROOM, VILLA, SHOP, PARKING = "room", "villa", "shop", "parking"
ROOM_KINDS = (ROOM, VILLA, SHOP, PARKING)

#: The entrance a building without entrances (``1-101``, ``3栋501``) is stored under:
#: ``1-101`` and ``1-1-101`` name the same room.
DEFAULT_ENTRANCE = "1"


@dataclass(frozen=True)
class ParsedRoom:
    """A room address read from typed text.

    `building` is the building's own code (``3``, ``A``, ``紫荆``), `phase` the 期 or None,
    `entrance` the 单元 or None when the text named none, `floor` the 层 when written out,
    `number` the 房号 ("" for a villa, which is a building with one room), `community`
    the community name written in front, if any. `maybe_parking` is set on a room reading
    of a code that a parking space could have (``B2-034``): `parking_code` is that code.
    """

    building: str
    number: str
    entrance: str | None = None
    phase: str | None = None
    floor: int | None = None
    community: str | None = None
    kind: str = ROOM
    maybe_parking: bool = False
    parking_code: str = ""

    @property
    def building_code(self) -> str:
        """The building as stored (its phase in front): ``3``, ``1期3``, ``12号别墅``."""
        if self.kind == VILLA:
            return f"{self.building}号别墅"
        return f"{self.phase}期{self.building}" if self.phase else self.building

    @property
    def code(self) -> str:
        """The canonical code: ``3-2-501``, ``1期3-2-501``, ``A-1203``, ``1-101``,
        ``12号别墅``, ``S-101``; a parking space's own code (``B2-034``)."""
        if self.kind == PARKING:
            return self.parking_code
        parts = [self.building_code, self.entrance, self.number]
        return "-".join(p for p in parts if p)

    @property
    def codes(self) -> tuple[str, ...]:
        """Every stored code that names this room: the canonical one first, then the same
        room with or without the default entrance (``1-101`` ⇄ ``1-1-101``)."""
        if self.kind in (PARKING, VILLA):
            return (self.code,)
        if self.entrance is None:
            return (self.code, f"{self.building_code}-{DEFAULT_ENTRANCE}-{self.number}")
        if self.entrance == DEFAULT_ENTRANCE:
            return (self.code, f"{self.building_code}-{self.number}")
        return (self.code,)

    @property
    def stored_entrance(self) -> str:
        """The entrance code the room is stored under."""
        return self.entrance or DEFAULT_ENTRANCE

    @property
    def derived_floor(self) -> int:
        """The floor written out, else read from the number (``501`` → 5), else 0."""
        if self.floor is not None:
            return self.floor
        n = self.number
        return int(n) // 100 if n.isdigit() and len(n) >= 3 else 0


# --- Chinese numerals ------------------------------------------------------------------------

_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5,
              "六": 6, "七": 7, "八": 8, "九": 9}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000}
_CN_RUN = "零〇一二两三四五六七八九十百千"
_MARKERS = "期栋幢座号单元层楼室"
#: A run of Chinese numerals that is part of an address: followed by a marker
#: (三栋, 二单元, 一期), or at the end after one (二单元五零一).
_CN_NUMBER_RE = re.compile(
    rf"[{_CN_RUN}]+(?=[{_MARKERS}])|(?<=[栋幢座元层楼期])[{_CN_RUN}]+(?=室?$)"
)


def _cn_value(run: str) -> str:
    """``三`` → 3, ``十二`` → 12, ``二十一`` → 21, ``五百零一`` → 501, ``五零一`` → 501."""
    if not any(ch in _CN_UNITS for ch in run):
        return "".join(str(_CN_DIGITS[ch]) for ch in run)
    total, digit = 0, None
    for ch in run:
        if ch in _CN_DIGITS:
            digit = _CN_DIGITS[ch]
        else:
            total += (1 if digit is None else digit) * _CN_UNITS[ch]
            digit = None
    return str(total + (digit or 0))


def fold_chinese_numerals(text: str) -> str:
    """Chinese numerals written as parts of an address become digits (``三栋二单元`` →
    ``3栋2单元``); numerals inside other words (``七星花园``) are left alone."""
    return _CN_NUMBER_RE.sub(lambda m: _cn_value(m[0]), text)


# --- grammar ---------------------------------------------------------------------------------

_CJK = r"\u3400-\u9fff"
_BUILDING_WORD = rf"[{_CJK}]{{1,4}}"
# "楼" alone is deliberately not a building marker: "3楼" means the third floor.
_B_MARK = r"(?:号楼|号栋|号幢|号座|栋|幢|座|\#)"
_E_MARK = r"(?:单元|-)"
_PHASE = r"(?:(?P<p>[0-9]{1,2})期-?)?"
_BUILDING = (rf"(?:(?P<b>[0-9A-Z]{{1,4}})(?P<bs>{_B_MARK}|-)"
             rf"|(?P<bw>{_BUILDING_WORD})(?P<bws>{_B_MARK}|-))")
_ENTRANCE = rf"(?:(?P<e>[0-9A-Z]{{1,3}}){_E_MARK})?"
_FLOOR = r"(?:(?P<f>[0-9]{1,3})(?:层|楼))?"
_NUMBER = r"(?P<r>[0-9]{1,6})(?P<rs>室|号)?"
_COMMUNITY = r"(?P<c>[^0-9A-Z]{1,40}?)"

_ROOM_BODY = rf"{_PHASE}{_BUILDING}{_ENTRANCE}{_FLOOR}{_NUMBER}"
_ROOM_RE = re.compile(_ROOM_BODY)
_ROOM_IN_COMMUNITY_RE = re.compile(rf"{_COMMUNITY}{_PHASE}"
                                   rf"(?P<b>[0-9A-Z]{{1,4}})(?P<bs>{_B_MARK}|-)"
                                   rf"{_ENTRANCE}{_FLOOR}{_NUMBER}")
_VILLA_RE = re.compile(rf"(?:{_COMMUNITY})??(?:(?P<b>[0-9]{{1,4}})号?别墅|别墅(?P<b2>[0-9]{{1,4}})号?)")
_SHOP_RE = re.compile(
    rf"(?:{_COMMUNITY})??(?:商铺|商业|底商|门面|门市)-?(?P<b>[0-9A-Z]{{1,4}})-(?P<r>[0-9]{{1,6}})号?"
)
_PARKING_RE = re.compile(
    rf"(?:{_COMMUNITY})??(?P<mark>地下车库|地库|车库|停车位|车位)?-?"
    rf"(?P<lvl>B[0-9]{{1,2}})-(?P<n>[0-9]{{1,4}})(?P<mark2>号?车位)?"
)


def _drop_zeros(part: str) -> str:
    """Drop leading zeros from an all-digit code part ("03" → "3"); keep letter codes."""
    return (part.lstrip("0") or "0") if part.isdigit() else part


def _prepare(text: str) -> str:
    """Width-fold, upper-case, drop spaces and fold Chinese numerals."""
    return fold_chinese_numerals("".join(fold_code(text).split()))


def room_code_error(text: str = "") -> ValidationError:
    """The refusal of text that is not a room code, with the forms that are."""
    message = _(
        "A room code is building-entrance-room, such as 3-2-501; "
        "3栋2单元501 and 3号楼2单元501室 are accepted too, as are A座1203, 1-101, "
        "1期3栋2单元501 and 12号别墅."
    )
    if text and text.strip():
        shown = " ".join(text.split())
        shown = shown if len(shown) <= 30 else shown[:29] + "…"
        message = _("“{text}” is not a room code.").format(text=shown) + " " + message
    return ValidationError("room", message)


def parse_room(text: str) -> ParsedRoom:
    """Read a whole room address in any form people type (see the module docstring).

    Raises ValidationError (field "room") quoting the text and showing the accepted forms
    when it is not one. A room without an entrance needs a number of three digits or more
    (``1-101``): ``3-2`` is the start of entrance 2 of building 3, not a room.
    """
    if not isinstance(text, str):
        raise room_code_error()
    value = _prepare(text)
    if not value:
        raise room_code_error(text)
    found = _parse(value)
    if found is None:
        raise room_code_error(text)
    return found


def _parse(value: str) -> ParsedRoom | None:
    m = _PARKING_RE.fullmatch(value)
    if m is not None and (m["mark"] or m["mark2"]):
        return ParsedRoom(building=m["lvl"], number=m["n"], kind=PARKING,
                          community=_community(m), parking_code=f"{m['lvl']}-{m['n']}")
    m = _VILLA_RE.fullmatch(value)
    if m is not None:
        building = _drop_zeros(m["b"] or m["b2"])
        if building == "0":
            return None
        return ParsedRoom(building=building, number="", kind=VILLA, community=_community(m))
    m = _SHOP_RE.fullmatch(value)
    if m is not None:
        building, number = _drop_zeros(m["b"]), _drop_zeros(m["r"])
        if "0" in (building, number):
            return None
        return ParsedRoom(building=building, number=number, kind=SHOP, community=_community(m))
    m = _ROOM_RE.fullmatch(value)
    if m is not None:
        room = _room_from(m, community=None)
        if room is not None:
            return room
    m = _ROOM_IN_COMMUNITY_RE.fullmatch(value)
    if m is not None and m["c"].strip("-"):
        return _room_from(m, community=m["c"].strip("-"))
    return None


def _community(m: re.Match[str]) -> str | None:
    return (m["c"] or "").strip("-") or None


def _room_from(m: re.Match[str], community: str | None) -> ParsedRoom | None:
    groups = m.groupdict()
    building = groups.get("b") or groups.get("bw") or ""
    building = _drop_zeros(building)
    entrance = _drop_zeros(m["e"]) if m["e"] else None
    number_text = m["r"]
    number = _drop_zeros(number_text)
    phase = _drop_zeros(m["p"]) if m["p"] else None
    floor = int(m["f"]) if m["f"] else None
    if "0" in (building, entrance, number, phase):
        return None
    if entrance is None and floor is None and len(number_text) < 3 and m["rs"] != "室":
        # "3-2" is building 3 entrance 2 (a search prefix), not room 2.
        return None
    if entrance is None and len(number_text) > 5:
        # "010-123456" is a (short) phone number, not building 10 room 123456.
        return None
    maybe_parking = (entrance is None and phase is None and community is None
                     and re.fullmatch(r"B[0-9]{1,2}", building) is not None
                     and groups.get("bs") == "-" and len(number_text) <= 4)
    return ParsedRoom(
        building=building, number=number, entrance=entrance, phase=phase, floor=floor,
        community=community, kind=ROOM, maybe_parking=maybe_parking,
        parking_code=f"{building}-{number_text}" if maybe_parking else "",
    )


_PREFIX_RE = re.compile(
    rf"{_PHASE}(?:(?P<b>[0-9A-Z]{{1,4}})(?:{_B_MARK}|-)|(?P<bw>{_BUILDING_WORD}){_B_MARK})"
    rf"(?:(?P<e>[0-9A-Z]{{1,3}})(?:{_E_MARK}(?:(?P<r>[0-9]{{1,6}})(?:室|号)?)?)?)?"
)


def parse_room_prefix(text: str) -> tuple[str, ...] | None:
    """Read a partial room code typed into search: ``3-2`` → ("3", "2"), ``3-2-5`` →
    ("3", "2", "5"), ``3栋`` / ``3号楼`` / ``3-`` → ("3",), ``3栋2单元`` → ("3", "2"),
    ``1期3栋`` → ("1期3",), ``三栋二单元`` → ("3", "2").

    The parts are those of the canonical code (`ParsedRoom.code` split at "-"). A bare
    number ("3", "501") is not a room prefix (it could be the tail of a phone number), nor
    is anything else that does not look like a room code: both give None. Never raises.
    Leading zeros are dropped as in `parse_room`.
    """
    if not isinstance(text, str):
        return None
    value = _prepare(text)
    m = _PREFIX_RE.fullmatch(value)
    if m is None:
        return None
    building = _drop_zeros(m["b"] or m["bw"])
    phase = _drop_zeros(m["p"]) if m["p"] else None
    parts = [f"{phase}期{building}" if phase else building]
    parts += [_drop_zeros(m[g]) for g in ("e", "r") if m[g] is not None]
    if "0" in (building, phase) or parts[1:2] == ["0"]:
        return None
    if len(parts) == 3 and parts[2] == "0":
        # "3-2-0" or "3-2-05"-style zero prefixes: rooms are stored without leading zeros.
        parts.pop()
    return tuple(parts)


@dataclass(frozen=True)
class RoomCode:
    """A room's address inside a community: building (楼栋, with its 期 in front), entrance
    (单元, "" when the building has none) and room (房号). The parser is data.rooms."""

    building: str
    entrance: str
    number: str

    @property
    def code(self) -> str:
        """The canonical form, such as ``3-2-501``, ``1期3-2-501`` or ``1-101``."""
        return "-".join(p for p in (self.building, self.entrance, self.number) if p)

    def __str__(self) -> str:
        return self.code


def parse_room_code(text: str) -> RoomCode:
    """Parse a whole room code in any form people type (``3-2-501``, ``3栋2单元501``,
    ``3号楼2单元501室``, ``A座1203``, ``1期3栋2单元501``, ``1-101``, full-width and Chinese
    numerals too): see `data.rooms.parse_room`, which this delegates to and which also
    gives the kind (villa, shop, parking), the floor and a community written in front.

    Leading zeros are dropped from every numeric part ("03-02-0501" → "3-2-501"); letters
    are upper-cased. Raises ValidationError (field "room") listing the accepted forms; a
    parking space (``地下车库B2-034``) is not a room and is refused too.
    """
    parsed = parse_room(text)
    if parsed.kind == PARKING:
        raise room_code_error(text)
    return RoomCode(parsed.building_code, parsed.entrance or "", parsed.number)
