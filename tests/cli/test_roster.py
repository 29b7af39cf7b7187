"""Owner roster import: formats, validation, all-or-nothing, skipping, merging, the CLI."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest

from data import i18n, people, roster
from data.db import close_database, open_database
from data.errors import FrontDeskError, NotFoundError
from data.models import (
    ALL_MODELS,
    Community,
    Occupancy,
    Person,
    PersonTag,
    Phone,
    Room,
    Tag,
    Vehicle,
)
from data.people import PersonInput
from data.roster import ImportRejected, import_owners
from data.search import search
from tests import factories as f
from tui.cli import main

DATA = Path(__file__).resolve().parents[1] / "files"
GOOD = DATA / "roster_good.csv"
GBK = DATA / "roster_gbk.csv"
XLSX = DATA / "roster_good.xlsx"
MIXED = DATA / "roster_mixed.csv"

HEADER = "小区,房号,姓名,身份,手机,证件号码,车牌,标签,备注"
ZHANG_ID = "310104197503121230"  # 张晓明 in roster_good.csv


@pytest.fixture
def town(database):
    """The two communities the sample rosters name."""
    return {"锦绣花园": f.community("锦绣花园"), "阳光水岸": f.community("阳光水岸")}


@pytest.fixture
def english():
    i18n.set_language("en")


def counts() -> dict[str, int]:
    """Rows in every table."""
    return {model.__name__: model.select().count() for model in ALL_MODELS}


def write_csv(tmp_path: Path, *lines: str, name: str = "roster.csv", header: str = HEADER) -> str:
    path = tmp_path / name
    path.write_text("\n".join([header, *lines]) + "\n", encoding="utf-8")
    return str(path)


def person_named(name: str) -> Person:
    return Person.get(Person.name == name)


def phones_of(person: Person) -> set[str]:
    return {p.number for p in Phone.select().where(Phone.person == person)}


def plates_of(person: Person) -> set[str]:
    return {v.plate for v in Vehicle.select().where(Vehicle.person == person)}


def tags_of(person: Person) -> set[str]:
    return {t.name for t in Tag.select().join(PersonTag).where(PersonTag.person == person)}


def rooms_of(person: Person) -> set[tuple[str, str, str]]:
    """(community, room code, role) of each current occupancy."""
    query = (
        Occupancy.select(Occupancy.role, Room.code, Community.name)
        .join(Room)
        .join(Community)
        .where(Occupancy.person == person, Occupancy.end_date.is_null())
    )
    return {(o.room.community.name, o.room.code, o.role) for o in query}


# --- good files ------------------------------------------------------------------------------


@pytest.mark.parametrize("path", [GOOD, GBK, XLSX], ids=["utf8", "gbk", "xlsx"])
def test_good_roster_imports_everything_in_it(town, path):
    report = import_owners(str(path))

    assert report.rows == 12
    assert report.rejected == [] and report.rejects_path is None
    assert report.people_created == 11  # 张晓明 is on two rows
    assert report.people_matched == 0
    assert report.rooms_created == 6
    assert report.occupancies_added == 12
    assert report.phones_added == 12
    assert report.vehicles_added == 5
    assert report.tags_added == 4
    assert report.rows_unchanged == 0

    zhang = person_named("张晓明")
    assert phones_of(zhang) == {"13800138000", "13900001111"}
    assert zhang.id_number == ZHANG_ID and zhang.gender == "M"
    assert rooms_of(zhang) == {("锦绣花园", "3-2-501", "owner"), ("锦绣花园", "3-2-601", "owner")}
    assert plates_of(zhang) == {"沪A12345"}
    assert tags_of(zhang) == {"业委会委员"}

    assert rooms_of(person_named("李芳")) == {("锦绣花园", "3-2-501", "co_owner")}
    baby = person_named("张小宝")
    assert rooms_of(baby) == {("锦绣花园", "3-2-501", "family")} and phones_of(baby) == set()

    wang = person_named("王建国")
    assert rooms_of(wang) == {("锦绣花园", "3-2-502", "owner")}
    assert plates_of(wang) == {"沪B54321", "沪AD12345"}
    assert tags_of(wang) == {"独居老人", "需上门"}
    assert wang.note == "腿脚不便，上门前先打电话"

    zhao = person_named("赵磊")
    assert rooms_of(zhao) == {("锦绣花园", "3-2-502", "tenant")}
    assert phones_of(zhao) == {"13600002222"}

    assert phones_of(person_named("刘洋")) == {"021-62345678"}
    assert phones_of(person_named("吴敏")) == {"0571-8765432-801"}
    sun = person_named("孙丽")
    assert rooms_of(sun) == {("阳光水岸", "1-1-101", "owner")}
    assert phones_of(sun) == {"13611112222", "13622223333"}
    assert plates_of(sun) == {"粤B12345D"}
    assert rooms_of(person_named("郑强")) == {("阳光水岸", "2-3-802", "co_owner")}

    # Everyone is findable the way a clerk looks for them.
    hit = search("张晓明").hits[0]
    assert hit.name == "张晓明" and set(hit.rooms) == {"3-2-501", "3-2-601"}
    assert [h.name for h in search("13900001111").hits] == ["张晓明"]
    assert [h.name for h in search("沪B54321").hits] == ["王建国"]
    assert "周杰" in [h.name for h in search("zhoujie").hits]
    occupants = {h.name for h in search("2-3-802", community_id=town["阳光水岸"].id).hits}
    assert occupants == {"吴敏", "郑强"}


def test_importing_the_same_roster_again_changes_nothing(town):
    first = import_owners(str(GOOD))
    assert first.people_created == 11
    before = counts()

    for path in (GOOD, GBK, XLSX):
        again = import_owners(str(path))
        assert again.rows_unchanged == again.rows == 12
        assert again.people_created == 0 and again.people_matched == 11
        assert (again.rooms_created, again.occupancies_added, again.phones_added,
                again.vehicles_added, again.tags_added, again.people_updated) == (0, 0, 0, 0, 0, 0)
        assert counts() == before


def test_blank_rows_are_ignored_and_row_numbers_stay_those_of_the_sheet(town, tmp_path):
    path = write_csv(tmp_path, "锦绣花园,1-1-101,甲,,13800000001,,,,", ",,,,,,,,", "",
                     "锦绣花园,1-1-102,乙,,1380000000,,,,")
    with pytest.raises(ImportRejected) as caught:
        import_owners(path)
    assert [e.row for e in caught.value.errors] == [5]


# --- bad rows -----------------------------------------------------------------------------------


def test_a_file_with_bad_rows_is_rejected_whole_listing_every_bad_row(town, english):
    before = counts()
    progress: list[tuple[int, int]] = []
    with pytest.raises(ImportRejected) as caught:
        import_owners(str(MIXED), progress=lambda d, t: progress.append((d, t)))
    assert progress == []  # nothing is written, so the CLI draws no bar over the message

    errors = caught.value.errors
    assert [(e.row, e.column) for e in errors] == [
        (3, "手机"), (4, "证件号码"), (5, "房号"), (6, "姓名"), (7, "备注"), (8, "身份"),
    ]
    message = str(caught.value)
    for e in errors:
        assert f"Row {e.row}, {e.column}: " in message
    assert "1380013800" in message  # the bad phone as it was typed
    assert "check digit" in message
    assert "U+001B" in message and "\x1b" not in message
    assert "房东" in message
    assert "nothing was imported" in message and "--skip-invalid" in message
    assert counts() == before


def test_skip_invalid_imports_the_good_rows_and_writes_the_rejects(town, tmp_path, english):
    path = tmp_path / "名册.csv"
    shutil.copy(MIXED, path)
    progress: list[tuple[int, int]] = []

    report = import_owners(str(path), skip_invalid=True, progress=lambda d, t: progress.append((d, t)))

    assert report.rows == 8
    assert report.people_created == 2
    assert {p.name for p in Person.select()} == {"张晓明", "吴敏"}
    assert report.rejects_path == str(tmp_path / "名册.rejects.csv")
    assert [e.row for e in report.rejected] == [3, 4, 5, 6, 7, 8]
    assert not Person.select().where(Person.note.contains("\x1b")).exists()

    raw = Path(report.rejects_path).read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM: Excel opens it as UTF-8
    with open(report.rejects_path, encoding="utf-8-sig", newline="") as fh:
        lines = list(csv.reader(fh))
    assert lines[0] == HEADER.split(",") + ["行号", "原因"]
    assert [line[-2] for line in lines[1:]] == ["3", "4", "5", "6", "7", "8"]
    assert lines[1][4] == "1380013800"  # the original cells, as they were
    assert lines[1][-1].startswith("手机: ")
    assert lines[3][-1].startswith("房号: ")
    assert "U+001B" in lines[5][-1]

    summary = report.summary()
    assert "Skipped 6 invalid rows" in summary and report.rejects_path in summary
    for row in (3, 4, 5, 6, 7, 8):
        assert f"Row {row}, " in summary

    assert progress == [(done, 8) for done in range(1, 9)]  # rows, skipped ones included


def test_rejects_go_where_they_are_asked_to(town, tmp_path):
    target = tmp_path / "out" / "bad.csv"
    target.parent.mkdir()
    report = import_owners(str(MIXED), skip_invalid=True, rejects_path=str(target))
    assert report.rejects_path == str(target) and target.exists()
    assert not (DATA / "roster_mixed.rejects.csv").exists()


def test_a_control_character_is_refused_naming_it(town, tmp_path):
    path = write_csv(tmp_path, "锦绣花园,1-1-101,张三\x1b[2J,,,,,,")
    with pytest.raises(ImportRejected) as caught:
        import_owners(path)
    (error,) = caught.value.errors
    assert (error.row, error.column) == (2, "姓名")
    assert "U+001B" in error.message
    assert Person.select().count() == 0


def test_markup_in_a_name_is_stored_literally(town, tmp_path):
    path = write_csv(tmp_path, "锦绣花园,1-1-101,[red]x[/red],,13800000001,,,,[b]备注[/b]")
    import_owners(path)
    person = Person.get()
    assert person.name == "[red]x[/red]" and person.note == "[b]备注[/b]"


def test_every_kind_of_bad_cell_is_reported(town, tmp_path, english):
    path = write_csv(
        tmp_path,
        "无名小区,1-1-101,甲,,,,,,",
        "锦绣花园,1-1-101,乙,,13800000001；12345,,沪I·12345,,",
        "锦绣花园,,丙,,,,,,",
        "锦绣花园,1-1-101,丁,,,1101051949123100,,,",
    )
    with pytest.raises(ImportRejected) as caught:
        import_owners(path)
    found = [(e.row, e.column) for e in caught.value.errors]
    assert found == [(2, "小区"), (3, "手机"), (3, "车牌"), (4, "房号"), (5, "证件号码")]
    messages = [e.message for e in caught.value.errors]
    assert "无名小区" in messages[0] and "锦绣花园" in messages[0]
    assert messages[1].startswith("“12345”")
    assert "I or O" in messages[2]


def test_one_id_number_on_two_names_is_refused(town, tmp_path):
    path = write_csv(tmp_path, f"锦绣花园,1-1-101,张晓明,,,{ZHANG_ID},,,",
                     f"锦绣花园,1-1-102,张小明,,,{ZHANG_ID},,,")
    with pytest.raises(ImportRejected) as caught:
        import_owners(path)
    (error,) = caught.value.errors
    assert (error.row, error.column) == (3, "证件号码") and "张晓明" in error.message


def test_a_failure_while_writing_leaves_the_database_unchanged(town, monkeypatch):
    from data.roster import writing

    before = counts()
    real_insert = writing._insert
    written: list[str] = []

    def failing_insert(model, rows, **kwargs):
        if model is Occupancy:  # rooms, people and phones are written by now
            raise RuntimeError("disk on fire")
        written.append(model.__name__)
        return real_insert(model, rows, **kwargs)

    monkeypatch.setattr(writing, "_insert", failing_insert)
    with pytest.raises(RuntimeError):
        import_owners(str(GOOD))
    assert {"Room", "Person", "Phone"} <= set(written)
    assert counts() == before


# --- merging with people already known -----------------------------------------------------------------


def test_a_row_merges_into_the_person_with_the_same_id_number(town, tmp_path):
    known = people.create_person(PersonInput(name="张晓明", id_number=ZHANG_ID, phones=["13500000000"],
                                             note="老业主"))
    people.set_tags(known, ["VIP"])
    path = write_csv(tmp_path, f"锦绣花园,3-2-501,张晓明,业主,13800138000,{ZHANG_ID},沪A·12345,业委会委员,新备注")

    report = import_owners(path)

    assert Person.select().count() == 1
    assert (report.people_created, report.people_matched) == (0, 1)
    zhang = Person.get_by_id(known)
    assert phones_of(zhang) == {"13500000000", "13800138000"}
    assert tags_of(zhang) == {"VIP", "业委会委员"}  # merged, not replaced
    assert plates_of(zhang) == {"沪A12345"}
    assert rooms_of(zhang) == {("锦绣花园", "3-2-501", "owner")}
    assert zhang.note == "老业主"  # a note is only filled in, never overwritten
    assert report.people_updated == 0


def test_a_row_merges_on_same_name_and_phone_and_fills_in_what_was_missing(town, tmp_path):
    known = people.create_person(PersonInput(name="李芳", phones=["139 1234 5678"]))
    path = write_csv(tmp_path, "锦绣花园,3-2-501,李芳,共有人,13912345678,310112198206214566,,,二楼邻居钥匙")

    report = import_owners(path)

    assert Person.select().count() == 1
    assert (report.people_matched, report.people_updated, report.phones_added) == (1, 1, 0)
    li = Person.get_by_id(known)
    assert li.id_number == "310112198206214566" and li.gender == "F"
    assert li.note == "二楼邻居钥匙"
    assert import_owners(path).rows_unchanged == 1


def test_same_name_and_phone_but_another_id_number_is_another_person(town, tmp_path):
    people.create_person(PersonInput(name="李芳", id_number="310112198206214566", phones=["13912345678"]))
    path = write_csv(tmp_path, "锦绣花园,3-2-501,李芳,,13912345678,440305197904225627,,,")
    report = import_owners(path)
    assert report.people_created == 1 and Person.select().count() == 2


def test_a_row_without_phone_or_id_is_the_same_person_in_the_same_room(town, tmp_path):
    path = write_csv(tmp_path, "锦绣花园,3-2-501,张小宝,家属,,,,,", "锦绣花园,3-2-502,张小宝,家属,,,,,")
    first = import_owners(path)
    assert first.people_created == 2  # same name, nothing else in common: two children
    before = counts()
    assert import_owners(path).rows_unchanged == 2
    assert counts() == before


def test_another_role_in_the_same_room_is_left_alone_with_a_warning(town, tmp_path, english):
    import_owners(write_csv(tmp_path, "锦绣花园,3-2-501,赵磊,租户,13600002222,,,,", name="a.csv"))
    report = import_owners(write_csv(tmp_path, "锦绣花园,3-2-501,赵磊,业主,13600002222,,,,", name="b.csv"))
    assert rooms_of(person_named("赵磊")) == {("锦绣花园", "3-2-501", "tenant")}
    assert [w.row for w in report.warnings] == [2]
    assert "Row 2: 赵磊 is already recorded in 3-2-501" in report.summary()


# --- communities, headers, files ------------------------------------------------------------------------


def test_without_a_community_column_the_community_option_is_needed(town, tmp_path, english):
    path = write_csv(tmp_path, "1-1-101,甲,,13800000001", header="房号,姓名,身份,手机")
    with pytest.raises(FrontDeskError) as caught:
        import_owners(path)
    assert "小区" in caught.value.message and "--community" in caught.value.message

    report = import_owners(path, community="阳光水岸")
    assert rooms_of(person_named("甲")) == {("阳光水岸", "1-1-101", "owner")}
    assert report.people_created == 1


def test_the_community_column_wins_and_a_blank_cell_means_the_option(town, tmp_path):
    path = write_csv(tmp_path, "锦绣花园,1-1-101,甲,,,,,,", ",1-1-102,乙,,,,,,")
    import_owners(path, community="阳光水岸")
    assert rooms_of(person_named("甲")) == {("锦绣花园", "1-1-101", "owner")}
    assert rooms_of(person_named("乙")) == {("阳光水岸", "1-1-102", "owner")}

    blank = write_csv(tmp_path, ",1-1-103,丙,,,,,,", name="blank.csv")
    with pytest.raises(ImportRejected) as caught:
        import_owners(blank)
    assert [(e.row, e.column) for e in caught.value.errors] == [(2, "小区")]


def test_an_unknown_community_option_is_refused(town):
    with pytest.raises(NotFoundError) as caught:
        import_owners(str(GOOD), community="无名小区")
    assert "锦绣花园" in caught.value.message


def test_missing_headers_are_named_with_the_headers_found(town, tmp_path, english):
    path = write_csv(tmp_path, "甲,13800000001", header="名字,电话")
    with pytest.raises(FrontDeskError) as caught:
        import_owners(path, community="锦绣花园")
    message = caught.value.message
    assert "missing: 房号、姓名" in message and "Found: 名字、电话" in message


def test_header_variants_are_understood(town, tmp_path):
    header = " 小区 ,房间号,姓名*, 关系 ,联系电话（多个用/分隔）,身份证号,车牌号,标签,备注,楼层"
    path = write_csv(tmp_path, f"锦绣花园,3栋2单元501,张晓明,业主,13800138000,{ZHANG_ID},,,,5",
                     header=header)
    import_owners(path)
    assert rooms_of(person_named("张晓明")) == {("锦绣花园", "3-2-501", "owner")}


def test_two_columns_meaning_the_same_are_refused(town, tmp_path):
    path = write_csv(tmp_path, "锦绣花园,1-1-101,甲,138,139", header="小区,房号,姓名,手机,电话")
    with pytest.raises(FrontDeskError, match="手机.*电话"):
        import_owners(path)


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("missing.csv", None, "missing.csv"),
        ("roster.xls", b"\xd0\xcf\x11\xe0", ".xlsx"),
        ("roster.xlsx", b"not a zip file", "roster.xlsx"),
        ("roster.csv", b"", "roster.csv"),
        ("roster.csv", b"PK\x03\x04\x00\x00\x00\x00", "roster.csv"),
    ],
    ids=["not-found", "xls", "bad-xlsx", "empty", "binary"],
)
def test_files_that_cannot_be_read_get_a_clear_message(town, tmp_path, name, content, expected):
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(FrontDeskError) as caught:
        import_owners(str(path))
    assert expected in caught.value.message
    assert Person.select().count() == 0


def test_xlsx_numbers_become_the_digits_that_were_typed():
    assert roster._cell_text(13800138000.0) == "13800138000"
    assert roster._cell_text(13800138000) == "13800138000"
    assert roster._cell_text(1e16) == "10000000000000000"
    assert roster._cell_text(1.5e-05) == "0.000015"
    assert roster._cell_text(None) == ""


def test_an_id_number_excel_stored_as_a_number_gets_a_hint(town, tmp_path, english):
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["小区", "房号", "姓名", "证件号码"])
    # What Excel keeps of 310104197503121230 typed into a number cell: 15 significant digits.
    book.active.append(["锦绣花园", "1-1-101", "甲", 3.10104197503121e17])
    path = tmp_path / "roster.xlsx"
    book.save(path)
    with pytest.raises(ImportRejected) as caught:
        import_owners(str(path))
    (error,) = caught.value.errors
    assert error.column == "证件号码" and "format the column as text" in error.message


# --- the command line ---------------------------------------------------------------------------------------


@pytest.fixture
def cli_db(sqlite_url):
    """A migrated SQLite file holding the two communities, closed for the CLI to open."""
    open_database(sqlite_url)
    f.community("锦绣花园")
    f.community("阳光水岸")
    f.staff("admin", "周建华", "admin")  # only administrators import
    f.staff("desk1", "李娜", "desk")
    close_database()
    return sqlite_url


def test_cli_import_is_for_administrators(cli_db, capsys):
    assert main(["--db", cli_db, "--user", "desk1", "--lang", "en", "import", "owners", str(GOOD)]) == 2
    assert "import data" in capsys.readouterr().err
    open_database(cli_db)
    assert Person.select().count() == 0
    close_database()


def test_cli_imports_a_roster_and_prints_the_summary(cli_db, capsys):
    assert main(["--db", cli_db, "--user", "admin", "--lang", "en", "import", "owners", str(GOOD)]) == 0
    out = capsys.readouterr().out
    assert f"Imported {GOOD}: 12 rows" in out
    assert "11 new" in out

    assert main(["--db", cli_db, "--user", "admin", "--lang", "en", "import", "owners", str(XLSX)]) == 0
    assert "Rows with nothing new: 12." in capsys.readouterr().out


def test_cli_rejects_a_file_with_bad_rows_on_stderr(cli_db, capsys):
    assert main(["--db", cli_db, "--user", "admin", "--lang", "en", "import", "owners", str(MIXED)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "nothing was imported" in captured.err
    for row in (3, 4, 5, 6, 7, 8):
        assert f"Row {row}, " in captured.err
    open_database(cli_db)
    assert Person.select().count() == 0


def test_cli_skip_invalid_reports_the_skipped_rows(cli_db, capsys, tmp_path):
    rejects = tmp_path / "rejects.csv"
    argv = ["--db", cli_db, "--user", "admin", "--lang", "en", "import", "owners", str(MIXED),
            "--skip-invalid", "--rejects", str(rejects)]
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert "Skipped 6 invalid rows" in out and str(rejects) in out
    assert rejects.exists()


def test_cli_missing_community_option(cli_db, capsys, tmp_path):
    path = write_csv(tmp_path, "1-1-101,甲", header="房号,姓名")
    assert main(["--db", cli_db, "--user", "admin", "import", "owners", path]) == 2
    assert "--community" in capsys.readouterr().err
    assert main(["--db", cli_db, "--user", "admin", "import", "owners", path, "--community", "锦绣花园"]) == 0
