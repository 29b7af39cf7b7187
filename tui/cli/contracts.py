"""The `frontdesk contracts …` command (issue 17 items 4, 5): proposals and service contracts
(建议书和服务合同) — templates (list, add, show), new, list, show, render, sign, terminate,
expiring — through data.contracts, with its rules and permissions."""

from __future__ import annotations

import argparse
from collections.abc import Callable

from data.errors import ValidationError
from data.i18n import _
from tui.cli.common import emit, open_db, pad, sign_in

#: Default number of contracts `contracts list` prints.
LIST_DEFAULT = 50


def add_parsers(sub: argparse._SubParsersAction) -> None:
    """Register `contracts` and its actions on the main parser."""
    p = sub.add_parser("contracts", help=_("proposals, quotes and service contracts (合同)"))
    actions = p.add_subparsers(dest="contracts_command", metavar="ACTION", required=True)

    def json_option(q: argparse.ArgumentParser) -> None:
        q.add_argument("--json", action="store_true", help=_("one JSON object per line"))

    q = actions.add_parser("templates", help=_("the templates: list them, add the company's own, show one"))
    json_option(q)
    q.add_argument("--kind", metavar="K", help=_("only this kind, such as 车位租赁"))
    steps = q.add_subparsers(dest="templates_command", metavar="STEP")
    t = steps.add_parser("add", help=_("register a .docx template (leads)"))
    t.add_argument("file", metavar="FILE", help=_("the .docx file with {{ 业主姓名 }}-style placeholders"))
    t.add_argument("--kind", required=True, metavar="K", dest="template_kind",
                   help=_("its kind: 报价单, 建议书, 装修, 车位租赁, 家政, 其他"))
    t.add_argument("--name", required=True, metavar="NAME", help=_("its name, such as 车位租赁合同（2027版）"))
    json_option(t)
    t = steps.add_parser("show", help=_("a template and the placeholders it uses"))
    t.add_argument("ref", metavar="ID|builtin:KIND")
    json_option(t)

    q = actions.add_parser("new", help=_("draft a contract, a quote or a proposal"))
    q.add_argument("--kind", required=True, metavar="K",
                   help=_("报价单 (from --order), 建议书, 装修, 车位租赁, 家政, 其他"))
    q.add_argument("--room", default="", metavar="CODE", help=_("the room, such as 3-2-501 (its owner signs)"))
    q.add_argument("--community", default="", metavar="NAME", help=_("the community, when the room code is in several"))
    q.add_argument("--owner", default="", metavar="NAME", help=_("who signs, when not the room's owner (a tenant)"))
    q.add_argument("--name", default="", metavar="NAME", help=_("the other party's name (a prospective customer)"))
    q.add_argument("--phone", default="", metavar="PHONE", help=_("the other party's phone"))
    q.add_argument("--amount", default="", metavar="YUAN", help=_("the amount in yuan"))
    q.add_argument("--start", default="", metavar="YYYY-MM-DD", help=_("the first day"))
    q.add_argument("--end", default="", metavar="YYYY-MM-DD", help=_("the last day"))
    q.add_argument("--subject", default="", metavar="TEXT", help=_("what is provided, leased or quoted (服务内容)"))
    q.add_argument("--template", type=int, metavar="ID", help=_("a registered template (default: the newest of the kind)"))
    q.add_argument("--staff", metavar="LOGIN", help=_("the staff member responsible (default: you)"))
    q.add_argument("--order", metavar="NUMBER", help=_("a quote: the work order whose owner-paid costs it lists"))
    q.add_argument("--valid-days", type=int, default=30, metavar="N", dest="valid_days",
                   help=_("a quote: valid for N days (default 30)"))
    q.add_argument("--interest", default="", metavar="TEXT", help=_("a proposal: what the customer is interested in"))
    q.add_argument("--rooms", default="", metavar="TEXT", help=_("a proposal: the rooms or spaces it is about"))
    q.add_argument("--lead", type=int, metavar="ID",
                   help=_("for a lead (潜在客户): a proposal from its data, written at once; a contract "
                          "for a won lead, as `leads convert ID --to contract`"))
    json_option(q)

    q = actions.add_parser("list", help=_("the register, newest first"))
    q.add_argument("--status", metavar="S", help=_("only this status: 草拟, 已签, 履行中, 到期, 终止"))
    q.add_argument("--kind", metavar="K", help=_("only this kind"))
    q.add_argument("--expiring", type=int, nargs="?", const=30, metavar="DAYS",
                   help=_("only those in force ending within DAYS days (default 30)"))
    q.add_argument("--text", default="", metavar="TEXT", help=_("a number, a name or a room code"))
    q.add_argument("--limit", type=int, default=LIST_DEFAULT, metavar="N", help=_("at most N (default 50)"))
    q.add_argument("--offset", type=int, default=0, metavar="N", help=_("skip the first N"))
    json_option(q)

    q = actions.add_parser("show", help=_("a contract with its history"))
    q.add_argument("ref", metavar="ID|NUMBER")
    json_option(q)

    q = actions.add_parser("render", help=_("write its Word file to your export folder"))
    q.add_argument("ref", metavar="ID|NUMBER")
    json_option(q)

    q = actions.add_parser("sign", help=_("record that it was signed"))
    q.add_argument("ref", metavar="ID|NUMBER")
    q.add_argument("--on", default="", metavar="YYYY-MM-DD", dest="on_day", help=_("the day it was signed (default today)"))
    json_option(q)

    q = actions.add_parser("terminate", help=_("terminate it, with the reason (leads)"))
    q.add_argument("ref", metavar="ID|NUMBER")
    q.add_argument("--reason", required=True, metavar="TEXT")
    json_option(q)

    q = actions.add_parser("expiring", help=_("contracts in force ending soon, the soonest first"))
    q.add_argument("--days", type=int, default=30, metavar="N", help=_("within N days (default 30)"))
    json_option(q)


