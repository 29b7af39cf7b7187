"""Shift handover (交接班, issue 16 item 7): at the end of a shift the app drafts what the
next shift must know for the clerk's communities, the clerk adds notes and submits it, and
someone of the next shift acknowledges it; the history is searchable.

The draft is made of SECTIONS, each a provider registered by name:
`provider(now, community_ids) -> list[HandoverItem]` (community_ids None: the whole
company). The built-in ones are callbacks due, active incidents and work orders overdue
or due during the next shift; other registers add theirs with one line, for instance

    register_section("keys", N_("Keys out"), "data.desk_registers.keys:handover_items")

(a "module:function" path is imported when a draft is made, so the register's module
need not be imported first and nothing here imports it). A submitted handover keeps the
drafted items as they stood (JSON, and the same as plain lines for searching), whatever
happens to the records afterwards.

Desk staff and leads hand over and acknowledge (data.access RULES "handover.write" and
"handover.read"); nobody acknowledges their own handover.
"""

from __future__ import annotations

import datetime as dt
import importlib
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass

from peewee import JOIN, fn

from data import access
from data.calls import get_incident
from data.clock import now as clock_now
from data.db import transaction
from data.duty import current_shift, shift_label
from data.errors import NotFoundError, PermissionDenied, ValidationError
from data.i18n import N_, _
from data.models import (
    Building,
    Call,
    Community,
    Handover,
    HandoverCommunity,
    Incident,
    IncidentBuilding,
    Occupancy,
    Person,
    Room,
    Staff,
    Territory,
    WorkOrder,
)
from data.validators import clean_text, mask_phone
from data.vocab import INCIDENT_KINDS, OPEN_STATUSES, WORK_ORDER_STATUSES, label

log = logging.getLogger(__name__)

#: "Due during the next shift": due before this long from the end of this one.
NEXT_SHIFT = dt.timedelta(hours=8)
#: Items one section lists at most; the rest are counted in a last line.
MAX_ITEMS = 50
#: The longest notes a clerk (or the next shift, acknowledging) may type.
NOTES_MAX = 2000
#: Handovers a history page shows.
PAGE = 20
#: Handovers waiting for acknowledgement offered at most.
PENDING_LIMIT = 10


# --- values ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class HandoverItem:
    """One line of a section: what to know, and what it refers to (a work-order number, a
    call, an incident …: `entity` and `entity_id` say which record, for a screen to open)."""

    text: str
    ref: str = ""
    entity: str = ""
    entity_id: int | None = None

    def as_json(self) -> dict:
        return {"text": self.text, "ref": self.ref, "entity": self.entity or None,
                "entity_id": self.entity_id}


Provider = Callable[[dt.datetime, "list[int] | None"], "list[HandoverItem]"]


@dataclass(frozen=True)
class Section:
    """A registered section: its name, title (message id) and provider (a function, or the
    "module:function" path of one)."""

    name: str
    title: str
    provider: Provider | str


@dataclass(frozen=True)
class DraftSection:
    """One section of a draft or a saved handover, title translated."""

    name: str
    title: str
    items: tuple[HandoverItem, ...]

    def as_json(self) -> dict:
        return {"name": self.name, "title": self.title, "items": [i.as_json() for i in self.items]}


@dataclass(frozen=True)
class HandoverDraft:
    """What a handover made now would say (before the clerk's notes)."""

    staff_id: int
    staff_name: str
    shift: str
    at: dt.datetime
    community_ids: tuple[int, ...] | None  # None: the whole company
    communities: tuple[str, ...]
    sections: tuple[DraftSection, ...]

    @property
    def shift_label(self) -> str:
        return shift_label(self.shift)

    @property
    def item_count(self) -> int:
        return sum(len(s.items) for s in self.sections)

    def as_json(self) -> dict:
        return {"draft": True, "staff_name": self.staff_name, "shift": self.shift,
                "shift_label": self.shift_label, "at": _iso(self.at),
                "communities": list(self.communities),
                "sections": [s.as_json() for s in self.sections]}


