"""Imports are bounded (security review finding 10) and name a mixed-encoding file
(finding 21): files, .xlsx parts, rows, cells and characters above `data.limits` are
refused before they are read whole, quickly, in a short message, with little memory; a CSV
that is UTF-8 in its header and GBK in its body is named, not read as mojibake.

The roster tests run on SQLite and, with FRONTDESK_TEST_PG, on PostgreSQL; the CLI ones
on the SQLite file the CLI opens.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from data import calls, holidays, i18n, limits
from data.db import close_database, open_database
from data.errors import FrontDeskError, ValidationError
from data.models import Holiday, Person
from data.roster import import_owners
from data.validators import MixedEncodingError, decode_text
from tests import factories as f
from tests.helpers.cli import run

HEADER = "小区,房号,姓名,身份,手机"
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def english():
    i18n.set_language("en")


@pytest.fixture
def town(database):
    f.community("锦绣花园")
    return f.staff("admin", "周建华", "admin")


@pytest.fixture
def cli_db(sqlite_url):
    """A migrated SQLite file with a community and an administrator, closed for the CLI."""
    open_database(sqlite_url)
    f.community("锦绣花园")
    f.staff("admin", "周建华", "admin")
    close_database()
    return sqlite_url


def _run_import(cli_db: str, path: Path, capsys) -> tuple[int, str, str]:
    code = run(cli_db, "import", "owners", str(path), user="admin", lang="en")
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _people(url: str) -> int:
    open_database(url)
    try:
        return Person.select().count()
    finally:
        close_database()


# --- building .xlsx files by hand, as the review did ----------------------------------------

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
    "</Types>"
)
_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'
    "</Relationships>"
)
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def _sheet(rows: list[list[int]]) -> str:
    """A sheet whose cells point into the shared strings by index."""
    body = "".join(
        f'<row r="{r}">' + "".join(
            f'<c r="{chr(65 + c)}{r}" t="s"><v>{index}</v></c>' for c, index in enumerate(cells)
        ) + "</row>"
        for r, cells in enumerate(rows, start=1)
    )
    return f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{_MAIN}"><sheetData>{body}</sheetData></worksheet>'


def write_xlsx(path: Path, strings: list[str] | None = None, rows: list[list[int]] | None = None,
               *, big_string: tuple[str, int] | None = None) -> Path:
    """An .xlsx with the given shared strings and sheet; `big_string` (character, count)
    appends one shared string of that many characters, written in chunks (never whole in
    memory), as the review's bomb30.xlsx held."""
    strings = strings or []
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _RELS)
        archive.writestr("xl/workbook.xml", _WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        archive.writestr("xl/worksheets/sheet1.xml", _sheet(rows or []))
        count = len(strings) + (1 if big_string else 0)
        with archive.open("xl/sharedStrings.xml", "w", force_zip64=True) as out:
            out.write(f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{_MAIN}" count="{count}" '
                      f'uniqueCount="{count}">'.encode())
            for s in strings:
                out.write(f"<si><t>{s}</t></si>".encode())
            if big_string:
                char, n = big_string
                out.write(b"<si><t>")
                chunk = (char * 1_000_000).encode()
                for _ in range(n // 1_000_000):
                    out.write(chunk)
                out.write((char * (n % 1_000_000)).encode())
                out.write(b"</t></si>")
            out.write(b"</sst>")
    return path


def _bomb30(path: Path) -> Path:
    """The review's bomb30.xlsx: about 32 KB, its sharedStrings one 30 MB string that the
    sheet uses as a header cell."""
    return write_xlsx(path, ["房号", "姓名"], [[2, 0, 1]], big_string=("A", 30_000_000))


# --- finding 10: the bombs ------------------------------------------------------------------


def test_finding10_bomb30_xlsx_is_refused_at_once_in_a_short_message(cli_db, tmp_path, capsys):
    bomb = _bomb30(tmp_path / "bomb30.xlsx")
    assert bomb.stat().st_size < 100_000  # a small file…
    started = time.perf_counter()
    code, out, err = _run_import(cli_db, bomb, capsys)
    seconds = time.perf_counter() - started
    assert code == 2 and out == ""
    assert "zip bomb" in err and "sharedStrings.xml" in err and "Nothing was imported" in err
    assert len(err) < 300 and "AAAAAAAAAA" not in err
    assert seconds < 5  # measured: about 0.01 s (the review saw 8.7 s, 303 MB, a 31 MB message)
    assert _people(cli_db) == 0


def test_finding10_bomb_xlsx_of_300_mb_is_refused_from_its_part_list(cli_db, tmp_path, capsys):
    """The review's 300 KB bomb.xlsx that took 74 s and 2.8 GB: refused on the size of its
    shared strings once uncompressed, before openpyxl reads a byte of them."""
    bomb = write_xlsx(tmp_path / "bomb.xlsx", ["房号", "姓名"], [[2, 0, 1]],
                      big_string=("A", 300_000_000))
    assert bomb.stat().st_size < 1_000_000
    started = time.perf_counter()
    code, _out, err = _run_import(cli_db, bomb, capsys)
    assert code == 2 and time.perf_counter() - started < 5
    assert "sharedStrings.xml" in err and "uncompressed" in err and len(err) < 300


def test_finding10_peak_memory_of_importing_the_bombs_stays_low(cli_db, tmp_path):
    """The whole CLI import of each bomb in a child process, its peak RSS measured there
    (measured: 38 MB and 60 MB, the interpreter and the app included)."""
    files = [_bomb30(tmp_path / "bomb30.xlsx"), _cell_bomb(tmp_path / "cell.xlsx")]
    # VmHWM, not getrusage: Linux carries ru_maxrss over from the forking parent (pytest).
    script = (
        "import sys\n"
        "from tui.cli import main\n"
        "code = main(sys.argv[1:])\n"
        "hwm = [l.split()[1] for l in open('/proc/self/status') if l.startswith('VmHWM')][0]\n"
        "print('PEAK', hwm, code)\n"
    )
    for file in files:
        result = subprocess.run(
            [sys.executable, "-c", script, "--db", cli_db, "--user", "admin", "--lang", "en",
             "import", "owners", str(file)],
            capture_output=True, text=True, cwd=ROOT, env=os.environ.copy(), timeout=120,
        )
        _peak, kb, code = result.stdout.strip().splitlines()[-1].split()
        assert code == "2", result.stderr
        assert int(kb) < 200 * 1024, f"{file.name}: peak {int(kb) // 1024} MB"
        assert len(result.stderr) < 300


def _cell_bomb(path: Path) -> Path:
    """A cell of 5 MB of text that compresses like text (not a zip bomb): read, then refused
    naming its row and column."""
    import random

    rng = random.Random(10)
    text = "".join(rng.choices("张王李赵刘陈杨黄周吴", k=5_000_000))
    return write_xlsx(path, ["房号", "姓名", "1-1-101", text], [[0, 1], [2, 3]])


def test_finding10_an_oversized_cell_is_refused_naming_row_and_column(town, tmp_path, english):
    path = write_xlsx(tmp_path / "long.xlsx", ["房号", "姓名", "1-1-101", "张" * 20_000],
                      [[0, 1], [2, 3]])
    with pytest.raises(FrontDeskError) as caught:
        import_owners(str(path), community="锦绣花园")
    message = caught.value.message
    assert "row 2, column B holds 20000 characters" in message
    assert f"at most {limits.CELL_MAX_CHARS}" in message and len(message) < 300
    assert Person.select().count() == 0


def test_finding10_an_oversized_csv_cell_is_refused_naming_row_and_column(town, tmp_path, english):
    path = tmp_path / "long.csv"
    path.write_text(f"{HEADER}\n锦绣花园,1-1-101,{'李' * 50_000},业主,\n", encoding="utf-8")
    with pytest.raises(FrontDeskError) as caught:
        import_owners(str(path))
    assert "row 2, column C holds 50000 characters" in caught.value.message
    assert len(caught.value.message) < 300


def test_finding10_the_header_mismatch_message_quotes_a_few_dozen_characters(town, tmp_path, english):
    path = tmp_path / "header.csv"
    path.write_text(f"{'A' * 9_000},电话\n甲,13800000001\n", encoding="utf-8")
    with pytest.raises(FrontDeskError) as caught:
        import_owners(str(path), community="锦绣花园")
    message = caught.value.message
    assert "missing: 房号、姓名" in message and "Found: AAAA" in message
    assert "A" * 60 not in message and len(message) < 300


def test_finding10_the_header_mismatch_in_an_xlsx_quotes_a_few_dozen_characters(town, tmp_path, english):
    path = write_xlsx(tmp_path / "header.xlsx", ["B" * 9_000, "电话"], [[0, 1]])
    with pytest.raises(FrontDeskError) as caught:
        import_owners(str(path), community="锦绣花园")
    assert "Found: BBBB" in caught.value.message and len(caught.value.message) < 300


def test_finding10_files_over_the_size_limit_are_refused_before_reading(town, tmp_path, english,
                                                                        monkeypatch):
    monkeypatch.setattr(limits, "ROSTER_CSV_MAX_BYTES", 1024)
    monkeypatch.setattr(limits, "ROSTER_XLSX_MAX_BYTES", 1024)
    csv_path = tmp_path / "big.csv"
    csv_path.write_text(HEADER + "\n" + "锦绣花园,1-1-101,张三,业主,\n" * 100, encoding="utf-8")
    xlsx_path = write_xlsx(tmp_path / "big.xlsx", [f"名{i}" for i in range(500)], [[0, 1]])
    for path in (csv_path, xlsx_path):
        with pytest.raises(ValidationError) as caught:
            import_owners(str(path))
        assert "an owner roster may be at most 1 KB" in caught.value.message
    assert Person.select().count() == 0


def test_finding10_rows_and_cells_over_the_limits_are_refused(town, tmp_path, english, monkeypatch):
    path = tmp_path / "rows.csv"
    path.write_text(HEADER + "\n" + "".join(f"锦绣花园,1-1-{100 + i},张{i},业主,\n" for i in range(20)),
                    encoding="utf-8")
    monkeypatch.setattr(limits, "IMPORT_MAX_ROWS", 10)
    with pytest.raises(FrontDeskError, match="more than 10 rows"):
        import_owners(str(path))
    monkeypatch.setattr(limits, "IMPORT_MAX_ROWS", 100)
    monkeypatch.setattr(limits, "IMPORT_MAX_CELLS", 50)
    with pytest.raises(FrontDeskError, match="more than 50 filled cells"):
        import_owners(str(path))
    assert Person.select().count() == 0


def test_finding10_a_sheet_wider_than_the_column_limit_is_refused(town, tmp_path, english,
                                                                 monkeypatch):
    path = write_xlsx(tmp_path / "wide.xlsx", ["房号", "姓名", "x"], [[0, 1] + [2] * 24])
    monkeypatch.setattr(limits, "IMPORT_MAX_COLUMNS", 20)
    with pytest.raises(FrontDeskError, match="row 1 has more than 20 columns"):
        import_owners(str(path), community="锦绣花园")


def test_finding10_a_roster_within_the_limits_still_imports(town, tmp_path):
    path = write_xlsx(tmp_path / "ok.xlsx", ["房号", "姓名", "1-1-101", "张三"], [[0, 1], [2, 3]])
    report = import_owners(str(path), community="锦绣花园")
    assert report.people_created == 1


def test_finding10_holiday_and_number_files_over_their_limits_are_refused(town, tmp_path, english,
                                                                         monkeypatch):
    monkeypatch.setattr(limits, "HOLIDAY_CSV_MAX_BYTES", 100)
    monkeypatch.setattr(limits, "CALL_LIST_MAX_BYTES", 100)
    hol = tmp_path / "hol.csv"
    hol.write_text("日期,名称,类型\n" + "2027-01-01,测试节,放假\n" * 20, encoding="utf-8")
    with pytest.raises(ValidationError, match="a holiday file may be at most 100 bytes"):
        holidays.import_holidays(str(hol))
    assert Holiday.select().where(Holiday.name == "测试节").count() == 0
    numbers = tmp_path / "numbers.txt"
    numbers.write_text("13800138000\n" * 20, encoding="utf-8")
    with pytest.raises(ValidationError, match="a file of phone numbers may be at most 100 bytes"):
        calls.build_list_from_file(str(numbers), town.id)


def test_quote_shortens_user_data_and_shows_invisible_characters():
    assert limits.quote("短") == "短"
    assert limits.quote("A" * 1000) == "A" * 39 + "…"
    assert len(limits.quote("A" * 1000, 10)) == 10
    assert limits.quote("a\nb\x1b\u202ec") == "a\u240ab\u241b\ufffdc"


# --- finding 21: a UTF-8 header over a GBK body -------------------------------------------------


def _mixed_csv(path: Path) -> Path:
    """The review's imp/mixed.csv: the header saved as UTF-8, the rows pasted in as GBK."""
    path.write_bytes((HEADER + "\n").encode("utf-8") + "锦绣花园,1-1-101,张三,业主,\n".encode("gbk"))
    return path


def test_finding21_mixed_encoding_csv_names_the_line_instead_of_mojibake(cli_db, tmp_path, capsys):
    code, out, err = _run_import(cli_db, _mixed_csv(tmp_path / "mixed.csv"), capsys)
    assert code == 2 and out == ""
    assert "line 2 is not valid UTF-8 although the start of the file is" in err
    assert "save the whole file as UTF-8 (or as GBK)" in err
    assert "灏忓尯" not in err and "missing headers" not in err
    assert _people(cli_db) == 0


def test_finding21_mixed_encoding_in_chinese(town, tmp_path):
    with pytest.raises(FrontDeskError) as caught:
        import_owners(str(_mixed_csv(tmp_path / "mixed.csv")))
    assert "第 2 行不是有效的 UTF-8" in caught.value.message


def test_finding21_mixed_encoding_holiday_and_number_files(town, tmp_path, english):
    hol = tmp_path / "hol.csv"
    hol.write_bytes("日期,名称,类型\n".encode() + "2027-01-01,元旦,放假\n".encode("gbk"))
    with pytest.raises(ValidationError, match="line 2 is not valid UTF-8"):
        holidays.import_holidays(str(hol))
    numbers = tmp_path / "numbers.csv"
    numbers.write_bytes("电话,姓名\n".encode() + "13800138000,张三\n".encode("gbk"))
    with pytest.raises(ValidationError, match="line 2 is not valid UTF-8"):
        calls.build_list_from_file(str(numbers), town.id)


def test_finding21_whole_gbk_files_and_ascii_headers_over_gbk_still_decode():
    assert decode_text((HEADER + "\n张三\n").encode("gbk")) == HEADER + "\n张三\n"
    assert decode_text("room,name\n张三\n".encode("gbk")) == "room,name\n张三\n"
    with pytest.raises(MixedEncodingError) as caught:
        decode_text("\ufeffroom,name\n".encode() + "a\n张三\n".encode("gbk"))
    assert caught.value.line == 3
    assert isinstance(caught.value, UnicodeDecodeError)  # callers catching that still work
