"""Notices (公告, issue 19 item 1): made from a template for communities, buildings, entrances
or tagged people; published at once or at a set time, expiring; delivered per household by
the message hook (data.messaging) or, for those without a mobile and the elderly, on an
outbound call list (data.calls.lists) — each household's "who was told, how, when" kept."""

from __future__ import annotations

import datetime as dt
import re

from peewee import JOIN, Case, fn

from data import access
from data.clock import now as clock_now
from data.clock import today
from data.db import transaction
from data.errors import NotFoundError, ValidationError
from data.i18n import _
from data.models import (
    Building,
    CallList,
    CallListItem,
    Community,
    Entrance,
    Incident,
    IncidentBuilding,
    Notice,
    NoticeDelivery,
    NoticeTarget,
    Occupancy,
    Person,
    PersonTag,
    Phone,
    Room,
    Staff,
    Tag,
)
from data.notices.templates import (
    TEMPLATES,
    Template,
    check_placeholders,
    fill,
    find_template,
    when_text,
)
from data.notices.values import (
    DeliveryPage,
    DeliveryRow,
    NoticeRow,
    NoticeView,
    PublishResult,
    TargetView,
)
from data.validators import clean_text, mask_phone
from data.waits import past_cancelling

#: People with one of these tags are called, not messaged (an elderly owner may not read SMS).
CALL_TAGS = ("独居老人",)
#: The notice template an incident of each kind drafts (data.vocab.INCIDENT_KINDS).
INCIDENT_TEMPLATES = {"water_cut": "water", "power_cut": "power", "lift_down": "lift", "gas_work": "tip"}
TARGET_KINDS = ("community", "building", "entrance", "tag")
REACH_WAYS = ("message", "call", "visit", "desk")
#: The longest message text (data.messaging.MAX_TEXT).
MESSAGE_CHARS = 500
#: The longest title and body a notice stores, its placeholders filled in.
MAX_TITLE = 120
MAX_BODY = 4000


def _staff(staff_id: int | None) -> int:
    access.require("notice.manage", staff_id)
    sid = staff_id if staff_id is not None else access.current_id()
    if sid is None:
        raise ValidationError("staff", _("Sign in first."))
    return sid


def _notice(notice_id: int) -> Notice:
    row = Notice.get_or_none(Notice.id == notice_id)
    if row is None:
        raise NotFoundError(_("No notice with id {id}.").format(id=notice_id))
    return row


# --- targets -----------------------------------------------------------------------------------

_SPLIT = re.compile(r"[,，、;；\s]+")
_ENTRANCE = re.compile(r"^(\w+?)(?:栋|号楼|幢)?[-－](\w+?)(?:单元)?$|^(\w+?)(?:栋|号楼|幢)(\w+?)单元$")
_BUILDING = re.compile(r"^(\w+?)(?:栋|号楼|幢)?$")


def community_choices() -> list[tuple[str, int]]:
    """Every community as (name, id), by name: the notice form's choice."""
    return [(name, cid) for cid, name in Community.select(Community.id, Community.name)
            .order_by(Community.name).tuples()]


def community_id_of(text: str | int) -> int:
    """A community by id, code or name; ValidationError when none matches (or none was given)."""
    value = str(text or "").strip()
    if not value:
        raise ValidationError("community", _("Choose the community."))
    row = None
    if value.isdigit():
        row = Community.get_or_none(Community.id == int(value))
    row = row or Community.get_or_none((Community.code == value) | (Community.name == value))
    if row is None:
        raise ValidationError("community", _("No community “{name}”.").format(name=value[:40]))
    return row.id


