"""The `frontdesk leads …` commands (issue 17 item 5): add, list, show, update, contact,
convert (into a tenant, a paid work order or a contract), proposal, stats and the assignment rules — the same rules as the leads screen, through
`data.leads`."""

from __future__ import annotations

import argparse
from collections.abc import Callable

from data.errors import ValidationError
from data.i18n import _
from tui.cli.common import emit, open_db, pad, sign_in

#: Leads `leads list` prints by default.
LIST_DEFAULT = 50
_JSON_HELP = "one JSON object per line"


def _lead_options(q: argparse.ArgumentParser, *, adding: bool) -> None:
    """The options that describe a lead (required ones only when adding)."""
    q.add_argument("--name", required=adding, metavar="TEXT", help=_("the person's or company's name"))
    q.add_argument("--phone", action="append", required=adding, metavar="N", dest="phones",
                   help=_("a phone number (repeat for several)"))
    q.add_argument("--source", required=adding, metavar="S",
                   help="来电|到访|转介绍|线上|业主推荐 (phone, visit, referral, online, owner)")
    q.add_argument("--interest", required=adding, metavar="I",
                   help="租房|买房|车位租售|家政保洁|装修|房屋托管|商铺招商|其他 "
                        "(rent, buy, parking, cleaning, renovation, letting, shop, other)")
    q.add_argument("--company", metavar="TEXT", help=_("the company, if any"))
    q.add_argument("--referrer", metavar="WHO",
                   help=_("业主推荐: the referring owner's phone number, name or #id"))
    q.add_argument("--budget", metavar="YUAN", help=_("the budget in yuan, such as 3500 or 1.2万"))
    q.add_argument("--community", metavar="NAME", help=_("the community (name or code)"))
    q.add_argument("--places", metavar="CODES",
                   help=_("vacant rooms or parking spaces of interest, such as 3-2-502,B2-034"))
    q.add_argument("--note", metavar="TEXT", help=_("what the lead wants"))
    q.add_argument("--force", action="store_true",
                   help=_("save even though an open lead has the same phone"))


