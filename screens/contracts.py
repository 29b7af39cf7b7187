"""The contracts screen (合同管理, issue 17 item 4): the register of proposals, quotes and
service contracts with filters (status `s`, kind `t`, ending within 30 days `d`, text `/`),
`n` a new contract (its kind, the room and who signs, or a customer's name and phone, the
amount and the term), and `enter` a contract in full with its steps: `r` generates the Word
file into the export folder (the path is shown), `g` records the signing, `x` terminates it,
`o` opens the lead (潜在客户) it was drafted for.

The list is a `RegisterTab` (screens.registers.tab: paging, the filter line, the cursor kept
across refreshes); `quote_order` is what the work-order screen's `q` runs."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from rich.cells import cell_len
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Input

from data import access
from data import contracts as ct
from data import registers as reg
from data.clock import today as clock_today
from data.errors import FrontDeskError
from data.i18n import N_, _
from data.validators import parse_date
from data.vocab import label
from screens.registers.tab import RecordModal, RegisterTab, action_bindings
from screens.room_question import RoomAsker
from widgets.app_header import AppHeader
from widgets.desk import DeskApp, DeskScreen
from widgets.form import FormField, FormModal

#: What `s` steps through ("" = every status), and `t` ("" = every kind).
STATUS_STEPS = ("", *ct.STATUSES)
KIND_STEPS = ("", *ct.KINDS)
#: Kinds the `n` form drafts (a quote comes from its work order: q on the work-order screen).
FORM_KINDS = ("parking", "housekeeping", "renovation", "other", "proposal")
#: How a status looks in the list.
STATUS_STYLES = {"draft": "yellow", "signed": "cyan", "active": "bold green", "expired": "dim",
                 "terminated": "red"}
#: A contract ending within this many days is shown in bold red.
SOON_DAYS = ct.EXPIRING_DAYS
#: The roles that open the screen: who may read the register.
CONTRACT_ROLES = access.RULES[ct.PERMISSIONS["read"]][0]


def year_later(day: dt.date) -> dt.date:
    """The last day of a one-year term starting on `day`."""
    try:
        return day.replace(year=day.year + 1) - dt.timedelta(days=1)
    except ValueError:  # 29 February
        return day.replace(year=day.year + 1, day=28)


def _day(value: dt.date | None) -> str:
    return f"{value:%Y-%m-%d}" if value else ""


def contract_rows(view: ct.ContractView) -> list[tuple[str, str]]:
    """The lines of a contract in full (empty values are left out)."""
    lines = "; ".join(f"{li.description} {format(li.quantity.normalize(), 'f')}×{ct.money(li.unit_price)}"
                      f"={ct.money(li.amount)}" for li in view.lines)
    return [
        (_("Kind"), label(ct.KINDS, view.kind)),
        (_("Status"), label(ct.STATUSES, view.status)),
        (_("Party"), " ".join(p for p in (view.party, view.party_phone) if p)),
        (_("For lead"), f"#{view.lead_id} {view.lead}" if view.lead_id is not None else ""),
        (_("Room"), f"{view.community} {view.room}".strip()),
        (_("Amount"), f"{ct.money(view.amount)} ({ct.amount_in_words(view.amount)})"),
        (_("Term"), f"{_day(view.start_date)} – {_day(view.end_date)}"),
        (_("Signed on"), _day(view.signed_on)),
        (_("Responsible"), view.owner_staff),
        (_("Template"), view.template),
        (_("Work order"), view.work_order),
        (_("Interest"), " · ".join(p for p in (view.interest, view.rooms_of_interest) if p)),
        (_("Cost lines"), lines),
        (_("Subject"), " ".join(view.subject.split())),
        (_("Reason"), view.closed_reason),
        (_("File"), view.file_name),
    ]


class ContractModal(RecordModal):
    """One contract in full: `r` generates its Word file, `g` records the signing, `x`
    terminates it (leads), `o` opens the lead it was drafted for; what the role may not do, or the status does not allow, is not
    offered."""

    ACTIONS = (
        ("r", "render", N_("Generate Word file")),
        ("g", "sign", N_("Record signing")),
        ("x", "terminate", N_("Terminate")),
        ("o", "lead", N_("Open lead")),
    )
    BINDINGS = [*RecordModal.BINDINGS, *action_bindings(ACTIONS)]

    def __init__(self, view: ct.ContractView, note: str = "") -> None:
        self.view = view
        super().__init__(_("{kind} {number}").format(kind=label(ct.KINDS, view.kind), number=view.number),
                         contract_rows(view), note=note, note_style="bold green")

    def offered(self, action: str) -> bool:
        view = self.view
        if action == "render":
            return ct.may("quote" if view.kind == "quote" else "create")
        if action == "sign":
            return view.status == "draft" and view.end_date >= clock_today() and ct.may("sign")
        if action == "terminate":
            return view.status in ct.OPEN_STATUSES and ct.may("terminate")
        if action == "lead":
            return view.lead_id is not None and access.can("lead.manage")
        return True


def contract_form(staff_id: int) -> FormModal:
    """`n`: a new contract (or a proposal for a prospective customer)."""
    today = clock_today()
    kinds = [(label(ct.KINDS, code), code) for code in FORM_KINDS]
    fields = [
        FormField("kind", _("Kind"), "parking", kind="select", options=kinds),
        FormField("community", _("Community"), placeholder=_("needed when the room code is in several communities")),
        FormField("room", _("Room"), placeholder=_("3-2-501 (its owner signs); empty for a customer without one")),
        FormField("owner", _("Who signs"), placeholder=_("a tenant's name, when not the owner")),
        FormField("party_name", _("Customer"), placeholder=_("name, when there is no room")),
        FormField("party_phone", _("Phone"), placeholder="138 0013 8000"),
        FormField("interest", _("Interest"), placeholder=_("租房, 车位租售, 家政保洁 …"),
                  shown_when=("kind", "proposal")),
        FormField("rooms", _("Rooms wanted"), placeholder=_("5-1-101, B2-034 …"), shown_when=("kind", "proposal")),
        FormField("amount", _("Amount"), placeholder=_("yuan, such as 3600")),
        FormField("start_date", _("From"), f"{today:%Y-%m-%d}"),
        FormField("end_date", _("Until"), f"{year_later(today):%Y-%m-%d}"),
        FormField("subject", _("Subject"), placeholder=_("B2-034 车位 / 每周两次保洁 / 厨卫翻新 …")),
    ]
    asker = RoomAsker()

    def save(values: dict[str, str]) -> ct.ContractView:
        kind = values["kind"] or "parking"
        if kind == "proposal":
            return ct.create_proposal(ct.ProposalInput(
                name=values["party_name"], phone=values["party_phone"], interest=values["interest"],
                rooms=values["rooms"], amount=values["amount"] or "0", subject=values["subject"],
                community=values["community"]), staff_id)
        picked = asker.chosen(values["room"], values["community"])
        room_id = picked.id if picked is not None else None
        if room_id is None and values["room"].strip():
            match = reg.room_match(values["room"], values["community"] or None)
            if len(match.candidates) > 1:
                asker.ask(values["room"], match)
        return ct.create_contract(ct.ContractInput(
            kind=kind, amount=values["amount"], start_date=parse_date(values["start_date"], "start_date"),
            end_date=parse_date(values["end_date"], "end_date"), room=values["room"],
            community=values["community"], room_id=room_id, owner=values["owner"],
            party_name=values["party_name"], party_phone=values["party_phone"],
            subject=values["subject"]), staff_id)

    form = FormModal(_("New contract"), fields, save)
    asker.form = form
    return form


class ContractsList(RegisterTab):
    """The register, newest first (ending soonest first while `d` shows those ending soon)."""

    NAME = "contracts"
    TITLE = N_("Contracts")
    ACTION = ct.PERMISSIONS["read"]
    NEW_ACTION = ct.PERMISSIONS["create"]
    COLUMNS = ((N_("No."), 12), (N_("Status"), 6), (N_("Kind"), 6), (N_("Party"), 10),
               (N_("Room"), 14), (N_("Amount"), 10), (N_("Ends"), 10))
    FLEXIBLE = 3
    DROPPABLE = (4,)
    MIN_FLEX = 10
    NEW_LABEL = N_("New contract")
    FILTER_HINT = N_("Filter: number, name, room …")
    BINDINGS = [
        Binding("s", "step_status", N_("Status"), tooltip=N_("Show every status, or one: drafted, signed, in force …")),
        Binding("t", "step_kind", N_("Kind"), tooltip=N_("Show every kind, or one: parking, housekeeping …")),
        Binding("d", "toggle_expiring", N_("Ending soon"),
                tooltip=N_("Only contracts in force ending within 30 days, the soonest first")),
    ]
    TYPED_KEYS = RegisterTab.TYPED_KEYS | {"step_status", "step_kind", "toggle_expiring"}

    def __init__(self) -> None:
        super().__init__()
        self.status = ""
        self.kind = ""
        self.expiring = False

    def column_width(self, index: int) -> int:
        if index == 1:  # the status: its longest word in this language
            return min(10, max(cell_len(label(ct.STATUSES, code)) for code in ct.STATUSES))
        if index == 2:
            return min(12, max(cell_len(label(ct.KIND_SHORT, code)) for code in ct.KINDS))
        return super().column_width(index)

    def read_page(self, query: str, after: Any) -> tuple[list, Any, str]:
        offset = int(after or 0)
        page = ct.list_contracts(ct.ContractFilter(
            status=self.status or None, kind=self.kind or None,
            expiring_days=SOON_DAYS if self.expiring else None, text=query),
            limit=self.PAGE, offset=offset)
        parts = [_("Contracts"),
                 label(ct.STATUSES, self.status) if self.status else _("every status"),
                 label(ct.KINDS, self.kind) if self.kind else _("every kind")]
        if self.expiring:
            parts.append(_("ending within {days} days").format(days=SOON_DAYS))
        return list(page.rows), offset + len(page.rows) if page.has_more else None, " · ".join(parts)

    def cells(self, row: Any) -> list[Text | str]:
        r: ct.ContractRow = row
        today = clock_today()
        ends = Text(f"{r.end_date:%Y-%m-%d}")
        if r.status in ct.RUNNING_STATUSES and r.kind in ct.TERM_KINDS and 0 <= r.days_left(today) <= SOON_DAYS:
            ends.stylize("bold red")
        return [r.number, Text(label(ct.STATUSES, r.status), style=STATUS_STYLES.get(r.status, "")),
                label(ct.KIND_SHORT, r.kind), r.party, r.room, ct.money(r.amount), ends]

    def palette_commands(self):
        if ct.may("create"):
            yield (N_("New contract"), _("Parking, housekeeping, renovation or a proposal (Contracts, n)"),
                   self.new_record)
        yield (N_("Contracts ending soon"), _("In force, ending within 30 days (Contracts, d)"),
               self.show_expiring)

    # --- filters -----------------------------------------------------------------------------

    def _reload(self) -> None:
        self.cursors = [None]
        self.load()

    def action_step_status(self) -> None:
        self.status = STATUS_STEPS[(STATUS_STEPS.index(self.status) + 1) % len(STATUS_STEPS)]
        self._reload()

    def action_step_kind(self) -> None:
        self.kind = KIND_STEPS[(KIND_STEPS.index(self.kind) + 1) % len(KIND_STEPS)]
        self._reload()

    def action_toggle_expiring(self) -> None:
        self.expiring = not self.expiring
        self._reload()

    def show_expiring(self) -> None:
        self.expiring = True
        self._reload()

    # --- n, enter ----------------------------------------------------------------------------

    def new_record(self) -> None:
        def saved(view: ct.ContractView | None) -> None:
            if view is not None:
                self.changed(_("{number} drafted: r generates its Word file.").format(number=view.number))
                self.show(view)

        self.app.push_screen(contract_form(self.app.staff.id), saved)

    def open_record(self, row: Any) -> None:
        self.open_contract(row.id)

    @work(thread=True, group="contract-open", exclusive=True, exit_on_error=False)
    def open_contract(self, contract_id: int, note: str = "") -> None:
        try:
            view = ct.get_contract(contract_id)
        except FrontDeskError as exc:
            self.app.call_from_thread(self.refused, exc)
            return
        self.app.call_from_thread(self.show, view, note)

    def show(self, view: ct.ContractView, note: str = "") -> None:
        def chosen(what: str | None) -> None:
            if what == "render":
                self.render_file(view.id)
            elif what == "sign":
                self.sign(view)
            elif what == "terminate":
                self.terminate(view)
            elif what == "lead" and view.lead_id is not None:
                from screens.lead_card import LeadCardScreen

                self.app.push_screen(LeadCardScreen(view.lead_id))

        self.app.push_screen(ContractModal(view, note), chosen)

    def render_file(self, contract_id: int) -> None:
        """Generate the Word file in a worker (a template render and a write: run_write)."""
        staff_id = self.app.staff.id

        def rendered(result: Any) -> None:
            self.load()
            self.notify(_("Wrote {path}").format(path=result.path), markup=False, timeout=10)
            self.open_contract(contract_id, _("Wrote {path}").format(path=result.path))

        self.run_write(lambda: ct.render_contract(contract_id, staff_id), rendered)

    def sign(self, view: ct.ContractView) -> None:
        fields = [FormField("signed_on", _("Signed on"), f"{clock_today():%Y-%m-%d}")]

        def save(values: dict[str, str]) -> ct.ContractView:
            return ct.sign(view.id, self.app.staff.id, parse_date(values["signed_on"], "signed_on"),
                           expected_version=view.version)

        def done(result: ct.ContractView | None) -> None:
            if result is not None:
                self.changed(_("{number}: {status}.").format(number=result.number,
                                                            status=label(ct.STATUSES, result.status)))

        self.app.push_screen(FormModal(_("Signing of {number}").format(number=view.number), fields, save), done)

    def terminate(self, view: ct.ContractView) -> None:
        fields = [FormField("reason", _("Reason"), placeholder=_("业主卖房, 双方协商解除 …"))]

        def save(values: dict[str, str]) -> ct.ContractView:
            return ct.terminate(view.id, self.app.staff.id, values["reason"], expected_version=view.version)

        def done(result: ct.ContractView | None) -> None:
            if result is not None:
                self.changed(_("{number} terminated.").format(number=result.number))

        self.app.push_screen(FormModal(_("Terminate {number}").format(number=view.number), fields, save), done)


class ContractsScreen(DeskScreen):
    """合同管理: the register with its filters; a contract opens in full with its steps."""

    BINDING_SCOPE = "contracts"
    #: The list has the focus when the screen opens (not the filter line above it).
    AUTO_FOCUS = "#contracts-table"
    CSS_PATH = Path(__file__).parent / "contracts.tcss"  # absolute: subclasses elsewhere keep it

    def __init__(self, open_id: int | None = None) -> None:
        # No fixed id: a notification or a lead may open a second one over the first.
        super().__init__()
        self.open_id = open_id

    @property
    def screen_title(self) -> str:
        return _("Contract management")

    @property
    def register(self) -> ContractsList:
        return self.query_one(ContractsList)

    def compose(self) -> ComposeResult:
        yield AppHeader()
        yield ContractsList()
        yield self.footer()

    def on_mount(self) -> None:
        self.register.load()
        self.register.focus_tab()
        if self.open_id is not None:
            self.register.open_contract(self.open_id)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return True

    def on_descendant_focus(self) -> None:
        self.refresh_bindings()

    def on_descendant_blur(self) -> None:
        self.refresh_bindings()

    def refresh_data(self) -> None:
        if self.is_mounted:
            self.register.load()

    def reopened(self) -> None:
        self.register.focus_tab()

    def palette_commands(self):
        yield from self.register.palette_commands()

    @property
    def is_dirty(self) -> bool:
        return isinstance(self.focused, Input) and bool(self.focused.value)


# --- from the work-order screen -------------------------------------------------------------------


def quote_order(screen: DeskScreen, order_id: int) -> None:
    """The work-order screen's `q`: a paid-repair quote (有偿维修报价单) from the order's
    owner-paid cost lines, generated into the export folder at once; the path is shown.
    When the order has a quote already, `q` asks first: open the last one, or make a new
    version from the costs as they are now."""
    app: DeskApp = screen.app

    def run() -> None:
        try:
            made = ct.quotes_of_order(order_id, app.staff.id)
        except FrontDeskError as exc:
            app.call_from_thread(screen.notify, exc.message, severity="error", markup=False, timeout=10)
            return
        if made:
            app.call_from_thread(_ask_quote, screen, order_id, made)
        else:
            app.call_from_thread(_make_quote, screen, order_id)

    screen.run_worker(run, thread=True, group="quote", exit_on_error=False)


def _ask_quote(screen: DeskScreen, order_id: int, made: list[ct.ContractRow]) -> None:
    """The order has quotes already: open the last one, or make a new version."""
    from widgets.picker import PickerModal, PickRow

    last = made[0]
    rows = [
        PickRow((_("Open {number} (version {version}, {amount} yuan, {status})").format(
            number=last.number, version=len(made), amount=ct.money(last.amount),
            status=label(ct.STATUSES, last.status)),), "open"),
        PickRow((_("Make a new version ({version}) from the costs as they are now").format(
            version=len(made) + 1),), "new"),
    ]

    def chosen(what: str | None) -> None:
        if what == "open":
            open_quote(screen, last.id)
        elif what == "new":
            _make_quote(screen, order_id)

    title = _("This order has {count} quote(s) already").format(count=len(made))
    screen.app.push_screen(PickerModal(title, [("", None)], rows), chosen)


def _make_quote(screen: DeskScreen, order_id: int) -> None:
    """Make and render a new quote, in a worker (DeskScreen.run_write: behind another desk
    it says so, leaving gives it up); the path is shown."""
    staff_id = screen.app.staff.id

    def make() -> tuple[ct.ContractView, Any]:
        view = ct.create_quote(order_id, staff_id)
        return view, ct.render_contract(view.id, staff_id)

    def made(got: tuple[ct.ContractView, Any]) -> None:
        view, result = got
        screen.notify(_("Quote {number}: {amount} yuan. Wrote {path}").format(
            number=view.number, amount=ct.money(view.amount), path=result.path), markup=False, timeout=15)
        screen.refresh_data()

    screen.run_write(make, done=made,
                     refused=lambda exc: screen.notify(exc.message, severity="error", markup=False, timeout=10))


def open_quote(screen: DeskScreen, contract_id: int) -> None:
    """An existing quote in full, over the work order: `r` writes its Word file again (a
    write: DeskScreen.run_write); the steps of the register (signing …) open it on the
    contracts screen."""
    app = screen.app
    staff_id = app.staff.id
    try:
        view = ct.get_contract(contract_id, staff_id)
    except FrontDeskError as exc:
        screen.notify(exc.message, severity="error", markup=False, timeout=10)
        return

    def chosen(what: str | None) -> None:
        if what == "render":
            screen.run_write(
                lambda: ct.render_contract(contract_id, staff_id),
                done=lambda result: screen.notify(_("Wrote {path}").format(path=result.path), markup=False,
                                                  timeout=15),
                refused=lambda exc: screen.notify(exc.message, severity="error", markup=False, timeout=10))
        elif what is not None and ct.may("read"):
            app.push_screen(ContractsScreen(open_id=contract_id))

    app.push_screen(ContractModal(view), chosen)


__all__ = ["CONTRACT_ROLES", "ContractModal", "ContractsList", "ContractsScreen", "contract_form",
           "open_quote", "quote_order"]