def parse_targets(community_id: int, text: str) -> list[tuple[str, int]]:
    """Targets from what the clerk typed, in one community: 全体 (everyone), 3 or 3栋 (a
    building), 3-2 or 3栋2单元 (an entrance), #独居老人 (people with a tag), separated by
    commas, 、 or spaces. ValidationError names the first part not understood."""
    out: list[tuple[str, int]] = []
    for part in [p for p in _SPLIT.split(text or "") if p]:
        if part in ("全体", "全部", "all", "*"):
            out.append(("community", community_id))
            continue
        if part.startswith(("#", "＃")):
            tag = Tag.get_or_none(Tag.name == part[1:])
            if tag is None:
                raise ValidationError("targets", _("No tag “{tag}”.").format(tag=part[1:30]))
            out.append(("tag", tag.id))
            continue
        m = _ENTRANCE.match(part)
        if m:
            b_code, e_code = (m.group(1), m.group(2)) if m.group(1) else (m.group(3), m.group(4))
            entrance = (Entrance.select(Entrance.id).join(Building)
                        .where(Building.community == community_id, Building.code == b_code,
                               Entrance.code == e_code).scalar())
            if entrance is None:
                raise ValidationError("targets", _("No entrance {building}-{entrance} in this community.").format(
                    building=b_code, entrance=e_code))
            out.append(("entrance", entrance))
            continue
        m = _BUILDING.match(part)
        building = None
        if m:
            building = Building.select(Building.id).where(
                Building.community == community_id, Building.code == m.group(1)).scalar()
        if building is None:
            raise ValidationError("targets", _(
                "“{part}” is not a building, entrance or tag of this community: type 3, 3-2, #独居老人 or 全体.").format(
                part=part[:30]))
        out.append(("building", building))
    if not out:
        raise ValidationError("targets", _("Say whom the notice is for: 全体, buildings (3, 5), entrances (3-2) or #tag."))
    return list(dict.fromkeys(out))


def _target_label(kind: str, ref: int) -> str:
    if kind == "community":
        return Community.select(Community.name).where(Community.id == ref).scalar() or "?"
    if kind == "building":
        row = (Building.select(Community.name, Building.code, Building.name).join(Community)
               .where(Building.id == ref).tuples().first())
        return f"{row[2] or row[1] + '栋'}" if row else "?"
    if kind == "entrance":
        row = (Entrance.select(Building.code, Entrance.code).join(Building)
               .where(Entrance.id == ref).tuples().first())
        return f"{row[0]}栋{row[1]}单元" if row else "?"
    if kind == "tag":
        return "#" + (Tag.select(Tag.name).where(Tag.id == ref).scalar() or "?")
    raise ValidationError("targets", _("Unknown kind of target: {kind}.").format(kind=kind))


def _target_rooms(targets: list[tuple[str, int]]) -> list[int]:
    """The rooms (households: a current occupant) the targets reach, in room order."""
    where = None
    for kind, ref in targets:
        if kind == "community":
            cond = Room.community == ref
        elif kind == "building":
            cond = Room.building == ref
        elif kind == "entrance":
            cond = Room.entrance == ref
        else:
            tagged = PersonTag.select(PersonTag.person).where(PersonTag.tag == ref)
            cond = Room.id.in_(Occupancy.select(Occupancy.room).where(
                Occupancy.person.in_(tagged), Occupancy.end_date.is_null()))
        where = cond if where is None else (where | cond)
    if where is None:
        return []
    lived = Occupancy.select(Occupancy.room).where(Occupancy.end_date.is_null())
    return [r for (r,) in Room.select(Room.id).where(where, Room.id.in_(lived))
            .order_by(Room.community, Room.code).tuples()]


# --- making a notice ----------------------------------------------------------------------------

def _auto_values(targets: list[tuple[str, int]], community_id: int | None) -> dict[str, str]:
    community = Community.get_or_none(Community.id == community_id) if community_id else None
    places = [_target_label(k, r) for k, r in targets if k in ("building", "entrance")]
    return {
        "小区": community.name if community else "",
        "楼栋": "、".join(places) or "全体楼栋",
        "联系电话": (community.phone if community else "") or "物业服务中心前台",
        "日期": when_text(today()),
    }