# --- output -------------------------------------------------------------------------------------


def _row_line(row) -> str:
    from data.contracts import KINDS, STATUSES, money
    from data.vocab import label

    return "  ".join((
        pad(row.number, 13),
        pad(label(STATUSES, row.status), 8),
        pad(label(KINDS, row.kind), 14),
        pad(row.party, 10),
        pad(f"{row.community} {row.room}".strip(), 18),
        f"{money(row.amount):>10}",
        f"{row.start_date:%Y-%m-%d}–{row.end_date:%Y-%m-%d}",
        row.owner_staff,
    )).rstrip()


def _print_contract(v) -> None:
    from data.contracts import ACTION_LABELS, KINDS, STATUSES, amount_in_words, money
    from data.vocab import label

    version = _("version {version}").format(version=v.version)
    lines = [
        f"{v.number}  {label(KINDS, v.kind)}  {label(STATUSES, v.status)}  ({version})",
        _("Party: {party} {phone}").format(party=v.party, phone=v.party_phone).rstrip(),
    ]
    if v.room or v.community:
        lines.append(_("Room: {community} {room}").format(community=v.community, room=v.room).rstrip())
    lines += [
        _("Amount: {amount} yuan ({words})").format(amount=money(v.amount), words=amount_in_words(v.amount)),
        _("Term: {start} – {end}").format(start=v.start_date, end=v.end_date),
        _("Responsible: {name} · template {template}").format(name=v.owner_staff or "—", template=v.template),
    ]
    if v.signed_on:
        lines.append(_("Signed on {day}").format(day=v.signed_on))
    if v.work_order:
        lines.append(_("Work order: {number}").format(number=v.work_order))
    if v.lead_id is not None:
        lines.append(_("For lead #{id} {name}").format(id=v.lead_id, name=v.lead))
    if v.interest or v.rooms_of_interest:
        lines.append(_("Interest: {interest} · {rooms}").format(interest=v.interest or "—",
                                                               rooms=v.rooms_of_interest or "—"))
    if v.closed_reason:
        lines.append(_("Reason: {reason}").format(reason=v.closed_reason))
    if v.file_name:
        lines.append(_("File: {name} ({when}) sha256 {digest}").format(
            name=v.file_name, when=f"{v.rendered_at:%Y-%m-%d %H:%M}" if v.rendered_at else "—",
            digest=v.file_sha256[:16]))
    if v.subject:
        lines += ["", v.subject]
    if v.lines:
        lines += ["", _("Cost lines:")]
        lines += [f"  {pad(li.description, 16)}  {format(li.quantity.normalize(), 'f'):>6} × "
                  f"{money(li.unit_price):>9} = {money(li.amount):>10}" for li in v.lines]
    lines += ["", _("History:")]
    for e in v.events:
        move = (f" {label(STATUSES, e.from_status) if e.from_status else ''}→{label(STATUSES, e.to_status)}"
                if e.from_status != e.to_status else "")
        note = f"  {' '.join(e.note.split())}" if e.note else ""
        lines.append(f"  {e.at:%m-%d %H:%M}  {pad(e.staff or '—', 8)}  "
                     f"{label(ACTION_LABELS, e.action)}{move}{note}")
    print("\n".join(lines))


