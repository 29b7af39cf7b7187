"""What each role may do (issue 7), enforced in data/ so that the TUI and the CLI obey the
same rules: technicians see only their work and no ID numbers, desk staff cannot delete
or merge, supervisors reassign and read every change; territories move with their work."""

from __future__ import annotations

import pytest

from data import access, audit, cards, i18n, overview, people, queue, sla, territory
from data import workorders as wo
from data.errors import PermissionDenied
from data.models import Person, Room, Territory, WorkOrder, WorkOrderHistory
from data.people import PersonInput
from tests import factories as f
from tui import cli

NOW = "2026-11-27 09:00"


@pytest.fixture
def w(database, monkeypatch):
    monkeypatch.setenv("FRONTDESK_NOW", NOW)
    i18n.set_language("en")
    comm = f.community("锦绣花园")
    room3 = people.ensure_room(comm.id, "3-2-501")
    room5 = people.ensure_room(comm.id, "5-1-101")
    staff = {login: f.staff(login, name, role) for login, name, role in (
        ("desk1", "李娜", "desk"), ("tech1", "赵师傅", "tech"), ("tech2", "钱师傅", "tech"),
        ("super1", "陈静", "supervisor"), ("admin1", "孙管理", "admin"))}
    Territory.create(staff=staff["tech1"], building=Room.get_by_id(room3).building)
    Territory.create(staff=staff["tech2"], building=Room.get_by_id(room5).building)
    owner = people.create_person(PersonInput(name="张晓明", phones=["13800138000"],
                                             id_number="11010519491231002X"))
    people.move_in(owner, room3, "owner")

    def order(room: int, title: str, **fields) -> int:
        with access.acting(staff["desk1"]):
            view = wo.create_order(wo.OrderInput(kind="repair", title=title, community_id=comm.id,
                                               room_id=room), staff["desk1"].id)
        if fields:
            WorkOrder.update(**fields).where(WorkOrder.id == view.id).execute()
        return view.id

    return {"staff": staff, "owner": owner, "order": order, "room3": room3, "room5": room5,
            "comm": comm}


def ids(view: str, who) -> set[int]:
    return {row.id for row in queue.queue_page(view, who.id).rows}


def test_a_technician_sees_and_changes_only_their_work(w):
    s = w["staff"]
    in_mine = w["order"](w["room3"], "厨房漏水")  # tech1's territory, not dispatched yet
    theirs = w["order"](w["room5"], "门锁坏了")  # tech2's territory
    lent = w["order"](w["room5"], "灯不亮", assignee=s["tech1"].id, status="assigned")
    assert ids("all", s["tech1"]) == {in_mine, lent}
    assert ids("all", s["desk1"]) == {in_mine, theirs, lent}
    with access.acting(s["tech1"]):  # the home screen's counts and lists too
        assert overview.home_counts(s["tech1"].id).new_orders == 1
        assert [r.id for r in overview.new_orders()] == [in_mine]
    with access.acting(s["desk1"]):
        assert overview.home_counts(s["desk1"].id).new_orders == 2
    with access.acting(s["tech1"]):
        with pytest.raises(PermissionDenied, match="neither assigned to you nor in your territory"):
            wo.get_order(theirs)
        with pytest.raises(PermissionDenied):
            wo.start(theirs, s["tech1"].id)
        assert wo.start(lent, s["tech1"].id).status == "in_progress"
    assert WorkOrder.get_by_id(theirs).status == "new"


def test_a_technician_never_sees_id_numbers(w):
    s = w["staff"]
    with access.acting(s["tech1"]):
        assert cards.owner_card(w["owner"]).id_number is None
    with access.acting(s["desk1"]):
        assert cards.owner_card(w["owner"]).id_number == "110***********002X"


def test_desk_staff_create_and_update_but_cannot_delete_or_merge(w):
    s = w["staff"]
    a, b = w["order"](w["room3"], "漏水"), w["order"](w["room3"], "漏水（重复）")
    with access.acting(s["desk1"]):
        pid = people.create_person(PersonInput(name="王芳"))
        people.update_person(pid, PersonInput(name="王芳", note="新业主"))
        with pytest.raises(PermissionDenied, match="delete records"):
            people.delete_person(pid)
        with pytest.raises(PermissionDenied, match="merge work orders"):
            wo.merge(b, a, s["desk1"].id)
        with pytest.raises(PermissionDenied, match="cancel work orders"):
            wo.cancel(a, s["desk1"].id, "重复")
        wo.assign(a, s["tech1"].id, s["desk1"].id)  # dispatching is a desk clerk's job
        with pytest.raises(PermissionDenied, match="reassign"):
            wo.assign(a, s["tech2"].id, s["desk1"].id, reason="请假")
    assert Person.get_by_id(pid).note == "新业主"
    assert WorkOrder.get_by_id(b).merged_into_id is None
    with access.acting(s["super1"]):
        wo.merge(b, a, s["super1"].id)
        assert people.delete_person(pid) == "王芳"
    assert Person.get_or_none(Person.id == pid) is None


