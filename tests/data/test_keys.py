"""Keys left with the desk (钥匙寄存, issue 16 item 3): handed out only to a person on the
list, by name and phone or ID tail; anyone else refused; every hand-out and return kept;
keys out longer than a day flagged; given back for good."""

from __future__ import annotations

import datetime as dt

import pytest

from data import access, i18n
from data import desk_registers as reg
from data.errors import NotFoundError, PermissionDenied, ValidationError
from data.models import AuditLog, KeyDeposit, KeyLoan, Phone
from data.people import add_phone
from tests import factories as f

T0 = dt.datetime(2026, 3, 2, 9, 0)


@pytest.fixture
def w(database):
    i18n.set_language("en")
    desk = f.staff("desk1", "李娜", "desk")
    tech = f.staff("tech1", "王师傅", "tech")
    comm = f.community("锦绣花园")
    room = f.room(comm, "3", "2", "501")
    owner = f.person("张晓明")
    owner.id_number = "31010519800101123X"
    owner.save()
    add_phone(owner.id, "13800138000")
    access.act_as(desk)
    return {"desk": desk, "tech": tech, "comm": comm, "room": room, "owner": owner}


def deposit(w, **kw) -> reg.KeyView:
    data = reg.KeyDepositInput(
        description="入户门钥匙", room="3-2-501", community="锦绣花园", quantity=2,
        owner=w["owner"].id,
        authorised=[reg.AuthorisedInput("王阿姨", phone_tail="6688"),
                    reg.AuthorisedInput("李师傅", id_tail="12345X")], **kw)
    return reg.deposit_key(data, at=T0)


def test_a_deposit_keeps_the_room_what_who_and_the_list_with_the_owner_on_it(w):
    view = deposit(w)
    assert (view.row.room.code, view.row.room.community) == ("3-2-501", "锦绣花园")
    assert (view.row.description, view.row.quantity, view.row.left_by) == ("入户门钥匙", 2, "张晓明")
    assert view.state == "held" and view.deposited_by == "李娜"
    people = {a.name: (a.phone_tail, a.id_tail) for a in view.authorised}
    # The owner is on the list with their own mobile's and ID number's tails.
    assert people == {"张晓明": ("8000", "123X"), "王阿姨": ("6688", ""), "李师傅": ("", "12345X")}
    assert view.row.authorised == ("张晓明", "王阿姨", "李师傅")


def test_hand_out_only_to_an_authorised_person_by_name_and_tail(w):
    view = deposit(w)
    with pytest.raises(ValidationError) as caught:
        reg.hand_out_key(view.id, "陌生人", "1234", at=T0)
    assert caught.value.field == "to"
    assert "not on the list of people authorised" in caught.value.message
    assert "张晓明" in caught.value.message and "王阿姨" in caught.value.message
    with pytest.raises(ValidationError) as caught:
        reg.hand_out_key(view.id, "王阿姨", "1234", at=T0)
    assert caught.value.field == "tail" and "matches neither" in caught.value.message
    assert KeyLoan.select().count() == 0 and KeyDeposit.get_by_id(view.id).state == "held"

    out = reg.hand_out_key(view.id, " 王 阿姨 ", "6688", note="保洁", at=T0 + dt.timedelta(hours=1))
    assert out.state == "out" and out.row.out_to == "王阿姨"
    [loan] = out.loans
    assert (loan.handed_to, loan.out_by, loan.note, loan.returned_at) == ("王阿姨", "李娜", "保洁", None)


def test_an_id_tail_matches_on_its_last_four_to_six_characters(w):
    view = deposit(w)
    assert reg.hand_out_key(view.id, "李师傅", "345x", at=T0).row.out_to == "李师傅"
    reg.return_key(view.id, at=T0)
    assert reg.hand_out_key(view.id, "张晓明", "123X", at=T0).row.out_to == "张晓明"


def test_the_refusal_reads_in_chinese(w):
    view = deposit(w)
    i18n.set_language("zh")
    with pytest.raises(ValidationError) as caught:
        reg.hand_out_key(view.id, "陌生人", "1234", at=T0)
    assert "不在授权取钥匙名单中" in caught.value.message
    with pytest.raises(ValidationError) as caught:
        reg.hand_out_key(view.id, "王阿姨", "0000", at=T0)
    assert "不在授权取钥匙名单中" in caught.value.message


