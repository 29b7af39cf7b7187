"""Company settings an administrator sets from the command line (`frontdesk settings`):
the programs the app runs (dial, print), where exported files go and how long personal data
is kept (data.retention) — a short list of known keys, each checked before it is stored."""

from __future__ import annotations

import os
import shlex
from collections.abc import Callable
from dataclasses import dataclass

from data import access
from data.clock import now as clock_now
from data.db import transaction
from data.errors import ValidationError
from data.i18n import N_, _
from data.models import Setting
from data.retention import PERIODS, check_days
from data.validators import clean_text


def _command(key: str) -> Callable[[str], str]:
    def check(value: str) -> str:
        try:
            shlex.split(value)
        except ValueError as exc:
            raise ValidationError(key, _("“{value}” is not a valid command line ({error}).").format(
                value=value[:60], error=exc)) from None
        return value

    return check


def _folder(value: str) -> str:
    if value and not os.path.isabs(os.path.expanduser(value)):
        raise ValidationError("export_dir", _(
            "Give an absolute folder, such as /srv/frontdesk/exports/{login} ({login} is "
            "replaced by the staff member's login)."))
    return value


def _company_name(value: str) -> str:
    return clean_text(value, "company_name", max_length=100)


def _phone(value: str) -> str:
    value = clean_text(value, "complaints_phone", max_length=40)
    if value and not all(ch.isdigit() or ch in " -+()/、," for ch in value):
        raise ValidationError("complaints_phone", _(
            "Give the complaints phone as digits, such as 0571-88886666 or 12345."))
    return value


def _promise(value: str) -> str:
    if value and not (value.strip().isdigit() and 1 <= int(value) <= 100):
        raise ValidationError("callback_promise", _("Give the promised callback rate as a whole percentage, 1 to 100."))
    return value.strip()


def _days(key: str) -> Callable[[str], str]:
    return lambda value: check_days(value, key)


def _vacancy(value: str) -> str:
    from data.fees.items import check_vacancy_setting

    return check_vacancy_setting(value)


@dataclass(frozen=True)
class KnownSetting:
    """A setting `frontdesk settings` may read and change."""

    key: str
    help: str  # N_(): translated where shown
    check: Callable[[str], str]
    default: str = ""  # what counts when it is not set ("" = nothing)


KNOWN: dict[str, KnownSetting] = {s.key: s for s in (
    KnownSetting("dial_command", N_("the program that dials a number: {number} is replaced "
                                    "by the number (e.g. softphone call {number})"),
                 _command("dial_command")),
    KnownSetting("print_command", N_("the program that prints an exported file: {file} is "
                                     "replaced by the file (e.g. lp -d 前台打印机 {file})"),
                 _command("print_command")),
    KnownSetting("message_command", N_("the program that sends an SMS or WeChat message to an "
                                       "owner: it gets the number and the text as two arguments "
                                       "(or where {number} and {text} stand); no shell runs it"),
                 _command("message_command")),
    KnownSetting("company_name", N_("the company's name on proposals, quotes and contracts "
                                    "(公司名称, e.g. 锦绣物业服务有限公司)"), _company_name),
    KnownSetting("complaints_phone", N_("the complaints phone printed on the fee standards "
                                        "board (投诉电话, e.g. 0571-88886666)"), _phone),
    KnownSetting("export_dir", N_("each user's export folder; {login} is replaced by the "
                                  "login (default: the user's data folder/exports)"),
                 _folder),
    # What an empty owned room (空置) pays of its fees (data.fees.items.vacancy_rate).
    KnownSetting("fee_vacancy_rate", N_("the percentage of its fees an empty owned room pays "
                                        "(空置房收费比例): 70 for every community, or per "
                                        "community JX=70, 100 (default 100)"),
                 lambda value: _vacancy(value), "100"),
    # The 回访率 the company promises (SPEC §11: 70 % to 90 %+), shown against in reports.
    KnownSetting("callback_promise", N_("the callback rate (回访率) the company promises, in percent: "
                                        "reports show the rate against it (default 80)"), _promise, "80"),
    # How long personal data is kept (data.retention, `frontdesk purge`): whole days.
    *(KnownSetting(period.setting, period.what, _days(period.setting), str(period.default_days))
      for period in PERIODS.values()),
)}


def _known(key: str) -> KnownSetting:
    known = KNOWN.get(key.strip())
    if known is None:
        raise ValidationError("KEY", _("Unknown setting “{key}”: use one of {keys}.").format(
            key=key[:40], keys=", ".join(KNOWN)))
    return known


def get_setting(key: str) -> str:
    """The value of a known setting ("" when it is not set)."""
    access.require("settings.manage")
    known = _known(key)
    row = Setting.get_or_none(Setting.key == known.key)
    return row.value if row is not None else ""


def set_setting(key: str, value: str, staff_id: int | None = None) -> str:
    """Store a known setting after checking it, recording who did; "" clears it. Returns
    the value stored."""
    access.require("settings.manage", staff_id)
    known = _known(key)
    value = known.check(clean_text(value, known.key, max_length=500))
    with transaction():
        Setting.insert(key=known.key, value=value, updated_by=staff_id,
                       updated_at=clock_now()).on_conflict(
            conflict_target=[Setting.key],
            update={Setting.value: value, Setting.updated_by: staff_id,
                    Setting.updated_at: clock_now()},
        ).execute()
    return value
