"""`frontdesk keys|parcels|found …` (issue 16 items 3, 4, 6) through tui.cli.main: --json
lines, plain lists, and bad input refused with a message naming the field, nothing saved."""

from __future__ import annotations

import json
import stat
from types import SimpleNamespace

import pytest

from data import people
from data.db import close_database, open_database
from data.models import FoundItem, KeyDeposit, KeyLoan, OutboundMessage, Parcel
from data.people import PersonInput
from tests import factories as f
from tests.helpers.cli import json_lines, run

NOW = "2026-03-02 10:00"


@pytest.fixture
def db(db_url, monkeypatch) -> SimpleNamespace:
    """An owner with a mobile living in 锦绣花园 3-2-501 (and 阳光水岸 has a 3-2-501 too),
    a desk clerk, a technician and an administrator; the clock pinned at NOW."""
    monkeypatch.setenv("FRONTDESK_NOW", NOW)
    open_database(db_url)
    comm = f.community("锦绣花园")
    room = people.ensure_room(comm.id, "3-2-501")
    people.ensure_room(f.community("阳光水岸").id, "3-2-501")
    owner = people.create_person(PersonInput(name="张晓明", gender="M", phones=["13800138000"]))
    people.move_in(owner, room, "owner")
    f.staff("desk1", "李娜", "desk")
    f.staff("tech1", "王师傅", "tech")
    f.staff("admin1", "孙管理", "admin")
    close_database()
    return SimpleNamespace(url=db_url, owner=owner, room=room)


def count(db, model) -> int:
    open_database(db.url)
    try:
        return model.select().count()
    finally:
        close_database()


def err(capsys) -> str:
    return capsys.readouterr().err


# --- keys ------------------------------------------------------------------------------------


def deposit(db, capsys) -> dict:
    assert run(db, "keys", "deposit", "--community", "锦绣花园", "--room", "3-2-501", "--what", "入户门钥匙",
               "--count", "2", "--owner", f"#{db.owner}", "--authorise", "王阿姨", "6688",
               "--authorise", "李师傅", "12345X", "--json") == 0
    [view] = json_lines(capsys)
    return view


def test_keys_deposit_hand_out_and_return_as_json(db, capsys):
    view = deposit(db, capsys)
    assert (view["room"], view["community"], view["quantity"], view["left_by"], view["state"]) == (
        "3-2-501", "锦绣花园", 2, "张晓明", "held")
    assert [(a["name"], a["phone_tail"], a["id_tail"]) for a in view["authorised"]] == [
        ("张晓明", "8000", ""), ("王阿姨", "6688", ""), ("李师傅", "", "12345X")]
    assert view["deposited_by"] == "李娜" and view["deposited_at"] == NOW
    key = str(view["id"])
    assert run(db, "keys", "hand-out", key, "--to", "王阿姨", "--tail", "6688", "--json") == 0
    [out] = json_lines(capsys)
    assert (out["state"], out["out_to"], out["loans"][0]["out_by"]) == ("out", "王阿姨", "李娜")
    assert run(db, "keys", "list", "--out", "--json") == 0
    [row] = json_lines(capsys)
    assert (row["id"], row["out_to"], row["overdue"]) == (view["id"], "王阿姨", False)
    assert run(db, "keys", "return", key, "--json") == 0
    [back] = json_lines(capsys)
    assert back["state"] == "held" and back["loans"][0]["returned_by"] == "王阿姨"


def test_keys_hand_out_to_someone_not_on_the_list_is_refused_in_chinese(db, capsys):
    view = deposit(db, capsys)
    assert run(db, "keys", "hand-out", str(view["id"]), "--to", "陌生人", "--tail", "1234") == 2
    message = err(capsys)
    assert "不在授权取钥匙名单中" in message and "陌生人" in message
    assert run(db, "keys", "hand-out", str(view["id"]), "--to", "王阿姨", "--tail", "12") == 2
    assert "tail" in err(capsys)
    assert count(db, KeyLoan) == 0


def test_keys_authorise_later_then_hand_out_and_show(db, capsys):
    view = deposit(db, capsys)
    key = str(view["id"])
    assert run(db, "keys", "authorise", key, "--name", "赵强", "--phone-tail", "5566") == 0
    assert "赵强" in capsys.readouterr().out
    assert run(db, "keys", "hand-out", key, "--to", "赵强", "--tail", "5566") == 0
    shown = capsys.readouterr().out
    assert "已交给赵强" in shown and "赵强" in shown and "5566" in shown
    assert run(db, "keys", "list") == 0
    listed = capsys.readouterr().out
    assert "3-2-501" in listed and "已借出" in listed and "赵强" in listed


def test_keys_deposit_bad_input_names_the_option_and_saves_nothing(db, capsys):
    base = ["keys", "deposit", "--community", "锦绣花园", "--room", "3-2-501", "--what", "门禁卡",
            "--left-by", "张晓明"]
    assert run(db, *base, "--count", "两把") == 2
    assert "quantity" in err(capsys)
    assert run(db, *base, "--authorise", "王阿姨", "66") == 2
    assert "phone_tail" in err(capsys)
    assert run(db, *base, "--authorise", "王阿姨", "1234567") == 2
    assert "id_tail" in err(capsys)
    assert run(db, "keys", "deposit", "--room", "3-2-501", "--what", "门禁卡", "--left-by", "张晓明") == 2
    assert "--community" in err(capsys)  # the room exists in two communities
    assert run(db, "keys", "deposit", "--community", "锦绣花园", "--room", "9-9-909", "--what", "门禁卡",
               "--left-by", "张") == 2
    assert "9-9-909" in err(capsys)
    assert count(db, KeyDeposit) == 0


