"""The `frontdesk keys …`, `frontdesk parcels …` and `frontdesk found …` commands (issue 16
items 3, 4, 6): the front desk's key register (钥匙寄存), parcels held (代收) and lost and
found (失物招领), through `data.desk_registers` with the same rules as the registers screen.
Rooms are named like everywhere else: `--room 3-2-501 [--community NAME]`."""

from __future__ import annotations

import argparse
import datetime as dt
from collections.abc import Callable

from data.errors import ValidationError
from data.i18n import _
from tui.cli.common import emit, open_db, pad, sign_in

#: Rows a list prints unless --limit says otherwise.
LIST_DEFAULT = 50


# --- parsers ---------------------------------------------------------------------------------


def _list_options(q: argparse.ArgumentParser, *, room: bool = True) -> None:
    q.add_argument("--search", default="", metavar="TEXT", help=_("only those containing TEXT"))
    q.add_argument("--state", metavar="S", help=_("only this state"))
    q.add_argument("--community", metavar="NAME", help=_("only this community"))
    if room:
        q.add_argument("--room", metavar="CODE", help=_("only this room, such as 3-2-501"))
    q.add_argument("--limit", type=int, default=LIST_DEFAULT, metavar="N", help=_("at most N rows (default 50)"))
    q.add_argument("--offset", type=int, default=0, metavar="N", help=_("skip the first N rows"))
    q.add_argument("--json", action="store_true", help=_("one JSON object per line"))


def _room_options(q: argparse.ArgumentParser) -> None:
    q.add_argument("--room", required=True, metavar="CODE", help=_("room code, such as 3-2-501"))
    q.add_argument("--community", metavar="NAME", help=_("community, when the room code exists in several"))


def _json_option(q: argparse.ArgumentParser) -> None:
    q.add_argument("--json", action="store_true", help=_("one JSON object per line"))


