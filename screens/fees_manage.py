"""收费管理 (issue 18 items 1, 3, 7, 9): the supervisors' fees screen — 抄表 (a period's meter
readings of a community, how many rooms still lack one, `r` records one), 滞纳金 (the
community's late-fee terms, `l` turns them on or off), 佣金 (a month's commission statements,
`enter` shows the lines, `a` approves) and 维修资金 (the fund requests; `enter` opens one:
its rooms and ballots, `v` records a ballot, `x` closes the vote, `u` records the use).
`c` steps through the communities, `m` sets the month of the tab shown, 1–4 switch tabs.
Every write is one data/ function; a refused form stays open with what was typed."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.widgets import DataTable, Label, Static, TabbedContent, TabPane

from data import access, fees
from data.clock import today
from data.errors import FrontDeskError
from data.fees import commissions as cm
from data.fees import fund
from data.fees.values import add_months
from data.i18n import N_, _
from data.lookup import find_room
from data.property.communities import list_communities
from data.validators import parse_date
from widgets.app_header import AppHeader
from widgets.confirm import ConfirmModal
from widgets.desk import DeskScreen
from widgets.form import FormField, FormModal
from widgets.safe import plain, safe_text
from widgets.tables import fill_table

#: Who opens 收费管理: whoever may set fee items and standards (the leads, data.access).
MANAGE_ROLES = access.RULES["fees.manage"][0]
TABS = ("readings", "late", "commissions", "fund")
BALLOTS = (("yes", "同意"), ("no", "反对"), ("abstain", "弃权"))


def month_of(day: Any) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def yuan(fen: int | None) -> str:
    return fees.money_text(fen or 0)


@dataclass(frozen=True)
class Snapshot:
    """What the four tabs show for one community and month."""

    readings: list[fees.ReadingRow]
    missing: int
    late: fees.LateFeeTerms | None
    statements: list[cm.StatementView] | None  # None: the role does not see commissions
    requests: list[fund.FundRequestView]


def reading_form(community_id: int, community: str, period: str, staff_id: int) -> FormModal:
    """`r`: a room's reading of a metered item for a period (抄表)."""
    items = [(i.name, i.name) for i in fees.list_items(community_id, staff_id) if i.basis == "meter" and i.active]
    fields = [
        FormField("room", _("Room"), placeholder=_("the room, such as 3-2-501")),
        FormField("item", _("Item"), items[0][1] if items else "", kind="select", options=items),
        FormField("period", _("Month"), period, placeholder="2027-01"),
        FormField("reading", _("Reading"), placeholder=_("what the meter shows, such as 1234.5")),
        FormField("change", _("Meter change"), "no", kind="select",
                  options=[(_("No"), "no"), (_("Yes: a new meter, starting at 0"), "yes")]),
        FormField("note", _("Why (meter change)"), placeholder=_("needed for a meter change: what happened")),
    ]

    def save(values: dict[str, str]) -> fees.ReadingRow:
        room_id = find_room(values["room"], community, option="room")[1]
        return fees.record_reading(room_id, values["item"], values["period"], values["reading"],
                                   values["change"] == "yes", staff_id, values.get("note", ""))

    return FormModal(_("Meter reading in {community}").format(community=community), fields, save,
                     save_label=_("Record"))


def late_fee_form(community_id: int, community: str, terms: fees.LateFeeTerms | None, staff_id: int) -> FormModal:
    """`l`: turn the community's late fees on (a daily rate from a day) or off (no rate)."""
    fields = [
        FormField("rate", _("Daily rate"), terms.rate_text if terms else "",
                  placeholder=_("such as 0.0005; empty turns late fees off")),
        FormField("from", _("From"), (terms.starts_on if terms else today()).isoformat(), placeholder="2027-01-01"),
    ]

    def save(values: dict[str, str]) -> Any:
        rate = values["rate"].strip() or None
        day = parse_date(values["from"], "from") if rate else None
        return fees.set_late_fee(community_id, rate, day, staff_id) or False

    return FormModal(_("Late fees in {community}").format(community=community), fields, save, save_label=_("Save"))