def add_parsers(sub: argparse._SubParsersAction) -> None:
    """Register `leads` (add, list, show, update, contact, convert, proposal, stats, rules)."""
    p = sub.add_parser("leads", help=_("leads (潜在客户): add, list, show, update, contact, convert, "
                                       "proposal, stats"))
    cmds = p.add_subparsers(dest="leads_command", metavar="ACTION", required=True)

    q = cmds.add_parser("add", help=_("add a lead; warns when an open lead has the phone"))
    _lead_options(q, adding=True)
    q.add_argument("--owner", metavar="LOGIN", help=_("who follows it up (default: by the rules)"))
    q.add_argument("--followup", metavar="YYYY-MM-DD HH:MM", help=_("the next follow-up"))
    q.add_argument("--json", action="store_true", help=_(_JSON_HELP))

    q = cmds.add_parser("list", help=_("leads, my follow-ups due first"))
    q.add_argument("--stage", default="open", metavar="S",
                   help=_("open (default), all, or a stage: 新线索 已联系 有意向 已报价 成交 流失"))
    q.add_argument("--source", metavar="S")
    q.add_argument("--interest", metavar="I")
    q.add_argument("--owner", metavar="LOGIN")
    q.add_argument("--mine", action="store_true", help=_("only the leads I follow up"))
    q.add_argument("--community", metavar="NAME")
    q.add_argument("--text", metavar="TEXT", help=_("name, company, note or phone digits"))
    q.add_argument("--due", action="store_true", help=_("only those with a follow-up due by tonight"))
    q.add_argument("--limit", type=int, default=LIST_DEFAULT, metavar="N", help=_("at most N leads (default 50)"))
    q.add_argument("--reveal", action="store_true",
                   help=_("phones in full (each lead shown is recorded in the audit trail)"))
    q.add_argument("--json", action="store_true", help=_(_JSON_HELP))

    q = cmds.add_parser("show", help=_("one lead with its rooms of interest and timeline"))
    q.add_argument("id", type=int, metavar="ID")
    q.add_argument("--reveal", action="store_true",
                   help=_("phones in full (recorded in the audit trail)"))
    q.add_argument("--json", action="store_true", help=_(_JSON_HELP))

    q = cmds.add_parser("update", help=_("change a lead, its stage, its owner or its follow-up"))
    q.add_argument("id", type=int, metavar="ID")
    _lead_options(q, adding=False)
    q.add_argument("--stage", metavar="S", help=_("新线索 已联系 有意向 已报价 成交 流失 (流失 needs --reason)"))
    q.add_argument("--reason", metavar="R",
                   help="价格 选择他家 房源不合适 不需要 联系不上 时间不合适 其他 "
                        "(price, elsewhere, place, no_need, unreachable, timing, other)")
    q.add_argument("--why", metavar="TEXT", help=_("a note on the stage change (why it was lost)"))
    q.add_argument("--owner", metavar="LOGIN", help=_("give it to LOGIN (auto: by the rules)"))
    q.add_argument("--followup", metavar="YYYY-MM-DD HH:MM", help=_("the next follow-up (none: clear it)"))
    q.add_argument("--json", action="store_true", help=_(_JSON_HELP))

    q = cmds.add_parser("contact", help=_("log a contact with a lead (and the next follow-up)"))
    q.add_argument("id", type=int, metavar="ID")
    q.add_argument("--via", required=True, metavar="C", help="电话|面谈|短信|备注 (call, visit, message, note)")
    q.add_argument("--note", required=True, metavar="TEXT", help=_("what was said or agreed"))
    q.add_argument("--next", dest="next_followup", metavar="YYYY-MM-DD HH:MM", help=_("the next follow-up"))
    q.add_argument("--json", action="store_true", help=_(_JSON_HELP))

    q = cmds.add_parser("convert", help=_("a won lead becomes a tenant, a paid work order or a contract"))
    q.add_argument("id", type=int, metavar="ID")
    q.add_argument("--to", required=True, choices=("tenant", "work-order", "contract"), help=_("what it becomes"))
    q.add_argument("--room", metavar="CODE", help=_("the room (default: its first vacant room of interest)"))
    q.add_argument("--space", metavar="CODE", help=_("a parking space instead of a room"))
    q.add_argument("--title", metavar="TEXT", help=_("the work order's title"))
    q.add_argument("--location", metavar="TEXT", help=_("the place of the work, without a room"))
    q.add_argument("--kind", metavar="K",
                   help=_("a contract's kind: 车位租赁, 家政, 装修, 其他 (default: what its interest calls for)"))
    q.add_argument("--amount", metavar="YUAN", help=_("a contract's amount (default: the lead's budget)"))
    q.add_argument("--start", metavar="YYYY-MM-DD", help=_("a contract's first day (default today)"))
    q.add_argument("--end", metavar="YYYY-MM-DD", help=_("a contract's last day (default: a year on)"))
    q.add_argument("--subject", metavar="TEXT", help=_("what the contract is about (服务内容)"))
    q.add_argument("--json", action="store_true", help=_(_JSON_HELP))

    q = cmds.add_parser("proposal", help=_("a value-added service proposal for a lead, written as a Word file"))
    q.add_argument("id", type=int, metavar="ID")
    q.add_argument("--amount", metavar="YUAN", help=_("the amount proposed (default: the lead's budget)"))
    q.add_argument("--subject", metavar="TEXT", help=_("what is offered (服务内容)"))
    q.add_argument("--keep-stage", action="store_true", dest="keep_stage",
                   help=_("leave the stage as it is (default: on to 已报价)"))
    q.add_argument("--json", action="store_true", help=_(_JSON_HELP))

    q = cmds.add_parser("stats", help=_("the funnel by source or interest (default: the last 365 days)"))
    q.add_argument("--by", choices=("source", "interest"), default="source")
    q.add_argument("--since", metavar="DATE", help=_("first day (YYYY-MM-DD)"))
    q.add_argument("--until", metavar="DATE", help=_("last day (YYYY-MM-DD, default today)"))
    q.add_argument("--community", metavar="NAME")
    q.add_argument("--json", action="store_true", help=_(_JSON_HELP))

    q = cmds.add_parser("rules", help=_("who gets new leads of an interest (supervisors change it)"))
    q.add_argument("--set", nargs=2, metavar=("INTEREST", "LOGIN"), help=_("new leads of INTEREST go to LOGIN"))
    q.add_argument("--clear", metavar="INTEREST", help=_("remove the rule of INTEREST"))
    q.add_argument("--community", metavar="NAME", help=_("the rule of one community only"))
    q.add_argument("--json", action="store_true", help=_(_JSON_HELP))


# --- helpers -------------------------------------------------------------------------------------


def _login_id(login: str, option: str) -> int:
    from data.staff import ids_of_logins

    login = login.strip().lstrip("@")
    found = ids_of_logins([login]).get(login)
    if found is None:
        raise ValidationError(option, _("No staff member {logins}.").format(logins=login[:40]))
    return found


