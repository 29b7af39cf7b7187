"""Small texts a new clerk read at 80×24 (as they read in Chinese): a call from a staff
member's number names them; the 12345 hotline's history step reads as a phrase."""

from __future__ import annotations

from data import i18n
from data.calls.matching import CallerMatch
from data.i18n import _
from screens.calls.caller import match_text


def test_a_staff_members_call_names_them():
    i18n.set_language("zh")
    match = CallerMatch(number="13800138000", person_id=None, name="", staff_login="admin",
                        rooms=(), open_orders=(), last_calls=(), incident=None, ambiguous=(),
                        staff_id=1, staff_name="孙管理")
    assert "员工 孙管理（admin）" in match_text(None, match, [], "", "13800138000").plain


def test_the_hotline_reply_reads_as_a_phrase():
    i18n.set_language("zh")
    assert _("Replied to 12345") == "已答复 12345 热线"
