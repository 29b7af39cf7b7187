"""The `frontdesk fees …` command (issue 18): fee items and standards, issuing a period's
bills, payments, voids, refunds and waivers, the arrears list, the collection rates and a
room's statement — through data.fees, with its rules and permissions."""

from __future__ import annotations

import argparse
from collections.abc import Callable

from data.i18n import _
from tui.cli.common import emit, open_db, pad, sign_in, to_code


def add_parsers(sub: argparse._SubParsersAction) -> None:
    """Register `fees` and its actions on the main parser."""
    p = sub.add_parser("fees", help=_("fees, bills, payments and arrears (收费)"))
    actions = p.add_subparsers(dest="fees_command", metavar="ACTION", required=True)

    def common(q: argparse.ArgumentParser, *, room: bool = False) -> None:
        q.add_argument("--community", default="", metavar="NAME", help=_("the community (name or code)"))
        if room:
            q.add_argument("--room", required=True, metavar="CODE", help=_("the room, such as 3-2-501"))
        q.add_argument("--json", action="store_true", help=_("one JSON object per line"))

    q = actions.add_parser("items", help=_("the fee items; `items add` adds one (leads)"))
    common(q)
    steps = q.add_subparsers(dest="items_command", metavar="STEP")
    t = steps.add_parser("add", help=_("add a fee item to a community"))
    common(t)
    t.add_argument("--name", required=True, metavar="NAME", help=_("such as 物业服务费"))
    t.add_argument("--basis", required=True, metavar="B", help=_("面积 (per m²), 车位, 户 (per room) or 一次性"))
    t.add_argument("--cycle", default="monthly", metavar="C", help=_("月, 季, 年 or 一次 (default monthly)"))

    q = actions.add_parser("standards", help=_("the fee standards (收费标准); `standards add` adds one (leads)"))
    common(q)
    steps = q.add_subparsers(dest="standards_command", metavar="STEP")
    t = steps.add_parser("add", help=_("a new standard of an item from a date on"))
    common(t)
    t.add_argument("--item", required=True, metavar="NAME", help=_("the fee item (name or id)"))
    t.add_argument("--price", required=True, metavar="YUAN", help=_("yuan per m² per month, per space or room per month, or the one-off amount"))
    t.add_argument("--from", required=True, dest="from_day", metavar="YYYY-MM-DD", help=_("the first day it applies"))
    t.add_argument("--room-type", default="", dest="room_type", metavar="T", help=_("only this room type (住宅, 商铺 …)"))

    q = actions.add_parser("bill", help=_("issue a period's bills (leads); a rerun issues only what is missing"))
    common(q)
    q.add_argument("--period", required=True, metavar="YYYY-MM", help=_("the month, such as 2027-01"))

    q = actions.add_parser("read", help=_("record a room's meter reading for a period (抄表)"))
    common(q)
    q.add_argument("room", metavar="ROOM", help=_("the room, such as 3-2-501"))
    q.add_argument("item", metavar="ITEM", help=_("the metered fee item, such as 水费"))
    q.add_argument("period", metavar="YYYY-MM", help=_("the month, such as 2027-01"))
    q.add_argument("reading", metavar="READING", nargs="?", default=None, help=_("what the meter shows"))
    q.add_argument("--meter-change", action="store_true", dest="meter_change",
                   help=_("the meter was replaced: the new one started at 0"))
    q.add_argument("--note", default="", metavar="TEXT", help=_("why the meter was replaced (needed with --meter-change)"))
    q.add_argument("--delete", action="store_true",
                   help=_("delete the room's latest reading of the item for PERIOD while its bill is not issued (leads)"))

    q = actions.add_parser("readings", help=_("a period's meter readings"))
    common(q)
    q.add_argument("--period", required=True, metavar="YYYY-MM", help=_("the month, such as 2027-01"))

    q = actions.add_parser("import-readings", help=_("import a period's meter readings from a CSV file (room, reading)"))
    common(q)
    q.add_argument("file", metavar="FILE", help=_("a CSV file of lines “room, reading” (a third column 换表 marks a meter change)"))
    q.add_argument("--item", required=True, metavar="ITEM", help=_("the metered fee item, such as 水费"))
    q.add_argument("--period", required=True, metavar="YYYY-MM", help=_("the month, such as 2027-01"))

    q = actions.add_parser("repair-bill", help=_("bill a work order's owner-paid costs (有偿维修, leads)"))
    common(q)
    q.add_argument("order", metavar="ORDER", help=_("the work order's number, such as BX-20270105-0001"))

    q = actions.add_parser("late-fee", help=_("a community's late fees (滞纳金): show, set or turn off (leads)"))
    common(q)
    q.add_argument("--rate", default="", metavar="RATE", help=_("the daily rate, such as 0.0005 (万分之五 a day)"))
    q.add_argument("--from", default="", dest="from_day", metavar="YYYY-MM-DD", help=_("the first day late fees are charged for"))
    q.add_argument("--off", action="store_true", help=_("turn late fees off"))

    q = actions.add_parser("pay", help=_("take a payment for a room"))
    common(q, room=True)
    q.add_argument("--amount", required=True, metavar="YUAN", help=_("the amount in yuan"))
    q.add_argument("--method", required=True, metavar="M", help=_("现金, 银行卡, 微信, 支付宝 or 银行转账"))
    q.add_argument("--reference", default="", metavar="REF", help=_("the transfer's reference (交易流水号)"))
    q.add_argument("--bills", default="", metavar="ID,ID", help=_("the bills it settles (default: the oldest first)"))
    q.add_argument("--payer", default="", metavar="NAME", help=_("who paid"))

    q = actions.add_parser("void", help=_("void a payment (supervisors; a reason is needed)"))
    common(q)
    q.add_argument("receipt", metavar="RECEIPT", help=_("the receipt number, such as SJ-2027-000123"))
    q.add_argument("--reason", required=True, metavar="TEXT", help=_("why"))

    q = actions.add_parser("refund", help=_("refund part of a room's prepaid balance (supervisors)"))
    common(q, room=True)
    q.add_argument("--amount", required=True, metavar="YUAN", help=_("the amount in yuan"))
    q.add_argument("--reason", required=True, metavar="TEXT", help=_("why"))
    q.add_argument("--method", default="现金", metavar="M", help=_("how it is paid back (default 现金)"))

    q = actions.add_parser("waive", help=_("waive part of a bill (减免, supervisors; a reason is needed)"))
    common(q)
    q.add_argument("bill", type=int, metavar="BILL", help=_("the bill's number (id)"))
    q.add_argument("--amount", required=True, metavar="YUAN", help=_("the amount in yuan"))
    q.add_argument("--reason", required=True, metavar="TEXT", help=_("why"))

    q = actions.add_parser("arrears", help=_("rooms that owe, the largest first"))
    common(q)
    q.add_argument("--building", default="", metavar="CODE", help=_("only this building"))
    q.add_argument("--min", default="", dest="minimum", metavar="YUAN", help=_("only rooms owing at least this"))
    q.add_argument("--bucket", default="", metavar="B", help=_("the age of the oldest debt: 0-3, 3-6, 6-12 or 12+ months"))
    q.add_argument("--as-of", default="", dest="as_of", metavar="YYYY-MM-DD", help=_("ages as of this day (default today)"))
    q.add_argument("--limit", type=int, default=50, metavar="N", help=_("at most N (default 50)"))
    q.add_argument("--offset", type=int, default=0, metavar="N", help=_("skip the first N"))
    q.add_argument("--limitation", action="store_true",
                   help=_("only arrears nearing the three-year limitation with no dated reminder"))
    q.add_argument("--owner", default="", metavar="PHONE_OR_NAME",
                   help=_("what one owner owes over all their rooms (a phone number, a name or #id)"))

    q = actions.add_parser("reason", help=_("record why a room's arrears are unpaid (欠费原因)"))
    common(q)
    q.add_argument("room", metavar="ROOM", help=_("the room, such as 3-2-501"))
    q.add_argument("reason", metavar="REASON",
                   help=_("对服务不满, 经济困难, 房屋空置, 联系不上, 房屋质量纠纷 or 其他"))
    q.add_argument("--note", default="", metavar="TEXT", help=_("what was said (needed for 其他)"))

    q = actions.add_parser("collect", help=_("build a 催缴 call list from an arrears filter"))
    common(q)
    q.add_argument("--building", default="", metavar="CODE", help=_("only this building"))
    q.add_argument("--min", default="", dest="minimum", metavar="YUAN", help=_("only rooms owing at least this"))
    q.add_argument("--bucket", default="", metavar="B", help=_("the age of the oldest debt: 0-3, 3-6, 6-12 or 12+ months"))
    q.add_argument("--limitation", action="store_true",
                   help=_("only arrears nearing the three-year limitation with no dated reminder"))
    q.add_argument("--name", default="", metavar="TEXT", help=_("the list's name"))

    q = actions.add_parser("promise", help=_("record a promise to pay a room's arrears (承诺缴费日)"))
    common(q)
    q.add_argument("room", metavar="ROOM", help=_("the room, such as 3-2-501"))
    q.add_argument("--date", required=True, metavar="DATE", help=_("the date promised"))
    q.add_argument("--note", default="", metavar="TEXT", help=_("what was said"))

    q = actions.add_parser("rates", help=_("当期收缴率 and 清欠率 of a period, or of the last months as a chart"))
    common(q)
    q.add_argument("--period", default="", metavar="YYYY-MM", help=_("the month, such as 2027-01"))
    q.add_argument("--months", type=int, default=0, metavar="N",
                   help=_("the last N months of a community (with --community), oldest first"))
    q.add_argument("--cutoff", default="", metavar="YYYY-MM-DD", help=_("as of this day (default the period's last day)"))

    q = actions.add_parser("receipt", help=_("print a payment's receipt (A5 PDF) into the export folder"))
    common(q)
    q.add_argument("receipt", metavar="NUMBER", help=_("the receipt number, such as SJ-2027-000123"))

    q = actions.add_parser("reminder", help=_("print a room's written reminder (催缴函, A4 PDF) and record it"))
    common(q)
    q.add_argument("room", metavar="ROOM", help=_("the room, such as 3-2-501"))

    for name, what in (("spend", _("expenditure entries (支出): `spend add` adds one (leads)")),
                       ("shared", _("shared-facility income and its use (公共收益): `shared add` adds one (leads)"))):
        q = actions.add_parser(name, help=what)
        steps = q.add_subparsers(dest="entry_command", metavar="STEP")
        for r in (q, steps.add_parser("list", help=_("list the entries"))):
            common(r)
            r.add_argument("--from", default="", dest="first", metavar="YYYY-MM", help=_("from this month"))
            r.add_argument("--to", default="", dest="last", metavar="YYYY-MM", help=_("up to this month"))
        t = steps.add_parser("add", help=_("add an entry"))
        common(t)
        t.add_argument("--month", required=True, metavar="YYYY-MM", help=_("the month, such as 2027-01"))
        if name == "spend":
            t.add_argument("--category", required=True, metavar="C",
                           help=_("人工, 保洁, 绿化, 秩序维护, 维修养护, 公共能耗, 管理费用 or 其他"))
        else:
            t.add_argument("--kind", required=True, metavar="K",
                           help=_("income: 广告位, 场地租赁, 停车, 其他收入; taken from it: 合理成本, "
                                  "补充专项维修资金, 共用部位设施维修, 业主共同决定的其他用途"))
        t.add_argument("--amount", required=True, metavar="YUAN", help=_("the amount in yuan"))
        t.add_argument("--note", default="", metavar="TEXT", help=_("what it was"))

    def output(q: argparse.ArgumentParser) -> None:
        common(q)
        how = q.add_mutually_exclusive_group()
        how.add_argument("--pdf", action="store_true", help=_("write an A4 PDF into the export folder"))
        how.add_argument("--xlsx", action="store_true", help=_("write an XLSX workbook into the export folder"))

    q = actions.add_parser("board", help=_("the fee standards board (收费标准公示)"))
    output(q)
    q = actions.add_parser("accounts", help=_("a quarter's income and expenditure statement (收支公示)"))
    output(q)
    q.add_argument("--quarter", required=True, metavar="YYYYQn", help=_("the quarter, such as 2026Q4"))
    q = actions.add_parser("shared-statement", help=_("a half-year's shared-facility statement (公共收益公示)"))
    output(q)
    q.add_argument("--half", required=True, metavar="YYYYHn", help=_("the half-year, such as 2026H2"))

    q = actions.add_parser("commissions", help=_("a month's commission statements (服务佣金); "
                                                 "`commissions approve` approves one (supervisors, managers)"))
    steps = q.add_subparsers(dest="commissions_command", metavar="STEP")
    for r in (q, steps.add_parser("approve", help=_("approve a staff member's statement of a month"))):
        r.add_argument("--month", default="", metavar="YYYY-MM", help=_("the month, such as 2027-01"))
        r.add_argument("--staff", default="", metavar="LOGIN", help=_("one staff member (login, name or id)"))
        r.add_argument("--json", action="store_true", help=_("one JSON object per line"))
    q.add_argument("--xlsx", action="store_true", help=_("write an XLSX workbook into the export folder"))

    q = actions.add_parser("commission-rules", help=_("the commission rules; `commission-rules add` adds one (leads)"))
    steps = q.add_subparsers(dest="rules_command", metavar="STEP")
    for r in (q, steps.add_parser("list", help=_("list the rules"))):
        r.add_argument("--json", action="store_true", help=_("one JSON object per line"))
    t = steps.add_parser("add", help=_("a share of a source for a role from a date on"))
    common(t)
    t.add_argument("--role", required=True, metavar="ROLE", help=_("desk, tech, supervisor or manager"))
    t.add_argument("--source", required=True, metavar="S", help=_("人工 (paid labour), 清欠 (old arrears) or 签约 (contracts from leads)"))
    t.add_argument("--percent", required=True, metavar="PCT", help=_("the share in percent, such as 5"))
    t.add_argument("--from", required=True, dest="from_day", metavar="YYYY-MM-DD", help=_("the first day it applies"))

    q = actions.add_parser("statement", help=_("a room's bills, payments and balance"))
    common(q, room=True)
    q.add_argument("--limit", type=int, default=50, metavar="N", help=_("at most N bills and N payments"))

    q = actions.add_parser("invoice", help=_("invoices (发票) asked for against payments"))
    steps = q.add_subparsers(dest="invoice_command", metavar="STEP", required=True)
    t = steps.add_parser("request", help=_("ask for an invoice against a payment"))
    common(t)
    t.add_argument("receipt", metavar="RECEIPT", help=_("the receipt number, such as SJ-2027-000123"))
    t.add_argument("--title", required=True, metavar="TEXT", help=_("the invoice title: a name or a company"))
    t.add_argument("--tax-no", default="", dest="tax_no", metavar="CODE",
                   help=_("the company's tax number (统一社会信用代码, 18 characters)"))
    t.add_argument("--email", default="", metavar="ADDRESS", help=_("where to send it"))
    t = steps.add_parser("issue", help=_("record the invoice number once issued"))
    common(t)
    t.add_argument("receipt", metavar="RECEIPT", help=_("the receipt number, such as SJ-2027-000123"))
    t.add_argument("number", metavar="NUMBER", help=_("the invoice number (发票号码): 8 or 20 digits"))
    t = steps.add_parser("cancel", help=_("cancel a request not yet issued"))
    common(t)
    t.add_argument("receipt", metavar="RECEIPT", help=_("the receipt number, such as SJ-2027-000123"))
    t = steps.add_parser("list", help=_("the invoice requests, newest first"))
    common(t)
    t.add_argument("--pending", action="store_true", help=_("only those still to issue"))

    q = actions.add_parser("fund", help=_("the special maintenance fund (专项维修资金) and its votes"))
    steps = q.add_subparsers(dest="fund_command", metavar="STEP", required=True)
    t = steps.add_parser("import", help=_("import the housing authority's balances (CSV: room, yuan, date)"))
    common(t)
    t.add_argument("file", metavar="FILE", help=_("the CSV file"))
    t.add_argument("--skip-bad", action="store_true", dest="skip_bad",
                   help=_("store the good lines and list the bad ones (default: store nothing if any is bad)"))
    t = steps.add_parser("list", help=_("each room's balance and the totals"))
    common(t)
    t.add_argument("--building", default="", metavar="CODE", help=_("only this building"))
    t = steps.add_parser("request", help=_("file a request to use the fund (a draft)"))
    common(t)
    t.add_argument("--project", required=True, metavar="TEXT", help=_("the project, such as 3号楼电梯更换"))
    t.add_argument("--budget", required=True, metavar="YUAN", help=_("the budget in yuan"))
    t.add_argument("--building", default="", metavar="CODE", help=_("the rooms concerned: a building"))
    t.add_argument("--rooms", default="", metavar="ROOM,ROOM", help=_("the rooms concerned: a list"))
    t.add_argument("--reason", required=True, metavar="TEXT", help=_("why"))
    t = steps.add_parser("requests", help=_("the requests to use the fund, newest first"))
    common(t)
    t = steps.add_parser("vote", help=_("put a draft request to the owners' vote"))
    common(t)
    t.add_argument("request", type=int, metavar="REQ", help=_("the request's number"))
    t = steps.add_parser("ballot", help=_("record a room's ballot (supervisors)"))
    common(t)
    t.add_argument("request", type=int, metavar="REQ", help=_("the request's number"))
    t.add_argument("room", metavar="ROOM", help=_("the room, such as 3-2-501"))
    t.add_argument("choice", metavar="CHOICE", help=_("同意, 反对 or 弃权"))
    t = steps.add_parser("close", help=_("count the ballots and decide the request"))
    common(t)
    t.add_argument("request", type=int, metavar="REQ", help=_("the request's number"))
    t = steps.add_parser("use", help=_("record what an approved request actually used"))
    common(t)
    t.add_argument("request", type=int, metavar="REQ", help=_("the request's number"))
    t.add_argument("--amount", required=True, metavar="YUAN", help=_("the amount used in yuan"))
    t.add_argument("--date", default="", metavar="YYYY-MM-DD", help=_("the day (default today)"))