def _community_id(text: str | None) -> int | None:
    from data.property import find_community

    return find_community(text) if text else None


def _when(text: str | None, option: str):
    from data.validators import parse_datetime

    return parse_datetime(text, option) if text else None


def _date(text: str | None, option: str):
    from data.validators import parse_date

    return parse_date(text, option) if text else None


def _stamp(value) -> str:
    return f"{value:%Y-%m-%d %H:%M}" if value else ""


def _label(table: dict[str, str], code: str) -> str:
    from data.vocab import label

    return label(table, code) if code else ""


def _row_line(row, now, reveal: bool = False) -> str:
    from data import leads
    from data.validators import mask_phone

    due = "!" if row.overdue(now) else ("*" if row.due(now) else " ")
    return "  ".join((
        pad(f"#{row.id}", 6), pad(_label(leads.LEAD_STAGES, row.stage), 6), pad(row.name, 10),
        pad(row.phone if reveal else (mask_phone(row.phone) if row.phone else ""), 13), pad(_label(leads.LEAD_INTERESTS, row.interest), 12),
        pad(_label(leads.LEAD_SOURCES, row.source), 8), pad(row.owner or "—", 8),
        due + _stamp(row.next_followup),
    )).rstrip()


def _timeline_text(line) -> str:
    """One timeline line as the CLI prints it (the screen shows the same words)."""
    from data import leads

    what = _label(leads.EVENT_KINDS, line.kind)
    if line.kind == "stage":
        detail = f"{_label(leads.LEAD_STAGES, line.from_value)} → {_label(leads.LEAD_STAGES, line.to_value)}"
        if line.code:
            detail += f" ({_label(leads.LOST_REASONS, line.code)})"
    elif line.kind == "contact":
        detail = _label(leads.CONTACT_CHANNELS, line.code)
    elif line.kind == "assign":
        detail = f"{line.from_value or '—'} → {line.to_value or '—'} ({_label(leads.ASSIGNED_BY, line.code)})"
    elif line.kind == "followup":
        detail = line.to_value or "—"
    elif line.kind == "convert":
        detail = f"{_label(leads.CONVERTED_TO, line.code)} {line.to_value}"
    elif line.kind == "proposal":
        detail = line.to_value
    elif line.kind == "edit":
        detail = "、".join(_label(leads.EDITED_FIELDS, c) for c in line.note.split(",") if c)
        return f"{_stamp(line.at)}  {pad(line.staff or '—', 8)}  {what}  {detail}"
    elif line.kind == "create":
        detail = _label(leads.LEAD_SOURCES, line.code)
        if line.from_value:
            detail += " · " + _("added despite open lead {ids}").format(ids=line.from_value)
    else:
        detail = ""
    text = f"{_stamp(line.at)}  {pad(line.staff or '—', 8)}  {what}  {detail}".rstrip()
    return f"{text}  {line.note}" if line.note else text


def _masked(view):
    """The lead with its phones (and its known people's) masked, as lists and cards show them."""
    from dataclasses import replace

    from data.validators import mask_phone

    return replace(view, phones=tuple(mask_phone(p) for p in view.phones),
                   known=tuple(replace(k, number=mask_phone(k.number)) for k in view.known))


def _print_view(view) -> None:
    from data import leads

    print(_("Lead #{id} {name}").format(id=view.id, name=view.name) +
          (f" · {view.company}" if view.company else ""))
    print("  " + _("Stage: {stage} since {since}").format(
        stage=_label(leads.LEAD_STAGES, view.stage), since=_stamp(view.stage_since)) +
          (f" ({_label(leads.LOST_REASONS, view.lost_reason)})" if view.lost_reason else ""))
    print("  " + _("Phones: {phones}").format(phones=", ".join(view.phones)))
    for known in view.known:
        print("  " + _("Known person: {who}").format(who=known.text()))
    print("  " + _("Source: {source} · interest: {interest} · budget: {budget}").format(
        source=_label(leads.LEAD_SOURCES, view.source) + (f" ({view.referrer})" if view.referrer else ""),
        interest=_label(leads.LEAD_INTERESTS, view.interest), budget=leads.budget_text(view.budget) or "—"))
    print("  " + _("Owner: {owner} ({how}) · community: {community}").format(
        owner=view.owner or "—", how=_label(leads.ASSIGNED_BY, view.assigned_by) or "—",
        community=view.community or "—"))
    if view.places:
        print("  " + _("Rooms and spaces: {places}").format(places=", ".join(p.code for p in view.places)))
    if view.next_followup:
        print("  " + _("Next follow-up: {when}").format(when=_stamp(view.next_followup)))
    if view.converted_to:
        print("  " + _("Converted to {what} {target}").format(
            what=_label(leads.CONVERTED_TO, view.converted_to), target=view.result))
    if view.contracts:
        from data import contracts as ct

        print("  " + _("Contracts: {numbers}").format(numbers=", ".join(
            f"{c.number} ({_label(ct.KINDS, c.kind)}, {_label(ct.STATUSES, c.status)})" for c in view.contracts)))
    if view.note:
        print("  " + view.note.replace("\n", "\n  "))
    for line in view.timeline:
        print("    " + _timeline_text(line))


