"""One work order (工单): its details, history, costs and links, and every action by key;
and `open_new_order`, the new-order form that opens the new order's screen."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any, cast

from rich.cells import cell_len
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Label, Static

from data import access, knowledge, privacy, workorders
from data.clock import now as clock_now
from data.errors import FrontDeskError
from data.hotline import HotlineView
from data.i18n import N_, _
from data.queue import DUE_SOON_HOURS, countdown
from data.renovations import renovation_flag
from data.validators import mask_phone, show_controls
from data.vocab import (
    CHANNELS,
    OPEN_STATUSES,
    PRIORITIES,
    WORK_ORDER_KINDS,
    WORK_ORDER_STATUSES,
    label,
)
from screens import workorder_forms as forms
from screens.audit_trail import show_history
from widgets.app_header import AppHeader
from widgets.bindings import defined_bindings, show_in_footer
from widgets.confirm import ConfirmModal
from widgets.desk import DeskApp, DeskScreen
from widgets.form import FormModal
from widgets.picker import PickerModal, PickRow
from widgets.safe import plain, safe_text
from widgets.saving import PendingWrite, start_write

#: The keys the footer shows for each status, in the order of BINDINGS (the next steps
#: first, then note, priority and cost, which every status allows); keys the signed-in role
#: may not use are never shown (`check_action`). Every key works in every status (a refused
#: step says why), and F1 lists them all.
FOOTER_KEYS = {
    "new": ("assign", "book_visit", "start", "note", "priority", "cost", "cancel_order"),
    "assigned": ("assign", "book_visit", "start", "hold", "note", "priority", "cost", "cancel_order"),
    "in_progress": ("resolve", "hold", "note", "priority", "cost", "assign"),
    "on_hold": ("start", "book_visit", "note", "priority", "cost", "assign", "cancel_order"),
    "resolved": ("callback", "close_order", "reopen", "note", "cost", "tip"),
    "visited": ("close_order", "reopen", "note", "tip"),
    "closed": ("reopen", "note", "tip"),
    "cancelled": ("note",),
}

#: The statuses in which B bills the owner (data.fees.BILLABLE_STATUSES: the work is done).
BILL_STATUSES = ("resolved", "visited", "closed")

#: Actions that need more than "change work orders": the permission of data/access.py the
#: data layer checks for them (assign: dispatch, or reassign when someone holds the order).
ACTION_PERMISSIONS = {
    "cancel_order": "order.cancel",
    "merge": "order.merge",
    "callback": "order.callback",
    "close_order": "order.close",
    "history": "audit.read",
    "hotline_reply": "hotline.reply",
    "quote": "contract.quote",
    "bill_repair": "fees.bill",
    "tip": "kb.write",
    "tips": "kb.read",
}


def open_new_order(screen: Screen, *, then: Callable[[int], Any] | None = None,
                   restore: dict[str, str] | None = None, on_close: Callable[[], Any] | None = None,
                   **prefill: Any) -> FormModal | None:
    """Push the new-order form (prefilled with person_id, room_id, community_id, title,
    description, kind, phone; linked to call_id; see `new_order_form`). When it is saved,
    `then(order_id)` runs if given, else the new work order opens on its own screen.
    `restore` puts a draft's typed values back in; `on_close()` runs once it is closed.

    It lives here, beside the screen it opens, so that the forms module needs nothing of
    this one (no import cycle)."""

    def opened(order_id: int | None) -> None:
        if order_id:
            if then is not None:
                then(order_id)
            else:
                screen.app.push_screen(WorkOrderScreen(order_id))
        if on_close is not None:
            on_close()

    try:
        # cast: a screen's `app` is Textual's App to the type checker; this one is ours.
        form = forms.new_order_form(cast(DeskApp, screen.app).staff.id, **prefill)
    except FrontDeskError as exc:  # the person or room is gone meanwhile
        screen.notify(exc.message, severity="error", markup=False)
        return None
    if restore is not None:
        form.restore(restore)
    screen.app.push_screen(form, opened)
    return form


def _stamp(value: dt.datetime | None, today: dt.date) -> str:
    if value is None:
        return ""
    return value.strftime("%H:%M") if value.date() == today else value.strftime("%m-%d %H:%M")


#: The history's note keeps at least this many cells; the columns before it wrap to leave them.
NOTE_MIN_WIDTH = 20
#: The suggested tips shown under the history (#wo-tips' max-height in workorder.tcss).
TIPS_SHOWN = 3
#: A column made to wrap keeps at least this many cells (three Chinese characters).
WRAP_MIN_WIDTH = 6


def history_widths(headers: Sequence[str], rows: Sequence[Sequence[Text]], width: int) -> list[int]:
    """Column widths of the history table `width` cells wide (cell padding included): each
    column as wide as its widest cell, the note taking what is left. When that leaves the
    note less than NOTE_MIN_WIDTH (60 columns), the status change and then the action are
    narrowed down to WRAP_MIN_WIDTH, their text wrapping in taller rows."""
    widths = [cell_len(h) for h in headers]
    for row in rows:
        for i, cell in enumerate(row[:-1]):
            widths[i] = max(widths[i], cell_len(cell.plain))
    widths = widths[:-1]
    room = width - 2 * len(headers)  # one cell of padding each side of every column
    for i in (3, 2):  # status change, then action
        short = NOTE_MIN_WIDTH - (room - sum(widths))
        if short > 0:
            widths[i] = max(WRAP_MIN_WIDTH, widths[i] - short)
    return [*widths, max(NOTE_MIN_WIDTH, room - sum(widths))]


def deadline_text(due: dt.datetime | None, done: dt.datetime | None, running: bool,
                  at: dt.datetime, done_label: str) -> Text:
    """A deadline with its countdown: red when passed, yellow when due soon, dim when the
    clock is stopped, and when it was met (or missed) once done (`done_label`, with `{due}`
    and `{time}`, says what was done: responded, resolved)."""
    if due is None:
        return Text("—")
    if done is not None:
        late = done > due
        return Text(done_label.format(due=_stamp(due, at.date()), time=_stamp(done, at.date())),
                    style="red" if late else "green")
    text = Text(_stamp(due, at.date()))
    left = countdown(due, at)
    if not running:
        style = "dim"
    elif due < at:
        style = "bold red"
    elif due - at <= dt.timedelta(hours=DUE_SOON_HOURS):
        style = "yellow"
    else:
        style = ""
    text.append(f" ({left})", style=style)
    return text


def hotline_text(h: HotlineView, at: dt.datetime) -> Text:
    """The 12345 line of a work order: the hotline's reference and the reply deadline with
    what is left (red once overdue), or the reply recorded (red when it came late)."""
    text = Text("12345 ", style="bold")
    text.append(h.ref)
    text.append(" · " + _("reply by") + " ")
    if h.replied_at is not None:
        text.append(_("{due} (replied {time} by {name})").format(
            due=_stamp(h.reply_due, at.date()), time=_stamp(h.replied_at, at.date()),
            name=h.replied_by or "—"), style="red" if h.replied_late() else "green")
        return text
    text.append(_stamp(h.reply_due, at.date()))
    left = countdown(h.reply_due, at).lstrip("-")
    if h.reply_overdue(at):
        text.append(" (" + _("overdue {left}").format(left=left) + ")", style="bold red")
    else:
        soon = h.reply_due - at <= dt.timedelta(hours=DUE_SOON_HOURS)
        text.append(" (" + _("{left} left").format(left=left) + ")", style="yellow" if soon else "")
    return text


def _h(hours: float | None) -> str:
    return "—" if hours is None else _("{hours:.1f} h").format(hours=hours)


def stage_rows(view: Any) -> list[PickRow]:
    """The lines of a stage report (data.reports.StageView): the stage now, each stage's
    time, the expected time left, and the category's history in the building."""
    rows = [PickRow((_("Stage now"), f"{view.stage} · {_h(view.in_stage_hours)}"), style="bold")]
    rows += [PickRow(("  " + span.label, _h(span.hours))) for span in view.spans]
    rows.append(PickRow((_("Open for"), _h(view.elapsed_hours))))
    expected = (_("{hours} (median of {n} like orders)").format(hours=_h(view.expected_total_hours),
                                                                 n=view.similar_closed)
                if view.expected_total_hours is not None else _("no like order completed this year"))
    rows.append(PickRow((_("Usually takes"), expected)))
    if view.open:
        rows.append(PickRow((_("Likely left"), _h(view.remaining_hours)), style="bold"))
    rating = "—" if view.building_mean_rating is None else f"{view.building_mean_rating:.1f}/5"
    rows.append(PickRow((_("This building, 1 year"), _("{n} orders · rating {rating} · {repeats} repeat repairs").format(
        n=view.building_orders, rating=rating, repeats=view.building_repeats))))
    return rows