def test_keys_out_cannot_go_out_twice_and_come_back_with_who_and_when(w):
    view = deposit(w)
    reg.hand_out_key(view.id, "王阿姨", "6688", at=T0)
    with pytest.raises(ValidationError) as caught:
        reg.hand_out_key(view.id, "李师傅", "12345X", at=T0)
    assert caught.value.field == "state" and "out with 王阿姨" in caught.value.message
    back = reg.return_key(view.id, returned_by="王阿姨的女儿", at=T0 + dt.timedelta(hours=3))
    assert back.state == "held"
    [loan] = back.loans
    assert (loan.returned_by, loan.returned_staff, loan.returned_at) == (
        "王阿姨的女儿", "李娜", T0 + dt.timedelta(hours=3))
    with pytest.raises(ValidationError) as caught:
        reg.return_key(view.id, at=T0)
    assert caught.value.field == "state"


def test_keys_out_longer_than_a_day_are_flagged(w):
    view = deposit(w)
    reg.hand_out_key(view.id, "王阿姨", "6688", at=T0)
    [early] = reg.keys_out(T0 + dt.timedelta(hours=23))
    assert (early.handed_to, early.room.code, early.overdue) == ("王阿姨", "3-2-501", False)
    [late] = reg.keys_out(T0 + dt.timedelta(days=1, minutes=1))
    assert late.overdue and late.out_by == "李娜"
    page = reg.list_keys(overdue_only=True, at=T0 + dt.timedelta(days=3))
    assert [r.id for r in page.rows] == [view.id] and page.rows[0].overdue
    assert reg.list_keys(overdue_only=True, at=T0 + dt.timedelta(hours=2)).total == 0
    assert reg.key_counts(at=T0 + dt.timedelta(days=2)) == {"held": 0, "out": 1, "overdue": 1}
    reg.return_key(view.id, at=T0 + dt.timedelta(days=3))
    assert reg.keys_out(T0 + dt.timedelta(days=3)) == ()


def test_a_person_added_later_may_collect_and_the_addition_is_audited(w):
    view = deposit(w)
    with pytest.raises(ValidationError):
        reg.hand_out_key(view.id, "赵强", "5566", at=T0)
    after = reg.authorise_key(view.id, reg.AuthorisedInput("赵强", phone_tail="5566"), at=T0)
    assert "赵强" in after.row.authorised
    added = [a for a in after.authorised if a.name == "赵强"][0]
    assert added.added_by == "李娜"
    assert AuditLog.select().where(AuditLog.entity == "key_authorisation",
                                   AuditLog.entity_id == added.id, AuditLog.action == "create",
                                   AuditLog.staff == w["desk"].id).exists()
    assert reg.hand_out_key(view.id, "赵强", "5566", at=T0).row.out_to == "赵强"


def test_a_revoked_person_is_refused(w):
    view = deposit(w)
    aunt = [a for a in view.authorised if a.name == "王阿姨"][0]
    reg.revoke_authorised(aunt.id, at=T0)
    with pytest.raises(ValidationError) as caught:
        reg.hand_out_key(view.id, "王阿姨", "6688", at=T0)
    assert caught.value.field == "to"


def test_given_back_for_good_the_deposit_is_closed(w):
    view = deposit(w)
    with pytest.raises(ValidationError):
        reg.close_key(view.id, "陌生人", "8000", at=T0)
    closed = reg.close_key(view.id, "张晓明", "8000", note="业主搬家取回", at=T0 + dt.timedelta(days=5))
    assert (closed.state, closed.closed_to, closed.closed_by) == ("closed", "张晓明", "李娜")
    with pytest.raises(ValidationError) as caught:
        reg.hand_out_key(view.id, "张晓明", "8000", at=T0)
    assert caught.value.field == "state" and "for good" in caught.value.message
    assert reg.keys_held_for_room(w["room"].id) == ()
    assert reg.list_keys(state="open").total == 0 and reg.list_keys(state="closed").total == 1


