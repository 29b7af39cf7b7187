"""The fees screen (收费, issue 18 item 10): the arrears list (欠费) with its ageing buckets,
filtered by community `c`, building `b` and the age of the oldest debt `a`, each room's
arrears reason (欠费原因, set with `y`; 对服务不满 with the owner's open complaints); `t`
draws the community's last 12 months of 当期收缴率 and 清欠率 as bars; `enter` opens the
room's statement. The statement (`StatementScreen`, also opened by `f` on the owner and
room cards) shows what the room owes or has prepaid on top, then its bills and payments
newest first, a page at a time (pgdn/pgup); `p` takes a payment (the amount owed and 现金
filled in: `p` then F10), and the receipt number is shown in a toast and in the list.

Money is integer fen in data/; the screen shows yuan with two decimals (`fees.money_text`)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rich.cells import cell_len
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.widgets import DataTable, Label, Static

from data import access, fees
from data.errors import FrontDeskError
from data.fees.collection import open_promises, room_owner
from data.i18n import N_, _
from data.property.communities import list_communities
from data.queue import buildings as building_choices
from screens.registers.tab import Code, RegisterTab
from widgets.app_header import AppHeader
from widgets.desk import DeskScreen
from widgets.form import FormField, FormModal
from widgets.safe import plain, safe_text
from widgets.tables import fill_table

#: The roles that open the screen: whoever may see fees (data.access).
FEE_ROLES = access.RULES["fees.view"][0]
#: What `a` steps through ("" = every age).
BUCKET_STEPS = ("", *fees.BUCKETS)
#: Payment methods in the form, 现金 first (the default), then 银行转账 (one key down).
METHOD_ORDER = ("cash", "transfer", "wechat", "alipay", "card")
#: Lines of a statement page.
STATEMENT_PAGE = 50


def yuan(fen: int) -> str:
    """Fen as yuan with two decimals."""
    return fees.money_text(fen)


def balance_text(due_fen: int, prepaid_fen: int) -> Text:
    """The balance line: owed (red), prepaid (green), or settled."""
    text = Text()
    if due_fen > 0:
        text.append(_("Owes {amount} yuan").format(amount=yuan(due_fen)), style="bold red")
    if prepaid_fen > 0:
        if text:
            text.append(" · ")
        text.append(_("Prepaid {amount} yuan").format(amount=yuan(prepaid_fen)), style="bold green")
    if not text:
        text.append(_("Nothing owed"), style="bold")
    return text


def statement_lines(view: fees.Statement) -> list[tuple[dt.date, int, Any]]:
    """Bills and payments of a statement merged, newest first (a payment before the bills of its day)."""
    lines: list[tuple[dt.date, int, Any]] = [(b.starts_on, 0, b) for b in view.bills]
    lines += [(p.taken_at.date(), 1, p) for p in view.payments]
    lines.sort(key=lambda line: (line[0], line[1], getattr(line[2], "id", 0)), reverse=True)
    return lines


KIND_WORDS = {"payment": N_("Payment"), "void": N_("Void"), "refund": N_("Refund")}


def line_cells(line: Any) -> tuple[Text, ...]:
    """The cells of one statement line: date, what, amount, state."""
    if isinstance(line, fees.BillRow):
        state = (Text(_("owing {amount}").format(amount=yuan(line.due_fen)), style="red") if line.due_fen > 0
                 else Text(_("settled"), style="green"))
        what = f"{line.item} {line.order}" if line.order else line.item  # 有偿维修: its work order
        return (Text(line.period), Text(what), Text(yuan(line.amount_fen), justify="right"), state)
    p: fees.PaymentView = line
    method = _(fees.METHODS.get(p.method, p.method))
    what = f"{_(KIND_WORDS.get(p.kind, p.kind))} · {method}"
    if p.reference:
        what += f" {p.reference}"
    if p.invoice:  # 待开票 / 已开票 No.…
        what += f" · {p.invoice}"
    state = Text(p.number, style="bold" if p.kind == "payment" else "dim")
    if p.voided_by:
        state.append(" " + _("(voided)"), style="red")
    return (Text(f"{p.taken_at:%Y-%m-%d}"), Text(what), Text(yuan(p.amount_fen), justify="right"), state)


def payment_form(room_id: int, room: str, due_fen: int, staff_id: int) -> FormModal:
    """`p`: take a payment. The amount owed and 现金 are filled in, so `p` then F10 takes it."""
    methods = [(_(fees.METHODS[code]), code) for code in METHOD_ORDER]
    fields = [
        FormField("amount", _("Amount"), yuan(due_fen) if due_fen > 0 else "", placeholder=_("yuan, such as 3600")),
        FormField("method", _("Method"), "cash", kind="select", options=methods),
        FormField("reference", _("Reference"), placeholder=_("the transfer's reference (交易流水号)"),
                  shown_when=("method", "transfer")),
        FormField("payer", _("Paid by"), placeholder=_("who paid (optional)")),
    ]

    def save(values: dict[str, str]) -> fees.PaymentView:
        method = values["method"] or "cash"
        return fees.take_payment(room_id, values["amount"], method,
                                 reference=values["reference"] if method == "transfer" else "",
                                 payer_name=values["payer"], staff_id=staff_id)

    return PaymentForm(_("Payment for {room}").format(room=room), fields, save, save_label=_("Take payment"),
                       due_fen=due_fen)


class PaymentForm(FormModal):
    """The payment form: an amount over what the room owes (a typo as often as a prepayment)
    is taken only once the clerk confirms that the excess goes to the prepaid balance."""

    def __init__(self, *args: Any, due_fen: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.due_fen = due_fen
        self._confirmed_for = ""

    def action_save(self) -> None:
        amount = self.values()["amount"]
        try:
            fen = fees.fen_of(amount, "amount")
        except FrontDeskError:
            fen = 0  # the save says what is wrong with it
        if fen <= max(self.due_fen, 0) or self._confirmed_for == amount:
            super().action_save()
            return
        from widgets.confirm import ConfirmModal

        def answered(yes: bool | None) -> None:
            if yes:
                self._confirmed_for = amount
                super(PaymentForm, self).action_save()
            else:  # back to the form, the amount as typed
                self.query_one("#field-amount").focus()

        question = _("{amount} yuan more than owed will go to the prepaid balance. Go ahead?").format(
            amount=yuan(fen - max(self.due_fen, 0)))
        self.app.push_screen(ConfirmModal(question), answered)


def owner_text(view: fees.OwnerArrears) -> Text:
    """The owner's line on a statement: what all their rooms owe, since when, and which."""
    text = Text()
    text.append(_("{name} owes {amount} yuan over {rooms} rooms.").format(
        name=view.name, amount=yuan(view.due_fen), rooms=len(view.rooms)).rstrip(".。"),
        style="bold red" if view.due_fen else "bold")
    if view.oldest_period:
        text.append(" · " + _("Oldest unpaid month {period}").format(period=view.oldest_period))
    owing = [f"{r.room} {yuan(r.due_fen)}" for r in view.rooms if r.due_fen]
    if owing:
        text.append(" · " + ", ".join(owing[:3]))
    return text


