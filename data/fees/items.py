"""Fee items per community and their dated standards (收费标准): 物业服务费 per m² of a
room's 建筑面积 per month by room type, 车位管理费 per parking space per month, fixed monthly
items per room (垃圾清运费), one-off items; each billed monthly, quarterly or yearly. A
standard applies from its start date on and is never edited: bills keep theirs. Also the
vacancy rate (空置房收费比例) of a community."""

from __future__ import annotations

import datetime as dt

from data import access
from data.clock import now
from data.db import transaction
from data.errors import NotFoundError, ValidationError
from data.fees.values import FeeItemRow, StandardRow, fen_of
from data.i18n import N_, _
from data.models import Community, FeeItem, FeeStandard, Setting
from data.validators import clean_text
from data.vocab import ROOM_TYPES

#: How an item is computed.
BASES = {
    "area": N_("per m² of floor area per month"),  # 元/m²/月 × 建筑面积
    "space": N_("per parking space per month"),  # 元/个/月
    "room": N_("per room per month"),  # 元/户/月
    "once": N_("one-off"),  # 一次性
    "meter": N_("per unit read from the room's meter"),  # 元/吨, 元/度 × 用量 (data.fees.meters)
}
BASIS_WORDS = {"面积": "area", "按面积": "area", "车位": "space", "按车位": "space", "户": "room",
               "按户": "room", "每户": "room", "一次性": "once", "单次": "once",
               "抄表": "meter", "按表": "meter", "按用量": "meter", "水表": "meter", "电表": "meter"}
#: How often an item is billed; quarterly and yearly items are issued in the cycle's first month.
CYCLES = {
    "monthly": N_("monthly"),
    "quarterly": N_("quarterly"),
    "yearly": N_("yearly"),
    "once": N_("once"),
}
CYCLE_WORDS = {"月": "monthly", "按月": "monthly", "每月": "monthly", "季": "quarterly", "按季": "quarterly",
               "季度": "quarterly", "年": "yearly", "按年": "yearly", "每年": "yearly", "一次": "once"}
CYCLE_MONTHS = {"monthly": 1, "quarterly": 3, "yearly": 12}

#: The vacancy-rate setting (data.settings): "100", or "70" for every community, or
#: per community "JX=70, 80" (a code or name, then the others' rate).
VACANCY_SETTING = "fee_vacancy_rate"


def _item_row(item: FeeItem, community: str) -> FeeItemRow:
    return FeeItemRow(item.id, item.community_id, community, item.name, item.basis, item.cycle, item.active)


def create_item(community_id: int, name: str, basis: str, cycle: str = "monthly",
                staff_id: int | None = None) -> FeeItemRow:
    """A new fee item of a community; refuses a name the community already uses."""
    access.require("fees.manage", staff_id)
    name = clean_text(name, "name", max_length=40)
    if not name:
        raise ValidationError("name", _("Give the fee item's name, such as 物业服务费."))
    if basis not in BASES:
        raise ValidationError("basis", _("Unknown basis “{value}”: use one of {choices}.").format(
            value=basis[:20], choices=", ".join(BASES)))
    if cycle not in CYCLES:
        raise ValidationError("cycle", _("Unknown cycle “{value}”: use one of {choices}.").format(
            value=cycle[:20], choices=", ".join(CYCLES)))
    if (basis == "once") != (cycle == "once"):
        raise ValidationError("cycle", _("A one-off item has the cycle “once”, and only it."))
    if basis == "meter" and cycle != "monthly":
        raise ValidationError("cycle", _("A metered item is read and billed monthly."))
    community = Community.get_or_none(Community.id == community_id)
    if community is None:
        raise NotFoundError(_("No such community."))
    with transaction():
        if FeeItem.get_or_none(FeeItem.community == community_id, FeeItem.name == name):
            raise ValidationError("name", _("{community} already has a fee item “{name}”.").format(
                community=community.name, name=name))
        item = FeeItem.create(community=community_id, name=name, basis=basis, cycle=cycle,
                              created_at=now())
    return _item_row(item, community.name)


def list_items(community_id: int | None = None, staff_id: int | None = None) -> list[FeeItemRow]:
    """The fee items, of one community or all, by community and name."""
    access.require("fees.view", staff_id)
    query = (FeeItem.select(FeeItem, Community.name.alias("cname")).join(Community)
             .order_by(Community.name, FeeItem.id))
    if community_id is not None:
        query = query.where(FeeItem.community == community_id)
    return [_item_row(i, i.cname) for i in query.objects()]


def find_item(community_id: int, name_or_id: str | int) -> FeeItem:
    """A community's fee item by its id or name."""
    text = str(name_or_id).strip()
    query = FeeItem.select().where(FeeItem.community == community_id)
    item = (query.where(FeeItem.id == int(text)).first() if text.isdigit()
            else query.where(FeeItem.name == text).first())
    if item is None:
        names = "、".join(i.name for i in query.order_by(FeeItem.id).limit(20))
        raise NotFoundError(_("No fee item “{name}” in this community. Known: {names}").format(
            name=text[:40], names=names or "—"))
    return item


