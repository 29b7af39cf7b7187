"""Owners' meetings (业主大会, issue 19 item 3): a meeting and its proposals, the written
ballots entered twice by room (two different clerks; only agreeing entries count) or
imported, and the live tally per proposal counted by data.votes.counting (SPEC §13).

Every 专有部分 with its own title is a unit of the vote: the community's rooms (flats,
shops, storerooms, garages — whatever their room_type) and its titled parking spaces
(产权车位, their holder's). A ballot is entered under a room or, for a holder who owns no
room, under a space's code (such as B1-0005); one ballot per head carries all its units."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

from peewee import fn

from data import access, audit
from data.clock import today
from data.db import transaction
from data.errors import NotFoundError, ValidationError
from data.fees.fund import CHOICE_WORDS, vote_units
from data.i18n import _
from data.limits import read_bytes_limited
from data.models import (
    BallotEntry,
    Community,
    Meeting,
    Occupancy,
    ParkingSpace,
    Person,
    Proposal,
    Room,
    Staff,
)
from data.validators import clean_text, decode_text
from data.votes.counting import (
    CHOICES,
    MAJOR,
    OTHER,
    Rule,
    Unit,
    UnitKey,
    VoteCount,
    count_votes,
    rules,
)

#: 物业管理条例 art. 14: a meeting is announced to all owners at least 15 days ahead.
NOTICE_DAYS = 15
MATTERS = {OTHER: "一般事项", MAJOR: "重大事项"}
MATTER_WORDS = {"一般": OTHER, "一般事项": OTHER, "ordinary": OTHER, "重大": MAJOR, "重大事项": MAJOR}
#: One key per proposal on the ballot form and the CLI: 1 同意, 2 反对, 3 弃权.
KEYS = {"1": "yes", "2": "no", "3": "abstain"}
IMPORTED = 0
MAX_FILE = 5 * 1024 * 1024


@dataclass(frozen=True)
class ProposalRow:
    id: int
    seq: int
    title: str
    matter: str

    @property
    def matter_text(self) -> str:
        return MATTERS.get(self.matter, self.matter)


@dataclass(frozen=True)
class MeetingView:
    """A meeting, its proposals and how far the ballots are entered."""

    id: int
    community_id: int
    community: str
    title: str
    held_on: dt.date
    place: str
    announced_on: dt.date
    proposals: list[ProposalRow]
    agreed: int  # ballots (rooms or spaces) that count
    pending: int  # entered once, waiting for the second entry
    differing: int  # whose two entries differ

    @property
    def where(self) -> str:
        return self.place or "书面表决"

    def as_json(self) -> dict:
        out = asdict(self)
        out.update(held_on=self.held_on.isoformat(), announced_on=self.announced_on.isoformat(), where=self.where,
                   proposals=[asdict(p) | {"matter_text": p.matter_text} for p in self.proposals])
        return out


@dataclass(frozen=True)
class EntryResult:
    """What entering a ballot did: which entry it was and the room's state now."""

    room: str  # the room's or the parking space's code
    entry: int
    state: str  # agreed, pending, differs
    corrected: bool = False  # the clerk replaced their own earlier entry
    words: str = ""  # the ballot as stored, in words: "1同意 2反对"