def late_text(terms: fees.LateFeeTerms | None, community: str) -> Text:
    text = Text(community + "  ", style="bold")
    if terms is None:
        text.append(_("Late fees are off."))
    else:
        text.append(_("Late fees of {rate} a day on what is overdue, from {day}.").format(
            rate=terms.rate_text, day=terms.starts_on.isoformat()), style="bold yellow")
    text.append("\n" + _("l: turn them on or off (supervisors)."), style="dim")
    return safe_text(text)


def statement_lines_text(view: cm.StatementView) -> Text:
    """The lines of a commission statement, under the list."""
    text = Text(f"{view.staff} {view.month}: ", style="bold")
    if view.status == "approved":
        text.append(_("approved by {name} on {when}").format(
            name=view.approved_by, when=f"{view.approved_at:%Y-%m-%d %H:%M}" if view.approved_at else ""))
    else:
        text.append(_("draft, as computed now"))
    for line in view.lines[:4]:
        text.append(f"\n  {cm.SOURCE_ZH.get(line.source, line.source)} {line.ref} {line.note[:20]}  "
                    f"{yuan(line.base_fen)} × {line.percent}% = {yuan(line.amount_fen)}")
    if len(view.lines) > 4:
        text.append("\n  " + _("… and {n} more lines").format(n=len(view.lines) - 4), style="dim")
    if not view.lines:
        text.append("\n  " + _("no lines"), style="dim")
    return safe_text(text)  # names and line notes are stored text


def vote_text(count: dict | None) -> str:
    """The figures of a closed vote: who took part, who agreed, and the outcome."""
    if not count:
        return ""
    return _("Took part: {va}/{ta} m², {vh}/{th} owners · agreed: {ya} m², {yh} owners · {result}").format(
        va=count["voted_area"], ta=count["total_area"], vh=count["voted_heads"], th=count["total_heads"],
        ya=count["yes_area"], yh=count["yes_heads"],
        result=_("approved") if count["approved"] else
        (_("rejected") if count["quorum"] else _("rejected: too few took part")))


