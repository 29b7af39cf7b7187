"""Lost and found (失物招领, issue 16 item 6): items found in a community — what, where and
when, found by whom (a staff member or a named person), stored where; claimed by whom
(name, phone, ID tail) and handed over by which staff member, when; items unclaimed for 90
days may be disposed of (handed to the police, donated, discarded) with a note.

Every function asks `found.manage` (desk staff and leads). Claimants' phones are kept
normalised and shown masked."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from peewee import Case, fn

from data import access
from data.db import transaction
from data.desk_registers.common import (
    PAGE,
    Page,
    acting_id,
    choice,
    clean_name,
    community_filter,
    community_ref,
    id_tail,
    line,
    moment,
    moved,
    one,
    page_bounds,
    staff_names,
)
from data.desk_registers.common import note as clean_note
from data.errors import ValidationError
from data.i18n import N_, _
from data.models import Community, FoundItem, Staff
from data.validators import mask_phone, normalize_phone, parse_datetime

ACTION = "found.manage"
#: An item unclaimed this many days after it was found may be disposed of.
FOUND_KEEP_DAYS = 90

FOUND_STATES = {"held": N_("Unclaimed"), "claimed": N_("Claimed"), "disposed": N_("Disposed of")}
FOUND_STATE_WORDS = {"待认领": "held", "未认领": "held", "已认领": "claimed", "已领取": "claimed",
                     "已处理": "disposed"}
DISPOSALS = {"police": N_("Handed to the police"), "donated": N_("Donated"),
             "discarded": N_("Discarded")}
DISPOSAL_WORDS = {"交警方": "police", "交派出所": "police", "派出所": "police", "警方": "police",
                  "上交": "police", "捐赠": "donated", "捐出": "donated", "丢弃": "discarded",
                  "销毁": "discarded", "废弃": "discarded"}


@dataclass
class FoundInput:
    """An item found, as typed."""

    description: str
    place: str  # where it was found: 3号楼大堂, 儿童游乐区
    community: int | str | None = None
    found_at: dt.datetime | str | None = None  # "YYYY-MM-DD HH:MM"; default now
    found_by: str = ""  # a person's name; "" is the staff member registering it
    stored_at: str = ""  # where the desk keeps it: 前台抽屉, 物业仓库
    note: str = ""


@dataclass
class ClaimInput:
    """Who claims an item: a name and a phone or an ID tail."""

    name: str
    phone: str = ""
    id_tail: str = ""
    note: str = ""


@dataclass(frozen=True)
class FoundRow:
    """An item as a list shows it; `disposable` when unclaimed for 90 days."""

    id: int
    community_id: int
    community: str
    description: str
    place: str
    found_at: dt.datetime
    found_by: str
    stored_at: str
    state: str
    claimed_by: str
    claimed_at: dt.datetime | None
    disposal: str
    disposed_at: dt.datetime | None
    days_held: int
    disposable: bool

    def as_json(self) -> dict:
        return {"id": self.id, "community": self.community, "description": self.description,
                "place": self.place, "found_at": _t(self.found_at), "found_by": self.found_by,
                "stored_at": self.stored_at, "state": self.state, "claimed_by": self.claimed_by,
                "claimed_at": _t(self.claimed_at), "disposal": self.disposal,
                "disposed_at": _t(self.disposed_at), "days_held": self.days_held,
                "disposable": self.disposable}


@dataclass(frozen=True)
class FoundView:
    """One item with who registered it, who claimed it (phone masked) or how it went."""

    row: FoundRow
    registered_by: str
    note: str
    claimed_phone: str  # masked: 138****8000
    claimed_id_tail: str
    claimed_note: str
    handed_by: str  # the staff member who handed it to the claimant
    disposal_note: str
    disposed_by: str

    @property
    def id(self) -> int:
        return self.row.id

    @property
    def state(self) -> str:
        return self.row.state

    def as_json(self) -> dict:
        return {**self.row.as_json(), "registered_by": self.registered_by, "note": self.note,
                "claimed_phone": self.claimed_phone, "claimed_id_tail": self.claimed_id_tail,
                "claimed_note": self.claimed_note, "handed_by": self.handed_by, "disposal_note": self.disposal_note,
                "disposed_by": self.disposed_by}


def _t(value: dt.datetime | None) -> str | None:
    return f"{value:%Y-%m-%d %H:%M}" if value else None


# --- reading ------------------------------------------------------------------------------


def _keep_until(found_at: dt.datetime) -> dt.datetime:
    return found_at + dt.timedelta(days=FOUND_KEEP_DAYS)


def _rows(items: list[FoundItem], at: dt.datetime) -> list[FoundRow]:
    names = dict(Community.select(Community.id, Community.name)
                 .where(Community.id.in_({i.community_id for i in items})).tuples()) if items else {}
    out = []
    for i in items:
        end = i.claimed_at or i.disposed_at or at
        out.append(FoundRow(
            i.id, i.community_id, names.get(i.community_id, ""), i.description, i.place, i.found_at,
            i.found_by, i.stored_at, i.state, i.claimed_by, i.claimed_at, i.disposal, i.disposed_at,
            max(0, (end - i.found_at).days), i.state == "held" and _keep_until(i.found_at) <= at))
    return out


def _item(item_id: int) -> FoundItem:
    return one(FoundItem, item_id, _("There is no found item #{id}."))


def _view(item_id: int, at: dt.datetime | None = None) -> FoundView:
    i = _item(item_id)
    [row] = _rows([i], moment(at))
    staff = staff_names([i.registered_staff_id, i.claimed_staff_id, i.disposed_staff_id])
    return FoundView(row, staff.get(i.registered_staff_id, ""), i.note,
                     mask_phone(i.claimed_phone) if i.claimed_phone else "", i.claimed_id_tail,
                     i.claimed_note,
                     staff.get(i.claimed_staff_id, ""), i.disposal_note, staff.get(i.disposed_staff_id, ""))


def get_found(item_id: int, *, at: dt.datetime | None = None,
              staff_id: int | None = None) -> FoundView:
    """One found item: who registered it, who claimed it, or how it was disposed of."""
    access.require(ACTION, staff_id)
    return _view(item_id, at)


def parse_found_state(value: str, field_name: str = "state") -> str:
    """A found item's state from a code or a word (待认领, 已认领, 已处理)."""
    return choice(value, FOUND_STATES, FOUND_STATE_WORDS, field_name)


