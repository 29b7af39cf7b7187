"""装修 tab of the registers screen: renovation permits, the latest application first, with
today's permitted hours and whether works may go on right now. `n` registers an owner's
application (the room's owner filled in), `s` steps the status shown, `enter` opens the
permit — its history and inspections — with the steps its status allows for the role:
approve or reject, the deposit taken, the rules acknowledged, the works started, an
inspection (a violation opens a work order, named), the works finished, the acceptance,
the deposit refunded, the application withdrawn. A step refused says why where it was
asked, and nothing typed is lost."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any, ClassVar

from rich.cells import cell_len
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Input, Label, Static

from data import registers as reg
from data import renovations as rn
from data.clock import now as clock_now
from data.clock import today as clock_today
from data.errors import FrontDeskError, ValidationError
from data.i18n import N_, _
from data.registers.common import resolve_one_room
from data.validators import parse_date
from data.vocab import label
from screens.registers.tab import Code, RecordModal, RegisterTab, action_bindings
from screens.room_question import RoomAsker
from widgets.form import FormField, FormModal
from widgets.safe import plain, safe_text

#: The status filter `s` steps through ("" = every permit).
STATUS_STEPS = ("", *rn.STATUSES)
#: How a status looks in the list.
STATUS_STYLES = {"applied": "bold yellow", "approved": "cyan", "in_progress": "bold green",
                 "awaiting_acceptance": "yellow", "accepted": "green", "refunded": "dim",
                 "rejected": "red", "cancelled": "dim strike"}
#: The list's shorter words for the statuses whose labels do not fit its column in English
#: (the Chinese are the labels' own: 施工中, 待验收, 押金已退).
STATUS_SHORT = {"in_progress": N_("Underway"), "awaiting_acceptance": N_("To accept"),
                "refunded": N_("Deposit back")}


def status_word(status: str) -> str:
    """A status as the list shows it: its short word where it has one, else its label."""
    return _(STATUS_SHORT[status]) if status in STATUS_SHORT else label(rn.STATUSES, status)
#: How an inspection's result looks.
RESULT_STYLES = {"ok": "green", "warning": "yellow", "violation": "bold red"}
#: The kinds of day, as the hours line says them.
DAY_WORDS = {rn.WORKING_DAY: N_("working day"), rn.REST_DAY: N_("rest day"),
             rn.PUBLIC_HOLIDAY: N_("public holiday")}
#: The steps a key in the permit takes at once; the others ask a form first.
AT_ONCE = ("approve", "rules", "start", "finish")


def compact_hours(windows: tuple[tuple[dt.time, dt.time], ...]) -> str:
    """Windows as a narrow column shows them: "8-12,14-18" ("8:30-11:30" when the minutes
    count); "—" for none."""
    def hm(value: dt.time) -> str:
        if value == dt.time.max:
            return "24"
        return f"{value.hour}" if value.minute == 0 else f"{value.hour}:{value.minute:02d}"

    return ",".join(f"{hm(b)}-{hm(e)}" for b, e in windows) or "—"


def hours_line(today: rn.HoursToday) -> str:
    """What today's hours are under a permit, and whether works may go on now."""
    day = _(DAY_WORDS[today.kind])
    hours = "、".join(rn.format_hours((w,)) for w in today.windows) or _("no works permitted")
    text = _("{day}: {hours}").format(day=day, hours=hours)
    if today.active:
        text += " · " + (_("works permitted now") if today.permitted_now else _("no works now"))
    return text


@dataclass(frozen=True)
class PermitLine:
    """A permit in the list with today's hours (read in the worker: the holiday calendar)."""

    row: rn.RenovationRow
    today: rn.HoursToday

    @property
    def id(self) -> int:
        return self.row.id


# --- n: a new application ----------------------------------------------------------------------


def _workers(text: str) -> list[rn.WorkerInput]:
    """"王师傅,13700137000,123X；李师傅 13900139000": workers separated by ；or a new line,
    each a name, a phone and the ID number's last 4 (commas, else spaces, between)."""
    out = []
    for part in re.split(r"[;；\n]+", text or ""):
        part = part.strip()
        if not part:
            continue
        bits = [b.strip() for b in re.split(r"[,，、]" if re.search(r"[,，、]", part) else r"\s+", part, maxsplit=2)]
        bits += [""] * (3 - len(bits))
        out.append(rn.WorkerInput(name=bits[0], phone=bits[1], id_tail=bits[2]))
    return out


