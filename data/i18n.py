"""The one translation layer: gettext catalogs, zh_CN by default, English complete.

Message ids are English; `data/locale/zh_CN` holds the Chinese. Strings defined at import
time are marked with `N_` and translated where they are shown, with `_`.
"""

from __future__ import annotations

import gettext
import os
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
    return gettext.translation(DOMAIN, LOCALE_DIR, languages=[locale])


def N_(message: str) -> str:
    """Mark `message` for translation without translating it now."""
    return message


set_language(None)
