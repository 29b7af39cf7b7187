"""Keys and access cards left with the desk (钥匙寄存, issue 16 item 3): what was left for
which room, by whom and when; the people who may collect them, each a name with the last
4 digits of a phone or the last 4–6 characters of an ID number; every hand-out (only to
someone on that list, by name and tail) and return; keys out longer than a day flagged;
keys given back to the owner for good (closed).

Every function asks `keys.manage` (desk staff and leads): the register names who may
collect a room's keys, so reading it is theirs too."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from peewee import Case, fn

from data import access
from data.db import transaction
from data.desk_registers.common import (
    PAGE,
    Page,
    RoomRef,
    acting_id,
    any_tail,
    choice,
    clean_name,
    community_filter,
    id_tail,
    line,
    moment,
    moved,
    name_key,
    one,
    page_bounds,
    person_tails,
    phone_tail,
    resolve_room_ref,
    room_refs,
    staff_names,
    tails_match,
)
from data.desk_registers.common import note as clean_note
from data.errors import NotFoundError, ValidationError
from data.i18n import N_, _
from data.models import KeyAuthorisation, KeyDeposit, KeyLoan, Person, Room
from data.property.values import person_ref
from data.registers.common import OWNER_ROLES, room_people

if TYPE_CHECKING:
    from data.handover import HandoverItem

ACTION = "keys.manage"
#: Keys out longer than this are flagged (the handover and the room card show them).
KEY_OVERDUE = dt.timedelta(days=1)
MAX_QUANTITY = 99

KEY_STATES = {
    "held": N_("At the desk"),
    "out": N_("Handed out"),
    "closed": N_("Returned for good"),
}
KEY_STATE_WORDS = {"在前台": "held", "寄存中": "held", "已借出": "out", "借出": "out", "外借": "out",
                   "已归还业主": "closed", "已退还": "closed", "已结束": "closed"}
#: A list filter besides the states: `open` is at the desk or out.
OPEN = "open"


# --- values -------------------------------------------------------------------------------


@dataclass
class AuthorisedInput:
    """A person who may collect the keys: a name and a phone tail (last 4) or an ID tail
    (last 4–6); a registered person (`person`: "#12", a phone or a name) may leave the
    tails out: theirs are taken from their mobile and ID number."""

    name: str = ""
    phone_tail: str = ""
    id_tail: str = ""
    person: str | int | None = None


@dataclass
class KeyDepositInput:
    """Keys left with the desk, as typed."""

    description: str  # 入户门钥匙, 门禁卡, 信箱钥匙 …
    room: str = ""  # the room code as typed; or room_id
    community: int | str | None = None
    room_id: int | None = None
    quantity: int | str = 1
    owner: str | int | None = None  # the owner who left them (a Person: "#12", phone, name)
    left_by: str = ""  # who left them when not the owner (else the owner's name)
    authorised: list[AuthorisedInput] = field(default_factory=list)
    note: str = ""


@dataclass(frozen=True)
class AuthorisedView:
    """One person on a deposit's list; `active` until revoked."""

    id: int
    name: str
    phone_tail: str
    id_tail: str
    person_id: int | None
    added_at: dt.datetime
    added_by: str
    revoked_at: dt.datetime | None

    @property
    def active(self) -> bool:
        return self.revoked_at is None

    @property
    def tails(self) -> str:
        """How a list shows the tails: "尾号 8000 / 证件 12345X"."""
        parts = []
        if self.phone_tail:
            parts.append(_("phone …{tail}").format(tail=self.phone_tail))
        if self.id_tail:
            parts.append(_("ID …{tail}").format(tail=self.id_tail))
        return " / ".join(parts)

    def as_json(self) -> dict:
        return {"id": self.id, "name": self.name, "phone_tail": self.phone_tail,
                "id_tail": self.id_tail, "person_id": self.person_id, "added_at": _t(self.added_at),
                "added_by": self.added_by, "revoked_at": _t(self.revoked_at)}


