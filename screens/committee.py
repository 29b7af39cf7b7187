"""业委会: the owners' committee of one community (`CommitteeScreen`) — its members with their
role and term (those ending within 60 days marked), its meetings with their minutes (enter
opens them in an editor, ctrl+s saves), and its open requests (work orders of kind
"committee"; enter opens one). `n`/`e`/`x` add, change and end a membership, `m` books a
committee meeting on the calendar, `r` opens a new committee request, `c` switches the
community. Reads and writes run in thread workers; everything through data.meetings."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import DataTable, Label, Static, TextArea

from data import access
from data import meetings as mt
from data.clock import today as clock_today
from data.errors import FrontDeskError, ValidationError
from data.i18n import N_, _
from data.property.communities import list_communities
from data.validators import fold_width, parse_date
from data.vocab import OCCUPANCY_ROLES, WORK_ORDER_STATUSES, label
from widgets.confirm import ConfirmModal
from widgets.desk import DeskModal, DeskScreen
from widgets.form import FormField, FormModal
from widgets.picker import PickerModal, PickRow
from widgets.safe import plain

#: A committee meeting's time, typed as 19:00 or 9:30.
TIME_RE = re.compile(r"^([01]?\d|2[0-3])[:：]([0-5]\d)$")


def _staff_id(screen: Any) -> int | None:
    return getattr(getattr(screen.app, "staff", None), "id", None)


@dataclass(frozen=True)
class CommitteeData:
    """What the screen shows of one community, read in a worker."""

    communities: list[tuple[int, str]]
    community_id: int | None
    members: list[mt.MemberRow]
    meetings: list[mt.CommitteeMeetingRow]
    requests: list[mt.RequestRow]


# --- forms whose save runs in a worker -----------------------------------------------------------


class PickNeeded(FrontDeskError):
    """Several people match what was typed for the person: the form lets the clerk pick one."""

    def __init__(self, hits: list) -> None:
        super().__init__(_("Several people match: pick one."))
        self.hits = hits


class WorkerForm(FormModal):
    """A FormModal (its save runs in a worker, as every form's does) whose save may find
    several people for what was typed (`PickNeeded`): the form then lets the clerk pick."""

    def refused(self, exc: FrontDeskError) -> None:
        if isinstance(exc, PickNeeded):
            self.pick(exc.hits)
            return
        super().refused(exc)

    def pick(self, hits: list) -> None:
        """Several people match: overridden by the member form."""


def hit_label(hit: Any) -> str:
    """A person found by the search as the person field shows them once picked."""
    return f"{hit.name} {hit.rooms[0]}" if hit.rooms else hit.name


class MemberForm(WorkerForm):
    """`n`: a new member — the person found by name, pinyin, room or a phone's last digits
    (data.search, as the call panel's `a` finds a caller); several matches are offered in a
    list, the one picked fills the field."""

    def __init__(self, community_id: int, staff_id: int | None) -> None:
        start = clock_today()
        fields = [
            FormField("person", _("Person"), placeholder=_("name, room 3-2-501 or the phone's last 4 digits")),
            FormField("role", _("Role"), "member", kind="select",
                      options=[(text, code) for code, text in mt.ROLES.items()]),
            FormField("term_start", _("Term from"), f"{start:%Y-%m-%d}", placeholder="YYYY-MM-DD"),
            FormField("term_end", _("Term until"), placeholder=_("such as {date} (a term is usually 5 years)").format(
                date=f"{start.replace(year=start.year + 5) - dt.timedelta(days=1):%Y-%m-%d}")),
        ]
        super().__init__(_("New committee member"), fields, self._save)
        self.community_id = community_id
        self.staff_id = staff_id
        self.chosen: tuple[str, int] | None = None  # (what the field shows, the person's id)

    def _person_id(self, text: str) -> int:
        from data import search

        text = " ".join(text.split())
        if self.chosen is not None and text == self.chosen[0]:
            return self.chosen[1]
        if not text:
            raise ValidationError("person", _("Type the person's name, room or the last digits of their phone."))
        found = search.search(text, limit=20, community_id=self.community_id, staff_id=self.staff_id)
        if found.refused:
            raise ValidationError("person", found.refused)
        hits = list(found.hits)
        if not hits:
            raise ValidationError("person", _("Nobody in this community found for “{query}”: type a name, "
                                              "a room such as 3-2-501 or a phone's last 4 digits.").format(query=text))
        exact = [h for h in hits if h.exact]
        if len(hits) == 1 or len(exact) == 1:
            return (hits[0] if len(hits) == 1 else exact[0]).id
        raise PickNeeded(hits)

    def _save(self, values: dict[str, str]) -> mt.MemberRow:
        person_id = self._person_id(values["person"])
        return mt.add_member(self.community_id, person_id, values["role"] or "member",
                             parse_date(values["term_start"], "term_start"),  # type: ignore[arg-type]
                             parse_date(values["term_end"], "term_end"),  # type: ignore[arg-type]
                             staff_id=self.staff_id)

    def pick(self, hits: list) -> None:
        rows = [PickRow((h.name, " ".join(h.rooms[:2]), h.masked_phones[0] if h.phones else "",
                         label(OCCUPANCY_ROLES, h.role) if h.role else ""), h) for h in hits]

        def picked(hit: Any) -> None:
            if hit is None:
                self.query_one("#field-person").focus()
                return
            shown = hit_label(hit)
            self.chosen = (shown, hit.id)
            self._set_value("person", shown)
            self.query_one("#field-role").focus()

        columns = [(_("Name"), 10), (_("Rooms"), 24), (_("Phone"), 14), (_("Role"), 10)]
        self.app.push_screen(PickerModal(_("Which person?"), columns, rows, empty=_("Nobody found.")), picked)


def change_form(row: mt.MemberRow, staff_id: int | None) -> WorkerForm:
    """`e`: a member's role or term."""
    fields = [
        FormField("role", _("Role"), row.role, kind="select",
                  options=[(text, code) for code, text in mt.ROLES.items()]),
        FormField("term_start", _("Term from"), f"{row.term_start:%Y-%m-%d}", placeholder="YYYY-MM-DD"),
        FormField("term_end", _("Term until"), f"{row.term_end:%Y-%m-%d}", placeholder="YYYY-MM-DD"),
    ]

    def save(values: dict[str, str]) -> mt.MemberRow:
        return mt.change_member(row.id, values["role"] or row.role,
                                parse_date(values["term_start"], "term_start"),  # type: ignore[arg-type]
                                parse_date(values["term_end"], "term_end"),  # type: ignore[arg-type]
                                staff_id=staff_id)

    return WorkerForm(_("{name}: role and term").format(name=row.name), fields, save)


def meeting_form(community_id: int, staff_id: int | None) -> WorkerForm:
    """`m`: a committee meeting, booked on the calendar."""
    fields = [
        FormField("date", _("Date"), f"{clock_today():%Y-%m-%d}", placeholder="YYYY-MM-DD"),
        FormField("time", _("Time"), "19:00", placeholder="19:00"),
        FormField("topic", _("Topic"), placeholder=_("讨论停车收费, 筹备业主大会 …")),
    ]

    def save(values: dict[str, str]) -> mt.CommitteeMeetingRow:
        day = parse_date(values["date"], "date")
        if day is None:
            raise ValidationError("date", _("Give a date as YYYY-MM-DD."))
        match = TIME_RE.match(fold_width(values["time"]).strip())
        if match is None:
            raise ValidationError("time", _("Give the time as HH:MM, such as 19:00."))
        starts = dt.datetime.combine(day, dt.time(int(match.group(1)), int(match.group(2))))
        if staff_id is None:
            raise ValidationError("topic", _("Sign in first."))
        return mt.record_meeting(community_id, starts, values["topic"], staff_id=staff_id)

    return WorkerForm(_("New committee meeting"), fields, save)


# --- the minutes -------------------------------------------------------------------------------


class MinutesModal(DeskModal[bool]):
    """A committee meeting's minutes in a text editor: ctrl+s saves (in a worker) and
    closes; escape closes (asking first when something was typed)."""

    CSS_PATH = Path(__file__).parent / "committee.tcss"
    BINDINGS = [
        Binding("ctrl+s", "save", N_("Save")),
        Binding("f10", "save", N_("Save"), show=False),
        Binding("escape", "cancel", N_("Cancel")),
    ]

    def __init__(self, row: mt.CommitteeMeetingRow, staff_id: int | None) -> None:
        super().__init__()
        self.row = row
        self.staff_id = staff_id
        self.saving = False

    def compose(self) -> ComposeResult:
        with Vertical(id="minutes-box"):
            yield Label(plain(_("Minutes: {when} {topic}").format(
                when=f"{self.row.starts_at:%Y-%m-%d %H:%M}", topic=self.row.topic)), id="minutes-title")
            area = TextArea(self.row.minutes, id="minutes", soft_wrap=True)
            area.show_line_numbers = False
            yield area
            yield Label("", id="minutes-message", markup=False)
            yield Label(_("ctrl+s save · esc back"), id="minutes-keys", markup=False)

    def on_mount(self) -> None:
        area = self.query_one("#minutes", TextArea)
        area.move_cursor(area.document.end)
        area.focus()

    @property
    def is_dirty(self) -> bool:
        return self.is_mounted and self.query_one("#minutes", TextArea).text != self.row.minutes

    def action_save(self) -> None:
        """In a worker (DeskWrites.run_write): behind another desk it says so, and esc gives
        the save up, the minutes staying as typed."""
        if self.saving:
            return
        self.saving = True
        self.query_one("#minutes-message", Label).update(_("Saving…"))
        meeting_id, text, staff_id = self.row.id, self.query_one("#minutes", TextArea).text, self.staff_id

        def refused(exc: FrontDeskError) -> None:
            self.saving = False
            self.query_one("#minutes-message", Label).update(plain(exc.message, style="bold red"))

        def given_up() -> None:
            self.saving = False
            self.query_one("#minutes-message", Label).update("")

        self.run_write(lambda: mt.save_minutes(meeting_id, text, staff_id=staff_id),
                       done=lambda _result: self.dismiss(True), refused=refused, cancelled=given_up, stays=True)

    def action_cancel(self) -> None:
        if self.give_up_write():  # the save waits for another desk: given up, the text stays
            return
        if not self.is_dirty:
            self.dismiss(False)
            return

        def answered(ok: bool | None) -> None:
            if ok:
                self.dismiss(False)

        self.app.push_screen(ConfirmModal(_("Discard what you typed?")), answered)


# --- the screen --------------------------------------------------------------------------------


class CommitteeScreen(DeskScreen):
    """One community's owners' committee: members, meetings, open requests."""

    BINDING_SCOPE = "committee"
    CSS_PATH = Path(__file__).parent / "committee.tcss"
    BINDINGS = [
        Binding("enter", "open", N_("Open")),
        Binding("n", "new_member", N_("New member")),
        Binding("e", "change_member", N_("Role/term")),
        Binding("x", "end_member", N_("End membership")),
        Binding("m", "new_meeting", N_("Meeting")),
        Binding("r", "new_request", N_("Request")),
        Binding("c", "community", N_("Community")),
    ]

    class Loaded(Message):
        """The worker read the committee of a community."""

        def __init__(self, data: CommitteeData) -> None:
            super().__init__()
            self.data = data

    class Done(Message):
        """A write in a worker finished: `note` says what was done, `error` why it was refused."""

        def __init__(self, note: str = "", error: str = "") -> None:
            super().__init__()
            self.note, self.error = note, error

    def __init__(self, community_id: int | None = None) -> None:
        super().__init__()
        self.community_id = community_id
        self.communities: list[tuple[int, str]] = []
        self.member_rows: list[mt.MemberRow] = []
        self.meeting_rows: list[mt.CommitteeMeetingRow] = []
        self.request_rows: list[mt.RequestRow] = []

    @property
    def screen_title(self) -> str:
        return _("Owners' committee")

    def compose(self) -> ComposeResult:
        yield self.header()
        yield Static(id="committee-info")
        yield Label(_("Members"), classes="pane-title")
        yield DataTable(id="members", cursor_type="row", zebra_stripes=True)
        with Horizontal(id="lower"):
            with Vertical(id="meetings-box"):
                yield Label(_("Committee meetings (enter: minutes)"), classes="pane-title")
                yield DataTable(id="committee-meetings", cursor_type="row", zebra_stripes=True)
            with Vertical(id="requests-box"):
                yield Label(_("Open requests (enter: work order)"), classes="pane-title")
                yield DataTable(id="requests", cursor_type="row", zebra_stripes=True)
        yield self.footer()

    def on_mount(self) -> None:
        self.query_one("#members", DataTable).add_columns(
            _("Name"), _("Role"), _("Term"), _("Days left"), "")
        self.query_one("#committee-meetings", DataTable).add_columns(_("Date"), _("Topic"), _("Minutes"))
        self.query_one("#requests", DataTable).add_columns(_("Number"), _("Title"), _("Status"))
        self.query_one("#members", DataTable).focus()
        self.refresh_data()

    # --- reading ---------------------------------------------------------------------------

    def refresh_data(self) -> None:
        self.load(self.community_id)

    @work(thread=True, exclusive=True, group="committee-load", exit_on_error=False)
    def load(self, community_id: int | None) -> None:
        staff_id = _staff_id(self)
        try:
            communities = [(c.id, c.name) for c in list_communities()]
            if community_id is None or community_id not in {cid for cid, _n in communities}:
                own = getattr(getattr(self.app, "staff", None), "community_id", None)
                ids = [cid for cid, _n in communities]
                community_id = own if own in ids else (ids[0] if ids else None)
            if community_id is None:
                data = CommitteeData(communities, None, [], [], [])
            else:
                data = CommitteeData(communities, community_id, mt.members(community_id, staff_id),
                                     mt.committee_meetings(community_id, staff_id),
                                     mt.committee_requests(community_id, staff_id))
        except FrontDeskError as exc:
            self.post_message(self.Done(error=exc.message))
            return
        self.post_message(self.Loaded(data))

    def on_committee_screen_loaded(self, message: Loaded) -> None:
        data = message.data
        self.communities, self.community_id = data.communities, data.community_id
        self.member_rows, self.meeting_rows, self.request_rows = data.members, data.meetings, data.requests
        start = clock_today()
        name = next((n for cid, n in data.communities if cid == data.community_id), "")
        info = Text()
        if data.community_id is None:
            info.append(_("No community yet: add one under Property structure."))
        else:
            info.append_text(plain(name, style="bold"))
            if len(data.communities) > 1:
                info.append("  " + _("(c: another community)"), style="dim")
            ending = [m for m in data.members if (m.term_end - start).days <= mt.EXPIRY_DAYS]
            info.append("\n")
            if ending:
                info.append(_("Terms ending within {days} days: {count} — time to prepare the election.").format(
                    days=mt.EXPIRY_DAYS, count=len(ending)), style="bold yellow")
            else:
                info.append(_("No term ends within {days} days.").format(days=mt.EXPIRY_DAYS), style="dim")
        self.query_one("#committee-info", Static).update(info)

        members = self.query_one("#members", DataTable)
        keep = members.cursor_row
        members.clear()
        for m in data.members:
            left = (m.term_end - start).days
            soon = left <= mt.EXPIRY_DAYS
            members.add_row(plain(m.name), m.role_text, f"{m.term_start:%Y-%m-%d}–{m.term_end:%Y-%m-%d}",
                            Text(str(left), style="bold yellow" if soon else ""),
                            Text(_("⚠ ending"), style="bold yellow") if soon else "", key=str(m.id))
        if data.members:
            members.move_cursor(row=min(max(keep, 0), len(data.members) - 1))

        table = self.query_one("#committee-meetings", DataTable)
        table.clear()
        for cm in data.meetings:
            table.add_row(f"{cm.starts_at:%Y-%m-%d %H:%M}", plain(cm.topic),
                          _("yes") if cm.minutes.strip() else Text(_("no"), style="dim"), key=str(cm.id))
        table = self.query_one("#requests", DataTable)
        table.clear()
        for r in data.requests:
            table.add_row(r.number, plain(r.title), label(WORK_ORDER_STATUSES, r.status), key=str(r.id))
        self.refresh_bindings()

    def on_committee_screen_done(self, message: Done) -> None:
        if message.error:
            self.notify(message.error, severity="error", markup=False)
        elif message.note:
            self.notify(message.note, markup=False)
        self.refresh_data()

    # --- keys --------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("new_member", "change_member", "end_member", "new_meeting"):
            if not access.can("meetings.record", _staff_id(self)):
                return False
            if action in ("change_member", "end_member"):
                return bool(self.member_rows) or None  # greyed while there is nobody
            return self.community_id is not None or None
        if action == "new_request":
            return (access.can("order.create", _staff_id(self)) and self.community_id is not None) or False
        if action == "community":
            return len(self.communities) > 1
        return True

    def _selected_member(self) -> mt.MemberRow | None:
        """The member under the cursor, only when the members table has the focus (walk19b N5:
        x in the meetings table asked to end the first member); else a message says to pick one."""
        table = self.query_one("#members", DataTable)
        if not table.has_focus:
            self.notify(_("Choose a member in the members list first (tab), then press the key again."),
                        severity="warning", markup=False)
            return None
        if not self.member_rows or table.cursor_row < 0:
            return None
        return self.member_rows[min(table.cursor_row, len(self.member_rows) - 1)]

    def action_open(self) -> None:
        focused = self.focused
        if isinstance(focused, DataTable) and focused.id == "committee-meetings":
            self.open_minutes()
        elif isinstance(focused, DataTable) and focused.id == "requests":
            self.open_request()
        elif isinstance(focused, DataTable) and focused.id == "members" and self.check_action(
                "change_member", ()):
            self.action_change_member()

    @on(DataTable.RowSelected)
    def row_chosen(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_open()

    def open_minutes(self) -> None:
        table = self.query_one("#committee-meetings", DataTable)
        if not self.meeting_rows:
            return
        row = self.meeting_rows[min(max(table.cursor_row, 0), len(self.meeting_rows) - 1)]

        def closed(saved: bool | None) -> None:
            if saved:
                self.notify(_("Minutes saved: {topic}").format(topic=row.topic), markup=False)
            self.refresh_data()

        self.app.push_screen(MinutesModal(row, _staff_id(self)), closed)

    def open_request(self) -> None:
        from screens.workorder import WorkOrderScreen

        table = self.query_one("#requests", DataTable)
        if not self.request_rows:
            return
        row = self.request_rows[min(max(table.cursor_row, 0), len(self.request_rows) - 1)]
        self.app.push_screen(WorkOrderScreen(row.id))

    def action_new_member(self) -> None:
        if self.community_id is None:
            return

        def saved(row: mt.MemberRow | None) -> None:
            if row is not None:
                self.notify(_("{name} added as {role} until {date}.").format(
                    name=row.name, role=row.role_text, date=f"{row.term_end:%Y-%m-%d}"), markup=False)
                self.refresh_data()

        self.app.push_screen(MemberForm(self.community_id, _staff_id(self)), saved)

    def action_change_member(self) -> None:
        row = self._selected_member()
        if row is None:
            return

        def saved(new: mt.MemberRow | None) -> None:
            if new is not None:
                self.notify(_("{name}: {role} until {date}.").format(
                    name=new.name, role=new.role_text, date=f"{new.term_end:%Y-%m-%d}"), markup=False)
                self.refresh_data()

        self.app.push_screen(change_form(row, _staff_id(self)), saved)

    def action_end_member(self) -> None:
        row = self._selected_member()
        if row is None:
            return

        def answered(ok: bool | None) -> None:
            if ok:
                self.end_membership(row.id)

        self.app.push_screen(ConfirmModal(_("End the membership of {name} ({role}) today? They are no longer "
                                            "listed.").format(name=row.name, role=row.role_text)), answered)

    def end_membership(self, member_id: int) -> None:
        """In a worker (DeskScreen.run_write: behind another desk it says so, leaving gives it up)."""
        staff_id = _staff_id(self)
        self.run_write(lambda: mt.end_member(member_id, staff_id=staff_id),
                       done=lambda name: self.post_message(self.Done(
                           note=_("{name}'s membership ended.").format(name=name))),
                       refused=lambda exc: self.post_message(self.Done(error=exc.message)))

    def action_new_meeting(self) -> None:
        if self.community_id is None:
            return

        def saved(row: mt.CommitteeMeetingRow | None) -> None:
            if row is not None:
                self.notify(_("Committee meeting on {when} is on the calendar: enter on it writes the minutes.").format(
                    when=f"{row.starts_at:%Y-%m-%d %H:%M}"), markup=False)
                self.refresh_data()

        self.app.push_screen(meeting_form(self.community_id, _staff_id(self)), saved)

    def action_new_request(self) -> None:
        """`r`: the new work-order form, its kind 业委会事项 and the community filled in."""
        from screens.workorder import open_new_order

        if self.community_id is None:
            return
        # Saved, the new work order opens on its own screen; back here, the list is read again.
        open_new_order(self, kind="committee", community_id=self.community_id)

    def action_community(self) -> None:
        if len(self.communities) < 2:
            return
        rows = [PickRow((name,), cid) for cid, name in self.communities]

        def picked(cid: int | None) -> None:
            if cid is not None:
                self.community_id = cid
                self.refresh_data()

        self.app.push_screen(PickerModal(_("Which community?"), [(_("Community"), 40)], rows), picked)