@dataclass(frozen=True)
class HandoverRow:
    """A handover in a list: who, when, how much, acknowledged by whom."""

    id: int
    created_at: dt.datetime
    staff_id: int
    staff_login: str
    staff_name: str
    shift: str
    item_count: int
    notes: str
    acked_by: str  # name, "" while waiting
    acked_at: dt.datetime | None
    ack_notes: str = ""
    communities: tuple[str, ...] = ()

    @property
    def shift_label(self) -> str:
        return shift_label(self.shift)

    @property
    def acknowledged(self) -> bool:
        return self.acked_at is not None

    def as_json(self) -> dict:
        return {"id": self.id, "created_at": _iso(self.created_at), "staff": self.staff_login,
                "staff_name": self.staff_name, "shift": self.shift, "shift_label": self.shift_label,
                "communities": list(self.communities), "items": self.item_count,
                "notes": self.notes, "acked_by": self.acked_by or None,
                "acked_at": _iso(self.acked_at), "ack_notes": self.ack_notes}


@dataclass(frozen=True)
class HandoverView(HandoverRow):
    """A saved handover whole: its sections as they were drafted."""

    sections: tuple[DraftSection, ...] = ()
    acked_by_login: str = ""

    def as_json(self) -> dict:
        return {**super().as_json(), "sections": [s.as_json() for s in self.sections]}


@dataclass
class HandoverQuery:
    """What the history is narrowed to: text in the items or notes, a date range
    (inclusive), who handed over (a login, name or pinyin initials)."""

    search: str = ""
    since: dt.date | None = None
    until: dt.date | None = None
    staff: str = ""


@dataclass(frozen=True)
class HandoverPage:
    rows: list[HandoverRow]
    next_cursor: tuple[dt.datetime, int] | None  # pass as `after`; None on the last page


def _iso(value: dt.datetime | None) -> str | None:
    return value.isoformat(sep=" ", timespec="minutes") if value else None


def _one_line(text: str) -> str:
    return " ".join((text or "").split())


def place(community: str, code: str, community_ids: list[int] | None) -> str:
    """A room as a section names it: its code when the handover is about one community,
    else with the community's name (the same code is in several)."""
    if community_ids is not None and len(community_ids) == 1:
        return code
    return f"{community} {code}".strip()


# --- the registry of sections -------------------------------------------------------------------

SECTIONS: dict[str, Section] = {}


def register_section(name: str, title: str, provider: Provider | str) -> None:
    """Add (or replace) a section of every draft from now on: `title` is a message id
    (N_), `provider(now, community_ids)` returns its items, or is a "module:function" path
    imported when a draft is made. Sections come in the order they were registered."""
    SECTIONS[name] = Section(name, title, provider)


def unregister_section(name: str) -> None:
    """Take a section out of the drafts (tests, a register switched off)."""
    SECTIONS.pop(name, None)


def _resolve(provider: Provider | str) -> Provider:
    if callable(provider):
        return provider
    module, _sep, attr = provider.partition(":")
    return getattr(importlib.import_module(module), attr)


# --- whose communities ----------------------------------------------------------------------------


def staff_communities(staff_id: int) -> list[int] | None:
    """The communities a staff member works for: their own and those of the buildings in
    their territory; None (the whole company) when neither says any."""
    ids: set[int] = set()
    own = Staff.select(Staff.community).where(Staff.id == staff_id).scalar()
    if own:
        ids.add(own)
    ids.update(c for (c,) in Building.select(Building.community).join(Territory)
               .where(Territory.staff == staff_id).distinct().tuples())
    return sorted(ids) or None