@dataclass(frozen=True)
class KeyLoanView:
    """One hand-out and its return."""

    id: int
    handed_to: str
    out_at: dt.datetime
    out_by: str  # the staff member who handed them out
    note: str
    returned_at: dt.datetime | None
    returned_by: str  # who brought them back
    returned_staff: str
    overdue: bool

    def as_json(self) -> dict:
        return {"id": self.id, "handed_to": self.handed_to, "out_at": _t(self.out_at),
                "out_by": self.out_by, "note": self.note, "returned_at": _t(self.returned_at),
                "returned_by": self.returned_by, "returned_staff": self.returned_staff,
                "overdue": self.overdue}


@dataclass(frozen=True)
class KeyRow:
    """A deposit as a list shows it; `out_to`/`out_since` while out, `overdue` when out
    longer than a day."""

    id: int
    room: RoomRef
    description: str
    quantity: int
    left_by: str
    owner_id: int | None
    deposited_at: dt.datetime
    state: str
    out_to: str
    out_since: dt.datetime | None
    overdue: bool
    authorised: tuple[str, ...]  # the names on the list

    def as_json(self) -> dict:
        return {"id": self.id, "community": self.room.community, "room": self.room.code,
                "room_id": self.room.id, "description": self.description, "quantity": self.quantity,
                "left_by": self.left_by, "owner_id": self.owner_id,
                "deposited_at": _t(self.deposited_at), "state": self.state, "out_to": self.out_to,
                "out_since": _t(self.out_since), "overdue": self.overdue,
                "authorised": list(self.authorised)}


@dataclass(frozen=True)
class KeyView:
    """One deposit with its list of people and every hand-out, newest first."""

    row: KeyRow
    deposited_by: str
    note: str
    closed_at: dt.datetime | None
    closed_to: str
    closed_by: str
    authorised: tuple[AuthorisedView, ...]
    loans: tuple[KeyLoanView, ...]

    @property
    def id(self) -> int:
        return self.row.id

    @property
    def state(self) -> str:
        return self.row.state

    @property
    def active_authorised(self) -> tuple[AuthorisedView, ...]:
        return tuple(a for a in self.authorised if a.active)

    def as_json(self) -> dict:
        return {**self.row.as_json(), "deposited_by": self.deposited_by, "note": self.note,
                "closed_at": _t(self.closed_at), "closed_to": self.closed_to,
                "closed_by": self.closed_by,
                "authorised": [a.as_json() for a in self.authorised],
                "loans": [loan.as_json() for loan in self.loans]}


@dataclass(frozen=True)
class KeyOut:
    """Keys out now (the handover's and the room card's line): with whom, since when."""

    deposit_id: int
    room: RoomRef
    description: str
    quantity: int
    handed_to: str
    out_at: dt.datetime
    out_by: str
    overdue: bool

    def as_json(self) -> dict:
        return {"id": self.deposit_id, "community": self.room.community, "room": self.room.code,
                "description": self.description, "quantity": self.quantity,
                "handed_to": self.handed_to, "out_at": _t(self.out_at), "out_by": self.out_by,
                "overdue": self.overdue}


def _t(value: dt.datetime | None) -> str | None:
    return f"{value:%Y-%m-%d %H:%M}" if value else None


# --- reading ------------------------------------------------------------------------------


def _rows(deposits: list[KeyDeposit], at: dt.datetime) -> list[KeyRow]:
    ids = [d.id for d in deposits]
    rooms = room_refs(d.room_id for d in deposits)
    loans: dict[int, KeyLoan] = {}
    names: dict[int, list[str]] = {i: [] for i in ids}
    if ids:
        for loan in KeyLoan.select().where(KeyLoan.deposit.in_(ids), KeyLoan.returned_at.is_null()):
            loans[loan.deposit_id] = loan
        for auth in (KeyAuthorisation.select(KeyAuthorisation.deposit, KeyAuthorisation.name)
                     .where(KeyAuthorisation.deposit.in_(ids), KeyAuthorisation.revoked_at.is_null())
                     .order_by(KeyAuthorisation.id)):
            names[auth.deposit_id].append(auth.name)
    out = []
    for d in deposits:
        loan = loans.get(d.id)
        out.append(KeyRow(
            d.id, rooms[d.room_id], d.description, d.quantity, d.left_by, d.owner_id,
            d.deposited_at, d.state, loan.handed_to if loan else "", loan.out_at if loan else None,
            bool(loan and at - loan.out_at > KEY_OVERDUE), tuple(names[d.id])))
    return out


