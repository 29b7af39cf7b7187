"""Lost and found (失物招领, issue 16 item 6): found items with place and time, found by
whom, stored where; claimed by whom with the staff member who handed it over; disposed of
only when unclaimed for 90 days."""

from __future__ import annotations

import datetime as dt

import pytest

from data import access, i18n
from data import desk_registers as reg
from data.errors import NotFoundError, PermissionDenied, ValidationError
from data.models import AuditLog, FoundItem
from tests import factories as f

T0 = dt.datetime(2026, 3, 2, 9, 0)


@pytest.fixture
def w(database):
    i18n.set_language("en")
    desk = f.staff("desk1", "李娜", "desk")
    f.community("锦绣花园")
    f.community("阳光水岸")
    access.act_as(desk)
    return {"desk": desk}


def add(**kw) -> reg.FoundView:
    data = dict(description="黑色钱包", place="3号楼大堂", community="锦绣花园",
                found_at="2026-03-01 18:30", found_by="保洁 刘阿姨", stored_at="前台抽屉")
    data.update(kw)
    return reg.add_found(reg.FoundInput(**data), at=T0)


def test_an_item_keeps_what_where_when_who_found_it_and_where_it_is(w):
    view = add()
    row = view.row
    assert (row.description, row.place, row.community, row.stored_at) == (
        "黑色钱包", "3号楼大堂", "锦绣花园", "前台抽屉")
    assert (row.found_at, row.found_by, row.state) == (dt.datetime(2026, 3, 1, 18, 30), "保洁 刘阿姨", "held")
    assert view.registered_by == "李娜" and not row.disposable
    # Found by the desk itself: the staff member's name, and now.
    mine = add(found_by="", found_at=None)
    assert (mine.row.found_by, mine.row.found_at) == ("李娜", T0)


def test_a_claim_keeps_who_with_the_phone_masked_and_who_handed_it(w):
    view = add()
    claimed = reg.claim_found(view.id, reg.ClaimInput("王小红", phone="138 0013 8000", id_tail="12345x",
                                                     note="说出了钱包里的卡"), at=T0 + dt.timedelta(hours=5))
    assert (claimed.state, claimed.row.claimed_by, claimed.row.claimed_at) == (
        "claimed", "王小红", T0 + dt.timedelta(hours=5))
    assert (claimed.claimed_phone, claimed.claimed_id_tail, claimed.handed_by) == (
        "138****8000", "12345X", "李娜")
    assert claimed.claimed_note == "说出了钱包里的卡"
    assert FoundItem.get_by_id(view.id).claimed_phone == "13800138000"
    # The audit trail keeps the phone masked too.
    [entry] = AuditLog.select().where(AuditLog.entity == "found_item", AuditLog.field == "claimed_phone")
    assert entry.new_value == "138****8000"
    with pytest.raises(ValidationError) as caught:
        reg.claim_found(view.id, reg.ClaimInput("李四", phone="13900001111"), at=T0)
    assert caught.value.field == "state" and "claimed by 王小红" in caught.value.message


def test_a_claim_needs_a_name_and_a_phone_or_an_id_tail(w):
    view = add()
    for claim, field in ((reg.ClaimInput("", phone="13800138000"), "name"),
                         (reg.ClaimInput("王小红"), "phone"),
                         (reg.ClaimInput("王小红", phone="12345"), "phone"),
                         (reg.ClaimInput("王小红", id_tail="12"), "id_tail")):
        with pytest.raises(ValidationError) as caught:
            reg.claim_found(view.id, claim, at=T0)
        assert caught.value.field == field
    assert reg.claim_found(view.id, reg.ClaimInput("王小红", id_tail="8000"), at=T0).state == "claimed"


def test_disposal_only_after_ninety_days_unclaimed(w):
    view = add()
    found = dt.datetime(2026, 3, 1, 18, 30)
    with pytest.raises(ValidationError) as caught:
        reg.dispose_found(view.id, "交派出所", "新华路派出所", at=found + dt.timedelta(days=89))
    assert caught.value.field == "disposal" and "2026-05-30" in caught.value.message
    assert reg.list_found(disposable_only=True, at=found + dt.timedelta(days=89)).total == 0
    at = found + dt.timedelta(days=90)
    assert reg.list_found(disposable_only=True, at=at).rows[0].disposable
    assert reg.found_counts(at=at) == {"held": 1, "disposable": 1}
    with pytest.raises(ValidationError) as caught:
        reg.dispose_found(view.id, "police", "  ", at=at)
    assert caught.value.field == "note"
    with pytest.raises(ValidationError) as caught:
        reg.dispose_found(view.id, "烧掉", "x", at=at)
    assert caught.value.field == "disposal"
    done = reg.dispose_found(view.id, "交派出所", "新华路派出所 民警张某签收", at=at)
    assert (done.state, done.row.disposal, done.disposal_note, done.disposed_by) == (
        "disposed", "police", "新华路派出所 民警张某签收", "李娜")
    with pytest.raises(ValidationError) as caught:
        reg.claim_found(view.id, reg.ClaimInput("王小红", phone="13800138000"), at=at)
    assert caught.value.field == "state"


def test_bad_input_names_the_field_and_saves_nothing(w):
    def refused(field, **kw):
        with pytest.raises((ValidationError, NotFoundError)) as caught:
            add(**kw)
        assert getattr(caught.value, "field", "community") == field, caught.value
        return caught.value.message

    assert refused("description", description="")
    assert refused("place", place=" ")
    assert "YYYY-MM-DD HH:MM" in refused("found_at", found_at="昨天")
    assert "future" in refused("found_at", found_at="2026-03-03 09:00")
    assert refused("community", community="")
    assert "No community" in refused("community", community="不存在小区")
    assert "U+0007" in refused("place", place="大堂\x07")
    assert FoundItem.select().count() == 0


def test_the_list_pages_and_filters(w):
    for i in range(5):
        add(description=f"钥匙串{i}", found_at=f"2026-02-0{i + 1} 10:00")
    add(description="儿童自行车", community="阳光水岸", place="游乐区")
    page = reg.list_found(limit=2)
    assert page.total == 6 and len(page.rows) == 2 and page.has_more
    assert page.rows[0].description == "儿童自行车"  # found last, shown first
    assert reg.list_found(text="钥匙").total == 5
    assert reg.list_found(text="游乐").total == 1
    assert reg.list_found(community="阳光水岸").total == 1
    assert reg.list_found(state="待认领").total == 6 and reg.list_found(state="claimed").total == 0
    with pytest.raises(ValidationError) as caught:
        reg.list_found(offset=-1)
    assert caught.value.field == "offset"


def test_a_technician_may_not_use_the_register(w):
    view = add()
    access.act_as(f.staff("tech1", "王师傅", "tech"))
    with pytest.raises(PermissionDenied):
        reg.get_found(view.id)
    with pytest.raises(PermissionDenied):
        add()