class StatementScreen(DeskScreen):
    """A room's account: the balance on top, bills and payments newest first, `p` pays."""

    BINDING_SCOPE = "fees_statement"
    CSS_PATH = Path(__file__).parent / "fees.tcss"
    BINDINGS = [
        Binding("p", "pay", N_("Take payment"), tooltip=N_("The amount owed and cash are filled in: F10 takes it")),
        Binding("r", "receipt", N_("Receipt"), tooltip=N_("The highlighted payment's receipt as an A5 PDF in your export folder")),
        Binding("i", "invoice", N_("Invoice"), tooltip=N_("发票 for the highlighted payment: request it (title, tax number), then record its number")),
        Binding("pagedown", "next_page", N_("Older"), priority=True),
        Binding("pageup", "previous_page", N_("Newer"), priority=True),
    ]

    class Loaded(Message):
        def __init__(self, view: fees.Statement, page: int, owner: fees.OwnerArrears | None = None,
                     reason: fees.ReasonView | None = None, holder: tuple[str, str] = ("", ""),
                     promise: dt.date | None = None) -> None:
            super().__init__()
            self.holder = holder
            self.promise = promise
            self.view = view
            self.page = page
            self.owner = owner
            self.reason = reason

    def __init__(self, room_id: int, person_id: int | None = None) -> None:
        super().__init__()
        self.room_id = room_id
        #: Opened from an owner card: their total over several rooms is shown on top.
        self.person_id = person_id
        self.view: fees.Statement | None = None
        self.page = 0
        self.more = False
        self.lines: list[Any] = []
        #: The last payment's receipt line, shown on the status line until the screen closes.
        self.last_receipt = ""

    @property
    def screen_title(self) -> str:
        return _("Fees")

    def compose(self) -> ComposeResult:
        yield AppHeader()
        yield Static("", id="fees-balance", markup=False)
        yield Static("", id="fees-owner", markup=False)
        yield Static("", id="fees-reason", markup=False)
        yield Label("", id="fees-status", markup=False)
        yield DataTable(id="fees-lines", cursor_type="row", zebra_stripes=True)
        yield self.footer()

    def on_mount(self) -> None:
        self.query_one("#fees-lines", DataTable).focus()
        self.load()

    def refresh_data(self) -> None:
        if self.is_mounted:
            self.load(self.page)

    @work(thread=True, exclusive=True, group="fees-statement", exit_on_error=False)
    def load(self, page: int = 0) -> None:
        try:
            view = fees.statement(self.room_id, STATEMENT_PAGE * (page + 1), self.app.staff.id)
            owner = (fees.owner_arrears(self.person_id, staff_id=self.app.staff.id)
                     if self.person_id is not None else None)
            reason = fees.reasons_of([self.room_id], staff_id=self.app.staff.id).get(self.room_id)
            holder = room_owner(self.room_id, self.app.staff.id)
            promise = open_promises([self.room_id]).get(self.room_id)
        except FrontDeskError as exc:
            self.app.call_from_thread(self._refused, exc.message)
            return
        self.post_message(self.Loaded(view, page, owner, reason, holder, promise))

    def _refused(self, message: str) -> None:
        self.notify(message, severity="error", markup=False, timeout=10)
        if self.app.screen is self:
            self.app.pop_screen()

    def on_statement_screen_loaded(self, message: Loaded) -> None:
        view = self.view = message.view
        limit = STATEMENT_PAGE * (message.page + 1)
        merged = statement_lines(view)
        start = STATEMENT_PAGE * message.page
        self.page = message.page
        self.lines = [line for _d, _k, line in merged[start:start + STATEMENT_PAGE]]
        self.more = len(merged) > start + STATEMENT_PAGE or len(view.bills) >= limit or len(view.payments) >= limit
        top = Text()
        top.append(f"{view.community} {view.room}  ", style="bold")
        name, phone = message.holder
        if name:
            top.append(f"{name} {phone}".strip() + "  ")
        top.append_text(balance_text(view.due_fen, view.prepaid_fen))
        if message.promise is not None and view.due_fen > 0:
            top.append("  " + promise_words(message.promise), style="yellow")
        self.query_one("#fees-balance", Static).update(safe_text(top))
        owner_line = self.query_one("#fees-owner", Static)
        owner_line.display = message.owner is not None and len(message.owner.rooms) > 1
        if owner_line.display and message.owner is not None:
            owner_line.update(owner_text(message.owner))
        reason_line = self.query_one("#fees-reason", Static)
        reason_line.display = message.reason is not None and view.due_fen > 0
        if reason_line.display and message.reason is not None:
            reason_line.update(reason_text(message.reason))
        parts = [_("Bills and payments, newest first")]
        if self.page or self.more:
            parts.append(_("page {page}").format(page=self.page + 1))
        if self.more:
            parts.append(_("pgdn more"))
        if not self.lines:
            parts.append(_("nothing here"))
        if self.last_receipt:
            parts = [self.last_receipt, *parts[1:]]
        self.query_one("#fees-status", Label).update(plain(" · ".join(parts)))
        headers = (_("Date"), _("Item"), _("Amount"), _("State"))
        fill_table(self.query_one("#fees-lines", DataTable), headers, [line_cells(line) for line in self.lines])

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "pay":
            return access.can("fees.pay")
        if action == "invoice":
            return access.can("fees.invoice")
        return True

    def action_next_page(self) -> None:
        if self.more:
            self.load(self.page + 1)
        else:
            self.notify(_("No older records."), markup=False, timeout=3)

    def action_previous_page(self) -> None:
        if self.page:
            self.load(self.page - 1)
        else:
            self.notify(_("No newer records: this is the first page."), markup=False, timeout=3)

    def _payment(self) -> fees.PaymentView | None:
        """The payment under the cursor, else the newest on the page."""
        table = self.query_one("#fees-lines", DataTable)
        row = table.cursor_row if 0 <= table.cursor_row < len(self.lines) else -1
        line = self.lines[row] if row >= 0 else None
        if not isinstance(line, fees.PaymentView):
            line = next((x for x in self.lines if isinstance(x, fees.PaymentView)), None)
        return line

    def action_receipt(self) -> None:
        """Print (write) the receipt of the payment under the cursor, newest by default."""
        line = self._payment()
        if line is None:
            self.notify(_("No payment on this page to print a receipt of."), severity="warning", markup=False)
            return
        if running(self, "fees-receipt"):
            return
        self.write_receipt(line.number, self.room_id)

    def action_invoice(self) -> None:
        """i: the invoice of the payment under the cursor — request it, or record its number."""
        from screens.fees_desk import invoice_form

        line = self._payment()
        if line is None:
            self.notify(_("No payment on this page to invoice."), severity="warning", markup=False)
            return
        form = invoice_form(line, self.app.staff.id)
        if isinstance(form, str):
            self.notify(form, markup=False)
            return

        def saved(row: Any) -> None:
            if row is not None:
                self.notify(_("Invoice of {number}: {state}.").format(number=row.receipt, state=row.state_text),
                            markup=False, timeout=10)
                self.load(self.page)

        self.app.push_screen(form, saved)

    @work(thread=True, exclusive=True, group="fees-receipt", exit_on_error=False)
    def write_receipt(self, number: str, room_id: int) -> None:
        from data.fees.documents import receipt_pdf

        try:  # receipt numbers restart per community: look it up in the room's
            path = receipt_pdf(number, self.app.staff.id, room_id=room_id)
        except FrontDeskError as exc:
            self.app.call_from_thread(self.notify, exc.message, severity="error", markup=False, timeout=10)
            return
        self.app.call_from_thread(self.notify, _("Receipt {number} written to {path}.").format(
            number=number, path=str(path)), markup=False, timeout=15)

    def action_pay(self) -> None:
        view = self.view
        if view is None:
            return
        if running(self, "fees-statement"):  # the amount owed is being read again after a payment
            self.notify(_("Reading the balance again: a moment."), markup=False, timeout=3)
            return

        def saved(payment: fees.PaymentView | None) -> None:
            if payment is None:
                return
            said = _("Receipt {number}: {amount} yuan ({words}), {room}.").format(
                number=payment.number, amount=yuan(payment.amount_fen), words=payment.amount_in_words,
                room=payment.room)
            # The toast covers the list's state column: short, and the status line keeps it.
            self.last_receipt = said
            self.notify(said, markup=False, timeout=3)
            self.load(0)

        self.app.push_screen(payment_form(self.room_id, f"{view.community} {view.room}", view.due_fen,
                                          self.app.staff.id), saved)


