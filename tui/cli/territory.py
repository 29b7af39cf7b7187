"""The `frontdesk territory` command (issue 7): which buildings each technician looks after;
adding and removing buildings, and handing a whole territory — with its open work — to
someone else in one step. Changing territories is for administrators (the data layer
refuses everyone else)."""

from __future__ import annotations

import argparse
from collections.abc import Callable

from data.i18n import _
from tui.cli.common import emit, open_db, sign_in


def add_parsers(sub: argparse._SubParsersAction) -> None:
    """Register `territory` (list, assign, remove, move) on the main parser."""
    p = sub.add_parser("territory", help=_("territories: which buildings each technician looks after"))
    actions = p.add_subparsers(dest="territory_command", metavar="ACTION", required=True)

    q = actions.add_parser("list", help=_("who looks after which building"))
    q.add_argument("--staff", metavar="LOGIN", help=_("only this staff member's buildings"))
    q.add_argument("--json", action="store_true", help=_("one JSON object per line"))

    for name, help_text in (("assign", _("add buildings to a staff member's territory")),
                            ("remove", _("take buildings out of a staff member's territory"))):
        q = actions.add_parser(name, help=help_text)
        q.add_argument("login", metavar="LOGIN")
        q.add_argument("buildings", nargs="+", metavar="BUILDING", help=_("building codes, such as 3 or 3号楼"))
        q.add_argument("--community", metavar="NAME", help=_("the buildings' community"))

    q = actions.add_parser("move", help=_("hand a territory and its open work orders to someone else"))
    q.add_argument("from_login", metavar="FROM")
    q.add_argument("to_login", metavar="TO")
    q.add_argument("--buildings", metavar="B,B…", help=_("only these buildings (default: all of them)"))
    q.add_argument("--community", metavar="NAME", help=_("the buildings' community"))
    q.add_argument("--json", action="store_true", help=_("one JSON object per line"))


def cmd_territory(args: argparse.Namespace) -> int:
    from data import territory

    open_db(args)
    staff = sign_in(args)
    if args.territory_command == "list":
        lines = territory.list_territories(args.staff)
        for line in lines:
            if args.json:
                emit({"staff": line.login, "name": line.name, "community": line.community,
                       "building": line.building})
            else:
                print(f"{line.login:<12} {line.name:<8} {line.community} {line.building}")
        if not lines and not args.json:
            print(_("No territories."))
        return 0
    if args.territory_command in ("assign", "remove"):
        change = territory.assign_buildings if args.territory_command == "assign" else territory.remove_buildings
        count = change(args.login, args.buildings, community=args.community, by=staff.id)
        message = (_("{count} building(s) added to {login}'s territory.")
                   if args.territory_command == "assign"
                   else _("{count} building(s) taken out of {login}'s territory."))
        print(message.format(count=count, login=args.login))
        return 0
    codes = [c.strip() for c in (args.buildings or "").split(",") if c.strip()] or None
    result = territory.move_territory(args.from_login, args.to_login, codes=codes,
                                      community=args.community, by=staff.id)
    if args.json:
        emit({"buildings": result.buildings, "orders": list(result.orders)})
    else:
        print(_("{buildings} building(s) and {orders} open work order(s) moved from {old} to {new}.").format(
            buildings=result.buildings, orders=len(result.orders), old=args.from_login, new=args.to_login))
        for number in result.orders:
            print(f"  {number}")
    return 0


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {"territory": cmd_territory}