class FeesManageScreen(DeskScreen):
    """收费管理: meter readings, late fees, commissions and the maintenance fund of a community."""

    BINDING_SCOPE = "fees_manage"
    CSS_PATH = Path(__file__).parent / "fees_manage.tcss"
    BINDINGS = [
        Binding("c", "step_community", N_("Community"), tooltip=N_("The next community")),
        Binding("m", "month", N_("Month"), tooltip=N_("The month of the readings or the commissions")),
        Binding("r", "read", N_("Reading"), tooltip=N_("Record a room's meter reading (抄表)")),
        Binding("d", "delete_reading", N_("Delete reading"),
                tooltip=N_("Delete the highlighted meter reading, while it is not billed (supervisors)")),
        Binding("l", "late_fee", N_("Late fees"), tooltip=N_("Turn the community's late fees on or off")),
        Binding("a", "approve", N_("Approve"), tooltip=N_("Approve the highlighted commission statement")),
        Binding("1", "show_tab('readings')", N_("Readings"), show=False),
        Binding("2", "show_tab('late')", N_("Late fees"), show=False),
        Binding("3", "show_tab('commissions')", N_("Commissions"), show=False),
        Binding("4", "show_tab('fund')", N_("Fund"), show=False),
    ]

    class Loaded(Message):
        def __init__(self, snap: Snapshot) -> None:
            super().__init__()
            self.snap = snap

    def __init__(self) -> None:
        super().__init__()
        self.communities: list[tuple[int, str]] = []
        self.community: tuple[int, str] | None = None
        self.period = month_of(today())
        self.month = month_of(add_months(today().replace(day=1), -1))  # approvals need a finished month
        self.snap: Snapshot | None = None

    @property
    def screen_title(self) -> str:
        return _("Fees management")

    def compose(self) -> ComposeResult:
        yield AppHeader()
        yield Label("", id="manage-status", markup=False)
        with TabbedContent(id="manage-tabs"):
            with TabPane(_("Readings"), id="readings"):
                yield Label("", id="readings-summary", markup=False)
                yield DataTable(id="readings-table", cursor_type="row", zebra_stripes=True)
            with TabPane(_("Late fees"), id="late"):
                yield Static("", id="late-terms", markup=False)
            with TabPane(_("Commissions"), id="commissions"):
                yield DataTable(id="commissions-table", cursor_type="row", zebra_stripes=True)
                yield Static("", id="commission-lines", markup=False)
            with TabPane(_("Fund"), id="fund"):
                yield DataTable(id="fund-table", cursor_type="row", zebra_stripes=True)
        yield self.footer()

    def on_mount(self) -> None:
        self.load()

    def refresh_data(self) -> None:
        if self.is_mounted:
            self.load()

    @property
    def tab(self) -> str:
        return self.query_one("#manage-tabs", TabbedContent).active or "readings"

    @work(thread=True, exclusive=True, group="fees-manage", exit_on_error=False)
    def load(self) -> None:
        me = self.app.staff.id
        try:
            if not self.communities:
                self.communities = [(c.id, c.name) for c in list_communities()]
                self.community = self.communities[0] if self.communities else None
            if self.community is None:
                return
            cid = self.community[0]
            snap = Snapshot(fees.readings(self.period, community_id=cid, staff_id=me),
                            fees.missing_readings(cid, self.period, me), fees.late_fee_terms(cid),
                            cm.statements(self.month, staff_id=me) if access.can("fees.commissions") else None,
                            fund.fund_requests(cid, staff_id=me))
        except FrontDeskError as exc:
            self.app.call_from_thread(self.notify, exc.message, severity="error", markup=False, timeout=10)
            return
        self.post_message(self.Loaded(snap))

    def on_fees_manage_screen_loaded(self, message: Loaded) -> None:
        snap = self.snap = message.snap
        name = self.community[1] if self.community else ""
        self.query_one("#manage-status", Label).update(plain(
            _("{community} · readings {period} · commissions {month}").format(
                community=name, period=self.period, month=self.month)))
        summary = _("{n} readings for {period}").format(n=len(snap.readings), period=self.period)
        if snap.missing:
            summary += " · " + _("{n} rooms read before have no reading yet").format(n=snap.missing)
        self.query_one("#readings-summary", Label).update(plain(summary))
        fill_table(self.query_one("#readings-table", DataTable),
                   (_("Room"), _("Item"), _("Reading"), _("Used"), _("By")),
                   [(plain(r.room), plain(r.item), Text(str(r.reading), justify="right"),
                     Text(str(r.consumption) + (" " + _("new meter") if r.meter_change else ""), justify="right"),
                     plain(r.staff)) for r in snap.readings])
        self.query_one("#late-terms", Static).update(late_text(snap.late, name))
        fill_table(self.query_one("#commissions-table", DataTable),
                   (_("Staff"), _("Total"), _("State"), _("Approved")),
                   [(plain(s.staff), Text(yuan(s.total_fen), justify="right"),
                     Text(cm.STATUS_ZH.get(s.status, s.status), style="green" if s.status == "approved" else ""),
                     plain(f"{s.approved_by} {s.approved_at:%m-%d %H:%M}" if s.approved_at else ""))
                    for s in snap.statements or []])
        self._show_statement(None)
        fill_table(self.query_one("#fund-table", DataTable),
                   ("#", _("Project"), _("Budget"), _("State"), _("Ballots")),
                   [(Text(str(r.id)), plain(r.project), Text(yuan(r.budget_fen), justify="right"),
                     Text(r.status_text), Text(f"{sum(1 for _c, b in r.rooms if b)}/{len(r.rooms)}"))
                    for r in snap.requests])

    # --- keys ------------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "read":
            return self.tab == "readings" and access.can("fees.pay")
        if action == "delete_reading":
            return self.tab == "readings" and access.can("fees.manage")
        if action == "late_fee":
            return self.tab == "late" and access.can("fees.manage")
        if action == "approve":
            return self.tab == "commissions" and access.can("fees.commissions.approve")
        if action == "month":
            return self.tab in ("readings", "commissions")
        return True

    def on_tabbed_content_tab_activated(self, event: TabbedContent.TabActivated) -> None:
        self.refresh_bindings()
        table = {"readings": "#readings-table", "commissions": "#commissions-table", "fund": "#fund-table"}.get(
            self.tab)
        if table:
            self.query_one(table, DataTable).focus()

    def action_show_tab(self, tab: str) -> None:
        self.query_one("#manage-tabs", TabbedContent).active = tab

    def action_step_community(self) -> None:
        if not self.communities or self.community is None:
            return
        index = self.communities.index(self.community)
        self.community = self.communities[(index + 1) % len(self.communities)]
        self.load()

    def action_month(self) -> None:
        commissions = self.tab == "commissions"
        current = self.month if commissions else self.period

        def chosen(month: str | None) -> None:
            if month:
                if commissions:
                    self.month = month
                else:
                    self.period = month
                self.load()

        form = FormModal(_("Which month"), [FormField("month", _("Month"), current, placeholder="2027-01")],
                         lambda v: fees.parse_period(v["month"], "month"))
        self.app.push_screen(form, chosen)

    def action_read(self) -> None:
        if self.community is None:
            return

        def saved(row: fees.ReadingRow | None) -> None:
            if row is not None:
                self.notify(_("{room} {item} {period}: {reading} stored ({used} used).").format(
                    room=row.room, item=row.item, period=row.period, reading=row.reading, used=row.consumption),
                    markup=False)
                self.load()

        self.app.push_screen(reading_form(self.community[0], self.community[1], self.period, self.app.staff.id),
                             saved)

    def _reading(self) -> fees.ReadingRow | None:
        rows = self.snap.readings if self.snap is not None else None
        cursor = self.query_one("#readings-table", DataTable).cursor_row
        return rows[cursor] if rows and 0 <= cursor < len(rows) else None

    def action_delete_reading(self) -> None:
        """d: delete the highlighted reading (a mistyped one) after a confirmation; the data
        layer refuses it once its bill is issued or a later reading follows."""
        row = self._reading()
        if row is None or self.community is None:
            return

        def answered(ok: bool | None) -> None:
            if ok:
                self.delete_reading(row)

        self.app.push_screen(ConfirmModal(_("Delete the reading {reading} of {room} {item} for {period}?").format(
            reading=row.reading, room=row.room, item=row.item, period=row.period)), answered)

    def delete_reading(self, row: fees.ReadingRow) -> None:
        """In a worker (DeskScreen.run_write: behind another desk it says so, leaving gives it up)."""
        community_id, staff_id = (self.community[0] if self.community else 0), self.app.staff.id

        def delete() -> fees.ReadingRow:
            item = fees.find_item(community_id, row.item).id
            return fees.delete_reading(row.room_id, item, row.period, staff_id)

        def deleted(gone: fees.ReadingRow) -> None:
            self.notify(_("{room} {item} {period}: the reading {reading} is deleted.").format(
                room=gone.room, item=gone.item, period=gone.period, reading=gone.reading), markup=False)
            self.load()

        self.run_write(delete, done=deleted, refused=self._write_refused)

    def _write_refused(self, exc: FrontDeskError) -> None:
        self.notify(exc.message, severity="error", markup=False, timeout=10)

    def action_late_fee(self) -> None:
        if self.community is None or self.snap is None:
            return

        def saved(terms: Any) -> None:
            if terms is None:
                return  # cancelled
            self.notify(_("Late fees are off.") if terms is False else _("Late fees of {rate} a day from {day}.")
                        .format(rate=terms.rate_text, day=terms.starts_on.isoformat()), markup=False)
            self.load()

        self.app.push_screen(late_fee_form(self.community[0], self.community[1], self.snap.late, self.app.staff.id),
                             saved)

    def _statement(self) -> cm.StatementView | None:
        rows = self.snap.statements if self.snap is not None else None
        cursor = self.query_one("#commissions-table", DataTable).cursor_row
        return rows[cursor] if rows and 0 <= cursor < len(rows) else None

    def _show_statement(self, view: cm.StatementView | None) -> None:
        self.query_one("#commission-lines", Static).update(statement_lines_text(view) if view else "")

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        if event.data_table.id == "commissions-table":
            self._show_statement(self._statement())
        elif event.data_table.id == "fund-table" and self.snap is not None:
            rows = self.snap.requests
            if 0 <= event.cursor_row < len(rows):
                self.app.push_screen(FundRequestScreen(rows[event.cursor_row].id, self.community[1]
                                                       if self.community else ""))

    def action_approve(self) -> None:
        view = self._statement()
        if view is None:
            return
        if view.status == "approved":
            self.notify(_("{name}'s statement for {month} is already approved.").format(
                name=view.staff, month=view.month), markup=False)
            return

        def answered(ok: bool | None) -> None:
            if ok:
                self.approve(view.staff_id, view.month)

        self.app.push_screen(ConfirmModal(_("Approve {name}'s commissions for {month}: {amount} yuan? "
                                            "An approved month does not change.").format(
            name=view.staff, month=view.month, amount=yuan(view.total_fen))), answered)

    def approve(self, who: int, month: str) -> None:
        staff_id = self.app.staff.id

        def approved(view: cm.StatementView) -> None:
            self.notify(_("{name}'s commissions for {month} approved: {amount} yuan.").format(
                name=view.staff, month=view.month, amount=yuan(view.total_fen)), markup=False)
            self.load()

        self.run_write(lambda: cm.approve(month, who, staff_id), done=approved, refused=self._write_refused)