def _community_id(args: argparse.Namespace) -> int | None:
    from data.rooms_lookup import community_id_for

    return community_id_for(args.community or None)


def _room(args: argparse.Namespace) -> int:
    from data.lookup import find_room

    return find_room(args.room, args.community or None)[1]


def _date(text: str, option: str):
    from data.validators import parse_date

    return parse_date(text or "", option)


def _require_community(args: argparse.Namespace) -> int:
    from data.errors import ValidationError

    cid = _community_id(args)
    if cid is None:
        raise ValidationError("--community", _("Say which community with --community."))
    return cid


def _print_reading(args: argparse.Namespace, row) -> None:
    if args.json:
        emit(row.as_json())
        return
    change = "  " + _("meter change") if row.meter_change else ""
    print(f"{pad(row.room, 12)}  {pad(row.item, 8)}  {row.period}  {row.reading:>12}  "
          f"{row.previous:>12}  {row.consumption:>10}{change}")


def _meters(args: argparse.Namespace, staff) -> int:
    from data import fees
    from data.errors import ValidationError
    from data.lookup import find_room

    command = args.fees_command
    if command == "read":
        room_id = find_room(args.room, args.community or None, option="ROOM")[1]
        if args.delete:
            row = fees.delete_reading(room_id, args.item, args.period, staff.id)
            if args.json:
                emit(row.as_json())
            else:
                print(_("Deleted the reading {reading} of {room} {item} for {period}.").format(
                    reading=row.reading, room=row.room, item=row.item, period=row.period))
            return 0
        if args.reading is None:
            raise ValidationError("reading", _("Give the reading (READING)."))
        _print_reading(args, fees.record_reading(room_id, args.item, args.period, args.reading,
                                                 args.meter_change, staff.id, args.note))
        return 0
    if command == "readings":
        for row in fees.readings(args.period, community_id=_community_id(args), staff_id=staff.id):
            _print_reading(args, row)
        return 0
    result = fees.import_readings(args.file, _require_community(args), args.item, args.period, staff.id)
    if args.json:
        emit(result.as_json())
    else:
        print(_("{count} readings stored, {bad} lines refused.").format(count=result.stored, bad=len(result.bad)))
        for line, reason in result.bad:
            print("  " + _("line {line}: {reason}").format(line=line, reason=reason))
    return 1 if result.bad else 0


