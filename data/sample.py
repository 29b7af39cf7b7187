"""The demo-database generator behind `frontdesk sample`: same seed and day ⇒ same content.

Everything is anchored on `today` at 09:00 and drawn from `random.Random` streams
derived from the seed, so two runs with the same arguments write the same rows. Rows
are built as tuples and bulk-inserted on the raw SQLite connection (no ORM per row),
with the explicit indexes dropped during the load and rebuilt afterwards: a million
households take a few minutes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import random
import sqlite3
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from data import audit, sample_contracts, sample_registers, sample_renovations, schema
from data.auth import hash_password
from data.clock import today as clock_today
from data.db import (
    SQLITE_MAGIC,
    DatabaseFileError,
    close_database,
    db,
    open_database,
    share_like,
    sidecars,
)
from data.errors import FrontDeskError
from data.i18n import _
from data.models import ALL_MODELS
from data.people import name_suffixes, search_key_values
from data.sample_accounts import accounts as fee_accounts
from data.sample_commissions import commissions
from data.sample_desk_registers import desk_registers
from data.sample_facilities import facilities
from data.sample_fees import fees
from data.sample_handover import duty_and_handovers
from data.sample_hotline import add_hotline
from data.sample_knowledge import knowledge
from data.sample_leads import add_leads
from data.sample_meetings import meetings
from data.sample_notices import notices
from data.sample_phone import phone_system
from data.sample_surveys import surveys
from data.seed import DEFAULT_TAGS, ensure_reference_data
from data.sla import DEFAULT_SLA
from data.vocab import WORK_ORDER_PREFIXES

Progress = Callable[[str], None]


@dataclass(frozen=True)
class SampleStats:
    """What `generate` wrote: rows per table and the seconds it took."""

    path: str
    counts: dict[str, int]
    seconds: float


# --- fixed vocabulary ---------------------------------------------------------------------

_COMMUNITY_NAMES = (
    "锦绣花园", "阳光水岸", "翠湖天地", "金色家园", "碧水云天", "紫荆花苑", "香樟华庭",
    "御景湾", "世纪花城", "春江明月", "兰亭雅苑", "滨江豪庭", "枫林绿洲", "星河湾",
)
_NAME_HEADS = (
    "锦绣", "阳光", "翠湖", "金色", "碧水", "紫荆", "香樟", "御景", "世纪", "春江", "兰亭",
    "滨江", "枫林", "星河", "海棠", "梧桐", "银杏", "明珠", "东方", "凤凰", "绿地", "和平",
)
_NAME_TAILS = (
    "花园", "水岸", "天地", "家园", "华庭", "雅苑", "名邸", "新村", "嘉园", "公寓", "豪庭",
    "佳苑", "丽都", "花苑",
)
_DISTRICTS = ("浦东新区", "徐汇区", "闵行区", "长宁区", "静安区", "普陀区", "杨浦区", "宝山区")
_ROADS = ("锦绣路", "张杨路", "虹梅路", "古北路", "长寿路", "控江路", "莲花路", "龙吴路",
          "武宁路", "共和新路", "浦建路", "田林路", "漕宝路", "金桥路")

#: (surname, relative frequency); polyphonic and compound surnames included on purpose.
_SURNAMES: tuple[tuple[str, float], ...] = (
    ("王", 7.1), ("李", 7.0), ("张", 6.7), ("刘", 5.4), ("陈", 4.6), ("杨", 3.1), ("黄", 2.3),
    ("赵", 2.2), ("吴", 2.0), ("周", 1.9), ("徐", 1.7), ("孙", 1.5), ("马", 1.4), ("朱", 1.3),
    ("胡", 1.3), ("郭", 1.1), ("何", 1.1), ("高", 1.0), ("林", 1.0), ("罗", 0.9), ("郑", 0.8),
    ("梁", 0.8), ("谢", 0.7), ("宋", 0.6), ("唐", 0.6), ("许", 0.6), ("韩", 0.5), ("冯", 0.5),
    ("邓", 0.5), ("曹", 0.5), ("彭", 0.5), ("曾", 0.45), ("肖", 0.45), ("田", 0.4), ("董", 0.4),
    ("袁", 0.4), ("潘", 0.4), ("于", 0.4), ("蒋", 0.4), ("蔡", 0.4), ("余", 0.4), ("杜", 0.35),
    ("叶", 0.35), ("程", 0.35), ("苏", 0.35), ("魏", 0.35), ("吕", 0.35), ("丁", 0.35),
    ("任", 0.3), ("沈", 0.3), ("姚", 0.3), ("卢", 0.3), ("姜", 0.3), ("崔", 0.3), ("钟", 0.3),
    ("谭", 0.3), ("陆", 0.3), ("汪", 0.3), ("范", 0.3), ("金", 0.3), ("石", 0.3), ("廖", 0.28),
    ("贾", 0.28), ("夏", 0.28), ("韦", 0.28), ("付", 0.28), ("方", 0.28), ("白", 0.25),
    ("邹", 0.25), ("孟", 0.25), ("熊", 0.25), ("秦", 0.25), ("邱", 0.25), ("江", 0.25),
    ("尹", 0.25), ("薛", 0.2), ("闫", 0.2), ("段", 0.2), ("雷", 0.2), ("侯", 0.2), ("龙", 0.2),
    ("史", 0.2), ("陶", 0.2), ("黎", 0.2), ("贺", 0.2), ("顾", 0.2), ("毛", 0.2), ("郝", 0.2),
    ("龚", 0.2), ("邵", 0.2), ("万", 0.2), ("钱", 0.2), ("严", 0.2), ("武", 0.2), ("戴", 0.2),
    ("莫", 0.15), ("孔", 0.15), ("向", 0.15), ("汤", 0.15), ("覃", 0.12), ("单", 0.06),
    ("解", 0.06), ("仇", 0.05), ("区", 0.04), ("查", 0.05), ("朴", 0.05), ("欧阳", 0.06),
    ("司马", 0.03), ("诸葛", 0.02), ("上官", 0.03),
)
#: Surnames read differently as surnames; every sample has owners with each of them.
POLYPHONIC_SURNAMES = ("单", "曾", "解", "仇", "区", "查", "朴", "覃")
COMPOUND_SURNAMES = ("欧阳", "司马", "诸葛", "上官")

_GIVEN_M1 = "伟强磊军洋勇杰涛明超刚平辉鹏飞波斌浩凯健俊帆旭宁龙峰亮毅"
_GIVEN_F1 = "芳娜敏静丽艳娟霞燕玲萍红琳婷雪慧颖洁倩丹莉蓉"
_GIVEN_M2A = "建志国文海晓俊子浩宇嘉家天明永春德立伟振一博思泽"
_GIVEN_M2B = "华强明军平辉伟杰涛斌峰东林成龙宇轩航然哲豪睿阳"
_GIVEN_F2A = "秀丽晓雅婷欣思佳子雨梦美淑桂海春玉静一诗"
_GIVEN_F2B = "英兰芳敏娟霞萍红燕琳婷雯怡琪涵萱颖洁倩丹"

#: Resident-ID area codes (GB/T 2260) with weights: mostly Shanghai, then the delta.
_ID_AREAS: tuple[tuple[str, float], ...] = (
    ("310101", 5), ("310104", 6), ("310105", 5), ("310106", 5), ("310107", 5), ("310109", 4),
    ("310110", 6), ("310112", 6), ("310113", 4), ("310115", 9), ("320102", 2), ("320583", 2),
    ("320506", 2), ("330102", 2), ("330106", 2), ("330203", 1), ("340104", 2), ("340202", 1),
    ("440305", 1), ("440106", 1), ("110105", 1), ("110108", 1), ("510107", 1), ("420106", 1),
    ("370202", 1), ("410105", 1), ("430104", 1), ("350203", 1), ("610113", 1), ("120101", 1),
    ("230103", 0.5), ("360102", 0.5), ("450103", 0.5), ("362201", 0.5),
)
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"

_MOBILE_PREFIXES = (
    "130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151", "152", "153",
    "155", "156", "157", "158", "159", "166", "173", "175", "176", "177", "180", "181", "182",
    "183", "185", "186", "187", "188", "189", "191", "198", "199",
)
_PLATE_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"
_PROVINCES = (("沪", 74), ("苏", 11), ("浙", 8), ("皖", 7))
_CARS = (
    "白色 大众朗逸", "黑色 别克GL8", "银色 丰田凯美瑞", "白色 本田雅阁", "黑色 奥迪A6L",
    "灰色 宝马3系", "白色 日产轩逸", "红色 大众Polo", "黑色 奔驰C级", "白色 荣威i5",
)
_EV_CARS = ("白色 特斯拉Model 3", "蓝色 比亚迪汉", "白色 理想L7", "灰色 蔚来ES6", "白色 比亚迪秦")

_NOTES = (
    "行动不便，上门服务前请先电话联系", "仅工作日晚上在家", "对装修噪音较敏感",
    "房屋出租中，维修事宜联系租户", "老人独居，紧急情况联系子女（备用号码）",
    "曾对物业费计费有异议，已当面解释", "家中养狗，上门注意", "要求维修人员穿鞋套",
    "听力不好，请发短信或当面沟通", "业委会成员，重要通知请当面送达",
)

#: The password of every sample account (temporary: changed at the first sign-in with it).
SAMPLE_PASSWORD = "frontdesk"

#: Staff accounts of every sample: (login, name, role).
STAFF: tuple[tuple[str, str, str], ...] = (
    ("admin", "周建华", "admin"),
    ("super1", "陈静", "supervisor"),
    ("manager1", "刘志刚", "manager"),
    ("desk1", "王丽", "desk"),
    ("desk2", "李婷婷", "desk"),
    ("desk3", "张敏", "desk"),
    ("desk4", "赵雪", "desk"),
    ("desk5", "孙佳怡", "desk"),
    ("tech1", "李建国", "tech"),
    ("tech2", "王海涛", "tech"),
    ("tech3", "张伟", "tech"),
    ("tech4", "陈强", "tech"),
    ("tech5", "杨勇", "tech"),
    ("tech6", "赵军", "tech"),
    ("tech7", "黄磊", "tech"),
    ("tech8", "吴刚", "tech"),
    # Unattended work (cron's escalate and remind): signs in only by an OS login an
    # administrator maps to it (frontdesk staff map-login cron cronuser), never by password.
    ("cron", "定时任务", "service"),
)
_ADMIN, _SUPER, _MANAGER = 1, 2, 3
_DESKS = (4, 5, 6, 7, 8)
_TECHS = (9, 10, 11, 12, 13, 14, 15, 16)

#: Work-order leaf categories: code → (repair/complaint/… weight, titles, can be public).
_LEAVES: dict[str, tuple[float, tuple[str, ...], bool]] = {
    "plumbing.leak": (14, ("厨房水管漏水", "卫生间水管漏水", "阳台水管滴水", "楼上渗水到天花板",
                           "热水器接口漏水", "水表前阀门漏水"), False),
    "plumbing.drain": (10, ("厨房下水道堵塞", "卫生间地漏堵塞", "马桶堵塞", "洗手池下水慢",
                            "楼道排水管返水"), False),
    "plumbing.power": (5, ("家中停电", "跳闸无法合闸", "部分房间没电", "电表箱跳闸"), False),
    "plumbing.water": (3, ("家中停水", "水压太低", "水龙头出水发黄"), False),
    "plumbing.socket": (5, ("插座没电", "开关面板损坏", "厨房插座冒火花", "灯具开关失灵"), False),
    "doors.lock": (4, ("入户门锁损坏", "门锁卡住打不开", "防盗门关不上"), False),
    "doors.entry": (4, ("单元门禁故障", "门禁卡刷不开", "可视对讲不通", "单元门关不上"), True),
    "doors.window": (3, ("窗户玻璃破裂", "窗户把手损坏", "纱窗脱落", "推拉窗卡住"), False),
    "doors.seepage": (3, ("下雨窗户渗水", "阳台门渗水", "外墙渗水"), False),
    "lift.trapped": (0.4, ("电梯困人", "电梯停在两层之间有人被困"), True),
    "lift.down": (3, ("电梯停运", "电梯门关不上", "电梯显示故障"), True),
    "lift.noise": (2, ("电梯异响", "电梯运行抖动"), True),
    "lift.button": (1.5, ("电梯按键失灵", "电梯楼层按钮不亮"), True),
    "facility.light": (8, ("楼道灯不亮", "楼道感应灯常亮", "地下车库灯不亮", "单元门口路灯不亮"), True),
    "facility.roof": (2, ("顶楼屋面渗漏", "雨后顶楼天花板滴水"), False),
    "facility.fire": (1.5, ("消防栓箱门损坏", "灭火器过期", "烟感报警器误报"), True),
    "facility.mailbox": (1, ("信报箱门损坏", "信报箱钥匙丢失"), True),
    "facility.fitness": (1, ("健身器材松动", "儿童滑梯破损", "健身区座椅损坏"), True),
    "security.cctv": (1, ("监控摄像头不工作", "监控画面模糊"), True),
    "parking.barrier": (2, ("道闸不抬杆", "车牌识别失败"), True),
    "parking.charger": (1.5, ("充电桩无法充电", "充电桩扫码失败"), True),
    "greenery.pruning": (2, ("树枝遮挡窗户", "枯枝有坠落风险", "树木需修剪"), True),
    "greenery.lawn": (1, ("草坪枯黄", "草坪杂草多"), True),
    # complaints
    "noise.neighbour": (6, ("楼上噪音扰民", "邻居深夜喧哗", "楼上小孩跑跳", "邻居家狗夜间吠叫"), False),
    "noise.renovation": (5, ("装修噪音扰民", "周末装修施工", "午休时段装修电钻"), False),
    "noise.plant": (2, ("水泵房噪音大", "空调外机噪音", "地下车库排风机噪音"), True),
    "sanitation.rubbish": (4, ("垃圾桶满溢未清运", "垃圾房异味", "装修垃圾乱堆"), True),
    "sanitation.cleaning": (3, ("楼道卫生差", "电梯轿厢脏", "楼梯扶手积灰"), True),
    "sanitation.pests": (2, ("楼道有老鼠", "蟑螂多需要消杀", "绿化带蚊虫多"), True),
    "sanitation.pets": (3, ("宠物粪便未清理", "遛狗不牵绳"), True),
    "security.gate": (2, ("门岗随意放行外来车辆", "保安脱岗", "快递员随意进出"), True),
    "security.stranger": (1, ("楼道有陌生人逗留", "小广告人员进入楼道"), True),
    "security.theft": (1, ("电动车被盗", "快递被偷", "楼道物品丢失"), True),
    "parking.space": (4, ("车位被占用", "消防通道停车", "外来车辆占位"), True),
    "greenery.damage": (1, ("绿化带被占用种菜", "草坪被车辆碾压"), True),
    # inquiries and suggestions
    "other.fees": (5, ("物业费缴费咨询", "物业费发票开具", "停车费标准咨询"), False),
    "other.permit": (3, ("装修申请办理", "装修押金退还咨询", "搬家预约电梯"), False),
    "other.misc": (3, ("门禁卡补办", "房屋出租备案咨询", "失物招领"), False),
    "other.suggestion": (1, ("建议增设快递柜", "建议增加电动车充电点", "建议加强夜间巡逻",
                             "建议增加儿童游乐设施"), False),
}
_KIND_LEAVES = {
    "repair": ("plumbing.", "doors.", "lift.", "facility.", "security.cctv", "parking.barrier",
               "parking.charger", "greenery.pruning", "greenery.lawn"),
    "complaint": ("noise.", "sanitation.", "security.gate", "security.stranger",
                  "security.theft", "parking.space", "greenery.damage"),
    "inquiry": ("other.fees", "other.permit", "other.misc"),
    "suggestion": ("other.suggestion",),
}
_KINDS = (("repair", 76), ("complaint", 12), ("inquiry", 9), ("suggestion", 3))
#: Leaves that often need an urgent response, with the share of urgent orders.
_URGENT = {"plumbing.leak": 0.2, "plumbing.power": 0.5, "plumbing.water": 0.5,
           "doors.entry": 0.4, "lift.down": 0.5, "facility.fire": 0.3, "doors.lock": 0.2}
_DETAILS = {
    "repair": ("业主来电反映，请尽快安排上门。", "已持续两天，业主要求尽快处理。",
               "业主白天上班，请下班后上门。", "业主在家，可随时上门。", "情况较急，请优先处理。"),
    "complaint": ("业主情绪较大，请尽快核实处理。", "已多次反映，要求书面答复。",
                  "请管家核实后回复业主。"),
    "inquiry": ("请核实后回电答复业主。", "业主希望尽快得到答复。"),
    "suggestion": ("业主提出，供物业参考。", "请汇总后在业主沟通会上答复。"),
}
_PUBLIC_DETAIL = "巡查发现，请尽快处理。"
_HOLD_NOTES = ("等待配件到货", "业主不在家，约定改期", "需业主确认维修费用", "等待公司审批")
_RESUME_NOTES = ("配件已到，继续处理", "已与业主约好时间", "业主已确认费用")
_START_NOTES = ("已接单，前往现场", "已到场查看", "已联系业主")
_RESOLVE_NOTES = {
    "plumbing": ("已更换水管接头，试水无渗漏", "已疏通，排水正常", "已恢复供电", "已更换开关面板"),
    "doors": ("已更换锁芯", "门禁已复位，刷卡正常", "已更换玻璃", "已重新打胶密封"),
    "lift": ("维保单位已到场处理，电梯恢复运行", "已解救被困人员，电梯检修完毕", "已调整导轨，异响消除"),
    "facility": ("已更换灯具", "已修补防水层", "已更换配件", "已加固"),
    "noise": ("已上门沟通，噪音已停止", "已提醒装修人员遵守施工时间"),
    "sanitation": ("已安排保洁清理", "已安排消杀", "已张贴文明养宠提示"),
    "security": ("已加强门岗管理", "已调取监控并报警", "已修复摄像头"),
    "parking": ("已联系车主挪车", "道闸已修复", "充电桩已重启恢复"),
    "greenery": ("已安排园林修剪", "已补种草皮"),
    "other": ("已电话答复业主", "已办理完毕", "建议已记录并转公司"),
}
_CANCEL_NOTES = ("业主自行处理", "重复报修", "业主撤销", "非物业责任范围")
_RATING_COMMENTS = {
    5: ("非常满意", "师傅很专业，速度快", "满意", "处理及时，态度好"),
    4: ("比较满意", "基本满意，希望再快一点"),
    3: ("一般", "等了比较久"),
    2: ("不太满意，拖了好几天", "问题没有彻底解决"),
    1: ("很不满意，多次报修才处理", "维修人员态度差"),
}
_CREATE_NOTES = {"phone": "电话报修", "visit": "前台来访", "wechat": "微信报修", "patrol": "巡查发现"}
_MATERIALS = {
    "plumbing": (("PPR水管及接头", 35), ("角阀", 28), ("水龙头", 86), ("空气开关", 45),
                 ("插座面板", 18)),
    "doors": (("锁芯", 120), ("闭门器", 160), ("窗户把手", 25), ("密封胶", 30)),
    "lift": (("按钮组件", 260),),
    "facility": (("LED灯泡", 15), ("防水卷材", 80), ("螺栓配件", 10)),
    "security": (("摄像头", 320),),
    "parking": (("道闸遥控器", 60),),
    "greenery": (("草皮", 12),),
}

_CALL_SUMMARIES = {
    "inquiry": ("咨询物业费缴纳方式", "咨询停车月卡办理", "询问小区停水时间", "咨询装修审批流程",
                "咨询快递柜位置", "询问门禁卡补办", "咨询垃圾分类投放时间"),
    "payment": ("物业费缴纳确认", "询问物业费发票", "催缴物业费，已告知缴费方式", "停车费续费",
                "水电费代缴查询"),
    "complaint": ("反映楼上噪音，已记录并告知管家", "投诉遛狗不牵绳", "投诉楼道堆物",
                  "反映保安服务态度"),
    "repair": ("询问维修进度", "家中跳闸，电话指导后恢复", "水龙头滴水，已指导关闭阀门",
               "咨询维修收费标准"),
    "notice": ("通知停水检修安排", "通知电梯维保时间", "通知消防演练", "提醒缴纳物业费",
               "通知业主大会召开时间"),
    "callback": ("回访维修满意度", "回访投诉处理结果", "回电答复咨询事项"),
    "other": ("打错电话", "快递员询问门牌号", "询问社区活动报名", "寻找失物", "咨询房屋出租事宜"),
}
_CALL_CATS_IN = (("inquiry", 30), ("payment", 18), ("complaint", 8), ("repair", 14), ("other", 12))
_CALL_CATS_OUT = (("notice", 10), ("callback", 6), ("payment", 4))

#: Status mix by age of the work order (hours): later buckets are older.
_STATUS_MIX: tuple[tuple[float, tuple[tuple[str, float], ...]], ...] = (
    (24, (("new", 25), ("assigned", 25), ("in_progress", 25), ("on_hold", 5),
          ("resolved", 17), ("cancelled", 3))),
    (72, (("new", 3), ("assigned", 7), ("in_progress", 15), ("on_hold", 8), ("resolved", 50),
          ("visited", 12), ("cancelled", 5))),
    (336, (("new", 0.5), ("assigned", 1), ("in_progress", 3), ("on_hold", 3), ("resolved", 30),
           ("visited", 40), ("closed", 18), ("cancelled", 4.5))),
    # A stuck order or two months old, not a dozen: the desk would have chased them.
    (1e9, (("on_hold", 0.5), ("in_progress", 0.1), ("resolved", 3), ("visited", 12),
           ("closed", 80), ("cancelled", 4))),
)

_DAY = 86_400
_DIGITS_ONLY = str.maketrans("", "", "- :")
_ANCHOR_S = 9 * 3600  # the anchor is today at 09:00
_PAST_DAYS = 1100  # oldest timestamp the generator writes (person records imported at go-live)
_FUTURE_DAYS = 400
_GO_LIVE_DAYS = 1000
_BATCH = 20_000


# --- helpers ---------------------------------------------------------------------------------


def _rng(seed: int, stream: str) -> random.Random:
    """An independent, reproducible stream per part, so editing one part leaves the others."""
    return random.Random(f"{seed}/{stream}")


def _table(weights: Sequence[tuple[object, float]], size: int = 4096) -> list:
    """A lookup table of about `size` slots for weighted picks with one random() each."""
    total = sum(w for _, w in weights)
    out: list = []
    for value, w in weights:
        out.extend([value] * max(1, round(w / total * size)))
    return out


def _id_check(first17: str) -> str:
    """The ISO 7064 MOD 11-2 check character of a resident ID number (GB 11643)."""
    return _ID_CHECK[sum(int(d) * w for d, w in zip(first17, _ID_WEIGHTS, strict=True)) % 11]


def _digit_sum(digits: str, weights: Sequence[int]) -> int:
    return sum(int(d) * w for d, w in zip(digits, weights, strict=True))


class _Times:
    """Timestamps as seconds relative to the anchor (today 09:00), formatted fast."""

    def __init__(self, today: dt.date) -> None:
        first = today - dt.timedelta(days=_PAST_DAYS)
        self.days = [
            (first + dt.timedelta(days=i)).isoformat() + " "
            for i in range(_PAST_DAYS + _FUTURE_DAYS)
        ]
        self.tod = [f"{s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}" for s in range(_DAY)]
        self.base = first.toordinal()
        self.dates = [dt.date.fromordinal(self.base + i).isoformat()
                      for i in range(_PAST_DAYS + _FUTURE_DAYS)]
        self.today = today
        #: ISO dates from 1920-01-01 on, for birth dates and occupancy dates.
        self.old_base = dt.date(1920, 1, 1).toordinal()
        self.old_dates = [dt.date.fromordinal(o).isoformat()
                          for o in range(self.old_base, first.toordinal() + _PAST_DAYS + _FUTURE_DAYS)]

    def fmt(self, t: int) -> str:
        d, s = divmod(t + _ANCHOR_S + _PAST_DAYS * _DAY, _DAY)
        return self.days[d] + self.tod[s]

    def at(self, day: int, hh: int, mm: int = 0) -> int:
        """Seconds relative to the anchor of `day` days from today at hh:mm."""
        return day * _DAY + hh * 3600 + mm * 60 - _ANCHOR_S

    def date(self, t: int) -> str:
        """The calendar date (YYYY-MM-DD) of relative time `t`."""
        return self.dates[(t + _ANCHOR_S) // _DAY + _PAST_DAYS]

    def yyyymmdd(self, t: int) -> str:
        return self.date(t).replace("-", "")


def _escalation_steps(status: str, created: int, response_due: int, resolution_due: int,
                      responded: int | None) -> list[tuple[int, int]]:
    """(level, time reached) of each escalation level a running order has reached by the
    anchor (time 0), by the rule of data.escalation.due_level."""
    if status not in ("new", "assigned", "in_progress"):
        return []
    if resolution_due < 0:
        steps = [(1, resolution_due)]
        if status in ("new", "assigned") and responded is None and response_due < resolution_due:
            steps = [(1, response_due)]
        second = resolution_due + (resolution_due - created) // 2
        if second < 0:
            steps.append((2, second))
        return steps
    if status in ("new", "assigned") and responded is None and response_due < 0:
        return [(1, response_due)]
    return []


class _Writer:
    """Buffers rows of one table and inserts them with executemany in batches."""

    def __init__(
        self,
        conn: sqlite3.Connection,
        table: str,
        columns: str,
        progress: Progress | None = None,
        label: str = "",
    ) -> None:
        cols = [c.strip() for c in columns.split(",")]
        self.sql = 'INSERT INTO "{}" ({}) VALUES ({})'.format(
            table, ", ".join(f'"{c}"' for c in cols), ", ".join("?" * len(cols))
        )
        self.conn = conn
        self.rows: list[tuple] = []
        self.count = 0
        self.progress = progress
        self.label = label or table
        self.total = 0
        self._next_report = 100_000

    def add(self, row: tuple) -> None:
        self.rows.append(row)
        if len(self.rows) >= _BATCH:
            self.flush()

    def flush(self) -> None:
        if self.rows:
            self.conn.executemany(self.sql, self.rows)
            self.count += len(self.rows)
            self.rows = []
        if self.progress and self.count >= self._next_report:
            self._next_report = self.count + 100_000
            total = f"/{self.total}" if self.total else ""
            self.progress(f"{self.label} {self.count}{total}")


# --- the generator ---------------------------------------------------------------------------


def generate(
    out: str,
    owners: int = 2000,
    seed: int = 1,
    today: dt.date | None = None,
    *,
    force: bool = False,
    progress: Progress | None = None,
) -> SampleStats:
    """Write a new demo database at `out` with about `owners` households.

    Refuses to overwrite an existing file unless `force`, and even then refuses a file
    that a session has open or that is not a demo database (the `demo_database` setting
    marks demo data): a company database, notes, another program's file. The database is built in
    ``out + ".partial"`` and moved into place at the end, so a failed run leaves any
    previous file untouched and no stray files. The shared handle is closed when this returns.
    """
    started = time.perf_counter()
    if owners < 1:
        raise ValueError("owners must be at least 1")
    target = Path(out).expanduser()
    if target.is_dir():
        raise DatabaseFileError(_(
            "{path} is a folder, not a database file: give the path of the database file."
        ).format(path=target))
    if target.exists() and not force:
        raise SampleError(_("{path} already exists; pass --force to replace it.").format(path=target))
    if not target.parent.is_dir():
        raise DatabaseFileError(_(
            "The folder {folder} does not exist: create it first (migrate makes the "
            "database file, not its folders)."
        ).format(folder=target.parent))
    if target.exists():
        _check_replaceable(target)  # refuse before minutes of work, and again at the end
    today = today or clock_today()
    partial = target.with_name(target.name + ".partial")
    for path in _sidecars(partial):
        path.unlink(missing_ok=True)

    say = progress or (lambda _msg: None)
    try:
        counts = _build(partial, owners, seed, today, say)
        if target.exists():
            _check_replaceable(target)  # releasing the check's lock folded the -wal in
            fd = os.open(partial, os.O_RDONLY)
            try:
                share_like(fd, target)  # a shared folder's group and mode stay as they were
            finally:
                os.close(fd)
        for path in sidecars(target):  # leftovers of a crashed process: never meet the new file
            path.unlink(missing_ok=True)
        os.replace(partial, target)
    finally:
        for path in _sidecars(partial):
            path.unlink(missing_ok=True)
    say("done")
    return SampleStats(str(target), counts, time.perf_counter() - started)


class SampleError(FrontDeskError):
    """A demo database cannot be written where asked."""


#: The `setting` row that marks a demo database (only one may be replaced by `--force`;
#: FRONTDESK_NOW pins the clock only on such a database or a test one: data.schema).
DEMO_MARK = schema.DEMO_MARK
#: The `setting` row holding the day (YYYY-MM-DD) a demo database's dates are made for.
DEMO_ANCHOR = "demo_anchor"


def _check_replaceable(target: Path) -> None:
    """Refuse to replace `target` unless no session has it open and it is a demo database
    (a FrontDesk database with the DEMO_MARK setting): never a FrontDesk database holding
    real data, nor any other file (notes, another program's SQLite file, an empty file)."""
    from data.backup import BackupError, exclusive_access

    try:
        with open(target, "rb") as handle:
            head = handle.read(len(SQLITE_MAGIC))
    except OSError:
        head = b""
    tables: set[str] = set()
    marked = False
    if head == SQLITE_MAGIC:  # notes or an empty file are never opened: SQLite would write
        try:
            with exclusive_access(target) as conn:
                if conn is not None:
                    tables = {name for (name,) in conn.execute(
                        "SELECT name FROM sqlite_master WHERE type = 'table'")}
                    marked = "setting" in tables and bool(conn.execute(
                        "SELECT 1 FROM setting WHERE key = ? AND value = '1'",
                        (DEMO_MARK,)).fetchone())
        except BackupError as exc:
            raise SampleError(_(
                "{path} is open in a FrontDesk session or another program: close every "
                "session on it first. Nothing was changed."
            ).format(path=target)) from exc
    if not tables & {schema.HISTORY_TABLE, "work_order", "staff"}:
        raise SampleError(_(
            "{path} is not a FrontDesk demo database; --force replaces only demo "
            "databases. Nothing was changed: write the demo elsewhere."
        ).format(path=target))
    if not marked:
        raise SampleError(_(
            "{path} holds a FrontDesk database that is not demo data; --force replaces only "
            "demo databases. Nothing was changed: write the demo elsewhere."
        ).format(path=target))


def _build(partial: Path, owners: int, seed: int, today: dt.date,
           say: Progress) -> dict[str, int]:
    """Build the demo database in the new file `partial`; the row count of every table."""
    with audit.suspended():  # demo data: no audit rows (and no wall-clock stamps)
        open_database(str(partial), create=True)
        try:
            schema.migrate()
            times = _Times(today)
            anchor = times.fmt(0)
            # The runner stamps its history with the wall clock; pin it for reproducibility.
            db.execute_sql("UPDATE schema_migration SET applied = ?", (anchor,))
            ensure_reference_data()
            conn: sqlite3.Connection = db.connection()
            _Builder(conn, owners, seed, times, say).run()
            counts = {
                m._meta.table_name: conn.execute(f'SELECT count(*) FROM "{m._meta.table_name}"').fetchone()[0]
                for m in ALL_MODELS
            }
        finally:
            close_database()
    return counts


def _sidecars(path: Path) -> list[Path]:
    return [path, *sidecars(path)]


def dump(path: str) -> str:
    """A deterministic SQL text dump of the database at `path` (for comparing samples)."""
    conn = sqlite3.connect(f"file:{Path(path).expanduser()}?mode=ro", uri=True)
    try:
        lines = []
        for line in conn.iterdump():
            if line.startswith('INSERT INTO "schema_migration"'):
                # The applied stamp is pinned by generate(); normalise it for other files too.
                line = line.rsplit(",", 1)[0] + ",'-');"
            lines.append(line)
        return "\n".join(lines) + "\n"
    finally:
        conn.close()


class _Builder:
    """One generation run: holds the random streams, the id counters and the lookups."""

    def __init__(
        self, conn: sqlite3.Connection, owners: int, seed: int, times: _Times, say: Progress
    ) -> None:
        self.conn = conn
        self.owners = owners
        self.seed = seed
        self.t = times
        self.say = say
        self.anchor = times.fmt(0)
        self.categories = {
            code: (cid, kind)
            for cid, code, kind in conn.execute("SELECT id, code, kind FROM category")
        }
        self.tags = {name: tid for tid, name in conn.execute("SELECT id, name FROM tag")}
        missing = [code for code in _LEAVES if code not in self.categories]
        if missing:
            raise RuntimeError(f"categories missing from the reference data: {missing}")

    # -- orchestration --

    def run(self) -> None:
        conn = self.conn
        conn.execute("PRAGMA foreign_keys = OFF")
        conn.execute("PRAGMA journal_mode = OFF")
        conn.execute("PRAGMA synchronous = OFF")
        conn.execute("PRAGMA cache_size = -400000")
        conn.execute("PRAGMA threads = 2")
        indexes = conn.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
            "AND tbl_name NOT IN ('schema_migration', 'category', 'sla_policy', 'tag') "
            "ORDER BY rowid"
        ).fetchall()
        for name, _sql in indexes:
            conn.execute(f'DROP INDEX "{name}"')
        conn.execute("BEGIN")
        self.places()
        self.staff()
        self.people()
        self.property_facts()
        self.work_orders()
        self.calls()
        self.calendar()
        self.notifications()
        sample_renovations.renovations(self)
        duty_and_handovers(self)  # the duty roster and shift handovers (data.sample_handover)
        sample_registers.registers(self)
        desk_registers(self)
        add_hotline(self)
        phone_system(self)
        add_leads(self)  # data/sample_leads.py (issue 17)
        sample_contracts.contracts(self)  # proposals, quotes and contracts (data.sample_contracts)
        knowledge(self)  # the knowledge base (data.sample_knowledge)
        notices(self)  # notices and an activity (data.sample_notices)
        fees(self)  # a year of bills and payments, some arrears (data.sample_fees)
        fee_accounts(self)  # a year of expenditure and shared income (data.sample_accounts)
        commissions(self)  # commission rules and last month approved (data.sample_commissions)
        meetings(self)  # an owners' meeting with ballots, the committee (data.sample_meetings)
        surveys(self)  # last quarter's satisfaction survey and this quarter's (data.sample_surveys)
        facilities(self)  # the facilities register and two inspection routes (data.sample_facilities)
        self.told_callbacks()
        self.settings()
        conn.execute("COMMIT")
        self.say("indexes")
        for _name, sql in indexes:
            conn.execute(sql)
        self.say("analyze")
        conn.execute("ANALYZE")
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")
        conn.execute("PRAGMA foreign_keys = ON")

    def property_facts(self) -> None:
        """Room facts, parking spaces and contact people (issue 14), derived from what was
        generated (so the same seed gives the same content): inner areas about 80 % of the
        floor area; most rooms 自住 or 出租 from who lives there, the empty ones 空置 and some
        装修中 or 未交付 (held by the developer); a delivery date per building; the car park
        spaces of residents' vehicles (产权 with an area, 租赁, 临时); and a son or
        daughter as the contact person of owners living alone (独居老人)."""
        conn = self.conn
        conn.execute("UPDATE community SET developer = name || '置业有限公司'")
        conn.execute(
            "UPDATE room SET inner_area_m2 = ROUND(area_m2 * (0.78 + (id % 7) * 0.01), 2), "
            "delivery_date = printf('%04d-%02d-%02d', 2008 + building_id % 14, 1 + building_id % 12, "
            "1 + building_id % 28)")
        conn.execute("UPDATE room SET state = 'occupied' WHERE id IN "
                     "(SELECT room_id FROM occupancy WHERE end_date IS NULL)")
        conn.execute("UPDATE room SET state = 'rented' WHERE id IN "
                     "(SELECT room_id FROM occupancy WHERE end_date IS NULL AND role = 'tenant')")
        conn.execute("UPDATE room SET state = 'renovating' WHERE state = 'vacant' AND id % 5 = 0")
        conn.execute("UPDATE room SET state = 'undelivered', developer_held = 1, delivery_date = NULL "
                     "WHERE state = 'vacant' AND id % 3 = 0")
        # Parking spaces: one per code and community, from the residents' vehicles.
        conn.execute(
            "INSERT INTO parking_space (community_id, code, kind, area_m2, holder_id, plate, note, "
            "created_at) "
            "SELECT community_id, code, CASE vid % 4 WHEN 0 THEN 'titled' WHEN 1 THEN 'titled' "
            "WHEN 2 THEN 'rented' ELSE 'temporary' END, "
            "CASE WHEN vid % 4 < 2 THEN ROUND(12.5 + (vid % 8) * 0.1, 2) END, person_id, plate, '', ? "
            # SQLite takes the bare columns from the row of MIN(v.id): the first vehicle's.
            "FROM (SELECT r.community_id, v.parking_space AS code, MIN(v.id) AS vid, v.person_id, "
            "v.plate FROM vehicle v JOIN occupancy o ON o.person_id = v.person_id "
            "AND o.end_date IS NULL JOIN room r ON r.id = o.room_id WHERE v.parking_space != '' "
            "GROUP BY r.community_id, v.parking_space)", (self.t.fmt(0),))
        # Owners living alone: a family member of another household (the next person who
        # has a phone) is the one to call first.
        conn.execute(
            "UPDATE person SET contact_person_id = (SELECT MIN(p.person_id) FROM phone p "
            "WHERE p.person_id > person.id) WHERE id IN (SELECT pt.person_id FROM person_tag pt "
            "JOIN tag t ON t.id = pt.tag_id WHERE t.name = '独居老人')")
        self.say("room facts, parking spaces, contacts")

    def writer(self, table: str, columns: str, label: str = "") -> _Writer:
        return _Writer(self.conn, table, columns, self.say, label)

    # -- communities, buildings, rooms --

    def places(self) -> None:
        rnd = _rng(self.seed, "places")
        r = rnd.random
        t = self.t
        n_comm = min(50, max(2, self.owners // 1000))
        names = list(_COMMUNITY_NAMES)
        extra = [h + tl for h in _NAME_HEADS for tl in _NAME_TAILS if h + tl not in names]
        rnd.shuffle(extra)
        names += extra
        go_live = t.fmt(-_GO_LIVE_DAYS * _DAY)
        comm_rows = []
        for i in range(n_comm):
            comm_rows.append((
                i + 1, names[i], f"C{i + 1:02d}",
                f"上海市{_DISTRICTS[i % len(_DISTRICTS)]}{_ROADS[i % len(_ROADS)]}{100 + i * 37 % 900}弄",
                f"021-{5000_0000 + int(r() * 4000_0000)}", go_live,
            ))
        self.conn.executemany(
            "INSERT INTO community (id, name, code, address, phone, created_at) VALUES (?,?,?,?,?,?)",
            comm_rows,
        )
        self.communities = [(row[0], row[1]) for row in comm_rows]

        base, rest = divmod(self.owners, n_comm)
        self.households = [base + (1 if i < rest else 0) for i in range(n_comm)]
        buildings = self.writer("building", "id, community_id, code, floors")
        entrances = self.writer("entrance", "id, building_id, code")
        rooms = self.writer("room", "id, community_id, building_id, entrance_id, number, code, floor, area_m2, note")
        rooms.total = int(self.owners * 1.03 / 0.9)
        # Per room, what later parts need: community, building, entrance number, code.
        self.room_comm: list[int] = [0]
        self.room_bld: list[int] = [0]
        self.room_code: list[str] = [""]
        self.room_entrance: list[int] = [0]
        self.comm_rooms: list[tuple[int, int]] = []  # first and last room id per community
        self.comm_buildings: list[list[int]] = []
        self.bld_code: list[str] = [""]
        self.bld_comm: list[int] = [0]
        self.bld_entrances: list[int] = [0]
        bid = eid = rid = 0
        areas = (58.5, 72.3, 89.6, 95.2, 108.4, 121.7, 135.9, 142.6)
        for ci, (cid, _name) in enumerate(self.communities):
            occupied = self.households[ci] + round(self.households[ci] * 0.03)
            needed = max(1, round(occupied / 0.9))
            made = 0
            first_room = rid + 1
            number = 0
            blds: list[int] = []
            while made < needed:
                number += 1
                bid += 1
                style = r()
                if style < 0.3:
                    floors, n_ent, per_floor = 6 + int(r() * 2), 2 + int(r() * 2), 2
                elif style < 0.75:
                    floors, n_ent, per_floor = 11 + int(r() * 8), 2 + int(r() * 2), 2 + int(r() * 2)
                else:
                    floors, n_ent, per_floor = 24 + int(r() * 10), 2, 2 + int(r() * 3)
                remaining = needed - made
                fit = -(-remaining // (n_ent * per_floor))
                floors = max(6, min(floors, fit))
                buildings.add((bid, cid, str(number), floors))
                blds.append(bid)
                self.bld_code.append(str(number))
                self.bld_comm.append(cid)
                self.bld_entrances.append(n_ent)
                stack = [areas[int(r() * len(areas))] for _ in range(per_floor)]
                for e in range(1, n_ent + 1):
                    eid += 1
                    entrances.add((eid, bid, str(e)))
                    for floor in range(1, floors + 1):
                        for k in range(1, per_floor + 1):
                            rid += 1
                            num = str(floor * 100 + k)
                            code = f"{number}-{e}-{num}"
                            rooms.add((rid, cid, bid, eid, num, code, floor,
                                       f"{stack[k - 1]:.2f}", ""))
                            self.room_comm.append(cid)
                            self.room_bld.append(bid)
                            self.room_code.append(code)
                            self.room_entrance.append(e)
                made += n_ent * floors * per_floor
            self.comm_rooms.append((first_room, rid))
            self.comm_buildings.append(blds)
        for w in (buildings, entrances, rooms):
            w.flush()
        self.n_rooms = rid
        self.n_buildings = bid
        self.say(f"rooms {rid} in {bid} buildings, {n_comm} communities")

    # -- staff and territories --

    def staff(self) -> None:
        rnd = _rng(self.seed, "staff")
        go_live = self.t.fmt(-_GO_LIVE_DAYS * _DAY)
        rows = []
        # One real argon2id hash of the demo password for every account, its salt drawn from
        # the seed so that the same seed writes the same file; temporary, as an
        # administrator's would be.
        salt = hashlib.sha256(f"frontdesk-sample-{self.seed}".encode()).digest()[:16]
        demo_hash = hash_password(SAMPLE_PASSWORD, salt=salt)
        for i, (login, name, role) in enumerate(STAFF, start=1):
            phone = _MOBILE_PREFIXES[int(rnd.random() * len(_MOBILE_PREFIXES))] + f"{int(rnd.random() * 1e8):08d}"
            community = 1 if login == "desk1" else (2 if login == "desk2" else None)
            person = role != "service"  # a service account has no password and no phone
            rows.append((i, login, name, role, phone if person else "", community, None,
                         demo_hash if person else None, int(person), 0, None, 1, go_live))
        self.conn.executemany(
            "INSERT INTO staff (id, login, name, role, phone, community_id, os_login, "
            "password_hash, must_change_password, failed_logins, locked_until, active, created_at) "
            "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
            rows,
        )
        self.staff_name = {i: name for i, (_l, name, _r) in enumerate(STAFF, start=1)}
        # Buildings in order, in eight contiguous shares: tech1 gets the first community.
        self.bld_tech = [0] * (self.n_buildings + 1)
        territory = []
        tid = 0
        for b in range(1, self.n_buildings + 1):
            tech = _TECHS[(b - 1) * len(_TECHS) // self.n_buildings]
            self.bld_tech[b] = tech
            tid += 1
            territory.append((tid, tech, b, go_live))
        for b in self.comm_buildings[0]:
            tid += 1
            territory.append((tid, _SUPER, b, go_live))
        self.conn.executemany(
            "INSERT INTO territory (id, staff_id, building_id, since) VALUES (?,?,?,?)", territory
        )
        self.comm_desk = [0] + [_DESKS[i % len(_DESKS)] for i in range(len(self.communities))]

    # -- people, occupancies, phones, vehicles, tags, notes --

    def people(self) -> None:  # noqa: C901 (one pass over every room, kept in one place)
        rnd = _rng(self.seed, "people")
        r = rnd.random
        t = self.t
        today_ord = t.today.toordinal()
        dates = t.old_dates
        date_base = t.old_base
        surname_t = _table(_SURNAMES, 20_000)
        n_sur = len(surname_t)
        area_t = _table([(i, w) for i, (_a, w) in enumerate(_ID_AREAS)], 2000)
        area_sums = [_digit_sum(a, _ID_WEIGHTS[:6]) for a, _w in _ID_AREAS]
        area_codes = [a for a, _w in _ID_AREAS]
        seq_sums = [_digit_sum(f"{s:03d}", _ID_WEIGHTS[14:]) for s in range(1000)]
        id_check = _ID_CHECK
        mob_t = _MOBILE_PREFIXES
        n_mob = len(mob_t)
        province_t = _table(_PROVINCES, 100)
        pinyin_cache: dict[str, tuple[str, str, str, str, tuple[str, ...]]] = {}
        id_counter: dict[int, int] = {}
        birth_cache: dict[int, tuple[str, str, int]] = {}
        m1, f1, m2a, m2b, f2a, f2b = (_GIVEN_M1, _GIVEN_F1, _GIVEN_M2A, _GIVEN_M2B,
                                      _GIVEN_F2A, _GIVEN_F2B)
        go_live_t = -_GO_LIVE_DAYS * _DAY
        fmt = t.fmt

        persons = self.writer("person", "id, name, name_pinyin, name_initials, name_pinyin_alt, "
                              "name_initials_alt, gender, id_number, "
                              "id_number_rev, birth_date, note, created_at, updated_at, version",
                              "people")
        persons.total = int(self.owners * 1.6)
        name_keys = self.writer("person_name_key", "id, key, person_id")
        occs = self.writer("occupancy", "id, person_id, room_id, role, start_date, end_date, is_primary_contact")
        phones = self.writer("phone", "id, person_id, number, digits_rev, kind, label, is_primary")
        vehicles = self.writer("vehicle", "id, person_id, plate, plate_tail, description, parking_space")
        person_tags = self.writer("person_tag", "id, person_id, tag_id")
        notes = self.writer("person_note", "id, person_id, staff_id, text, created_at")
        tag = self.tags

        self.person_mobile: list[str] = [""]
        self.person_name: list[str] = [""]
        self.room_contact = [0] * (self.n_rooms + 1)
        self.room_other = [0] * (self.n_rooms + 1)
        mobile = self.person_mobile
        pname = self.person_name
        counters = {"key": 0, "pid": 0, "occ": 0, "phone": 0, "veh": 0, "tag": 0, "note": 0}

        # Owners at these positions get the polyphonic and compound surnames, so even a
        # small sample has each of them (owners ≥ 200: all; smaller: most).
        forced_surname: dict[int, tuple[str, int]] = {}
        for i, s in enumerate(POLYPHONIC_SURNAMES):
            forced_surname[3 + i * 11] = (s, 0)
            forced_surname[self.owners // 2 + i * 13] = (s, 0)
        for i, s in enumerate(COMPOUND_SURNAMES):
            forced_surname[8 + i * 11] = (s, 2)  # compound + 2-character given name: 4 characters
        forced_surname[140] = ("张", 1)  # a 2-character name, whatever the draw

        def new_person(gender: str, age_lo: float, age_hi: float, since: int,
                       surname: str | None = None, given_len: int = 0,
                       phones_n: int = 1, note_p: float = 0.03) -> int:
            """Write one person (with phones) and return the id; `since` is a day ordinal."""
            counters["pid"] += 1
            pid = counters["pid"]
            if surname is None:
                surname = surname_t[int(r() * n_sur)]
            if not given_len:
                given_len = 1 if r() < 0.28 else 2
            if gender == "M":
                given = m1[int(r() * len(m1))] if given_len == 1 else (
                    m2a[int(r() * len(m2a))] + m2b[int(r() * len(m2b))])
            else:
                given = f1[int(r() * len(f1))] if given_len == 1 else (
                    f2a[int(r() * len(f2a))] + f2b[int(r() * len(f2b))])
            name = surname + given
            keys = pinyin_cache.get(name)
            if keys is None:
                values = search_key_values(name)
                keys = (values["name_pinyin"], values["name_initials"], values["name_pinyin_alt"],
                        values["name_initials_alt"], tuple(dict.fromkeys(name_suffixes(name))))
                pinyin_cache[name] = keys
            age_days = int((age_lo + (age_hi - age_lo) * r()) * 365.25)
            born = today_ord - age_days
            birth = dates[born - date_base]
            id_number = id_rev = None
            if r() < 0.7:
                cached = birth_cache.get(born)
                if cached is None:
                    digits = birth.replace("-", "")
                    cached = (digits, digits, _digit_sum(digits, _ID_WEIGHTS[6:14]))
                    birth_cache[born] = cached
                area = area_t[int(r() * len(area_t))]
                male = gender == "M"
                key = ((area * 100_000 + born - 693_000) << 1) | male
                n = id_counter.get(key, 0)
                id_counter[key] = n + 1
                seq = ((key * 40503) % 397 * 2 + (1 if male else 2) + 2 * n) % 1000
                first17 = f"{area_codes[area]}{cached[0]}{seq:03d}"
                id_number = first17 + id_check[(area_sums[area] + cached[2] + seq_sums[seq]) % 11]
                id_rev = id_number[::-1]
            created = max(go_live_t, (since - today_ord) * _DAY) + int(r() * 28_800) - 3600
            created_s = fmt(min(created, -600))
            persons.add((pid, name, keys[0], keys[1], keys[2], keys[3], gender, id_number, id_rev,
                         birth, "", created_s, created_s, 1))
            for suffix in keys[4]:
                counters["key"] += 1
                name_keys.add((counters["key"], suffix, pid))
            pname.append(name)
            first = ""
            for j in range(phones_n):
                number = mob_t[int(r() * n_mob)] + f"{int(r() * 100_000_000):08d}"
                if number == first:
                    continue
                counters["phone"] += 1
                phones.add((counters["phone"], pid, number, number[::-1], "mobile",
                            "本人" if j == 0 else "备用", 1 if j == 0 else 0))
                if j == 0:
                    first = number
            if phones_n and r() < 0.05:
                local = f"6{int(r() * 10_000_000):07d}"
                counters["phone"] += 1
                phones.add((counters["phone"], pid, f"021-{local}", ("021" + local)[::-1],
                            "landline", "家庭", 0))
            mobile.append(first)
            if r() < note_p:
                counters["note"] += 1
                note_t = created + int(r() * max(1, -created))
                notes.add((counters["note"], pid, _DESKS[int(r() * 5)],
                           _NOTES[int(r() * len(_NOTES))], fmt(min(note_t, -60))))
            return pid

        def occupancy(pid: int, room: int, role: str, start: int, end: int | None,
                      primary: bool) -> None:
            counters["occ"] += 1
            occs.add((counters["occ"], pid, room, role, dates[start - date_base],
                      dates[end - date_base] if end is not None else None, 1 if primary else 0))

        def add_tag(pid: int, name: str) -> None:
            counters["tag"] += 1
            person_tags.add((counters["tag"], pid, tag[name]))

        def vehicle(pid: int) -> None:
            counters["veh"] += 1
            prov = province_t[int(r() * len(province_t))]
            letter = _PLATE_LETTERS[int(r() * (12 if prov == "沪" else 8))]
            if r() < 0.2:
                tail = letter + "DF"[int(r() * 2)] + f"{int(r() * 100_000):05d}"
                desc = _EV_CARS[int(r() * len(_EV_CARS))]
            else:
                chars = [
                    _PLATE_LETTERS[int(r() * 24)] if r() < 0.12 else str(int(r() * 10))
                    for _ in range(5)
                ]
                tail = letter + "".join(chars)
                desc = _CARS[int(r() * len(_CARS))]
            space = ""
            if r() < 0.5:
                space = f"B{1 + int(r() * 2)}-{1 + int(r() * 600):04d}"
            vehicles.add((counters["veh"], pid, prov + tail, tail, desc, space))

        owner_count = 0
        for ci in range(len(self.communities)):
            first_room, last_room = self.comm_rooms[ci]
            n_rooms = last_room - first_room + 1
            households = self.households[ci]
            seconds = round(households * 0.03)
            occupied_left = households + seconds
            vacant_left = max(0, n_rooms - occupied_left)
            seconds_left = seconds
            pool: list[int] = []  # owners of one room here, candidates for a second room
            for room in range(first_room, last_room + 1):
                rooms_left = last_room - room + 1
                if room % 50_000 == 0:
                    self.say(f"people: room {room}/{self.n_rooms}")
                if vacant_left and r() * rooms_left < vacant_left:
                    vacant_left -= 1
                    if r() < 0.05:  # a tenant moved out and nobody moved in yet
                        end = today_ord - 30 - int(r() * 300)
                        start = end - 180 - int(r() * 1000)
                        g = "M" if r() < 0.5 else "F"
                        pid = new_person(g, 22, 45, start, note_p=0)
                        occupancy(pid, room, "tenant", start, end, False)
                    continue
                second = bool(pool) and r() * occupied_left < seconds_left
                occupied_left -= 1
                owner_start = today_ord - 60 - int(r() * 365 * 24)
                if second:
                    seconds_left -= 1
                    k = int(r() * len(pool))
                    owner = pool[k]
                    pool[k] = pool[-1]
                    pool.pop()
                    rented = r() < 0.5
                else:
                    gender = "M" if r() < 0.55 else "F"
                    forced = forced_surname.get(owner_count)
                    owner_count += 1
                    owner = new_person(
                        gender, 26, 86, owner_start,
                        surname=forced[0] if forced else None,
                        given_len=forced[1] if forced else 0,
                        phones_n=1 if r() < 0.7 else 2,
                    )
                    pool.append(owner)
                    if r() < 0.35:
                        vehicle(owner)
                    if r() < 0.03:
                        add_tag(owner, "业委会委员" if r() < 0.4 else ("VIP" if r() < 0.5 else "欠费"))
                    elif owner_start > today_ord - 365 and r() < 0.1:
                        add_tag(owner, "新业主")
                    rented = r() < 0.108
                occupancy(owner, room, "owner", owner_start, None, not rented)
                contact, other = owner, 0
                if rented:
                    tstart = max(owner_start, today_ord - 30 - int(r() * 1400))
                    g = "M" if r() < 0.5 else "F"
                    tenant = new_person(g, 22, 55, tstart, phones_n=1 if r() < 0.8 else 2)
                    occupancy(tenant, room, "tenant", tstart, None, True)
                    contact = tenant
                    if r() < 0.02:
                        add_tag(tenant, "租户代表")
                    if r() < 0.15:
                        fam = new_person("F" if g == "M" else "M", 22, 55, tstart, phones_n=1, note_p=0)
                        occupancy(fam, room, "family", tstart, None, False)
                        other = fam
                elif not second:
                    if r() < 0.173:
                        spouse = new_person("F" if gender == "M" else "M", 26, 86, owner_start,
                                            phones_n=1 if r() < 0.9 else 0, note_p=0.01)
                        occupancy(spouse, room, "co_owner", owner_start, None, False)
                        other = spouse
                    if r() < 0.23:
                        baby_tag = False
                        for _ in range(1 if r() < 0.6 else 2):
                            young = r() < 0.6
                            fam = new_person(
                                "M" if r() < 0.5 else "F", 1 if young else 58,
                                30 if young else 90, owner_start,
                                surname=pname[owner][:2] if pname[owner][:2] in COMPOUND_SURNAMES
                                else pname[owner][0],
                                phones_n=1 if r() < 0.5 else 0, note_p=0.01,
                            )
                            occupancy(fam, room, "family", owner_start, None, False)
                            other = other or fam
                            if young and not baby_tag and r() < 0.03:
                                add_tag(owner, "孕妇/婴幼儿家庭")
                                baby_tag = True
                    elif r() < 0.04:
                        add_tag(owner, "独居老人" if r() < 0.7 else "残障人士")
                if r() < 0.05:  # a previous owner or tenant who moved out
                    end = (owner_start if not rented else today_ord - 30) - int(r() * 60)
                    start = end - 365 - int(r() * 365 * 8)
                    g = "M" if r() < 0.5 else "F"
                    prev = new_person(g, 30, 80, start, note_p=0)
                    occupancy(prev, room, "owner" if r() < 0.6 else "tenant", start, end, False)
                self.room_contact[room] = contact
                self.room_other[room] = other
        for w in (persons, name_keys, occs, phones, vehicles, person_tags, notes):
            w.flush()
        self.n_people = counters["pid"]
        self.say(f"people {self.n_people}")

    # -- work orders, history, cost lines, links --

    def work_orders(self) -> None:  # noqa: C901 (the status machine is easiest read in one piece)
        rnd = _rng(self.seed, "orders")
        r = rnd.random
        t = self.t
        fmt = t.fmt
        total = round(self.owners * 1.5)
        today_n = min(10, max(1, total // 20))
        past = total - today_n
        days = 180
        # Orders per day: weekday rhythm plus noise, rounded so the total is exact.
        weights = []
        for d in range(-days, 0):
            weekday = (t.today + dt.timedelta(days=d)).weekday()
            weights.append((1.15, 1.05, 1.0, 1.0, 1.05, 0.85, 0.8)[weekday] * (0.85 + 0.3 * r()))
        scale = past / sum(weights)
        raw = [w * scale for w in weights]
        per_day = [int(x) for x in raw]
        order = sorted(range(days), key=lambda i: (per_day[i] - raw[i], i))
        for i in order[: past - sum(per_day)]:
            per_day[i] += 1
        per_day.append(today_n)

        hour_t = _table([(h, w) for h, w in enumerate(
            (1, 0.5, 0.3, 0.3, 0.3, 0.5, 2, 5, 9, 10, 10, 9, 7, 7, 8, 8, 8, 7, 7, 7, 6, 4, 3, 2)
        )], 2000)
        kind_t = _table(_KINDS, 1000)
        leaf_t = {
            kind: _table([(code, _LEAVES[code][0]) for code in _LEAVES
                          if code.startswith(prefixes)], 1000)
            for kind, prefixes in _KIND_LEAVES.items()
        }
        status_t = [(limit * 3600, _table(mix, 2000)) for limit, mix in _STATUS_MIX]
        channel_t = _table((("phone", 62), ("wechat", 22), ("visit", 12), ("patrol", 4)), 100)
        rating_t = _table(((5, 60), (4, 25), (3, 8), (2, 4), (1, 3)), 100)
        prefix = WORK_ORDER_PREFIXES
        sla = {key: (v.response_minutes * 60, v.resolution_minutes * 60) for key, v in DEFAULT_SLA.items()}
        cats = self.categories

        orders = self.writer("work_order", (
            "id, number, kind, category_id, priority, channel, status, title, description, "
            "community_id, building_id, room_id, location, person_id, contact_phone, assignee_id, "
            "created_by_id, created_at, updated_at, appointment_at, response_due, resolution_due, "
            "responded_at, resolved_at, closed_at, hold_since, held_minutes, escalation_level, "
            "rating, callback_comment, callback_by_id, callback_at, merged_into_id, version"),
            "work orders")
        orders.total = total
        history = self.writer("work_order_history",
                              "id, work_order_id, staff_id, at, action, from_status, to_status, note",
                              "history")
        costs = self.writer("cost_line", "id, work_order_id, kind, description, quantity, "
                            "unit_price, payer, created_by_id, created_at")
        links = self.writer("work_order_link", "id, source_id, target_id, kind")

        # Rooms of tech1's buildings: a few recent orders there get visits booked today.
        tech1_rooms = [
            room for room in range(1, self.n_rooms + 1)
            if self.bld_tech[self.room_bld[room]] == _TECHS[0] and self.room_contact[room]
        ] if self.n_rooms < 5_000_000 else []
        occupied = self.occupied = [room for room in range(1, self.n_rooms + 1)
                                    if self.room_contact[room]]
        n_occ = len(occupied)
        # Statuses every sample must show, in the age window where they make sense.
        need_old = ["closed", "visited", "cancelled", "resolved", "closed"]
        need_mid = ["in_progress", "assigned", "on_hold", "new", "on_hold", "in_progress"]
        need_recent = ["assigned", "in_progress", "on_hold", "resolved"]
        tech1_slots = [(10, 0), (11, 0), (14, 0), (15, 30)]

        self.appointments: list[tuple] = []  # (wo, start, room, person, tech, organiser, title)
        self.wo_for_calls: list[tuple] = []  # orders of the last 90 days with a caller
        self.overdue_orders: list[int] = []
        self.escalated: list[tuple[int, int, int]] = []  # (order, level, when reached)
        self.order_names: dict[int, tuple[str, str]] = {}  # escalated order → (number, title)
        self.tech1_orders: list[tuple[int, str, str]] = []
        last_in_building: dict[int, int] = {}
        hid = cid = lid = 0
        wid = 0
        staff_name = self.staff_name
        for day_i, count in enumerate(per_day):
            day = day_i - days
            if count == 0:
                continue
            if day == 0:
                tods = sorted(6 * 3600 + 1800 + int(r() * 9000) for _ in range(count))
            else:
                tods = sorted(hour_t[int(r() * len(hour_t))] * 3600 + int(r() * 3600)
                              for _ in range(count))
            ymd = t.yyyymmdd(t.at(day, 12))
            seqs = dict.fromkeys(prefix.values(), 0)
            for tod in tods:
                wid += 1
                t0 = day * _DAY + tod - _ANCHOR_S
                age = -t0
                status = None
                kind = kind_t[int(r() * len(kind_t))]
                forced_tech1 = False
                if day == 0:
                    status = "new"
                elif age > 14 * _DAY and need_old:
                    status = need_old.pop(0)
                elif 2 * _DAY < age < 7 * _DAY and need_mid:
                    status, kind = need_mid.pop(0), "repair"
                elif -3 <= day and tech1_slots and tech1_rooms:
                    status, kind = ("assigned" if len(tech1_slots) % 2 else "in_progress"), "repair"
                    forced_tech1 = True
                elif age < 2 * _DAY and need_recent:
                    status = need_recent.pop(0)
                leaves = leaf_t[kind]
                leaf = leaves[int(r() * len(leaves))]
                if forced_tech1 and leaf.startswith(("lift.", "facility.")):
                    leaf = "plumbing.leak"
                cat_id, _ck = cats[leaf]
                _w, titles, can_public = _LEAVES[leaf]
                title = titles[int(r() * len(titles))]
                public = can_public and not forced_tech1 and r() < 0.12
                if forced_tech1:
                    room = tech1_rooms[int(r() * len(tech1_rooms))]
                else:
                    room = occupied[int(r() * n_occ)]
                comm = self.room_comm[room]
                bld = self.room_bld[room]
                person = self.room_contact[room]
                if not public and self.room_other[room] and r() < 0.15:
                    person = self.room_other[room]
                location = ""
                if public:
                    location = self._public_place(leaf, self.bld_code[bld], self.room_entrance[room], r)
                    channel = "patrol" if r() < 0.5 else channel_t[int(r() * 100)]
                    if channel == "patrol":
                        person = 0
                    room = 0
                else:
                    channel = channel_t[int(r() * 100)]
                    if channel == "patrol":
                        channel = "phone"
                phone = self.person_mobile[person] if person else ""
                priority = "normal"
                if kind == "repair":
                    if leaf == "lift.trapped":
                        priority = "critical"
                    elif r() < _URGENT.get(leaf, 0.03):
                        priority = "urgent"
                    elif r() < 0.2:
                        priority = "quick"
                resp_s, res_s = sla[(kind, priority)]
                desk = self.comm_desk[comm]
                created_by = self.bld_tech[bld] if channel == "patrol" else (
                    desk if r() < 0.8 else _DESKS[int(r() * 5)])
                if kind == "repair":
                    assignee = self.bld_tech[bld]
                elif kind == "complaint":
                    assignee = _SUPER
                elif kind == "inquiry":
                    assignee = desk
                else:
                    assignee = _MANAGER
                if status is None:
                    for limit, table in status_t:
                        if age < limit:
                            status = table[int(r() * len(table))]
                            break

                # The status path and its times; gaps shrink to fit before the anchor.
                steps: list[tuple[str, str, str, int, int, str]] = []  # action, from, to, staff, gap, note
                dispatcher = _SUPER if r() < 0.6 else created_by
                held = 0
                drawn = 0
                if status == "cancelled":
                    if r() < 0.4:
                        steps.append(("assign", "new", "assigned", dispatcher, 300 + int(r() * 3000),
                                      f"派单给{staff_name[assignee]}"))
                    steps.append(("cancel", steps[-1][2] if steps else "new", "cancelled",
                                  created_by, 600 + int(r() * 7200),
                                  _CANCEL_NOTES[int(r() * len(_CANCEL_NOTES))]))
                elif status != "new":
                    gap = 60 + int(r() * 180) if priority == "critical" else (
                        120 + int(r() * 480) if priority == "urgent" else 300 + int(r() * 3300))
                    steps.append(("assign", "new", "assigned", dispatcher, gap,
                                  f"派单给{staff_name[assignee]}"))
                    if status != "assigned":
                        late = r() < 0.12
                        gap = int(resp_s * ((1.1 + 2 * r()) if late else (0.2 + 0.7 * r())))
                        steps.append(("start", "assigned", "in_progress", assignee, max(60, gap),
                                      _START_NOTES[int(r() * 3)]))
                        if status == "on_hold" or (status != "in_progress" and r() < 0.1) or (
                                status == "in_progress" and r() < 0.05):
                            steps.append(("hold", "in_progress", "on_hold", assignee,
                                          600 + int(r() * 10_000),
                                          _HOLD_NOTES[int(r() * len(_HOLD_NOTES))]))
                            if status != "on_hold":
                                gap = 7200 + int(r() * 3 * _DAY)
                                steps.append(("resume", "on_hold", "in_progress", assignee, gap,
                                              _RESUME_NOTES[int(r() * 3)]))
                        if status in ("resolved", "visited", "closed"):
                            late = r() < 0.08
                            gap = int(res_s * ((1.0 + 1.5 * r()) if late else (0.05 + 0.6 * r())))
                            top = leaf.split(".", 1)[0]
                            notes = _RESOLVE_NOTES[top]
                            steps.append(("resolve", "in_progress", "resolved", assignee, gap,
                                          notes[int(r() * len(notes))]))
                        if status in ("visited", "closed"):
                            drawn = rating_t[int(r() * 100)]
                            steps.append(("callback", "resolved", "visited", desk,
                                          14_400 + int(r() * 3 * _DAY), f"回访满意度{drawn}分"))
                        if status == "closed":
                            steps.append(("close", "visited", "closed",
                                          _SUPER if r() < 0.5 else desk,
                                          3600 + int(r() * 2 * _DAY), "回访完成，工单关闭"))
                budget = max(0, age - 60)  # an order of the last minute has no time for steps
                span = sum(s[4] for s in steps)
                factor = budget / span if span > budget else 1.0

                responded = resolved = closed = hold_since = callback_at = None
                rating = None
                comment = ""
                callback_by = None
                hid += 1
                history.add((hid, wid, created_by, fmt(t0), "create", "", "new",
                             _CREATE_NOTES[channel]))
                now_t = t0
                hold_start = 0
                for action, frm, to, staff, gap, note in steps:
                    now_t += max(1, int(gap * factor))
                    hid += 1
                    history.add((hid, wid, staff, fmt(now_t), action, frm, to, note))
                    if action == "start":
                        responded = now_t
                    elif action == "hold":
                        hold_start = now_t
                    elif action == "resume":
                        held += now_t - hold_start
                    elif action == "resolve":
                        resolved = now_t
                    elif action == "callback":
                        callback_at = now_t
                        callback_by = staff
                        rating = drawn
                        options = _RATING_COMMENTS[rating]
                        comment = options[int(r() * len(options))]
                    elif action == "close":
                        closed = now_t
                if status == "on_hold":
                    hold_since = hold_start
                held_min = held // 60
                response_due = t0 + resp_s
                resolution_due = t0 + res_s + held_min * 60
                escalation = 0
                is_open = status in ("new", "assigned", "in_progress")
                if is_open and resolution_due < 0:
                    self.overdue_orders.append(wid)
                if is_open:
                    # The level data.escalation.due_level gives at the anchor, and when each
                    # level was reached: the sweeps of the days before have told everyone.
                    for level, reached in _escalation_steps(status, t0, response_due,
                                                            resolution_due, responded):
                        escalation = level
                        self.escalated.append((wid, level, reached))
                elif resolved is not None and resolved > resolution_due:
                    escalation = 1

                appointment = None
                if forced_tech1:
                    hh, mm = tech1_slots.pop(0)
                    appointment = t.at(0, hh, mm)
                elif kind == "repair" and room and status in ("assigned", "in_progress", "on_hold") and r() < 0.3:
                    if status == "in_progress" and responded is not None:
                        appointment = responded - responded % 1800
                    else:
                        slot = int(r() * 16)
                        appointment = t.at(int(r() * 3), 9 + slot // 2, 30 * (slot % 2))
                if appointment is not None:
                    self.appointments.append((wid, appointment, room, person, assignee, created_by,
                                              title, comm, t0))
                px = prefix[kind]
                seqs[px] += 1
                number = f"{px}-{ymd}-{seqs[px]:04d}"
                if forced_tech1:
                    self.tech1_orders.append((wid, number, title))
                if escalation and is_open:
                    self.order_names[wid] = (number, title)

                merged = None
                if status == "cancelled" and steps[-1][5] == "重复报修":
                    merged = last_in_building.get(bld)
                    if merged:
                        lid += 1
                        links.add((lid, wid, merged, "duplicate"))
                last_in_building[bld] = wid

                detail = _PUBLIC_DETAIL if public else _DETAILS[kind][int(r() * len(_DETAILS[kind]))]
                updated = now_t
                orders.add((
                    wid, number, kind, cat_id, priority, channel, status, title,
                    f"{location}{title}。{detail}" if public else f"{title}。{detail}",
                    comm, bld, room or None, location, person or None, phone,
                    assignee if steps and steps[0][0] == "assign" else None, created_by,
                    fmt(t0), fmt(updated), fmt(appointment) if appointment is not None else None,
                    fmt(response_due), fmt(resolution_due),
                    fmt(responded) if responded is not None else None,
                    fmt(resolved) if resolved is not None else None,
                    fmt(closed) if closed is not None else None,
                    fmt(hold_since) if hold_since is not None else None,
                    held_min, escalation, rating, comment, callback_by,
                    fmt(callback_at) if callback_at is not None else None,
                    merged, 1 + len(steps),
                ))
                if resolved is not None and kind == "repair" and r() < 0.04:
                    top = leaf.split(".", 1)[0]
                    payer = "company" if public or top in ("lift", "facility") else "owner"
                    materials = _MATERIALS.get(top)
                    if materials:
                        what, price = materials[int(r() * len(materials))]
                        cid += 1
                        costs.add((cid, wid, "material", what, f"{1 + int(r() * 3)}.00",
                                   f"{price:.2f}", payer, assignee, fmt(resolved)))
                    cid += 1
                    costs.add((cid, wid, "labour", "上门维修人工费", "1.00",
                               f"{(50, 80, 100)[int(r() * 3)]:.2f}", payer, assignee, fmt(resolved)))
                if person and age < 90 * _DAY and phone:
                    self.wo_for_calls.append((wid, person, phone, t0, kind, channel, created_by,
                                              callback_at, callback_by, desk))
        for w in (orders, history, costs, links):
            w.flush()
        self.n_orders = wid
        self.say(f"work orders {wid}")

    @staticmethod
    def _public_place(leaf: str, building: str, entrance: int, r: Callable[[], float]) -> str:
        """A public place in words for an order without a room: 2号楼1单元电梯, 地下车库."""
        top = leaf.split(".", 1)[0]
        return {
            "lift": "{b}号楼{e}单元电梯",
            "doors": "{b}号楼{e}单元门",
            "facility": "{b}号楼{e}单元楼道",
            "noise": "{b}号楼水泵房",
            "sanitation": "{b}号楼垃圾房",
            "security": ("小区南门岗亭", "小区东门", "{b}号楼楼道")[int(r() * 3)],
            "parking": ("地下车库", "小区东门道闸", "地面停车场")[int(r() * 3)],
            "greenery": ("中心花园", "{b}号楼前绿化带")[int(r() * 2)],
        }.get(top, "小区公共区域").replace("{b}", building).replace("{e}", str(entrance))

    # -- calls --

    def calls(self) -> None:
        rnd = _rng(self.seed, "calls")
        r = rnd.random
        t = self.t
        fmt = t.fmt
        total = self.owners * 2
        days = 90
        by_day: dict[int, list[tuple]] = {}
        seq = 0

        def put(row: tuple) -> None:
            by_day.setdefault((row[0] + _ANCHOR_S) // _DAY, []).append(row)

        # Row: (t, seq, direction, number, person, staff, duration, category, summary,
        #       outcome, callback_due, callback_assignee, callback_done, work_order)
        linked = 0
        target_linked = int(total * 0.3)
        report_p = min(1.0, target_linked / max(1, len(self.wo_for_calls)) * 0.75)
        for wid, person, phone, t0, kind, channel, created_by, cb_at, cb_by, desk in self.wo_for_calls:
            category = "repair" if kind == "repair" else ("complaint" if kind == "complaint" else "inquiry")
            if channel == "phone" and r() < report_p:
                dur = 60 + int(r() * 360)
                seq += 1
                put((t0 - dur - 30, seq, "in", phone, person, created_by if created_by in _DESKS else desk,
                     dur, category, "来电报修，已建工单" if kind == "repair" else "来电反映，已建工单",
                     "ticket", None, None, None, wid))
                linked += 1
            if cb_at is not None and r() < 0.35:
                seq += 1
                put((cb_at - 200, seq, "out", phone, person, cb_by, 60 + int(r() * 180), "callback",
                     "回访维修满意度" if kind == "repair" else "回访处理结果", "resolved",
                     None, None, None, wid))
                linked += 1
            if r() < 0.06:
                at = t0 + 7200 + int(r() * 2 * _DAY)
                if at < -60:
                    seq += 1
                    put((at, seq, "in", phone, person, desk, 40 + int(r() * 200), category,
                         "询问处理进度", "resolved", None, None, None, wid))
                    linked += 1

        # Callbacks that must show on desk1's home screen: due later today, and overdue.
        for hh in (7, 8):
            at = t.at(0, hh, 15)
            room = self._room_with_phone(r)
            person = self.room_contact[room]
            seq += 1
            put((at, seq, "in", self.person_mobile[person], person, _DESKS[0], 120, "inquiry",
                 "咨询物业费缴纳方式，需查询后回电", "callback", t.at(0, 10 + 3 * (hh - 7), 30),
                 _DESKS[0], None, None))
        for hh in (10, 15):
            at = t.at(-1, hh, 5)
            room = self._room_with_phone(r)
            person = self.room_contact[room]
            seq += 1
            put((at, seq, "in", self.person_mobile[person], person, _DESKS[0], 150, "complaint",
                 "反映楼道堆物，需核实后回电", "callback", t.at(-1, 17, 0), _DESKS[0], None, None))

        cat_in = _table(_CALL_CATS_IN, 1000)
        cat_out = _table(_CALL_CATS_OUT, 1000)
        hour_t = _table([(h, w) for h, w in enumerate(
            (0.2, 0.1, 0.1, 0.1, 0.1, 0.2, 0.5, 3, 9, 10, 10, 9, 6, 7, 9, 9, 8, 7, 5, 4, 3, 2, 1, 0.5)
        )], 2000)
        unlinked = max(0, total - linked - 4)
        occupied = self.occupied
        n_occ = len(occupied)
        mob = _MOBILE_PREFIXES
        for _n in range(unlinked):
            day = -1 - int(r() * days)
            at = day * _DAY + hour_t[int(r() * len(hour_t))] * 3600 + int(r() * 3600) - _ANCHOR_S
            room = occupied[int(r() * n_occ)]
            person = self.room_contact[room]
            if self.room_other[room] and r() < 0.15:
                person = self.room_other[room]
            number = self.person_mobile[person]
            if not number or r() < 0.05:
                person = 0
                number = mob[int(r() * len(mob))] + f"{int(r() * 100_000_000):08d}"
            desk = self.comm_desk[self.room_comm[room]]
            staff = desk if r() < 0.7 else _DESKS[int(r() * 5)]
            outgoing = person and r() < 0.2
            if outgoing:
                category = cat_out[int(r() * 1000) % len(cat_out)]
                answered = r() < 0.85
                outcome = "resolved" if answered else "no_answer"
                duration = 30 + int(r() * r() * 300) if answered else 0
            else:
                category = cat_in[int(r() * 1000) % len(cat_in)]
                x = r()
                outcome = "resolved" if x < 0.8 else ("callback" if x < 0.92 else "transferred")
                duration = 20 + int(r() * r() * 900)
            options = _CALL_SUMMARIES[category]
            due = done = assignee = None
            if outcome == "callback":
                # Promised for working hours: later the same day, or the next day.
                call_day = (at + _ANCHOR_S) // _DAY
                slot = t.at(call_day, 10 + int(r() * 8), 30 * int(r() * 2))
                due = slot if slot > at + 1800 else slot + _DAY
                assignee = staff
                # Most are made; the few missed are recent: older ones were chased long ago.
                if due < -3600 and (r() < 0.93 or due < -2 * _DAY):
                    done = max(at + 300, due - int(r() * 3 * 3600))
            seq += 1
            put((at, seq, "out" if outgoing else "in", number, person or None, staff, duration,
                 category, options[int(r() * len(options))], outcome, due, assignee, done, None))

        calls = self.writer("call", "id, direction, number, person_id, caller_staff_id, staff_id, "
                            "started_at, duration_s, category, summary, outcome, callback_due, "
                            "callback_assignee_id, callback_done_at, work_order_id, recording",
                            "calls")
        calls.total = total
        call_id = 0
        self.due_callbacks: list[tuple] = []  # (call, assignee, due, person, number), due by now
        for day in sorted(by_day):
            rows = by_day.pop(day)
            rows.sort()
            for (at, _s, direction, number, person, staff, duration, category, summary, outcome,
                 due, assignee, done, wid) in rows:
                call_id += 1
                stamp = fmt(at)
                recording = ""
                if direction == "in" and duration and call_id % 5 < 2:
                    recording = f"rec/{stamp[:10].replace('-', '')}/{call_id:08d}.mp3"
                calls.add((call_id, direction, number, person, None, staff, stamp, duration,
                           category, summary, outcome,
                           fmt(due) if due is not None else None, assignee,
                           fmt(done) if done is not None else None, wid, recording))
                if done is None and due is not None and due <= 0:
                    self.due_callbacks.append((call_id, assignee or staff, due, person, number))
        calls.flush()
        self.say(f"calls {call_id}")

    def _room_with_phone(self, r: Callable[[], float]) -> int:
        first, last = self.comm_rooms[0]
        for _n in range(10_000):
            room = first + int(r() * (last - first + 1))
            if self.room_contact[room] and self.person_mobile[self.room_contact[room]]:
                return room
        return next(room for room in range(1, self.n_rooms + 1)
                    if self.room_contact[room] and self.person_mobile[self.room_contact[room]])

    # -- calendar --

    def calendar(self) -> None:
        rnd = _rng(self.seed, "calendar")
        r = rnd.random
        t = self.t
        fmt = t.fmt
        today = t.today
        events = self.writer("event", "id, uid, kind, title, description, location, organiser_id, "
                             "start, end, all_day, rrule, series_until, series_id, recurrence_id, "
                             "cancelled, person_id, room_id, work_order_id, reminder_minutes, due, "
                             "done, created_at, version", "events")
        attendees = self.writer("event_attendee", "id, event_id, staff_id")
        state = {"eid": 0, "aid": 0}
        uids = _rng(self.seed, "event-uid")  # random-looking UIDs, not guessable counters

        def event(kind: str, title: str, start: int, end: int, organiser: int | None,
                  who: Sequence[int], *, description: str = "", location: str = "",
                  all_day: bool = False, rrule: str | None = None, series: int | None = None,
                  recurrence_id: int | None = None, cancelled: bool = False,
                  person: int | None = None, room: int | None = None, wo: int | None = None,
                  reminder: int | None = None, due: int | None = None, done: bool = False,
                  created: int | None = None) -> int:
            state["eid"] += 1
            eid = state["eid"]
            created = created if created is not None else min(start, 0) - 3 * _DAY
            events.add((eid, f"{uids.getrandbits(128):032x}@frontdesk", kind, title, description, location, organiser,
                        fmt(start), fmt(end), 1 if all_day else 0, rrule, None, series,
                        fmt(recurrence_id) if recurrence_id is not None else None,
                        1 if cancelled else 0, person, room, wo, reminder,
                        fmt(due) if due is not None else None, 1 if done else 0,
                        fmt(created), 1))
            for staff in dict.fromkeys(who):
                state["aid"] += 1
                attendees.add((state["aid"], eid, staff))
            return eid

        # Weekly inspection per community, on Mondays, from eight weeks back.
        monday = -((today.weekday()) + 56)
        for ci, (_cid, cname) in enumerate(self.communities):
            tech = self.bld_tech[self.comm_buildings[ci][0]]
            start = t.at(monday, 9, 30)
            series = event("inspection", f"{cname}每周安全巡查", start, start + 7200, _SUPER,
                           (_SUPER, tech), location=f"{cname}物业服务中心",
                           description="消防通道、电梯机房、水泵房、楼道照明", rrule="FREQ=WEEKLY;BYDAY=MO",
                           reminder=30)
            if ci == 0:
                # Next Monday's round moves to Tuesday afternoon; the one after is cancelled.
                nxt = t.at(7 - today.weekday(), 9, 30)
                event("inspection", f"{cname}每周安全巡查（改期）", nxt + _DAY + 16_200,
                      nxt + _DAY + 23_400, _SUPER, (_SUPER, tech), location=f"{cname}物业服务中心",
                      series=series, recurrence_id=nxt)
                event("inspection", f"{cname}每周安全巡查", nxt + 7 * _DAY, nxt + 7 * _DAY + 7200,
                      _SUPER, (_SUPER, tech), series=series, recurrence_id=nxt + 7 * _DAY,
                      cancelled=True)
        # Monthly staff meeting on the 1st, from three months back.
        first = (today.replace(day=1) - dt.timedelta(days=62)).replace(day=1)
        start = t.at((first - today).days, 14)
        event("meeting", "月度工作例会", start, start + 5400, _MANAGER,
              (_MANAGER, _SUPER, _DESKS[0], _TECHS[0]), location="物业公司三楼会议室",
              rrule="FREQ=MONTHLY;BYMONTHDAY=1", reminder=60)
        # Home visits booked on work orders.
        for wid, at, room, person, tech, organiser, title, comm, t0 in self.appointments:
            cname = self.communities[comm - 1][1]
            event("appointment", f"上门维修：{title}", at, at + 3600, organiser, (tech,),
                  description=f"{self.room_code[room]} {title}",
                  location=f"{cname} {self.room_code[room]}", person=person or None,
                  room=room, wo=wid, reminder=30, created=min(t0 + 900, -60))
        # Community activities, memos, tasks, a planned call.
        for ci, (_cid, cname) in enumerate(self.communities[:3]):
            day = 10 + ci * 7
            event("activity", ("邻里节游园会", "消夏纳凉晚会", "垃圾分类宣传日")[ci],
                  t.at(day, 18, 30), t.at(day, 20, 30), _SUPER, (_SUPER, self.comm_desk[ci + 1]),
                  location=f"{cname}中心广场", reminder=1440)
        event("memo", "3号楼周四上午停水检修，通知已张贴", t.at(0, 0), t.at(1, 0), _DESKS[0],
              (_DESKS[0],), all_day=True)
        event("memo", "本周五下午电梯年检", t.at(2, 0), t.at(3, 0), _DESKS[0], (_DESKS[0], _SUPER),
              all_day=True)
        self.review_task = event("task", "整理本周回访记录", t.at(0, 16), t.at(0, 17), _DESKS[0],
                                 (_DESKS[0],), due=t.at(0, 17))
        event("task", "检查消防通道堆物", t.at(-1, 15), t.at(-1, 16), _SUPER, (_SUPER,),
              due=t.at(-1, 16), done=True)
        event("task", "核对新业主入住资料", t.at(1, 11), t.at(1, 12), _DESKS[1], (_DESKS[1],),
              due=t.at(1, 12))
        room = self._room_with_phone(r)
        person = self.room_contact[room]
        event("call", f"回电：{self.person_name[person]}", t.at(0, 10, 30), t.at(0, 10, 45),
              _DESKS[0], (_DESKS[0],), person=person, room=room, reminder=10)
        events.flush()
        attendees.flush()
        self.n_events = state["eid"]

    # -- notifications and settings --

    def notifications(self) -> None:
        t = self.t
        rows = []
        nid = 0

        def note(staff: int, kind: str, title: str, entity: str, entity_id: int | None,
                 at: int, read: bool) -> None:
            nonlocal nid
            nid += 1
            rows.append((nid, staff, kind, title, "", entity, entity_id,
                         f"{kind}:{entity}:{entity_id}:{staff}", t.fmt(at),
                         t.fmt(at + 600) if read else None))

        for i, (wid, number, title) in enumerate(self.tech1_orders[:4]):
            note(_TECHS[0], "assigned", f"新派单：{number} {title}", "work_order", wid,
                 -3600 * (i + 1), i == 3)
        for i, wid in enumerate(self.overdue_orders[-2:]):
            note(_DESKS[0], "escalation", "工单已超时，请跟进", "work_order", wid, -1800 * (i + 1),
                 False)
        note(_DESKS[0], "reminder", "今日 16:00 整理本周回访记录", "event", self.review_task,
             -300, False)
        # What the sweeps of the days before sent (data.escalation, data.calls), under their
        # own dedupe keys, so the first sweep of a session does not send it all again: read,
        # except what came since yesterday's end of the working day.
        since = t.at(-1, 17)
        for wid, level, at in self.escalated:
            nid += 1
            staff = _SUPER if level == 1 else _MANAGER  # as data.escalation._recipients
            number, title = self.order_names[wid]
            rows.append((nid, staff, "escalation", f"{level} 级：{number} {title} —— 已超过期限",
                         "", "work_order", wid, f"escalation:{wid}:{level}:{staff}",
                         t.fmt(at), None if at >= since else t.fmt(at + 1800)))
        for call_id, staff, due, person, number in self.due_callbacks:
            nid += 1
            who = self.person_name[person] if person else number[:3] + "****" + number[-4:]
            stamp = t.fmt(due)
            rows.append((nid, staff, "callback", f"回电 {who}", "",
                         "call", call_id, f"callback:{call_id}:{stamp[:16].translate(_DIGITS_ONLY)}",
                         stamp, None if due >= since else t.fmt(due + 1200)))
        self.conn.executemany(
            "INSERT INTO notification (id, staff_id, kind, title, body, entity, entity_id, "
            "dedupe_key, created_at, read_at) VALUES (?,?,?,?,?,?,?,?,?,?)",
            rows,
        )

    def told_callbacks(self) -> None:
        """The callbacks the later domains made (missed calls, contract renewals, …) told as
        the sweeps of the days before would have told them (data.calls.notify_due_callbacks'
        dedupe key): read, except those due since yesterday's end of the working day — so the
        first sweep of a session sends nothing old."""
        since = self.t.fmt(self.t.at(-1, 17))
        told = {key for (key,) in self.conn.execute(
            "SELECT dedupe_key FROM notification WHERE kind = 'callback'")}
        rows = []
        for call_id, staff, due, number in self.conn.execute(
                "SELECT id, COALESCE(callback_assignee_id, staff_id), callback_due, number FROM call "
                "WHERE callback_due IS NOT NULL AND callback_done_at IS NULL AND callback_due <= ?",
                (self.anchor,)).fetchall():
            key = f"callback:{call_id}:{str(due)[:16].translate(_DIGITS_ONLY)}"
            if key in told or staff is None:
                continue
            who = number[:3] + "****" + number[-4:] if number else "来电"
            rows.append((staff, "callback", f"回电 {who}", "", "call", call_id, key, due,
                         None if str(due) >= since else due))
        self.conn.executemany(
            "INSERT INTO notification (staff_id, kind, title, body, entity, entity_id, dedupe_key, "
            "created_at, read_at) VALUES (?,?,?,?,?,?,?,?,?)", rows)

    def settings(self) -> None:
        self.conn.executemany(
            "INSERT INTO setting (key, value, updated_by_id, updated_at) VALUES (?,?,?,?)",
            [("callback_target_percent", "80", None, self.anchor),
             # The mark `sample --force` looks for: only a demo database may be replaced.
             (DEMO_MARK, "1", None, self.anchor),
             # The day the data was made for: data.demo moves a copy to another day.
             (DEMO_ANCHOR, self.t.today.isoformat(), None, self.anchor)],
        )


__all__ = ["COMPOUND_SURNAMES", "DEFAULT_TAGS", "POLYPHONIC_SURNAMES", "SAMPLE_PASSWORD", "STAFF", "SampleStats",
           "dump", "generate"]