def _check_times(publish_at: dt.datetime | None, expires_at: dt.datetime | None) -> None:
    if publish_at is not None and expires_at is not None and expires_at <= publish_at:
        raise ValidationError("expires_at", _("The notice must expire after it is published ({at}).").format(
            at=f"{publish_at:%Y-%m-%d %H:%M}"))
    if expires_at is not None and expires_at <= clock_now():
        raise ValidationError("expires_at", _("The expiry ({at}) has passed already.").format(
            at=f"{expires_at:%Y-%m-%d %H:%M}"))


def create_notice(template: str, community_id: int, targets: list[tuple[str, int]] | str,
                  values: dict[str, str] | None = None, staff_id: int | None = None, *,
                  title: str | None = None, body: str | None = None,
                  publish_at: dt.datetime | None = None, expires_at: dt.datetime | None = None,
                  incident_id: int | None = None) -> NoticeView:
    """A draft notice from `template` (code or name) for `targets` in a community (a list
    of (kind, id) or the clerk's text, see `parse_targets`), its placeholders filled from
    `values` ({小区}, {楼栋}, {联系电话} and {日期} are filled by the app). A `title` or
    `body` given replaces the template's; an unknown placeholder or one left without a
    value is refused (ValidationError)."""
    sid = _staff(staff_id)
    tpl: Template = find_template(template)
    if isinstance(targets, str):
        targets = parse_targets(community_id, targets)
    for kind, _ref in targets:
        if kind not in TARGET_KINDS:
            raise ValidationError("targets", _("Unknown kind of target: {kind}.").format(kind=kind))
    title_text = clean_text(title or "", "title", max_length=MAX_TITLE) or tpl.title
    body_text = clean_text(body or "", "body", multiline=True, max_length=MAX_BODY) or tpl.body
    check_placeholders(title_text, "title")
    check_placeholders(body_text, "body")
    given = {str(k).strip("{} "): clean_text(str(v), "values", max_length=200) for k, v in (values or {}).items()}
    unknown = [k for k in given if k not in _known()]
    if unknown:
        check_placeholders("".join("{" + k + "}" for k in unknown), "values")
    filled = {**_auto_values(list(targets), community_id), **{k: v for k, v in given.items() if v}}
    title_text = fill(title_text, filled, "title")
    body_text = fill(body_text, filled, "body")
    # The limits hold for what is stored, with the placeholders filled: one 200-character
    # value repeated in the body must not make a 200 000-character notice (attack19 #4).
    for field, text, most in (("title", title_text, MAX_TITLE), ("body", body_text, MAX_BODY)):
        if len(text) > most:
            raise ValidationError(field, _(
                "With its placeholders filled in, the {field} has {length} characters; at most {max} are allowed.").format(
                field=_("title") if field == "title" else _("body"), length=len(text), max=most))
    _check_times(publish_at, expires_at)
    if not _target_rooms(list(targets)):
        raise ValidationError("targets", _("Nobody lives in the households these targets reach."))
    with transaction():
        row = Notice.create(template=tpl.code, title=title_text, body=body_text, community=community_id,
                            publish_at=publish_at, expires_at=expires_at, incident=incident_id,
                            created_by=sid, created_at=clock_now())
        NoticeTarget.insert_many([{"notice": row.id, "kind": k, "ref_id": r, "label": _target_label(k, r)[:80]}
                                  for k, r in targets]).execute()
    return get_notice(row.id)


def _known() -> set[str]:
    from data.notices.templates import PLACEHOLDERS

    return set(PLACEHOLDERS)