def _repair_bill(args: argparse.Namespace, staff) -> int:
    from data import fees

    row = fees.bill_repair(args.order, staff.id)
    if args.json:
        emit(row.as_json())
    else:
        print(_("Bill {id}: {item} {amount} yuan for {room} (work order {order}).").format(
            id=row.id, item=row.item, amount=fees.money_text(row.amount_fen), room=row.room, order=row.order))
    return 0


def _late_fee(args: argparse.Namespace, staff) -> int:
    from data import access, fees
    from data.errors import ValidationError

    cid = _require_community(args)
    if args.off:
        terms = fees.set_late_fee(cid, None, staff_id=staff.id)
    elif args.rate or args.from_day:
        if not (args.rate and args.from_day):
            raise ValidationError("--rate", _("Give both --rate and --from, or --off."))
        terms = fees.set_late_fee(cid, args.rate, _date(args.from_day, "--from"), staff.id)
    else:
        access.require("fees.view", staff.id)
        terms = fees.late_fee_terms(cid)
    if args.json:
        emit(terms.as_json() if terms else {"rate": None})
    elif terms is None:
        print(_("Late fees are off."))
    else:
        print(_("{community}: late fees of {rate} a day from {day}.").format(
            community=terms.community, rate=terms.rate_text, day=terms.starts_on.isoformat()))
    return 0


