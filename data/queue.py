"""The work-order queue: views, filters, saved filters and keyset pages (never all rows)."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import asdict, dataclass, field

from peewee import JOIN, Case, fn

from data.clock import now as clock_now
from data.db import transaction
from data.errors import NotFoundError, ValidationError
from data.i18n import N_, _
from data.models import (
    Building,
    Category,
    Community,
    HotlineOrder,
    Room,
    SavedFilter,
    Staff,
    WorkOrder,
)
from data.queue_views import DUE_SOON_HOURS, VIEWS, view_condition  # noqa: F401 (the queue's too)
from data.territory import visible_only
from data.validators import clean_text, show_controls
from data.vocab import OPEN_STATUSES, PRIORITIES, WORK_ORDER_STATUSES

#: Rows per page.
PAGE_SIZE = 50
#: Counts stop here ("1000+"): counting a million rows for a header is not worth it.
COUNT_CAP = 1000

#: The queue's 12345-hotline filter (QueueFilter.hotline): every order the hotline
#: forwarded, those whose reply is not recorded yet, those whose reply deadline passed.
HOTLINE_FILTERS = {
    "all": N_("12345 hotline"),
    "unreplied": N_("12345 not replied"),
    "overdue": N_("12345 reply overdue"),
}


@dataclass
class QueueFilter:
    """Narrowing of a view; every field optional. Dates are creation dates, inclusive."""

    building_id: int | None = None
    category_id: int | None = None  # includes its children
    priority: str | None = None
    status: str | None = None
    assignee_id: int | None = None
    created_from: dt.date | None = None
    created_to: dt.date | None = None
    community_id: int | None = None
    hotline: str | None = None  # HOTLINE_FILTERS

    def to_json(self) -> str:
        data = asdict(self)
        for key in ("created_from", "created_to"):
            if data[key] is not None:
                data[key] = data[key].isoformat()
        return json.dumps({k: v for k, v in data.items() if v is not None}, ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> QueueFilter:
        data = json.loads(text or "{}")
        for key in ("created_from", "created_to"):
            if data.get(key):
                data[key] = dt.date.fromisoformat(data[key])
        return cls(**{k: v for k, v in data.items() if k in cls.__dataclass_fields__})

    def is_empty(self) -> bool:
        return all(v is None for v in asdict(self).values())


@dataclass(frozen=True)
class QueueRow:
    id: int
    number: str
    kind: str
    title: str
    status: str
    priority: str
    room: str
    location: str
    assignee: str
    created_at: dt.datetime
    deadline: dt.datetime | None  # the one to watch: response until answered, then resolution
    overdue: bool
    version: int
    response_due: dt.datetime | None
    resolution_due: dt.datetime | None
    community: str = ""  # shown when the same room code appears in two communities
    reply_due: dt.datetime | None = None  # the 12345 hotline's reply deadline, if it came from there
    replied: bool = False  # the reply to the hotline is recorded (its deadline stopped)
    reply_overdue: bool = False  # the hotline's reply deadline passed with no reply


@dataclass
class QueuePage:
    rows: list[QueueRow]
    next_cursor: tuple | None  # pass as `after` for the next page; None on the last page
    total: int  # capped at COUNT_CAP + 1
    view: str
    filter: QueueFilter = field(default_factory=QueueFilter)

    @property
    def total_text(self) -> str:
        return f"{COUNT_CAP}+" if self.total > COUNT_CAP else str(self.total)


#: Views of open orders sorted by the deadline their rows show (`QueueRow.deadline`): the
#: response deadline until someone answers, then the resolution deadline.
WATCHED_VIEWS = ("mine", "overdue", "on_hold")


def _watched_due():
    """`QueueRow.deadline` of an open order, in SQL: what 我的, 已超时 and 挂起 sort by."""
    respond_first = WorkOrder.responded_at.is_null() & WorkOrder.response_due.is_null(False)
    return Case(None, [(respond_first, WorkOrder.response_due)], WorkOrder.resolution_due)


def _filter_where(query, flt: QueueFilter, at: dt.datetime | None = None):
    if flt.building_id is not None:
        query = query.where(WorkOrder.building == flt.building_id)
    if flt.community_id is not None:
        query = query.where(WorkOrder.community == flt.community_id)
    if flt.category_id is not None:
        children = Category.select(Category.id).where(Category.parent == flt.category_id)
        query = query.where(
            (WorkOrder.category == flt.category_id) | WorkOrder.category.in_(children)
        )
    if flt.priority:
        if flt.priority not in PRIORITIES:
            raise ValidationError("priority", _("Unknown priority “{p}”: use one of {ps}.").format(
                p=flt.priority, ps=", ".join(PRIORITIES)))
        query = query.where(WorkOrder.priority == flt.priority)
    if flt.status:
        if flt.status not in WORK_ORDER_STATUSES:
            raise ValidationError("status", _("Unknown status “{s}”: use one of {ss}.").format(
                s=flt.status, ss=", ".join(WORK_ORDER_STATUSES)))
        query = query.where(WorkOrder.status == flt.status)
    if flt.assignee_id is not None:
        query = query.where(WorkOrder.assignee == flt.assignee_id)
    if flt.created_from is not None:
        query = query.where(WorkOrder.created_at >= dt.datetime.combine(flt.created_from, dt.time()))
    if flt.created_to is not None:
        end = dt.datetime.combine(flt.created_to, dt.time()) + dt.timedelta(days=1)
        query = query.where(WorkOrder.created_at < end)
    if flt.hotline:
        query = query.where(WorkOrder.id.in_(_hotline_ids(flt.hotline, at or clock_now())))
    return query


def _hotline_ids(which: str, at: dt.datetime):
    """The ids of the hotline's orders a QueueFilter.hotline value keeps (a subquery)."""
    if which not in HOTLINE_FILTERS:
        raise ValidationError("hotline", _("Unknown hotline filter “{f}”: use one of {fs}.").format(
            f=which, fs=", ".join(HOTLINE_FILTERS)))
    ids = HotlineOrder.select(HotlineOrder.work_order)
    if which == "unreplied":
        ids = ids.where(HotlineOrder.replied_at.is_null())
    elif which == "overdue":
        ids = ids.where(HotlineOrder.replied_at.is_null(), HotlineOrder.reply_due < at)
    return ids