def add_parsers(sub: argparse._SubParsersAction) -> None:
    """Register `keys`, `parcels` and `found` on the main parser."""
    p = sub.add_parser("keys", help=_("keys left with the desk (钥匙寄存): list, deposit, hand out, return"))
    keys = p.add_subparsers(dest="keys_command", metavar="ACTION", required=True)
    q = keys.add_parser("list", help=_("the key register, newest first (default: not given back)"))
    q.add_argument("--out", action="store_true", help=_("only keys out now"))
    q.add_argument("--overdue", action="store_true", help=_("only keys out longer than a day"))
    _list_options(q)
    q = keys.add_parser("show", help=_("one deposit: who may collect it, every hand-out"))
    q.add_argument("id", type=int, metavar="ID")
    _json_option(q)
    q = keys.add_parser("deposit", help=_("register keys or cards left for a room"))
    _room_options(q)
    q.add_argument("--what", required=True, metavar="TEXT", help=_("what was left, such as 入户门钥匙"))
    q.add_argument("--count", default="1", metavar="N", help=_("how many (default 1)"))
    q.add_argument("--owner", metavar="PERSON", help=_("the owner who left them: #id, a phone number or a name"))
    q.add_argument("--left-by", dest="left_by", default="", metavar="NAME",
                   help=_("who left them, when not the owner"))
    q.add_argument("--authorise", nargs=2, action="append", default=[], metavar=("NAME", "TAIL"),
                   help=_("someone who may collect them, with the last 4 digits of their phone or "
                          "4–6 of their ID (repeatable)"))
    q.add_argument("--note", default="", metavar="TEXT")
    _json_option(q)
    q = keys.add_parser("authorise", help=_("add someone who may collect a deposit's keys"))
    q.add_argument("id", type=int, metavar="ID")
    q.add_argument("--name", default="", metavar="NAME")
    q.add_argument("--phone-tail", dest="phone_tail", default="", metavar="NNNN",
                   help=_("the last 4 digits of their phone"))
    q.add_argument("--id-tail", dest="id_tail", default="", metavar="TAIL",
                   help=_("the last 4–6 characters of their ID number"))
    q.add_argument("--person", metavar="PERSON", help=_("a registered person: #id or a phone number"))
    _json_option(q)
    q = keys.add_parser("revoke", help=_("take someone off a deposit's list"))
    q.add_argument("authorisation", type=int, metavar="AUTH_ID", help=_("the number `keys show` gives them"))
    q = keys.add_parser("hand-out", help=_("hand keys to someone on their list"))
    q.add_argument("id", type=int, metavar="ID")
    q.add_argument("--to", required=True, metavar="NAME", help=_("who collects them"))
    q.add_argument("--tail", required=True, metavar="NNNN",
                   help=_("the last 4 digits of their phone or 4–6 of their ID"))
    q.add_argument("--note", default="", metavar="TEXT")
    _json_option(q)
    q = keys.add_parser("return", help=_("take back keys that were out"))
    q.add_argument("id", type=int, metavar="ID")
    q.add_argument("--by", default="", metavar="NAME", help=_("who brought them (default: who took them)"))
    _json_option(q)
    q = keys.add_parser("close", help=_("give the keys back to the owner for good"))
    q.add_argument("id", type=int, metavar="ID")
    q.add_argument("--to", required=True, metavar="NAME")
    q.add_argument("--tail", required=True, metavar="NNNN")
    q.add_argument("--note", default="", metavar="TEXT")
    _json_option(q)

    p = sub.add_parser("parcels", help=_("parcels held at the desk (代收): list, receive, collect"))
    parcels = p.add_subparsers(dest="parcels_command", metavar="ACTION", required=True)
    q = parcels.add_parser("list", help=_("parcels, newest first"))
    q.add_argument("--waiting", action="store_true", help=_("only those waiting"))
    q.add_argument("--overdue", action="store_true", help=_("only those waiting longer than 7 days"))
    _list_options(q)
    q = parcels.add_parser("show", help=_("one parcel: the message sent, who collected it"))
    q.add_argument("id", type=int, metavar="ID")
    _json_option(q)
    q = parcels.add_parser("receive", help=_("register a parcel and tell the owner"))
    _room_options(q)
    q.add_argument("--carrier", required=True, metavar="NAME", help=_("such as 顺丰, 京东, 中通"))
    q.add_argument("--tracking", default="", metavar="NUMBER")
    q.add_argument("--what", default="", metavar="TEXT", help=_("what it is, such as 一箱水果"))
    q.add_argument("--size", default="small", metavar="SIZE", help="小件|中件|大件 (small, medium, large)")
    q.add_argument("--shelf", default="", metavar="PLACE", help=_("where it is kept, such as A-3"))
    q.add_argument("--note", default="", metavar="TEXT")
    q.add_argument("--no-message", dest="message", action="store_false",
                   help=_("do not message the owner now"))
    _json_option(q)
    q = parcels.add_parser("notify", help=_("message the owner again"))
    q.add_argument("id", type=int, metavar="ID")
    _json_option(q)
    q = parcels.add_parser("collect", help=_("hand a parcel over"))
    q.add_argument("id", type=int, metavar="ID")
    q.add_argument("--by", required=True, metavar="NAME", help=_("who collects it"))
    q.add_argument("--code", default="", metavar="CODE",
                   help=_("the pickup code from the owner's message (someone not living there)"))
    q.add_argument("--note", default="", metavar="TEXT",
                   help=_("who allowed someone not living there to collect it"))
    _json_option(q)

    p = sub.add_parser("found", help=_("lost and found (失物招领): list, add, claim, dispose"))
    found = p.add_subparsers(dest="found_command", metavar="ACTION", required=True)
    q = found.add_parser("list", help=_("found items, most recently found first"))
    q.add_argument("--disposable", action="store_true", help=_("only those unclaimed for 90 days"))
    _list_options(q, room=False)
    q = found.add_parser("show", help=_("one found item"))
    q.add_argument("id", type=int, metavar="ID")
    _json_option(q)
    q = found.add_parser("add", help=_("register an item found"))
    q.add_argument("--community", required=True, metavar="NAME")
    q.add_argument("--what", required=True, metavar="TEXT", help=_("what was found, such as 黑色钱包"))
    q.add_argument("--place", required=True, metavar="TEXT", help=_("where it was found"))
    q.add_argument("--found-at", dest="found_at", default="", metavar="WHEN",
                   help=_("YYYY-MM-DD HH:MM (default now)"))
    q.add_argument("--found-by", dest="found_by", default="", metavar="NAME", help=_("default: you"))
    q.add_argument("--stored-at", dest="stored_at", default="", metavar="PLACE",
                   help=_("where the desk keeps it"))
    q.add_argument("--note", default="", metavar="TEXT")
    _json_option(q)
    q = found.add_parser("claim", help=_("hand an item to its owner"))
    q.add_argument("id", type=int, metavar="ID")
    q.add_argument("--name", required=True, metavar="NAME")
    q.add_argument("--phone", default="", metavar="PHONE")
    q.add_argument("--id-tail", dest="id_tail", default="", metavar="TAIL",
                   help=_("the last 4–6 characters of their ID number"))
    q.add_argument("--note", default="", metavar="TEXT")
    _json_option(q)
    q = found.add_parser("dispose", help=_("dispose of an item unclaimed for 90 days"))
    q.add_argument("id", type=int, metavar="ID")
    q.add_argument("--how", required=True, metavar="HOW", help="交派出所|捐赠|丢弃 (police, donated, discarded)")
    q.add_argument("--note", required=True, metavar="TEXT", help=_("where it went, or why"))
    _json_option(q)


