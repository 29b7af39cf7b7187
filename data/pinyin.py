"""Pinyin search keys for Chinese names, reading polyphonic surnames as surnames.

pypinyin reads a name as ordinary text, so 单 comes out `dan`, 曾 `ceng`, 解 `jie`; as
surnames they are `shan`, `zeng`, `xie`. `name_readings` gives the surname reading first
and keeps the common reading as an alternative, so a clerk who types either finds them.
"""

from __future__ import annotations

import re
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


#: Every Mandarin syllable as pypinyin writes it without tones (ü as v), for splitting
#: typed pinyin such as "zhangxm" into syllables and initials.
SYLLABLES = frozenset(
    """a ai an ang ao ba bai ban bang bao bei ben beng bi bian biao bie bin bing bo bu ca cai
    can cang cao ce cen ceng cha chai chan chang chao che chen cheng chi chong chou chu chua
    chuai chuan chuang chui chun chuo ci cong cou cu cuan cui cun cuo da dai dan dang dao de
    dei den deng di dia dian diao die ding diu dong dou du duan dui dun duo e ei en eng er fa
    fan fang fei fen feng fo fou fu ga gai gan gang gao ge gei gen geng gong gou gu gua guai
    guan guang gui gun guo ha hai han hang hao he hei hen heng hong hou hu hua huai huan huang
    hui hun huo ji jia jian jiang jiao jie jin jing jiong jiu ju juan jue jun ka kai kan kang
    kao ke kei ken keng kong kou ku kua kuai kuan kuang kui kun kuo la lai lan lang lao le lei
    leng li lia lian liang liao lie lin ling liu lo long lou lu luan lue lun luo lv lve ma mai
    man mang mao me mei men meng mi mian miao mie min ming miu mo mou mu na nai nan nang nao ne
    nei nen neng ni nian niang niao nie nin ning niu nong nou nu nuan nue nun nuo nv nve o ou
    pa pai pan pang pao pei pen peng pi pian piao pie pin ping po pou pu qi qia qian qiang qiao
    qie qin qing qiong qiu qu quan que qun ran rang rao re ren reng ri rong rou ru rua ruan rui
    run ruo sa sai san sang sao se sen seng sha shai shan shang shao she shei shen sheng shi
    shou shu shua shuai shuan shuang shui shun shuo si song sou su suan sui sun suo ta tai tan
    tang tao te teng ti tian tiao tie ting tong tou tu tuan tui tun tuo wa wai wan wang wei wen
    weng wo wu xi xia xian xiang xiao xie xin xing xiong xiu xu xuan xue xun ya yan yang yao ye
    yi yin ying yo yong you yu yuan yue yun za zai zan zang zao ze zei zen zeng zha zhai zhan
    zhang zhao zhe zhei zhen zheng zhi zhong zhou zhu zhua zhuai zhuan zhuang zhui zhun zhuo zi
    zong zou zu zuan zui zun zuo""".split()
)


#: Every beginning of a syllable ("zh", "zhua", …): an unfinished last piece is one of these.
SYLLABLE_PREFIXES = frozenset(s[:i] for s in SYLLABLES for i in range(1, len(s) + 1))


def split_typed_pinyin(text: str, limit: int = 4) -> list[list[str]]:
    """Ways to read typed letters as syllables and initials, fewest pieces first.

    Each piece is a whole syllable or a single letter standing for a syllable's initial;
    the last piece may be an unfinished syllable. "zhangxm" → [["zhang", "x", "m"], …].
    """
    text = text.lower()
    results: list[list[str]] = []
    budget = [2000]  # bounds the work on long or odd input

    def walk(start: int, pieces: list[str]) -> None:
        budget[0] -= 1
        if len(results) >= 64 or budget[0] < 0:
            return
        if start == len(text):
            results.append(list(pieces))
            return
        rest = text[start:]
        for end in range(len(rest), 1, -1):  # whole syllables, longest first
            piece = rest[:end]
            last = start + end == len(text)
            if piece in SYLLABLES or (last and piece in SYLLABLE_PREFIXES):
                walk(start + end, pieces + [piece])
        walk(start + 1, pieces + [rest[0]])  # one letter: an initial

    walk(0, [])
    results.sort(key=lambda pieces: (len(pieces), pieces))
    return results[:limit]


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


def initials(name: str) -> str:
    """The surname-aware initials: 张晓明 → zxm, 单田芳 → stf."""
    readings = name_readings(name)
    return "".join(s[0] for s in readings[0] if s) if readings else ""


#: Runs of Chinese characters, and of ASCII letters and digits, in ordinary text.
_TEXT_RUNS = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+|[A-Za-z0-9]+")


def text_pinyin(text: str) -> tuple[str, str]:
    """(full pinyin, initials) of ordinary text such as a title, read as words, not as a
    name: 卫生间漏水 → ("weishengjianloushui", "wsjls"). Letters and digits are kept whole,
    in lower case ("PPR管" → ("pprguan", "pprg")); anything else is dropped."""
    full: list[str] = []
    heads: list[str] = []
    for match in _TEXT_RUNS.finditer(text):
        run = match.group()
        if run.isascii():
            full.append(run.lower())
            heads.append(run.lower())
            continue
        syllables = [s for s in _syllables(run) if s.isascii() and s.isalpha()]
        full.append("".join(syllables))
        heads.append("".join(s[0] for s in syllables))
    return "".join(full), "".join(heads)