def _items(args: argparse.Namespace, staff) -> int:
    from data import fees

    if args.items_command == "add":
        row = fees.create_item(_require_community(args), args.name,
                               to_code(args.basis, fees.BASES, fees.BASIS_WORDS, "--basis"),
                               to_code(args.cycle, fees.CYCLES, fees.CYCLE_WORDS, "--cycle"), staff.id)
        rows = [row]
    else:
        rows = fees.list_items(_community_id(args), staff.id)
    for row in rows:
        if args.json:
            emit(row.as_json())
        else:
            print(f"{row.id:>4}  {pad(row.community, 12)}  {pad(row.name, 14)}  "
                  f"{_(fees.BASES[row.basis])} · {_(fees.CYCLES[row.cycle])}")
    return 0


def _standards(args: argparse.Namespace, staff) -> int:
    from data import fees
    from data.vocab import ROOM_TYPE_WORDS, ROOM_TYPES

    if args.standards_command == "add":
        cid = _require_community(args)
        item = fees.find_item(cid, args.item)
        room_type = to_code(args.room_type, ROOM_TYPES, ROOM_TYPE_WORDS, "--room-type") if args.room_type else ""
        rows = [fees.add_standard(item.id, args.price, _date(args.from_day, "--from"), room_type, staff.id)]
    else:
        rows = fees.list_standards(_community_id(args), staff.id)
    for row in rows:
        if args.json:
            emit(row.as_json())
        else:
            kind = _(ROOM_TYPES[row.room_type]) if row.room_type else _("every room type")
            since = _("from {day}").format(day=row.starts_on)
            print(f"{pad(row.item, 14)}  {pad(kind, 10)}  {fees.money_text(row.unit_price_fen):>10}  {since}")
    return 0