# --- helpers ---------------------------------------------------------------------------------


def _when(value: dt.datetime | None) -> str:
    return f"{value:%Y-%m-%d %H:%M}" if value else "—"


def _room_id(args: argparse.Namespace) -> int | None:
    from data.lookup import find_room

    if not getattr(args, "room", None):
        return None
    return find_room(args.room, args.community)[1]


def _check_page(args: argparse.Namespace) -> None:
    if args.limit < 1:
        raise ValidationError("--limit", _("--limit must be at least 1."))
    if args.offset < 0:
        raise ValidationError("--offset", _("--offset must be 0 or more."))


def _print_page(page, line: Callable, empty: str, as_json: bool) -> None:
    for row in page.rows:
        if as_json:
            emit(row.as_json())
        else:
            print(line(row))
    if as_json:
        return
    if not page.rows:
        print(empty)
    elif page.has_more:
        print(_("… {shown} of {total}: --offset {next} for more.").format(
            shown=len(page.rows), total=page.total, next=page.offset + len(page.rows)))


# --- keys ------------------------------------------------------------------------------------


def _key_line(row) -> str:
    from data.desk_registers import KEY_STATES
    from data.vocab import label

    state = label(KEY_STATES, row.state)
    if row.state == "out":
        state = f"{state} → {row.out_to} {row.out_since:%m-%d %H:%M}"
        if row.overdue:
            state += " " + _("(out over a day)")
    return "  ".join((
        pad(f"#{row.id}", 6), pad(row.room.community, 10), pad(row.room.code, 10),
        pad(f"{row.description}×{row.quantity}", 18), pad(row.left_by, 8), state,
    )).rstrip()


