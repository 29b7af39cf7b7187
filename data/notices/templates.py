"""The notice templates (停水通知 … 温馨提示) and the filling of their placeholders ({小区},
{楼栋}, {开始时间} …): a placeholder the app does not know is refused, never printed."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from data.errors import ValidationError
from data.i18n import _

#: Every placeholder a notice may hold, with what it stands for (shown to the clerk).
PLACEHOLDERS = {
    "小区": "小区名称（按对象自动填写）",
    "楼栋": "楼栋或单元（按对象自动填写）",
    "开始时间": "开始时间，如 12月8日 9:00",
    "结束时间": "结束时间，如 12月8日 17:00",
    "原因": "原因，如 市政管网维修",
    "联系电话": "物业服务中心电话（自动填写）",
    "地点": "地点，如 小区中心广场",
    "活动": "活动名称，如 邻里运动会",
    "名额": "名额，如 60",
    "截止日期": "截止日期，如 12月31日",
    "内容": "正文内容",
    "日期": "发布日期（自动填写）",
}

_PLACEHOLDER = re.compile(r"\{([^{}\n]{0,20})\}")


@dataclass(frozen=True)
class Template:
    """A notice template: its code, its name (停水通知), title and body with placeholders."""

    code: str
    name: str
    title: str
    body: str

    @property
    def placeholders(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(_PLACEHOLDER.findall(self.title + self.body)))


#: The templates by code. The text is Chinese whatever the interface language: it is
#: what the owners read on the lobby board and their phones.
TEMPLATES: dict[str, Template] = {t.code: t for t in (
    Template("water", "停水通知", "关于{楼栋}临时停水的通知",
             "尊敬的{小区}业主、住户：\n因{原因}，{楼栋}将于{开始时间}至{结束时间}暂停供水。"
             "请提前做好储水准备；停水期间请关闭家中水龙头，以免恢复供水时跑水。"
             "给您带来的不便，敬请谅解！\n咨询电话：{联系电话}"),
    Template("power", "停电通知", "关于{楼栋}临时停电的通知",
             "尊敬的{小区}业主、住户：\n因{原因}，{楼栋}将于{开始时间}至{结束时间}暂停供电，"
             "电梯、门禁和二次供水同时停用。请提前做好准备，关闭家中电器电源，"
             "行动不便的住户请提前安排出行。给您带来的不便，敬请谅解！\n咨询电话：{联系电话}"),
    Template("lift", "电梯维保", "{楼栋}电梯维护保养通知",
             "尊敬的{小区}业主、住户：\n为保障电梯安全运行，{楼栋}电梯将于{开始时间}至{结束时间}"
             "进行维护保养，期间电梯暂停使用，请走楼梯并注意安全。如需帮助请联系物业服务中心。"
             "\n咨询电话：{联系电话}"),
    Template("disinfect", "消杀", "{小区}公共区域消杀通知",
             "尊敬的{小区}业主、住户：\n为营造卫生的居住环境，物业将于{开始时间}至{结束时间}"
             "对{楼栋}公共区域、绿化带和地下室进行灭鼠、灭蟑、灭蚊消杀。"
             "消杀期间请关好门窗，看管好儿童和宠物，不要触碰药饵。\n咨询电话：{联系电话}"),
    Template("fees", "缴费提醒", "{小区}物业服务费缴费提醒",
             "尊敬的{小区}业主：\n本年度物业服务费已开始收取，请于{截止日期}前到物业服务中心前台缴纳，"
             "或通过微信、支付宝、银行转账缴纳。已缴纳的业主请忽略本通知，感谢您的支持！"
             "\n咨询电话：{联系电话}"),
    Template("activity", "活动通知", "{小区}{活动}报名通知",
             "尊敬的{小区}业主、住户：\n{小区}将于{开始时间}在{地点}举办{活动}，名额{名额}人，"
             "额满即止。欢迎到物业服务中心前台或致电报名，以户为单位登记。\n咨询电话：{联系电话}"),
    Template("tip", "温馨提示", "温馨提示",
             "尊敬的{小区}业主、住户：\n{内容}\n咨询电话：{联系电话}"),
)}


def find_template(text: str) -> Template:
    """The template named by its code (water) or its name (停水通知, 停水); ValidationError."""
    value = (text or "").strip()
    for t in TEMPLATES.values():
        if value in (t.code, t.name) or (value and t.name.startswith(value)):
            return t
    raise ValidationError("template", _("No notice template “{name}”: use one of {names}.").format(
        name=value[:30], names="、".join(t.name for t in TEMPLATES.values())))


def when_text(at: dt.datetime | dt.date) -> str:
    """A date or time as a notice says it: 12月8日 9:00."""
    if isinstance(at, dt.datetime):
        return f"{at.month}月{at.day}日 {at:%H:%M}"
    return f"{at.month}月{at.day}日"


def check_placeholders(text: str, field: str) -> list[str]:
    """The placeholders `text` holds; ValidationError naming any the app does not know."""
    found = _PLACEHOLDER.findall(text)
    unknown = [name for name in dict.fromkeys(found) if name not in PLACEHOLDERS]
    if unknown:
        raise ValidationError(field, _("Unknown placeholder(s) {names}: a notice may use {known}.").format(
            names="、".join("{" + n + "}" for n in unknown),
            known=" ".join("{" + n + "}" for n in PLACEHOLDERS)))
    return list(dict.fromkeys(found))


def fill(text: str, values: dict[str, str], field: str) -> str:
    """`text` with its placeholders filled from `values`; ValidationError for an unknown
    placeholder or one without a value (a notice never goes out with a bare {开始时间})."""
    names = check_placeholders(text, field)
    missing = [n for n in names if not str(values.get(n, "")).strip()]
    if missing:
        raise ValidationError(field, _("Fill in {names} before the notice can be made.").format(
            names="、".join("{" + n + "}" for n in missing)))
    return _PLACEHOLDER.sub(lambda m: str(values[m.group(1)]).strip(), text)
