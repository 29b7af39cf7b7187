"""Call scripts (话术): the defaults a database starts with, editing them, and filling their
placeholders for a live call."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from peewee import JOIN

from data import access
from data.calls.log import active_staff, check_code
from data.calls.matching import current_rooms
from data.clock import now as clock_now
from data.db import transaction
from data.errors import NotFoundError, ValidationError
from data.i18n import N_, _, language
from data.models import Person, Room, Script, WorkOrder
from data.pinyin import COMPOUND_SURNAMES
from data.validators import clean_text, show_controls
from data.vocab import CALL_CATEGORIES


@dataclass(frozen=True)
class ScriptView:
    id: int
    category: str
    title: str
    body: str


#: The scripts a new database starts with: (category, title, body).
DEFAULT_SCRIPTS: tuple[tuple[str, str, str], ...] = (
    ("repair", "报修受理",
     "{称呼}您好，物业服务中心，很高兴为您服务。请问{房号}哪里需要维修？\n"
     "……已为您登记报修，工单号{工单号}。维修师傅会尽快与您联系，预约上门时间{预约时间}，"
     "请保持电话畅通。还有其他可以帮您的吗？"),
    ("complaint", "投诉安抚",
     "{称呼}您好，非常抱歉给您带来不便，您反映的情况我已经详细记录。\n"
     "我们会尽快核实处理，并在24小时内由专人给您回电答复。感谢您的理解和监督！"),
    ("inquiry", "咨询答复",
     "{称呼}您好，物业服务中心。您咨询的问题我帮您查询一下，请稍等。\n"
     "……如果暂时无法答复，我们会在今天内给您回电。"),
    ("payment", "缴费咨询",
     "{称呼}您好，物业费可以在物业服务中心前台、微信公众号或银行代扣缴纳。\n"
     "{房号}的缴费情况我帮您查一下，请稍等。"),
    ("callback", "回访",
     "{称呼}您好，我是物业服务中心的客服。您家{房号}的报修（工单号{工单号}）已经处理完毕，"
     "想跟您确认一下维修效果是否满意？\n请您为本次服务打个分，1到5分，5分为非常满意。"
     "感谢您的支持！"),
    ("notice", "停水通知",
     "{称呼}您好，这里是物业服务中心。因供水管道检修，您所在楼栋将于{预约时间}临时停水，"
     "请提前做好储水准备。给您带来不便，敬请谅解！"),
    ("notice", "停电通知",
     "{称呼}您好，这里是物业服务中心。因电力设备检修，您所在楼栋将于{预约时间}临时停电，"
     "电梯同时暂停运行，请提前做好准备。给您带来不便，敬请谅解！"),
    ("other", "通用开场",
     "您好，物业服务中心，请问有什么可以帮您？"),
)


def ensure_default_scripts() -> int:
    """Give a database without any script the default ones (idempotent: a database that
    has scripts keeps them as its staff edited them). Returns how many were added."""
    if Script.select().exists():
        return 0
    with transaction():
        Script.insert_many([
            {"category": c, "title": t, "body": b, "updated_by": None, "updated_at": None}
            for c, t, b in DEFAULT_SCRIPTS
        ]).execute()
    return len(DEFAULT_SCRIPTS)


def scripts(category: str | None = None) -> list[ScriptView]:
    """The scripts, by category (in CALL_CATEGORIES order) and title."""
    query = Script.select()
    if category is not None:
        query = query.where(Script.category == category)
    order = {code: i for i, code in enumerate(CALL_CATEGORIES)}
    rows = sorted(query.limit(1000), key=lambda s: (order.get(s.category, 99), s.title, s.id))
    return [ScriptView(s.id, s.category, s.title, s.body) for s in rows]


def save_script(category: str, title: str, body: str, staff_id: int,
                script_id: int | None = None) -> int:
    """Add a script, or change `script_id` (supervisors and up); a title is unique within
    its category, and the text may only use the known placeholders (`PLACEHOLDERS`)."""
    active_staff(staff_id)
    access.require("scripts.manage", staff_id)
    check_code(category, CALL_CATEGORIES, "category")
    title = clean_text(title, "title", max_length=60)
    if not title:
        raise ValidationError("title", _("Give the script a title, such as 报修受理."))
    body = clean_text(body, "body", multiline=True, max_length=4000)
    if not body:
        raise ValidationError("body", _("The script is empty."))
    check_placeholders(body)
    at = clock_now()
    with transaction():
        clash = Script.select().where(Script.category == category, Script.title == title)
        if script_id is not None:
            clash = clash.where(Script.id != script_id)
        if clash.exists():
            raise ValidationError("title", _("There is a script called “{title}” in this category already.").format(
                title=title))
        if script_id is None:
            return Script.create(category=category, title=title, body=body, updated_by=staff_id,
                                 updated_at=at).id
        changed = Script.update(category=category, title=title, body=body, updated_by=staff_id,
                                updated_at=at).where(Script.id == script_id).execute()
        if not changed:
            raise NotFoundError(_("No script with id {id}.").format(id=script_id))
        return script_id


_PLACEHOLDER_RE = re.compile(r"\{\s*([^{}\s]{1,10})\s*\}")
#: Anything written in braces, for the check of an edited script.
_BRACES_RE = re.compile(r"\{([^{}]*)\}")


def check_placeholders(body: str) -> None:
    """ValidationError (field "body") naming every placeholder of `body` that
    `fill_script` does not know (a typo such as {房间号} would be read to a caller as a
    stand-in), with the ones it does know."""
    unknown: list[str] = []
    for m in _BRACES_RE.finditer(body):
        name = m[1].strip()
        if name not in PLACEHOLDERS and name not in unknown:
            unknown.append(name)
    if unknown:
        shown = "、".join("{" + show_controls(name[:12]) + "}" for name in unknown[:8])
        raise ValidationError("body", _("Unknown placeholder(s) {names}: use {known}.").format(
            names=shown, known="、".join("{" + p + "}" for p in PLACEHOLDERS)))


def find_script(title: str, category: str | None = None) -> ScriptView:
    """The script called `title` (in `category`, when given): NotFoundError if there is
    none, ValidationError asking for the category when several categories have one."""
    text = " ".join(str(title or "").split())
    found = [s for s in scripts(category) if s.title == text]
    if not found:
        raise NotFoundError(_("No script called “{title}”.").format(title=show_controls(text[:40])))
    if len(found) > 1:
        raise ValidationError("category", _("Several categories have a script called “{title}”: "
                                            "name the category ({categories}).").format(
            title=text, categories="、".join(s.category for s in found)))
    return found[0]


def _salutation(name: str, gender: str) -> str:
    """张先生 / 李女士 from the surname (compound ones too) and gender, else 业主."""
    name = "".join(name.split())
    if not name or gender not in ("M", "F"):
        return "业主"
    surname = name[:2] if name[:2] in COMPOUND_SURNAMES and len(name) > 2 else name[0]
    return surname + ("先生" if gender == "M" else "女士")


def _when(value: dt.datetime) -> str:
    if language() == "zh":
        return f"{value.month}月{value.day}日 {value:%H:%M}"
    return f"{value:%Y-%m-%d %H:%M}"


def fill_script(body: str, *, person_id: int | None = None, work_order_id: int | None = None,
                appointment: dt.datetime | None = None, room_id: int | None = None) -> str:
    """`body` with its placeholders filled: {姓名} the person's name, {称呼} 张先生 / 李女士
    (业主 when the gender or the person is unknown), {房号} the work order's room or the
    person's first current room, {工单号} the work order's number, {预约时间} `appointment`
    or the work order's appointment. A placeholder whose value is not available yet shows a
    neutral stand-in (`STAND_INS`: the order number "（保存后生成）" before the order is
    saved); an unknown one shows its name in brackets. With `room_id` (a 催缴 item) {房号} is
    that room and {欠费金额} {欠费月数} {最早欠费月} its arrears (data.fees.collection). No raw "{…}" placeholder is ever read
    to a caller; this never raises."""
    text = body if isinstance(body, str) else str(body)
    values: dict[str, str] = {}
    try:
        order = None
        if work_order_id is not None:
            order = (WorkOrder.select(WorkOrder.number, WorkOrder.person, WorkOrder.appointment_at,
                                      Room.code.alias("room_code"))
                     .join(Room, JOIN.LEFT_OUTER, on=(WorkOrder.room == Room.id))
                     .where(WorkOrder.id == work_order_id).objects().first())
        if order is not None:
            values["工单号"] = order.number
            if order.room_code:
                values["房号"] = order.room_code
            appointment = appointment or order.appointment_at
            if person_id is None:
                person_id = order.person_id
        if room_id is not None:
            from data.fees.arrears import arrears_values

            code = Room.select(Room.code).where(Room.id == room_id).scalar()
            if code:
                values["房号"] = code
            values.update(arrears_values(room_id))
        person = Person.get_or_none(Person.id == person_id) if person_id is not None else None
        values["称呼"] = _salutation(person.name, person.gender) if person else "业主"
        if person is not None:
            values["姓名"] = person.name
            if "房号" not in values:
                rooms = current_rooms([person.id])
                if rooms:
                    values["房号"] = rooms[0][1]
        if appointment is not None:
            values["预约时间"] = _when(appointment)
    except Exception:  # a script is shown beside a live call: never fail it
        pass
    return _PLACEHOLDER_RE.sub(lambda m: values.get(m[1]) or _stand_in(m[1]), text)


#: What a placeholder without a value reads as (an English msgid: the interface language).
STAND_INS = {
    "工单号": N_("(given once saved)"),
    "预约时间": N_("(to be agreed with the technician)"),
    "房号": N_("your home"),
    "姓名": N_("owner"),
    "称呼": N_("owner"),
    "欠费金额": N_("the amount owed"),
    "欠费月数": N_("several"),
    "最早欠费月": N_("an earlier month"),
}


#: The placeholders a script may use.
PLACEHOLDERS = tuple(STAND_INS)


def _stand_in(name: str) -> str:
    if name in STAND_INS:
        return _(STAND_INS[name])
    return f"（{name}）"