def _base(view: str, staff_id: int, flt: QueueFilter, at: dt.datetime):
    # No "merged_into IS NULL" here: a merged order is cancelled, so open views never see
    # it, and the condition lures SQLite onto the merged_into index (a 1.5 M-row walk).
    query = WorkOrder.select(WorkOrder.id)
    where = view_condition(view, staff_id, at)
    if where is not None:
        query = query.where(where)
    query = visible_only(query, staff_id)  # technicians: their own and their territory's
    return _filter_where(query, flt, at)


def queue_page(
    view: str,
    staff_id: int,
    flt: QueueFilter | None = None,
    after: tuple | None = None,
    limit: int = PAGE_SIZE,
    at: dt.datetime | None = None,
) -> QueuePage:
    """One page of a view, keyset-paged (pass the page's `next_cursor` as `after` for the
    next page). 待派单 sorts by the response deadline (nobody has answered yet), 我的,
    已超时 and 挂起 by the deadline their rows show (`WATCHED_VIEWS`), 待回访 by the
    resolution deadline, "all" by creation, newest first. Each row's
    `deadline` is the one to watch: the response deadline until someone answers, then the
    resolution deadline."""
    flt = flt or QueueFilter()
    at = at or clock_now()
    limit = max(1, min(limit, 200))
    by_created = view == "all"
    if view == "new":
        due = WorkOrder.response_due
    elif view in WATCHED_VIEWS:
        due = _watched_due()
    else:
        due = WorkOrder.resolution_due
    ids = _base(view, staff_id, flt, at)
    if by_created:
        if after is not None:
            created, last_id = after
            ids = ids.where(
                (WorkOrder.created_at < created) | ((WorkOrder.created_at == created) & (WorkOrder.id < last_id))
            )
        ids = ids.order_by(WorkOrder.created_at.desc(), WorkOrder.id.desc())
    else:
        if after is not None:
            last_due, last_id = after
            ids = ids.where((due > last_due) | ((due == last_due) & (WorkOrder.id > last_id)))
        ids = ids.order_by(due, WorkOrder.id)
    page_ids = [row.id for row in ids.limit(limit + 1)]
    more = len(page_ids) > limit
    page_ids = page_ids[:limit]
    rows = _rows(page_ids, at)
    next_cursor = None
    if more and rows:
        last = rows[-1]
        if by_created:
            next_cursor = (last.created_at, last.id)
        else:
            if view == "new":
                next_cursor = (last.response_due, last.id)
            elif view in WATCHED_VIEWS:
                next_cursor = (last.deadline, last.id)
            else:
                next_cursor = (last.resolution_due, last.id)
    total = _base(view, staff_id, flt, at).limit(COUNT_CAP + 1).count()
    return QueuePage(rows, next_cursor, total, view, flt)