def list_found(*, text: str = "", state: str | None = None, community: int | str | None = None,
               disposable_only: bool = False, unclaimed_first: bool = False, limit: int = PAGE,
               offset: int = 0, at: dt.datetime | None = None,
               staff_id: int | None = None) -> Page[FoundRow]:
    """A page of found items, most recently found first: those whose description, place,
    finder, storage place or claimant contains `text`; in a state (`held`, `claimed`,
    `disposed`); of a community; only those unclaimed for 90 days (`disposable_only`).
    `unclaimed_first` puts the items still waiting for their owner first (the screen's
    order)."""
    access.require(ACTION, staff_id)
    limit, offset = page_bounds(limit, offset)
    at = moment(at)
    where = FoundItem.id.is_null(False)
    if state:
        where &= FoundItem.state == parse_found_state(state)
    if disposable_only:
        where &= (FoundItem.state == "held") & (
            FoundItem.found_at <= at - dt.timedelta(days=FOUND_KEEP_DAYS))
    community_id = community_filter(community)
    if community_id is not None:
        where &= FoundItem.community == community_id
    words = " ".join((text or "").split())
    if words:
        where &= (FoundItem.description.contains(words) | FoundItem.place.contains(words)
                  | FoundItem.found_by.contains(words) | FoundItem.stored_at.contains(words)
                  | FoundItem.claimed_by.contains(words))
    query = FoundItem.select().where(where)
    total = query.count()
    order = [FoundItem.found_at.desc(), FoundItem.id.desc()]
    if unclaimed_first:
        order.insert(0, Case(None, [(FoundItem.state == "held", 0)], 1))
    items = list(query.order_by(*order).limit(limit).offset(offset))
    return Page(tuple(_rows(items, at)), total, offset, limit)


def found_counts(*, at: dt.datetime | None = None, staff_id: int | None = None) -> dict[str, int]:
    """How many items wait for their owner, and how many may be disposed of (a tab's title)."""
    access.require(ACTION, staff_id)
    at = moment(at)
    held = FoundItem.select(fn.COUNT(FoundItem.id)).where(FoundItem.state == "held").scalar() or 0
    old = (FoundItem.select(fn.COUNT(FoundItem.id)).where(
        FoundItem.state == "held", FoundItem.found_at <= at - dt.timedelta(days=FOUND_KEEP_DAYS))
        .scalar() or 0)
    return {"held": held, "disposable": old}


def default_community(staff_id: int | None = None) -> str:
    """The community a new item was most likely found in, for a form: the staff member's
    own, else the only one there is; "" when neither says."""
    access.require(ACTION, staff_id)
    own = Staff.select(Staff.community).where(Staff.id == acting_id(staff_id)).scalar()
    if own:
        return Community.select(Community.name).where(Community.id == own).scalar() or ""
    names = list(Community.select(Community.name).limit(2).tuples())
    return names[0][0] if len(names) == 1 else ""


# --- writing ------------------------------------------------------------------------------