def _deposit(deposit_id: int) -> KeyDeposit:
    return one(KeyDeposit, deposit_id, _("There is no key deposit #{id}."))


def _view(deposit_id: int, at: dt.datetime | None = None) -> KeyView:
    at = moment(at)
    d = _deposit(deposit_id)
    [row] = _rows([d], at)
    auths = list(KeyAuthorisation.select().where(KeyAuthorisation.deposit == d.id)
                 .order_by(KeyAuthorisation.id))
    loans = list(KeyLoan.select().where(KeyLoan.deposit == d.id)
                 .order_by(KeyLoan.out_at.desc(), KeyLoan.id.desc()))
    staff = staff_names([d.deposited_staff_id, d.closed_staff_id,
                         *(a.added_staff_id for a in auths),
                         *(x for loan in loans for x in (loan.out_staff_id, loan.returned_staff_id))])
    return KeyView(
        row, staff.get(d.deposited_staff_id, ""), d.note, d.closed_at, d.closed_to,
        staff.get(d.closed_staff_id, ""),
        tuple(AuthorisedView(a.id, a.name, a.phone_tail, a.id_tail, a.person_id, a.added_at,
                             staff.get(a.added_staff_id, ""), a.revoked_at) for a in auths),
        tuple(KeyLoanView(loan.id, loan.handed_to, loan.out_at, staff.get(loan.out_staff_id, ""),
                          loan.note, loan.returned_at, loan.returned_by,
                          staff.get(loan.returned_staff_id, ""),
                          loan.returned_at is None and at - loan.out_at > KEY_OVERDUE)
              for loan in loans))


def get_key(deposit_id: int, *, at: dt.datetime | None = None,
            staff_id: int | None = None) -> KeyView:
    """One deposit, its list of people who may collect it and every hand-out."""
    access.require(ACTION, staff_id)
    return _view(deposit_id, at)


def parse_key_state(value: str, field_name: str = "state") -> str:
    """A key state (or `open`) from a code or a word (在前台, 已借出, 已归还业主)."""
    text = " ".join((value or "").split())
    if text.lower() in (OPEN, "未结束", _("open")):
        return OPEN
    return choice(text, KEY_STATES, KEY_STATE_WORDS, field_name)