def _pay(args: argparse.Namespace, staff) -> int:
    from data import fees
    from data.errors import ValidationError

    bills = []
    for part in args.bills.replace("，", ",").split(","):
        if part.strip():
            if not part.strip().isdigit():
                raise ValidationError("--bills", _("Give bill numbers separated by commas, such as 12,13."))
            bills.append(int(part))
    view = fees.take_payment(_room(args), args.amount, to_code(args.method, fees.METHODS, fees.METHOD_WORDS, "--method"),
                             reference=args.reference, bill_ids=bills or None, payer_name=args.payer,
                             staff_id=staff.id)
    _print_payment(args, view)
    return 0


def _print_payment(args: argparse.Namespace, view) -> None:
    from data import fees

    if args.json:
        emit(view.as_json())
        return
    print(_("Receipt {number}: {amount} yuan ({words}), {room}.").format(
        number=view.number, amount=fees.money_text(view.amount_fen), words=view.amount_in_words, room=view.room))
    for _bill, what, fen in view.settled:
        print(f"  {pad(what, 24)}  {fees.money_text(fen):>10}")
    if view.prepaid_fen and view.kind == "payment":
        print("  " + _("To the prepaid balance: {amount}").format(amount=fees.money_text(view.prepaid_fen)))
    if view.invoice:
        print("  " + _("Invoice: {state}").format(state=view.invoice))


def _arrears(args: argparse.Namespace, staff) -> int:
    from data import fees
    from data.people import find_building

    if args.owner:
        return _owner_arrears(args, staff)
    building_id = find_building(args.building, args.community or None)[1] if args.building else None
    page = fees.arrears_page(
        community_id=_community_id(args), building_id=building_id,
        min_fen=fees.fen_of(args.minimum, "--min") if args.minimum else 0, bucket=args.bucket or None,
        as_of=_date(args.as_of, "--as-of") if args.as_of else None, limit=args.limit, offset=args.offset,
        staff_id=staff.id, limitation_only=args.limitation)
    reasons = fees.reasons_of([row.room_id for row in page.rows], staff_id=staff.id)
    for row in page.rows:
        reason = reasons.get(row.room_id)
        if args.json:
            emit({**row.as_json(), "reason": reason.as_json() if reason else None})
        else:
            flag = "  " + _("limitation near") if row.limitation else ""
            why = f"  {reason.short}" if reason else ""
            print(f"{pad(row.community, 10)}  {pad(row.room, 12)}  {pad(row.owner, 8)}  "
                  f"{fees.money_text(row.due_fen):>10}  {row.oldest_period}  {row.bucket}{flag}{why}")
    if not args.json:
        print(_("{rooms} rooms owe {amount} yuan.").format(rooms=page.total_rooms,
                                                           amount=fees.money_text(page.total_fen)))
    return 0


def _owner_arrears(args: argparse.Namespace, staff) -> int:
    from data import fees
    from data.property import person_ref

    person_id = person_ref(args.owner, "--owner")
    assert person_id is not None  # a non-blank --owner names someone or raises
    view = fees.owner_arrears(person_id, as_of=_date(args.as_of, "--as-of") if args.as_of else None,
                              staff_id=staff.id)
    if args.json:
        emit(view.as_json())
        return 0
    ages = "  ".join(f"{b}: {fees.money_text(v)}" for b, v in view.by_bucket.items())
    print(_("{name} owes {amount} yuan over {rooms} rooms.").format(
        name=view.name, amount=fees.money_text(view.due_fen), rooms=len(view.rooms)))
    if view.oldest_period:
        print("  " + _("Oldest unpaid month {period}").format(period=view.oldest_period) + (f"  {ages}" if ages else ""))
    for line in view.rooms:
        print(f"  {pad(line.community, 10)}  {pad(line.room, 12)}  {fees.money_text(line.due_fen):>10}  "
              f"{line.oldest_period}")
    return 0


def _reason(args: argparse.Namespace, staff) -> int:
    from data import fees
    from data.fees.reasons import REASON_WORDS
    from data.lookup import find_room

    room_id = find_room(args.room, args.community or None, option="ROOM")[1]
    code = to_code(args.reason, fees.REASONS, REASON_WORDS, "REASON")
    view = fees.set_reason(room_id, code, args.note, staff.id)
    if args.json:
        emit({"room": args.room, **view.as_json()})
        return 0
    print(_("{room}: arrears reason {reason} (recorded by {staff}).").format(
        room=args.room, reason=view.short, staff=view.staff))
    for c in view.complaints:
        print(f"  {c.number}  {c.title}")
    return 0


def _collect(args: argparse.Namespace, staff) -> int:
    from data import calls, fees
    from data.fees.collection import build_arrears_list
    from data.people import find_building

    building_id = find_building(args.building, args.community or None)[1] if args.building else None
    list_id = build_arrears_list(
        community_id=_community_id(args), building_id=building_id, bucket=args.bucket or None,
        min_fen=fees.fen_of(args.minimum, "--min") if args.minimum else 0,
        limitation_only=args.limitation, staff_id=staff.id, name=args.name or None)
    lst = next(x for x in calls.call_lists(open_only=False) if x.id == list_id)
    if args.json:
        emit({"id": lst.id, "name": lst.name, "count": lst.total})
    else:
        print(_("Call list “{name}”: {count} rooms to call (the calls screen works it).").format(
            name=lst.name, count=lst.total))
    return 0


def _promise(args: argparse.Namespace, staff) -> int:
    from data import fees
    from data.clock import today
    from data.dates import parse_day
    from data.fees.collection import record_promise
    from data.lookup import find_room

    room_id = find_room(args.room, args.community or None, option="ROOM")[1]
    promised_on = parse_day(args.date, today())  # the desk's short forms too: 12-14, 下周一, +7
    view = record_promise(room_id, promised_on, staff.id, args.note)
    if args.json:
        emit({"id": view.id, "room": view.room, "promised_on": promised_on.isoformat(),
              "due": fees.money_text(view.due_fen), "staff": view.staff, "at": view.at.isoformat()})
    else:
        print(_("{room}: promised to pay {amount} yuan by {date} (recorded by {staff}).").format(
            room=view.room, amount=fees.money_text(view.due_fen), date=promised_on.isoformat(),
            staff=view.staff))
    return 0


