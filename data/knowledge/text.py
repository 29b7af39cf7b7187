"""The search keys of knowledge-base text, and what a typed query asks for.

Chinese has no spaces between words, and a word of two characters (漏水, 跳闸, 门禁) is the
most common thing a technician types. Every two-character run (bigram) of the Chinese in
an article is kept as a key, so a two-character word is one indexed equality lookup, and
a longer phrase is the articles holding all of its bigrams. A lone Chinese character
between other characters is a key of its own; a word of letters or digits (PPR, E1, 32A)
is one key in lower case. Full-width letters and digits are read as ASCII (NFKC).

Pure functions: no database (the sample generator uses them on its own connection).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

#: A key is at most this long (a long word of letters is cut).
KEY_LENGTH = 20
#: Keys looked up for one query at most (a pasted paragraph is cut).
MAX_QUERY_KEYS = 24

_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_RUNS = re.compile(f"[{_CJK}]+|[A-Za-z0-9]+")


def _runs(text: str) -> list[str]:
    return _RUNS.findall(unicodedata.normalize("NFKC", text or ""))


def _run_keys(run: str) -> list[str]:
    if run.isascii():
        return [run.lower()[:KEY_LENGTH]]
    if len(run) == 1:
        return [run]
    return [run[i:i + 2] for i in range(len(run) - 1)]


def text_keys(text: str) -> list[str]:
    """The distinct keys of `text`, in the order they first occur.

    >>> text_keys("卫生间漏水，PPR管")
    ['卫生', '生间', '间漏', '漏水', 'ppr', '管']
    """
    seen: dict[str, None] = {}
    for run in _runs(text):
        for key in _run_keys(run):
            seen.setdefault(key, None)
    return list(seen)


def article_keys(title: str, *bodies: str) -> dict[str, bool]:
    """Every key of an article's title and body texts → whether the title has it."""
    keys = dict.fromkeys(text_keys(title), True)
    for body in bodies:
        for key in text_keys(body):
            keys.setdefault(key, False)
    return keys


@dataclass(frozen=True)
class ParsedQuery:
    """What a typed query asks for: keys every hit should hold (bigrams and words), lone
    Chinese characters (looked for in the text itself), and, when the whole query is
    letters, the letters to match against the pinyin and initials of titles."""

    keys: tuple[str, ...] = ()
    singles: tuple[str, ...] = ()
    letters: str = ""

    @property
    def empty(self) -> bool:
        return not self.keys and not self.singles


def parse_query(text: str) -> ParsedQuery:
    """`漏水` → keys (漏水,); `卫生间 漏` → keys (卫生, 生间), singles (漏,); `ls` → keys
    (ls,), letters "ls" (pinyin initials of titles, such as 漏水 in 卫生间漏水)."""
    keys: dict[str, None] = {}
    singles: dict[str, None] = {}
    runs = _runs(text)
    for run in runs:
        if not run.isascii() and len(run) == 1:
            singles.setdefault(run, None)
            continue
        for key in _run_keys(run):
            keys.setdefault(key, None)
    letters = ""
    if len(runs) == 1 and runs[0].isascii() and runs[0].isalpha():
        letters = runs[0].lower()[:KEY_LENGTH]
    return ParsedQuery(tuple(list(keys)[:MAX_QUERY_KEYS]), tuple(singles), letters)