def running(screen: Any, group: str) -> bool:
    """Whether a worker of `group` started by this screen is still at work (a key pressed
    again meanwhile must not write a second list, letter or payment)."""
    return any(w.node is screen and w.group == group and not w.is_finished for w in screen.app.workers)


def promise_words(day: dt.date) -> str:
    """承诺 2026-12-14 缴费: the room's open promise to pay."""
    return _("Promised to pay on {date}").format(date=day.isoformat())


def arrears_facts(room_id: int, staff_id: int) -> str:
    """What the 催缴 call panel says of a room before the script: its recorded arrears reason
    (对服务不满 … and the note) and its open promise to pay; "" when neither (or no fees.view)."""
    try:
        reason = fees.reasons_of([room_id], staff_id=staff_id).get(room_id)
        promise = open_promises([room_id]).get(room_id)
    except FrontDeskError:
        return ""
    lines = []
    if reason is not None:
        lines.append(f"{reason.short}  {reason.note}".strip())
    if promise is not None:
        lines.append(promise_words(promise))
    return "\n".join(lines)


@dataclass(frozen=True)
class ArrearsLine:
    """A row of the arrears list, the room's current arrears reason and open promise to pay."""

    row: fees.ArrearsRow
    reason: fees.ReasonView | None
    promise: dt.date | None = None

    @property
    def room_id(self) -> int:
        return self.row.room_id