def _rates(args: argparse.Namespace, staff) -> int:
    from data import fees
    from data.errors import ValidationError

    if args.months:
        return _rate_chart(args, staff)
    if not args.period:
        raise ValidationError("--period", _("Say which month with --period, or the last months with --months."))
    rows = fees.collection_rates(args.period, community_id=_community_id(args),
                                 cutoff=_date(args.cutoff, "--cutoff") if args.cutoff else None,
                                 staff_id=staff.id)
    for row in rows:
        if args.json:
            emit(row.as_json())
        else:
            where = row.community + (f" {row.building}" if row.building else "")
            rate = "—" if row.collection_rate is None else f"{row.collection_rate}%"
            arrears = "—" if row.arrears_rate is None else f"{row.arrears_rate}%"
            print(pad(where, 16) + "  " + _("collection rate {rate}, arrears cleared {cleared}").format(
                rate=rate, cleared=arrears))
    return 0


def _rate_chart(args: argparse.Namespace, staff) -> int:
    from data import fees

    rows = fees.monthly_rates(_require_community(args), months=args.months, last=args.period or None,
                              staff_id=staff.id)
    if args.json:
        for row in rows:
            emit(row.as_json())
        return 0
    print(f"{rows[0].community}  " + _("Collection rate") + " │ " + _("Arrears cleared"))
    for row in rows:
        print(f"{row.period}  {fees.rate_bar(row.collection_rate)} {fees.rate_text(row.collection_rate):>6} │ "
              f"{fees.rate_bar(row.arrears_rate)} {fees.rate_text(row.arrears_rate):>6}")
    return 0


def _statement(args: argparse.Namespace, staff) -> int:
    from data import fees

    view = fees.statement(_room(args), args.limit, staff.id)
    if args.json:
        emit(view.as_json())
        return 0
    print(_("{community} {room}: owes {due}, prepaid {prepaid}.").format(
        community=view.community, room=view.room, due=fees.money_text(view.due_fen),
        prepaid=fees.money_text(view.prepaid_fen)))
    for b in view.bills:
        due = _("owing {amount}").format(amount=fees.money_text(b.due_fen))
        order = f"  {b.order}" if b.order else ""
        print(f"  #{b.id:<6} {b.period}  {pad(b.item, 12)}  {fees.money_text(b.amount_fen):>9}  {due}  {b.payer}{order}")
    for p in view.payments:
        invoice = f"  {p.invoice}" if p.invoice else ""
        print(f"  {p.number}  {p.taken_at:%Y-%m-%d %H:%M}  {fees.money_text(p.amount_fen):>10}  {p.kind}{invoice}")
    return 0


def _document(args: argparse.Namespace, staff) -> int:
    from data.fees.documents import receipt_pdf, reminder_pdf
    from data.lookup import find_room

    if args.fees_command == "receipt":
        path = receipt_pdf(args.receipt, staff.id, community_id=_community_id(args))
    else:
        path = reminder_pdf(find_room(args.room, args.community or None, option="ROOM")[1], staff.id)
    if args.json:
        emit({"path": str(path)})
    else:
        print(path)
    return 0


def _entries(args: argparse.Namespace, staff) -> int:
    from data import fees
    from data.fees import accounts as acc

    spend = args.fees_command == "spend"
    if args.entry_command == "add":
        cid = _require_community(args)
        if spend:
            category = to_code(args.category, acc.CATEGORIES, acc.CATEGORY_WORDS, "--category")
            rows = [acc.add_expense(cid, args.month, category, args.amount, args.note, staff.id)]
        else:
            kind = to_code(args.kind, acc.SHARED_KINDS | acc.SHARED_USES, acc.SHARED_WORDS, "--kind")
            rows = [acc.add_shared(cid, args.month, kind, args.amount, args.note, staff.id)]
    else:
        lister = acc.list_expenses if spend else acc.list_shared
        rows = lister(_community_id(args), args.first or None, args.last or None, staff.id)
    words = acc.CATEGORY_ZH if spend else acc.SHARED_ZH
    for row in rows:
        if args.json:
            emit(row.as_json())
        else:
            print(f"{row.id:>5}  {pad(row.community, 12)}  {row.month}  {pad(words.get(row.kind, row.kind), 16)}  "
                  f"{fees.money_text(row.amount_fen):>11}  {pad(row.by, 8)}  {row.note}")
    return 0


