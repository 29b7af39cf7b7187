"""The translation layer: every interface string has its Chinese, and the .mo is current."""

from __future__ import annotations

import io
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from data import i18n

ROOT = Path(__file__).resolve().parents[2]
PO = ROOT / "data" / "locale" / "zh_CN" / "LC_MESSAGES" / "frontdesk.po"
MO = PO.with_suffix(".mo")
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2)}


def _source_ids() -> set[str]:
    ids = set()
    for package in ("data", "tui", "screens", "widgets"):
        for _file, _line, message, _comments, _context in extract_from_dir(
            ROOT / package, keywords=KEYWORDS, comment_tags=()
        ):
            ids.add(message[0] if isinstance(message, tuple) else message)
    return ids


def test_every_interface_string_has_a_chinese_translation():
    catalog = read_po(PO.open("rb"))
    translated = {m.id for m in catalog if m.id and m.string}
    missing = sorted(_source_ids() - translated)
    assert not missing, f"add these to {PO.name} (make i18n-update, translate, make i18n): {missing}"


def test_compiled_catalog_matches_the_po_file():
    po = {m.id: m.string for m in read_po(PO.open("rb")) if m.id}
    mo = {m.id: m.string for m in read_mo(io.BytesIO(MO.read_bytes())) if m.id}
    assert po == mo, "run `make i18n` to recompile the catalog"


def test_switching_language():
    i18n.set_language("en")
    assert i18n._("Owner") == "Owner"
    i18n.set_language("zh")
    assert i18n._("Owner") == "业主"
    assert i18n.in_language("Owners", "zh") == "业主"
    assert i18n.in_language("Owners", "en") == "Owners"


def test_the_catalog_read_in_place_says_what_gettext_parsing_it_says():
    """The zh_CN catalog is looked up in the .mo itself (not parsed whole at start): every
    message, a message it lacks, and a plural form come out as gettext's own parser has them."""
    import gettext

    parsed = gettext.GNUTranslations(io.BytesIO(MO.read_bytes()))
    in_place = i18n._catalog("zh_CN")
    assert isinstance(in_place, i18n._MoTranslations)
    for message, translation in parsed._catalog.items():  # type: ignore[attr-defined]
        if message:
            assert in_place.gettext(message) == translation, message
    assert in_place.gettext("No such message, surely") == "No such message, surely"
    assert in_place.ngettext("{n} owner", "{n} owners", 3) == parsed.ngettext("{n} owner", "{n} owners", 3)
    assert in_place.info()["language"] == parsed.info()["language"]
    assert in_place.plural(5) == parsed.plural(5)