def notice_from_incident(incident_id: int, staff_id: int | None = None) -> NoticeView:
    """The draft notice of an incident (停水 → 停水通知 …) for its buildings, its times
    filled in and expiring when it ends: one key on the calls screen."""
    incident = Incident.get_or_none(Incident.id == incident_id)
    if incident is None:
        raise NotFoundError(_("No incident with id {id}.").format(id=incident_id))
    buildings = [b for (b,) in IncidentBuilding.select(IncidentBuilding.building)
                 .where(IncidentBuilding.incident == incident_id).tuples()]
    community = Building.select(Building.community).where(Building.id.in_(buildings)).scalar()
    code = INCIDENT_TEMPLATES.get(incident.kind, "tip")
    values = {"开始时间": when_text(incident.starts), "结束时间": when_text(incident.ends),
              "原因": incident.title or "设备检修", "内容": incident.script or incident.title}
    return create_notice(code, community, [("building", b) for b in buildings], values, staff_id,
                         expires_at=incident.ends if incident.ends > clock_now() else None,
                         incident_id=incident_id)


# --- reading --------------------------------------------------------------------------------------

def _status(row: Notice, at: dt.datetime) -> str:
    if row.status == "published" and row.expires_at is not None and row.expires_at <= at:
        return "expired"
    return row.status


def _counts(ids: list[int]) -> dict[int, tuple[int, int]]:
    reached = Case(None, ((NoticeDelivery.reached_at.is_null(False), 1),), 0)
    return {nid: (int(total), int(done or 0)) for nid, total, done in
            NoticeDelivery.select(NoticeDelivery.notice, fn.COUNT(NoticeDelivery.id), fn.SUM(reached))
            .where(NoticeDelivery.notice.in_(ids)).group_by(NoticeDelivery.notice).tuples()}


def _targets(ids: list[int]) -> dict[int, list[TargetView]]:
    out: dict[int, list[TargetView]] = {}
    for t in NoticeTarget.select().where(NoticeTarget.notice.in_(ids)).order_by(NoticeTarget.id):
        out.setdefault(t.notice_id, []).append(TargetView(t.kind, t.ref_id, t.label))
    return out


def _households_now(row: Notice, targets: list[TargetView]) -> int:
    return len(_target_rooms([(t.kind, t.ref_id) for t in targets]))


def list_notices(status: str | None = None, limit: int = 200) -> list[NoticeRow]:
    """Notices, newest first, with how many households were reached of how many (a draft's
    households are those its targets reach today). `status` keeps one status."""
    at = clock_now()
    rows = list(Notice.select().order_by(Notice.created_at.desc(), Notice.id.desc()).limit(max(1, min(limit, 1000))))
    ids = [r.id for r in rows]
    counts, targets = _counts(ids), _targets(ids)
    out = []
    for r in rows:
        st = _status(r, at)
        if status and st != status:
            continue
        ts = targets.get(r.id, [])
        total, reached = counts.get(r.id) or (_households_now(r, ts) if r.status in ("draft", "scheduled") else 0, 0)
        out.append(NoticeRow(r.id, TEMPLATES[r.template].name if r.template in TEMPLATES else r.template,
                             r.title, st, "、".join(t.label for t in ts), reached, total, r.publish_at, r.expires_at))
    return out


def get_notice(notice_id: int) -> NoticeView:
    r = _notice(notice_id)
    ts = _targets([r.id]).get(r.id, [])
    total, reached = _counts([r.id]).get(r.id) or (
        _households_now(r, ts) if r.status in ("draft", "scheduled") else 0, 0)
    return NoticeView(
        id=r.id, template=TEMPLATES[r.template].name if r.template in TEMPLATES else r.template, title=r.title,
        body=r.body, status=_status(r, clock_now()), targets=tuple(ts), publish_at=r.publish_at,
        expires_at=r.expires_at, published_at=r.published_at, reached=reached, households=total,
        call_list_id=r.call_list_id, incident_id=r.incident_id,
        created_by=Staff.select(Staff.name).where(Staff.id == r.created_by_id).scalar() or "")