def _template_line(row) -> str:
    from data.contracts import KINDS
    from data.vocab import label

    origin = _("built in") if row.builtin else f"{row.created_by or '—'} {row.created_at:%Y-%m-%d}"
    return "  ".join((pad(row.ref, 20), pad(label(KINDS, row.kind), 14), pad(row.name, 24), origin)).rstrip()


def _done(args: argparse.Namespace, view, message: str) -> int:
    if args.json:
        emit(view.as_json())
    else:
        print(message)
    return 0


# --- commands --------------------------------------------------------------------------------


def _date(text: str, option: str):
    from data.validators import parse_date

    return parse_date(text or "", option)


def _templates(args: argparse.Namespace, staff) -> int:
    from data import contracts as ct
    from data.vocab import label

    step = args.templates_command
    if step == "add":
        data, name = ct.read_template_file(args.file)
        row = ct.register_template(data, kind=args.template_kind, name=args.name, staff_id=staff.id,
                                   file_name=name)
        if args.json:
            emit(row.as_json())
        else:
            print(_("Registered template #{id} {name} for {kind}: it uses {placeholders}.").format(
                id=row.id, name=row.name, kind=label(ct.KINDS, row.kind),
                placeholders="、".join(row.placeholders)))
        return 0
    if step == "show":
        row = ct.get_template(args.ref, staff.id)
        if args.json:
            emit(row.as_json())
            return 0
        print(_template_line(row))
        print(_("Placeholders: {names}").format(names="、".join(row.placeholders) or "—"))
        print(_("{size} KB, sha256 {digest}").format(size=max(1, row.size // 1024), digest=row.sha256[:16]))
        return 0
    rows = ct.list_templates(args.kind, staff.id)
    for row in rows:
        if args.json:
            emit(row.as_json())
        else:
            print(_template_line(row))
    return 0


def _new(args: argparse.Namespace, staff) -> int:
    from data import contracts as ct
    from data.workorders import get_order, staff_by_login

    kind = ct.parse_kind(args.kind, "--kind")
    if args.lead is not None:
        return _new_for_lead(args, staff, kind)
    if kind == "quote":
        if not args.order:
            raise ValidationError("--order", _("A quote lists a work order's costs: give --order BX-…"))
        view = ct.create_quote(get_order(args.order).id, staff.id, valid_days=args.valid_days,
                               subject=args.subject)
    elif kind == "proposal":
        view = ct.create_proposal(ct.ProposalInput(
            name=args.name, phone=args.phone, interest=args.interest, rooms=args.rooms,
            amount=args.amount or "0", subject=args.subject, community=args.community), staff.id)
    else:
        view = ct.create_contract(ct.ContractInput(
            kind=kind, amount=args.amount, start_date=_date(args.start, "--start"),
            end_date=_date(args.end, "--end"), room=args.room, community=args.community,
            owner=args.owner, party_name=args.name, party_phone=args.phone, subject=args.subject,
            template_id=args.template,
            owner_staff_id=staff_by_login(args.staff).id if args.staff else None), staff.id)
    if args.json:
        emit(view.as_json())
        return 0
    print(_("Drafted {number}.").format(number=view.number))
    _print_contract(view)
    return 0


def _new_for_lead(args: argparse.Namespace, staff, kind: str) -> int:
    """`contracts new --lead ID`: a proposal from the lead's data (rendered), or the won
    lead converted into a contract of `kind`."""
    from data import leads
    from tui.cli.leads import proposal_for_lead

    if kind == "quote":
        raise ValidationError("--kind", _("A quote lists a work order's costs: give --order BX-…"))
    if kind == "proposal":
        return proposal_for_lead(args.lead, staff, amount=args.amount or None, subject=args.subject or None,
                                 to_quoted=True, as_json=args.json)
    deal = leads.convert_to_contract(args.lead, staff.id, kind=kind, amount=args.amount or None,
                                     start=_date(args.start, "--start") if args.start else None,
                                     end=_date(args.end, "--end") if args.end else None,
                                     subject=args.subject or None, template_id=args.template)
    if args.json:
        emit(deal.contract.as_json())
        return 0
    print(_("Drafted {number}.").format(number=deal.contract.number))
    _print_contract(deal.contract)
    return 0


def _list(args: argparse.Namespace, staff) -> int:
    from data import contracts as ct

    if args.limit < 1:
        raise ValidationError("--limit", _("--limit must be at least 1."))
    if args.offset < 0:
        raise ValidationError("--offset", _("--offset cannot be negative."))
    flt = ct.ContractFilter(status=args.status, kind=args.kind, expiring_days=args.expiring, text=args.text)
    rows: list = []
    offset = args.offset
    while len(rows) < args.limit:
        page = ct.list_contracts(flt, limit=min(args.limit - len(rows), ct.PAGE), offset=offset,
                                 staff_id=staff.id)
        rows += page.rows
        offset += len(page.rows)
        if not page.has_more:
            break
    for row in rows:
        if args.json:
            emit(row.as_json())
        else:
            print(_row_line(row))
    if not rows and not args.json:
        print(_("No contracts."))
    return 0


def _expiring(args: argparse.Namespace, staff) -> int:
    from data import contracts as ct
    from data.clock import today

    if not 0 <= args.days <= 3660:
        raise ValidationError("--days", _("Give the days ahead, from 0 to 3660."))
    rows = ct.expiring(args.days, staff_id=staff.id)
    day = today()
    for row in rows:
        if args.json:
            emit({**row.as_json(), "days_left": row.days_left(day)})
        else:
            print(_("{line}  ({days} days left)").format(line=_row_line(row), days=row.days_left(day)))
    if not rows and not args.json:
        print(_("No contract in force ends within {days} days.").format(days=args.days))
    return 0


def _render(args: argparse.Namespace, staff) -> int:
    from data import contracts as ct

    result = ct.render_contract(args.ref, staff.id)
    if args.json:
        emit({"id": result.contract_id, "number": result.number, "path": result.path,
              "file": result.file_name, "sha256": result.sha256})
    else:
        print(_("Wrote {path}").format(path=result.path))
    return 0


def cmd_contracts(args: argparse.Namespace) -> int:
    """`frontdesk contracts …`."""
    from data import contracts as ct
    from data.vocab import label

    open_db(args)
    staff = sign_in(args)
    command = args.contracts_command
    special: dict[str, Callable[[argparse.Namespace, object], int]] = {
        "templates": _templates, "new": _new, "list": _list, "expiring": _expiring, "render": _render}
    if command in special:
        return special[command](args, staff)
    if command == "show":
        view = ct.get_contract(args.ref, staff.id)
        if args.json:
            emit(view.as_json())
        else:
            _print_contract(view)
        return 0
    if command == "sign":
        view = ct.sign(args.ref, staff.id, _date(args.on_day, "--on"))
    else:  # terminate
        view = ct.terminate(args.ref, staff.id, args.reason)
    return _done(args, view, _("{number}: {status}.").format(
        number=view.number, status=label(ct.STATUSES, view.status)))


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {"contracts": cmd_contracts}
