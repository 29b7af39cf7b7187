"""The fees screen (收费, issue 18 item 10): the arrears list (欠费) with its ageing buckets,
filtered by community `c`, building `b` and the age of the oldest debt `a`; `enter` opens
the room's statement. The statement (`StatementScreen`, also opened by `f` on the owner and
room cards) shows what the room owes or has prepaid on top, then its bills and payments
newest first, a page at a time (pgdn/pgup); `p` takes a payment (the amount owed and 现金
filled in: `p` then F10), and the receipt number is shown in a toast and in the list.

Money is integer fen in data/; the screen shows yuan with two decimals (`fees.money_text`)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.widgets import DataTable, Label, Static

from data import access, fees
from data.errors import FrontDeskError
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
        return (Text(line.period), Text(line.item), Text(yuan(line.amount_fen), justify="right"), state)
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

    return FormModal(_("Payment for {room}").format(room=room), fields, save, save_label=_("Take payment"))


class StatementScreen(DeskScreen):
    """A room's account: the balance on top, bills and payments newest first, `p` pays."""

    BINDING_SCOPE = "fees_statement"
    CSS_PATH = Path(__file__).parent / "fees.tcss"
    BINDINGS = [
        Binding("p", "pay", N_("Take payment"), tooltip=N_("The amount owed and cash are filled in: F10 takes it")),
        Binding("r", "receipt", N_("Receipt"), tooltip=N_("The highlighted payment's receipt as an A5 PDF in your export folder")),
        Binding("pagedown", "next_page", N_("Older"), priority=True),
        Binding("pageup", "previous_page", N_("Newer"), priority=True),
    ]

    class Loaded(Message):
        def __init__(self, view: fees.Statement, page: int) -> None:
            super().__init__()
            self.view = view
            self.page = page

    def __init__(self, room_id: int) -> None:
        super().__init__()
        self.room_id = room_id
        self.view: fees.Statement | None = None
        self.page = 0
        self.more = False
        self.lines: list[Any] = []

    @property
    def screen_title(self) -> str:
        return _("Fees")

    def compose(self) -> ComposeResult:
        yield AppHeader()
        yield Static("", id="fees-balance", markup=False)
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
        except FrontDeskError as exc:
            self.app.call_from_thread(self._refused, exc.message)
            return
        self.post_message(self.Loaded(view, page))

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
        top.append_text(balance_text(view.due_fen, view.prepaid_fen))
        self.query_one("#fees-balance", Static).update(safe_text(top))
        parts = [_("Bills and payments, newest first")]
        if self.page or self.more:
            parts.append(_("page {page}").format(page=self.page + 1))
        if self.more:
            parts.append(_("pgdn more"))
        if not self.lines:
            parts.append(_("nothing here"))
        self.query_one("#fees-status", Label).update(plain(" · ".join(parts)))
        headers = (_("Date"), _("Item"), _("Amount"), _("State"))
        fill_table(self.query_one("#fees-lines", DataTable), headers, [line_cells(line) for line in self.lines])

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "pay":
            return access.can("fees.pay")
        return True

    def action_next_page(self) -> None:
        if self.more:
            self.load(self.page + 1)

    def action_previous_page(self) -> None:
        if self.page:
            self.load(self.page - 1)

    def action_receipt(self) -> None:
        """Print (write) the receipt of the payment under the cursor, newest by default."""
        table = self.query_one("#fees-lines", DataTable)
        row = table.cursor_row if 0 <= table.cursor_row < len(self.lines) else -1
        line = self.lines[row] if row >= 0 else None
        if not isinstance(line, fees.PaymentView):
            line = next((x for x in self.lines if isinstance(x, fees.PaymentView)), None)
        if line is None:
            self.notify(_("No payment on this page to print a receipt of."), severity="warning", markup=False)
            return
        self.write_receipt(line.number)

    @work(thread=True, exclusive=True, group="fees-receipt", exit_on_error=False)
    def write_receipt(self, number: str) -> None:
        from data.fees.documents import receipt_pdf

        try:
            path = receipt_pdf(number, self.app.staff.id)
        except FrontDeskError as exc:
            self.app.call_from_thread(self.notify, exc.message, severity="error", markup=False, timeout=10)
            return
        self.app.call_from_thread(self.notify, _("Receipt {number} written to {path}.").format(
            number=number, path=str(path)), markup=False, timeout=15)

    def action_pay(self) -> None:
        view = self.view
        if view is None:
            return

        def saved(payment: fees.PaymentView | None) -> None:
            if payment is None:
                return
            self.notify(_("Receipt {number}: {amount} yuan ({words}), {room}.").format(
                number=payment.number, amount=yuan(payment.amount_fen), words=payment.amount_in_words,
                room=payment.room), markup=False, timeout=15)
            self.load(0)

        self.app.push_screen(payment_form(self.room_id, f"{view.community} {view.room}", view.due_fen,
                                          self.app.staff.id), saved)