def test_a_supervisor_reassigns_and_reads_every_change_in_the_history(w):
    s = w["staff"]
    order = w["order"](w["room3"], "厨房漏水")
    with access.acting(s["desk1"]):
        wo.assign(order, s["tech1"].id, s["desk1"].id)
        with pytest.raises(PermissionDenied, match="audit trail"):
            audit.history("work_order", order)
    with access.acting(s["super1"]):
        wo.assign(order, s["tech2"].id, s["super1"].id, reason="赵师傅请假")
        entries = audit.history("work_order", order)
    changes = [(e.login, e.field, e.old, e.new) for e in entries if e.field == "assignee_id"]
    assert changes == [("super1", "assignee_id", str(s["tech1"].id), str(s["tech2"].id)),
                       ("desk1", "assignee_id", None, str(s["tech1"].id))]
    assert ("desk1", "create") in [(e.login, e.action) for e in entries]


def test_moving_a_territory_moves_its_open_work_in_one_step(w):
    s = w["staff"]
    open_ = w["order"](w["room3"], "漏水", assignee=s["tech1"].id, status="in_progress")
    done = w["order"](w["room3"], "换灯", assignee=s["tech1"].id, status="resolved")
    with access.acting(s["super1"]), pytest.raises(PermissionDenied, match="territories"):
        territory.move_territory("tech1", "tech2")
    with access.acting(s["admin1"]):
        result = territory.move_territory("tech1", "tech2")
    assert result.buildings == 1 and len(result.orders) == 1
    assert WorkOrder.get_by_id(open_).assignee_id == s["tech2"].id
    assert WorkOrder.get_by_id(done).assignee_id == s["tech1"].id  # finished work stays
    assert territory.territory_building_ids(s["tech1"].id) == []
    assert len(territory.territory_building_ids(s["tech2"].id)) == 2
    last = WorkOrderHistory.select().where(WorkOrderHistory.work_order == open_).order_by(
        WorkOrderHistory.id.desc()).first()
    assert (last.action, last.staff_id) == ("reassign", s["admin1"].id)
    assert "赵师傅" in last.note and "钱师傅" in last.note
    # tech2 now sees the moved order; tech1 no longer does.
    assert open_ in ids("all", s["tech2"]) and open_ not in ids("all", s["tech1"])


def test_only_supervisors_change_sla_policies(w):
    with access.acting(w["staff"]["desk1"]), pytest.raises(PermissionDenied, match="SLA"):
        sla.set_sla("repair", "normal", 20, 600)
    with access.acting(w["staff"]["super1"]):
        assert sla.set_sla("repair", "normal", 20, 600).response_minutes == 20


def test_the_cli_obeys_the_same_rules(w, db_url, capsys):
    url = db_url
    assert cli.main(["--db", url, "--user", "desk1", "--lang", "en", "territory", "move", "tech1",
                     "tech2"]) == 2
    assert "territories" in capsys.readouterr().err
    assert cli.main(["--db", url, "--user", "admin1", "--lang", "en", "territory", "list"]) == 0
    out = capsys.readouterr().out
    assert "tech1" in out and "tech2" in out
    assert cli.main(["--db", url, "--user", "admin1", "territory", "move", "tech1", "tech2",
                     "--json"]) == 0
    assert '"buildings": 1' in capsys.readouterr().out
    order = w["order"](w["room3"], "厨房漏水")
    # tech1 handed 3号楼 to tech2: the new order there is none of tech1's business now.
    assert cli.main(["--db", url, "--user", "tech1", "--lang", "en", "tickets", "show", str(order)]) == 2
    assert "neither assigned to you nor in your territory" in capsys.readouterr().err
    assert cli.main(["--db", url, "--user", "tech2", "tickets", "show", str(order)]) == 0


def test_a_technicians_cards_list_only_their_work(w):
    s = w["staff"]
    mine = w["order"](w["room3"], "厨房漏水", person=w["owner"])
    theirs = w["order"](w["room5"], "门锁坏了", person=w["owner"])
    with access.acting(s["tech1"]):
        shown = {e.id for e in cards.timeline(w["owner"]) if e.kind == "work_order"}
        assert shown == {mine}
        assert [o.id for o in cards.room_card(w["room5"]).open_orders] == []
    with access.acting(s["desk1"]):
        assert {e.id for e in cards.timeline(w["owner"]) if e.kind == "work_order"} == {mine, theirs}
