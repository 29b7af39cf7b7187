"""Rosters as companies keep them (issue 14 item 4): title rows, merged cells, 序号 and blank
columns, split room columns, several sheets, notes beside the table, English headers,
身份 codes with a legend, the HC小区 workbook, dates, areas and move-in dates stored."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import Workbook

from data import i18n
from data.db import close_database, open_database
from data.errors import FrontDeskError
from data.models import Occupancy, ParkingSpace, Person, Room
from data.roster import import_owners, sheet_names
from tests import factories as f
from tui.cli import main


@pytest.fixture
def town(database):
    i18n.set_language("en")
    return f.community("锦绣花园")


def workbook(path: Path, sheets: dict[str, list[list[object]]], merges: dict[str, list[str]] | None = None) -> str:
    book = Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        ws = book.create_sheet(name)
        for row in rows:
            ws.append(row)
        for ref in (merges or {}).get(name, []):
            ws.merge_cells(ref)
    book.save(path)
    return str(path)


def room_of(name: str) -> tuple[str, str]:
    occ = Occupancy.select().join(Person).where(Person.name == name).get()
    return occ.room.code, occ.role


def test_title_rows_merged_cells_serial_numbers_and_blank_columns_are_read(town, tmp_path):
    path = workbook(tmp_path / "r.xlsx", {"Sheet1": [
        ["锦绣花园小区业主信息登记表", None, None, None, None, None, None],
        ["填报日期：2025年3月", None, None, None, None, None, None],
        ["序号", "楼号", None, "房号", "业主姓名", "联系方式", "身份证"],
        [1, "3栋", None, "501", "张晓明", "13800138001", None],
        [2, None, None, "502", "李芳", "13800138002", None],
        [3, None, None, "601", "王强", "13800138003", None],
    ]}, merges={"Sheet1": ["A1:G1", "B4:B6"]})
    report = import_owners(path, community="锦绣花园")
    assert report.rows == 3 and not report.rejected
    assert report.people_created == 3
    # The 楼号 merged over three rows gives every row its building; no 单元 means 单元 1.
    assert room_of("李芳") == ("3-1-502", "owner")
    assert room_of("王强") == ("3-1-601", "owner")
    assert "Sheet read: Sheet1" in report.summary()


def test_a_room_split_over_building_entrance_and_room_columns(town, tmp_path):
    path = tmp_path / "r.csv"
    path.write_text("楼栋,单元,室,客户名称,手机号码\n3号楼,2单元,501室,张晓明,13800138001\n"
                    "A座,1,1201,李芳,13800138002\n", encoding="utf-8")
    report = import_owners(str(path), community="锦绣花园")
    assert not report.rejected
    assert room_of("张晓明")[0] == "3-2-501"
    assert room_of("李芳")[0] == "A-1-1201"


def test_every_sheet_is_offered_and_the_message_names_the_sheet_read(town, tmp_path, capsys):
    path = workbook(tmp_path / "r.xlsx", {
        "说明": [["本表为业主名册"], ["请勿修改表头"]],
        "一期": [["房号", "姓名"], ["1-1-101", "甲一"]],
        "二期": [["房号", "姓名", "手机"], ["2-1-101", "乙二", "13800138002"]],
    })
    assert sheet_names(Path(path)) == ["说明", "一期", "二期"]
    # Without --sheet: the sheet whose headers are best recognised (二期, three known).
    report = import_owners(path, community="锦绣花园")
    assert report.sheet == "二期"
    assert "Sheet read: 二期 (also in the workbook: 说明、一期; choose one with --sheet)" in report.summary()
    assert Person.select().where(Person.name == "甲一").count() == 0
    report = import_owners(path, community="锦绣花园", sheet="一期")
    assert report.sheet == "一期" and room_of("甲一")[0] == "1-1-101"
    with pytest.raises(FrontDeskError) as caught:
        import_owners(path, community="锦绣花园", sheet="三期")
    assert "no sheet called “三期”" in caught.value.message and "一期" in caught.value.message


def test_the_cli_takes_sheet_and_names_the_sheet_it_read(sqlite_url, tmp_path, capsys):
    open_database(sqlite_url)
    f.community("锦绣花园")
    f.staff("admin", "周建华", "admin")
    close_database()
    path = workbook(tmp_path / "r.xlsx", {
        "一期": [["房号", "姓名"], ["1-1-101", "甲一"]],
        "二期": [["房号", "姓名"], ["2-1-101", "乙二"]],
    })
    argv = ["--db", sqlite_url, "--user", "admin", "--lang", "en", "import", "owners", path,
            "--community", "锦绣花园", "--sheet", "二期"]
    assert main(argv) == 0
    assert "Sheet read: 二期 (also in the workbook: 一期" in capsys.readouterr().out


def test_a_notes_block_beside_and_under_the_table_is_ignored(town, tmp_path):
    path = workbook(tmp_path / "r.xlsx", {"名册": [
        ["房号", "姓名", "手机", None, "填表说明"],
        ["1-1-101", "甲一", "13800138001", None, "1. 房号写成 楼-单元-室"],
        ["1-1-102", "甲二", "13800138002", None, "2. 手机可填多个，用/分隔"],
        [None, None, None, None, "3. 身份空白视为业主"],
        [None, None, None, None, "4. 证件号码请设为文本格式"],
        [None, None, None, None, "5. 有疑问请致电物业前台"],
        ["注：以上信息仅用于物业服务，请勿外传。", None, None, None, None],
    ]})
    report = import_owners(path, community="锦绣花园")
    assert report.rows == 2 and not report.rejected
    assert {p.name for p in Person.select()} == {"甲一", "甲二"}


def test_english_headers(town, tmp_path):
    path = tmp_path / "r.csv"
    path.write_text("Community,Room,Name,Phone,Gender,Role\n"
                    "锦绣花园,3-2-501,Zhang Wei,13800138001,M,tenant\n", encoding="utf-8")
    report = import_owners(str(path))
    assert not report.rejected
    person = Person.get(Person.name == "Zhang Wei")
    assert person.gender == "M"
    assert room_of("Zhang Wei") == ("3-2-501", "tenant")


def test_role_codes_are_read_with_the_legend_of_the_header(town, tmp_path):
    path = workbook(tmp_path / "r.xlsx", {"Sheet1": [
        ["房号", "姓名", "身份（1业主 2共有人 3租户 4家属）"],
        ["1-1-101", "甲", 1], ["1-1-101", "乙", 2], ["1-1-102", "丙", 3], ["1-1-102", "丁", 4],
    ]})
    report = import_owners(path, community="锦绣花园")
    assert not report.rejected
    assert [room_of(n)[1] for n in "甲乙丙丁"] == ["owner", "co_owner", "tenant", "family"]


def test_role_codes_without_a_legend_are_refused(town, tmp_path):
    path = tmp_path / "r.csv"
    path.write_text("房号,姓名,身份\n1-1-101,甲,3\n", encoding="utf-8")
    with pytest.raises(FrontDeskError) as caught:
        import_owners(str(path), community="锦绣花园")
    assert "Unknown role “3”" in caught.value.message


def test_area_and_move_in_date_are_stored_from_excel_dates_and_text_dates(town, tmp_path):
    path = workbook(tmp_path / "r.xlsx", {"Sheet1": [
        ["房号", "姓名", "建筑面积", "入住日期", "交房日期"],
        ["1-1-101", "甲", 89.5, dt.datetime(2020, 5, 1), "2019/12/20"],
        ["1-1-102", "乙", "120.36㎡", "2021年3月8日", 43831],  # 43831 = 2020-01-01 as a number
        ["1-1-103", "丙", None, "2022.7.15", None],
    ]})
    report = import_owners(path, community="锦绣花园")
    assert not report.rejected, report.summary()
    r101 = Room.get(Room.code == "1-1-101")
    assert Decimal(str(r101.area_m2)) == Decimal("89.50") and r101.delivery_date == dt.date(2019, 12, 20)
    r102 = Room.get(Room.code == "1-1-102")
    assert Decimal(str(r102.area_m2)) == Decimal("120.36") and r102.delivery_date == dt.date(2020, 1, 1)
    starts = {o.person.name: o.start_date for o in Occupancy.select().join(Person)}
    assert starts == {"甲": dt.date(2020, 5, 1), "乙": dt.date(2021, 3, 8), "丙": dt.date(2022, 7, 15)}
    # The same file again changes nothing.
    again = import_owners(path, community="锦绣花园")
    assert again.rows_unchanged == 3 and again.rooms_updated == 0


def test_a_bad_date_or_area_is_reported_on_its_row(town, tmp_path):
    path = tmp_path / "r.csv"
    path.write_text("房号,姓名,面积,入住日期\n1-1-101,甲,很大,2020-13-45\n", encoding="utf-8")
    with pytest.raises(FrontDeskError) as caught:
        import_owners(str(path), community="锦绣花园")
    assert "Row 2, 面积: An area is a number" in caught.value.message
    assert "Row 2, 入住日期: “2020-13-45” is not a date" in caught.value.message


def hc_workbook(path: Path) -> str:
    return workbook(path, {
        "楼栋单元": [["楼栋编号", "单元编号", "总层数"], ["1", "1", 18], ["1", "2", 18]],
        "业主信息": [["业主编号", "业主名称", "性别", "身份证", "联系方式"],
                     ["YZ001", "张晓明", "男", "310104197503121230", "13800138001"],
                     ["YZ002", "李芳", "女", None, "13800138002"]],
        "房屋信息": [["楼栋编号", "单元编号", "房屋编号", "楼层", "建筑面积", "业主编号", "入住日期"],
                     ["1", "1", "101", 1, 89.5, "YZ001", dt.datetime(2020, 5, 1)],
                     ["1", "2", "201", 2, 120.36, "YZ002", "2021-03-08"],
                     ["1", "2", "202", 2, 95, None, None]],
        "车位信息": [["车位编号", "车位类型", "车牌号", "业主编号"],
                     ["B2-034", "产权", "沪A12345", "YZ001"],
                     ["B2-035", "租赁", None, None]],
    })


def test_an_hc_workbook_imports_rooms_areas_owners_and_parking_spaces(town, tmp_path):
    path = hc_workbook(tmp_path / "hc.xlsx")
    report = import_owners(path, community="锦绣花园")
    assert not report.rejected, report.summary()
    assert report.people_created == 2 and report.rooms_created == 3 and report.parking_added == 2
    areas = {r.code: Decimal(str(r.area_m2)) for r in Room.select()}
    assert areas == {"1-1-101": Decimal("89.50"), "1-2-201": Decimal("120.36"), "1-2-202": Decimal("95.00")}
    zhang = Person.get(Person.name == "张晓明")
    assert zhang.gender == "M" and zhang.id_number == "310104197503121230"
    assert room_of("张晓明") == ("1-1-101", "owner") and room_of("李芳")[0] == "1-2-201"
    assert Occupancy.get(Occupancy.person == zhang).start_date == dt.date(2020, 5, 1)
    spaces = {s.code: (s.kind, s.holder.name if s.holder else None, s.plate) for s in ParkingSpace.select()}
    assert spaces == {"B2-034": ("titled", "张晓明", "沪A12345"), "B2-035": ("rented", None, "")}
    again = import_owners(path, community="锦绣花园")
    assert again.people_created == 0 and again.parking_added == 0 and again.rooms_created == 0


def test_skip_invalid_that_imports_nothing_says_so_and_exits_non_zero(sqlite_url, tmp_path, capsys):
    open_database(sqlite_url)
    f.community("锦绣花园")
    f.staff("admin", "周建华", "admin")
    close_database()
    path = tmp_path / "r.csv"
    path.write_text("房号,姓名\n不是房号,甲\n也不是,乙\n", encoding="utf-8")
    argv = ["--db", sqlite_url, "--user", "admin", "--lang", "en", "import", "owners", str(path),
            "--community", "锦绣花园", "--skip-invalid", "--rejects", str(tmp_path / "bad.csv")]
    assert main(argv) == 2
    assert "None of the 2 rows is valid: nothing was imported." in capsys.readouterr().out
    open_database(sqlite_url)
    assert Person.select().count() == 0


def test_a_roster_of_a_missing_community_is_refused_naming_the_command(town, tmp_path):
    path = tmp_path / "r.csv"
    path.write_text("小区,房号,姓名\n翠湖天地,1-1-101,甲\n翠湖天地,1-1-102,乙\n", encoding="utf-8")
    with pytest.raises(FrontDeskError) as caught:
        import_owners(str(path))
    message = caught.value.message
    assert "frontdesk community add 翠湖天地" in message and "nothing was imported" in message
    assert message.count("翠湖天地") == 2  # once in the sentence, once in the command; not per row
    with pytest.raises(FrontDeskError) as caught:
        import_owners(str(path), community="翠湖天地")
    assert "frontdesk community add 翠湖天地" in caught.value.message
    assert Person.select().count() == 0


async def test_the_tui_import_asks_which_sheet_of_a_workbook_of_several(sqlite_url, tmp_path):
    from textual.widgets import Input, Select

    from data.staff import add_staff, sign_in
    from screens.roster_import import ImportScreen
    from tests.screen_text import settle
    from tui.app import FrontDeskApp
    from widgets.form import FormModal

    open_database(sqlite_url)
    i18n.set_language("en")
    f.community("锦绣花园")
    add_staff("admin", "管理员", "admin")
    path = workbook(tmp_path / "r.xlsx", {
        "一期": [["小区", "房号", "姓名"], ["锦绣花园", "1-1-101", "甲一"]],
        "二期": [["小区", "房号", "姓名"], ["锦绣花园", "2-1-101", "乙二"]],
    })
    app = FrontDeskApp(sign_in("admin"), "demo.db")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        app.action_import_roster()
        await pilot.pause()
        app.screen.query_one("#field-path", Input).value = path
        await pilot.press("f10")
        await settle(app, pilot, 0.2)
        assert isinstance(app.screen, FormModal)  # the sheet choice
        select = app.screen.query_one("#field-sheet", Select)
        assert [v for _label, v in select._options][-2:] == ["一期", "二期"]
        select.value = "二期"
        await pilot.press("f10")
        await settle(app, pilot, 0.2)
        assert isinstance(app.screen, ImportScreen)
        await settle(app, pilot, 0.2)
        summary = app.screen.query_one("#import-result").text
        assert "Sheet read: 二期" in summary
    assert [p.name for p in Person.select()] == ["乙二"]
    close_database()