def open_elsewhere(staff_id: int, communities: list[int] | None,
                   at: dt.datetime | None = None) -> list[int]:
    """Communities outside `communities` where `staff_id` left something open: a visitor
    they registered still inside, keys they handed out not back, a parcel they took in
    still waiting, a renovation permit they took in still open. A desk serving a second
    estate hands that over too (none when `communities` is the whole company)."""
    if communities is None:
        return []
    from data.models import KeyDeposit, KeyLoan, Parcel, Renovation, Visitor
    from data.registers.common import STALE_AFTER
    from data.renovations.values import OPEN_STATUSES as PERMIT_OPEN

    since = (at or clock_now()) - STALE_AFTER
    found: set[int] = set()
    for query in (
        Visitor.select(Visitor.community).where(Visitor.staff == staff_id, Visitor.time_out.is_null(),
                                                Visitor.time_in >= since),
        KeyDeposit.select(KeyDeposit.community).join(KeyLoan, on=(KeyLoan.deposit == KeyDeposit.id))
        .where(KeyLoan.out_staff == staff_id, KeyLoan.returned_at.is_null()),
        Parcel.select(Parcel.community).where(Parcel.received_staff == staff_id,
                                              Parcel.collected_at.is_null()),
        Renovation.select(Renovation.community).where(Renovation.applied_by == staff_id,
                                                      Renovation.status.in_(PERMIT_OPEN)),
    ):
        found.update(c for (c,) in query.where(query.model.community.not_in(communities))
                     .distinct().tuples())
    return sorted(found)


def _community_names(ids: list[int] | None) -> tuple[str, ...]:
    if not ids:
        return ()
    return tuple(n for (n,) in Community.select(Community.name).where(Community.id.in_(ids))
                 .order_by(Community.name).tuples())


# --- drafting -----------------------------------------------------------------------------------


#: The `entity` of the last line of a section cut at MAX_ITEMS ("… and 12 more").
MORE = "more"


def _capped(items: list[HandoverItem], total: int | None = None) -> tuple[HandoverItem, ...]:
    """At most MAX_ITEMS items, the rest counted in a last line (a list that has that line
    already, from a provider that counted in the database, is kept as it is)."""
    if items and items[-1].entity == MORE and len(items) <= MAX_ITEMS + 1:
        return tuple(items)
    total = len(items) if total is None else total
    shown = tuple(items[:MAX_ITEMS])
    if total > len(shown):
        shown += (HandoverItem(_("… and {count} more").format(count=total - len(shown)), entity=MORE),)
    return shown


def draft_sections(now: dt.datetime, community_ids: list[int] | None) -> tuple[DraftSection, ...]:
    """Every registered section's items at `now` for the communities (None: all). A
    section whose provider fails says so in one line instead of stopping the handover."""
    out = []
    for section in list(SECTIONS.values()):
        try:
            items = list(_resolve(section.provider)(now, community_ids))
        except Exception:  # a register's bug must not keep a shift from handing over
            log.exception("handover section %s failed", section.name)
            items = [HandoverItem(_("This section could not be read; check it by hand."))]
        out.append(DraftSection(section.name, _(section.title), _capped(items)))
    return tuple(out)


def draft_handover(staff_id: int, at: dt.datetime | None = None) -> HandoverDraft:
    """The handover `staff_id` would submit now: their shift (from the duty roster, else
    the time of day) and every section for their communities."""
    access.require("handover.write", staff_id)
    at = at or clock_now()
    staff = Staff.get_or_none(Staff.id == staff_id)
    if staff is None:
        raise NotFoundError(_("No staff member #{id}.").format(id=staff_id))
    communities = staff_communities(staff_id)
    if communities is not None:
        communities = sorted({*communities, *open_elsewhere(staff_id, communities, at)})
    shift, _start, _end = current_shift(staff_id, at)
    return HandoverDraft(staff_id, staff.name, shift, at,
                         tuple(communities) if communities is not None else None,
                         _community_names(communities), draft_sections(at, communities))


