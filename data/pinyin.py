"""Pinyin search keys for Chinese names, reading polyphonic surnames as surnames.

pypinyin reads a name as ordinary text, so 单 comes out `dan`, 曾 `ceng`, 解 `jie`; as
surnames they are `shan`, `zeng`, `xie`. `name_readings` gives the surname reading first
and keeps the common reading as an alternative, so a clerk who types either finds them.
"""

from __future__ import annotations

from functools import lru_cache

#: Compound (two-character) surnames and their readings.
COMPOUND_SURNAMES: dict[str, tuple[str, str]] = {
    "欧阳": ("ou", "yang"), "司马": ("si", "ma"), "诸葛": ("zhu", "ge"),
    "上官": ("shang", "guan"), "东方": ("dong", "fang"), "慕容": ("mu", "rong"),
    "尉迟": ("yu", "chi"), "长孙": ("zhang", "sun"), "万俟": ("mo", "qi"),
    "令狐": ("ling", "hu"), "皇甫": ("huang", "fu"), "公孙": ("gong", "sun"),
    "夏侯": ("xia", "hou"), "宇文": ("yu", "wen"), "司徒": ("si", "tu"),
    "端木": ("duan", "mu"), "澹台": ("tan", "tai"), "轩辕": ("xuan", "yuan"),
    "单于": ("chan", "yu"), "呼延": ("hu", "yan"), "南宫": ("nan", "gong"),
}

#: Single-character surnames whose surname reading differs from the common one.
SURNAME_READINGS: dict[str, str] = {
    "单": "shan", "曾": "zeng", "解": "xie", "仇": "qiu", "区": "ou", "查": "zha",
    "朴": "piao", "覃": "qin", "尉": "yu", "乐": "yue", "缪": "miao", "盖": "ge",
    "种": "chong", "纪": "ji", "冼": "xian", "秘": "bi", "繁": "po", "员": "yun",
    "能": "nai", "召": "shao", "折": "she", "隗": "wei", "句": "gou",
    "燕": "yan", "阚": "kan", "华": "hua", "任": "ren", "洗": "xian", "藏": "zang",
    "翟": "zhai", "祭": "zhai", "谌": "chen", "厍": "she", "蕃": "pi", "褚": "chu",
    "宿": "su", "莘": "shen", "那": "na", "过": "guo", "應": "ying", "沈": "shen",
    "石": "shi", "长": "chang", "薄": "bo", "贲": "ben", "费": "fei", "柏": "bai",
    "牟": "mou", "郇": "xun", "阿": "a", "黑": "he", "鲜": "xian",
}


@lru_cache(maxsize=65536)
def _syllables(text: str) -> tuple[str, ...]:
    """Toneless pinyin of each character; characters without pinyin are kept as they are."""
    # Imported here: pypinyin's dictionaries cost ~150 ms and ~50 MB, which a session
    # should pay only when it actually converts a name, not at start-up.
    from pypinyin import Style, lazy_pinyin

    return tuple(s.lower() for s in lazy_pinyin(text, style=Style.NORMAL, errors="default"))


def name_readings(name: str) -> list[list[str]]:
    """Every reading of `name` as a list of syllables, the surname reading first.

    >>> name_readings("单田芳")
    [['shan', 'tian', 'fang'], ['dan', 'tian', 'fang']]
    """
    name = "".join(name.split())
    if not name:
        return []
    if name[:2] in COMPOUND_SURNAMES and len(name) > 2:
        head = list(COMPOUND_SURNAMES[name[:2]])
        rest = list(_syllables(name[2:]))
        plain = list(_syllables(name))
        readings = [head + rest]
        if plain != readings[0]:
            readings.append(plain)
        return readings
    plain = list(_syllables(name))
    surname = SURNAME_READINGS.get(name[0])
    if surname and plain and plain[0] != surname:
        return [[surname] + plain[1:], plain]
    return [plain]


def full_pinyin(name: str) -> str:
    """The surname-aware full pinyin, run together: 张晓明 → zhangxiaoming."""
    readings = name_readings(name)
    return "".join(readings[0]) if readings else ""


def initials(name: str) -> str:
    """The surname-aware initials: 张晓明 → zxm, 单田芳 → stf."""
    readings = name_readings(name)
    return "".join(s[0] for s in readings[0] if s) if readings else ""