def reason_text(view: fees.ReasonView) -> Text:
    """The reason under the list: what, when, by whom, the note and the open complaints."""
    text = Text()
    text.append(_("Why unpaid") + ": ", style="bold")
    text.append(view.short, style="bold yellow" if view.complaints else "bold")
    text.append(f"  {view.at:%Y-%m-%d} {view.staff}")
    if view.note:
        text.append(f"  {view.note}")
    for c in view.complaints[:2]:
        text.append(f"\n  {c.number} {c.title}")
    return text


class ArrearsList(RegisterTab):
    """Rooms that owe, the largest first, with what they owe by the age of the debt."""

    NAME = "arrears"
    TITLE = N_("Arrears")
    ACTION = "fees.view"
    # Narrow money columns leave the reason a column at 80 cells (9999.99 fits a bucket).
    COLUMNS = ((N_("Room"), 9), (N_("Owner"), 6), (N_("Owes"), 9), ("0-3", 7), ("3-6", 7),
               ("6-12", 7), ("12+", 7), (N_("Reason"), 10))
    FLEXIBLE = 7
    MIN_FLEX = 4
    BINDINGS = [
        Binding("c", "step_community", N_("Community"), tooltip=N_("Every community, or one")),
        Binding("b", "step_building", N_("Building"), tooltip=N_("Every building of the community, or one")),
        Binding("a", "step_bucket", N_("Age"), tooltip=N_("The age of the oldest debt: 0-3, 3-6, 6-12 or 12+ months")),
        Binding("y", "set_reason", N_("Why unpaid"), tooltip=N_("Record why the highlighted room does not pay (欠费原因)")),
        Binding("t", "rates", N_("Rates"), tooltip=N_("当期收缴率 and 清欠率 of the last 12 months as a chart")),
        Binding("l", "call_list", N_("催缴 list"),
                tooltip=N_("A 催缴 call list of the rooms these filters show, for the calls screen")),
        Binding("w", "reminder", N_("催缴函"),
                tooltip=N_("The highlighted room's written reminder as an A4 PDF in your export folder")),
        # Listed by F1 (the table's own enter does the same: open_record).
        Binding("enter", "open_statement", N_("Open the room's statement"), show=False),
        Binding("g", "public_accounts", N_("公示"), show=False,
                tooltip=N_("Public accounts: the fee board, a quarter's or a half-year's statement, PDF or XLSX")),
    ]
    TYPED_KEYS = RegisterTab.TYPED_KEYS | {"step_community", "step_building", "step_bucket", "set_reason", "rates",
                                           "call_list", "reminder", "public_accounts"}

    def __init__(self) -> None:
        super().__init__()
        self.communities: list[tuple[int | None, str]] = [(None, "")]
        self.buildings: list[tuple[int | None, str]] = [(None, "")]
        self.community: tuple[int | None, str] = (None, "")
        self.building: tuple[int | None, str] = (None, "")
        self.bucket = ""
        self.total_rooms = 0

    def compose(self) -> ComposeResult:
        yield from super().compose()
        yield Static("", id="arrears-reason", markup=False)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("new_record", "focus_filter"):
            return False  # no text filter and nothing to create: the keys are the filters
        if action == "reminder" and not access.can("fees.pay"):
            return False
        return super().check_action(action, parameters)

    def _highlighted(self) -> ArrearsLine | None:
        cursor = self.table.cursor_row
        return self.rows[cursor] if 0 <= cursor < len(self.rows) else None

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show_reason()

    def _show_reason(self) -> None:
        line = self._highlighted()
        text = reason_text(line.reason) if line is not None and line.reason is not None else Text()
        if line is not None and line.promise is not None:
            text = Text(promise_words(line.promise), style="bold yellow") + (Text("  ") + text if text else Text())
        self.query_one("#arrears-reason", Static).update(text)

    def action_set_reason(self) -> None:
        """y: why the highlighted room does not pay (a choice of six and a note)."""
        line = self._highlighted()
        if line is None:
            return
        room_id, staff_id = line.room_id, self.app.staff.id
        complaints = fees.open_complaints([room_id]).get(room_id, ())
        help_text = ""
        if complaints:
            help_text = _("Open complaints: {list}").format(
                list="; ".join(f"{c.number} {c.title}" for c in complaints[:3]))
        # Nothing is chosen for the clerk (a guess would be recorded as what the owner said).
        current = line.reason.reason if line.reason is not None else ""
        fields = [
            FormField("reason", _("Why unpaid"), current, kind="select",
                      options=[(_(label), code) for code, label in fees.REASONS.items()], help=help_text),
            FormField("note", _("Note"), placeholder=_("what the owner said (needed for 其他)")),
        ]

        def saved(view: fees.ReasonView | None) -> None:
            if view is not None:
                self.notify(_("{room}: {reason}.").format(room=line.row.room, reason=view.short), markup=False)
                self.load()

        form = FormModal(_("Why {room} does not pay").format(room=line.row.room), fields,
                         lambda v: fees.set_reason(room_id, v["reason"], v["note"], staff_id))
        self.app.push_screen(form, saved)

    def action_rates(self) -> None:
        """t: the rates chart of the community chosen (or the first)."""
        if len(self.communities) < 2:
            self.notify(_("No community yet."), markup=False)
            return
        community = self.community if self.community[0] is not None else self.communities[1]
        assert community[0] is not None
        self.app.push_screen(RatesScreen(community[0], community[1]))

    def action_call_list(self) -> None:
        """l: a 催缴 call list of the rooms the current filters show, built in a worker."""
        if self.writing:  # the list (or a letter) is on its way: run_write says it still waits
            self.build_call_list(self.community[0], self.building[0], self.bucket or None)
            return
        self.notify(_("Building the 催缴 list …"), markup=False, timeout=3)
        self.build_call_list(self.community[0], self.building[0], self.bucket or None)

    def build_call_list(self, community_id: int | None, building_id: int | None, bucket: str | None) -> None:
        """A write, in a worker (DeskWrites.run_write): behind another desk it says so,
        esc gives it up."""
        from data.calls import call_lists
        from data.fees.collection import build_arrears_list

        me, shown = self.app.staff.id, self.total_rooms

        def build() -> tuple[int, int]:
            list_id = build_arrears_list(community_id=community_id, building_id=building_id, bucket=bucket,
                                         staff_id=me, assignee_id=me)
            return list_id, next((lst.total for lst in call_lists(me) if lst.id == list_id), 0)

        def refused(exc: FrontDeskError) -> None:
            self.notify(exc.message, severity="warning", markup=False, timeout=10)

        self.run_write(build, done=lambda got: self._list_built(got[0], got[1], max(0, shown - got[1])),
                       refused=refused, stays=True)

    def _list_built(self, list_id: int, count: int, left_out: int = 0) -> None:
        """Say how many rooms went in and offer the calls screen on that list."""
        from widgets.confirm import ConfirmModal

        question = _("The 催缴 list has {count} rooms. Open it in the calls screen now?").format(count=count)

        def answered(yes: bool | None) -> None:
            if yes:
                from screens.calls import CallsScreen

                self.app.push_screen(CallsScreen(mode="list", list_id=list_id))

        said = _("催缴 list built: {count} rooms.").format(count=count)
        if left_out:
            said += " " + _("{count} rooms have no owner with a phone and were left out.").format(count=left_out)
        self.notify(said, markup=False, timeout=10)
        self.app.push_screen(ConfirmModal(question), answered)

    def action_reminder(self) -> None:
        """w: the highlighted room's 催缴函 into the export folder."""
        line = self._highlighted()
        if line is None:
            return
        self.write_reminder(line.room_id, line.row.room)

    def write_reminder(self, room_id: int, room: str) -> None:
        """The letter is recorded (a write): in a worker (DeskWrites.run_write), behind
        another desk it says so, esc gives it up."""
        from data.fees.documents import reminder_pdf

        me = self.app.staff.id

        def written(path: Any) -> None:
            self.notify(_("催缴函 of {room} written to {path}.").format(room=room, path=str(path)),
                        markup=False, timeout=15)

        def refused(exc: FrontDeskError) -> None:
            self.notify(exc.message, severity="error", markup=False, timeout=10)

        self.run_write(lambda: reminder_pdf(room_id, me), done=written, refused=refused, stays=True)

    def action_public_accounts(self) -> None:
        """g: the 公示 form, on the community chosen."""
        from screens.fees_desk import open_accounts_form

        open_accounts_form(self, self.community[0])

    def read_page(self, query: str, after: Any) -> tuple[list, Any, str]:
        if len(self.communities) == 1:
            # Assigned whole, never appended: two pages read at once (a filter key while the
            # last page was still being read) listed every community twice, and `c` stepped
            # from a community to itself.
            self.communities = [(None, ""), *((c.id, c.name) for c in list_communities())]
        offset = int(after or 0)
        page = fees.arrears_page(community_id=self.community[0], building_id=self.building[0],
                                 bucket=self.bucket or None, limit=self.PAGE, offset=offset,
                                 staff_id=self.app.staff.id)
        self.total_rooms = page.total_rooms
        # Short enough for 80 columns: the filters as words, 全部小区 when none is chosen.
        parts = [_("{rooms} rooms owe {amount} yuan.").format(rooms=page.total_rooms,
                                                              amount=yuan(page.total_fen)).rstrip(".。")]
        if self.community[0] is None:
            parts.append(_("All communities"))
        elif self.building[0] is not None:  # its label names the community already
            parts.append(self.building[1])
        else:
            parts += [self.community[1], _("All buildings")]
        if self.bucket:
            parts.append(_("{bucket} months").format(bucket=self.bucket))
        reasons = fees.reasons_of([r.room_id for r in page.rows], staff_id=self.app.staff.id)
        promises = open_promises([r.room_id for r in page.rows])
        lines = [ArrearsLine(r, reasons.get(r.room_id), promises.get(r.room_id)) for r in page.rows]
        return lines, offset + len(page.rows) if page.more else None, " · ".join(parts)

    def _show(self, message: Any) -> None:
        super()._show(message)
        self._show_reason()

    def row_key(self, row: Any) -> Any:
        return row.room_id

    def cells(self, row: Any) -> list[Text | str | Code]:
        r: fees.ArrearsRow = row.row
        out: list[Text | str | Code] = [Code(r.room, r.community), r.owner,
                                        Text(yuan(r.due_fen), style="bold")]
        for bucket in fees.BUCKETS:
            fen = r.by_bucket.get(bucket, 0)
            style = "bold red" if bucket == r.bucket else ""
            out.append(Text(yuan(fen), style=style) if fen else Text("—", style="dim"))
        # The column has room for the reason; the line under the list says the rest.
        out.append(Text(row.reason.label, style="bold yellow" if row.reason.complaints else "") if row.reason
                   else Text(""))
        return out

    def open_record(self, row: Any) -> None:
        self.app.push_screen(StatementScreen(row.room_id))

    def action_open_statement(self) -> None:
        line = self._highlighted()
        if line is not None:
            self.open_record(line)

    # --- filters -------------------------------------------------------------------------------

    def _reload(self) -> None:
        self.cursors = [None]
        self.load()

    def action_step_community(self) -> None:
        steps = self.communities
        index = next((i for i, c in enumerate(steps) if c[0] == self.community[0]), 0)
        self.community = steps[(index + 1) % len(steps)]
        self.building = (None, "")
        self.buildings = [(None, "")]
        if self.community[0] is not None:
            self.buildings += [(bid, name) for bid, name in building_choices(self.community[0])]
        self._reload()

    def action_step_building(self) -> None:
        if self.community[0] is None:
            self.notify(_("Choose the community first (c)."), markup=False)
            return
        steps = self.buildings
        index = next((i for i, b in enumerate(steps) if b[0] == self.building[0]), 0)
        self.building = steps[(index + 1) % len(steps)]
        self._reload()

    def action_step_bucket(self) -> None:
        self.bucket = BUCKET_STEPS[(BUCKET_STEPS.index(self.bucket) + 1) % len(BUCKET_STEPS)]
        self._reload()