def body_text(sections: tuple[DraftSection, ...] | list[DraftSection]) -> str:
    """The sections as plain lines (what the history search reads)."""
    lines = []
    for section in sections:
        lines.append(f"【{section.title}】")
        lines.extend(f"· {item.text}" + (f" ({item.ref})" if item.ref else "") for item in section.items)
    return "\n".join(lines)


# --- built-in sections -----------------------------------------------------------------------------


def _in_scope_calls(community_ids: list[int]):
    """Calls about the communities: their work orders, or people living there; calls about
    nobody known (an unknown number) concern every desk."""
    orders = WorkOrder.select(WorkOrder.id).where(WorkOrder.community.in_(community_ids))
    residents = (Occupancy.select(Occupancy.person).join(Room)
                 .where(Room.community.in_(community_ids), Occupancy.end_date.is_null()))
    return (Call.work_order.in_(orders) | Call.person.in_(residents)
            | (Call.work_order.is_null() & Call.person.is_null()))


def callback_items(now: dt.datetime, community_ids: list[int] | None) -> list[HandoverItem]:
    """Callbacks promised and not made, overdue or due before the end of the next shift."""
    assignee = Staff.alias()
    where = [Call.callback_due.is_null(False), Call.callback_done_at.is_null(),
             Call.callback_due < now + NEXT_SHIFT]
    if community_ids is not None:
        where.append(_in_scope_calls(community_ids))
    base = Call.select().where(*where)
    total = base.count()
    rows = (Call.select(Call.id, Call.number, Call.summary, Call.callback_due,
                        Person.name.alias("person_name"), assignee.name.alias("assignee_name"),
                        WorkOrder.number.alias("order_number"))
            .join(Person, JOIN.LEFT_OUTER, on=(Call.person == Person.id))
            .switch(Call).join(assignee, JOIN.LEFT_OUTER, on=(Call.callback_assignee == assignee.id))
            .switch(Call).join(WorkOrder, JOIN.LEFT_OUTER, on=(Call.work_order == WorkOrder.id))
            .where(*where).order_by(Call.callback_due, Call.id).limit(MAX_ITEMS).objects())
    items = []
    for r in rows:
        number = mask_phone(r.number) if r.number else ""
        who = " ".join(p for p in (r.person_name, number) if p) or _("unknown caller")
        # The due time first, as for work orders: what the next shift acts on.
        due = (_("overdue since {at}") if r.callback_due < now else _("due {at}")).format(
            at=f"{r.callback_due:%m-%d %H:%M}")
        text = due + " · " + _("call back {who}: {summary}").format(
            who=who, summary=_one_line(r.summary)[:80] or "—")
        if r.assignee_name:
            text += " · " + r.assignee_name
        items.append(HandoverItem(" ".join(text.split()), r.order_number or _("call #{id}").format(id=r.id),
                                  "call", r.id))
    return list(_capped(items, total))


def incident_items(now: dt.datetime, community_ids: list[int] | None) -> list[HandoverItem]:
    """Incidents (停水, 停电 …) going on now or starting during the next shift."""
    query = Incident.select(Incident.id).where(
        Incident.ended_at.is_null(), Incident.ends > now, Incident.starts < now + NEXT_SHIFT)
    if community_ids is not None:
        query = query.where(Incident.id.in_(
            IncidentBuilding.select(IncidentBuilding.incident).join(Building)
            .where(Building.community.in_(community_ids))))
    items = []
    for (incident_id,) in query.order_by(Incident.starts, Incident.id).limit(MAX_ITEMS).tuples():
        v = get_incident(incident_id)
        span = (f"{v.starts:%m-%d %H:%M}–{v.ends:%H:%M}" if v.ends.date() == v.starts.date()
                else f"{v.starts:%m-%d %H:%M}–{v.ends:%m-%d %H:%M}")
        where = "、".join(v.buildings[:4]) + ("…" if len(v.buildings) > 4 else "")
        text = _("{kind} {title}, {span}, {where}; {calls} calls so far").format(
            kind=label(INCIDENT_KINDS, v.kind), title=v.title, span=span, where=where, calls=v.calls)
        if v.starts > now:
            text += " · " + _("not started yet")
        items.append(HandoverItem(text, _("incident #{id}").format(id=v.id), "incident", v.id))
    return items