def list_keys(*, text: str = "", state: str | None = None, community: int | str | None = None,
              room_id: int | None = None, out_only: bool = False, overdue_only: bool = False,
              urgent_first: bool = False, limit: int = PAGE, offset: int = 0,
              at: dt.datetime | None = None, staff_id: int | None = None) -> Page[KeyRow]:
    """A page of deposits, newest first: those whose description, room, depositor or an
    authorised name contains `text`; in a state (`held`, `out`, `closed`, or `open`: not
    closed); of a community or a room; only out (`out_only`) or out longer than a day
    (`overdue_only`). `urgent_first` puts the keys out longer than a day first, then
    those out, then those at the desk, then those given back (the screen's order)."""
    access.require(ACTION, staff_id)
    limit, offset = page_bounds(limit, offset)
    at = moment(at)
    where = KeyDeposit.id.is_null(False)
    if state:
        code = parse_key_state(state)
        where &= (KeyDeposit.state != "closed") if code == OPEN else (KeyDeposit.state == code)
    community_id = community_filter(community)
    if community_id is not None:
        where &= KeyDeposit.community == community_id
    if room_id is not None:
        where &= KeyDeposit.room == room_id
    if out_only or overdue_only:
        loans = KeyLoan.select(KeyLoan.deposit).where(KeyLoan.returned_at.is_null())
        if overdue_only:
            loans = loans.where(KeyLoan.out_at < at - KEY_OVERDUE)
        where &= KeyDeposit.id.in_(loans)
    words = " ".join((text or "").split())
    if words:
        named = KeyAuthorisation.select(KeyAuthorisation.deposit).where(
            KeyAuthorisation.name.contains(words))
        where &= (KeyDeposit.description.contains(words) | KeyDeposit.left_by.contains(words)
                  | KeyDeposit.note.contains(words) | Room.code.contains(words)
                  | KeyDeposit.id.in_(named))
    query = KeyDeposit.select().join(Room, on=(KeyDeposit.room == Room.id)).where(where)
    total = query.count()
    order = [KeyDeposit.deposited_at.desc(), KeyDeposit.id.desc()]
    if urgent_first:
        late = KeyLoan.select(KeyLoan.deposit).where(KeyLoan.returned_at.is_null(),
                                                     KeyLoan.out_at < at - KEY_OVERDUE)
        order.insert(0, Case(None, [(KeyDeposit.id.in_(late), 0), (KeyDeposit.state == "out", 1),
                                    (KeyDeposit.state == "held", 2)], 3))
    deposits = list(query.order_by(*order).limit(limit).offset(offset))
    return Page(tuple(_rows(deposits, at)), total, offset, limit)


def keys_held_for_room(room_id: int, *, at: dt.datetime | None = None,
                       staff_id: int | None = None) -> tuple[KeyRow, ...]:
    """The keys the desk holds for a room (at the desk or out, not given back for good),
    for the room card."""
    access.require(ACTION, staff_id)
    deposits = list(KeyDeposit.select().where(KeyDeposit.room == room_id, KeyDeposit.state != "closed")
                    .order_by(KeyDeposit.deposited_at, KeyDeposit.id).limit(100))
    return tuple(_rows(deposits, moment(at)))


def keys_out(now: dt.datetime | None = None, *, staff_id: int | None = None) -> tuple[KeyOut, ...]:
    """Every key out now, longest out first, `overdue` when out longer than a day (the
    handover lists them)."""
    access.require(ACTION, staff_id)
    at = moment(now)
    rows = list(KeyLoan.select(KeyLoan, KeyDeposit)
                .join(KeyDeposit, on=(KeyLoan.deposit == KeyDeposit.id))
                .where(KeyLoan.returned_at.is_null())
                .order_by(KeyLoan.out_at, KeyLoan.id).limit(1000))
    rooms = room_refs(r.deposit.room_id for r in rows)
    staff = staff_names(r.out_staff_id for r in rows)
    return tuple(KeyOut(r.deposit_id, rooms[r.deposit.room_id], r.deposit.description,
                        r.deposit.quantity, r.handed_to, r.out_at, staff.get(r.out_staff_id, ""),
                        at - r.out_at > KEY_OVERDUE) for r in rows)