class ApplicationForm(FormModal):
    """The application form: leaving the room field fills the owner (the applicant) from
    the room's owners, and says whom it found."""

    def __init__(self, *args: Any, asker: RoomAsker, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.asker = asker
        self._looked_up: set[tuple[str, str]] = set()

    @on(Input.Blurred)
    def _room_left(self, event: Input.Blurred) -> None:
        if (event.input.id or "") != "field-room":
            return
        values = self.values()
        text, community = values["room"].strip(), values["community"].strip()
        if not text or (text, community) in self._looked_up:
            return
        self._looked_up.add((text, community))
        picked = self.asker.chosen(text, community)
        try:
            room = resolve_one_room(text, community or None, picked.id if picked else None)
            owners = reg.room_owners(room.id)
        except FrontDeskError:
            return  # said when the form is saved
        message = self.query_one("#form-message", Label)
        if not owners:
            message.update(plain(_("{room} has no owner on record: register the owner first (a "
                                   "renovation is applied for by the owner).").format(room=room.label)))
            return
        if not values["applicant"].strip():
            self._set_value("applicant", owners[0].name)
        message.update(plain(_("Owner of {room}: {names}.").format(
            room=room.label, names="、".join(o.name for o in owners))))


def application_form(staff_id: int) -> ApplicationForm:
    """`n`: the owner's application (装修申请)."""
    today = clock_today()
    fields = [
        FormField("community", _("Community"), placeholder=_("needed when the room code is in several communities")),
        FormField("room", _("Room"), placeholder="3-2-501"),
        FormField("applicant", _("Owner"), placeholder=_("filled from the room's owner")),
        FormField("contractor", _("Contractor"), placeholder=_("美家装饰工程有限公司")),
        FormField("contractor_phone", _("Phone"), placeholder=_("the contractor's, such as 021-5555 1234")),
        FormField("workers", _("Workers"), placeholder=_("王师傅,13700137000,123X；李师傅,…")),
        FormField("scope", _("Works"), placeholder=_("厨卫翻新、水电改造 …")),
        FormField("start_date", _("From"), f"{today:%Y-%m-%d}"),
        # An example, said to be one: a bare date in grey reads as a value already there.
        FormField("end_date", _("Until"), placeholder=_("such as {date} (the last day of the works)").format(
            date=f"{today + dt.timedelta(days=60):%Y-%m-%d}")),
        FormField("workday_hours", _("Working days"), rn.DEFAULT_WORKDAY_HOURS,
                  help=_("the permitted hours; never on public holidays")),
        FormField("rest_day_hours", _("Rest days"), placeholder=_("none (empty), or 09:00-12:00")),
        FormField("deposit", _("Deposit"), placeholder=_("e.g. 2000 (yuan; 0 when none; required)")),
    ]
    asker = RoomAsker()

    def save(values: dict[str, str]) -> rn.RenovationView:
        picked = asker.chosen(values["room"], values["community"])
        if picked is None and values["room"].strip():
            match = reg.room_match(values["room"], values["community"] or None)
            if len(match.candidates) > 1:
                asker.ask(values["room"], match)
        room = resolve_one_room(values["room"], values["community"] or None,
                                    picked.id if picked else None)
        applicant_id = None
        typed = " ".join(values["applicant"].split())
        if typed:
            owners = reg.room_owners(room.id)
            chosen = [o for o in owners if o.name == typed] or [o for o in owners if typed in o.name]
            if not chosen:
                raise ValidationError("applicant", _(
                    "{name} is not an owner of {room}: a renovation is applied for by the owner ({owners}).")
                    .format(name=typed, room=room.label,
                            owners="、".join(o.name for o in owners) or _("none on record")))
            applicant_id = chosen[0].person_id
        start = parse_date(values["start_date"], "start_date")
        end = parse_date(values["end_date"], "end_date")
        if start is None:
            raise ValidationError("start_date", _("Give the first day of the works."))
        if end is None:
            raise ValidationError("end_date", _("Give the last day of the works."))
        return rn.register(rn.RenovationInput(
            room_id=room.id, contractor=values["contractor"], contractor_phone=values["contractor_phone"],
            start_date=start, end_date=end, scope=values["scope"], applicant_id=applicant_id,
            workday_hours=values["workday_hours"], rest_day_hours=values["rest_day_hours"],
            deposit=values["deposit"], workers=_workers(values["workers"])), staff_id)

    form = ApplicationForm(_("New renovation application"), fields, save, asker=asker)
    asker.form = form
    return form


# --- enter: the permit ---------------------------------------------------------------------------


def _when(value: dt.datetime | None) -> str:
    return f"{value:%Y-%m-%d %H:%M}" if value else ""


def permit_rows(view: rn.RenovationView, today: rn.HoursToday) -> list[tuple[str, str]]:
    """The permit's facts, one (name, value) a line."""
    deposit = _("{amount} yuan").format(amount=rn.money(view.deposit))
    if view.deposit_received_at:
        deposit += " · " + _("received {when} by {name}").format(
            when=_when(view.deposit_received_at), name=view.deposit_received_by)
    elif view.deposit > 0:
        deposit += " · " + _("not received")
    if view.deposit_receipt:
        deposit += " · " + _("receipt {number}").format(number=view.deposit_receipt)
    workers = "、".join(" ".join(p for p in (w.name, w.phone, w.id_tail or "") if p) for w in view.workers)
    acceptance = ""
    if view.acceptance_result:
        acceptance = " ".join(p for p in (
            _("passed") if view.acceptance_result == "passed" else _("failed"),
            _when(view.accepted_at), view.accepted_by, view.acceptance_notes) if p)
    refund = ""
    if view.refunded_at:
        refund = " ".join(p for p in (
            _("{amount} yuan").format(amount=rn.money(view.refunded_amount)), _when(view.refunded_at),
            view.refunded_by, view.deduction_reason,
            _("receipt {number}").format(number=view.refund_receipt) if view.refund_receipt else "") if p)
    return [
        (_("Room"), f"{view.community} {view.room}"),
        (_("Owner"), view.applicant),
        (_("Contractor"), " ".join(p for p in (view.contractor, view.contractor_phone) if p)),
        (_("Workers"), workers),
        (_("Works"), " ".join(view.scope.split())),
        (_("Period"), f"{view.start_date} – {view.end_date}"),
        (_("Permitted hours"), rn.describe_hours(view.workday_hours, view.rest_day_hours)),
        (_("Hours today"), hours_line(today)),
        (_("Deposit"), deposit),
        (_("Rules"), _("acknowledged {when}").format(when=_when(view.rules_acknowledged_at))
         if view.rules_acknowledged else _("not acknowledged yet")),
        (_("Approved"), " ".join(p for p in (_when(view.approved_at), view.approved_by) if p)),
        (_("Works started"), _when(view.started_at)),
        (_("Works finished"), _when(view.finished_at)),
        (_("Acceptance"), acceptance),
        (_("Refunded"), refund),
        (_("Reason"), view.closed_reason),
    ]


class PermitModal(RecordModal):
    """One permit whole — facts, inspections, history — scrolled with the arrows, and the
    steps its status allows for the role, each a key."""

    DEFAULT_CSS = """
    PermitModal #permit-body { height: auto; max-height: 15; }
    PermitModal #record-keys { width: 100%; }
    """
    ACTIONS = (
        ("a", "approve", N_("Approve")),
        ("n", "reject", N_("Not approved")),
        ("p", "deposit", N_("Deposit taken")),
        ("r", "rules", N_("Rules signed")),
        ("s", "start", N_("Works start")),
        ("i", "inspect", N_("Inspection")),
        ("f", "finish", N_("Works finished")),
        ("v", "accept", N_("Acceptance")),
        ("m", "refund", N_("Refund deposit")),
        ("x", "cancel", N_("Withdraw")),
        ("o", "orders", N_("Work order")),
    )
    BINDINGS: ClassVar = [
        *RecordModal.BINDINGS, *action_bindings(ACTIONS),
        Binding("down", "scroll(1)", N_("Down"), show=False),
        Binding("up", "scroll(-1)", N_("Up"), show=False),
        Binding("pagedown", "scroll(10)", N_("Next page"), show=False),
        Binding("pageup", "scroll(-10)", N_("Previous page"), show=False),
    ]

    def __init__(self, view: rn.RenovationView, today: rn.HoursToday, *, note: str = "",
                 note_style: str = "") -> None:
        self.view = view
        self.today = today
        title = f"{view.number} · {label(rn.STATUSES, view.status)}"
        super().__init__(title, permit_rows(view, today), note=note, note_style=note_style)

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(plain(self.record_title), id="record-title")
            with VerticalScroll(id="permit-body"):
                yield Static(self.body(), id="permit-text")
            yield Label(self.keys_hint(), id="record-keys", markup=False)

    def body(self) -> Text:
        text = super().body()
        view = self.view
        text.append(_("Inspections") + "\n", style="bold")
        if not view.inspections:
            text.append("  " + _("none yet") + "\n", style="dim")
        for i in view.inspections:
            text.append(f"  {i.at:%m-%d %H:%M} {i.inspector} ")
            text.append(label(rn.RESULTS, i.result), style=RESULT_STYLES.get(i.result, ""))
            findings = " ".join(i.findings.split())
            text.append((f" {findings}" if findings else "")
                        + (f" → {i.work_order_number}" if i.work_order_number else "") + "\n")
        text.append(_("History") + "\n", style="bold")
        for e in view.events:
            note = " ".join(e.note.split())
            text.append(f"  {e.at:%m-%d %H:%M} {e.staff} {label(rn.ACTION_LABELS, e.action)}"
                        + (f": {note}" if note else "") + "\n")
        return safe_text(text)

    def action_scroll(self, lines: int) -> None:
        body = self.query_one("#permit-body", VerticalScroll)
        body.scroll_to(y=body.scroll_y + lines, animate=False)

    def offered(self, action: str) -> bool:
        view = self.view
        if action == "orders":  # the work orders its inspections opened
            return any(i.work_order_id for i in view.inspections)
        if rn.refusal(view.number, view.status, action) is not None or not rn.may(action):
            return False
        if action == "deposit":
            return view.deposit_received_at is None
        if action == "rules":
            return not view.rules_acknowledged
        if action == "refund":
            return view.refunded_at is None and (view.deposit == 0 or view.deposit_received_at is not None)
        return True


class RenovationsTab(RegisterTab):
    """Renovation permits, the latest application first, with today's hours."""

    NAME = "renovations"
    TITLE = N_("Renovations")
    SHORT = N_("Reno")
    ORDER = 60
    ACTION = "renovation.inspect"
    NEW_ACTION = "renovation.register"
    COLUMNS = ((N_("Room"), 16), (N_("Owner"), 6), (N_("Period"), 11), (N_("Status"), 10),
               (N_("Hours today"), 11), (N_("Now"), 4))
    FLEXIBLE = 0
    MIN_FLEX = 12
    DROPPABLE = (1, 4)
    PAGE = 50
    NEW_LABEL = N_("New application")
    FILTER_HINT = N_("Filter: room code (3-2, 3-2-501) or permit number …")
    BINDINGS = [
        Binding("s", "step_status", N_("Status"),
                tooltip=N_("Show every permit, or those of one status (applied, in progress …)")),
    ]
    TYPED_KEYS = RegisterTab.TYPED_KEYS | {"step_status"}

    def __init__(self) -> None:
        super().__init__()
        self.status = ""

    def column_width(self, index: int) -> int:
        if index == 3:  # the status: its longest word in this language (14 cells at most)
            return min(14, max(cell_len(status_word(code)) for code in rn.STATUSES))
        if index == 5:
            return max(4, cell_len(_("Now")))
        return super().column_width(index)

    def row_key(self, row: Any) -> Any:
        return row.id

    def read_page(self, query: str, after: Any) -> tuple[list, Any, str]:
        offset = after or 0
        page = rn.list_permits(rn.RenovationFilter(status=self.status or None, text=query),
                               limit=self.PAGE, offset=offset)
        now = clock_now()
        lines = [PermitLine(r, t) for r, t in zip(page.rows, rn.hours_today(page.rows, now), strict=True)]
        shown = label(rn.STATUSES, self.status) if self.status else _("all")
        status = _("Renovation permits · {status} · today a {day}").format(
            status=shown, day=_(DAY_WORDS[rn.day_kind(now.date())]))
        return lines, (offset + len(lines) if page.has_more else None), status

    def cells(self, row: Any) -> list[Text | str | Code]:
        line: PermitLine = row
        r, today = line.row, line.today
        period = f"{r.start_date:%m-%d}–{r.end_date:%m-%d}"
        hours = compact_hours(today.windows) if today.active else ""  # "—": none today
        now = Text("")
        if today.active:
            now = Text("✓", style="bold green") if today.permitted_now else Text("✗", style="red")
        # Today's hours are numbers: never cut (their column widens, the owner goes first).
        return [Code(r.room, r.community), r.applicant, period,
                Text(status_word(r.status), style=STATUS_STYLES.get(r.status, "")), Code(hours), now]

    def palette_commands(self):
        if rn.may("apply"):
            yield (N_("New renovation application"), _("An owner's application (Registers, n)"), self.new_record)

    def action_step_status(self) -> None:
        self.status = STATUS_STEPS[(STATUS_STEPS.index(self.status) + 1) % len(STATUS_STEPS)]
        self.cursors = [None]
        self.load()

    # --- n -----------------------------------------------------------------------------------

    def new_record(self) -> None:
        def saved(view: rn.RenovationView | None) -> None:
            if view is not None:
                self.changed(_("{number} registered for {room}: enter shows it; a lead approves it.").format(
                    number=view.number, room=view.room), select=view.id)

        self.app.push_screen(application_form(self.app.staff.id), saved)

    # --- enter: the permit and its steps --------------------------------------------------------

    def open_record(self, row: Any) -> None:
        self.show_permit(row.id)

    def show_permit(self, permit_id: int, note: str = "", note_style: str = "") -> None:
        """The permit as it is now, with a note (what a step did, or why it was refused)."""
        try:
            view = rn.get_permit(permit_id, self.app.staff.id)
            [today] = rn.hours_today([view], clock_now())
        except FrontDeskError as exc:
            self.refused(exc)
            return

        def chosen(what: str | None) -> None:
            if what == "orders":
                self.open_orders(view)
            elif what is not None:
                self.step(view, what)

        self.app.push_screen(PermitModal(view, today, note=note, note_style=note_style), chosen)

    def open_orders(self, view: rn.RenovationView) -> None:
        """o: the work order an inspection opened (the one still open first, else the latest)."""
        from screens.workorder import WorkOrderScreen

        try:
            still_open = rn.permit_open_orders(view.id, self.app.staff.id)
        except FrontDeskError as exc:
            self.refused(exc)
            return
        orders = [(i.work_order_id, i.work_order_number) for i in view.inspections if i.work_order_id]
        if not orders:
            return
        order_id = next((oid for oid, number in orders if number in still_open), orders[-1][0])
        self.app.push_screen(WorkOrderScreen(order_id))

    def done(self, view: rn.RenovationView, message: str) -> None:
        """A step was taken: the list read again, the permit shown with what was done."""
        self.load()
        self.show_permit(view.id, message, "bold green")

    def step(self, view: rn.RenovationView, action: str) -> None:
        if action in AT_ONCE:
            self.write(view, action)
        else:
            self.app.push_screen(self.step_form(view, action), self._formed(view))

    def _formed(self, view: rn.RenovationView):
        def saved(result: tuple[rn.RenovationView, str] | None) -> None:
            if result is not None:
                self.done(*result)
            else:
                self.show_permit(view.id)  # back to the permit, nothing changed

        return saved

    def write(self, view: rn.RenovationView, action: str) -> None:
        """A step without a form, in a worker (run_write); refused, the permit says why."""
        me, version = self.app.staff.id, view.version

        def step() -> rn.RenovationView:
            if action == "approve":
                return rn.approve(view.id, me, expected_version=version)
            if action == "rules":
                return rn.acknowledge_rules(view.id, me, expected_version=version)
            if action == "start":
                return rn.start(view.id, me, expected_version=version)
            return rn.finish(view.id, me, expected_version=version)

        def stepped(done: rn.RenovationView) -> None:
            step, status = _(rn.ACTION_LABELS[action]), label(rn.STATUSES, done.status)
            if done.status == view.status or step == status:  # "approved, now approved" says it twice
                message = _("{number}: {step}.").format(number=done.number, step=step)
            else:
                message = _("{number}: {step} — now {status}.").format(number=done.number, step=step,
                                                                      status=status)
            self.done(done, message)

        self.run_write(step, stepped, refused=lambda exc: self.show_permit(view.id, exc.message, "bold red"))

    def step_form(self, view: rn.RenovationView, action: str) -> FormModal:
        """The form of a step that asks something: what is typed stays when it is refused."""
        me, version = self.app.staff.id, view.version
        title = f"{_(dict((n, t) for _k, n, t in PermitModal.ACTIONS)[action])} · {view.number} {view.room}"
        if action == "inspect":
            fields = [
                FormField("result", _("Result"), "ok", kind="select",
                          options=[(label(rn.RESULTS, code), code) for code in rn.RESULTS]),
                FormField("findings", _("Findings"), placeholder=_("what was found (required for a warning or violation)")),
                FormField("needs_repair", _("Repair"), "no", kind="select",
                          options=[(_("no work order"), "no"), (_("needs a repair: open a work order"), "yes")]),
            ]

            def save(values: dict[str, str]) -> tuple[rn.RenovationView, str]:
                found = rn.inspect(view.id, rn.InspectionInput(
                    findings=values["findings"], result=values["result"] or "ok",
                    needs_repair=values["needs_repair"] == "yes"), me)
                message = _("Inspection recorded: {result}.").format(result=label(rn.RESULTS, found.result))
                if found.work_order_number:
                    message = _("Inspection recorded: {result}; it opened work order {order}.").format(
                        result=label(rn.RESULTS, found.result), order=found.work_order_number)
                return rn.get_permit(view.id, me), message
        elif action == "accept":
            fields = [
                FormField("passed", _("Acceptance"), "yes", kind="select",
                          options=[(_("passed"), "yes"), (_("failed: back to the works"), "no")]),
                FormField("notes", _("Acceptance remarks"), placeholder=_("what failed, or anything noted")),
            ]
            still_open = rn.permit_open_orders(view.id, me)

            def check(values: dict[str, str]) -> str | None:
                if still_open and values["passed"] != "no":
                    return _("Work order {orders} from an inspection is still open: F10 again to "
                             "accept all the same (the deposit is refunded once it is closed).").format(
                                 orders="、".join(still_open))
                return None

            def save(values: dict[str, str]) -> tuple[rn.RenovationView, str]:
                done = rn.accept(view.id, me, values["passed"] != "no", values["notes"], expected_version=version)
                return done, _("{number}: acceptance recorded — now {status}.").format(
                    number=done.number, status=label(rn.STATUSES, done.status))
        elif action == "refund":
            fields = [
                FormField("amount", _("Refunded"), rn.money(view.deposit),
                          help=_("of {deposit} yuan; less is kept back with a reason").format(
                              deposit=rn.money(view.deposit))),
                FormField("reason", _("Reason"), placeholder=_("why part of the deposit is kept back")),
            ]

            def save(values: dict[str, str]) -> tuple[rn.RenovationView, str]:
                done = rn.refund(view.id, me, values["amount"], values["reason"], expected_version=version)
                return done, _("{number}: {amount} yuan refunded — now {status}.").format(
                    number=done.number, amount=rn.money(done.refunded_amount),
                    status=label(rn.STATUSES, done.status))
        elif action == "deposit":
            fields = [FormField("deposit", _("Deposit"), rn.money(view.deposit),
                                help=_("the amount taken, in yuan"))]

            def save(values: dict[str, str]) -> tuple[rn.RenovationView, str]:
                done = rn.record_deposit(view.id, me, values["deposit"], expected_version=version)
                return done, _("{number}: deposit of {amount} yuan received.").format(
                    number=done.number, amount=rn.money(done.deposit))
        else:  # reject, cancel: a reason
            fields = [FormField("reason", _("Reason"), placeholder=_("said to the owner"))]

            def save(values: dict[str, str]) -> tuple[rn.RenovationView, str]:
                step = rn.reject if action == "reject" else rn.cancel
                done = step(view.id, me, values["reason"], expected_version=version)
                return done, _("{number}: now {status}.").format(
                    number=done.number, status=label(rn.STATUSES, done.status))

        return FormModal(title, fields, save, check=check if action == "accept" else None)


__all__ = ["ApplicationForm", "PermitModal", "RenovationsTab", "application_form", "compact_hours"]