def show_stage_report(screen: Screen, view: Any) -> None:
    screen.app.push_screen(PickerModal(_("Stage report {number}").format(number=view.number),
                                       [(_("Stage"), 22), (_("Time"), 48)], stage_rows(view), selectable=False))


class WorkOrderScreen(DeskScreen):
    """Details, history, costs and links of one work order; a key for every action."""

    BINDING_SCOPE = "workorder"
    CSS_PATH = Path(__file__).parent / "workorder.tcss"  # absolute: subclasses elsewhere keep it
    BINDINGS = [
        Binding("a", "assign", N_("Assign"), tooltip=N_("Dispatch to a technician (the suggestion first)")),
        Binding("b", "book_visit", N_("Visit"), id="workorder.book_visit",
                tooltip=N_("Book or move the on-site visit (上门预约) on the technician's calendar")),
        Binding("s", "start", N_("Start"), tooltip=N_("Start work, or resume it after a hold")),
        Binding("r", "resolve", N_("Resolve"), tooltip=N_("What was done, and its costs")),
        Binding("v", "callback", N_("Callback"), tooltip=N_("The owner's rating and comment")),
        Binding("z,C", "close_order", N_("Close"), tooltip=N_("Close a resolved or called-back order")),
        Binding("p", "hold", N_("Hold"), tooltip=N_("Put on hold with a reason: the SLA clock stops")),
        Binding("n", "note", N_("Note"), tooltip=N_("Add a note to the history")),
        Binding("e", "priority", N_("Priority"), tooltip=N_("Change the priority (deadlines follow)")),
        Binding("c", "cost", N_("Cost"), tooltip=N_("Add a cost line")),
        Binding("o", "reopen", N_("Reopen"), tooltip=N_("Back to work, with a reason")),
        Binding("x", "cancel_order", N_("Void"), tooltip=N_("Void (cancel) the order, with a reason")),
        Binding("m", "merge", N_("Merge/link"), tooltip=N_("Merge into another order, or link them")),
        Binding("y", "hotline_reply", N_("Reply 12345"), id="workorder.hotline_reply",
                tooltip=N_("Record the reply sent to the 12345 hotline (its deadline stops)")),
        # r is Resolve here: R reveals, as it does (besides r) on the owner card and calls.
        Binding("q", "quote", N_("Quote"),
                tooltip=N_("A paid-repair quote (有偿维修报价单) of the owner-paid costs, as a Word file")),
        Binding("B", "bill_repair", N_("Bill owner"), id="workorder.bill_repair",
                tooltip=N_("Bill the owner-paid cost lines to the room (有偿维修): on its fee statement")),
        Binding("R", "reveal", N_("Reveal"), tooltip=N_("Show the contact phone in full (recorded)")),
        Binding("H", "history", N_("History"), tooltip=N_("Who changed what on this order (supervisors)")),
        # 阶段报告 (issue 20): the stage, time in each stage, time likely left, the building's history.
        Binding("g", "stages", N_("Stages"), id="workorder.stages",
                tooltip=N_("Stage report: time in each stage, the time likely left, this category's "
                           "history in the building")),
        # The knowledge base (data.knowledge): a resolved order becomes a tip in one key; the
        # articles suggested for it are listed under the history (K, or tab, then enter).
        Binding("t", "tip", N_("Write tip"), id="workorder.tip",
                tooltip=N_("Turn this resolved order into a knowledge-base tip: its category, title "
                           "and resolution filled in")),
        Binding("K", "tips", N_("Tips"), show=False, id="workorder.tips",
                tooltip=N_("The knowledge-base articles suggested for this order: enter opens one")),
    ]

    class OrderLoaded(Message):
        """The order, its history, costs and links were read."""

        def __init__(self, view: workorders.OrderView, history: list[workorders.HistoryRow],
                     costs: list[workorders.CostView], links: list[tuple[int, str, str, str]],
                     may_call_back: bool = True, tips: list[knowledge.ArticleRow] | None = None) -> None:
            super().__init__()
            self.view, self.history, self.costs, self.links = view, history, costs, links
            self.may_call_back = may_call_back
            self.tips = tips or []

    class TechniciansFound(Message):
        """Suggestions and technicians for the assign picker were read."""

        def __init__(self, suggestions: list, technicians: list[tuple[int, str, str]]) -> None:
            super().__init__()
            self.suggestions, self.technicians = suggestions, technicians

    def __init__(self, order_id: int) -> None:
        super().__init__()
        self._bindings_as_defined = defined_bindings(self)
        self._footer_actions = {b.action for b in self.BINDINGS if isinstance(b, Binding) and b.show}
        self.order_id = order_id
        self.view: workorders.OrderView | None = None
        self.history: list[workorders.HistoryRow] = []
        self._filled_once = False
        self.phone_revealed = False  # R: the contact phone in full (audited)
        #: May the signed-in account record the 回访 and close (data.workorders.may_record_callback:
        #: desk staff and leads who did not work the order)? Until loaded, the keys are off.
        self.may_call_back = False
        #: Does the order have cost lines the owner pays (q quotes them)?
        self.owner_costs = False
        #: The knowledge-base articles suggested for this order (data.knowledge.suggest_for_order).
        self.tips: list[knowledge.ArticleRow] = []

    @property
    def screen_title(self) -> str:
        return _("Work order")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """A step the signed-in role may not take is not offered (nor its key): the same
        permission table the data layer checks (data/access.py). The 回访 and closing also
        not to whoever worked this order (data.workorders.may_record_callback)."""
        if action in ("callback", "close_order") and not self.may_call_back:
            return False
        if action == "hotline_reply" and (self.view is None or self.view.hotline is None):
            return False  # only an order the 12345 hotline forwarded has a reply to record
        if action in ("quote", "bill_repair") and not self.owner_costs:
            return False  # nothing the owner pays: nothing to quote or bill
        if action == "bill_repair" and (self.view is None or self.view.status not in BILL_STATUSES):
            return False  # the work is not done: no bill yet (B is one Shift away from b)
        permission = self._permission(action)
        return permission is None or access.can(permission)

    def _permission(self, action: str) -> str | None:
        if action == "assign":
            return "order.reassign" if self.view is not None and self.view.assignee_id else "order.dispatch"
        permission = ACTION_PERMISSIONS.get(action)
        return permission

    def compose(self) -> ComposeResult:
        yield AppHeader()
        yield Static("", id="wo-details", markup=False)
        yield Label("", id="wo-history-title", markup=False)
        yield DataTable(id="wo-history", cursor_type="row", zebra_stripes=True)
        # One line per suggested article, hidden when there is none (the history keeps the room).
        yield DataTable(id="wo-tips", cursor_type="row", show_header=False)
        yield Static("", id="wo-extra", markup=False)
        yield self.footer()

    def on_mount(self) -> None:
        table = self.query_one("#wo-history", DataTable)
        for header in (_("Time"), _("Who"), _("Action"), _("Status"), _("Note")):
            table.add_column(header)  # sized from the history once it is read (_fill_history)
        table.focus()
        self.query_one("#wo-tips", DataTable).display = False
        self.load()

    def refresh_data(self) -> None:
        """Another session changed something (or we did): read the order again."""
        self.load()

    def palette_commands(self):
        """This screen's actions for the command palette: (title id, help, callback)."""
        yield (N_("New work order"), _("Open a new work order (from the queue: n)"), self.action_new_order)
        for binding in self.BINDINGS:
            if (isinstance(binding, Binding) and binding.show and binding.tooltip
                    and self.check_action(binding.action, ()) is not False):
                yield (binding.description, _(binding.tooltip) + f" ({binding.key.split(',')[0]})",
                       getattr(self, f"action_{binding.action}"))

    # --- loading ---------------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="work-order", exit_on_error=False)
    def load(self) -> None:
        try:
            view = workorders.get_order(self.order_id)
        except FrontDeskError as exc:
            self.app.call_from_thread(self._gone, exc.message)
            return
        tips: list[knowledge.ArticleRow] = []
        if access.can("kb.read", self.staff_id):
            try:
                tips = knowledge.suggest_for_order(self.order_id, staff_id=self.staff_id)
            except FrontDeskError:
                tips = []  # the suggestions are a help: the order shows without them
        self.post_message(self.OrderLoaded(view, workorders.history(self.order_id),
                                           workorders.costs(self.order_id),
                                           workorders.linked_orders(self.order_id),
                                           workorders.may_record_callback(self.order_id, self.staff_id),
                                           tips))

    def _gone(self, message: str) -> None:
        self.notify(message, severity="error", markup=False)
        if self.app.screen is self:
            self.app.pop_screen()

    def on_work_order_screen_order_loaded(self, message: OrderLoaded) -> None:
        self.view = message.view
        self.history = message.history
        self.may_call_back = message.may_call_back
        self.owner_costs = any(c.payer == "owner" for c in message.costs)
        at = clock_now()
        self.query_one("#wo-details", Static).update(safe_text(self._details(message.view, at)))
        self.query_one("#wo-extra", Static).update(safe_text(self._extra(message.costs, message.links)))
        self.query_one("#wo-history-title", Label).update(
            _("History ({count}, oldest first) · enter shows a whole note").format(count=len(message.history)))
        self._show_keys(message.view)
        self._fill_tips(message.tips)
        if self._filled_once:
            self._fill_history(message.history, at)
        else:
            # After the first layout: a DataTable filled before it keeps header-wide
            # columns in a real terminal (seen with Textual 8.2.8, as on the home screen).
            self._filled_once = True
            self.call_after_refresh(self._fill_history, message.history, at)

    def _details(self, v: workorders.OrderView, at: dt.datetime) -> Text:
        today = at.date()
        text = Text()
        text.append(v.number, style="bold")
        text.append("  ")
        text.append(f" {label(WORK_ORDER_STATUSES, v.status)} ", style="reverse bold")
        bits = [label(WORK_ORDER_KINDS, v.kind), v.category, label(PRIORITIES, v.priority),
                label(CHANNELS, v.channel)]
        text.append("  " + " · ".join(b for b in bits if b))
        if v.overdue(at):
            text.append("  ")
            text.append(_("OVERDUE"), style="bold red")
        text.append("\n")
        text.append(v.title, style="bold")
        text.append("\n")
        place = f"{v.community} {v.room}" if v.room else f"{v.community} {v.location}"
        text.append(place.strip())
        if v.person or v.contact_phone:
            phone = v.contact_phone if self.phone_revealed else mask_phone(v.contact_phone) if v.contact_phone else ""
            text.append(" · " + " ".join(b for b in (v.person, phone) if b))
        text.append("\n")
        line = [_("Assignee {name}").format(name=v.assignee or "—"),
                _("created {time} by {name}").format(time=_stamp(v.created_at, today), name=v.created_by)]
        if v.appointment_at:
            line.append(_("appointment {time}").format(time=_stamp(v.appointment_at, today)))
        text.append(" · ".join(line) + "\n")
        running = v.status in workorders.RUNNING_STATUSES
        text.append(_("Respond by") + " ")
        text.append_text(deadline_text(v.response_due, v.responded_at, running, at,
                                       _("{due} (responded {time})")))
        text.append(" · " + _("Resolve by") + " ")
        resolved = v.resolved_at if v.status not in OPEN_STATUSES else None
        text.append_text(deadline_text(v.resolution_due, resolved, running, at, _("{due} (resolved {time})")))
        extra = []
        if v.hold_since:
            extra.append(_("on hold since {time}").format(time=_stamp(v.hold_since, today)))
        if v.escalation_level:
            extra.append(_("escalated to level {level}").format(level=v.escalation_level))
        if v.rating is not None:
            extra.append(_("rated {rating}/5").format(rating=v.rating)
                         + (f" “{v.callback_comment}”" if v.callback_comment else ""))
        if v.merged_into:
            extra.append(_("merged into {number}").format(number=v.merged_into))
        if extra:
            text.append("\n" + " · ".join(extra))
        flag = renovation_flag(self.history)  # a noise complaint about a room under renovation
        if flag:
            text.append("\n" + flag, style="bold yellow")
        if v.hotline is not None:
            text.append("\n")
            text.append_text(hotline_text(v.hotline, at))
        if v.description and v.description.strip() != v.title:
            text.append("\n" + v.description.strip().splitlines()[0], style="italic")
        return text

    def _extra(self, costs: list[workorders.CostView], links: list[tuple[int, str, str, str]]) -> Text:
        text = Text()
        if costs:
            totals: dict[str, Decimal] = {}
            for c in costs:
                totals[c.payer] = totals.get(c.payer, Decimal("0")) + c.amount
            items = "; ".join(f"{c.description} {format(c.quantity.normalize(), 'f')}×{c.unit_price:.2f}"
                              f"={c.amount:.2f}({label(forms.PAYERS, c.payer)})" for c in costs)
            text.append(_("Costs") + ": ", style="bold")
            text.append(items + "\n")
            text.append(_("Total") + ": ", style="bold")
            text.append(" · ".join(f"{label(forms.PAYERS, payer)} {amount:.2f}" for payer, amount in totals.items()))
        if links:
            if costs:
                text.append("\n")
            text.append(_("Linked") + ": ", style="bold")
            text.append("; ".join(f"{number} {title} ({label(WORK_ORDER_STATUSES, status)})"
                                  for _id, number, title, status in links))
        return text

    def _fill_history(self, history: list[workorders.HistoryRow], at: dt.datetime) -> None:
        table = self.query_one("#wo-history", DataTable)
        cursor = table.cursor_row
        at_end = cursor >= table.row_count - 1  # follow new entries unless reading older ones
        rows = []
        for line in history:
            moved = (f"{label(WORK_ORDER_STATUSES, line.from_status)}→{label(WORK_ORDER_STATUSES, line.to_status)}"
                     if line.from_status != line.to_status else "")
            if not line.from_status:
                moved = label(WORK_ORDER_STATUSES, line.to_status)
            rows.append((
                Text(_stamp(line.at, at.date())),
                plain(line.staff),
                Text(label(workorders.ACTION_LABELS, line.action)),
                Text(moved),
                plain(" ".join(line.note.split())),
            ))
        headers = [_("Time"), _("Who"), _("Action"), _("Status"), _("Note")]
        widths = history_widths(headers, rows, (table.size.width or self.app.size.width) - 2)
        table.clear(columns=True)
        for header, width in zip(headers, widths, strict=True):
            table.add_column(header, width=width)
        for row in rows:
            # Rows as tall as their text: an action, status change or note wraps, never cut.
            table.add_row(*row, height=None)
        if history:
            table.move_cursor(row=len(history) - 1 if at_end else min(max(cursor, 0), len(history) - 1))

    def _fill_tips(self, tips: list[knowledge.ArticleRow]) -> None:
        """One line per suggested article: title, category, helpful marks."""
        self.tips = tips
        table = self.query_one("#wo-tips", DataTable)
        cursor = table.cursor_row
        table.clear(columns=True)
        table.add_column("", width=max(20, (table.size.width or self.app.size.width) - 2))
        for tip in tips:
            line = Text(_("Tip") + " ▸ ", style="bold")
            line.append_text(plain(tip.title))
            facts = [tip.category] if tip.category else []
            if tip.helpful:
                facts.append(_("{n} helpful").format(n=tip.helpful))
            if facts:
                line.append_text(plain(" · " + " · ".join(facts), style="dim"))
            table.add_row(line)
        if tips:
            table.move_cursor(row=min(max(cursor, 0), len(tips) - 1))
        elif self.focused is table:
            self.query_one("#wo-history", DataTable).focus()
        # As many lines as tips, set outright: an auto height measured while the table was
        # hidden and empty stayed 0 on the first showing of a new order (its tips unseen
        # until it was opened again).
        table.styles.height = min(len(tips), TIPS_SHOWN) or None
        table.display = bool(tips)
        table.refresh(layout=True)

    def _show_keys(self, v: workorders.OrderView) -> None:
        """Show in the footer the keys the order's status allows now (all keys still work)."""
        shown = set(FOOTER_KEYS.get(v.status, ("note",)))
        if v.hotline is not None and not v.hotline.replied:
            # The reply the hotline waits for, in the footer's room of the cost (c still works).
            shown.add("hotline_reply")
            shown.discard("cost")
        if self.owner_costs:
            shown.add("quote")
            if v.status in BILL_STATUSES:
                shown.add("bill_repair")  # the work is done: the owner's share can be billed
        described = {
            "start": _("Resume") if v.status == "on_hold" else _("Start"),
            "assign": _("Reassign") if v.assignee_id else _("Assign"),
        }
        show_in_footer(self, self._bindings_as_defined, shown, among=self._footer_actions,
                       descriptions=described)

    # --- acting ----------------------------------------------------------------------------

    @property
    def staff_id(self) -> int:
        return self.app.staff.id

    def _refused(self, message: str, *, conflict: bool = False) -> None:
        self.notify(message, severity="error", markup=False, timeout=8)
        if conflict:
            self.refresh_data()

    #: The change `_do` runs, while it runs (widgets.saving), else None.
    _write: PendingWrite | None = None

    def _do(self, act: Callable[[], Any]) -> None:
        """Run one change in a worker (widgets.saving: behind another desk's transaction the
        screen keeps taking keys, and says so after a few seconds; leaving the screen gives
        the change up). A refusal shows the data layer's message, a conflict reloads."""
        if self._write is not None and not self._write.over:
            return  # one change at a time

        def refused(exc: FrontDeskError) -> None:
            self._refused(exc.message, conflict=isinstance(exc, workorders.ConflictError))

        def waiting() -> None:
            self.notify(_("Waiting for another desk… esc gives it up."), severity="warning", markup=False)

        self._write = start_write(self, act, done=lambda _result: self.refresh_data(), refused=refused,
                                  waiting=waiting)

    def on_unmount(self) -> None:
        """Left (escape) while a change still waits for another desk: it is given up."""
        if self._write is not None:
            self._write.cancel()

    def _after_form(self, result: Any) -> None:
        if isinstance(result, forms.Refused):
            self._refused(result.message, conflict=result.conflict)
        elif result is not None:
            self.refresh_data()

    def _not_allowed(self, action: str) -> bool:
        """Refuse at once, with the data layer's wording, an action the status does not allow
        (rather than after the user typed a reason)."""
        v = self.view
        if v is None:
            return True
        message = workorders.refusal(v.number, v.status, action)
        if message:
            self._refused(message)
        return message is not None

    def action_assign(self) -> None:
        if self.view is None or self._not_allowed("reassign" if self.view.assignee_id else "assign"):
            return
        self.find_technicians()

    @work(thread=True, exclusive=True, group="work-order-dispatch", exit_on_error=False)
    def find_technicians(self) -> None:
        from data import dispatch

        try:
            # Every technician (they are few), so that each has a reason beside the name.
            suggestions = dispatch.suggest(self.order_id, limit=100)
        except FrontDeskError as exc:
            self.app.call_from_thread(self._refused, exc.message)
            return
        self.post_message(self.TechniciansFound(suggestions, dispatch.technicians()))

    def on_work_order_screen_technicians_found(self, message: TechniciansFound) -> None:
        v = self.view
        if v is None:
            return
        if v.assignee_id:
            title = _("Reassign {number} (now {name}): ★ is the suggestion").format(
                number=v.number, name=v.assignee or "—")
        else:
            title = _("Assign {number}: ★ is the suggestion").format(number=v.number)

        def picked(staff_id: int | None) -> None:
            if staff_id is None or staff_id == v.assignee_id:
                return
            if v.assignee_id is None:
                self._do(lambda: workorders.assign(v.id, staff_id, self.staff_id, expected_version=v.version))
                return
            guard = forms.order_guard(v)
            self.app.push_screen(forms.reason_form(
                _("Reassign {number}: why?").format(number=v.number),
                lambda reason: workorders.assign(v.id, staff_id, self.staff_id, reason=reason,
                                                 expected_version=guard.version),
                guard=guard), self._after_form)

        self.app.push_screen(forms.technician_picker(message.suggestions, message.technicians, title,
                                                     current=v.assignee_id), picked)

    def action_book_visit(self) -> None:
        """b: book or move the order's visit, checked against the technician's calendar."""
        v = self.view
        if v is None:
            return
        if v.status not in OPEN_STATUSES:
            self._refused(_("Only an open work order takes an appointment."))
            return
        from screens.calendar.booking import anyway

        def booked(result: Any) -> None:
            if isinstance(result, forms.Refused):
                self._after_form(result)
                return
            self.notify(_("Visit booked {start} with {name}: on {name}'s calendar.").format(
                start=f"{result.start:%Y-%m-%d %H:%M}", name=result.technician_name),
                markup=False)
            self.refresh_data()

        self.app.push_screen(forms.visit_form(v, self.staff_id),
                             anyway(self, _("Book anyway?"), booked))

    def action_start(self) -> None:
        v = self.view
        if v is None:
            return
        if v.status == "on_hold":
            # Resuming restarts the SLA clock the hold stopped: asked first, as closing is.
            def confirmed(ok: bool | None) -> None:
                if ok:
                    self._do(lambda: workorders.resume(v.id, self.staff_id, expected_version=v.version))

            self.app.push_screen(ConfirmModal(_("Resume work on {number}?").format(number=v.number)),
                                 confirmed)
        else:
            self._do(lambda: workorders.start(v.id, self.staff_id, expected_version=v.version))

    def action_hold(self) -> None:
        v = self.view
        if v is None or self._not_allowed("hold"):
            return
        guard = forms.order_guard(v)
        self.app.push_screen(forms.reason_form(
            _("Put {number} on hold: waiting for what?").format(number=v.number),
            lambda reason: workorders.hold(v.id, self.staff_id, reason, expected_version=guard.version),
            guard=guard), self._after_form)

    def action_resolve(self) -> None:
        v = self.view
        if v is None or self._not_allowed("resolve"):
            return
        self.app.push_screen(forms.resolve_form(v, self.staff_id, forms.order_guard(v)), self._after_form)

    def action_callback(self) -> None:
        v = self.view
        if v is None or self._not_allowed("callback"):
            return
        self.app.push_screen(forms.callback_form(v, self.staff_id, forms.order_guard(v),
                                                 phone_revealed=self.phone_revealed), self._after_form)

    def action_close_order(self) -> None:
        v = self.view
        if v is None or self._not_allowed("close"):
            return

        def confirmed(ok: bool | None) -> None:
            if ok:
                self._do(lambda: workorders.close(v.id, self.staff_id, expected_version=v.version))

        self.app.push_screen(ConfirmModal(_("Close {number}?").format(number=v.number)), confirmed)

    def action_reopen(self) -> None:
        v = self.view
        if v is None or self._not_allowed("reopen"):
            return
        guard = forms.order_guard(v)
        self.app.push_screen(forms.reason_form(
            _("Reopen {number}: why?").format(number=v.number),
            lambda reason: workorders.reopen(v.id, self.staff_id, reason, expected_version=guard.version),
            guard=guard), self._after_form)

    def action_cancel_order(self) -> None:
        v = self.view
        if v is None or self._not_allowed("cancel"):
            return
        guard = forms.order_guard(v)
        self.app.push_screen(forms.reason_form(
            _("Cancel order {number}: why?").format(number=v.number),
            lambda reason: workorders.cancel(v.id, self.staff_id, reason, expected_version=guard.version),
            guard=guard), self._after_form)

    def action_hotline_reply(self) -> None:
        """y: record the reply sent to the 12345 hotline (once; its deadline stops)."""
        v = self.view
        if v is None or v.hotline is None:
            return
        if v.hotline.replied_at is not None:
            self._refused(_("The reply to the hotline was recorded already ({time}).").format(
                time=f"{v.hotline.replied_at:%Y-%m-%d %H:%M}"))
            return
        self.app.push_screen(forms.hotline_reply_form(v, self.staff_id, forms.order_guard(v)),
                             self._after_form)

    def action_merge(self) -> None:
        if self.view is not None:
            self.app.push_screen(forms.merge_form(self.view, self.staff_id), self._after_form)

    def action_priority(self) -> None:
        v = self.view
        if v is None:
            return
        if v.status not in OPEN_STATUSES:
            self._refused(_("Only an open work order changes priority."))
            return
        guard = forms.order_guard(v)
        self.app.push_screen(forms.priority_form(
            v.priority,
            lambda p: workorders.set_priority(v.id, p, self.staff_id, expected_version=guard.version),
            _("Priority of {number}").format(number=v.number), guard), self._after_form)

    def action_cost(self) -> None:
        if self.view is not None:
            self.app.push_screen(forms.cost_form(self.view, self.staff_id), self._after_form)

    def action_note(self) -> None:
        v = self.view
        if v is None:
            return
        self.app.push_screen(forms.reason_form(
            _("Note on {number}").format(number=v.number),
            lambda text: workorders.add_note(v.id, self.staff_id, text), label_text=_("Note")),
            self._after_form)

    def action_quote(self) -> None:
        """q: the paid-repair quote of the owner-paid costs, written to the export folder."""
        from screens.contracts import quote_order

        if self.view is None or not self.owner_costs or not access.can("contract.quote"):
            return
        quote_order(self, self.order_id)

    def action_bill_repair(self) -> None:
        """B: bill the owner-paid cost lines (有偿维修) to the room once the work is done, after
        a confirmation that shows the amount; a second time is refused."""
        if self.check_action("bill_repair", ()) is False or self.view is None:
            return
        self.bill_repair(self.order_id, self.view.number)

    @work(thread=True, exclusive=True, group="work-order-bill", exit_on_error=False)
    def bill_repair(self, order_id: int, number: str) -> None:
        """The amount for the question (a read); the bill itself is written through run_write."""
        from data import fees

        try:
            fen = fees.repair_amount(order_id, self.staff_id)
        except FrontDeskError as exc:
            self.app.call_from_thread(self._refused, exc.message)
            return
        self.app.call_from_thread(self._confirm_bill, order_id, number, fees.money_text(fen))

    def _confirm_bill(self, order_id: int, number: str, amount: str) -> None:
        from data import fees

        staff_id = self.staff_id

        def billed(bill: Any) -> None:
            self.notify(_("Billed {amount} yuan (有偿维修 {order}): it is on the statement of {room}.").format(
                amount=fees.money_text(bill.amount_fen), order=bill.order, room=bill.room), markup=False,
                timeout=15)

        def answered(ok: bool | None) -> None:
            if ok:  # in a worker (DeskScreen.run_write): behind another desk it says so
                self.run_write(lambda: fees.bill_repair(order_id, staff_id), done=billed,
                               refused=lambda exc: self._refused(exc.message))

        self.app.push_screen(ConfirmModal(_("Bill the owner {amount} yuan (有偿维修 {number})?").format(
            amount=amount, number=number), enter_confirms=False), answered)

    def action_new_order(self) -> None:
        open_new_order(self)

    def action_reveal(self) -> None:
        """R: the contact phone in full, recorded in the audit trail; R again masks it."""
        v = self.view
        if v is None:
            return
        if self.phone_revealed:
            self.phone_revealed = False
        else:
            if not v.contact_phone:
                self.notify(_("This work order has no contact phone."), markup=False)
                return
            order_id, staff_id = v.id, self.staff_id

            def revealed(_number: Any) -> None:
                self.phone_revealed = True
                if self.view is not None:
                    self.query_one("#wo-details", Static).update(safe_text(self._details(self.view, clock_now())))

            # In a worker (DeskScreen.run_write): the reveal is recorded, a write like any other.
            self.run_write(lambda: privacy.reveal_order_phone(order_id, staff_id=staff_id), done=revealed,
                           refused=lambda exc: self._refused(exc.message))
            return
        self.query_one("#wo-details", Static).update(safe_text(self._details(v, clock_now())))

    def action_stages(self) -> None:
        """g: the order's stage report (data.reports.stages), read in a thread."""
        self.read_stages()

    @work(thread=True, exclusive=True, group="work-order-stages", exit_on_error=False)
    def read_stages(self) -> None:
        from data.reports import stage_report

        try:
            view, error = stage_report(self.order_id, staff_id=self.app.staff.id), ""
        except FrontDeskError as exc:
            view, error = None, exc.message
        self.app.call_from_thread(self._show_stages, view, error)

    def _show_stages(self, view: Any, error: str) -> None:
        if view is None:
            self._refused(error)
            return
        show_stage_report(self, view)

    def action_history(self) -> None:
        """H: the order's audit trail (supervisors and above)."""
        v = self.view
        show_history(self, "work_order", self.order_id, v.number if v else f"#{self.order_id}")

    def action_show_note(self) -> None:
        table = self.query_one("#wo-history", DataTable)
        if self.history and 0 <= table.cursor_row < len(self.history):
            line = self.history[table.cursor_row]
            if line.note:
                action = label(workorders.ACTION_LABELS, line.action)
                self.notify(f"{action}: {show_controls(line.note)}", markup=False, timeout=10)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        if event.data_table.id == "wo-tips":
            self.open_tip(event.cursor_row)
            return
        self.action_show_note()

    def open_tip(self, row: int) -> None:
        """The suggested article on that row, on its own screen."""
        if 0 <= row < len(self.tips):
            from screens.knowledge import ArticleScreen

            self.app.push_screen(ArticleScreen(self.tips[row].id))

    def action_tips(self) -> None:
        """K: to the suggested articles (enter opens the highlighted one)."""
        if not self.tips:
            self.notify(_("No knowledge-base article yet for this kind of work order; t writes one "
                          "once it is resolved."), markup=False)
            return
        self.query_one("#wo-tips", DataTable).focus()

    def action_tip(self) -> None:
        """t: the resolved order as a draft tip — the article form, its category, title, problem
        and resolution filled in and the order linked; saved, the article opens."""
        v = self.view
        if v is None:
            return
        try:
            draft = knowledge.draft_from_order(v.id, self.staff_id)
        except FrontDeskError as exc:
            self._refused(exc.message)
            return
        from screens.knowledge import ArticleScreen, article_form

        def saved(article: knowledge.ArticleView | None) -> None:
            if article is not None:
                if article.is_draft:
                    self.notify(_("Tip “{title}” saved as a draft: p publishes it.").format(
                        title=article.title), markup=False)
                else:
                    self.notify(_("Tip “{title}” published.").format(title=article.title), markup=False)
                self.app.push_screen(ArticleScreen(article.id))

        self.app.push_screen(article_form(self.staff_id, prefill=draft,
                                          title=_("Tip from {number}").format(number=v.number)), saved)

    def action_cursor_down(self) -> None:
        self.query_one("#wo-history", DataTable).action_cursor_down()

    def action_cursor_up(self) -> None:
        self.query_one("#wo-history", DataTable).action_cursor_up()
