"""Owners' meetings (业主大会): the 15-day rule, ballots entered twice by room (differences
listed, only agreeing ballots counted), one ballot per head (an owner of three flats,
co-owners of one flat, the developer's unsold units), a room without an area refused until
one is entered, the tally at each threshold boundary computed by hand, an import, the result
report read back with pypdf, and the owners' committee's terms and meetings."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from pypdf import PdfReader

from data import meetings, people
from data.errors import PermissionDenied, ValidationError
from data.models import Event, Room
from data.people import PersonInput
from tests import factories as f

DAY = dt.date(2027, 3, 5)
HELD = dt.date(2027, 3, 25)


@pytest.fixture
def clerks(database, monkeypatch):
    monkeypatch.setenv("FRONTDESK_NOW", "2027-03-05 09:00")
    return f.staff("desk1", "李娜", "desk"), f.staff("desk2", "周敏", "desk"), f.staff("desk3", "吴磊", "desk")


def estate(rooms: list[tuple[str, str | None, list[str], bool]]):
    """A community of rooms (code, area, owners' names, developer-held); an owner's name
    used twice is the same person."""
    comm = f.community("和谐家园", code="HX")
    ids, persons = {}, {}
    for code, area, owners, developer in rooms:
        rid = people.ensure_room(comm.id, code)
        Room.update(area_m2=Decimal(area) if area else None, developer_held=developer).where(Room.id == rid).execute()
        for name in owners:
            if name not in persons:
                persons[name] = people.create_person(PersonInput(name=name, phones=[f"1390000{len(persons):04d}"]))
            people.move_in(persons[name], rid, "owner", dt.date(2020, 1, 1))
        ids[code] = rid
    return comm, ids, persons


def meeting(comm, clerk, *matters: str) -> int:
    view = meetings.create_meeting(comm.id, "2027年第一次业主大会", HELD, "会所二楼", staff_id=clerk.id)
    for n, matter in enumerate(matters or ("other",), 1):
        meetings.add_proposal(view.id, f"议题{n}", matter, staff_id=clerk.id)
    return view.id


def both(mid: int, room: int, keys: str, clerks) -> None:
    """Two clerks enter the same paper."""
    for clerk in clerks[:2]:
        meetings.enter_ballot(mid, room, keys, staff_id=clerk.id)


def figures(mid: int, clerk, n: int = 0) -> dict:
    p = meetings.tally(mid, staff_id=clerk.id).proposals[n]
    return {r.name: (r.part, r.whole, r.met) for r in p.rules} | {"approved": p.approved}


def test_a_meeting_is_announced_at_least_15_days_ahead(clerks):
    comm = f.community("和谐家园", code="HX")
    with pytest.raises(ValidationError) as info:
        meetings.create_meeting(comm.id, "业主大会", DAY + dt.timedelta(days=14), staff_id=clerks[0].id)
    assert info.value.field == "held_on"
    assert "15" in info.value.message and "2027-03-20" in info.value.message
    view = meetings.create_meeting(comm.id, "业主大会", DAY + dt.timedelta(days=15), staff_id=clerks[0].id)
    assert (view.held_on, view.announced_on, view.where) == (dt.date(2027, 3, 20), DAY, "书面表决")
    with pytest.raises(PermissionDenied):
        meetings.create_meeting(comm.id, "业主大会", HELD, staff_id=f.staff("tech1", "王建国", "tech").id)


def test_exactly_two_thirds_takes_part_and_just_under_does_not(clerks):
    # A, B, C 100 m² each, three owners: A and B vote → 2/3 of heads, 200/300 of the area.
    comm, rooms, _p = estate([("1-1-101", "100", ["甲"], False), ("1-1-102", "100", ["乙"], False),
                              ("1-1-103", "100", ["丙"], False)])
    mid = meeting(comm, clerks[0])
    both(mid, rooms["1-1-101"], "1", clerks)
    both(mid, rooms["1-1-102"], "2", clerks)
    got = figures(mid, clerks[0])
    assert got["participation_heads"] == (2, 3, True)
    assert got["participation_area"] == (Decimal(200), Decimal(300), True)
    assert got["approval_heads"] == (1, 2, False)  # 1 of 2 is not more than half
    assert got["approved"] is False
    # C grows to 101 m²: 200/301 is just under 2/3 of the area — the heads alone do not do.
    Room.update(area_m2=Decimal("101")).where(Room.id == rooms["1-1-103"]).execute()
    got = figures(mid, clerks[0])
    assert got["participation_heads"] == (2, 3, True)
    assert got["participation_area"] == (Decimal(200), Decimal(301), False)


def test_a_major_matter_needs_three_quarters_exactly(clerks):
    comm, rooms, _p = estate([(f"1-1-10{n}", "100", [f"业主{n}"], False) for n in range(1, 5)])
    mid = meeting(comm, clerks[0], "major", "other")
    for n, keys in ((1, "11"), (2, "11"), (3, "11"), (4, "21")):
        both(mid, rooms[f"1-1-10{n}"], keys, clerks)
    major, ordinary = figures(mid, clerks[0], 0), figures(mid, clerks[0], 1)
    assert major["approval_heads"] == (3, 4, True) and major["approval_area"] == (Decimal(300), Decimal(400), True)
    assert major["approved"] and ordinary["approved"]
    both(mid, rooms["1-1-103"], "31", clerks)  # 2 of 4 now: under 3/4
    assert figures(mid, clerks[0], 0)["approval_heads"] == (2, 4, False)
    assert not figures(mid, clerks[0], 0)["approved"]


def test_an_owner_of_three_flats_casts_one_ballot_carrying_their_area(clerks):
    # 甲 owns three flats of 50 m²; 乙 and 丙 one each: 3 heads, 250 m².
    comm, rooms, _p = estate([("2-1-101", "50", ["甲"], False), ("2-1-102", "50", ["甲"], False),
                              ("2-1-103", "50", ["甲"], False), ("2-1-104", "50", ["乙"], False),
                              ("2-1-105", "50", ["丙"], False)])
    mid = meeting(comm, clerks[0])
    both(mid, rooms["2-1-101"], "1", clerks)
    with pytest.raises(ValidationError) as info:
        meetings.enter_ballot(mid, rooms["2-1-102"], "2", staff_id=clerks[0].id)
    assert "2-1-101" in info.value.message
    both(mid, rooms["2-1-104"], "2", clerks)
    got = figures(mid, clerks[0])
    assert got["participation_heads"] == (2, 3, True)
    assert got["participation_area"] == (Decimal(200), Decimal(250), True)
    assert got["approval_heads"] == (1, 2, False)
    assert got["approval_area"] == (Decimal(150), Decimal(200), True)
    assert got["approved"] is False  # more area but not more heads


def test_co_owners_of_one_flat_are_one_ballot(clerks):
    comm, rooms, _p = estate([("3-1-101", "90", ["夫", "妻"], False), ("3-1-102", "90", ["丁"], False)])
    mid = meeting(comm, clerks[0])
    both(mid, rooms["3-1-101"], "1", clerks)
    got = figures(mid, clerks[0])
    assert got["participation_heads"] == (1, 2, False)
    assert got["participation_area"] == (Decimal(90), Decimal(180), False)


def test_the_developers_unsold_units_count_once(clerks):
    # three unsold flats of 100 m² (one head, 300 m²), two owners of 100 m².
    comm, rooms, _p = estate([("5-1-101", "100", [], True), ("5-1-102", "100", [], True),
                              ("5-1-103", "100", [], True), ("5-1-104", "100", ["甲"], False),
                              ("5-1-105", "100", ["乙"], False)])
    mid = meeting(comm, clerks[0])
    both(mid, rooms["5-1-101"], "2", clerks)
    both(mid, rooms["5-1-104"], "1", clerks)
    both(mid, rooms["5-1-105"], "1", clerks)
    got = figures(mid, clerks[0])
    assert got["participation_heads"] == (3, 3, True)
    assert got["participation_area"] == (Decimal(500), Decimal(500), True)
    assert got["approval_heads"] == (2, 3, True)
    assert got["approval_area"] == (Decimal(200), Decimal(500), False)
    assert got["approved"] is False


def test_a_room_without_an_area_is_refused_until_one_is_entered(clerks):
    comm, rooms, _p = estate([("6-1-101", None, ["甲"], False), ("6-1-102", "80", ["乙"], False)])
    mid = meeting(comm, clerks[0])
    with pytest.raises(ValidationError) as info:
        meetings.enter_ballot(mid, rooms["6-1-101"], "1", staff_id=clerks[0].id)
    assert "6-1-101" in info.value.message and "建筑面积" in info.value.message
    both(mid, rooms["6-1-102"], "1", clerks)
    view = meetings.tally(mid, staff_id=clerks[0].id)
    assert view.missing_area == ["6-1-101"] and not view.proposals[0].approved
    Room.update(area_m2=Decimal("80")).where(Room.id == rooms["6-1-101"]).execute()
    both(mid, rooms["6-1-101"], "1", clerks)
    view = meetings.tally(mid, staff_id=clerks[0].id)
    assert view.missing_area == [] and view.proposals[0].approved


def test_double_entry_lists_differences_and_counts_only_agreed_ballots(clerks):
    a, b, c = clerks
    comm, rooms, _p = estate([("7-1-101", "100", ["甲"], False), ("7-1-102", "100", ["乙"], False)])
    mid = meeting(comm, a, "other", "major")
    room = rooms["7-1-101"]
    assert meetings.enter_ballot(mid, room, "12", staff_id=a.id).state == "pending"
    assert meetings.tally(mid, staff_id=a.id).ballots == 0
    assert meetings.enter_ballot(mid, room, "13", staff_id=b.id).state == "differs"
    diff = meetings.differences(mid, staff_id=a.id)
    assert [(d.room, d.proposals, d.first_by, d.second_by) for d in diff] == [("7-1-101", [2], "李娜", "周敏")]
    assert "反对" in diff[0].first and "弃权" in diff[0].second
    assert meetings.tally(mid, staff_id=a.id).ballots == 0
    view = meetings.get_meeting(mid, staff_id=a.id)
    assert (view.agreed, view.pending, view.differing) == (0, 0, 1)
    with pytest.raises(ValidationError):
        meetings.enter_ballot(mid, room, "12", staff_id=c.id)  # a third clerk
    assert meetings.enter_ballot(mid, room, "12", staff_id=b.id).state == "agreed"  # b corrects their entry
    assert meetings.differences(mid, staff_id=a.id) == []
    t = meetings.tally(mid, staff_id=a.id)
    assert t.ballots == 1 and t.proposals[0].count.yes_heads == 1 and t.proposals[1].count.no_heads == 1
    with pytest.raises(ValidationError):
        meetings.enter_ballot(mid, room, "1", staff_id=a.id)  # one choice for two proposals
    with pytest.raises(ValidationError):
        meetings.add_proposal(mid, "迟到的议题", "other", staff_id=a.id)


def test_ballots_are_imported_from_a_csv_and_bad_lines_named(clerks, tmp_path):
    comm, rooms, _p = estate([("8-1-101", "100", ["甲"], False), ("8-1-102", "100", ["乙"], False),
                              ("8-1-103", "100", ["丙"], False)])
    mid = meeting(comm, clerks[0], "other", "major")
    lead = f.staff("super1", "陈主管", "supervisor")
    bad = tmp_path / "bad.csv"
    bad.write_text("房号,议题1,议题2\n8-1-101,同意,同意\n8-1-999,同意,反对\n8-1-102,同意,也许\n", encoding="utf-8")
    with pytest.raises(ValidationError) as info:
        meetings.import_ballots(mid, str(bad), staff_id=lead.id)
    assert "第 3 行" in info.value.message and "第 4 行" in info.value.message
    assert meetings.tally(mid, staff_id=clerks[0].id).ballots == 0
    good = tmp_path / "good.csv"
    good.write_text("房号,议题1,议题2\n8-1-101,同意,同意\n8-1-102,1,2\n", encoding="utf-8")
    assert meetings.import_ballots(mid, str(good), staff_id=lead.id).stored == 2
    t = meetings.tally(mid, staff_id=clerks[0].id)
    assert t.ballots == 2 and t.proposals[0].count.yes_heads == 2 and t.proposals[1].count.no_heads == 1
    with pytest.raises(ValidationError):
        meetings.import_ballots(mid, str(tmp_path), staff_id=lead.id)


def test_the_result_report_states_each_figure_and_rule(clerks):
    comm, rooms, _p = estate([(f"9-1-10{n}", "100", [f"业主{n}"], False) for n in range(1, 4)])
    mid = meeting(comm, clerks[0], "major")
    for n in (1, 2, 3):
        both(mid, rooms[f"9-1-10{n}"], "1", clerks)
    path = meetings.report_file(mid, "pdf", staff_id=clerks[0].id)
    text = "".join(page.extract_text() for page in PdfReader(str(path)).pages)
    for words in ("表决结果", "重大事项", "3 / 3", "300.00 / 300.00", "≥ 3/4", "通过"):
        assert words in text
    xlsx = meetings.report_file(mid, "xlsx", staff_id=clerks[0].id)
    assert xlsx.suffix == ".xlsx" and xlsx.stat().st_size > 0


def test_an_owner_sees_only_their_own_participation(clerks):
    comm, rooms, persons = estate([("1-1-101", "100", ["甲"], False), ("1-1-102", "100", ["乙"], False)])
    mid = meeting(comm, clerks[0])
    both(mid, rooms["1-1-101"], "2", clerks)
    assert meetings.owner_participation(persons["甲"], staff_id=clerks[0].id) == [
        ("2027年第一次业主大会", HELD, True)]
    assert meetings.owner_participation(persons["乙"], staff_id=clerks[0].id) == [
        ("2027年第一次业主大会", HELD, False)]


def test_the_committee_terms_ending_soon_and_its_meetings_on_the_calendar(clerks):
    comm = f.community("和谐家园", code="HX")
    names = ["甲", "乙", "丙"]
    pids = [people.create_person(PersonInput(name=n, phones=[f"1370000{i:04d}"])) for i, n in enumerate(names)]
    meetings.add_member(comm.id, pids[0], "主任", dt.date(2022, 5, 1), dt.date(2027, 4, 30), staff_id=clerks[0].id)
    meetings.add_member(comm.id, pids[1], "副主任", dt.date(2024, 5, 1), dt.date(2029, 4, 30), staff_id=clerks[0].id)
    meetings.add_member(comm.id, pids[2], "委员", dt.date(2024, 5, 1), dt.date(2029, 4, 30), staff_id=clerks[0].id)
    with pytest.raises(ValidationError):
        meetings.add_member(comm.id, pids[2], "秘书长", dt.date(2024, 5, 1), dt.date(2029, 4, 30),
                            staff_id=clerks[0].id)
    assert [m.role_text for m in meetings.members(comm.id, staff_id=clerks[0].id)] == ["主任", "副主任", "委员"]
    assert [m.name for m in meetings.expiring(comm.id, staff_id=clerks[0].id)] == ["甲"]
    row = meetings.record_meeting(comm.id, dt.datetime(2027, 3, 10, 19, 0), "讨论停车收费", "同意提交业主大会。",
                                  staff_id=clerks[0].id)
    event = Event.get_by_id(row.event_id)
    assert event.kind == "meeting" and "讨论停车收费" in event.title
    assert [m.minutes for m in meetings.committee_meetings(comm.id, staff_id=clerks[0].id)] == ["同意提交业主大会。"]


def test_a_committee_request_is_a_work_order_of_its_own_kind(clerks):
    from data import workorders as wo

    comm = f.community("和谐家园", code="HX")
    order = wo.create_order(wo.OrderInput(kind="committee", title="业委会要求公示停车场收支", community_id=comm.id,
                                          channel="visit", location="小区停车场"), clerks[0].id)
    assert order.kind == "committee" and order.number.startswith("YW-20270305-")


def test_ballots_are_imported_from_an_xlsx_made_here(clerks, tmp_path):
    from openpyxl import Workbook

    comm, rooms, _p = estate([("8-1-101", "100", ["甲"], False), ("8-1-102", "60", ["乙"], False)])
    mid = meeting(comm, clerks[0], "major")
    book = Workbook()
    sheet = book.active
    for row in (["房号", "续筹维修资金"], ["8-1-101", "同意"], ["8-1-102", "反对"]):
        sheet.append(row)
    path = tmp_path / "ballots.xlsx"
    book.save(path)
    assert meetings.import_ballots(mid, str(path), staff_id=f.staff("super1", "陈主管", "supervisor").id).stored == 2
    count = meetings.tally(mid, staff_id=clerks[0].id).proposals[0].count
    assert (count.yes_area, count.no_area, count.voted_heads) == (Decimal(100), Decimal(60), 2)
    with pytest.raises(ValidationError):  # typed by hand after an import: refused
        meetings.enter_ballot(mid, rooms["8-1-101"], "1", staff_id=clerks[1].id)


def test_an_import_needs_a_lead_and_replaces_earlier_imported_ballots_only_when_told(clerks, tmp_path):
    """attack19 #3: an imported ballot counts without a second clerk, so importing is a
    lead's act; a second import is refused unless it replaces, and then lists each change."""
    from data import audit

    comm, rooms, _p = estate([("8-1-101", "100", ["甲"], False), ("8-1-102", "100", ["乙"], False),
                              ("8-1-103", "100", ["丙"], False)])
    mid = meeting(comm, clerks[0], "other", "major")
    lead = f.staff("super1", "陈主管", "supervisor")
    first = tmp_path / "b.csv"
    first.write_text("房号,1,2\n8-1-101,同意,同意\n8-1-102,同意,同意\n", encoding="utf-8")
    with pytest.raises(PermissionDenied):
        meetings.import_ballots(mid, str(first), staff_id=clerks[0].id)
    assert meetings.import_ballots(mid, str(first), staff_id=lead.id).added == 2
    second = tmp_path / "b2.csv"
    second.write_text("房号,1,2\n8-1-101,反对,反对\n8-1-102,同意,同意\n8-1-103,弃权,同意\n", encoding="utf-8")
    with pytest.raises(ValidationError) as info:
        meetings.import_ballots(mid, str(second), staff_id=lead.id)
    assert "--replace" in info.value.message and "2" in info.value.message
    assert meetings.tally(mid, staff_id=lead.id).proposals[0].count.yes_heads == 2  # nothing changed
    done = meetings.import_ballots(mid, str(second), staff_id=lead.id, replace=True)
    assert (done.stored, done.added, done.changed) == (3, 1, [("8-1-101", "1同意 2同意", "1反对 2反对")])
    count = meetings.tally(mid, staff_id=lead.id).proposals[0].count
    assert (count.yes_heads, count.no_heads, count.voted_heads) == (1, 1, 3)
    trail = audit.history("meeting", mid, staff_id=lead.id)
    texts = [e.new for e in trail]
    for words in ("已导入 8-1-101 的表决票", "已导入 8-1-103 的表决票", "已替换 8-1-101 导入的表决票",
                  "业主大会 2027年第一次业主大会（2027-03-25）", "1. [一般事项] 议题1", "2. [重大事项] 议题2"):
        assert any(words in (t or "") for t in texts), words
    assert sum("张表决票：新增" in (t or "") for t in texts) == 2
    assert {e.entity for e in trail} == {"meeting", "proposal", "ballot_entry"}
    for e in trail:  # how a room voted never enters the trail
        assert not any(w in f"{e.old} {e.new}" for w in ("同意", "反对", "弃权", "yes", "abstain"))


def test_a_ballot_typed_by_hand_is_audited_without_its_choices(clerks):
    from data import audit

    comm, rooms, _p = estate([("3-1-101", "100", ["甲"], False)])
    mid = meeting(comm, clerks[0])
    both(mid, rooms["3-1-101"], "1", clerks)
    meetings.enter_ballot(mid, rooms["3-1-101"], "2", staff_id=clerks[1].id)  # corrects their own
    lead = f.staff("super1", "陈主管", "supervisor")
    rows = [(e.login, e.new) for e in audit.search(entity="ballot_entry", staff_id=lead.id)]
    assert rows == [("desk2", "已更正 3-1-101 的表决票（录入2）"), ("desk2", "已录入 3-1-101 的表决票（录入2）"),
                    ("desk1", "已录入 3-1-101 的表决票（录入1）")]


def test_an_xlsx_bomb_of_ballots_is_refused_before_it_is_read(clerks, tmp_path):
    """attack19 #2: the ballot import reads an XLSX through the roster import's guarded
    reader: a small file whose shared strings expand to megabytes is refused unread."""
    import zipfile

    from openpyxl import Workbook

    from data.errors import FrontDeskError

    comm, _rooms, _p = estate([("8-1-101", "100", ["甲"], False)])
    mid = meeting(comm, clerks[0])
    book = Workbook()
    book.active.append(["房号", "议题1"])
    book.active.append(["8-1-101", "同意"])
    plain = tmp_path / "plain.xlsx"
    book.save(plain)
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(plain) as src, zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as out:
        for item in src.infolist():  # openpyxl writes inline strings: add a shared strings part
            out.writestr(item, src.read(item.filename), compress_type=zipfile.ZIP_DEFLATED)
        out.writestr("xl/sharedStrings.xml", b'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.'
                     b'openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1"><si><t>'
                     + b"1" * (8 * 1024 * 1024) + b"</t></si></sst>", compress_type=zipfile.ZIP_DEFLATED)
    assert bomb.stat().st_size < 100_000
    with pytest.raises(FrontDeskError) as info:
        meetings.import_ballots(mid, str(bomb), staff_id=f.staff("super1", "陈主管", "supervisor").id)
    assert "zip" in info.value.message or "压缩" in info.value.message or "解压" in info.value.message
    assert meetings.tally(mid, staff_id=clerks[0].id).ballots == 0


def test_the_report_states_the_ballots_not_counted_and_is_not_final(clerks):
    """walk19 #9: a report with ballots awaiting the second entry or differing says how many
    and marks itself 未定稿."""
    comm, rooms, _p = estate([(f"9-1-10{n}", "100", [f"业主{n}"], False) for n in range(1, 4)])
    mid = meeting(comm, clerks[0], "major")
    both(mid, rooms["9-1-101"], "1", clerks)
    meetings.enter_ballot(mid, rooms["9-1-102"], "1", staff_id=clerks[0].id)  # pending
    meetings.enter_ballot(mid, rooms["9-1-103"], "1", staff_id=clerks[0].id)
    meetings.enter_ballot(mid, rooms["9-1-103"], "2", staff_id=clerks[1].id)  # differs
    path = meetings.report_file(mid, "pdf", staff_id=clerks[0].id)
    text = "".join(page.extract_text() for page in PdfReader(str(path)).pages).replace("\n", "")
    assert "未定稿" in text and "待第二次录入 1 张" in text and "两次录入不一致 1 张" in text
    from openpyxl import load_workbook

    book = load_workbook(meetings.report_file(mid, "xlsx", staff_id=clerks[0].id))
    cells = " ".join(str(c) for row in book.active.iter_rows(values_only=True) for c in row if c)
    assert "未定稿" in cells and "待第二次录入 1 张" in cells
    both(mid, rooms["9-1-102"], "1", clerks[:1] + clerks[1:2])
    meetings.enter_ballot(mid, rooms["9-1-103"], "1", staff_id=clerks[1].id)
    text = "".join(p.extract_text() for p in PdfReader(str(meetings.report_file(mid, "pdf", staff_id=clerks[0].id))).pages)
    assert "未定稿" not in text
