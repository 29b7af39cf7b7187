"""How an owners' vote is counted (SPEC §13; Civil Code art. 278, 最高人民法院建筑物区分所有权
解释 art. 8–9): pure functions over the units concerned and the ballots cast, no database."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from decimal import Decimal

#: A ballot: 同意, 反对 or 弃权 (codes).
CHOICES = {"yes": "同意", "no": "反对", "abstain": "弃权"}
#: "Other matters" (using the maintenance fund, electing the committee …): more than 1/2.
OTHER = "other"
#: "Major matters" (raising the fund, rebuilding, changing the use of shared parts): at least 3/4.
MAJOR = "major"
#: The head of every unit the developer still holds (unsold, or sold and not delivered).
DEVELOPER = "developer"


#: What a ballot is keyed by: a room's id, or "space:<id>" for a titled parking space.
UnitKey = int | str


@dataclass(frozen=True)
class Unit:
    """A 专有部分 concerned by the vote: its area (the register's, else surveyed, else the
    contract's; 0 when unknown) and who holds it — `owner` the key of the owner's head (one
    person, or a group of co-owners joined by the rooms they share), or None when no owner
    is known (the unit is then its own head); `developer` when the 建设单位 still holds it.
    `room_id` is the room's id, or the parking space's id when `space` (a titled 产权车位
    or storeroom with its own title)."""

    room_id: int
    area: Decimal
    owner: str | None = None
    developer: bool = False
    space: bool = False

    @property
    def key(self) -> UnitKey:
        """What its ballot is keyed by: the room id, or "space:<id>"."""
        return f"space:{self.room_id}" if self.space else self.room_id

    @property
    def head(self) -> str:
        """Whose head the unit counts towards: the developer's units are one head in total,
        one buyer of several units is one head, else one head per unit."""
        if self.developer:
            return DEVELOPER
        if self.owner:
            return f"owner:{self.owner}"
        return f"space:{self.room_id}" if self.space else f"room:{self.room_id}"


def heads_of(owners: Iterable[tuple[UnitKey, str]]) -> dict[UnitKey, str]:
    """The head of each unit from its current owners ((unit key, person key) pairs, several
    per unit for co-owners): units sharing an owner are one head, transitively (co-owners
    of room X, one of whom alone owns room Y: X and Y are one head) — union-find over the
    owners. The head is named by its smallest person key (stable whatever the order)."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def person_order(x: str) -> tuple[int, str]:
        return (int(x), x) if x.isdigit() else (1 << 62, x)

    first: dict[UnitKey, str] = {}
    for unit, person in owners:
        root = find(person)
        if unit in first:
            other = find(first[unit])
            if other != root:
                keep, drop = sorted((root, other), key=person_order)
                parent[drop] = keep
        else:
            first[unit] = person
    return {unit: find(person) for unit, person in first.items()}


@dataclass(frozen=True)
class VoteCount:
    """The figures of a vote and its outcome."""

    matter: str
    total_area: Decimal
    total_heads: int
    voted_area: Decimal
    voted_heads: int
    yes_area: Decimal
    yes_heads: int
    no_area: Decimal
    no_heads: int
    abstain_area: Decimal
    abstain_heads: int
    quorum: bool  # ≥ 2/3 of the area and ≥ 2/3 of the heads took part
    approved: bool  # quorum and the matter's majority of both

    def as_json(self) -> dict:
        return {k: (f"{v:.2f}" if isinstance(v, Decimal) else v) for k, v in asdict(self).items()}


def _head_choice(choices: list[tuple[str, Decimal]]) -> str:
    """One head, several units with ballots (an owner of several units, the developer): the
    head follows the choice that holds the most of its voted area; a tie between choices
    counts as 弃权, since the head expressed no single will."""
    by_choice: dict[str, Decimal] = {}
    for choice, area in choices:
        by_choice[choice] = by_choice.get(choice, Decimal(0)) + area
    best = max(by_choice.values())
    winners = [c for c, a in by_choice.items() if a == best]
    return winners[0] if len(winners) == 1 else "abstain"


def count_votes(units: Iterable[Unit], ballots: Mapping[UnitKey, str], matter: str = OTHER) -> VoteCount:
    """Count `ballots` (unit key → yes/no/abstain) over the `units` concerned. Every ballot
    cast is participation; a ballot for a room not concerned is ignored. Area follows each
    unit's own ballot; heads follow `_head_choice`. Comparisons are exact (cross-multiplied
    integers and Decimals, no float): ≥ 2/3 participation of both, then more than 1/2 of the
    participating area and heads (`OTHER`) or at least 3/4 of both (`MAJOR`)."""
    if matter not in (OTHER, MAJOR):
        raise ValueError(f"unknown matter {matter!r}")
    units = list(units)
    zero = Decimal(0)
    area = {c: zero for c in CHOICES}
    heads_units: dict[str, list[tuple[str, Decimal]]] = {}
    all_heads: set[str] = set()
    total_area = zero
    for unit in units:
        total_area += unit.area
        all_heads.add(unit.head)
        choice = ballots.get(unit.key)
        if choice is None:
            continue
        if choice not in CHOICES:
            raise ValueError(f"unknown ballot {choice!r}")
        area[choice] += unit.area
        heads_units.setdefault(unit.head, []).append((choice, unit.area))
    heads = dict.fromkeys(CHOICES, 0)
    for choices in heads_units.values():
        heads[_head_choice(choices)] += 1
    voted_area = sum(area.values(), zero)
    voted_heads = len(heads_units)
    total_heads = len(all_heads)
    quorum = total_heads > 0 and voted_area * 3 >= total_area * 2 and voted_heads * 3 >= total_heads * 2
    if matter == MAJOR:
        majority = area["yes"] * 4 >= voted_area * 3 and heads["yes"] * 4 >= voted_heads * 3
    else:
        majority = area["yes"] * 2 > voted_area and heads["yes"] * 2 > voted_heads
    return VoteCount(matter, total_area, total_heads, voted_area, voted_heads, area["yes"], heads["yes"],
                     area["no"], heads["no"], area["abstain"], heads["abstain"], quorum,
                     bool(quorum and voted_heads and majority))


@dataclass(frozen=True)
class Rule:
    """One figure of a count against its threshold: `part` of `whole`, the rule in words
    (≥ 2/3, > 1/2, ≥ 3/4) and whether it is met."""

    name: str  # participation_heads, participation_area, approval_heads, approval_area
    part: Decimal | int
    whole: Decimal | int
    rule: str
    met: bool

    def as_json(self) -> dict:
        def text(v: Decimal | int) -> str | int:
            return f"{v:.2f}" if isinstance(v, Decimal) else v
        return {"name": self.name, "part": text(self.part), "whole": text(self.whole), "rule": self.rule,
                "met": self.met}


def rules(count: VoteCount) -> list[Rule]:
    """The four figures SPEC §13 decides on, each with its rule and whether it is met (the
    same exact comparisons as `count_votes`): participation by heads and by area against
    2/3 of the total, approval by heads and by area against the matter's majority of those
    taking part."""
    def share(part, whole, num: int, den: int, strict: bool) -> bool:
        if not whole:
            return False
        return part * den > whole * num if strict else part * den >= whole * num
    major = count.matter == MAJOR
    num, den, strict, words = (3, 4, False, "≥ 3/4") if major else (1, 2, True, "> 1/2")
    return [
        Rule("participation_heads", count.voted_heads, count.total_heads, "≥ 2/3",
             share(count.voted_heads, count.total_heads, 2, 3, False)),
        Rule("participation_area", count.voted_area, count.total_area, "≥ 2/3",
             share(count.voted_area, count.total_area, 2, 3, False)),
        Rule("approval_heads", count.yes_heads, count.voted_heads, words,
             share(count.yes_heads, count.voted_heads, num, den, strict)),
        Rule("approval_area", count.yes_area, count.voted_area, words,
             share(count.yes_area, count.voted_area, num, den, strict)),
    ]