def _public(args: argparse.Namespace, staff) -> int:
    from data import fees
    from data.fees import accounts as acc
    from data.fees import fund, notices

    cid = _require_community(args)
    command = args.fees_command
    if args.pdf or args.xlsx:
        fmt = "pdf" if args.pdf else "xlsx"
        if command == "board":
            path = notices.board_file(cid, fmt, staff.id)
        elif command == "accounts":
            path = notices.accounts_file(cid, args.quarter, fmt, staff.id)
        else:
            path = notices.shared_file(cid, args.half, fmt, staff.id)
        if args.json:
            emit({"path": str(path)})
        else:
            print(path)
        return 0
    money = fees.money_text
    if command == "board":
        view = acc.board(cid, staff_id=staff.id)
        if args.json:
            emit(view.as_json())
            return 0
        print(_("{community}: fee standards on {day}; complaints phone {phone}").format(
            community=view.community, day=view.day, phone=view.phone or "—"))
        for line in view.lines:
            how, unit = acc.BASIS_ZH.get(line.basis, (line.basis, ""))
            since = _("from {day}").format(day=line.starts_on)
            print(f"  {pad(line.item, 14)}  {pad(acc.ROOM_TYPE_ZH.get(line.room_type, line.room_type), 6)}  "
                  f"{money(line.unit_price_fen):>9} {pad(unit, 10)}  {pad(how, 14)}  {since}")
        return 0
    if command == "accounts":
        accounts = acc.quarter_accounts(cid, args.quarter, staff.id)
        if args.json:
            emit(accounts.as_json())
            return 0
        print(_("{community} {quarter}: income {income}, expenditure {spent}, balance {balance}").format(
            community=accounts.community, quarter=accounts.quarter, income=money(accounts.income_fen),
            spent=money(accounts.expenditure_fen), balance=money(accounts.balance_fen)))
        for item, fen in accounts.income:
            print(f"  + {pad(item, 16)}  {money(fen):>11}")
        for code, fen in accounts.expenditure:
            print(f"  - {pad(acc.CATEGORY_ZH[code], 16)}  {money(fen):>11}")
        print(_("Maintenance fund (专项维修资金): {total} yuan on {day}").format(
            total=money(accounts.fund_total_fen), day=accounts.fund_day))
        for project, fen, rooms, status in accounts.fund_uses:
            print(f"  * {pad(project, 16)}  {money(fen):>11}  {pad(fund.STATUS_ZH.get(status, status), 6)}  {rooms}")
        return 0
    shared = acc.shared_statement(cid, args.half, staff.id)
    if args.json:
        emit(shared.as_json())
        return 0
    print(_("{community} {half}: income {income}, costs {costs}, the owners' {owners}, used {used}, "
            "remaining {remaining}").format(
        community=shared.community, half=shared.half, income=money(shared.income_fen),
        costs=money(shared.costs_fen), owners=money(shared.owners_fen), used=money(shared.used_fen),
        remaining=money(shared.remaining_fen)))
    for code, fen in [*shared.income, *shared.uses]:
        print(f"  {pad(acc.SHARED_ZH[code], 22)}  {money(fen):>11}")
    return 0


def _commissions(args: argparse.Namespace, staff) -> int:
    from data import fees
    from data.errors import ValidationError
    from data.fees import commissions as cm

    if not args.month.strip():
        raise ValidationError("--month", _("Say which month with --month, such as 2027-01."))
    if getattr(args, "commissions_command", None) == "approve":
        if not args.staff.strip():
            raise ValidationError("--staff", _("Say whose statement with --staff."))
        views = [cm.approve(args.month, args.staff, staff.id)]
    elif getattr(args, "xlsx", False):
        path = cm.statements_xlsx(args.month, args.staff or None, staff.id)
        if args.json:
            emit({"path": str(path)})
        else:
            print(path)
        return 0
    else:
        views = cm.statements(args.month, args.staff or None, staff.id)
    for view in views:
        if args.json:
            emit(view.as_json())
            continue
        status = (_("approved by {name} on {when}").format(name=view.approved_by, when=f"{view.approved_at:%Y-%m-%d}")
                  if view.status == "approved" else _("draft"))
        print(f"{pad(view.staff, 10)}  {view.month}  {fees.money_text(view.total_fen):>10}  {status}")
        for line in view.lines:
            print(f"  {pad(_(cm.SOURCES[line.source]), 24)}  {pad(line.ref, 20)}  "
                  f"{fees.money_text(line.base_fen):>10} × {line.percent}%  {fees.money_text(line.amount_fen):>9}")
    if not views and not args.json:
        print(_("No commissions in {month}.").format(month=args.month))
    return 0


def _commission_rules(args: argparse.Namespace, staff) -> int:
    from data.fees import commissions as cm
    from data.vocab import STAFF_ROLES

    if getattr(args, "rules_command", None) == "add":
        rows = [cm.add_rule(to_code(args.role, STAFF_ROLES, cm.ROLE_WORDS, "--role"),
                            to_code(args.source, cm.SOURCES, cm.SOURCE_WORDS, "--source"), args.percent,
                            _date(args.from_day, "--from"), _community_id(args), staff.id)]
    else:
        rows = cm.list_rules(staff.id)
    for row in rows:
        if args.json:
            emit(row.as_json())
        else:
            since = _("from {day}").format(day=row.starts_on)
            print(f"{row.id:>4}  {pad(row.community or _('every community'), 12)}  {pad(row.role, 10)}  "
                  f"{pad(_(cm.SOURCES[row.source]), 24)}  {row.percent:>6}%  {since}")
    return 0


def _invoice(args: argparse.Namespace, staff) -> int:
    from data import fees
    from data.fees import invoices as inv

    step = args.invoice_command
    cid = _community_id(args)
    if step == "request":
        rows = [inv.request_invoice(args.receipt, args.title, args.tax_no, args.email, community_id=cid,
                                    staff_id=staff.id)]
    elif step == "issue":
        rows = [inv.record_invoice(args.receipt, args.number, staff.id, community_id=cid)]
    elif step == "cancel":
        rows = [inv.cancel_invoice(args.receipt, staff.id, community_id=cid)]
    else:
        rows = inv.invoices("pending" if args.pending else None, cid, staff.id)
    for row in rows:
        if args.json:
            emit(row.as_json())
        else:
            tax = f"  {row.tax_no}" if row.tax_no else ""
            print(f"{row.receipt}  {pad(row.room, 10)}  {fees.money_text(row.amount_fen):>10}  "
                  f"{pad(row.state_text, 34)}  {row.title}{tax}")
    return 0