def test_keys_are_not_a_technicians(db, capsys):
    assert run(db, "keys", "list", user="tech1") != 0
    assert "钥匙寄存" in err(capsys)


# --- parcels ---------------------------------------------------------------------------------


def test_parcels_receive_with_no_message_command_says_so(db, capsys):
    assert run(db, "parcels", "receive", "--community", "锦绣花园", "--room", "3-2-501", "--carrier", "顺丰",
               "--tracking", "SF1234567890", "--what", "一箱水果", "--size", "大件", "--shelf", "A-3",
               "--json") == 0
    [view] = json_lines(capsys)
    assert (view["carrier"], view["tracking"], view["size"], view["shelf"], view["state"]) == (
        "顺丰", "SF1234567890", "large", "A-3", "waiting")
    assert view["notified"] is False and "未配置短信命令" in view["notice"]
    assert count(db, OutboundMessage) == 0
    assert run(db, "parcels", "list", "--waiting") == 0
    listed = capsys.readouterr().out
    assert "SF1234567890" in listed and "未通知" in listed


def test_parcels_receive_messages_the_owner_and_collect(db, capsys, tmp_path):
    out = tmp_path / "args.json"
    script = tmp_path / "sms-send"
    script.write_text("#!/usr/bin/env python3\nimport json, sys\n"
                      f"open({str(out)!r}, 'a').write(json.dumps(sys.argv[1:], ensure_ascii=False))\n",
                      encoding="utf-8")
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    assert run(db, "settings", "set", "message_command", str(script), user="admin1") == 0
    capsys.readouterr()
    assert run(db, "parcels", "receive", "--community", "锦绣花园", "--room", "3-2-501",
               "--carrier", "京东", "--json") == 0
    [view] = json_lines(capsys)
    assert view["notified"] is True and view["notified_person"] == "张晓明"
    argv = json.loads(out.read_text(encoding="utf-8"))
    assert argv[0] == "13800138000" and "京东" in argv[1] and "取件码" in argv[1]
    pid = str(view["id"])
    assert run(db, "parcels", "collect", pid, "--by", "快递员") == 2
    assert "取件码" in err(capsys)
    assert run(db, "parcels", "collect", pid, "--by", "张晓明", "--json") == 0
    [done] = json_lines(capsys)
    assert (done["state"], done["collected_by"], done["collected_how"]) == ("collected", "张晓明", "resident")


def test_parcels_bad_input_names_the_field_and_saves_nothing(db, capsys):
    base = ["parcels", "receive", "--community", "锦绣花园", "--room", "3-2-501"]
    assert run(db, *base, "--carrier", "顺丰", "--tracking", "SF 12; rm -rf ~") == 2
    assert "tracking" in err(capsys)
    assert run(db, *base, "--carrier", "顺丰", "--size", "巨大") == 2
    assert "size" in err(capsys)
    assert run(db, *base, "--carrier", "顺\x1b[2J丰") == 2
    assert "U+001B" in err(capsys)
    assert run(db, "parcels", "list", "--limit", "0") == 2
    assert "--limit" in err(capsys)
    assert run(db, "parcels", "collect", "99", "--by", "张晓明") == 2
    assert "#99" in err(capsys)
    assert count(db, Parcel) == 0


# --- lost and found --------------------------------------------------------------------------


def test_found_add_claim_and_list(db, capsys):
    assert run(db, "found", "add", "--community", "锦绣花园", "--what", "黑色钱包", "--place", "3号楼大堂",
               "--found-at", "2026-03-01 18:30", "--found-by", "保洁 刘阿姨", "--stored-at", "前台抽屉",
               "--json") == 0
    [item] = json_lines(capsys)
    assert (item["description"], item["found_at"], item["found_by"], item["state"]) == (
        "黑色钱包", "2026-03-01 18:30", "保洁 刘阿姨", "held")
    assert run(db, "found", "claim", str(item["id"]), "--name", "王小红", "--phone", "13912345678",
               "--json") == 0
    [claimed] = json_lines(capsys)
    assert (claimed["state"], claimed["claimed_by"], claimed["claimed_phone"], claimed["handed_by"]) == (
        "claimed", "王小红", "139****5678", "李娜")
    assert run(db, "found", "list") == 0
    assert "黑色钱包" in capsys.readouterr().out
    assert run(db, "found", "list", "--state", "待认领", "--json") == 0
    assert json_lines(capsys) == []


def test_found_bad_input_and_early_disposal_are_refused(db, capsys):
    assert run(db, "found", "add", "--community", "锦绣花园", "--what", "雨伞", "--place", "大堂",
               "--found-at", "昨天") == 2
    assert "found_at" in err(capsys)
    assert run(db, "found", "add", "--community", "无此小区", "--what", "雨伞", "--place", "大堂") == 2
    assert "无此小区" in err(capsys)
    assert count(db, FoundItem) == 0
    assert run(db, "found", "add", "--community", "锦绣花园", "--what", "雨伞", "--place", "大堂",
               "--json") == 0
    [item] = json_lines(capsys)
    assert run(db, "found", "dispose", str(item["id"]), "--how", "交派出所", "--note", "新华路派出所") == 2
    message = err(capsys)
    assert "disposal" in message and "90" in message
    assert run(db, "found", "claim", str(item["id"]), "--name", "王小红") == 2
    assert "phone" in err(capsys)
