"""Dial-out: the configured command that makes the desk's softphone call a number."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
from dataclasses import dataclass

from data.errors import ValidationError
from data.i18n import _
from data.models import Setting
from data.validators import normalize_phone

#: Where the dial command is configured: the company-wide setting, or (taking precedence,
#: for one desk's own softphone) this environment variable.
DIAL_SETTING = "dial_command"
DIAL_ENV = "FRONTDESK_DIAL_COMMAND"
DIAL_TIMEOUT_S = 10

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


@dataclass(frozen=True)
class DialResult:
    """How running the dial command went: `message` is what the clerk reads."""

    ok: bool
    message: str


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
    try:
        args = shlex.split(template)
    except ValueError as exc:
        return DialResult(False, _("The dial command “{command}” is not a valid command line ({error}).")
                          .format(command=template, error=exc))
    if not args:
        return DialResult(False, _("The dial command is empty."))
    if any("{number}" in arg for arg in args):
        args = [arg.replace("{number}", number) for arg in args]
    else:
        args += ["--", number]
    program = args[0]
    try:
        done = subprocess.run(args, capture_output=True, text=True, errors="replace", timeout=timeout,
                              stdin=subprocess.DEVNULL, check=False)
    except FileNotFoundError:
        return DialResult(False, _("Dialling failed: command not found: {program}.").format(program=program))
    except PermissionError:
        return DialResult(False, _("Dialling failed: {program} may not be run (permission denied).")
                          .format(program=program))
    except subprocess.TimeoutExpired:
        return DialResult(False, _("Dialling failed: {program} did not finish within {seconds} s.")
                          .format(program=program, seconds=int(timeout)))
    except OSError as exc:
        return DialResult(False, _("Dialling failed: {program}: {error}.").format(program=program, error=exc))
    if done.returncode != 0:
        first = next((line.strip() for line in done.stderr.splitlines() if line.strip()), "")
        message = _("Dialling failed: {program} exited with status {status}.").format(
            program=program, status=done.returncode)
        if first:
            message += " " + _CONTROL.sub("", first)[:200]
        return DialResult(False, message)
    return DialResult(True, _("Dialling {number} …").format(number=number))
