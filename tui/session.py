"""Who a CLI run or a TUI session is: the one sign-in every `frontdesk` command goes through.

The OS login (sshd has proved it; the kernel names it, `data.access.os_login`, never
LOGNAME or USER) signs in as the account mapped to it without a password;
`--user LOGIN` or `FRONTDESK_USER` asks for another account, which needs its password:
`FRONTDESK_PASSWORD`, else a prompt on the terminal (the TUI's sign-in screen for the TUI),
else a refusal. A temporary password must be changed before anything else. A service
account (cron) may run only the commands meant for it (`escalate`, `remind`).
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from typing import NamedTuple

from data import access
from data.errors import AuthError
from data.i18n import _
from data.staff import StaffInfo


class Session(NamedTuple):
    """A signed-in account and the password it signed in with (None: by its OS login)."""

    staff: StaffInfo
    password: str | None

    def __repr__(self) -> str:  # the password is never in a log or a traceback
        return f"Session(staff={self.staff!r}, password={'…' if self.password else None})"


def requested_login(args: argparse.Namespace) -> str | None:
    """The login asked for: `--user`, else FRONTDESK_USER, else none (the OS login's)."""
    return getattr(args, "user", None) or os.environ.get("FRONTDESK_USER") or None


def interactive() -> bool:
    """Can we prompt? (stdin and stderr are a terminal)."""
    try:
        return sys.stdin.isatty() and sys.stderr.isatty()
    except (AttributeError, ValueError):
        return False


def prompt_new_password(login: str) -> str:
    """A new password typed twice at the terminal (asks again when they differ or break a
    rule); FRONTDESK_NEW_PASSWORD instead when it is set."""
    from data.auth import check_new_password
    from data.errors import ValidationError

    given = os.environ.get("FRONTDESK_NEW_PASSWORD")
    if given is not None:
        return given
    if not interactive():
        raise AuthError(_(
            "A new password for “{login}” is needed: set FRONTDESK_NEW_PASSWORD or run this "
            "in a terminal.").format(login=login))
    while True:
        first = getpass.getpass(_("New password for {login}: ").format(login=login))
        try:
            check_new_password(login, first)
        except ValidationError as exc:
            print(exc.message, file=sys.stderr)
            continue
        if getpass.getpass(_("Type it again: ")) == first:
            return first
        print(_("The two passwords differ; try again."), file=sys.stderr)


def _service_check(staff: StaffInfo, action: str | None, tui: bool) -> None:
    """A service account opens no TUI and runs only its own commands."""
    if staff.role != access.SERVICE:
        return
    if tui or action not in access.SERVICE_ACTIONS:
        raise AuthError(_(
            "“{login}” is a service account: it may only run unattended work "
            "(frontdesk escalate, frontdesk remind), not this.").format(login=staff.login))


def _guard_check(staff: StaffInfo, action: str | None, tui: bool, allow_temporary: bool) -> None:
    """A gate guard's account runs only the gate's commands (visitors, passes) and the
    TUI (which shows them nothing else); changing their own password is theirs too."""
    if staff.role != access.GUARD or tui or allow_temporary:
        return
    # A command that names its permission is refused by that rule's own words (below);
    # one that names none (reading owners, orders, calls …) is not the gate's.
    if action is None or action not in access.RULES:
        raise AuthError(_(
            "“{login}” is a gate guard's account: it may register visitors and check release "
            "passes (frontdesk visitors, frontdesk passes), not this.").format(login=staff.login))


def open_session(args: argparse.Namespace, *, allow_temporary: bool = False,
                 tui: bool = False, action: str | None = None) -> Session:
    """Sign in as the OS login's account or the requested one, then act as it.

    A password comes from FRONTDESK_PASSWORD, else the TUI's sign-in screen (`tui`) or a
    prompt on the terminal, else the run is refused. A temporary password is changed
    right away when we can prompt; otherwise the run is refused, saying how to change it
    — unless `allow_temporary` (the `staff passwd` command that changes it). `action`, when
    given, is the permission (data.access.RULES) the command needs: checked here.
    """
    from data.auth import authenticate, change_password, resolve_session

    staff, needs_password = resolve_session(access.os_login(), requested_login(args))
    _service_check(staff, action, tui)
    _guard_check(staff, action, tui, allow_temporary)
    password: str | None = None
    if needs_password:
        password = os.environ.get("FRONTDESK_PASSWORD")
        if password is None and tui:
            from tui.sign_in_app import SignInApp

            signed = SignInApp(staff.login).run()
            if signed is None:
                raise AuthError(_("Not signed in."))
            _service_check(signed, action, tui)
            access.act_as(signed)
            return Session(signed, None)
        if password is None:
            if not interactive():
                raise AuthError(_(
                    "“{login}” signs in with a password: set FRONTDESK_PASSWORD or run this in "
                    "a terminal.").format(login=staff.login))
            password = getpass.getpass(_("Password for {login}: ").format(login=staff.login))
        staff = authenticate(staff.login, password)
        if staff.must_change_password and not allow_temporary:
            if not interactive():
                raise AuthError(_(
                    "The password of “{login}” is temporary: change it first with\n"
                    "  frontdesk --user {login} staff passwd {login}\n"
                    "(the new one from FRONTDESK_NEW_PASSWORD or typed twice)."
                ).format(login=staff.login))
            print(_("Your password is temporary: choose a new one."), file=sys.stderr)
            new = prompt_new_password(staff.login)
            staff = change_password(staff.id, password, new)
            password = new
    _service_check(staff, action, tui)
    _guard_check(staff, action, tui, allow_temporary)
    access.act_as(staff)
    if action is not None:
        access.require(action)
    return Session(staff, password)


def sign_in(args: argparse.Namespace, *, allow_temporary: bool = False,
            action: str | None = None) -> StaffInfo:
    """The signed-in, acting account of this CLI run (see `open_session`); `action` is the
    permission the command needs, if one."""
    return open_session(args, allow_temporary=allow_temporary, action=action).staff


def sign_in_admin_if_any(args: argparse.Namespace) -> Session | None:
    """Database-wide steps (`migrate`, `backup`, `restore`, `copy`) on the open database:
    an administrator's, once it has an active one; a new database has nobody to sign in
    as, so then they run without an account (None)."""
    from data.auth import has_admin

    if not has_admin():
        return None
    return open_session(args, action="database.admin")