def _show(view, as_json: bool, *, masked: bool = True) -> int:
    """Print a lead (its phones masked unless `masked` is False: just typed, or revealed)."""
    if masked:
        view = _masked(view)
    if as_json:
        emit(view.as_json())
    else:
        _print_view(view)
    return 0


def _input(args: argparse.Namespace, view=None):
    """A LeadInput from the options, the lead's current values where an option is absent."""
    from data import leads

    def given(name: str, current: str) -> str:
        value = getattr(args, name, None)
        return current if value is None else value

    community = _community_id(args.community) if args.community else (view.community_id if view else None)
    places = given("places", ", ".join(p.code for p in view.places) if view else "")
    return leads.LeadInput(
        name=given("name", view.name if view else ""),
        phones=args.phones if args.phones else (list(view.phones) if view else []),
        source=given("source", view.source if view else ""),
        interest=given("interest", view.interest if view else ""),
        company=given("company", view.company if view else ""),
        referrer=given("referrer", f"#{view.referrer_id}" if view and view.referrer_id else ""),
        budget=given("budget", leads.budget_text(view.budget) if view else ""),
        community_id=community, places=places, note=given("note", view.note if view else ""),
    )


# --- commands ------------------------------------------------------------------------------------


def cmd_leads(args: argparse.Namespace) -> int:
    """`frontdesk leads add|list|show|update|contact|convert|proposal|stats|rules`."""
    open_db(args)
    action: Callable[[argparse.Namespace], int] = {
        "add": _add, "list": _list, "show": _show_cmd, "update": _update, "contact": _contact,
        "convert": _convert, "proposal": _proposal, "stats": _stats, "rules": _rules,
    }[args.leads_command]
    return action(args)


def _add(args: argparse.Namespace) -> int:
    from dataclasses import replace

    from data import leads

    staff = sign_in(args, action="lead.manage")
    data = _input(args)
    data = replace(data, owner_id=_login_id(args.owner, "--owner") if args.owner else None,
                   next_followup=_when(args.followup, "--followup"))
    try:
        view = leads.create_lead(data, staff.id, force=args.force)
    except leads.DuplicateLead as exc:
        raise _duplicate(exc) from None
    if not args.json:
        print(_("Added lead #{id} {name}, for {owner}.").format(id=view.id, name=view.name,
                                                              owner=view.owner or "—"))
        for known in view.known:
            print("  " + _("Known person: {who}").format(who=known.text()))
        return 0
    return _show(view, True, masked=False)  # the phones just typed


def _duplicate(exc):
    """The duplicate warning, with what to do: look at the lead, or add anyway."""
    from data.errors import FrontDeskError

    return FrontDeskError(exc.message + " " + _("Pass --force to add it anyway."))


def _list(args: argparse.Namespace) -> int:
    from data import leads
    from data.clock import now as clock_now

    staff = sign_in(args, action="lead.manage")
    stage = args.stage.strip()
    if stage == "all":
        stage_code: str | None = None
    elif stage == "open":
        stage_code = "open"
    else:
        stage_code = leads.code_of(stage, leads.LEAD_STAGES, leads.STAGE_WORDS, "--stage")
    owner = staff.id if args.mine else (_login_id(args.owner, "--owner") if args.owner else None)
    flt = leads.LeadFilter(
        stage=stage_code,
        source=leads.code_of(args.source, leads.LEAD_SOURCES, leads.SOURCE_WORDS, "--source") if args.source else None,
        interest=leads.code_of(args.interest, leads.LEAD_INTERESTS, leads.INTEREST_WORDS, "--interest")
        if args.interest else None,
        owner_id=owner, community_id=_community_id(args.community), text=args.text or "", due_only=args.due)
    if args.limit < 1:
        raise ValidationError("--limit", _("--limit must be at least 1."))
    rows: list = []
    after = None
    while len(rows) < args.limit:
        page = leads.leads(flt, staff.id, after=after, limit=min(500, args.limit - len(rows)))
        rows += page.rows
        after = page.after
        if after is None:
            break
    from data.validators import mask_phone

    if args.reveal:
        leads.reveal_phones([row.id for row in rows], staff.id)
    now = clock_now()
    for row in rows:
        phone = row.phone if args.reveal else (mask_phone(row.phone) if row.phone else None)
        if args.json:
            emit({**row.as_json(), "phone": phone})
        else:
            print(_row_line(row, now, args.reveal))
    if not rows and not args.json:
        print(_("No leads."))
    return 0