def order_items(now: dt.datetime, community_ids: list[int] | None) -> list[HandoverItem]:
    """Open work orders overdue or due before the end of the next shift (the resolution
    deadline; a new order's response deadline too), the most urgent first."""
    horizon = now + NEXT_SHIFT
    due = (WorkOrder.resolution_due < horizon) | (
        (WorkOrder.status == "new") & (WorkOrder.response_due < horizon))
    where = [WorkOrder.status.in_(OPEN_STATUSES), due]
    if community_ids is not None:
        where.append(WorkOrder.community.in_(community_ids))
    total = WorkOrder.select().where(*where).count()
    assignee = Staff.alias()
    rows = (WorkOrder.select(WorkOrder.id, WorkOrder.number, WorkOrder.title, WorkOrder.status,
                             WorkOrder.location, WorkOrder.resolution_due, WorkOrder.response_due,
                             Room.code.alias("room_code"), assignee.name.alias("assignee_name"))
            .join(Room, JOIN.LEFT_OUTER, on=(WorkOrder.room == Room.id))
            .switch(WorkOrder).join(assignee, JOIN.LEFT_OUTER, on=(WorkOrder.assignee == assignee.id))
            .where(*where)
            .order_by(fn.COALESCE(WorkOrder.resolution_due, WorkOrder.response_due), WorkOrder.id)
            .limit(MAX_ITEMS).objects())
    items = []
    for r in rows:
        deadline = r.resolution_due
        if r.status == "new" and r.response_due is not None and (deadline is None or r.response_due < deadline):
            deadline = r.response_due
        # The deadline first: it is what the next shift acts on (a narrow screen cuts the end).
        parts = [(_("overdue since {at}") if deadline < now else _("due {at}")).format(
                     at=f"{deadline:%m-%d %H:%M}") if deadline is not None else "",
                 _one_line(r.title)[:40], r.room_code or _one_line(r.location)[:20],
                 label(WORK_ORDER_STATUSES, r.status), r.assignee_name or _("not dispatched")]
        text = " · ".join(p for p in parts if p)
        items.append(HandoverItem(text, r.number, "work_order", r.id))
    return list(_capped(items, total))


register_section("callbacks", N_("Open calls and callbacks due"), callback_items)
register_section("incidents", N_("Active incidents"), incident_items)
register_section("work_orders", N_("Work orders overdue or due next shift"), order_items)
# The registers' sections (issue 16), by path: imported when a draft is made, so this module
# imports none of them (each checks that the role may read its register, else lists nothing).
register_section("keys", N_("Keys out"), "data.desk_registers.keys:handover_items")
register_section("visitors", N_("Visitors still inside"), "data.registers.visitors:handover_items")
register_section("parcels", N_("Parcels waiting too long"), "data.desk_registers.parcels:handover_items")
register_section("renovation_inspections", N_("Renovation inspections due or open"),
                 "data.renovations.sections:inspection_items")
register_section("renovation_hours", N_("Renovations working outside their hours today"),
                 "data.renovations.sections:outside_hours_items")


# --- saving and acknowledging ------------------------------------------------------------------------


def _sections_json(sections: tuple[DraftSection, ...]) -> str:
    return json.dumps([s.as_json() for s in sections], ensure_ascii=False)