def deliveries(notice_id: int, *, unreached_only: bool = False, limit: int = 2000) -> list[DeliveryRow]:
    """The households of a published notice in room order: who was told, how and when
    (`unreached_only`: those not yet told)."""
    _notice(notice_id)
    where = NoticeDelivery.notice == notice_id
    if unreached_only:
        where = where & NoticeDelivery.reached_at.is_null()
    rows = (NoticeDelivery.select(NoticeDelivery, Room.code.alias("room_code"), Person.name.alias("person_name"),
                                  Staff.name.alias("staff_name"))
            .join(Room, on=(NoticeDelivery.room == Room.id))
            .switch(NoticeDelivery).join(Person, JOIN.LEFT_OUTER, on=(NoticeDelivery.person == Person.id))
            .switch(NoticeDelivery).join(Staff, JOIN.LEFT_OUTER, on=(NoticeDelivery.staff == Staff.id))
            .where(where).order_by(Room.code, NoticeDelivery.id).limit(limit).objects())
    return [DeliveryRow(r.room_id, r.room_code, r.person_name or "", r.channel,
                        mask_phone(r.number) if r.number else "", r.how, r.reached_at, r.staff_name or "", r.note)
            for r in rows]


#: Households a page of the 公告 screen's table shows at most.
DELIVERY_PAGE = 100


def delivery_page(notice_id: int, *, told: bool, after: tuple[str, int] | None = None,
                  limit: int = DELIVERY_PAGE) -> DeliveryPage:
    """One page of a notice's households in room order: those told (`told`: who, how,
    when, by whom) or those not yet told, after the keyset cursor `after` (the
    `next_cursor` of the page before), with how many are told and not told in all."""
    _notice(notice_id)
    limit = max(1, min(limit, 500))
    where = (NoticeDelivery.notice == notice_id) & (
        NoticeDelivery.reached_at.is_null(False) if told else NoticeDelivery.reached_at.is_null())
    if after is not None:
        code, last = after
        where = where & ((Room.code > code) | ((Room.code == code) & (NoticeDelivery.id > last)))
    rows = list(NoticeDelivery.select(NoticeDelivery, Room.code.alias("room_code"), Person.name.alias("person_name"),
                                      Staff.name.alias("staff_name"))
                .join(Room, on=(NoticeDelivery.room == Room.id))
                .switch(NoticeDelivery).join(Person, JOIN.LEFT_OUTER, on=(NoticeDelivery.person == Person.id))
                .switch(NoticeDelivery).join(Staff, JOIN.LEFT_OUTER, on=(NoticeDelivery.staff == Staff.id))
                .where(where).order_by(Room.code, NoticeDelivery.id).limit(limit + 1).objects())
    more = len(rows) > limit
    rows = rows[:limit]
    total, reached = _counts([notice_id]).get(notice_id) or (0, 0)
    return DeliveryPage(
        [DeliveryRow(r.room_id, r.room_code, r.person_name or "", r.channel,
                     mask_phone(r.number) if r.number else "", r.how, r.reached_at, r.staff_name or "", r.note)
         for r in rows],
        (rows[-1].room_code, rows[-1].id) if more else None, reached, total - reached)


def unreached(notice_id: int) -> list[DeliveryRow]:
    """The households of a notice not yet told."""
    return deliveries(notice_id, unreached_only=True)


# --- publishing ---------------------------------------------------------------------------------

def _households(room_ids: list[int]) -> list[dict]:
    """For each room: whom to tell (the primary contact, else an owner, else the first
    occupant), their mobile, the number to call, and whether to call rather than message."""
    from data.property import call_numbers

    rank = Case(Occupancy.role, (("owner", 0), ("co_owner", 1), ("tenant", 2)), 3)
    chosen: dict[int, int] = {}
    for i in range(0, len(room_ids), 500):
        for room, person in (Occupancy.select(Occupancy.room, Occupancy.person)
                             .where(Occupancy.room.in_(room_ids[i:i + 500]), Occupancy.end_date.is_null())
                             .order_by(Occupancy.room, Occupancy.is_primary_contact.desc(), rank, Occupancy.id)
                             .tuples()):
            chosen.setdefault(room, person)
    people = list(set(chosen.values()))
    mobiles: dict[int, str] = {}
    tagged: set[int] = set()
    for i in range(0, len(people), 500):
        chunk = people[i:i + 500]
        for pid, number in (Phone.select(Phone.person, Phone.number)
                            .where(Phone.person.in_(chunk), Phone.kind == "mobile")
                            .order_by(Phone.person, Phone.is_primary.desc(), Phone.id).tuples()):
            mobiles.setdefault(pid, number)
        tagged |= {p for (p,) in PersonTag.select(PersonTag.person).join(Tag)
                   .where(PersonTag.person.in_(chunk), Tag.name.in_(CALL_TAGS)).tuples()}
    calls = call_numbers(people)
    out = []
    for room in room_ids:
        pid = chosen.get(room)
        if pid is None:
            continue
        if pid in mobiles and pid not in tagged:
            out.append({"room": room, "person": pid, "channel": "message", "number": mobiles[pid]})
        elif calls.get(pid):
            out.append({"room": room, "person": pid, "channel": "call", "number": calls[pid]})
        else:
            out.append({"room": room, "person": pid, "channel": "none", "number": ""})
    return out


