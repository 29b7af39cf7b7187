"""Issue 15: the staff a clerk picks from (the calendar's s picker, a visit's technician)
are people: service accounts (cron, the phone system, the built-in `system`) are left out.
Both backends."""

from __future__ import annotations

import pytest

from data import calendar as cal
from data.errors import ValidationError
from data.staff import system_account
from tests import factories as f


@pytest.fixture
def staff(database):
    f.staff("desk1", "李娜")
    f.staff("tech1", "李建国", "tech")
    f.staff("cron", "定时任务", "service")
    f.staff("pbx", "电话系统", "service")
    system_account()


def test_everyone_listed_is_a_person(staff):
    assert [r.login for r in cal.find_staff("")] == ["desk1", "tech1"]


@pytest.mark.parametrize("typed", ["cron", "定时", "dsrw", "system", "系统", "pbx"])
def test_a_service_account_is_not_found_by_login_name_or_initials(staff, typed):
    assert cal.find_staff(typed) == []
    with pytest.raises(ValidationError):
        cal.one_staff(typed, "technician")


def test_a_person_is_still_found(staff):
    assert cal.one_staff("李建国", "technician").login == "tech1"