def test_bad_input_names_the_field_and_saves_nothing(w):
    def refused(field, **kw):
        base = dict(description="门禁卡", room="3-2-501", community="锦绣花园", left_by="张晓明",
                    authorised=[reg.AuthorisedInput("王阿姨", phone_tail="6688")])
        base.update(kw)
        with pytest.raises(ValidationError) as caught:
            reg.deposit_key(reg.KeyDepositInput(**base), at=T0)
        assert caught.value.field == field, caught.value
        return caught.value.message

    assert "what was left" in refused("description", description="  ")
    assert "1 to 99" in refused("quantity", quantity="0")
    assert "1 to 99" in refused("quantity", quantity="两把")
    assert refused("room", room="9-9-909")
    assert refused("room", room="")
    assert refused("left_by", left_by="")
    assert "U+001B" in refused("description", description="钥匙\x1b[2J")
    assert "last 4 digits" in refused("phone_tail", authorised=[reg.AuthorisedInput("王阿姨", phone_tail="66")])
    assert "phone tail" in refused("phone_tail", authorised=[reg.AuthorisedInput("王阿姨")])
    assert KeyDeposit.select().count() == 0
    view = reg.deposit_key(reg.KeyDepositInput("门禁卡", room="3-2-501", left_by="张晓明"), at=T0)
    with pytest.raises(ValidationError) as caught:
        reg.hand_out_key(view.id, "王阿姨", "", at=T0)
    assert caught.value.field == "tail"
    with pytest.raises(ValidationError) as caught:
        reg.hand_out_key(view.id, "王阿姨", "6688", at=T0)
    assert "nobody is on it yet" in caught.value.message
    with pytest.raises(NotFoundError):
        reg.hand_out_key(9999, "王阿姨", "6688", at=T0)


def test_the_list_pages_and_filters(w):
    other = f.room(w["comm"], "5", "1", "1201")
    for i in range(7):
        reg.deposit_key(reg.KeyDepositInput(f"信箱钥匙{i}", room_id=other.id, left_by="刘女士",
                                            authorised=[reg.AuthorisedInput("刘女士", phone_tail="1111")]),
                        at=T0 + dt.timedelta(minutes=i))
    first = deposit(w)
    reg.hand_out_key(first.id, "王阿姨", "6688", at=T0)
    page = reg.list_keys(limit=3)
    assert page.total == 8 and len(page.rows) == 3 and page.has_more
    assert reg.list_keys(limit=3, offset=6).has_more is False
    assert [r.id for r in reg.list_keys(out_only=True).rows] == [first.id]
    assert reg.list_keys(text="王阿姨").total == 1  # an authorised name
    assert reg.list_keys(text="信箱").total == 7
    assert reg.list_keys(text="5-1").total == 7  # the room
    assert reg.list_keys(state="已借出").total == 1
    assert reg.list_keys(community="锦绣花园").total == 8
    assert [r.id for r in reg.keys_held_for_room(w["room"].id)] == [first.id]
    with pytest.raises(ValidationError) as caught:
        reg.list_keys(state="lost")
    assert caught.value.field == "state"
    with pytest.raises(ValidationError) as caught:
        reg.list_keys(limit=0)
    assert caught.value.field == "limit"


def test_technicians_may_not_use_the_register(w):
    view = deposit(w)
    access.act_as(w["tech"])
    with pytest.raises(PermissionDenied):
        reg.list_keys()
    with pytest.raises(PermissionDenied):
        reg.hand_out_key(view.id, "王阿姨", "6688")
    with pytest.raises(PermissionDenied):
        reg.keys_out()
    assert Phone.select().count() == 1


def test_a_second_desk_handing_out_the_same_keys_at_the_same_moment_is_refused(w, monkeypatch):
    """Both desks read the keys as at the desk; the second write finds them out already."""
    from data.desk_registers import keys as keys_module

    view = deposit(w)
    reg.hand_out_key(view.id, "王阿姨", "6688", at=T0)
    monkeypatch.setattr(keys_module, "_must_be_at_desk", lambda deposit: None)  # the stale read
    with pytest.raises(ValidationError) as caught:
        reg.hand_out_key(view.id, "李师傅", "12345X", at=T0)
    assert caught.value.field == "state" and "a moment ago" in caught.value.message
    assert [loan.handed_to for loan in KeyLoan.select()] == ["王阿姨"]
