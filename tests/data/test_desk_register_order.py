"""The order the registers screen lists keys, parcels and found items in (issue 16 item 11):
keys out longer than a day first, then out, at the desk, given back; parcels waiting over 7
days first, then waiting, then collected; found items unclaimed first — each newest first
within, paged without gaps or repeats; and the helpers the forms fill themselves from (the
room's owner as who may collect keys, the community a found item is most likely in)."""

from __future__ import annotations

import datetime as dt

import pytest

from data import access, i18n
from data import desk_registers as reg
from data.errors import PermissionDenied
from data.people import add_phone, move_in
from tests import factories as f

T0 = dt.datetime(2026, 3, 2, 9, 0)


@pytest.fixture
def w(database):
    i18n.set_language("en")
    desk = f.staff("desk1", "李娜", "desk")
    comm = f.community("锦绣花园")
    room = f.room(comm, "3", "2", "501")
    f.room(comm, "5", "1", "101")
    owner = f.person("张晓明")
    owner.id_number = "31010519800101123X"
    owner.save()
    add_phone(owner.id, "13800138000")
    move_in(owner.id, room.id, "owner")
    access.act_as(desk)
    return {"desk": desk, "comm": comm, "room": room, "owner": owner}


def _deposit(what: str, at: dt.datetime) -> reg.KeyView:
    return reg.deposit_key(reg.KeyDepositInput(
        description=what, room="5-1-101", left_by="王阿姨",
        authorised=[reg.AuthorisedInput("王阿姨", phone_tail="6688")]), at=at)


def test_keys_out_longer_than_a_day_first_then_out_then_at_the_desk_then_given_back(w):
    closed = _deposit("旧钥匙", T0)
    reg.close_key(closed.id, "王阿姨", "6688", at=T0 + dt.timedelta(hours=1))
    held_old = _deposit("信箱钥匙", T0 + dt.timedelta(hours=2))
    late = _deposit("车库钥匙", T0 + dt.timedelta(hours=3))
    reg.hand_out_key(late.id, "王阿姨", "6688", at=T0 + dt.timedelta(hours=4))
    out = _deposit("门禁卡", T0 + dt.timedelta(hours=5))
    held_new = _deposit("入户门钥匙", T0 + dt.timedelta(hours=6))
    now = T0 + dt.timedelta(days=1, hours=6)  # `late` out 26 hours, `out` 1 hour
    reg.hand_out_key(out.id, "王阿姨", "6688", at=now - dt.timedelta(hours=1))
    page = reg.list_keys(urgent_first=True, at=now)
    assert [r.id for r in page.rows] == [late.id, out.id, held_new.id, held_old.id, closed.id]
    assert [r.overdue for r in page.rows] == [True, False, False, False, False]
    # Newest first without it, as before; pages in the urgent order have no gap or repeat.
    assert reg.list_keys(at=now).rows[0].id == held_new.id
    pages = [reg.list_keys(urgent_first=True, at=now, limit=2, offset=o).rows for o in (0, 2, 4)]
    assert [r.id for rows in pages for r in rows] == [r.id for r in page.rows]


def test_parcels_waiting_over_a_week_first_then_waiting_then_collected(w):
    def receive(what: str, at: dt.datetime) -> reg.ParcelView:
        return reg.receive_parcel(reg.ParcelInput(carrier="顺丰", room="3-2-501", community="锦绣花园",
                                                  description=what), notify=False, at=at)

    old = receive("一箱水果", T0)
    gone = receive("文件袋", T0 + dt.timedelta(days=1))
    reg.collect_parcel(gone.id, "张晓明", at=T0 + dt.timedelta(days=2))
    fresh = receive("鞋盒", T0 + dt.timedelta(days=8))
    page = reg.list_parcels(waiting_first=True, at=T0 + dt.timedelta(days=9))
    assert [r.id for r in page.rows] == [old.id, fresh.id, gone.id]
    assert [r.overdue for r in page.rows] == [True, False, False]
    assert [r.id for r in reg.list_parcels(at=T0 + dt.timedelta(days=9)).rows] == [fresh.id, gone.id, old.id]


def test_found_items_unclaimed_first(w):
    def add(what: str, at: dt.datetime) -> reg.FoundView:
        return reg.add_found(reg.FoundInput(description=what, place="大堂", community="锦绣花园", found_at=at),
                             at=T0 + dt.timedelta(days=3))

    old = add("雨伞", T0)
    claimed = add("钱包", T0 + dt.timedelta(days=1))
    reg.claim_found(claimed.id, reg.ClaimInput(name="刘失主", phone="13700137000"), at=T0 + dt.timedelta(days=2))
    page = reg.list_found(unclaimed_first=True)
    assert [r.id for r in page.rows] == [old.id, claimed.id]
    assert [r.id for r in reg.list_found().rows] == [claimed.id, old.id]


def test_the_rooms_owner_with_the_tails_of_their_mobile_and_id(w):
    owner = reg.owner_authorisation(w["room"].id)
    assert owner is not None
    assert (owner.name, owner.phone_tail, owner.id_tail, owner.person) == ("张晓明", "8000", "123X", w["owner"].id)
    empty = f.room(w["comm"], "3", "2", "502")
    assert reg.owner_authorisation(empty.id) is None


def test_the_community_a_found_item_is_most_likely_in(w):
    assert reg.default_community() == "锦绣花园"  # the only one
    f.community("阳光水岸")
    assert reg.default_community() == ""  # two, and the clerk belongs to neither
    w["desk"].community = w["comm"].id
    w["desk"].save()
    assert reg.default_community() == "锦绣花园"


def test_a_technician_gets_neither_helper(w):
    tech = f.staff("tech1", "王师傅", "tech")
    with pytest.raises(PermissionDenied):
        reg.owner_authorisation(w["room"].id, staff_id=tech.id)
    with pytest.raises(PermissionDenied):
        reg.default_community(staff_id=tech.id)
