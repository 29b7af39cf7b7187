"""`frontdesk phone-gate`: the only thing a phone system on another host may run over SSH.

Its key in ~/.ssh/authorized_keys is forced to run this command (`command="…"`, README:
Caller-ID from the phone system); sshd puts what the phone system asked for in
SSH_ORIGINAL_COMMAND. The gate splits it with shlex (never a shell), allows exactly

    [frontdesk] calls ring --number N [--ext E] [--call-id X] [--missed]
    [frontdesk] calls hangup --ext E [--recording R] [--call-id X]

with each option at most once (``--opt value`` or ``--opt=value``), every value checked
by the same rules as the commands' own (data.calls.ringing) before anything runs, and then
runs that command in this process, with this process's own --db and account: nothing the
phone system sends can choose another database, another account, another command, or
reach a shell.
"""

from __future__ import annotations

import argparse
import os
import shlex
from collections.abc import Callable

from data.errors import FrontDeskError, ValidationError
from data.i18n import _

#: The environment variable sshd sets to the command the client asked for.
ORIGINAL_COMMAND = "SSH_ORIGINAL_COMMAND"
#: The longest command the gate reads.
MAX_COMMAND = 1000

#: Allowed options per action: option → takes a value.
ALLOWED: dict[str, dict[str, bool]] = {
    "ring": {"--number": True, "--ext": True, "--call-id": True, "--missed": False},
    "hangup": {"--ext": True, "--recording": True, "--call-id": True},
}


class GateRefusal(FrontDeskError):
    """What the phone system asked for is not one of the two commands it may run."""


def add_parsers(sub: argparse._SubParsersAction) -> None:
    sub.add_parser("phone-gate", help=_(
        "for an SSH key's command=: run only `calls ring` or `calls hangup` from SSH_ORIGINAL_COMMAND"))


def _refuse(reason: str) -> GateRefusal:
    return GateRefusal(_("phone-gate refused the command: {reason}").format(reason=reason))


def _check_value(option: str, value: str) -> None:
    """The value of `option`, by the rules of data.calls.ringing (ValidationError if not)."""
    from data.calls.ringing import check_extension, check_pbx_call_id, check_recording, ring_number

    checks: dict[str, Callable[[str], object]] = {
        "--number": ring_number, "--ext": lambda v: check_extension(v, "--ext"),
        "--call-id": lambda v: check_pbx_call_id(v, "--call-id"),
        "--recording": lambda v: check_recording(v, "--recording"),
    }
    checks[option](value)


def parse_gate_command(command: str | None) -> list[str]:
    """The `frontdesk` arguments (``calls ring …`` or ``calls hangup …``) that `command`
    asks for, every value checked; GateRefusal or ValidationError saying why not."""
    if command is None:
        raise _refuse(_("no command was given (this key runs only calls ring and calls hangup)"))
    if len(command) > MAX_COMMAND:
        raise _refuse(_("the command is longer than {n} characters").format(n=MAX_COMMAND))
    if any(ord(ch) < 0x20 or 0x7F <= ord(ch) <= 0x9F for ch in command):
        raise _refuse(_("the command contains control characters"))
    try:
        words = shlex.split(command, comments=False, posix=True)
    except ValueError as exc:
        raise _refuse(_("the command cannot be split into words ({error})").format(error=exc)) from None
    if words[:1] == ["frontdesk"]:
        words = words[1:]
    if len(words) < 2 or words[0] != "calls" or words[1] not in ALLOWED:
        raise _refuse(_("only “calls ring” and “calls hangup” may run"))
    action, allowed = words[1], ALLOWED[words[1]]
    argv = ["calls", action]
    seen: set[str] = set()
    rest = words[2:]
    i = 0
    while i < len(rest):
        word = rest[i]
        option, has_value, value = word.partition("=")
        if option not in allowed:
            raise _refuse(_("“{word}” is not an option of calls {action}").format(
                word=word[:40], action=action))
        if option in seen:
            raise _refuse(_("{option} is given twice").format(option=option))
        seen.add(option)
        if not allowed[option]:
            if has_value:
                raise _refuse(_("{option} takes no value").format(option=option))
            argv.append(option)
            i += 1
            continue
        if not has_value:
            if i + 1 >= len(rest):
                raise _refuse(_("{option} needs a value").format(option=option))
            value = rest[i + 1]
            i += 1
        _check_value(option, value)
        argv.append(f"{option}={value}")  # one word: a value can never be read as an option
        i += 1
    if action == "hangup" and "--ext" not in seen:
        raise ValidationError("--ext", _("Give the extension that answered (--ext), such as 801."))
    if action == "ring" and "--number" not in seen:
        raise ValidationError("--number", _("Give the caller's number (--number; empty when withheld)."))
    return argv


def cmd_phone_gate(args: argparse.Namespace) -> int:
    """`frontdesk [--db …] phone-gate`: the command in SSH_ORIGINAL_COMMAND, if allowed."""
    from tui import cli

    argv = parse_gate_command(os.environ.get(ORIGINAL_COMMAND))
    own = [*(["--db", args.db] if args.db else []), *(["--user", args.user] if args.user else []),
           *(["--lang", args.lang] if args.lang else [])]
    parser_args = cli._parser().parse_args([*own, *argv])
    return cli._commands()[parser_args.command](parser_args)


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "phone-gate": cmd_phone_gate,
}
