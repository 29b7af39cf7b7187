"""Messages to owners through the configured command (issue 16 item 8): the number and the
text reach the program as whole arguments, hostile text literally, never through a shell;
with no command configured nothing is sent and nothing is logged as sent."""

from __future__ import annotations

import json
import os
import stat

import pytest

from data import i18n
from data.db import close_database, open_database
from data.messaging import messages_about, send_message
from data.models import OutboundMessage, Setting, Staff
from data.settings import set_setting
from tests import factories as f

HOSTILE = ["; rm -rf ~", "$(id)", "`id` && echo pwned > /tmp/pwned", "-rf --help", "包裹到了'\"|>"]


@pytest.fixture
def desk(db_url):
    i18n.set_language("en")
    open_database(db_url)
    staff = f.staff("desk1", "李娜")
    f.staff("admin1", "管理员", "admin")
    yield staff
    close_database()


def fake_sender(tmp_path, exit_status: int = 0) -> tuple[str, str]:
    """A script that writes the arguments it got as JSON and exits with `exit_status`."""
    out = tmp_path / "args.json"
    script = tmp_path / "sms-send"
    script.write_text(
        "#!/usr/bin/env python3\nimport json, sys\n"
        f"open({str(out)!r}, 'a').write(json.dumps(sys.argv[1:], ensure_ascii=False) + '\\n')\n"
        f"print('gateway says no', file=sys.stderr) if {exit_status} else None\n"
        f"sys.exit({exit_status})\n", encoding="utf-8")
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return str(script), str(out)


def configure(command: str) -> None:
    admin = Staff.get(Staff.login == "admin1")
    set_setting("message_command", command, admin.id)


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_text_reaches_the_program_as_one_literal_argument(desk, tmp_path, text):
    script, out = fake_sender(tmp_path)
    configure(script)
    result = send_message("+86 138-0013-8000", f"您的快递已到前台 {text}", about="parcel",
                          about_id=7, staff_id=desk.id)
    assert result.sent, result.message
    assert "138****8000" in result.message
    calls = [json.loads(line) for line in open(out, encoding="utf-8")]
    assert calls == [["13800138000", f"您的快递已到前台 {text}"]]
    assert not os.path.exists("/tmp/pwned") or "pwned" not in text
    [row] = messages_about("parcel", 7)
    assert row.state == "sent" and row.text.endswith(text) and row.number == "138****8000"
    assert row.staff == "李娜"


def test_placeholders_put_number_and_text_where_the_command_says(desk, tmp_path):
    script, out = fake_sender(tmp_path)
    configure(f"{script} --to={{number}} --body {{text}} --sign 物业")
    assert send_message("13800138000", "$(id)", staff_id=desk.id).sent
    assert json.loads(open(out, encoding="utf-8").read()) == [
        "--to=13800138000", "--body", "$(id)", "--sign", "物业"]


def test_no_command_configured_says_so_and_logs_nothing(desk):
    result = send_message("13800138000", "您的快递已到", about="parcel", about_id=1, staff_id=desk.id)
    assert not result.sent
    assert "No message command is configured" in result.message
    assert OutboundMessage.select().count() == 0


def test_a_failing_command_is_logged_as_failed_with_its_reason(desk, tmp_path):
    script, _out = fake_sender(tmp_path, exit_status=3)
    configure(script)
    result = send_message("13800138000", "您的快递已到", about="parcel", about_id=2, staff_id=desk.id)
    assert not result.sent
    assert "exited with status 3" in result.message and "gateway says no" in result.message
    [row] = messages_about("parcel", 2)
    assert row.state == "failed" and "status 3" in row.error


def test_a_missing_program_and_a_bad_number_are_refused_clearly(desk, tmp_path):
    configure(str(tmp_path / "no-such-sender"))
    missing = send_message("13800138000", "hi", staff_id=desk.id)
    assert not missing.sent and "command not found" in missing.message
    bad = send_message("12345; rm -rf ~", "hi", staff_id=desk.id)
    assert not bad.sent and bad.message.startswith("Not sent:")
    assert [r.state for r in OutboundMessage.select()] == ["failed"]  # the bad number never ran


def test_control_characters_never_reach_the_program_or_the_log(desk, tmp_path):
    script, out = fake_sender(tmp_path)
    configure(script)
    result = send_message("13800138000", "快递\x1b[31m到了\x07", staff_id=desk.id)
    assert not result.sent and result.message.startswith("Not sent:")
    assert not os.path.exists(out)
    assert OutboundMessage.select().count() == 0


def test_the_setting_is_an_administrators(desk):
    from data.access import acting
    from data.errors import PermissionDenied

    with acting(desk), pytest.raises(PermissionDenied):
        set_setting("message_command", "/bin/true", desk.id)
    assert Setting.get_or_none(Setting.key == "message_command") is None