@dataclass(frozen=True)
class DiffRow:
    """A room (or titled space) whose two entries differ: the proposals (seq) where they do,
    each entry in words per proposal ("1同意 2反对") and both clerks."""

    room: str
    proposals: list[int]
    first: str
    second: str
    first_by: str
    second_by: str

    def as_json(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class ProposalTally:
    seq: int
    title: str
    matter: str
    count: VoteCount
    rules: list[Rule]

    @property
    def matter_text(self) -> str:
        return MATTERS.get(self.matter, self.matter)

    @property
    def approved(self) -> bool:
        return self.count.approved

    def as_json(self) -> dict:
        return {"seq": self.seq, "title": self.title, "matter": self.matter, "matter_text": self.matter_text,
                "count": self.count.as_json(), "rules": [r.as_json() for r in self.rules],
                "approved": self.approved}


@dataclass(frozen=True)
class Tally:
    """The live tally of a meeting: each proposal's figures; the rooms still without an area
    (the totals are incomplete until they are entered, and no proposal is decided)."""

    meeting_id: int
    title: str
    community: str
    proposals: list[ProposalTally]
    ballots: int
    missing_area: list[str] = field(default_factory=list)

    def as_json(self) -> dict:
        return {"meeting": self.meeting_id, "title": self.title, "community": self.community,
                "ballots": self.ballots, "missing_area": self.missing_area,
                "proposals": [p.as_json() for p in self.proposals]}


@dataclass(frozen=True)
class ImportResult:
    """What an import stored: how many ballots, and with `replace`, each earlier imported
    ballot the file changed (room, before and after in words per proposal)."""

    stored: int
    bad: list[tuple[int, str]] = field(default_factory=list)
    changed: list[tuple[str, str, str]] = field(default_factory=list)
    added: int = 0  # ballots of rooms not imported before


def _audit(action: str, entity: str, entity_id: int, text: str, staff_id: int | None, meeting_id: int,
           old: str | None = None) -> None:
    """An audit row for a meeting's record (the meeting itself, a proposal, a ballot entry):
    what happened and to which room, never the choices (SPEC §13: the trail is read by
    people who may not see how a room voted)."""
    if not audit.enabled():
        return
    audit.record(action, entity, entity_id, "", old=old, new=text, staff_id=staff_id,
                 parent=None if entity == "meeting" else ("meeting", meeting_id))


# --- meetings and proposals ---------------------------------------------------------------------


def _meeting(meeting_id: int) -> Meeting:
    row = Meeting.get_or_none(Meeting.id == meeting_id)
    if row is None:
        raise NotFoundError(_("No owners' meeting {id}.").format(id=meeting_id))
    return row


def create_meeting(community_id: int, title: str, held_on: dt.date, place: str = "", *,
                   announced_on: dt.date | None = None, staff_id: int | None = None) -> MeetingView:
    """Record a meeting the owners' committee convened (announced today unless said): held at
    `place`, or in writing when no place is given. Refuses a day less than 15 days after the
    announcement (物业管理条例 art. 14)."""
    access.require("meetings.record", staff_id)
    if Community.get_or_none(Community.id == community_id) is None:
        raise NotFoundError(_("No such community."))
    title = clean_text(title, "title", max_length=100)
    if not title:
        raise ValidationError("title", _("Name the meeting (such as 2027年第一次业主大会)."))
    place = clean_text(place or "", "place", max_length=100)
    announced_on = announced_on or today()
    if announced_on > today():
        raise ValidationError("announced_on", _("The announcement cannot be dated in the future."))
    earliest = announced_on + dt.timedelta(days=NOTICE_DAYS)
    if held_on < earliest:
        raise ValidationError("held_on", _(
            "A meeting is announced to all owners at least 15 days ahead (物业管理条例 art. 14): announced on "
            "{announced}, it can be held on {earliest} at the earliest, not {day}.").format(
            announced=announced_on.isoformat(), earliest=earliest.isoformat(), day=held_on.isoformat()))
    with transaction():
        row = Meeting.create(community=community_id, title=title, held_on=held_on, place=place,
                             announced_on=announced_on, created_by=staff_id)
        _audit("create", "meeting", row.id, _("owners' meeting {title} on {day}").format(
            title=title, day=held_on.isoformat()), staff_id, row.id)
    return get_meeting(row.id, staff_id)


def _no_ballots_yet(meeting: Meeting) -> None:
    if BallotEntry.select().where(BallotEntry.meeting == meeting.id).exists():
        raise ValidationError("proposal", _("Ballots are already entered: the proposals of a meeting cannot "
                                            "change once voting started."))


def add_proposal(meeting_id: int, title: str, matter: str = OTHER, staff_id: int | None = None) -> MeetingView:
    """Add a proposal, an ordinary (`other`) or a major matter, before any ballot is entered."""
    access.require("meetings.record", staff_id)
    matter = MATTER_WORDS.get(matter, matter)
    if matter not in MATTERS:
        raise ValidationError("matter", _("A proposal is an ordinary (一般) or a major (重大) matter."))
    title = clean_text(title, "title", max_length=200)
    if not title:
        raise ValidationError("title", _("Give the proposal's title."))
    with transaction():
        meeting = _meeting(meeting_id)
        _no_ballots_yet(meeting)
        seq = Proposal.select().where(Proposal.meeting == meeting.id).count() + 1
        proposal = Proposal.create(meeting=meeting.id, seq=seq, title=title, matter=matter)
        _audit("create", "proposal", proposal.id, f"{seq}. [{MATTERS[matter]}] {title}", staff_id, meeting.id)
    return get_meeting(meeting_id, staff_id)


def _proposals(meeting_id: int) -> list[ProposalRow]:
    return [ProposalRow(p.id, p.seq, p.title, p.matter)
            for p in Proposal.select().where(Proposal.meeting == meeting_id).order_by(Proposal.seq)]


def _key(entry: BallotEntry) -> UnitKey:
    return entry.room_id if entry.room_id is not None else f"space:{entry.space_id}"


def _entries(meeting_id: int) -> dict[UnitKey, dict[int, BallotEntry]]:
    """unit key (room id, or "space:<id>") → entry number → entry."""
    out: dict[UnitKey, dict[int, BallotEntry]] = {}
    for e in BallotEntry.select().where(BallotEntry.meeting == meeting_id):
        out.setdefault(_key(e), {})[e.entry] = e
    return out


def _labels(keys) -> dict[UnitKey, str]:
    """The code of each unit: the room's, or the parking space's."""
    keys = list(keys)
    rooms = [k for k in keys if isinstance(k, int)]
    spaces = [int(k.split(":", 1)[1]) for k in keys if isinstance(k, str)]
    out: dict[UnitKey, str] = {}
    if rooms:
        out.update(Room.select(Room.id, Room.code).where(Room.id.in_(rooms)).tuples())
    if spaces:
        out.update((f"space:{i}", c) for i, c in
                   ParkingSpace.select(ParkingSpace.id, ParkingSpace.code).where(ParkingSpace.id.in_(spaces)).tuples())
    return out


def _state(entries: dict[int, BallotEntry]) -> str:
    if IMPORTED in entries:
        return "agreed"
    if 1 in entries and 2 in entries:
        return "agreed" if json.loads(entries[1].choices) == json.loads(entries[2].choices) else "differs"
    return "pending"


def _agreed(meeting_id: int) -> dict[UnitKey, dict[str, str]]:
    """unit key → the ballot that counts ({proposal id: choice})."""
    out = {}
    for room, entries in _entries(meeting_id).items():
        if _state(entries) == "agreed":
            out[room] = json.loads(entries[IMPORTED if IMPORTED in entries else 1].choices)
    return out


def _view(row: Meeting) -> MeetingView:
    states = [_state(e) for e in _entries(row.id).values()]
    return MeetingView(row.id, row.community_id, Community.get_by_id(row.community_id).name, row.title, row.held_on,
                       row.place, row.announced_on, _proposals(row.id), states.count("agreed"),
                       states.count("pending"), states.count("differs"))


def get_meeting(meeting_id: int, staff_id: int | None = None) -> MeetingView:
    access.require("meetings.view", staff_id)
    return _view(_meeting(meeting_id))


def meetings(community_id: int | None = None, staff_id: int | None = None) -> list[MeetingView]:
    """The owners' meetings, the latest first."""
    access.require("meetings.view", staff_id)
    query = Meeting.select()
    if community_id is not None:
        query = query.where(Meeting.community == community_id)
    return [_view(r) for r in query.order_by(Meeting.held_on.desc(), Meeting.id.desc()).limit(200)]


# --- ballots ------------------------------------------------------------------------------------


def _units(community_id: int) -> list[Unit]:
    """Every 专有部分 of the community: its rooms of every type and its titled spaces."""
    rooms = [r for (r,) in Room.select(Room.id).where(Room.community == community_id).tuples()]
    spaces = [s for (s,) in ParkingSpace.select(ParkingSpace.id).where(ParkingSpace.community == community_id,
                                                                       ParkingSpace.kind == "titled").tuples()]
    return vote_units(rooms, spaces)


def _choices(meeting_id: int, choices: dict[int, str] | list[str] | str) -> dict[str, str]:
    """The ballot as {proposal id: code}: a dict by proposal id, a list in proposal order, or
    keys typed in a row ("123": 1 同意, 2 反对, 3 弃权)."""
    proposals = _proposals(meeting_id)
    if not proposals:
        raise ValidationError("ballot", _("The meeting has no proposals yet."))
    if isinstance(choices, str):
        choices = list(choices.replace(" ", ""))
    if isinstance(choices, list):
        if len(choices) != len(proposals):
            raise ValidationError("ballot", _("The ballot needs one choice for each of the {n} proposals.").format(
                n=len(proposals)))
        choices = {p.id: c for p, c in zip(proposals, choices, strict=True)}
    out = {}
    for p in proposals:
        raw = str(choices.get(p.id, "")).strip()
        code = KEYS.get(raw) or CHOICE_WORDS.get(raw) or (raw if raw in CHOICES else "")
        if not code:
            raise ValidationError("ballot", _("Proposal {seq}: a ballot is 1 同意, 2 反对 or 3 弃权.").format(seq=p.seq))
        out[str(p.id)] = code
    return out


def _unit_for_ballot(meeting: Meeting, key: UnitKey, units: list[Unit], entries: dict) -> str:
    """The unit's code, checked: a room or titled space of the meeting's community, with an
    area, and its head not already voting through another unit (one ballot per head,
    SPEC §13)."""
    unit = next((u for u in units if u.key == key), None)
    if unit is None:
        if isinstance(key, str):
            raise ValidationError("room", _("That parking space is not a titled space (产权车位) of the meeting's "
                                            "community: it carries no vote."))
        raise ValidationError("room", _("That room is not in the meeting's community."))
    code = _labels([key])[key]
    if unit.area <= 0:
        if unit.space:
            raise ValidationError("room", _("Parking space {space} has no area: enter its area first, its ballot "
                                            "cannot be weighed without it.").format(space=code))
        raise ValidationError("room", _("{room} has no area in the room register: enter its 建筑面积 first, "
                                        "its ballot cannot be weighed without it.").format(room=code))
    for other in units:
        if other.key != key and other.head == unit.head and other.key in entries:
            raise ValidationError("room", _("The ballot of {room}'s owner was entered under {other}: one owner "
                                            "casts one ballot carrying all their rooms.").format(
                room=code, other=_labels([other.key])[other.key]))
    return code


def _store(meeting_id: int, key: UnitKey, number: int, text: str, staff_id: int | None) -> int:
    """Insert or replace one entry of a unit's ballot; its id."""
    if isinstance(key, str):
        column, target = {"space": int(key.split(":", 1)[1])}, BallotEntry.space
    else:
        column, target = {"room": key}, BallotEntry.room
    (BallotEntry.insert(meeting=meeting_id, entry=number, choices=text, entered_by=staff_id, **column)
     .on_conflict(conflict_target=[BallotEntry.meeting, target, BallotEntry.entry],
                  update={BallotEntry.choices: text, BallotEntry.entered_by: staff_id}).execute())
    return BallotEntry.get(BallotEntry.meeting == meeting_id, target == next(iter(column.values())),
                           BallotEntry.entry == number).id


def enter_ballot(meeting_id: int, unit: UnitKey, choices: dict[int, str] | list[str] | str,
                 staff_id: int | None = None) -> EntryResult:
    """Enter a written ballot under a room (its id) or a titled parking space ("space:<id>",
    see `unit_key`). The first clerk's entry is entry 1, a different clerk's entry 2; a
    clerk entering the unit again replaces their own entry (to correct it). The ballot
    counts once both entries agree."""
    access.require("meetings.record", staff_id)
    with transaction():
        meeting = _meeting(meeting_id)
        codes = _choices(meeting.id, choices)
        entries = _entries(meeting.id)
        code = _unit_for_ballot(meeting, unit, _units(meeting.community_id), entries)
        mine = entries.get(unit, {})
        if IMPORTED in mine:
            raise ValidationError("room", _("{room}'s ballot was imported; it is not entered by hand.").format(
                room=code))
        number = next((n for n, e in mine.items() if e.entered_by_id == staff_id), None)
        if number is None:
            if len(mine) >= 2:
                raise ValidationError("room", _("{room}'s ballot is already entered twice, by other clerks.").format(
                    room=code))
            number = 1 if 1 not in mine else 2
        entry_id = _store(meeting.id, unit, number, json.dumps(codes, sort_keys=True), staff_id)
        words = (_("ballot corrected for {room} (entry {n})") if number in mine
                 else _("ballot entered for {room} (entry {n})"))
        _audit("update" if number in mine else "create", "ballot_entry", entry_id,
               words.format(room=code, n=number), staff_id, meeting.id)
        state = _state(_entries(meeting.id).get(unit, {}))
        seqs = {str(p.id): p.seq for p in _proposals(meeting.id)}
    return EntryResult(code, number, state, number in mine, _words(codes, seqs))


def _clerk(staff_id: int | None) -> str:
    row = Staff.get_or_none(Staff.id == staff_id) if staff_id else None
    return row.name if row else "—"


def differences(meeting_id: int, staff_id: int | None = None) -> list[DiffRow]:
    """The rooms (and titled spaces) whose two entries differ — they do not count until a
    clerk corrects theirs: the proposals where they differ, each entry in words per
    proposal ("1同意 2反对") and the two clerks, by room code."""
    access.require("meetings.view", staff_id)
    proposals = {str(p.id): p.seq for p in _proposals(meeting_id)}
    differing = {k: e for k, e in _entries(_meeting(meeting_id).id).items() if _state(e) == "differs"}
    labels = _labels(differing)
    rows = []
    for key, entries in differing.items():
        a, b = json.loads(entries[1].choices), json.loads(entries[2].choices)
        seqs = sorted(proposals[k] for k in proposals if a.get(k) != b.get(k))
        word = {k: " ".join(f"{proposals[p]}{CHOICES.get(v, v)}"
                            for p, v in sorted(x.items(), key=lambda i: proposals.get(i[0], 0)) if p in proposals)
                for k, x in (("a", a), ("b", b))}
        rows.append(DiffRow(labels.get(key, "?"), seqs, word["a"], word["b"],
                            _clerk(entries[1].entered_by_id), _clerk(entries[2].entered_by_id)))
    return sorted(rows, key=lambda r: r.room)


def _ballot_lines(path: Path) -> list[tuple[int, list[str]]]:
    """(line number, cells) of a ballot file: an XLSX workbook (by its content) read through
    the roster import's guarded reader (size, parts and zip-bomb limits, data.limits), else
    CSV text."""
    from data.roster.reading import _check_xlsx_parts, _read_xlsx

    data = read_bytes_limited(path, MAX_FILE, _("a ballot file"))
    if data[:2] != b"PK":
        return list(enumerate(csv.reader(io.StringIO(decode_text(data))), 1))
    del data
    _check_xlsx_parts(path)
    tables = _read_xlsx(path)
    return [(n, [str(c) for c in cells]) for n, cells in tables[0].rows] if tables else []


def _words(codes: dict[str, str], seqs: dict[str, int]) -> str:
    """A ballot in words per proposal: "1同意 2反对"."""
    return " ".join(f"{seqs[p]}{CHOICES.get(v, v)}" for p, v in sorted(codes.items(), key=lambda i: seqs.get(i[0], 0))
                    if p in seqs)


def import_ballots(meeting_id: int, path: str, staff_id: int | None = None, *, replace: bool = False) -> ImportResult:
    """Import ballots (a regular CSV or XLSX file, read only): the room (or a titled parking
    space's code, for a holder who owns no room) in the first column,
    then one column per proposal in order (同意/反对/弃权 or 1/2/3); a header line is allowed.
    Any bad line refuses the whole file, each named by its number.

    An imported ballot counts without a second clerk's entry, so importing is a lead's act
    (`meetings.import`). Once ballots were imported, another import is refused unless
    `replace`: then the file's ballots replace those of its rooms and every change is
    listed (`changed`). Each ballot stored and the import itself go to the audit trail,
    without the choices."""
    access.require("meetings.import", staff_id)
    lines = _ballot_lines(Path(path))
    meeting = _meeting(meeting_id)
    units = _units(meeting.community_id)
    good: dict[UnitKey, dict[str, str]] = {}
    bad: list[tuple[int, str]] = []
    entries = _entries(meeting.id)
    imported = [k for k, e in entries.items() if IMPORTED in e]
    if imported and not replace:
        raise ValidationError("file", _(
            "{n} ballots of this meeting were imported already. Importing again replaces them: run it with "
            "--replace to do so (each changed ballot is listed).").format(n=len(imported)))
    first = lines[0][0] if lines else 0
    for n, cells in lines:
        cells = [str(c or "").strip() for c in cells]
        if not any(cells) or (n == first and cells and not any(ch.isdigit() for ch in cells[0])):
            continue
        try:
            key = _resolve(meeting, cells[0])
            if {1, 2} & set(entries.get(key, {})):
                raise ValidationError("room", _("{room}'s ballot is entered by hand already.").format(room=cells[0]))
            if key in good:
                raise ValidationError("room", _("{room} appears twice in the file.").format(room=cells[0]))
            codes = _choices(meeting.id, cells[1:len(_proposals(meeting.id)) + 1])
            claimed = {**entries, **{r: {} for r in good}}
            claimed.pop(key, None)
            _unit_for_ballot(meeting, key, units, claimed)
            good[key] = codes
        except (ValidationError, NotFoundError) as exc:
            bad.append((n, str(getattr(exc, "message", exc))))
    if bad:
        listed = "; ".join(_("line {line}: {reason}").format(line=n, reason=r) for n, r in bad[:20])
        raise ValidationError("file", _("Nothing imported, {n} bad lines — {lines}.").format(n=len(bad), lines=listed))
    seqs = {str(p.id): p.seq for p in _proposals(meeting.id)}
    labels = _labels(good)
    changed: list[tuple[str, str, str]] = []
    added = 0
    with transaction():
        for key, codes in good.items():
            text = json.dumps(codes, sort_keys=True)
            before = entries.get(key, {}).get(IMPORTED)
            if before is not None and json.loads(before.choices) == codes:
                continue
            entry_id = _store(meeting.id, key, IMPORTED, text, staff_id)
            room = labels.get(key, "?")
            if before is None:
                added += 1
                _audit("create", "ballot_entry", entry_id, _("ballot imported for {room}").format(room=room),
                       staff_id, meeting.id)
            else:
                changed.append((room, _words(json.loads(before.choices), seqs), _words(codes, seqs)))
                _audit("update", "ballot_entry", entry_id, _("imported ballot replaced for {room}").format(
                    room=room), staff_id, meeting.id)
        _audit("import", "meeting", meeting.id, _(
            "{n} ballots imported from {file}: {added} new, {changed} replaced").format(
            n=len(good), file=Path(path).name[:80], added=added, changed=len(changed)), staff_id, meeting.id)
    return ImportResult(len(good), bad, sorted(changed), added)


# --- the tally ----------------------------------------------------------------------------------


def tally(meeting_id: int, staff_id: int | None = None) -> Tally:
    """Each proposal counted over every 专有部分 of the community (SPEC §13): its rooms and
    titled parking spaces; an agreed ballot carries every unit of its head (an owner's
    several rooms and spaces, co-owners' rooms, the developer's units). A unit without an
    area (room or space) is listed in `missing_area` and nothing is decided until entered."""
    access.require("meetings.view", staff_id)
    meeting = _meeting(meeting_id)
    units = _units(meeting.community_id)
    agreed = _agreed(meeting.id)
    head_ballot = {u.head: agreed[u.key] for u in units if u.key in agreed}
    missing = [u.key for u in units if u.area <= 0]
    codes = sorted(_labels(missing).values()) if missing else []
    out = []
    for p in _proposals(meeting.id):
        ballots = {u.key: head_ballot[u.head][str(p.id)] for u in units if u.head in head_ballot}
        count = count_votes(units, ballots, p.matter)
        if missing:  # the totals lack rooms: nothing is decided until their areas are entered
            count = VoteCount(**{**asdict(count), "quorum": False, "approved": False})
        out.append(ProposalTally(p.seq, p.title, p.matter, count, rules(count)))
    return Tally(meeting.id, meeting.title, Community.get_by_id(meeting.community_id).name, out, len(agreed), codes)


def owner_participation(person_id: int, staff_id: int | None = None) -> list[tuple[str, dt.date, bool]]:
    """For the owner's own card only: each meeting of their communities and whether a ballot
    of theirs counts — never how they or anyone else voted."""
    access.require("meetings.view", staff_id)
    if Person.get_or_none(Person.id == person_id) is None:
        raise NotFoundError(_("No such person."))
    mine: dict[UnitKey, int] = {
        r: c for r, c in Room.select(Room.id, Room.community).join(Occupancy, on=(Occupancy.room == Room.id))
        .where(Occupancy.person == person_id, Occupancy.role == "owner", Occupancy.end_date.is_null()).tuples()}
    mine.update((f"space:{s}", c) for s, c in ParkingSpace.select(ParkingSpace.id, ParkingSpace.community)
                .where(ParkingSpace.holder == person_id, ParkingSpace.kind == "titled").tuples())
    out = []
    for m in Meeting.select().where(Meeting.community.in_(set(mine.values()))).order_by(Meeting.held_on.desc()):
        units = _units(m.community_id)
        heads = {u.head for u in units if u.key in mine}
        agreed = _agreed(m.id)
        out.append((m.title, m.held_on, any(u.head in heads for u in units if u.key in agreed)))
    return out



def _resolve(meeting: Meeting, code: str) -> UnitKey:
    """A typed code in the meeting's community: a parking space's code (such as B1-0005),
    else a room in any form data.rooms_lookup reads."""
    from data.rooms_lookup import resolve_room

    text = clean_text(code, "room", max_length=60)
    if not text:
        raise ValidationError("room", _("Give the room, or the titled parking space's code."))
    space = (ParkingSpace.select(ParkingSpace.id, ParkingSpace.kind)
             .where(ParkingSpace.community == meeting.community_id, fn.UPPER(ParkingSpace.code) == text.upper())
             .first())
    if space is not None:
        if space.kind != "titled":
            raise ValidationError("room", _("Parking space {space} is not a titled space (产权车位): it carries no "
                                            "vote.").format(space=text[:20]))
        return f"space:{space.id}"
    rooms = resolve_room(text, meeting.community_id).rooms
    if len(rooms) != 1:
        raise ValidationError("room", _("no room {room}").format(room=text[:40]))
    return rooms[0].id


def unit_key(meeting_id: int, code: str, staff_id: int | None = None) -> UnitKey:
    """What a clerk typed on the ballot form or the CLI, as the key `enter_ballot` takes: a
    titled parking space's code ("space:<id>") or a room (its id) of the meeting's community."""
    access.require("meetings.view", staff_id)
    return _resolve(_meeting(meeting_id), code)


def room_id(meeting_id: int, code: str, staff_id: int | None = None) -> int:
    """The room a clerk typed (any form data.rooms_lookup reads) in the meeting's community."""
    from data.rooms_lookup import resolve_room

    access.require("meetings.view", staff_id)
    meeting = _meeting(meeting_id)
    rooms = resolve_room(clean_text(code, "room", max_length=60), meeting.community_id).rooms
    if len(rooms) != 1:
        raise ValidationError("room", _("no room {room}").format(room=code.strip()[:40]))
    return rooms[0].id
