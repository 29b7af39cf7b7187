"""Dial-out: the configured command that makes the desk's softphone call a number."""

from __future__ import annotations

import os

from data.errors import ValidationError
from data.i18n import _
from data.models import Setting
from data.programs import ProgramResult, command_args, run_program
from data.validators import normalize_phone

#: Where the dial command is configured: the company-wide setting, or (taking precedence,
#: for one desk's own softphone) this environment variable.
DIAL_SETTING = "dial_command"
DIAL_ENV = "FRONTDESK_DIAL_COMMAND"
DIAL_TIMEOUT_S = 10

#: How running the dial command went: `message` is what the clerk reads.
DialResult = ProgramResult


def dial_command() -> str:
    """The configured dial command (FRONTDESK_DIAL_COMMAND, else the dial_command setting),
    or "" when none is: then the number is shown large for dialling by hand."""
    env = os.environ.get(DIAL_ENV, "").strip()
    if env:
        return env
    row = Setting.get_or_none(Setting.key == DIAL_SETTING)
    return row.value.strip() if row is not None else ""


def dial(template: str, number: str, timeout: float = DIAL_TIMEOUT_S) -> DialResult:
    """Run `template` (such as ``softphone call {number}``) for `number`: split like a shell
    would, but run without one, `{number}` substituted (or `-- NUMBER` appended). Only a
    number that normalises (`data.validators.normalize_phone`) is dialled, in its
    normalised form, so typed text never reaches the command as an option."""
    try:
        number = normalize_phone(number).number
    except ValidationError as exc:
        return DialResult(False, _("Not dialled: {error}").format(error=exc.message))
    args = command_args(template, _("dial command"), {"number": number}, ["--", number])
    if isinstance(args, str):
        return DialResult(False, args)
    failure = run_program(args, _("Dialling failed"), timeout)
    if failure is not None:
        return DialResult(False, failure.message)
    return DialResult(True, _("Dialling {number} …").format(number=number))