def publish_notice(notice_id: int, staff_id: int | None = None) -> PublishResult:
    """Publish a draft: at its publish time when that is still ahead (it waits, scheduled,
    for `publish_due`), else now — one delivery record per household; a message to each
    household with a mobile; an outbound call list (外呼) for those without one, those
    tagged elderly and those whose message did not go."""
    sid = _staff(staff_id)
    row = _notice(notice_id)
    if row.status not in ("draft", "scheduled"):
        raise ValidationError("notice", _("Only a draft can be published; this notice is {status}.").format(
            status=_status_label(_status(row, clock_now()))))
    at = clock_now()
    if row.publish_at is not None and row.publish_at > at:
        with transaction():
            Notice.update(status="scheduled").where(Notice.id == notice_id).execute()
        return PublishResult(get_notice(notice_id), 0, None, 0, _(
            "Scheduled: the notice goes out at {at}.").format(at=f"{row.publish_at:%Y-%m-%d %H:%M}"))
    if row.expires_at is not None and row.expires_at <= at:
        raise ValidationError("expires_at", _("The expiry ({at}) has passed already.").format(
            at=f"{row.expires_at:%Y-%m-%d %H:%M}"))
    return _deliver(row, sid, at)


def _deliver(row: Notice, staff_id: int, at: dt.datetime) -> PublishResult:
    targets = [(t.kind, t.ref_id) for t in NoticeTarget.select().where(NoticeTarget.notice == row.id)]
    homes = _households(_target_rooms(targets))
    with transaction():
        Notice.update(status="published", published_at=at).where(Notice.id == row.id).execute()
        for i in range(0, len(homes), 100):
            NoticeDelivery.insert_many([{**h, "notice": row.id} for h in homes[i:i + 100]]).execute()
    with past_cancelling():  # published: the clerk's cancel no longer stops the rest
        return _tell(row, staff_id, homes)