def submit_handover(staff_id: int, notes: str = "", at: dt.datetime | None = None) -> HandoverView:
    """Save the handover of `staff_id`'s shift: the sections drafted now, as they stand,
    with the clerk's notes; the next shift then acknowledges it."""
    access.require("handover.write", staff_id)
    notes = clean_text(notes or "", "notes", multiline=True, max_length=NOTES_MAX)
    draft = draft_handover(staff_id, at)
    with transaction():
        row = Handover.create(staff=staff_id, shift=draft.shift, created_at=draft.at,
                              items=_sections_json(draft.sections), body=body_text(draft.sections),
                              notes=notes)
        if draft.community_ids:
            HandoverCommunity.insert_many(
                [{"handover": row.id, "community": c} for c in draft.community_ids]).execute()
    return get_handover(row.id, staff_id)


def acknowledge_handover(handover_id: int, staff_id: int, notes: str = "",
                         at: dt.datetime | None = None) -> HandoverView:
    """The next shift takes the handover over: `staff_id` (not the one who wrote it)
    acknowledges it, with notes of their own. Once only."""
    access.require("handover.write", staff_id)
    notes = clean_text(notes or "", "notes", multiline=True, max_length=NOTES_MAX)
    at = at or clock_now()
    with transaction():
        row = Handover.get_or_none(Handover.id == handover_id)
        if row is None:
            raise NotFoundError(_("No handover #{id}.").format(id=handover_id))
        if row.staff_id == staff_id:
            raise PermissionDenied(_(
                "Handover #{id} is your own: someone of the next shift acknowledges it.").format(id=handover_id))
        if row.acked_at is not None:
            raise ValidationError("handover", _(
                "Handover #{id} was acknowledged already by {name} at {at}.").format(
                id=handover_id, name=Staff.get_by_id(row.acked_by_id).name, at=f"{row.acked_at:%m-%d %H:%M}"))
        changed = (Handover.update(acked_by=staff_id, acked_at=at, ack_notes=notes,
                                   version=Handover.version + 1)
                   .where(Handover.id == handover_id, Handover.acked_at.is_null()).execute())
        if not changed:  # someone else acknowledged it this very moment
            raise ValidationError("handover", _("Handover #{id} was acknowledged already.").format(id=handover_id))
    return get_handover(handover_id, staff_id)


# --- reading ------------------------------------------------------------------------------------


def _row_query():
    acker = Staff.alias()
    return (Handover.select(Handover, Staff.login.alias("staff_login"), Staff.name.alias("staff_name"),
                            acker.name.alias("acker_name"), acker.login.alias("acker_login"))
            .join(Staff, on=(Handover.staff == Staff.id))
            .switch(Handover).join(acker, JOIN.LEFT_OUTER, on=(Handover.acked_by == acker.id)))


def _sections_of(row) -> tuple[DraftSection, ...]:
    try:
        data = json.loads(row.items or "[]")
    except ValueError:
        data = []
    return tuple(
        DraftSection(s.get("name", ""), s.get("title", ""), tuple(
            HandoverItem(str(i.get("text", "")), str(i.get("ref", "") or ""), str(i.get("entity") or ""),
                         i.get("entity_id")) for i in s.get("items", [])))
        for s in data if isinstance(s, dict))


def _communities_by_handover(ids: list[int]) -> dict[int, tuple[str, ...]]:
    found: dict[int, list[str]] = {}
    if ids:
        for handover_id, name in (HandoverCommunity.select(HandoverCommunity.handover, Community.name)
                                  .join(Community).where(HandoverCommunity.handover.in_(ids))
                                  .order_by(Community.name).tuples()):
            found.setdefault(handover_id, []).append(name)
    return {k: tuple(v) for k, v in found.items()}


def _rows(query) -> list[HandoverRow]:
    rows = list(query.objects())
    places = _communities_by_handover([r.id for r in rows])
    return [HandoverRow(
        r.id, r.created_at, r.staff_id, r.staff_login, r.staff_name, r.shift,
        sum(len(s.items) for s in _sections_of(r)), r.notes, r.acker_name or "", r.acked_at,
        r.ack_notes, places.get(r.id, ())) for r in rows]