def _print_key(view) -> None:
    from data.desk_registers import KEY_STATES
    from data.vocab import label

    row = view.row
    lines = [
        f"#{row.id}  {row.room.label}  {row.description}×{row.quantity}",
        _("State: {state}").format(state=label(KEY_STATES, row.state)),
        _("Left by {name} on {when} (received by {staff})").format(
            name=row.left_by, when=_when(row.deposited_at), staff=view.deposited_by or "—"),
    ]
    if row.state == "out":
        lines.append(_("Out with {name} since {when}").format(name=row.out_to, when=_when(row.out_since))
                     + (" " + _("(out over a day)") if row.overdue else ""))
    if row.state == "closed":
        lines.append(_("Given back for good to {name} on {when} by {staff}").format(
            name=view.closed_to, when=_when(view.closed_at), staff=view.closed_by or "—"))
    if view.note:
        lines.append(view.note)
    lines += ["", _("May collect them:")]
    for a in view.authorised:
        revoked = "  " + _("(revoked {when})").format(when=_when(a.revoked_at)) if a.revoked_at else ""
        lines.append(f"  [{a.id}] {pad(a.name, 10)}  {a.tails}{revoked}")
    if not view.authorised:
        lines.append("  " + _("nobody yet"))
    if view.loans:
        lines += ["", _("Hand-outs:")]
    for loan in view.loans:
        back = _("back {when} ({by}, {staff})").format(
            when=_when(loan.returned_at), by=loan.returned_by, staff=loan.returned_staff) \
            if loan.returned_at else _("still out")
        lines.append(f"  {_when(loan.out_at)}  → {pad(loan.handed_to, 8)}  ({loan.out_by})  {back}"
                     + (f"  {loan.note}" if loan.note else ""))
    print("\n".join(lines))


def _show_key(view, as_json: bool, done: str = "") -> int:
    if as_json:
        emit(view.as_json())
    else:
        if done:
            print(done)
        _print_key(view)
    return 0


def cmd_keys(args: argparse.Namespace) -> int:
    """`frontdesk keys list|show|deposit|authorise|revoke|hand-out|return|close`."""
    from data import desk_registers as reg

    open_db(args)
    sign_in(args, reg.KEYS_ACTION)
    command = args.keys_command
    if command == "list":
        _check_page(args)
        state = args.state if args.state else (None if args.out or args.overdue else "open")
        page = reg.list_keys(text=args.search, state=state, community=args.community,
                             room_id=_room_id(args), out_only=args.out, overdue_only=args.overdue,
                             limit=args.limit, offset=args.offset)
        _print_page(page, _key_line, _("No keys in the register."), args.json)
        return 0
    if command == "show":
        return _show_key(reg.get_key(args.id), args.json)
    if command == "deposit":
        from data.lookup import find_room

        room_id = find_room(args.room, args.community)[1]
        people = [_authorised(name, tail) for name, tail in args.authorise]
        view = reg.deposit_key(reg.KeyDepositInput(
            description=args.what, room_id=room_id, quantity=args.count, owner=args.owner,
            left_by=args.left_by, authorised=people, note=args.note))
        return _show_key(view, args.json, _("Deposit #{id} registered.").format(id=view.id))
    if command == "authorise":
        view = reg.authorise_key(args.id, reg.AuthorisedInput(
            name=args.name, phone_tail=args.phone_tail, id_tail=args.id_tail, person=args.person))
        return _show_key(view, args.json, _("Added to the list of deposit #{id}.").format(id=view.id))
    if command == "revoke":
        view = reg.revoke_authorised(args.authorisation)
        print(_("Taken off the list of deposit #{id}.").format(id=view.id))
        return 0
    if command == "hand-out":
        view = reg.hand_out_key(args.id, args.to, args.tail, note=args.note)
        return _show_key(view, args.json, _("Handed to {name}.").format(name=view.row.out_to))
    if command == "return":
        view = reg.return_key(args.id, returned_by=args.by)
        return _show_key(view, args.json, _("Keys of deposit #{id} are back at the desk.").format(id=view.id))
    view = reg.close_key(args.id, args.to, args.tail, note=args.note)
    return _show_key(view, args.json, _("Given back for good to {name}.").format(name=view.closed_to))


