"""The one translation layer: gettext catalogs, zh_CN by default, English complete.

Message ids are English; `data/locale/zh_CN` holds the Chinese. Strings defined at import
time are marked with `N_` and translated where they are shown, with `_`.
"""

from __future__ import annotations

import gettext
import io
import os
import struct
from functools import lru_cache
from pathlib import Path

LOCALE_DIR = Path(__file__).parent / "locale"
DOMAIN = "frontdesk"
LANGUAGES = ("zh", "en")

_translation: gettext.NullTranslations = gettext.NullTranslations()
_language = "zh"


def set_language(lang: str | None) -> str:
    """Switch every later `_()` to `lang` ("zh" or "en"); None picks FRONTDESK_LANG or zh."""
    global _translation, _language
    lang = (lang or os.environ.get("FRONTDESK_LANG") or "zh").lower()
    if lang.startswith("zh"):
        lang = "zh"
    elif lang.startswith("en"):
        lang = "en"
    else:
        raise ValueError(f"unknown language {lang!r}: use zh or en")
    if lang == "zh":
        _translation = _catalog("zh_CN")
    else:
        _translation = gettext.NullTranslations()
    _language = lang
    return lang


def language() -> str:
    """The current interface language, "zh" or "en"."""
    return _language


def _(message: str) -> str:
    """Translate `message` into the current language."""
    return _translation.gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """Translate a message with a count."""
    return _translation.ngettext(singular, plural, n)


def in_language(message: str, lang: str) -> str:
    """Translate `message` into `lang` ("zh" or "en") whatever the current language."""
    if lang == "en":
        return message
    return _catalog("zh_CN").gettext(message)


@lru_cache(maxsize=4)
def _catalog(locale: str) -> gettext.NullTranslations:
    return gettext.translation(DOMAIN, LOCALE_DIR, languages=[locale], class_=_MoTranslations)


_LE_MAGIC = 0x950412DE  # a .mo file written little-endian (msgfmt and pybabel on x86 and ARM)


class _MoIndex:
    """The messages of a .mo file looked up in place, by bisecting its sorted table of
    message ids, each decoded when first asked for: gettext's own parser decodes all
    5 000 pairs at start (about 7 ms of every cold start, issue 21). Keys as gettext's
    catalog has them: the message id, or (singular, plural index)."""

    def __init__(self, data: bytes, count: int, ids_at: int, strs_at: int) -> None:
        self._data, self._count, self._ids_at, self._strs_at = data, count, ids_at, strs_at
        self._found: dict[object, str | None] = {}

    def _id(self, i: int) -> bytes:
        length, at = struct.unpack_from("<2I", self._data, self._ids_at + 8 * i)
        return self._data[at:at + length]

    def _str(self, i: int) -> bytes:
        length, at = struct.unpack_from("<2I", self._data, self._strs_at + 8 * i)
        return self._data[at:at + length]

    def _first_at_least(self, key: bytes) -> int:
        lo, hi = 0, self._count
        while lo < hi:
            mid = (lo + hi) // 2
            if self._id(mid) < key:
                lo = mid + 1
            else:
                hi = mid
        return lo

    def _lookup(self, key: object) -> str | None:
        if isinstance(key, tuple):  # (singular, n): the id is "singular\0plural"
            singular, index = key
            prefix = str(singular).encode() + b"\0"
            i = self._first_at_least(prefix)
            if i < self._count and self._id(i).startswith(prefix):
                forms = self._str(i).split(b"\0")
                if 0 <= index < len(forms):
                    return forms[index].decode()
            return None
        wanted = str(key).encode()
        i = self._first_at_least(wanted)
        if i < self._count and self._id(i) == wanted:
            return self._str(i).decode()
        return None

    def get(self, key: object, default: object = None) -> object:
        try:
            found = self._found[key]
        except KeyError:
            found = self._found[key] = self._lookup(key)
        return default if found is None else found

    def __getitem__(self, key: object) -> object:
        missing = object()
        found = self.get(key, missing)
        if found is missing:
            raise KeyError(key)
        return found

    def __contains__(self, key: object) -> bool:
        return self.get(key) is not None


class _MoTranslations(gettext.GNUTranslations):
    """GNUTranslations whose catalog is read in place (_MoIndex), UTF-8 as ours are; any
    other file (big-endian, another charset) is parsed as gettext does."""

    def _parse(self, fp) -> None:
        data = fp.read()
        magic, _revision, count, ids_at, strs_at = struct.unpack_from("<5I", data)
        index = _MoIndex(data, count, ids_at, strs_at)
        header = index.get("", "") if magic == _LE_MAGIC else None
        if not isinstance(header, str) or "charset=utf-8" not in header.lower().replace(" ", ""):
            super()._parse(io.BytesIO(data))
            return
        self._info = {}
        self.plural = lambda n: int(n != 1)
        for line in header.splitlines():
            name, _sep, value = line.partition(":")
            if not _sep:
                continue
            name, value = name.strip().lower(), value.strip()
            self._info[name] = value
            if name == "content-type":
                self._charset = value.split("charset=")[1]
            elif name == "plural-forms":
                self.plural = gettext.c2py(value.split(";")[1].split("plural=")[1])
        self._catalog = index


def N_(message: str) -> str:
    """Mark `message` for translation without translating it now."""
    return message


set_language(None)