def get_handover(handover_id: int, staff_id: int | None = None) -> HandoverView:
    """One handover whole."""
    access.require("handover.read", staff_id)
    row = _row_query().where(Handover.id == handover_id).objects().first()
    if row is None:
        raise NotFoundError(_("No handover #{id}.").format(id=handover_id))
    sections = _sections_of(row)
    return HandoverView(
        row.id, row.created_at, row.staff_id, row.staff_login, row.staff_name, row.shift,
        sum(len(s.items) for s in sections), row.notes, row.acker_name or "", row.acked_at,
        row.ack_notes, _communities_by_handover([row.id]).get(row.id, ()), sections,
        row.acker_login or "")


def pending_handovers(staff_id: int, limit: int = PENDING_LIMIT) -> list[HandoverRow]:
    """Handovers waiting for acknowledgement that `staff_id` may take over: someone else's,
    about their communities (or the whole company), the newest saved first."""
    access.require("handover.read", staff_id)
    query = _row_query().where(Handover.acked_at.is_null(), Handover.staff != staff_id)
    mine = staff_communities(staff_id)
    if mine is not None:
        covered = HandoverCommunity.select(HandoverCommunity.handover)
        query = query.where(Handover.id.not_in(covered) | Handover.id.in_(
            HandoverCommunity.select(HandoverCommunity.handover)
            .where(HandoverCommunity.community.in_(mine))))
    # Newest first by when it was saved (the id): a shift's handover dated later than the
    # one just handed over must not hide it.
    return _rows(query.order_by(Handover.id.desc()).limit(max(1, limit)))


def handovers(query: HandoverQuery | None = None, *, after: tuple[dt.datetime, int] | None = None,
              limit: int = PAGE, staff_id: int | None = None) -> HandoverPage:
    """The history, newest first, a page at a time (keyset: pass `next_cursor` as `after`):
    narrowed to text found in the items, notes or acknowledgement notes, a date range, and
    who handed over."""
    access.require("handover.read", staff_id)
    query = query or HandoverQuery()
    limit = max(1, min(limit, 200))
    q = _row_query()
    text = clean_text(query.search or "", "search", max_length=100)
    if text:
        q = q.where(Handover.body.contains(text) | Handover.notes.contains(text)
                    | Handover.ack_notes.contains(text))
    if query.since and query.until and query.until < query.since:
        raise ValidationError("until", _("The end date ({until}) is before the start date ({since}).").format(
            until=query.until, since=query.since))
    if query.since:
        q = q.where(Handover.created_at >= dt.datetime.combine(query.since, dt.time(0)))
    if query.until:
        q = q.where(Handover.created_at < dt.datetime.combine(query.until + dt.timedelta(days=1), dt.time(0)))
    if (query.staff or "").strip():
        from data.calendar_lookup import one_staff

        q = q.where(Handover.staff == one_staff(query.staff, "staff").id)
    if after is not None:
        at, last_id = after
        q = q.where((Handover.created_at < at) | ((Handover.created_at == at) & (Handover.id < last_id)))
    rows = _rows(q.order_by(Handover.created_at.desc(), Handover.id.desc()).limit(limit + 1))
    more = len(rows) > limit
    rows = rows[:limit]
    return HandoverPage(rows, (rows[-1].created_at, rows[-1].id) if more and rows else None)


__all__ = [
    "MAX_ITEMS", "NEXT_SHIFT", "NOTES_MAX", "PAGE", "SECTIONS", "DraftSection", "HandoverDraft",
    "HandoverItem", "HandoverPage", "HandoverQuery", "HandoverRow", "HandoverView", "Section",
    "acknowledge_handover", "body_text", "callback_items", "draft_handover", "draft_sections",
    "get_handover", "handovers", "incident_items", "order_items", "pending_handovers", "place",
    "register_section", "staff_communities", "submit_handover", "unregister_section",
]