def _show_cmd(args: argparse.Namespace) -> int:
    from data import leads

    staff = sign_in(args, action="lead.manage")
    view = leads.get_lead(args.id)
    if args.reveal:
        leads.reveal_phones([view.id], staff.id)
    return _show(view, args.json, masked=not args.reveal)


def _update(args: argparse.Namespace) -> int:
    from data import leads

    staff = sign_in(args, action="lead.manage")
    view = leads.get_lead(args.id)
    fields = ("name", "phones", "source", "interest", "company", "referrer", "budget", "community",
              "places", "note")
    if any(getattr(args, f) is not None for f in fields):
        try:
            view = leads.update_lead(args.id, _input(args, view), staff.id, expected_version=view.version,
                                     force=args.force)
        except leads.DuplicateLead as exc:
            raise _duplicate(exc) from None
    if args.reason and not args.stage:
        raise ValidationError("--reason", _("--reason goes with --stage 流失."))
    if args.stage:
        view = leads.set_stage(args.id, args.stage, staff.id, reason=args.reason or "", note=args.why or "")
    if args.owner:
        owner = None if args.owner.strip() == "auto" else _login_id(args.owner, "--owner")
        view = leads.assign(args.id, owner, staff.id)
    if args.followup:
        when = None if args.followup.strip().lower() in ("none", "无") else _when(args.followup, "--followup")
        leads.set_followup(args.id, when, staff.id)
        view = leads.get_lead(args.id)
    if args.json:
        return _show(view, True)
    print(_("Lead #{id} {name}: {stage}, for {owner}.").format(
        id=view.id, name=view.name, stage=_label(leads.LEAD_STAGES, view.stage), owner=view.owner or "—"))
    return 0


def _contact(args: argparse.Namespace) -> int:
    from data import leads

    staff = sign_in(args, action="lead.manage")
    view = leads.log_contact(args.id, args.via, args.note, staff.id,
                             next_followup=_when(args.next_followup, "--next"))
    if args.json:
        return _show(view, True)
    print(_("Contact logged on lead #{id}: {stage}.").format(
        id=view.id, stage=_label(leads.LEAD_STAGES, view.stage)) +
          (" " + _("Next follow-up: {when}").format(when=_stamp(view.next_followup)) if view.next_followup else ""))
    return 0


def _convert(args: argparse.Namespace) -> int:
    from data import leads
    from data.property import find_parking_space, find_room

    staff = sign_in(args, action="lead.manage")
    if args.to == "contract":
        return _convert_to_contract(args, staff)
    view = leads.get_lead(args.id)
    if args.to == "tenant":
        room = space = None
        if args.room or args.space:
            if view.community_id is None:
                raise ValidationError("--room", _("Give the lead's community first: "
                                                  "frontdesk leads update ID --community NAME"))
            if args.room:
                room = find_room(view.community_id, args.room)
            if args.space:
                space = find_parking_space(view.community_id, args.space).id
        view = leads.convert_to_tenant(args.id, staff.id, room_id=room, space_id=space)
    else:
        room = find_room(view.community_id, args.room) if args.room and view.community_id else None
        view = leads.convert_to_work_order(args.id, staff.id, title=args.title or "", room_id=room,
                                           location=args.location or "")
    if args.json:
        return _show(view, True)
    print(_("Lead #{id} converted to {what} {target}.").format(
        id=view.id, what=_label(leads.CONVERTED_TO, view.converted_to),
        target=view.work_order or view.person))
    return 0