def _tell(row: Notice, staff_id: int, homes: list[dict]) -> PublishResult:
    """The messages and the call list of a notice just published (_deliver)."""
    from data.calls.lists import build_notice_list
    from data.messaging import send_message

    text = f"【{row.title}】{row.body}".replace("\n", " ")[:MESSAGE_CHARS]
    sent, to_call = 0, []
    # With no message command nothing can be texted: the households with a mobile go on the
    # call list, and the clerk is told why (walk19 #3: "0 by message" and no reason).
    channel = message_channel_ready()
    unsent = 0
    for h in homes:
        if h["channel"] == "message" and not channel:
            unsent += 1
        elif h["channel"] == "message":
            result = send_message(h["number"], text, about="notice", about_id=row.id,
                                  person_id=h["person"], staff_id=staff_id)
            if result.sent:
                sent += 1
                with transaction():
                    NoticeDelivery.update(how="message", reached_at=clock_now(), staff=staff_id).where(
                        NoticeDelivery.notice == row.id, NoticeDelivery.room == h["room"]).execute()
                continue
        if h["channel"] != "none":
            to_call.append(h)
    list_id = None
    if to_call:
        from data.calls.numbers import normalize_number

        items = []
        for h in to_call:
            try:
                items.append({**h, "number": normalize_number(h["number"])})
            except ValidationError:
                continue
        if items:
            list_id, item_ids = build_notice_list(f"公告 {row.title}"[:60], [
                {"person": h["person"], "number": h["number"], "room": h["room"]} for h in items], staff_id)
            with transaction():
                Notice.update(call_list=list_id).where(Notice.id == row.id).execute()
                for h, item in zip(items, item_ids, strict=True):
                    NoticeDelivery.update(call_item=item, channel="call").where(
                        NoticeDelivery.notice == row.id, NoticeDelivery.room == h["room"]).execute()
    view = get_notice(row.id)
    said = _(
        "Published to {households} households: {sent} told by message, {called} to call, {left} not yet told.").format(
        households=view.households, sent=sent, called=len(to_call), left=view.unreached)
    if unsent:
        said = _("No message channel is configured: {count} households with a mobile go on the call list. ").format(
            count=unsent) + said
    return PublishResult(view, sent, list_id, len(to_call), said)


def message_channel_ready() -> bool:
    """Whether notices can be texted: a message command is configured (data.messaging)."""
    from data.messaging import message_command

    return bool(message_command())


def publish_due(staff_id: int | None = None, at: dt.datetime | None = None) -> list[PublishResult]:
    """Send the scheduled notices whose publish time has come."""
    sid = _staff(staff_id)
    at = at or clock_now()
    rows = list(Notice.select().where(Notice.status == "scheduled", Notice.publish_at <= at).order_by(Notice.id))
    return [_deliver(r, sid, at) for r in rows]


def withdraw_notice(notice_id: int, staff_id: int | None = None) -> NoticeView:
    """Withdraw (撤回) a notice: it no longer shows as current and cannot be published again;
    who was told stays recorded; the calls still pending on its outbound list are cancelled and
    the list is closed, in the same transaction (walk19b N1: colleagues went on phoning)."""
    _staff(staff_id)
    at = clock_now()
    with transaction():
        row = _notice(notice_id)
        if row.status == "withdrawn":
            raise ValidationError("notice", _("This notice was withdrawn already."))
        Notice.update(status="withdrawn", withdrawn_at=at).where(Notice.id == notice_id).execute()
        if row.call_list_id is not None:
            CallListItem.update(status="done", updated_at=at).where(
                CallListItem.call_list == row.call_list_id, CallListItem.status == "pending").execute()
            CallList.update(closed_at=at).where(CallList.id == row.call_list_id,
                                                CallList.closed_at.is_null()).execute()
    return get_notice(notice_id)


def pending_calls(notice_id: int) -> int:
    """How many calls of the notice's outbound list are still pending (0 without a list)."""
    row = _notice(notice_id)
    if row.call_list_id is None:
        return 0
    return CallListItem.select().where(CallListItem.call_list == row.call_list_id,
                                       CallListItem.status == "pending").count()


def mark_reached(notice_id: int, room_id: int, how: str, staff_id: int | None = None, note: str = "") -> DeliveryRow:
    """Record that a household was told (by a call, a visit, at the desk) now."""
    sid = _staff(staff_id)
    if how not in REACH_WAYS:
        raise ValidationError("how", _("Say how the household was told: {ways}.").format(ways=", ".join(REACH_WAYS)))
    note = clean_text(note, "note", max_length=200)
    with transaction():
        done = NoticeDelivery.update(how=how, reached_at=clock_now(), staff=sid, note=note).where(
            NoticeDelivery.notice == notice_id, NoticeDelivery.room == room_id).execute()
        # Told, by whatever way: off the notice's call list, so nobody phones them again (walk19 #6).
        item = call_item_of(notice_id, room_id)
        if done and item is not None:
            CallListItem.update(status="done", updated_at=clock_now()).where(
                CallListItem.id == item, CallListItem.status == "pending").execute()
    if not done:
        raise NotFoundError(_("This household is not among the notice's households."))
    return next(d for d in deliveries(notice_id) if d.room_id == room_id)


