"""Text that fools the display is refused and, when already stored, shown as symbols
(security review finding 19): bidi overrides, isolates and marks, zero-width characters and
the line and paragraph separators, in single-line and multi-line fields, at every entry
point that refuses control characters (forms, CLI, imports).

Runs on SQLite and, with FRONTDESK_TEST_PG, on PostgreSQL (the CLI tests on SQLite).
"""

from __future__ import annotations

import datetime as dt
from functools import partial
from pathlib import Path

import pytest

from data import i18n
from data.db import close_database, open_database
from data.errors import ValidationError
from data.models import Call, Person
from data.roster import ImportRejected, import_owners
from data.validators import INVISIBLE_CHARS, clean_text, show_controls
from tests import factories as f
from tests.data.test_input_hygiene import ENTRY_POINTS, _snapshot, town  # noqa: F401 (fixture)
from tests.helpers.cli import run

#: The review's summary, exactly.
REVIEW_SUMMARY = "\u202eevil\u202c \u2028second line \u200b\ufeff"

#: One of each kind: override, isolate, marks, zero-width, BOM, separators.
SPOOFS = ("\u202e", "\u2067", "\u200f", "\u200e", "\u200b", "\u200d", "\u2060", "\ufeff",
          "\u2028", "\u2029", "\u061c")


@pytest.fixture
def english():
    i18n.set_language("en")


@pytest.fixture
def cli_db(sqlite_url):
    open_database(sqlite_url)
    comm = f.community("锦绣花园")
    f.room(comm, "3", "2", "501")
    f.staff("desk1", "李娜", "desk")
    f.staff("admin", "周建华", "admin")
    close_database()
    return sqlite_url


_cli = partial(run, user=None, lang="en")


def test_finding19_calls_log_summary_of_the_review_is_refused_naming_character_and_position(
        cli_db, capsys):
    code = _cli(cli_db, "--user", "desk1", "calls", "log", "--number", "13800138000",
                "--direction", "in", "--category", "报修", "--summary", REVIEW_SUMMARY)
    captured = capsys.readouterr()
    assert code == 2 and captured.out == ""
    assert "U+202E (RIGHT-TO-LEFT OVERRIDE) at position 1" in captured.err
    assert "\u202e" not in captured.err
    open_database(cli_db)
    try:
        assert Call.select().count() == 0
    finally:
        close_database()


@pytest.mark.parametrize("char", SPOOFS, ids=[f"U+{ord(c):04X}" for c in SPOOFS])
@pytest.mark.parametrize("multiline", [False, True], ids=["single-line", "multi-line"])
def test_finding19_clean_text_refuses_each_invisible_character_naming_it(char, multiline, english):
    with pytest.raises(ValidationError) as caught:
        clean_text(f"张三{char}李四", "note", multiline=multiline)
    assert f"U+{ord(char):04X}" in caught.value.message and "position 3" in caught.value.message


def test_finding19_newline_and_tab_stay_allowed_in_multiline_fields():
    assert clean_text("第一行\n\t第二行", "note", multiline=True) == "第一行\n\t第二行"
    assert clean_text("王小明", "name") == "王小明"


@pytest.mark.parametrize(("entry", "field", "call"), ENTRY_POINTS, ids=[e[0] for e in ENTRY_POINTS])
def test_finding19_every_entry_point_refuses_invisible_characters(town, entry, field, call):  # noqa: F811
    before = _snapshot()
    char = SPOOFS[sum(map(ord, entry)) % len(SPOOFS)]
    with pytest.raises(ValidationError) as caught:
        call(town, f"漏水{char}了")
    assert caught.value.field == field
    assert f"U+{ord(char):04X}" in caught.value.message
    assert _snapshot() == before


def test_finding19_roster_rows_with_invisible_names_are_refused_naming_the_row(database, tmp_path,
                                                                              english):
    f.community("锦绣花园")
    path = Path(tmp_path / "spoof.csv")
    path.write_text("小区,房号,姓名\n锦绣花园,1-1-101,张三\n锦绣花园,1-1-102,\u202e三张\n"
                    "锦绣花园,1-1-103,李\u200b四\n", encoding="utf-8")
    with pytest.raises(ImportRejected) as caught:
        import_owners(str(path))
    assert [(e.row, e.column) for e in caught.value.errors] == [(3, "姓名"), (4, "姓名")]
    assert "U+202E" in caught.value.errors[0].message and "U+200B" in caught.value.errors[1].message
    assert Person.select().count() == 0


def test_finding19_stored_invisible_characters_are_shown_as_symbols():
    shown = show_controls(REVIEW_SUMMARY)
    assert shown == "\ufffdevil\ufffd \u2424second line \ufffd\ufffd"
    assert len(shown) == len(REVIEW_SUMMARY)  # one for one: spans stay in place
    assert not any(ord(ch) in INVISIBLE_CHARS for ch in show_controls("".join(map(chr, INVISIBLE_CHARS))))
    clean = "张三 [red]x[/red]\n\t备注"
    assert show_controls(clean) is clean


def test_finding19_cli_prints_stored_invisible_characters_as_symbols(cli_db, capsys):
    """A summary written before this check (or by another program) is listed as symbols."""
    open_database(cli_db)
    from data.models import Staff

    Call.create(direction="in", number="13800138000", staff=Staff.get(Staff.login == "desk1"),
                started_at=dt.datetime(2026, 11, 26, 9, 0), category="inquiry",
                summary=REVIEW_SUMMARY, duration_s=60, outcome="resolved")
    close_database()
    assert _cli(cli_db, "--user", "desk1", "calls", "list", "--since", "2026-01-01") == 0
    out = capsys.readouterr().out
    assert not any(ord(ch) in INVISIBLE_CHARS for ch in out)
    assert "\ufffdevil\ufffd" in out


@pytest.mark.parametrize("char", ["\u00ad", "\ufe0f", "\U000e0041", "\u3164", "\u115f"])
def test_finding19_other_invisible_characters_found_by_the_attack_are_refused(char):
    """The attack on the fixes typed a soft hyphen, a variation selector, a tag character and
    the Hangul fillers: they show nothing and are refused like the others."""
    from data.errors import ValidationError
    from data.validators import clean_text, show_controls

    with pytest.raises(ValidationError, match=f"U\\+{ord(char):04X}"):
        clean_text(f"tag{char}x", "summary")
    assert show_controls(f"a{char}b") == "a\ufffdb"
