"""The `frontdesk community` command (issue 14): communities (add, list, edit), a
building's rooms with their areas, and parking spaces (add, list). Communities and rooms
are an administrator's; the data layer refuses everyone else."""

from __future__ import annotations

import argparse
from collections.abc import Callable

from data.i18n import _
from tui.cli.common import emit, open_db, sign_in


def add_parsers(sub: argparse._SubParsersAction) -> None:
    """Register `community` (add, list, edit, rooms, parking) on the main parser."""
    p = sub.add_parser("community", help=_("communities, their rooms and parking spaces"))
    actions = p.add_subparsers(dest="community_command", metavar="ACTION", required=True)

    q = actions.add_parser("add", help=_("add a community (administrators)"))
    q.add_argument("name", metavar="NAME")
    _community_options(q)

    q = actions.add_parser("list", help=_("every community"))
    q.add_argument("--json", action="store_true", help=_("one JSON object per line"))

    q = actions.add_parser("edit", help=_("change a community (administrators)"))
    q.add_argument("community", metavar="COMMUNITY", help=_("its name or code"))
    q.add_argument("--name", metavar="NAME", help=_("a new name"))
    _community_options(q)

    q = actions.add_parser("rooms", help=_("a building's rooms with their areas"))
    q.add_argument("community", metavar="COMMUNITY", help=_("its name or code"))
    q.add_argument("building", metavar="BUILDING", help=_("the building's code, such as 3"))
    q.add_argument("--json", action="store_true", help=_("one JSON object per line"))

    q = actions.add_parser("parking", help=_("parking spaces"))
    parking = q.add_subparsers(dest="parking_command", metavar="ACTION", required=True)
    r = parking.add_parser("add", help=_("add a parking space"))
    r.add_argument("community", metavar="COMMUNITY", help=_("its name or code"))
    r.add_argument("code", metavar="CODE", help=_("such as B2-034"))
    r.add_argument("--kind", default="rented", help=_("产权 (titled), 租赁 (rented) or 临时 (temporary)"))
    r.add_argument("--area", default="", metavar="M2", help=_("area in m² (titled spaces only)"))
    r.add_argument("--holder", default="", metavar="PERSON",
                   help=_("the owner or tenant: a phone number or #id"))
    r.add_argument("--plate", default="", help=_("the plate parked there, such as 沪A·12345"))
    r.add_argument("--note", default="")
    r = parking.add_parser("list", help=_("a community's parking spaces"))
    r.add_argument("community", nargs="?", metavar="COMMUNITY", help=_("its name or code (default: all)"))
    r.add_argument("--kind", help=_("only this kind"))
    r.add_argument("--json", action="store_true", help=_("one JSON object per line"))


def _community_options(q: argparse.ArgumentParser) -> None:
    q.add_argument("--code", metavar="C", help=_("a short code (default: the name's pinyin initials)"))
    q.add_argument("--address", metavar="A")
    q.add_argument("--phone", metavar="P", help=_("the property office's phone"))
    q.add_argument("--developer", metavar="D", help=_("the developer (建设单位)"))


def _area(value) -> str:
    return f"{value:.2f}" if value is not None else "-"


def cmd_community(args: argparse.Namespace) -> int:
    from data import property as prop
    from data.vocab import PARKING_KINDS, ROOM_STATES, ROOM_TYPES, label

    open_db(args)
    sign_in(args)
    command = args.community_command
    if command == "add":
        cid = prop.add_community(prop.CommunityInput(
            name=args.name, code=args.code or "", address=args.address or "",
            phone=args.phone or "", developer=args.developer or ""))
        view = prop.community_view(cid)
        print(_("Community {name} added (code {code}).").format(name=view.name, code=view.code))
        return 0
    if command == "list":
        rows = prop.list_communities()
        for c in rows:
            if args.json:
                emit({"id": c.id, "name": c.name, "code": c.code, "address": c.address,
                       "phone": c.phone, "developer": c.developer, "buildings": c.buildings,
                       "rooms": c.rooms})
            else:
                print(f"{c.code:<8} {c.name}  {c.buildings} {_('buildings')}  {c.rooms} {_('rooms')}"
                      f"  {c.phone}  {c.address}")
        if not rows and not args.json:
            print(_("No communities yet: frontdesk community add NAME"))
        return 0
    if command == "edit":
        cid = prop.find_community(args.community)
        view = prop.community_view(cid)
        prop.update_community(cid, prop.CommunityInput(
            name=args.name if args.name is not None else view.name,
            code=args.code if args.code is not None else view.code,
            address=args.address if args.address is not None else view.address,
            phone=args.phone if args.phone is not None else view.phone,
            developer=args.developer if args.developer is not None else view.developer))
        view = prop.community_view(cid)
        print(_("Community {name} saved (code {code}).").format(name=view.name, code=view.code))
        return 0
    if command == "rooms":
        from data.people import find_building

        cid, bid = find_building(args.building, args.community)
        after = None
        total = 0
        while True:
            page = prop.rooms(bid, after=after)
            for r in page:
                if args.json:
                    emit({"id": r.id, "code": r.code, "floor": r.floor, "area_m2": _num(r.area_m2),
                           "inner_area_m2": _num(r.inner_area_m2), "type": r.room_type,
                           "state": r.state, "developer_held": r.developer_held})
                else:
                    held = "  " + _("developer-held") if r.developer_held else ""
                    print(f"{r.code:<12} {_area(r.area_m2):>9} {_area(r.inner_area_m2):>9}  "
                          f"{label(ROOM_TYPES, r.room_type)}  {label(ROOM_STATES, r.state)}{held}")
            total += len(page)
            if len(page) < prop.ROOM_PAGE:
                break
            after = page[-1].code
        if not total and not args.json:
            print(_("No rooms in this building."))
        return 0
    # parking
    if args.parking_command == "add":
        cid = prop.find_community(args.community)
        prop.add_parking_space(cid, prop.ParkingSpaceInput(
            code=args.code, kind=args.kind, area=args.area, holder=args.holder,
            plate=args.plate, note=args.note))
        print(_("Parking space {code} added.").format(code=prop.parse_parking_code(args.code)))
        return 0
    community_id = prop.find_community(args.community) if args.community else None
    spaces = prop.parking_spaces(community_id, kind=args.kind)
    for s in spaces:
        if args.json:
            emit(s.as_json())
        else:
            print(f"{s.community}  {s.code:<10} {label(PARKING_KINDS, s.kind)}  {_area(s.area_m2)}  "
                  f"{s.holder.name if s.holder else '-'}  {s.plate}")
    if not spaces and not args.json:
        print(_("No parking spaces."))
    return 0


def _num(value) -> str | None:
    return None if value is None else f"{value:.2f}"


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {"community": cmd_community}