def _found_at(value: dt.datetime | str | None, at: dt.datetime) -> dt.datetime:
    when = parse_datetime(value, "found_at") if isinstance(value, str) else value
    when = when or at
    if when > at:
        raise ValidationError("found_at", _("An item cannot be found in the future: {when:%Y-%m-%d %H:%M} "
                                            "is later than now.").format(when=when))
    return when.replace(microsecond=0)


def add_found(data: FoundInput, *, staff_id: int | None = None,
              at: dt.datetime | None = None) -> FoundView:
    """Register an item found: what, where, when (default now), by whom (default the staff
    member registering it) and where the desk keeps it."""
    access.require(ACTION, staff_id)
    at = moment(at)
    staff = acting_id(staff_id)
    description = line(data.description, "description", 100,
                       required=_("Say what was found, such as 黑色钱包 or 儿童自行车."))
    place = line(data.place, "place", 100, required=_("Say where it was found, such as 3号楼大堂."))
    when = _found_at(data.found_at, at)
    finder = clean_name(data.found_by, "found_by", required=False)
    stored = line(data.stored_at, "stored_at", 60)
    remark = clean_note(data.note)
    with transaction():
        community_id, _name = community_ref(data.community)
        found_staff = None
        if not finder:
            staff_row = staff_names([staff])
            if staff is None or staff not in staff_row:
                raise ValidationError("found_by", _("Say who found it."))
            finder, found_staff = staff_row[staff], staff
        item = FoundItem.create(
            community=community_id, description=description, place=place, found_at=when,
            found_by=finder, found_staff=found_staff, stored_at=stored, registered_staff=staff,
            created_at=at, note=remark)
    return _view(item.id, at)


def _must_be_held(item: FoundItem) -> None:
    if item.state == "claimed":
        raise ValidationError("state", _("This item was claimed by {name} on {when:%Y-%m-%d}.").format(
            name=item.claimed_by, when=item.claimed_at))
    if item.state == "disposed":
        raise ValidationError("state", _("This item was disposed of on {when:%Y-%m-%d}.").format(
            when=item.disposed_at))


def claim_found(item_id: int, claim: ClaimInput, *, staff_id: int | None = None,
                at: dt.datetime | None = None) -> FoundView:
    """Hand an item to the person claiming it: their name and their phone or ID tail are
    kept, with the staff member who handed it over and when."""
    access.require(ACTION, staff_id)
    at = moment(at)
    name = clean_name(claim.name, "name")
    phone = normalize_phone(claim.phone).number if (claim.phone or "").strip() else ""
    tail = id_tail(claim.id_tail)
    if not phone and not tail:
        raise ValidationError("phone", _(
            "Give the claimant's phone number or the last 4 to 6 characters of their ID number."))
    remark = line(claim.note, "note", 200)
    with transaction():
        item = _item(item_id)
        _must_be_held(item)
        moved(FoundItem, item.id, "held", {
            "state": "claimed", "claimed_by": name, "claimed_phone": phone, "claimed_id_tail": tail,
            "claimed_at": at, "claimed_staff": acting_id(staff_id), "claimed_note": remark})
    return _view(item_id, at)


def dispose_found(item_id: int, how: str, note: str, *, staff_id: int | None = None,
                  at: dt.datetime | None = None) -> FoundView:
    """Mark an item unclaimed for 90 days as disposed of: handed to the police, donated or
    discarded, with a note saying where it went (the police station, the charity)."""
    access.require(ACTION, staff_id)
    at = moment(at)
    if not (how or "").strip():
        raise ValidationError("disposal", _("Choose how it was disposed of."))
    disposal = choice(how, DISPOSALS, DISPOSAL_WORDS, "disposal")
    remark = line(note, "note", 200, required=_(
        "Say where it went or why: the police station, the charity, or why it was discarded."))
    with transaction():
        item = _item(item_id)
        _must_be_held(item)
        until = _keep_until(item.found_at)
        if at < until:
            raise ValidationError("disposal", _(
                "Found on {found:%Y-%m-%d}: an item is kept for its owner for {days} days, so it may "
                "be disposed of from {until:%Y-%m-%d} on.").format(
                    found=item.found_at, days=FOUND_KEEP_DAYS, until=until))
        moved(FoundItem, item.id, "held", {
            "state": "disposed", "disposal": disposal, "disposal_note": remark, "disposed_at": at,
            "disposed_staff": acting_id(staff_id)})
    return _view(item_id, at)


__all__ = [
    "ACTION", "DISPOSALS", "FOUND_KEEP_DAYS", "FOUND_STATES", "ClaimInput", "FoundInput",
    "FoundRow", "FoundView", "add_found", "claim_found", "default_community", "dispose_found", "found_counts",
    "get_found", "list_found", "parse_found_state",
]
