"""What the columns of a roster mean: the header names companies use, and mapping them."""

from __future__ import annotations

import re

from data.errors import FrontDeskError
from data.i18n import _
from data.limits import quote
from data.roster.reading import header_key
from data.validators import fold_width

#: What each column means, by the header written in the file (after `header_key`):
#: the words companies' rosters use, and English ones.
HEADER_FIELDS: dict[str, str] = {
    "小区": "community", "小区名称": "community", "项目": "community", "项目名称": "community",
    "community": "community",
    "房号": "room", "房屋": "room", "房间号": "room", "房间": "room", "室": "room", "房屋编号": "room",
    "房屋号": "room", "门牌号": "room", "room": "room", "roomno.": "room", "roomno": "room",
    "楼号": "building", "楼栋": "building", "楼栋号": "building", "栋": "building", "幢": "building",
    "栋号": "building", "楼宇": "building", "building": "building",
    "单元": "entrance", "单元号": "entrance", "unit": "entrance", "entrance": "entrance",
    "姓名": "name", "业主名称": "name", "业主姓名": "name", "业主": "name", "客户名称": "name",
    "客户姓名": "name", "住户姓名": "name", "name": "name", "ownername": "name",
    "身份": "role", "类型": "role", "关系": "role", "业主类型": "role", "人员类型": "role",
    "与业主关系": "role", "role": "role",
    "手机": "phones", "手机号": "phones", "手机号码": "phones", "电话": "phones", "联系电话": "phones",
    "联系方式": "phones", "电话号码": "phones", "phone": "phones", "mobile": "phones",
    "phonenumber": "phones", "tel": "phones",
    "证件号码": "id_number", "证件号": "id_number", "身份证号": "id_number", "身份证": "id_number",
    "身份证号码": "id_number", "idnumber": "id_number", "idno.": "id_number",
    "车牌": "plates", "车牌号": "plates", "车牌号码": "plates", "plate": "plates", "plates": "plates",
    "标签": "tags", "tags": "tags",
    "备注": "note", "note": "note", "notes": "note",
    "性别": "gender", "gender": "gender", "sex": "gender",
    "面积": "area", "建筑面积": "area", "房屋面积": "area", "area": "area",
    "入住日期": "move_in", "入住时间": "move_in", "move-indate": "move_in", "moveindate": "move_in",
    "交房日期": "delivery_date", "交付日期": "delivery_date", "交房时间": "delivery_date",
    "deliverydate": "delivery_date",
}

#: The header each field is documented under (used in messages about missing columns).
FIELD_HEADERS: dict[str, str] = {
    "community": "小区",
    "room": "房号",
    "name": "姓名",
    "role": "身份",
    "phones": "手机",
    "id_number": "证件号码",
    "plates": "车牌",
    "tags": "标签",
    "note": "备注",
    "building": "楼号",
    "entrance": "单元",
    "gender": "性别",
    "area": "面积",
    "move_in": "入住日期",
    "delivery_date": "交房日期",
}

#: The words of the 身份 column (a blank cell means 业主), plus the stored codes.
ROLE_WORDS: dict[str, str] = {
    "业主": "owner",
    "产权人": "owner",
    "共有人": "co_owner",
    "共有产权人": "co_owner",
    "租户": "tenant",
    "承租人": "tenant",
    "家属": "family",
    "家庭成员": "family",
    "owner": "owner",
    "co_owner": "co_owner",
    "co-owner": "co_owner",
    "tenant": "tenant",
    "family": "family",
    "family member": "family",
}

_LIST_SEPARATORS = re.compile(r"[/;；、,，]")
_TAG_SEPARATORS = re.compile(r"[、,，;；]")
_DATE_TEXT = re.compile(r"\d{4}-\d{2}-\d{2}(?: 00:00:00)?")

#: Gender words (stored "M", "F").
GENDER_WORDS: dict[str, str] = {"男": "M", "女": "F", "m": "M", "f": "F", "male": "M", "female": "F",
                                "先生": "M", "女士": "F"}

#: A legend of role codes in a header, title or note: "1=业主 2:租户", "1-业主、2-家属", "A业主".
_LEGEND = re.compile(r"(?<![0-9A-Za-z])([0-9A-Za-z]{1,2})\s*[=:：.．、\-—]?\s*("
                     + "|".join(sorted((w for w in ROLE_WORDS if not w.isascii()), key=len, reverse=True))
                     + ")")


def known_header(key: str) -> bool:
    """Whether a header (after `header_key`) names a roster column."""
    return key in HEADER_FIELDS


def role_legend(texts: list[str]) -> dict[str, str]:
    """Role codes a legend defines ("身份（1业主 2共有人 3租户 4家属）" → {"1": "owner", …}),
    found in the texts given (the 身份 header, the title rows, notes beside the table)."""
    legend: dict[str, str] = {}
    for text in texts:
        folded = fold_width(text)
        found = {m[1].lower(): ROLE_WORDS[m[2]] for m in _LEGEND.finditer(folded)}
        if len(found) >= 2:  # one pair is not a legend ("3号楼业主")
            for code, role in found.items():
                legend.setdefault(code, role)
    return legend


def map_columns(header: list[str], *, need_community: bool,
                fields: dict[str, str] | None = None, names: dict[str, str] | None = None,
                required: tuple[str, ...] = ("room", "name")) -> dict[str, int]:
    """Which column holds which field; raises when a required one is missing. `fields` maps
    header words to fields and `names` fields to the header a message names (the roster's by
    default; the room list gives its own)."""
    fields = HEADER_FIELDS if fields is None else fields
    names = FIELD_HEADERS if names is None else names
    columns: dict[str, int] = {}
    for i, raw in enumerate(header):
        name = fields.get(header_key(raw))
        if name is None:
            continue
        if name in columns:
            raise FrontDeskError(
                _("The columns “{first}” and “{second}” both mean {meaning}; keep only one.").format(
                    first=quote(header[columns[name]].strip()), second=quote(raw.strip()),
                    meaning=names[name]
                )
            )
        columns[name] = i
    missing = [f for f in (["community"] if need_community else []) + list(required)
               if f not in columns]
    if missing:
        # At most a few dozen characters of what the file holds (a header cell can be huge).
        found = quote("、".join(quote(h.strip(), 20) for h in header[:10] if h.strip()),
                      60) or _("(none)")
        message = _("The first row must hold the column headers; missing: {missing}. Found: {found}.").format(
            missing="、".join(names[f] for f in missing), found=found
        )
        if "community" in missing:
            message += "\n" + _("Without a 小区 column, name the community with --community.")
        raise FrontDeskError(message)
    return columns