class FeesScreen(DeskScreen):
    """收费: the arrears list; `enter` opens a room's statement, where `p` takes a payment."""

    BINDING_SCOPE = "fees"
    AUTO_FOCUS = "#arrears-table"
    CSS_PATH = Path(__file__).parent / "fees.tcss"

    @property
    def screen_title(self) -> str:
        return _("Fees")

    @property
    def register(self) -> ArrearsList:
        return self.query_one(ArrearsList)

    def compose(self) -> ComposeResult:
        yield AppHeader()
        yield ArrearsList()
        yield self.footer()

    def on_mount(self) -> None:
        self.register.load()
        self.register.focus_tab()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return True

    def refresh_data(self) -> None:
        if self.is_mounted:
            self.register.load()

    def reopened(self) -> None:
        self.register.focus_tab()


def open_statement(screen: Any, room_id: int | None, person_id: int | None = None) -> None:
    """`f` on the owner and room cards: the room's statement (for whoever may see fees);
    from an owner card (`person_id`) with the owner's total over their rooms."""
    if not access.can("fees.view"):
        screen.notify(_("Only desk staff and leads see fees."), severity="error", markup=False)
        return
    if room_id is None:
        screen.notify(_("This person has no room."), markup=False)
        return
    screen.app.push_screen(StatementScreen(room_id, person_id))


