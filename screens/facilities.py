"""设施 (issue 20 item 6): the facilities register at 80×24 — kind, name, building and place,
the next legal inspection's due date and the days left (overdue ones marked) — filtered by
kind (k) and building (b); enter shows an item's history (work orders, inspections, route
answers); i records a periodic inspection done (who may: data.access inspections.record)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import DataTable, Label, Static

from data import access
from data import facilities as fac
from data.clock import today as clock_today
from data.errors import ValidationError
from data.facilities import FacilityRow, HistoryEntry
from data.i18n import N_, _
from data.validators import parse_date
from data.vocab import label
from widgets.app_header import AppHeader
from widgets.desk import DeskModal, DeskScreen
from widgets.form import FormField, FormModal
from widgets.safe import plain

#: What a history line is, by its kind.
HISTORY_KINDS = {"order": N_("Work order"), "check": N_("Periodic inspection"), "inspection": N_("Inspection")}


def days_left(due: dt.date | None, today: dt.date) -> Text:
    """The days until `due`, an overdue one in red with a mark."""
    if due is None:
        return Text("")
    days = (due - today).days
    if days < 0:
        return Text(_("overdue {n}d").format(n=-days), style="bold red")
    return Text(str(days), style="yellow" if days <= fac.REMIND_DAYS else "")


class HistoryModal(DeskModal[None]):
    """One facility's details and history, newest first."""

    DEFAULT_CSS = """
    HistoryModal { align: center middle; }
    HistoryModal > Vertical { width: 78; max-width: 100%; height: 22; max-height: 100%;
        border: thick $primary; background: $surface; padding: 0 1; }
    HistoryModal #fh-head { height: auto; }
    HistoryModal DataTable { height: 1fr; }
    """
    BINDINGS = [Binding("escape,enter", "close", N_("Back"))]

    def __init__(self, facility_id: int) -> None:
        super().__init__()
        self.facility_id = facility_id

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static("", id="fh-head")
            yield DataTable(id="fh-table", cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        self.query_one(DataTable).focus()
        self.load()

    @work(thread=True, exclusive=True, group="facility-history", exit_on_error=False)
    def load(self) -> None:
        me = self.app.staff.id
        view = fac.get_facility(self.facility_id, me)
        rows = fac.history(self.facility_id, me)
        self.app.call_from_thread(self._fill, view, rows)

    def _fill(self, view: fac.FacilityView, rows: list[HistoryEntry]) -> None:
        head = Text()
        head.append_text(plain(view.name, style="bold"))
        head.append(f" · {label(fac.KINDS, view.kind)}")
        for caption, value in ((_("Place"), view.place), (_("Maker"), " ".join(p for p in (view.maker, view.model) if p)),
                               (_("Maintenance contractor"), view.contractor), (_("Contract"), view.contract)):
            if value:
                head.append(f"\n{caption}：", style="dim")
                head.append_text(plain(value))
        for check in view.checks:
            head.append("\n")
            head.append_text(plain(check.name))
            head.append(" " + _("next due {due}").format(due=f"{check.next_due:%Y-%m-%d}"))
        self.query_one("#fh-head", Static).update(head)
        table = self.query_one(DataTable)
        table.clear(columns=True)
        table.add_column(_("Date"), width=10)
        table.add_column(_("Kind"), width=8)
        table.add_column(_("Result"), width=6)
        table.add_column(_("What"), width=40)
        for h in rows:
            result = "" if h.ok is None else (_("normal") if h.ok else _("abnormal"))
            what = plain(f"{h.ref} {h.text}".strip() if h.ref else h.text)
            table.add_row(f"{h.at:%Y-%m-%d}", label(HISTORY_KINDS, h.kind),
                          Text(result, style="" if h.ok is not False else "red"), what)
        if not rows:
            table.add_row("", "", "", _("No history yet."))

    def action_close(self) -> None:
        self.dismiss(None)


class FacilitiesScreen(DeskScreen):
    """The register with its filters; enter: the item's history."""

    CSS_PATH = Path(__file__).parent / "facilities.tcss"
    BINDINGS = [
        Binding("enter", "history", N_("History"), priority=True),
        Binding("k", "next_kind", N_("Kind")),
        Binding("b", "next_building", N_("Building")),
        Binding("i", "record_check", N_("Record inspection"), tooltip=N_("Record a periodic inspection done")),
        Binding("r", "reload", N_("Refresh"), show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[FacilityRow] = []
        self.kind = ""  # "" all
        self.building: tuple[int, str] | None = None
        self.buildings: list[tuple[int, str]] = []

    @property
    def screen_title(self) -> str:
        return _("Facilities")

    def compose(self) -> ComposeResult:
        yield AppHeader()
        yield Label("", id="fac-status", markup=False)
        yield DataTable(id="fac-table", cursor_type="row", zebra_stripes=True)
        yield self.footer()

    def on_mount(self) -> None:
        self.query_one(DataTable).focus()
        self.load()

    def refresh_data(self) -> None:
        self.load()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "record_check":
            return access.can("inspections.record", self.app.staff.id)
        return True

    @work(thread=True, exclusive=True, group="facilities", exit_on_error=False)
    def load(self) -> None:
        me = self.app.staff.id
        rows = fac.facilities(kind=self.kind or None, building_id=self.building[0] if self.building else None,
                              staff_id=me)
        buildings = fac.buildings_of()
        self.app.call_from_thread(self._fill, rows, buildings)

    def _fill(self, rows: list[FacilityRow], buildings: list[tuple[int, str]]) -> None:
        self.buildings = buildings
        table = self.query_one(DataTable)
        cursor = table.cursor_row
        self.rows = rows
        table.clear(columns=True)
        today = clock_today()
        place_width = max(10, self.app.size.width - 8 - 16 - 10 - 10 - 2 * 5 - 2)
        for title, width in ((_("Kind"), 8), (_("Facility"), 16), (_("Building / place"), place_width),
                             (_("Next due"), 10), (_("Days"), 10)):
            table.add_column(title, width=width)
        overdue = 0
        for r in rows:
            late = r.next_due is not None and r.next_due < today
            overdue += late
            where = " ".join(p for p in ((_("Building {code}").format(code=r.building) if r.building else ""),
                                         r.place) if p)
            table.add_row(label(fac.KINDS, r.kind), plain(r.name, style="bold red" if late else ""), plain(where),
                          f"{r.next_due:%Y-%m-%d}" if r.next_due else "", days_left(r.next_due, today))
        if rows:
            table.move_cursor(row=min(max(cursor, 0), len(rows) - 1))
        kind = label(fac.KINDS, self.kind) if self.kind else _("all")
        building = self.building[1] if self.building else _("all")
        status = _("Kind: {kind} · building: {building} · {n} items").format(kind=kind, building=building, n=len(rows))
        if overdue:
            status += " · " + _("{n} inspections overdue").format(n=overdue)
        self.query_one("#fac-status", Label).update(status)

    def current(self) -> FacilityRow | None:
        table = self.query_one(DataTable)
        if not self.rows or table.cursor_row < 0:
            return None
        return self.rows[min(table.cursor_row, len(self.rows) - 1)]

    def action_cursor_down(self) -> None:
        self.query_one(DataTable).action_cursor_down()

    def action_cursor_up(self) -> None:
        self.query_one(DataTable).action_cursor_up()

    def action_reload(self) -> None:
        self.load()

    def action_next_kind(self) -> None:
        kinds = ["", *fac.KINDS]
        self.kind = kinds[(kinds.index(self.kind) + 1) % len(kinds)]
        self.load()

    def action_next_building(self) -> None:
        options: list[tuple[int, str] | None] = [None, *self.buildings]
        at = options.index(self.building) if self.building in options else 0
        self.building = options[(at + 1) % len(options)]
        self.load()

    def action_history(self) -> None:
        row = self.current()
        if row is not None:
            self.app.push_screen(HistoryModal(row.id))

    def action_record_check(self) -> None:
        """i: a periodic inspection of the item under the cursor done: date, passed, note."""
        row = self.current()
        if row is None:
            return
        me = self.app.staff.id
        checks = fac.get_facility(row.id, me).checks
        if not checks:
            self.notify(_("{name} has no periodic inspection.").format(name=row.name), markup=False)
            return
        today = clock_today()
        fields = [
            FormField("check", _("Inspection"), str(checks[0].id), kind="select",
                      options=[(f"{c.name} · {c.next_due:%Y-%m-%d}", str(c.id)) for c in checks]),
            FormField("done_on", _("Done on"), f"{today:%Y-%m-%d}", placeholder=_("YYYY-MM-DD")),
            FormField("passed", _("Result"), "y", kind="select",
                      options=[(_("Passed"), "y"), (_("Failed"), "n")]),
            FormField("note", _("Note"), "", placeholder=_("certificate number, findings")),
        ]

        def save(values: dict[str, str]) -> fac.CheckView:
            done_on = parse_date(values["done_on"], "done_on")
            if done_on is None:
                raise ValidationError("done_on", _("Say when it was done, such as {example}.").format(
                    example=f"{today:%Y-%m-%d}"))
            return fac.record_check(int(values["check"]), done_on, passed=values["passed"] == "y",
                                    note=values["note"], staff_id=me)

        def done(view: fac.CheckView | None) -> None:
            if view is not None:
                self.notify(_("Recorded; next due {due}.").format(due=f"{view.next_due:%Y-%m-%d}"), markup=False)
                self.load()

        self.app.push_screen(FormModal(_("Periodic inspection of {name}").format(name=row.name), fields, save), done)
