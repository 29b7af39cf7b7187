"""`frontdesk settings get|set|list`: the company settings an administrator may change
(data.settings: the dial and print commands, the export folder, the retention periods)."""

from __future__ import annotations

import argparse
from collections.abc import Callable

from data.i18n import _
from tui.cli.common import open_db


def add_parsers(sub: argparse._SubParsersAction) -> None:
    """Register `settings` on the main parser."""
    from data.settings import KNOWN

    p = sub.add_parser("settings", help=_("company settings (administrators): print and dial "
                                          "commands, export folder"))
    settings_sub = p.add_subparsers(dest="settings_command", metavar="ACTION", required=True)
    settings_sub.add_parser("list", help=_("every known setting and its value"))
    q = settings_sub.add_parser("get", help=_("print one setting's value"))
    q.add_argument("key", metavar="KEY", help=", ".join(KNOWN))
    q = settings_sub.add_parser("set", help=_("change one setting (an empty VALUE clears it)"))
    q.add_argument("key", metavar="KEY", help=", ".join(KNOWN))
    q.add_argument("value", metavar="VALUE")


def cmd_settings(args: argparse.Namespace) -> int:
    """`frontdesk settings list | get KEY | set KEY VALUE` (administrators)."""
    from data.settings import KNOWN, get_setting, set_setting
    from tui.session import sign_in

    open_db(args)
    staff = sign_in(args)
    if args.settings_command == "list":
        for key, known in KNOWN.items():
            print(f"{key} = {get_setting(key)}")
            print(f"    {_(known.help)}" + (_(" (default: {value})").format(value=known.default)
                                            if known.default else ""))
        return 0
    if args.settings_command == "get":
        print(get_setting(args.key))
        return 0
    value = set_setting(args.key, args.value, staff.id)
    if value:
        print(_("{key} is now: {value}").format(key=args.key.strip(), value=value))
    else:
        print(_("{key} is cleared.").format(key=args.key.strip()))
    return 0


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {"settings": cmd_settings}