def _authorised(name: str, tail: str):
    """`--authorise NAME TAIL`: up to four digits are a phone tail, anything else an ID tail."""
    from data import desk_registers as reg

    text = tail.strip()
    if len(text) <= 4 and text.isdigit():
        return reg.AuthorisedInput(name, phone_tail=text)
    return reg.AuthorisedInput(name, id_tail=text)


# --- parcels ---------------------------------------------------------------------------------


def _parcel_line(row) -> str:
    from data.desk_registers import PARCEL_STATES
    from data.vocab import label

    if row.state == "waiting":
        state = _("waiting {days} d").format(days=row.days_waiting)
        if row.overdue:
            state += " " + _("(over 7 days)")
        told = _("told") if row.notified else _("not told")
    else:
        state = f"{label(PARCEL_STATES, row.state)} {row.collected_by}"
        told = ""
    return "  ".join((
        pad(f"#{row.id}", 6), pad(row.room.community, 10), pad(row.room.code, 10), pad(row.carrier, 6),
        pad(row.tracking, 16), pad(row.shelf, 6), f"{row.received_at:%m-%d %H:%M}", pad(told, 6), state,
    )).rstrip()


def _show_parcel(view, as_json: bool, done: str = "") -> int:
    from data.desk_registers import COLLECTED_HOW, PARCEL_SIZES, PARCEL_STATES
    from data.vocab import label

    if as_json:
        emit(view.as_json())
        return 0
    if done:
        print(done)
    row = view.row
    lines = [
        f"#{row.id}  {row.room.label}  {row.carrier} {row.tracking}".rstrip(),
        _("State: {state}").format(state=label(PARCEL_STATES, row.state)),
        _("What: {what} · {size} · shelf {shelf}").format(
            what=row.description or "—", size=label(PARCEL_SIZES, row.size), shelf=row.shelf or "—"),
        _("Received {when} by {staff}").format(when=_when(row.received_at), staff=view.received_by or "—"),
        (_("Owner told: {how}").format(how=row.notice) if row.notified
         else _("Owner not told: {why}").format(why=row.notice or _("no message sent yet"))),
    ]
    if row.state == "collected":
        lines.append(_("Collected {when} by {name} ({how}) — handed over by {staff}").format(
            when=_when(row.collected_at), name=row.collected_by,
            how=label(COLLECTED_HOW, view.collected_how), staff=view.collected_staff or "—")
            + (f"  {view.collected_note}" if view.collected_note else ""))
    elif row.overdue:
        lines.append(_("Waiting {days} days: over 7 days.").format(days=row.days_waiting))
    if view.note:
        lines.append(view.note)
    print("\n".join(lines))
    return 0


def cmd_parcels(args: argparse.Namespace) -> int:
    """`frontdesk parcels list|show|receive|notify|collect`."""
    from data import desk_registers as reg

    open_db(args)
    sign_in(args, reg.PARCELS_ACTION)
    command = args.parcels_command
    if command == "list":
        _check_page(args)
        page = reg.list_parcels(text=args.search, state=args.state, community=args.community,
                                room_id=_room_id(args), waiting_only=args.waiting,
                                overdue_only=args.overdue, limit=args.limit, offset=args.offset)
        _print_page(page, _parcel_line, _("No parcels."), args.json)
        return 0
    if command == "show":
        return _show_parcel(reg.get_parcel(args.id), args.json)
    if command == "receive":
        from data.lookup import find_room

        room_id = find_room(args.room, args.community)[1]
        view = reg.receive_parcel(reg.ParcelInput(
            carrier=args.carrier, room_id=room_id, tracking=args.tracking, description=args.what,
            size=args.size, shelf=args.shelf, note=args.note), notify=args.message)
        return _show_parcel(view, args.json, _("Parcel #{id} registered.").format(id=view.id))
    if command == "notify":
        view = reg.notify_parcel(args.id)
        return _show_parcel(view, args.json)
    view = reg.collect_parcel(args.id, args.by, pickup_code=args.code, note=args.note)
    return _show_parcel(view, args.json, _("Parcel #{id} handed to {name}.").format(
        id=view.id, name=view.row.collected_by))