def undo_reached(notice_id: int, room_id: int, staff_id: int | None = None) -> DeliveryRow:
    """Undo "told" for a household the desk marked by hand (a call, a visit, at the desk):
    it is not told again, and back on the notice's call list when it had an item there
    that is closed (unless its number was found invalid). A household told by a message
    that was sent cannot be undone (ValidationError): the message went."""
    _staff(staff_id)
    with transaction():
        row = NoticeDelivery.get_or_none(NoticeDelivery.notice == notice_id, NoticeDelivery.room == room_id)
        if row is None:
            raise NotFoundError(_("This household is not among the notice's households."))
        if row.reached_at is None:
            raise ValidationError("how", _("This household has not been told yet: there is nothing to undo."))
        if row.how == "message":
            raise ValidationError("how", _(
                "This household was told by a text message that was sent: that cannot be undone."))
        # Conditional, so two desks undoing at once (or an SMS recorded meanwhile) change it once.
        done = NoticeDelivery.update(how="", reached_at=None, staff=None, note="").where(
            NoticeDelivery.id == row.id, NoticeDelivery.reached_at.is_null(False),
            NoticeDelivery.how != "message").execute()
        if not done:
            raise ValidationError("how", _("This household's record changed meanwhile: look again."))
        withdrawn = Notice.select(Notice.status).where(Notice.id == notice_id).scalar() == "withdrawn"
        if row.call_item_id is not None and not withdrawn:
            # The call_list_item update is audited (data.audit TABLES): who put it back is kept.
            back = CallListItem.update(status="pending", retry_at=None, updated_at=clock_now()).where(
                CallListItem.id == row.call_item_id, CallListItem.status == "done",
                CallListItem.last_outcome != "invalid").execute()
            if back:
                CallList.update(closed_at=None).where(
                    CallList.id == CallListItem.select(CallListItem.call_list).where(
                        CallListItem.id == row.call_item_id)).execute()
    return next(d for d in deliveries(notice_id) if d.room_id == room_id)


def _status_label(code: str) -> str:
    from data.vocab import NOTICE_STATUSES, label

    return label(NOTICE_STATUSES, code)


def room_id_of(notice_id: int, room_code: str) -> int:
    """The room of a notice's household by its code (3-2-501)."""
    rid = (NoticeDelivery.select(NoticeDelivery.room).join(Room)
           .where(NoticeDelivery.notice == notice_id, Room.code == (room_code or "").strip()).scalar())
    if rid is None:
        raise NotFoundError(_("Room {room} is not among the notice's households.").format(room=(room_code or "")[:40]))
    return rid


def call_item_of(notice_id: int, room_id: int) -> int | None:
    """The call-list item of a household (None when it was not to be called)."""
    return (NoticeDelivery.select(NoticeDelivery.call_item)
            .where(NoticeDelivery.notice == notice_id, NoticeDelivery.room == room_id).scalar())



def call_script(list_id: int, room_id: int | None, person_id: int | None,
                staff_id: int | None = None) -> str:
    """What the desk says on a notice's outbound call: a greeting, then the notice's own title
    and filled body (its reason and times) — not the stock 停水/停电 scripts with their
    placeholders (walk19b N2)."""
    access.require("notice.manage", staff_id)
    found = Notice.get_or_none(Notice.call_list == list_id)
    if found is None:
        raise NotFoundError(_("This call is not part of a notice."))
    room = Room.get_or_none(Room.id == room_id) if room_id else None
    person = Person.get_or_none(Person.id == person_id) if person_id else None
    greeting = (_("Hello, is this {name}?").format(name=person.name) + " ") if person is not None else ""
    intro = _("This is the property service centre with a notice for your home {room}:").format(
        room=room.code if room else "—")
    return f"{greeting}{intro}\n【{found.title}】\n{found.body}"