class RatesScreen(DeskScreen):
    """收缴率 (t on the arrears list): 当期收缴率 and 清欠率 of a community for the last 12
    months, one bar per month with its percentage."""

    BINDING_SCOPE = "fees_rates"
    CSS_PATH = Path(__file__).parent / "fees.tcss"
    BINDINGS = [Binding("escape", "app.pop_screen", N_("Back"))]

    class Loaded(Message):
        def __init__(self, rows: list[fees.RateRow]) -> None:
            super().__init__()
            self.rows = rows

    def __init__(self, community_id: int, community: str) -> None:
        super().__init__()
        self.community_id = community_id
        self.community = community

    @property
    def screen_title(self) -> str:
        return _("Collection rates")

    def compose(self) -> ComposeResult:
        yield AppHeader()
        yield Static(_("Reading …"), id="rates-chart", markup=False)
        yield self.footer()

    def on_mount(self) -> None:
        self.load()

    def refresh_data(self) -> None:
        if self.is_mounted:
            self.load()

    @work(thread=True, exclusive=True, group="fees-rates", exit_on_error=False)
    def load(self) -> None:
        try:
            rows = fees.monthly_rates(self.community_id, months=12, staff_id=self.app.staff.id)
        except FrontDeskError as exc:
            self.app.call_from_thread(self.notify, exc.message, severity="error", markup=False, timeout=10)
            return
        self.post_message(self.Loaded(rows))

    def on_rates_screen_loaded(self, message: Loaded) -> None:
        self.query_one("#rates-chart", Static).update(rates_chart(self.community, message.rows))