def add_standard(item_id: int, price: str, starts_on: dt.date, room_type: str = "",
                 staff_id: int | None = None) -> StandardRow:
    """A new standard of an item (price in yuan: per m² per month, per space or room per
    month, or the one-off amount) from `starts_on` on, for one room type or all ("").
    Bills already issued keep their standard; a standard may not start before one that
    already exists for the same room type (that would rewrite the past)."""
    access.require("fees.manage", staff_id)
    item = FeeItem.get_or_none(FeeItem.id == item_id)
    if item is None:
        raise NotFoundError(_("No such fee item."))
    if room_type and room_type not in ROOM_TYPES:
        raise ValidationError("room_type", _("Unknown room type “{value}”: use one of {choices}.").format(
            value=room_type[:20], choices=", ".join(ROOM_TYPES)))
    fen = fen_of(price, "price")
    if fen <= 0:
        raise ValidationError("price", _("A standard's price must be above zero."))
    with transaction():
        latest = (FeeStandard.select(FeeStandard.starts_on)
                  .where(FeeStandard.item == item_id, FeeStandard.room_type == room_type)
                  .order_by(FeeStandard.starts_on.desc()).first())
        if latest is not None and starts_on <= latest.starts_on:
            raise ValidationError("starts_on", _(
                "A new standard must start after the current one ({day}): standards are "
                "never changed retroactively.").format(day=latest.starts_on))
        row = FeeStandard.create(item=item_id, room_type=room_type, unit_price_fen=fen,
                                 starts_on=starts_on, created_by=staff_id, created_at=now())
    return StandardRow(row.id, item.id, item.name, room_type, fen, starts_on)


def list_standards(community_id: int | None = None, staff_id: int | None = None) -> list[StandardRow]:
    """Every standard (收费标准公示), by item, room type and start date."""
    access.require("fees.view", staff_id)
    query = (FeeStandard.select(FeeStandard, FeeItem.name.alias("item_name")).join(FeeItem)
             .order_by(FeeItem.community, FeeItem.id, FeeStandard.room_type, FeeStandard.starts_on))
    if community_id is not None:
        query = query.where(FeeItem.community == community_id)
    return [StandardRow(s.id, s.item_id, s.item_name, s.room_type, s.unit_price_fen, s.starts_on)
            for s in query.objects()]


def standards_of(item_ids: list[int]) -> dict[int, list[tuple[str, dt.date, int, int]]]:
    """item id → its standards as (room type, start, price fen, id), latest first."""
    out: dict[int, list[tuple[str, dt.date, int, int]]] = {i: [] for i in item_ids}
    if not item_ids:
        return out
    for s in (FeeStandard.select().where(FeeStandard.item.in_(item_ids))
              .order_by(FeeStandard.starts_on.desc())):
        out[s.item_id].append((s.room_type, s.starts_on, s.unit_price_fen, s.id))
    return out


def standard_on(standards: list[tuple[str, dt.date, int, int]], room_type: str,
                day: dt.date) -> tuple[int, int] | None:
    """(price fen, standard id) in force on `day` for `room_type`: the room type's own
    standard before the one for every type."""
    for wanted in (room_type, ""):
        for kind, start, price, sid in standards:
            if kind == wanted and start <= day:
                return price, sid
    return None


def vacancy_rate(community_id: int) -> int:
    """The percentage an empty owned room pays (100 unless the setting says otherwise)."""
    row = Setting.get_or_none(Setting.key == VACANCY_SETTING)
    if row is None or not row.value.strip():
        return 100
    community = Community.get_or_none(Community.id == community_id)
    default = 100
    for part in row.value.replace("，", ",").split(","):
        part = part.strip()
        if "=" in part:
            who, _sep, pct = part.partition("=")
            if community is not None and who.strip() in (community.code, community.name):
                return int(pct)
        elif part:
            default = int(part)
    return default


def check_vacancy_setting(value: str) -> str:
    """The setting's value checked: percentages 0-100, "CODE=pct" parts comma-separated."""
    for part in value.replace("，", ",").split(","):
        pct = part.partition("=")[2] if "=" in part else part
        pct = pct.strip()
        if not part.strip():
            continue
        if not pct.isdigit() or not 0 <= int(pct) <= 100:
            raise ValidationError(VACANCY_SETTING, _(
                "Give a percentage from 0 to 100 (such as 70), or per community "
                "CODE=70 separated by commas."))
    return value


def builtin_item(community_id: int, name: str) -> FeeItem:
    """A community's one-off item the app bills itself (有偿维修, 滞纳金), created on first use."""
    item = FeeItem.get_or_none(FeeItem.community == community_id, FeeItem.name == name)
    if item is None:
        item = FeeItem.create(community=community_id, name=name, basis="once", cycle="once", created_at=now())
    return item