def handover_items(now: dt.datetime, community_ids: list[int] | None) -> list[HandoverItem]:
    """The shift handover's section (data.handover registers it): every key out now in the
    communities, the longest out first, those out longer than a day flagged; nothing for a
    role that may not read the register."""
    if not access.can(ACTION):
        return []
    from data.handover import HandoverItem, place

    items = []
    for key in keys_out(now):
        if community_ids is not None and key.room.community_id not in community_ids:
            continue
        hours = max(0, int((now - key.out_at).total_seconds() // 3600))
        what = key.description + (f"×{key.quantity}" if key.quantity > 1 else "")
        parts = [_("overdue") if key.overdue else "",
                 place(key.room.community, key.room.code, community_ids), what,
                 _("out to {name} since {at} ({hours} h)").format(
                     name=key.handed_to, at=f"{key.out_at:%m-%d %H:%M}", hours=hours)]
        items.append(HandoverItem(" · ".join(p for p in parts if p),
                                  _("key #{id}").format(id=key.deposit_id), "key", key.deposit_id))
    return items


def key_counts(*, at: dt.datetime | None = None, staff_id: int | None = None) -> dict[str, int]:
    """How many deposits are at the desk, out, and out longer than a day (a tab's title)."""
    access.require(ACTION, staff_id)
    at = moment(at)
    counts = dict(KeyDeposit.select(KeyDeposit.state, fn.COUNT(KeyDeposit.id))
                  .where(KeyDeposit.state != "closed").group_by(KeyDeposit.state).tuples())
    overdue = (KeyLoan.select().where(KeyLoan.returned_at.is_null(), KeyLoan.out_at < at - KEY_OVERDUE)
               .count())
    return {"held": counts.get("held", 0), "out": counts.get("out", 0), "overdue": overdue}


def owner_authorisation(room_id: int, *, staff_id: int | None = None) -> AuthorisedInput | None:
    """The room's owner as the first person who may collect keys left for it (a form fills
    it in): their name and the tails of their mobile and ID number; None when the room has
    no owner (or co-owner) on record."""
    access.require(ACTION, staff_id)
    owners = [p for p in room_people(room_id) if p.role in OWNER_ROLES]
    if not owners:
        return None
    phone, ident = person_tails(owners[0].person_id)
    return AuthorisedInput(owners[0].name, phone, ident, owners[0].person_id)


# --- writing ------------------------------------------------------------------------------


def _quantity(value: int | str) -> int:
    text = str(value).strip()
    if not text.isdigit() or not 1 <= int(text) <= MAX_QUANTITY:
        raise ValidationError("quantity", _("How many: a whole number from 1 to {max}.").format(
            max=MAX_QUANTITY))
    return int(text)


def _authorised_values(data: AuthorisedInput, index: int | None = None) -> dict:
    """The columns of an authorisation, checked. Field names carry the row's number when
    several are given at once (authorised[2].name)."""
    prefix = f"authorised[{index}]." if index is not None else ""
    pid = data.person if isinstance(data.person, int) or data.person is None else \
        person_ref(data.person, prefix + "person")
    if isinstance(pid, int) and not Person.select().where(Person.id == pid).exists():
        raise NotFoundError(_("There is no person #{id}.").format(id=pid))
    name = clean_name(data.name, prefix + "name", required=pid is None)
    phone = phone_tail(data.phone_tail, prefix + "phone_tail")
    ident = id_tail(data.id_tail, prefix + "id_tail")
    if pid is not None:
        person = Person.get_by_id(pid)
        name = name or person.name
        if not phone and not ident:
            phone, ident = person_tails(pid)
    if not phone and not ident:
        raise ValidationError(prefix + "phone_tail", _(
            "Give {name}'s phone tail (last 4 digits) or ID tail (last 4 to 6 characters): the desk "
            "checks it before handing the keys over.").format(name=name))
    return {"name": name, "phone_tail": phone, "id_tail": ident, "person": pid}


def _add_authorised(deposit_id: int, values: dict, staff: int | None, at: dt.datetime) -> None:
    for a in KeyAuthorisation.select().where(KeyAuthorisation.deposit == deposit_id,
                                             KeyAuthorisation.revoked_at.is_null()):
        if name_key(a.name) == name_key(values["name"]) and (a.phone_tail, a.id_tail) == (
                values["phone_tail"], values["id_tail"]):
            raise ValidationError("name", _("{name} is already on the list for these keys.").format(
                name=values["name"]))
    KeyAuthorisation.create(deposit=deposit_id, added_at=at, added_staff=staff, **values)


def deposit_key(data: KeyDepositInput, *, staff_id: int | None = None,
                at: dt.datetime | None = None) -> KeyView:
    """Register keys left with the desk for a room, with the people who may collect them.
    The owner who left them is put on the list too when their phone or ID tail is known."""
    access.require(ACTION, staff_id)
    at = moment(at)
    staff = acting_id(staff_id)
    description = line(data.description, "description", 100,
                       required=_("Say what was left, such as 入户门钥匙 2 把 or 门禁卡."))
    quantity = _quantity(data.quantity)
    remark = clean_note(data.note)
    with transaction():
        room = resolve_room_ref(data.room_id, data.room, data.community)
        owner = data.owner if isinstance(data.owner, int) or data.owner is None else \
            person_ref(data.owner, "owner")
        if isinstance(owner, int) and not Person.select().where(Person.id == owner).exists():
            raise NotFoundError(_("There is no person #{id}.").format(id=owner))
        left_by = clean_name(data.left_by, "left_by", required=owner is None)
        if owner is not None and not left_by:
            left_by = Person.get_by_id(owner).name
        people = [_authorised_values(a, i + 1 if len(data.authorised) > 1 else None)
                  for i, a in enumerate(data.authorised)]
        if owner is not None and not any(p["person"] == owner for p in people):
            tails = person_tails(owner)
            if any(tails):
                people.insert(0, {"name": Person.get_by_id(owner).name, "phone_tail": tails[0],
                                  "id_tail": tails[1], "person": owner})
        deposit = KeyDeposit.create(
            community=room.community_id, room=room.id, description=description, quantity=quantity,
            owner=owner, left_by=left_by, deposited_at=at, deposited_staff=staff, note=remark,
            created_at=at)
        for values in people:
            _add_authorised(deposit.id, values, staff, at)
    return _view(deposit.id, at)


def authorise_key(deposit_id: int, person: AuthorisedInput, *, staff_id: int | None = None,
                  at: dt.datetime | None = None) -> KeyView:
    """Put one more person on the list of who may collect a deposit's keys (audited)."""
    access.require(ACTION, staff_id)
    at = moment(at)
    with transaction():
        deposit = _deposit(deposit_id)
        if deposit.state == "closed":
            raise ValidationError("state", _(
                "These keys were given back to the owner for good: nobody can collect them now."))
        _add_authorised(deposit.id, _authorised_values(person), acting_id(staff_id), at)
    return _view(deposit_id, at)


def revoke_authorised(authorisation_id: int, *, staff_id: int | None = None,
                      at: dt.datetime | None = None) -> KeyView:
    """Take a person off a deposit's list (kept, marked revoked, audited)."""
    access.require(ACTION, staff_id)
    at = moment(at)
    with transaction():
        auth = KeyAuthorisation.get_or_none(KeyAuthorisation.id == authorisation_id)
        if auth is None:
            raise NotFoundError(_("There is no such authorised person #{id}.").format(id=authorisation_id))
        if auth.revoked_at is not None:
            raise ValidationError("authorised", _("{name} was already taken off the list.").format(
                name=auth.name))
        auth.revoked_at = at
        auth.revoked_staff = acting_id(staff_id)
        auth.save()
    return _view(auth.deposit_id, at)


def _authorised_match(deposit: KeyDeposit, to: str, tail: str) -> KeyAuthorisation:
    """The person on the list the collector is, by name and tail; refused otherwise."""
    people = list(KeyAuthorisation.select().where(KeyAuthorisation.deposit == deposit.id,
                                                  KeyAuthorisation.revoked_at.is_null())
                  .order_by(KeyAuthorisation.id))
    named = [a for a in people if name_key(a.name) == name_key(to)]
    for a in named:
        if tails_match(tail, a.phone_tail, a.id_tail):
            return a
    if named:
        raise ValidationError("tail", _(
            "{name} is on the list, but the tail {tail} matches neither their phone nor their ID "
            "number: not on the list of people authorised to collect these keys.").format(
                name=to, tail=tail))
    if not people:
        raise ValidationError("to", _(
            "{name} is not on the list of people authorised to collect these keys: nobody is on "
            "it yet. Add someone with the owner's consent first.").format(name=to))
    raise ValidationError("to", _(
        "{name} is not on the list of people authorised to collect these keys. On the list: "
        "{names}.").format(name=to, names="、".join(dict.fromkeys(a.name for a in people))))


def _must_be_at_desk(deposit: KeyDeposit) -> None:
    if deposit.state == "closed":
        raise ValidationError("state", _(
            "These keys were given back to {name} for good on {when:%Y-%m-%d}.").format(
                name=deposit.closed_to, when=deposit.closed_at))
    if deposit.state == "out":
        loan = KeyLoan.get_or_none(KeyLoan.deposit == deposit.id, KeyLoan.returned_at.is_null())
        raise ValidationError("state", _(
            "These keys are out with {name} since {when:%m-%d %H:%M}: take them back first.").format(
                name=loan.handed_to if loan else "?", when=loan.out_at if loan else deposit.deposited_at))


def hand_out_key(deposit_id: int, to: str, tail: str, *, note: str = "",
                 staff_id: int | None = None, at: dt.datetime | None = None) -> KeyView:
    """Hand a deposit's keys to `to`, who must be on its list: their name and the tail they
    say (last 4 of their phone, or 4–6 of their ID number) must match. Anyone else is
    refused (不在授权取钥匙名单中)."""
    access.require(ACTION, staff_id)
    at = moment(at)
    name = clean_name(to, "to")
    said = any_tail(tail, "tail")
    remark = line(note, "note", 200)
    with transaction():
        deposit = _deposit(deposit_id)
        _must_be_at_desk(deposit)
        auth = _authorised_match(deposit, name, said)
        moved(KeyDeposit, deposit.id, "held", {"state": "out"})
        KeyLoan.create(deposit=deposit.id, authorisation=auth.id, handed_to=auth.name, out_at=at,
                       out_staff=acting_id(staff_id), note=remark)
    return _view(deposit_id, at)


def return_key(deposit_id: int, *, returned_by: str = "", staff_id: int | None = None,
               at: dt.datetime | None = None) -> KeyView:
    """Take back keys that were out: who brought them (else the person they went to), by
    which staff member, when."""
    access.require(ACTION, staff_id)
    at = moment(at)
    by = clean_name(returned_by, "returned_by", required=False)
    with transaction():
        deposit = _deposit(deposit_id)
        loan = KeyLoan.get_or_none(KeyLoan.deposit == deposit.id, KeyLoan.returned_at.is_null())
        if deposit.state != "out" or loan is None:
            raise ValidationError("state", _("These keys are not out: there is nothing to take back."))
        moved(KeyDeposit, deposit.id, "out", {"state": "held"})
        loan.returned_at = at
        loan.returned_by = by or loan.handed_to
        loan.returned_staff = acting_id(staff_id)
        loan.save()
    return _view(deposit_id, at)


def close_key(deposit_id: int, to: str, tail: str, *, note: str = "",
              staff_id: int | None = None, at: dt.datetime | None = None) -> KeyView:
    """Give the keys back for good (the deposit ends) to someone on the list, checked by
    name and tail like a hand-out."""
    access.require(ACTION, staff_id)
    at = moment(at)
    name = clean_name(to, "to")
    said = any_tail(tail, "tail")
    remark = line(note, "note", 200)
    with transaction():
        deposit = _deposit(deposit_id)
        _must_be_at_desk(deposit)
        auth = _authorised_match(deposit, name, said)
        moved(KeyDeposit, deposit.id, "held", {
            "state": "closed", "closed_at": at, "closed_to": auth.name,
            "closed_staff": acting_id(staff_id),
            "note": f"{deposit.note}\n{remark}".strip() if remark else deposit.note})
    return _view(deposit_id, at)


__all__ = [
    "ACTION", "KEY_OVERDUE", "KEY_STATES", "OPEN", "AuthorisedInput", "AuthorisedView",
    "KeyDepositInput", "KeyLoanView", "KeyOut", "KeyRow", "KeyView", "authorise_key",
    "close_key", "deposit_key", "get_key", "hand_out_key", "key_counts", "keys_held_for_room",
    "keys_out", "list_keys", "owner_authorisation", "parse_key_state", "return_key", "revoke_authorised",
]
