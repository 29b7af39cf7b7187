"""Running a program an administrator configured (dial, print, message owners): the command
line is split like a shell would split it, but no shell ever runs it; what the clerk typed
only ever becomes whole arguments, and a failure becomes one sentence the clerk can act on."""

from __future__ import annotations

import re
import shlex
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass

from data.i18n import _

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_SHOW = 60


def shown(value: object) -> str:
    """`value` as text safe to show: control characters removed, long text cut at the front."""
    text = _CONTROL.sub("", str(value))
    return text if len(text) <= _SHOW else "…" + text[-(_SHOW - 1):]


@dataclass(frozen=True)
class ProgramResult:
    """How running a configured program went: `message` is what the clerk reads."""

    ok: bool
    message: str


def command_args(template: str, what: str, fields: dict[str, str],
                 appended: Sequence[str]) -> list[str] | str:
    """The argument list of `template`: every `{field}` placeholder replaced by its value
    inside the argument that holds it; with none of them present, `appended` added at the
    end. A message (str) when the template cannot be used; `what` names the command there."""
    try:
        args = shlex.split(template)
    except ValueError as exc:
        return _("The {what} “{command}” is not a valid command line ({error}).").format(
            what=what, command=shown(template), error=exc)
    if not args:
        return _("The {what} is empty.").format(what=what)
    placeholders = [f"{{{name}}}" for name in fields]
    if any(p in arg for arg in args[1:] for p in placeholders):
        out = [args[0]]
        for arg in args[1:]:
            for name, value in fields.items():
                arg = arg.replace(f"{{{name}}}", value)
            out.append(arg)
        return out
    return [*args, *appended]


def run_program(args: Sequence[str], failed: str, timeout: float) -> ProgramResult | None:
    """Run `args` (no shell, no stdin); None when it exited 0, else the failure as a
    ProgramResult whose message starts with `failed` (such as “Dialling failed”)."""
    program = shown(args[0])
    try:
        done = subprocess.run(list(args), capture_output=True, text=True, errors="replace",
                              timeout=timeout, stdin=subprocess.DEVNULL, check=False)
    except FileNotFoundError:
        return ProgramResult(False, _("{failed}: command not found: {program}.").format(
            failed=failed, program=program))
    except PermissionError:
        return ProgramResult(False, _("{failed}: {program} may not be run (permission denied).")
                             .format(failed=failed, program=program))
    except subprocess.TimeoutExpired:
        return ProgramResult(False, _("{failed}: {program} did not finish within {seconds} s.")
                             .format(failed=failed, program=program, seconds=int(timeout)))
    except OSError as exc:
        return ProgramResult(False, _("{failed}: {program}: {error}.").format(
            failed=failed, program=program, error=exc))
    if done.returncode != 0:
        first = next((line.strip() for line in done.stderr.splitlines() if line.strip()), "")
        message = _("{failed}: {program} exited with status {status}.").format(
            failed=failed, program=program, status=done.returncode)
        if first:
            message += " " + _CONTROL.sub("", first)[:200]
        return ProgramResult(False, message)
    return None