#: Cells of one bar of the rates chart (two bars and their figures fit 80 columns).
BAR_WIDTH = 22


def rates_chart(community: str, rows: list[fees.RateRow]) -> Text:
    """The chart: a line per month, the 当期收缴率 bar and figure, then the 清欠率 one."""
    text = Text()
    text.append(community, style="bold")
    text.append("  " + _("the last {n} months, each as of its last day").format(n=len(rows)) + "\n\n", style="dim")
    label = _("Collection rate")
    text.append(" " * 9 + label + " " * max(1, BAR_WIDTH + 7 - cell_len(label)), style="bold")
    text.append(" │ " + _("Arrears cleared") + "\n", style="bold")
    for row in rows:
        text.append(f"{row.period}  ")
        text.append(fees.rate_bar(row.collection_rate, BAR_WIDTH), style="green")
        text.append(f" {fees.rate_text(row.collection_rate):>6}")
        text.append(" │ ")
        text.append(fees.rate_bar(row.arrears_rate, BAR_WIDTH), style="cyan")
        text.append(f" {fees.rate_text(row.arrears_rate):>6}\n")
    return text


__all__ = ["FEE_ROLES", "ArrearsLine", "arrears_facts", "ArrearsList", "RatesScreen", "FeesScreen", "StatementScreen", "open_statement", "payment_form"]