def _convert_to_contract(args: argparse.Namespace, staff) -> int:
    from data import contracts as ct
    from data import leads

    deal = leads.convert_to_contract(args.id, staff.id, kind=args.kind, amount=args.amount,
                                     start=_date(args.start, "--start"), end=_date(args.end, "--end"),
                                     subject=args.subject)
    if args.json:
        return _show(deal.lead, True)
    contract = deal.contract
    print(_("Lead #{id} converted to {what} {target}.").format(
        id=deal.lead.id, what=_label(leads.CONVERTED_TO, "contract"), target=contract.number))
    print("  " + _("{kind}, {amount} yuan, {start} – {end}; `frontdesk contracts render {number}` "
                   "writes its Word file.").format(
        kind=_label(ct.KINDS, contract.kind), amount=ct.money(contract.amount), start=contract.start_date,
        end=contract.end_date, number=contract.number))
    return 0


def _proposal(args: argparse.Namespace) -> int:
    staff = sign_in(args, action="lead.manage")
    return proposal_for_lead(args.id, staff, amount=args.amount, subject=args.subject,
                             to_quoted=not args.keep_stage, as_json=args.json)


def proposal_for_lead(lead_id: int, staff, *, amount: str | None, subject: str | None, to_quoted: bool,
                      as_json: bool) -> int:
    """`leads proposal ID` and `contracts new --kind proposal --lead ID`: the proposal
    written into the export folder, its path printed."""
    from data import contracts as ct
    from data import leads

    deal = leads.make_proposal(lead_id, staff.id, amount=amount, subject=subject, to_quoted=to_quoted)
    contract = deal.contract
    if as_json:
        emit({"lead": deal.lead.id, "stage": deal.lead.stage, "id": contract.id, "number": contract.number,
              "amount": ct.money(contract.amount), "path": deal.path})
        return 0
    print(_("Proposal {number} for lead #{id} {name} ({amount} yuan): {stage}.").format(
        number=contract.number, id=deal.lead.id, name=deal.lead.name, amount=ct.money(contract.amount),
        stage=_label(leads.LEAD_STAGES, deal.lead.stage)))
    print(_("Wrote {path}").format(path=deal.path))
    return 0


def _percent(rate: float | None) -> str:
    return "—" if rate is None else f"{rate * 100:.0f}%"


def _days(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}"


def _stats(args: argparse.Namespace) -> int:
    from data import leads

    staff = sign_in(args, action="lead.manage")
    stats = leads.funnel(args.by, _date(args.since, "--since"), _date(args.until, "--until"),
                         community_id=_community_id(args.community), staff_id=staff.id)
    if args.json:
        for row in (*stats.rows, stats.total):
            emit({"by": stats.by, "since": stats.since.isoformat(), "until": stats.until.isoformat(),
                  **row.as_json()})
        return 0
    table = leads.LEAD_SOURCES if args.by == "source" else leads.LEAD_INTERESTS
    print(f"{stats.since:%Y-%m-%d} – {stats.until:%Y-%m-%d}")
    header = [pad("", 12)] + [pad(_label(leads.LEAD_STAGES, s), 6) for s in leads.LEAD_STAGES]
    header += [pad(_("Conversion"), 8), _("Median days in stage")]
    print("  ".join(header))
    for row in (*stats.rows, stats.total):
        name = _label(table, row.key) if row.key else _("All")
        cells = [pad(name, 12)] + [pad(str(row.stages[s]), 6) for s in leads.LEAD_STAGES]
        cells += [pad(_percent(row.conversion), 8),
                  " ".join(_days(row.median_days[s]) for s in leads.OPEN_STAGES)]
        print("  ".join(cells))
        if row.lost_reasons:
            print(pad("", 14) + _("lost: {reasons}").format(reasons="、".join(
                f"{_label(leads.LOST_REASONS, r)} {n}" for r, n in row.lost_reasons)))
    return 0


def _rules(args: argparse.Namespace) -> int:
    from data import leads

    staff = sign_in(args, action="lead.manage")
    community = _community_id(args.community)
    if args.set:
        rows = leads.set_lead_rule(args.set[0], _login_id(args.set[1], "--set"), community_id=community,
                                   by=staff.id)
    elif args.clear:
        rows = leads.set_lead_rule(args.clear, None, community_id=community, by=staff.id)
    else:
        rows = leads.lead_rules()
    for rule in rows:
        if args.json:
            emit(rule.as_json())
        else:
            print("  ".join((pad(_label(leads.LEAD_INTERESTS, rule.interest), 14),
                             pad(rule.community or _("every community"), 12),
                             f"{rule.staff_name} ({rule.staff_login})")))
    if not rows and not args.json:
        print(_("No rules: new leads go in turn to the desk staff of their community."))
    return 0


COMMANDS = {"leads": cmd_leads}
