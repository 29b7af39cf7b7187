"""The roster the import benchmark reads (`frontdesk bench --only import`, issue 21 item 6):
a realistic owner roster of `rows` rows as a property company exports it — households of an
owner with a co-owner, family and a tenant, phones (one owner in seven gives two), ID
numbers, plates, tags and notes here and there, the 建筑面积 on most rows, an owner now and
then holding a second room — in two communities whose rooms do not exist yet, so the first
import creates every room, person, phone and occupancy, and the second finds them all.

Deterministic: the same `rows` and `seed` give the same file."""

from __future__ import annotations

import csv
import datetime as dt
import random
from pathlib import Path

from data.idnumbers import make_id_number

#: The communities the roster names (the bench creates them before importing).
COMMUNITIES = ("基准花园", "基准水岸")
HEADER = ("小区", "房号", "姓名", "身份", "手机", "证件号码", "车牌", "标签", "备注", "建筑面积")

_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
_GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰涛明超秀霞平刚建国文海晓俊浩宇嘉家天永春德立振博思泽华林成龙轩航然哲豪睿阳雅婷欣佳雨梦美淑桂玉英兰娟萍红燕琳雯怡琪涵萱颖洁倩丹"
_AREAS = ("310101", "310104", "310105", "310110", "310112", "310115", "320102", "330106", "340104")
_MOBILE = ("130", "133", "135", "136", "137", "138", "139", "150", "158", "186", "188", "189", "199")
_TAGS = ("独居老人", "需上门", "业委会委员", "VIP", "欠费提醒", "装修中")
_NOTES = ("行动不便，上门服务前请先电话联系", "仅工作日晚上在家", "房屋出租中，维修事宜联系租户",
          "家中养狗，上门注意", "听力不好，请发短信或当面沟通")
_PLATE_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"


class _Unique:
    """Draws values from `make` until one is new (phones, ID numbers and plates are unique)."""

    def __init__(self) -> None:
        self.seen: set[str] = set()

    def __call__(self, make) -> str:
        while True:
            value = make()
            if value not in self.seen:
                self.seen.add(value)
                return value


def roster_rows(rows: int, seed: int = 7) -> list[list[str]]:
    """The data rows of the benchmark roster (see the module docstring), in the file's order."""
    rng = random.Random(seed)
    phones, ids, plates = _Unique(), _Unique(), _Unique()

    def name() -> str:
        return rng.choice(_SURNAMES) + "".join(rng.choice(_GIVEN) for _ in range(rng.choice((1, 2, 2))))

    def phone() -> str:
        return phones(lambda: rng.choice(_MOBILE) + f"{rng.randrange(10 ** 8):08d}")

    def id_number() -> str:
        born = dt.date(1940, 1, 1) + dt.timedelta(days=rng.randrange(60 * 365))
        return ids(lambda: make_id_number(rng.choice(_AREAS), born, rng.randrange(1000)))

    def plate() -> str:
        return plates(lambda: "沪" + rng.choice(_PLATE_LETTERS) + "·" + f"{rng.randrange(10 ** 5):05d}")

    out: list[list[str]] = []
    owners: list[list[str]] = []  # owner rows already written: some own a second room
    household = 0
    while len(out) < rows:
        community = COMMUNITIES[household % len(COMMUNITIES)]
        index = household // len(COMMUNITIES)
        building, rest = divmod(index, 144)  # 2 entrances × 18 floors × 4 rooms a floor
        entrance, rest = divmod(rest, 72)
        floor, unit = divmod(rest, 4)
        room = f"{building + 1}-{entrance + 1}-{floor + 1}{unit + 1:02d}"
        area = f"{rng.uniform(55, 160):.2f}" if rng.random() < 0.7 else ""
        household += 1
        if owners and rng.random() < 0.03:  # an owner of an earlier room buys this one too
            earlier = rng.choice(owners)
            out.append([community, room, earlier[2], "业主", earlier[4], earlier[5], "", "", "", area])
        else:
            numbers = [phone()] + ([phone()] if rng.random() < 0.15 else [])
            owner = [community, room, name(), "业主", "/".join(numbers),
                     id_number() if rng.random() < 0.75 else "",
                     plate() if rng.random() < 0.35 else "",
                     rng.choice(_TAGS) if rng.random() < 0.05 else "",
                     rng.choice(_NOTES) if rng.random() < 0.05 else "", area]
            owners.append(owner)
            out.append(owner)
        if rng.random() < 0.45:
            out.append([community, room, name(), "共有人", phone(),
                        id_number() if rng.random() < 0.5 else "", "", "", "", area])
        if rng.random() < 0.4:
            out.append([community, room, name(), "家属", phone() if rng.random() < 0.5 else "",
                        "", "", "", "", area])
        if rng.random() < 0.15:
            out.append([community, room, name(), "租户", phone(), "",
                        plate() if rng.random() < 0.2 else "", "", "", area])
    return out[:rows]


def write_roster(path: str | Path, rows: int, seed: int = 7) -> Path:
    """Write the benchmark roster of `rows` rows as a UTF-8 CSV file (with a BOM, as Excel
    saves one); returns its path."""
    target = Path(path)
    with target.open("w", encoding="utf-8-sig", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(HEADER)
        writer.writerows(roster_rows(rows, seed))
    return target