def _print_request(args: argparse.Namespace, view, count=None) -> None:
    from data import fees

    if args.json:
        emit(view.as_json())
        return
    used = ""
    if view.used_fen is not None:
        used = "  " + _("used {amount} on {day}").format(amount=fees.money_text(view.used_fen), day=view.used_on)
    print(f"#{view.id:<4} {pad(view.community, 10)}  {pad(view.status_text, 6)}  {pad(view.project, 20)}  "
          f"{fees.money_text(view.budget_fen):>11}  {view.scope}{used}")
    if count is not None:
        print("  " + _("took part: {area} of {total_area} m², {heads} of {total_heads} owners — {quorum}").format(
            area=count.voted_area, total_area=count.total_area, heads=count.voted_heads,
            total_heads=count.total_heads, quorum=_("enough") if count.quorum else _("under 2/3")))
        print("  " + _("同意 {yes_area} m² / {yes_heads}, 反对 {no_area} m² / {no_heads}, "
                       "弃权 {abstain_area} m² / {abstain_heads}").format(
            yes_area=count.yes_area, yes_heads=count.yes_heads, no_area=count.no_area, no_heads=count.no_heads,
            abstain_area=count.abstain_area, abstain_heads=count.abstain_heads))


def _fund(args: argparse.Namespace, staff) -> int:
    from data import fees
    from data.errors import ValidationError
    from data.fees import fund
    from data.lookup import find_room
    from data.people import find_building
    from data.votes import CHOICES

    step = args.fund_command
    if step == "import":
        result = fund.import_balances(args.file, _community_id(args), skip_bad=args.skip_bad, staff_id=staff.id)
        if args.json:
            emit({"stored": result.stored, "bad": [{"line": n, "reason": r} for n, r in result.bad]})
        else:
            print(_("{n} balances stored.").format(n=result.stored))
            for line, reason in result.bad:
                print("  " + _("line {line}: {reason}").format(line=line, reason=reason))
        return 0
    if step == "list":
        building_id = find_building(args.building, args.community or None)[1] if args.building else None
        page = fund.fund_balances(_community_id(args), building_id, staff_id=staff.id)
        for row in page.rows:
            if args.json:
                emit(row.as_json())
            else:
                print(f"{pad(row.community, 10)}  {pad(row.room, 12)}  {fees.money_text(row.balance_fen):>11}  "
                      f"{row.as_of}")
        if not args.json:
            print(_("{rooms} rooms, {amount} yuan in total on {day}.").format(
                rooms=page.rooms, amount=fees.money_text(page.total_fen), day=page.day))
        return 0
    if step == "request":
        cid = _require_community(args)
        if bool(args.building) == bool(args.rooms):
            raise ValidationError("--rooms", _("Name the rooms concerned: --building or --rooms, not both."))
        building_id = find_building(args.building, args.community)[1] if args.building else None
        room_ids = [find_room(code.strip(), args.community, option="--rooms")[1]
                    for code in args.rooms.replace("，", ",").split(",") if code.strip()]
        _print_request(args, fund.create_request(cid, args.project, args.budget, args.reason,
                                                 building_id=building_id, room_ids=room_ids or None,
                                                 staff_id=staff.id))
        return 0
    if step == "requests":
        for view in fund.fund_requests(_community_id(args), staff_id=staff.id):
            _print_request(args, view)
        return 0
    if step == "vote":
        _print_request(args, fund.open_vote(args.request, staff.id))
    elif step == "ballot":
        view = fund.get_request(args.request, staff.id)
        room_id = find_room(args.room, view.community, option="ROOM")[1]
        choice = to_code(args.choice, CHOICES, fund.CHOICE_WORDS, "CHOICE")
        _print_request(args, fund.cast_ballot(args.request, room_id, choice, staff.id))
    elif step == "close":
        view, count = fund.close_vote(args.request, staff.id)
        _print_request(args, view, count)
    else:  # use
        _print_request(args, fund.record_use(args.request, args.amount,
                                             _date(args.date, "--date") if args.date else None, staff.id))
    return 0


def cmd_fees(args: argparse.Namespace) -> int:
    """`frontdesk fees …`."""
    from data import fees

    open_db(args)
    staff = sign_in(args)
    command = args.fees_command
    special: dict[str, Callable[[argparse.Namespace, object], int]] = {
        "items": _items, "standards": _standards, "pay": _pay, "arrears": _arrears, "rates": _rates,
        "statement": _statement, "receipt": _document, "reminder": _document, "collect": _collect,
        "promise": _promise, "reason": _reason, "spend": _entries, "shared": _entries, "board": _public,
        "accounts": _public, "shared-statement": _public, "read": _meters, "readings": _meters,
        "import-readings": _meters, "repair-bill": _repair_bill, "late-fee": _late_fee,
        "commissions": _commissions, "commission-rules": _commission_rules, "invoice": _invoice, "fund": _fund}
    if command in special:
        return special[command](args, staff)
    if command == "bill":
        result = fees.bill_period(args.period, _community_id(args), staff.id)
        if args.json:
            emit(result.as_json())
        else:
            print(_("{period}: {bills} bills issued, {amount} yuan; {prepaid} yuan settled from prepaid balances.").format(
                period=result.period, bills=result.bills, amount=fees.money_text(result.amount_fen),
                prepaid=fees.money_text(result.prepaid_used_fen)))
            if result.missing_readings:
                print(_("{count} meter readings are missing: those rooms' metered items were not billed.").format(
                    count=result.missing_readings))
            if result.bad_readings:
                print(_("{count} meter readings give a bill over the limit and were not billed; check them: {rooms}").format(
                    count=len(result.bad_readings), rooms="、".join(result.bad_readings[:20])))
        return 0
    if command == "void":
        view = fees.void_payment(_community_id(args), args.receipt, args.reason, staff.id)
    elif command == "refund":
        view = fees.refund(_room(args), args.amount, args.reason,
                           method=to_code(args.method, fees.METHODS, fees.METHOD_WORDS, "--method"), staff_id=staff.id)
    else:  # waive
        waiver = fees.waive(args.bill, args.amount, args.reason, staff.id)
        if args.json:
            emit(waiver.as_json())
        else:
            print(_("Bill {id}: {amount} yuan waived.").format(id=waiver.bill_id,
                                                               amount=fees.money_text(waiver.amount_fen)))
        return 0
    _print_payment(args, view)
    return 0


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {"fees": cmd_fees}