# --- lost and found --------------------------------------------------------------------------


def _found_line(row) -> str:
    from data.desk_registers import DISPOSALS, FOUND_STATES
    from data.vocab import label

    if row.state == "claimed":
        state = f"{label(FOUND_STATES, row.state)} {row.claimed_by}"
    elif row.state == "disposed":
        state = label(DISPOSALS, row.disposal)
    else:
        state = label(FOUND_STATES, row.state) + (" " + _("(over 90 days)") if row.disposable else "")
    return "  ".join((
        pad(f"#{row.id}", 6), pad(row.community, 10), f"{row.found_at:%Y-%m-%d}",
        pad(row.description, 16), pad(row.place, 14), pad(row.stored_at, 10), state,
    )).rstrip()


def _show_found(view, as_json: bool, done: str = "") -> int:
    from data.desk_registers import DISPOSALS, FOUND_STATES
    from data.vocab import label

    if as_json:
        emit(view.as_json())
        return 0
    if done:
        print(done)
    row = view.row
    lines = [
        f"#{row.id}  {row.community}  {row.description}",
        _("State: {state}").format(state=label(FOUND_STATES, row.state)),
        _("Found {when} at {place} by {name}").format(when=_when(row.found_at), place=row.place,
                                                      name=row.found_by),
        _("Kept at: {place} (registered by {staff})").format(place=row.stored_at or "—",
                                                             staff=view.registered_by or "—"),
    ]
    if row.state == "claimed":
        tail = _("ID …{tail}").format(tail=view.claimed_id_tail) if view.claimed_id_tail else ""
        who = "  ".join(x for x in (view.claimed_phone, tail) if x)
        lines.append(_("Claimed {when} by {name} {who}, handed over by {staff}").format(
            when=_when(row.claimed_at), name=row.claimed_by, who=who, staff=view.handed_by or "—"))
        if view.claimed_note:
            lines.append("  " + view.claimed_note)
    if row.state == "disposed":
        lines.append(_("{how} on {when} by {staff}: {note}").format(
            how=label(DISPOSALS, row.disposal), when=_when(row.disposed_at), staff=view.disposed_by or "—",
            note=view.disposal_note))
    if view.note:
        lines.append(view.note)
    print("\n".join(lines))
    return 0


def cmd_found(args: argparse.Namespace) -> int:
    """`frontdesk found list|show|add|claim|dispose`."""
    from data import desk_registers as reg

    open_db(args)
    sign_in(args, reg.FOUND_ACTION)
    command = args.found_command
    if command == "list":
        _check_page(args)
        page = reg.list_found(text=args.search, state=args.state, community=args.community,
                              disposable_only=args.disposable, limit=args.limit, offset=args.offset)
        _print_page(page, _found_line, _("No found items."), args.json)
        return 0
    if command == "show":
        return _show_found(reg.get_found(args.id), args.json)
    if command == "add":
        view = reg.add_found(reg.FoundInput(
            description=args.what, place=args.place, community=args.community, found_at=args.found_at,
            found_by=args.found_by, stored_at=args.stored_at, note=args.note))
        return _show_found(view, args.json, _("Found item #{id} registered.").format(id=view.id))
    if command == "claim":
        view = reg.claim_found(args.id, reg.ClaimInput(args.name, phone=args.phone, id_tail=args.id_tail,
                                                       note=args.note))
        return _show_found(view, args.json, _("Handed to {name}.").format(name=view.row.claimed_by))
    view = reg.dispose_found(args.id, args.how, args.note)
    return _show_found(view, args.json)


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "keys": cmd_keys,
    "parcels": cmd_parcels,
    "found": cmd_found,
}
