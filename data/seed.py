"""Reference data every database needs: the work-order category tree, the default SLAs
(data.sla), tags, and the default call scripts (data.calls)."""

from __future__ import annotations

from typing import NamedTuple

from data.calls import ensure_default_scripts
from data.db import transaction
from data.models import Category, SlaPolicy, Tag
from data.sla import DEFAULT_SLA


class CategoryNode(NamedTuple):
    """One node of the category tree; children's codes are `parent.child`."""

    code: str
    name: str
    name_en: str
    kind: str
    children: tuple[CategoryNode, ...] = ()


def _leaf(code: str, name: str, name_en: str, kind: str = "repair") -> CategoryNode:
    return CategoryNode(code, name, name_en, kind)


#: The work-order category tree: top level, then 2–5 children each.
CATEGORY_TREE: tuple[CategoryNode, ...] = (
    CategoryNode("plumbing", "水电", "Plumbing & electrics", "repair", (
        _leaf("plumbing.leak", "水管漏水", "Water leak"),
        _leaf("plumbing.drain", "下水道堵塞", "Blocked drain"),
        _leaf("plumbing.power", "停电", "Power cut"),
        _leaf("plumbing.water", "停水", "Water cut"),
        _leaf("plumbing.socket", "开关插座", "Switches & sockets"),
    )),
    CategoryNode("doors", "门窗", "Doors & windows", "repair", (
        _leaf("doors.lock", "门锁故障", "Door lock"),
        _leaf("doors.entry", "门禁故障", "Door-entry system"),
        _leaf("doors.window", "窗户损坏", "Broken window"),
        _leaf("doors.seepage", "门窗渗水", "Seepage at doors or windows"),
    )),
    CategoryNode("lift", "电梯", "Lifts", "repair", (
        _leaf("lift.trapped", "困人", "Entrapment"),
        _leaf("lift.down", "停运故障", "Out of service"),
        _leaf("lift.noise", "电梯异响", "Lift noise"),
        _leaf("lift.button", "按键失灵", "Buttons"),
    )),
    CategoryNode("facility", "公共设施", "Public facilities", "repair", (
        _leaf("facility.light", "楼道照明", "Stairwell lighting"),
        _leaf("facility.roof", "屋面渗漏", "Roof leak"),
        _leaf("facility.fire", "消防设施", "Fire equipment"),
        _leaf("facility.mailbox", "信报箱", "Mailboxes"),
        _leaf("facility.fitness", "健身器材", "Fitness equipment"),
    )),
    CategoryNode("noise", "噪音", "Noise", "complaint", (
        _leaf("noise.neighbour", "邻里噪音", "Neighbours", "complaint"),
        _leaf("noise.renovation", "装修噪音", "Renovation", "complaint"),
        _leaf("noise.plant", "设备噪音", "Plant and machinery", "complaint"),
    )),
    CategoryNode("sanitation", "卫生", "Sanitation", "complaint", (
        _leaf("sanitation.rubbish", "垃圾清运", "Rubbish collection", "complaint"),
        _leaf("sanitation.cleaning", "楼道保洁", "Stairwell cleaning", "complaint"),
        _leaf("sanitation.pests", "虫鼠害", "Pests", "complaint"),
        _leaf("sanitation.pets", "宠物粪便", "Pet mess", "complaint"),
    )),
    CategoryNode("security", "安保", "Security", "complaint", (
        _leaf("security.gate", "门岗管理", "Gatehouse", "complaint"),
        _leaf("security.cctv", "监控故障", "CCTV fault"),
        _leaf("security.stranger", "陌生人员", "Strangers", "complaint"),
        _leaf("security.theft", "失窃", "Theft", "complaint"),
    )),
    CategoryNode("parking", "停车", "Parking", "complaint", (
        _leaf("parking.space", "车位占用", "Space taken", "complaint"),
        _leaf("parking.barrier", "道闸故障", "Barrier fault"),
        _leaf("parking.charger", "充电桩", "EV charger"),
    )),
    CategoryNode("greenery", "绿化", "Greenery", "repair", (
        _leaf("greenery.pruning", "树木修剪", "Tree pruning"),
        _leaf("greenery.lawn", "草坪养护", "Lawn care"),
        _leaf("greenery.damage", "绿化破坏", "Damage to planting", "complaint"),
    )),
    CategoryNode("other", "其他", "Other", "inquiry", (
        _leaf("other.fees", "物业费咨询", "Service fees", "inquiry"),
        _leaf("other.permit", "装修申请", "Renovation permit", "inquiry"),
        _leaf("other.suggestion", "意见建议", "Suggestions", "suggestion"),
        _leaf("other.misc", "其他事项", "Miscellaneous", "inquiry"),
    )),
)

#: Tags for people, with a colour hint for the interface.
DEFAULT_TAGS: tuple[tuple[str, str], ...] = (
    ("业委会委员", "blue"),
    ("独居老人", "red"),
    ("残障人士", "red"),
    ("VIP", "yellow"),
    ("欠费", "magenta"),
    ("租户代表", "cyan"),
    ("新业主", "green"),
    ("孕妇/婴幼儿家庭", "magenta"),
)


def iter_categories() -> list[tuple[CategoryNode, CategoryNode | None, int]]:
    """Every node of CATEGORY_TREE as (node, parent, sort_order), parents first."""
    out: list[tuple[CategoryNode, CategoryNode | None, int]] = []
    for i, top in enumerate(CATEGORY_TREE):
        out.append((top, None, (i + 1) * 10))
        for j, child in enumerate(top.children):
            out.append((child, top, j + 1))
    return out


def ensure_reference_data() -> None:
    """Insert whatever is missing of the category tree, default SLAs and tags (idempotent)."""
    with transaction():
        ids: dict[str, int] = {c.code: c.id for c in Category.select(Category.id, Category.code)}
        for node, parent, order in iter_categories():
            if node.code in ids:
                continue
            ids[node.code] = Category.insert(
                parent=ids[parent.code] if parent else None,
                code=node.code,
                name=node.name,
                name_en=node.name_en,
                kind=node.kind,
                sort_order=order,
            ).execute()

        have = {
            (p.kind, p.priority)
            for p in SlaPolicy.select(SlaPolicy.kind, SlaPolicy.priority).where(
                SlaPolicy.category.is_null()
            )
        }
        for (kind, priority), target in DEFAULT_SLA.items():
            if (kind, priority) not in have:
                SlaPolicy.insert(
                    category=None,
                    kind=kind,
                    priority=priority,
                    response_minutes=target.response_minutes,
                    resolution_minutes=target.resolution_minutes,
                ).execute()

        tags = {t.name for t in Tag.select(Tag.name)}
        for name, color in DEFAULT_TAGS:
            if name not in tags:
                Tag.insert(name=name, color=color).execute()

        ensure_default_scripts()