def _rows(ids: list[int], at: dt.datetime) -> list[QueueRow]:
    if not ids:
        return []
    assignee = Staff.alias()
    query = (
        # Only the columns a row shows: a page is 50 rows, built on every refresh.
        WorkOrder.select(WorkOrder.id, WorkOrder.number, WorkOrder.kind, WorkOrder.title,
                         WorkOrder.status, WorkOrder.priority, WorkOrder.location,
                         WorkOrder.created_at, WorkOrder.responded_at, WorkOrder.response_due,
                         WorkOrder.resolution_due, WorkOrder.version,
                         Room.code.alias("room_code"), assignee.name.alias("assignee_name"),
                         Community.name.alias("community_name"))
        .join(Room, JOIN.LEFT_OUTER, on=(WorkOrder.room == Room.id))
        .switch(WorkOrder)
        .join(Community, JOIN.LEFT_OUTER, on=(WorkOrder.community == Community.id))
        .switch(WorkOrder)
        .join(assignee, JOIN.LEFT_OUTER, on=(WorkOrder.assignee == assignee.id))
        .where(WorkOrder.id.in_(ids))
        .namedtuples()
    )
    replies = {h.work_order_id: (h.reply_due, h.replied_at) for h in HotlineOrder.select(
        HotlineOrder.work_order, HotlineOrder.reply_due, HotlineOrder.replied_at).where(
        HotlineOrder.work_order.in_(ids))}
    by_id = {}
    for o in query:
        running = o.status in ("new", "assigned", "in_progress")
        respond_first = o.responded_at is None and o.response_due is not None
        if o.status not in OPEN_STATUSES:
            deadline = None
        elif respond_first:
            deadline = o.response_due
        else:
            deadline = o.resolution_due
        overdue = running and (
            (o.resolution_due is not None and o.resolution_due < at)
            or (respond_first and o.response_due < at)
        )
        by_id[o.id] = QueueRow(
            o.id, o.number, o.kind, o.title, o.status, o.priority, o.room_code or "", o.location,
            o.assignee_name or "", o.created_at, deadline, overdue, o.version, o.response_due,
            o.resolution_due, o.community_name or "",
            *_reply_cells(replies.get(o.id), at),
        )
    return [by_id[i] for i in ids if i in by_id]


def _reply_cells(reply: tuple[dt.datetime, dt.datetime | None] | None,
                 at: dt.datetime) -> tuple[dt.datetime | None, bool, bool]:
    """(reply due, replied, reply overdue) of a queue row from its hotline row, if any."""
    if reply is None:
        return None, False, False
    due, replied_at = reply
    return due, replied_at is not None, replied_at is None and due < at


def countdown(deadline: dt.datetime | None, at: dt.datetime | None = None) -> str:
    """A deadline as the time left ("2h15m", "40m") or overdue ("-1d3h"); "" when none."""
    if deadline is None:
        return ""
    at = at or clock_now()
    seconds = int((deadline - at).total_seconds())
    sign = "-" if seconds < 0 else ""
    minutes = abs(seconds) // 60
    days, rest = divmod(minutes, 1440)
    hours, mins = divmod(rest, 60)
    if days:
        return f"{sign}{days}d{hours}h"
    if hours:
        return f"{sign}{hours}h{mins:02d}m"
    return f"{sign}{mins}m"


# --- saved filters ---------------------------------------------------------------------------


def save_filter(staff_id: int, name: str, flt: QueueFilter) -> None:
    """Save (or replace) a named filter of this staff member."""
    name = clean_text(name, "name", max_length=40)
    if not name:
        raise ValidationError("name", _("Give the filter a name, such as 3号楼漏水."))
    with transaction():
        SavedFilter.delete().where(SavedFilter.staff == staff_id, SavedFilter.name == name).execute()
        SavedFilter.create(staff=staff_id, name=name, spec=flt.to_json(), created_at=clock_now())


def saved_filters(staff_id: int) -> list[tuple[str, QueueFilter]]:
    rows = SavedFilter.select().where(SavedFilter.staff == staff_id).order_by(SavedFilter.name)
    return [(r.name, QueueFilter.from_json(r.spec)) for r in rows]


def delete_filter(staff_id: int, name: str) -> None:
    """Delete a named filter of this staff member (NotFoundError if they have none so named)."""
    name = name.strip() if isinstance(name, str) else ""
    with transaction():
        deleted = SavedFilter.delete().where(SavedFilter.staff == staff_id, SavedFilter.name == name).execute()
    if not deleted:
        raise NotFoundError(_("No saved filter “{name}”.").format(name=show_controls(name[:40])))


# --- lookups for filter forms ----------------------------------------------------------------


def buildings(community_id: int | None = None) -> list[tuple[int, str]]:
    """(id, "小区 楼栋") for filter choices, bounded."""
    from data.models import Community

    query = (
        Building.select(Building.id, Building.code, Community.name)
        .join(Community)
        .order_by(Community.name, fn.LENGTH(Building.code), Building.code)
        .limit(500)
    )
    if community_id is not None:
        query = query.where(Building.community == community_id)
    return [(b.id, f"{b.community.name} {b.code}栋") for b in query]


def categories(*, except_kind: str | None = None) -> list[tuple[int, str]]:
    """(id, "水电 › 水管漏水") of every active category, parents first; `except_kind`
    leaves out the categories of that default kind (a committee request: no repair ones)."""
    query = Category.select().where(Category.active == True)  # noqa: E712
    if except_kind is not None:
        query = query.where(Category.kind != except_kind)
    rows = list(query.order_by(Category.sort_order))
    by_id = {c.id: c for c in rows}
    out = []
    for c in sorted(rows, key=lambda c: (by_id[c.parent_id].sort_order if c.parent_id in by_id else c.sort_order,
                                         c.parent_id is not None, c.sort_order)):
        out.append((c.id, f"{by_id[c.parent_id].name} › {c.name}" if c.parent_id in by_id else c.name))
    return out