class FundRequestScreen(DeskScreen):
    """A request to use the maintenance fund: its rooms and ballots, the vote and its use."""

    BINDING_SCOPE = "fees_fund"
    CSS_PATH = Path(__file__).parent / "fees_manage.tcss"
    BINDINGS = [
        Binding("o", "open_vote", N_("Open vote"), tooltip=N_("Put the draft request to the owners' vote")),
        Binding("v", "ballot", N_("Ballot"), tooltip=N_("Record the highlighted room's ballot")),
        Binding("x", "close_vote", N_("Close vote"), tooltip=N_("Count the ballots and close the vote")),
        Binding("u", "use", N_("Use"), tooltip=N_("Record what the approved project used")),
        Binding("escape", "app.pop_screen", N_("Back")),
    ]

    class Loaded(Message):
        def __init__(self, view: fund.FundRequestView) -> None:
            super().__init__()
            self.view = view

    def __init__(self, request_id: int, community: str) -> None:
        super().__init__()
        self.request_id = request_id
        self.community = community
        self.view: fund.FundRequestView | None = None

    @property
    def screen_title(self) -> str:
        return _("Maintenance fund request")

    def compose(self) -> ComposeResult:
        yield AppHeader()
        yield Static("", id="fund-request", markup=False)
        yield DataTable(id="fund-rooms", cursor_type="row", zebra_stripes=True)
        yield self.footer()

    def on_mount(self) -> None:
        self.query_one("#fund-rooms", DataTable).focus()
        self.load()

    def refresh_data(self) -> None:
        if self.is_mounted:
            self.load()

    @work(thread=True, exclusive=True, group="fees-fund", exit_on_error=False)
    def load(self) -> None:
        try:
            view = fund.get_request(self.request_id, self.app.staff.id)
        except FrontDeskError as exc:
            self.app.call_from_thread(self.notify, exc.message, severity="error", markup=False, timeout=10)
            return
        self.post_message(self.Loaded(view))

    def on_fund_request_screen_loaded(self, message: Loaded) -> None:
        v = self.view = message.view
        text = Text(f"#{v.id} {v.project}  ", style="bold")
        text.append(f"{v.status_text}  " + _("budget {amount} yuan").format(amount=yuan(v.budget_fen)))
        text.append(f"\n{v.community} · {v.scope}\n{v.reason[:150]}")
        if v.count:
            text.append("\n" + vote_text(v.count), style="bold")
        if v.used_fen is not None:
            text.append("\n" + _("Used {amount} yuan on {day}.").format(
                amount=yuan(v.used_fen), day=v.used_on.isoformat() if v.used_on else ""))
        self.query_one("#fund-request", Static).update(safe_text(text))  # project, reason: stored text
        fill_table(self.query_one("#fund-rooms", DataTable), (_("Room"), _("Ballot")),
                   [(plain(code), Text(dict(BALLOTS).get(ballot, "—"))) for code, ballot in v.rooms])
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        wanted = {"open_vote": "draft", "ballot": "voting", "close_vote": "voting", "use": "approved"}
        if action in wanted:
            return self.view is not None and self.view.status == wanted[action] and access.can("fees.fund")
        return True

    def _room(self) -> str | None:
        if self.view is None:
            return None
        cursor = self.query_one("#fund-rooms", DataTable).cursor_row
        return self.view.rooms[cursor][0] if 0 <= cursor < len(self.view.rooms) else None

    def run(self, step: str) -> None:
        """The vote opened or closed, in a worker (DeskScreen.run_write)."""
        me, request_id = self.app.staff.id, self.request_id

        def write() -> str:
            if step == "open":
                fund.open_vote(request_id, me)
                return _("The vote is open.")
            _view, count = fund.close_vote(request_id, me)
            return vote_text(count.as_json())

        def finished(said: str) -> None:
            self.notify(said, markup=False, timeout=15)
            self.load()

        self.run_write(write, done=finished, refused=lambda exc: self.notify(
            exc.message, severity="error", markup=False, timeout=10))

    def _confirmed(self, step: str) -> Callable[[bool | None], None]:
        def answered(ok: bool | None) -> None:
            if ok:
                self.run(step)
        return answered

    def action_open_vote(self) -> None:
        self.app.push_screen(ConfirmModal(_("Put this request to the owners' vote?")), self._confirmed("open"))

    def action_close_vote(self) -> None:
        self.app.push_screen(ConfirmModal(_("Close the vote and count the ballots? No ballot can be "
                                            "recorded afterwards.")), self._confirmed("close"))

    def action_ballot(self) -> None:
        code = self._room()
        if code is None:
            return
        me, community = self.app.staff.id, self.community

        def save(values: dict[str, str]) -> fund.FundRequestView:
            room_id = find_room(code, community or None, option="room")[1]
            return fund.cast_ballot(self.request_id, room_id, values["ballot"], me)

        form = FormModal(_("Ballot of {room}").format(room=code),
                         [FormField("ballot", _("Ballot"), "yes", kind="select",
                                    options=[(zh, c) for c, zh in BALLOTS])], save, save_label=_("Record"))
        def saved(view: fund.FundRequestView | None) -> None:
            if view is not None:
                self.load()

        self.app.push_screen(form, saved)

    def action_use(self) -> None:
        me = self.app.staff.id
        v = self.view
        fields = [FormField("amount", _("Amount used"), yuan(v.budget_fen) if v else "", placeholder=_("yuan")),
                  FormField("date", _("Day"), today().isoformat(), placeholder="2027-01-31")]

        def save(values: dict[str, str]) -> fund.FundRequestView:
            return fund.record_use(self.request_id, values["amount"], parse_date(values["date"], "date"), me)

        def saved(view: fund.FundRequestView | None) -> None:
            if view is not None:
                self.notify(_("Used {amount} yuan on {day}.").format(
                    amount=yuan(view.used_fen), day=view.used_on.isoformat() if view.used_on else ""), markup=False)
                self.load()

        self.app.push_screen(FormModal(_("What the project used"), fields, save, save_label=_("Record")), saved)


__all__ = ["MANAGE_ROLES", "FeesManageScreen", "FundRequestScreen", "vote_text"]
