"""What the bench and the soak ask of data/ (data.benchmarks, data.soak), and the rows the
history panel is given (screens.audit_trail.history_row): plain values, read by data/."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest

from data import audit, i18n, soak
from data.benchmarks import QUERY_KINDS, queue_parameters, search_terms
from data.models import Phone, Setting, Vehicle, WorkOrder
from screens.audit_trail import history_row
from tests import factories as f
from widgets.history import HistoryRow


def test_search_terms_come_from_stored_rows_and_repeat_for_a_seed(database):
    comm = f.community()
    f.room(comm, number="502")
    person = f.person("欧阳晓明")
    Phone.create(person=person, number="13800138000", digits_rev="00083100831")
    Vehicle.create(person=person, plate="京A12345", plate_tail="A12345")
    terms = search_terms(3, seed=5)
    assert tuple(terms) == QUERY_KINDS
    assert all(len(values) == 3 for values in terms.values())
    assert set(terms["name2"]) <= {"欧阳", "阳晓", "晓明"}
    assert set(terms["phone_tail"]) == {"8000"}
    assert set(terms["room"]) == {"3-2-502"}
    assert set(terms["plate"]) == {"京A·12345"}
    assert search_terms(3, seed=5) == terms


def test_queue_parameters_name_the_staff_member_with_the_most_open_work(database):
    comm = f.community()
    desk, tech1, tech2 = f.staff("desk1"), f.staff("tech1", role="tech"), f.staff("tech2", role="tech")
    f.work_order(desk, comm, status="assigned", assignee=tech1)
    f.work_order(desk, comm, status="in_progress", assignee=tech2)
    f.work_order(desk, comm, status="on_hold", assignee=tech2)
    f.work_order(desk, comm, status="closed", assignee=tech1)
    assert queue_parameters() == tech2.id


def test_soak_seed_count_and_check_on_both_databases(db_url_unmigrated):
    from data.db import close_database, open_database

    open_database(db_url_unmigrated, create=True)
    try:
        rows = soak.seed(rooms=2, hot_orders=3)
        assert len(rows.room_ids) == 2 and len(rows.hot_ids) == 3 and rows.login == "soak"
        soak.increment_counter()
        soak.increment_counter()
        assert Setting.get(Setting.key == soak.COUNTER_KEY).value == "2"
        soak.note_at_read_version(rows.hot_ids[0], rows.staff_id, "备注")
        assert WorkOrder.get_by_id(rows.hot_ids[0]).version == 2
        assert soak.lost_updates(rows.hot_ids, [], Counter({rows.hot_ids[0]: 1}), 2) == []
        i18n.set_language("en")
        lost = soak.lost_updates(rows.hot_ids, [], Counter(), 3)
        assert lost == [
            "The counter is 2 after 3 increments.",
            f"Work order {rows.hot_ids[0]} is at version 2, expected 1.",
            f"Work order {rows.hot_ids[0]} has 1 note(s) in its history, expected 0.",
        ]
    finally:
        close_database()


@pytest.mark.parametrize(("language", "changed"), [("en", "Changed"), ("zh", "修改")])
def test_the_history_panel_gets_plain_rows_naming_the_part_of_the_record(language, changed):
    i18n.set_language(language)
    entry = audit.Entry(at=dt.datetime(2026, 11, 27, 9, 5, 30), login="desk1", action="update",
                        entity="phone", entity_id=7, field="number", old="138****8000",
                        new="139  ****\n9000")
    row = history_row(entry, "person")
    # Whitespace of a value folds to single spaces: one row is one line.
    assert row == HistoryRow("2026-11-27 09:05", "desk1", changed, "phone.number",
                             "138****8000 → 139 **** 9000")
    own = history_row(audit.Entry(at=dt.datetime(2026, 11, 27, 9, 5), login="super1",
                                  action="reveal", entity="person", entity_id=1, field="id_number",
                                  old=None, new=None), "person")
    assert own.where == "id_number" and own.change == ""