class ArrearsList(RegisterTab):
    """Rooms that owe, the largest first, with what they owe by the age of the debt."""

    NAME = "arrears"
    TITLE = N_("Arrears")
    ACTION = "fees.view"
    COLUMNS = ((N_("Room"), 12), (N_("Owner"), 8), (N_("Owes"), 10), ("0-3", 8), ("3-6", 8),
               ("6-12", 8), ("12+", 8))
    FLEXIBLE = 1
    MIN_FLEX = 6
    BINDINGS = [
        Binding("c", "step_community", N_("Community"), tooltip=N_("Every community, or one")),
        Binding("b", "step_building", N_("Building"), tooltip=N_("Every building of the community, or one")),
        Binding("a", "step_bucket", N_("Age"), tooltip=N_("The age of the oldest debt: 0-3, 3-6, 6-12 or 12+ months")),
    ]
    TYPED_KEYS = RegisterTab.TYPED_KEYS | {"step_community", "step_building", "step_bucket"}

    def __init__(self) -> None:
        super().__init__()
        self.communities: list[tuple[int | None, str]] = [(None, "")]
        self.buildings: list[tuple[int | None, str]] = [(None, "")]
        self.community: tuple[int | None, str] = (None, "")
        self.building: tuple[int | None, str] = (None, "")
        self.bucket = ""

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("new_record", "focus_filter"):
            return False  # no text filter and nothing to create: the keys are the filters
        return super().check_action(action, parameters)

    def read_page(self, query: str, after: Any) -> tuple[list, Any, str]:
        if len(self.communities) == 1:
            self.communities += [(c.id, c.name) for c in list_communities()]
        offset = int(after or 0)
        page = fees.arrears_page(community_id=self.community[0], building_id=self.building[0],
                                 bucket=self.bucket or None, limit=self.PAGE, offset=offset,
                                 staff_id=self.app.staff.id)
        parts = [_("{rooms} rooms owe {amount} yuan.").format(rooms=page.total_rooms,
                                                              amount=yuan(page.total_fen)).rstrip(".。")]
        if self.community[0] is not None:
            parts.append(self.community[1])
        if self.building[0] is not None:
            parts.append(self.building[1])
        if self.bucket:
            parts.append(_("oldest debt {bucket} months").format(bucket=self.bucket))
        return list(page.rows), offset + len(page.rows) if page.more else None, " · ".join(parts)

    def row_key(self, row: Any) -> Any:
        return row.room_id

    def cells(self, row: Any) -> list[Text | str | Code]:
        r: fees.ArrearsRow = row
        out: list[Text | str | Code] = [Code(r.room, r.community), r.owner,
                                        Text(yuan(r.due_fen), style="bold")]
        for bucket in fees.BUCKETS:
            fen = r.by_bucket.get(bucket, 0)
            style = "bold red" if bucket == r.bucket else ""
            out.append(Text(yuan(fen), style=style) if fen else Text("—", style="dim"))
        return out

    def open_record(self, row: Any) -> None:
        self.app.push_screen(StatementScreen(row.room_id))

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


def open_statement(screen: Any, room_id: int | None) -> None:
    """`f` on the owner and room cards: the room's statement (for whoever may see fees)."""
    if not access.can("fees.view"):
        screen.notify(_("Only desk staff and leads see fees."), severity="error", markup=False)
        return
    if room_id is None:
        screen.notify(_("This person has no room."), markup=False)
        return
    screen.app.push_screen(StatementScreen(room_id))


__all__ = ["FEE_ROLES", "ArrearsList", "FeesScreen", "StatementScreen", "open_statement", "payment_form"]
