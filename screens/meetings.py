"""业主大会: the owners' meetings list with the committee's terms ending soon (`MeetingsScreen`),
and one meeting (`MeetingScreen`): its proposals with the live tally, the ballot entry by room
(the room or a titled parking space's code, then one key per proposal: 1 同意 2 反对 3 弃权)
and the differences between two clerks' entries (`d`: every room whose entries differ, enter
puts it back into the entry field). Everything through data.meetings."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import DataTable, Input, Static

from data import meetings as mt
from data.errors import FrontDeskError, ValidationError
from data.i18n import N_, _
from data.property.communities import list_communities
from data.validators import parse_date
from widgets.desk import DeskScreen
from widgets.form import FormField, FormModal
from widgets.picker import PickerModal, PickRow
from widgets.safe import plain

STATE_WORDS = {"agreed": N_("both entries agree: it counts"), "pending": N_("waiting for a second clerk's entry"),
               "differs": N_("the two entries differ: press d to see them")}


def _pct(rule: Any) -> str:
    """A rule's share as a whole percent ("70%"), short enough for the 80-column tally."""
    return f"{int(rule.part * 100 // rule.whole) if rule.whole else 0}%"


def _staff_id(screen: Any) -> int | None:
    return getattr(getattr(screen.app, "staff", None), "id", None)


def meeting_form(staff_id: int | None) -> FormModal:
    """A new meeting the committee convened: community, title, day, place (empty: in writing)."""
    communities = [(c.name, str(c.id)) for c in list_communities()]
    fields = [
        FormField("community", _("Community"), communities[0][1] if communities else "", kind="select",
                  options=communities),
        FormField("title", _("Title"), placeholder="2027年第一次业主大会"),
        FormField("held_on", _("Date"), placeholder="YYYY-MM-DD",
                  help=_("the day it is held (15 days ahead at least)")),
        FormField("place", _("Place"), help=_("where; leave out for a vote in writing")),
    ]

    def save(values: dict[str, str]) -> mt.MeetingView:
        day = parse_date(values["held_on"], "held_on")
        if day is None:
            raise ValidationError("held_on", _("Give a date as YYYY-MM-DD."))
        return mt.create_meeting(int(values["community"]), values["title"], day, values["place"], staff_id=staff_id)

    return FormModal(_("New owners' meeting"), fields, save)


def proposal_form(meeting_id: int, staff_id: int | None) -> FormModal:
    fields = [
        FormField("title", _("Title")),
        FormField("matter", _("Matter"), "other", kind="select",
                  options=[(text, code) for code, text in mt.MATTERS.items()],
                  help=_("Major: raising the maintenance fund, rebuilding, changing the use of common parts or "
                         "running them for income. Ordinary: using the fund, electing the committee, hiring or "
                         "dismissing the property company …")),
    ]
    return FormModal(_("New proposal"), fields,
                     lambda v: mt.add_proposal(meeting_id, v["title"], v["matter"], staff_id=staff_id))


class RoomInput(Input):
    """The ballot's room field: `d` typed into it while empty is the screen's key (the
    differences view), not a letter of a room."""

    def check_consume_key(self, key: str, character: str | None) -> bool:
        if key == "d" and not self.value:
            return False
        return super().check_consume_key(key, character)

    async def _on_key(self, event: events.Key) -> None:
        if event.key == "d" and not self.value:
            event.prevent_default()  # not a letter here: the screen's binding
            event.stop()
            await self.screen.run_action("differences")
            return
        await super()._on_key(event)

    def _watch_value(self, value: str) -> None:
        super()._watch_value(value)
        if len(value) <= 1:  # `d` becomes a letter, or the screen's key again
            self.screen.refresh_bindings()


def differences_view(rows: list[mt.DiffRow]) -> PickerModal:
    """Every room whose two entries differ: the room, the proposals where they do, each
    entry in words and its clerk; enter takes the room back to the entry field."""
    columns = [(_("Room"), 10), (_("Agenda item"), 6), (_("Entry 1"), 14), (_("Entry 2"), 14),
               (_("Clerk 1"), 8), (_("Clerk 2"), 8)]
    picks = [PickRow((d.room, "、".join(str(n) for n in d.proposals), d.first, d.second, d.first_by, d.second_by),
                     d.room) for d in rows]
    return PickerModal(_("Differing entries ({n})").format(n=len(rows)), columns, picks,
                       hint=_("enter: re-enter this room's ballot · esc: close"),
                       empty=_("No differences."))


class MeetingsScreen(DeskScreen):
    """The meetings, the latest first, and the committee's terms ending within 60 days."""

    BINDING_SCOPE = "meetings"
    DEFAULT_CSS = """
    MeetingsScreen #expiring { height: auto; max-height: 3; color: $warning; }
    """
    BINDINGS = [
        Binding("enter", "open", N_("Open")),
        Binding("n", "new", N_("New meeting")),
        Binding("w", "committee", N_("Committee")),  # 业委会 (screens.committee)
    ]

    @property
    def screen_title(self) -> str:
        return _("Owners' meetings")

    def action_committee(self) -> None:
        self.app.action_open_screen("committee")

    def compose(self) -> ComposeResult:
        yield self.header()
        yield Static(id="expiring")
        yield DataTable(id="meetings", cursor_type="row", zebra_stripes=True)
        yield self.footer()

    def on_mount(self) -> None:
        table = self.query_one("#meetings", DataTable)
        table.add_columns(_("Date"), _("Community"), _("Title"), _("Counted"), _("Differing"))
        self.refresh_data()
        table.focus()

    def refresh_data(self) -> None:
        staff_id = _staff_id(self)
        try:
            rows = mt.meetings(staff_id=staff_id)
            ending = mt.expiring(staff_id=staff_id)
        except FrontDeskError as exc:
            self.notify(exc.message, severity="error", markup=False)
            return
        note = Text()
        if ending:
            note.append(_("Committee terms ending within {days} days: ").format(days=mt.EXPIRY_DAYS))
            note.append_text(plain("、".join(f"{m.community} {m.role_text} {m.name} {m.term_end}" for m in ending)))
        self.query_one("#expiring", Static).update(note)
        table = self.query_one("#meetings", DataTable)
        table.clear()
        for m in rows:
            table.add_row(str(m.held_on), plain(m.community), plain(m.title), str(m.agreed), str(m.differing),
                          key=str(m.id))

    @on(DataTable.RowSelected, "#meetings")
    def row_chosen(self, _event: DataTable.RowSelected) -> None:
        self.action_open()

    def action_open(self) -> None:
        table = self.query_one("#meetings", DataTable)
        if table.row_count:
            key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
            self.app.push_screen(MeetingScreen(int(key or 0)))

    def action_new(self) -> None:
        def done(view: Any) -> None:
            if view is not None:
                self.refresh_data()
                self.app.push_screen(MeetingScreen(view.id))

        self.app.push_screen(meeting_form(_staff_id(self)), done)


class MeetingScreen(DeskScreen):
    """One meeting: the tally per proposal (live), the ballot entry, the differences."""

    BINDING_SCOPE = "meeting"
    DEFAULT_CSS = """
    MeetingScreen #info { height: auto; max-height: 4; }
    MeetingScreen #tally { height: auto; max-height: 9; }
    MeetingScreen #entry { height: 3; }
    MeetingScreen #room { width: 30; }
    MeetingScreen #room:focus { border: tall $accent; background: $boost; }
    MeetingScreen #keys { width: 1fr; }
    MeetingScreen #diffs { height: auto; max-height: 4; }
    """
    BINDINGS = [
        Binding("ctrl+n", "propose", N_("New proposal")),
        Binding("ctrl+r", "report", N_("Result report")),
        Binding("d", "differences", N_("Differences"),
                tooltip=N_("Every room whose two entries differ; enter puts it back into the entry field")),
        Binding("escape", "back", N_("Back")),
    ]

    def __init__(self, meeting_id: int) -> None:
        super().__init__()
        self.meeting_id = meeting_id
        self.room: int | str | None = None
        self.room_code = ""
        self.proposals = 0

    @property
    def screen_title(self) -> str:
        return _("Owners' meetings")

    def compose(self) -> ComposeResult:
        yield self.header()
        yield Static(id="info")
        yield DataTable(id="tally", cursor_type="row")
        with Horizontal(id="entry"):
            yield RoomInput(placeholder=_("Room or titled space, such as 3-2-501"), id="room")
            yield Input(placeholder=_("1 同意 2 反对 3 弃权"), id="keys", restrict="[123]*", disabled=True)
        yield Static(id="diffs")
        yield self.footer()

    def on_mount(self) -> None:
        # Short columns, so the result shows at 80×24 without scrolling right (walk19b N3):
        # 参与 人/面积 ✓✗, 同意 人/面积 ✓✗, 结果.
        self.query_one("#tally", DataTable).add_columns(_("Agenda item"), _("Took part heads/area"),
                                                        _("Yes heads/area"), _("Result"))
        self.refresh_data()
        self.query_one("#room", Input).focus()

    def refresh_data(self) -> None:
        staff_id = _staff_id(self)
        try:
            view = mt.get_meeting(self.meeting_id, staff_id)
            tally = mt.tally(self.meeting_id, staff_id)
            diffs = mt.differences(self.meeting_id, staff_id)
        except FrontDeskError as exc:
            self.notify(exc.message, severity="error", markup=False)
            return
        self.proposals = len(view.proposals)
        self.query_one("#keys", Input).max_length = max(self.proposals, 1)
        info = plain(f"{view.held_on} {view.community} {view.title} ({view.where})\n")
        info.append(_("ballots counted {agreed}, waiting for a second entry {pending}, differing {differing}").format(
            agreed=view.agreed, pending=view.pending, differing=view.differing))
        if view.pending or view.differing:  # the figures below leave these ballots out
            info.append("  " + _("not counted: {n} — the result is not final").format(
                n=view.pending + view.differing), style="bold yellow")
        if tally.missing_area:
            info.append("\n" + _("Rooms without an area (nothing is decided until entered): {rooms}").format(
                rooms="、".join(tally.missing_area[:8])), style="bold red")
        self.query_one("#info", Static).update(info)
        table = self.query_one("#tally", DataTable)
        table.clear()
        for p in tally.proposals:
            heads, area, yes_heads, yes_area = p.rules

            def mark(r: Any) -> str:
                return "✓" if r.met else "✗"
            table.add_row(plain(f"{p.seq}.{p.matter_text[:2]} {p.title}"[:12]),
                          f"{heads.part}/{heads.whole}{mark(heads)} {_pct(area)}{mark(area)}",
                          f"{_pct(yes_heads)}{mark(yes_heads)} {_pct(yes_area)}{mark(yes_area)}",
                          _("Passed") if p.approved else _("Not passed"))
        text = Text(_("Differences:") + " ")
        text.append_text(plain("；".join(f"{d.room} {d.first_by} {d.first} ≠ {d.second_by} {d.second}"
                                        for d in diffs[:6]) if diffs else _("No differences.")))
        self.query_one("#diffs", Static).update(text)

    @on(Input.Submitted, "#room")
    def room_given(self, event: Input.Submitted) -> None:
        self.take_room(event.value)

    def take_room(self, code: str) -> None:
        """The room (or titled space) typed: the keys field opens for its ballot."""
        if not code.strip():
            self.notify(_("Enter the room number."), severity="warning", markup=False)
            return
        try:
            self.room = mt.unit_key(self.meeting_id, code, _staff_id(self))
        except FrontDeskError as exc:
            self.notify(exc.message, severity="error", markup=False)
            return
        self.room_code = code.strip()
        keys = self.query_one("#keys", Input)
        keys.disabled = False
        keys.value = ""
        keys.focus()

    @on(Input.Changed, "#keys")
    def key_typed(self, event: Input.Changed) -> None:
        if self.room is None or len(event.value) < self.proposals:
            return
        room, self.room = self.room, None
        keys, meeting_id, staff_id = event.input, self.meeting_id, _staff_id(self)

        def finished() -> None:
            keys.value = ""
            keys.disabled = True
            room_input = self.query_one("#room", Input)
            room_input.value = ""
            room_input.focus()
            self.refresh_data()

        def stored(result: Any) -> None:
            # The votes echoed in words, and a re-entry by the same clerk said to replace
            # theirs (walk19b N4: the earlier entry was replaced without a word).
            said = (_("{room} entry {n} corrected: {votes}") if result.corrected
                    else _("{room}: entry {n} stored ({votes})")).format(
                room=result.room, n=result.entry, votes=result.words)
            self.notify(f"{said}——{_(STATE_WORDS[result.state])}", markup=False)
            finished()

        def refused(exc: FrontDeskError) -> None:
            self.notify(exc.message, severity="error", markup=False)
            finished()

        # In a worker (DeskScreen.run_write): behind another desk it says so, leaving gives it up.
        if not self.run_write(lambda: mt.enter_ballot(meeting_id, room, event.value, staff_id=staff_id),
                              done=stored, refused=refused):
            # The entry before still waits for another desk (said): this one stays typed, to try again.
            self.room = room

    def action_differences(self) -> None:
        try:
            rows = mt.differences(self.meeting_id, _staff_id(self))
        except FrontDeskError as exc:
            self.notify(exc.message, severity="error", markup=False)
            return

        def chosen(code: Any) -> None:
            if code:
                self.query_one("#room", Input).value = str(code)
                self.take_room(str(code))

        self.app.push_screen(differences_view(rows), chosen)

    def action_propose(self) -> None:
        def added(_view: Any) -> None:
            self.refresh_data()
            self.query_one("#room", Input).focus()  # the next ballot's room

        self.app.push_screen(proposal_form(self.meeting_id, _staff_id(self)), added)

    def action_report(self) -> None:
        try:
            paths = [mt.report_file(self.meeting_id, fmt, _staff_id(self)) for fmt in ("pdf", "xlsx")]
        except FrontDeskError as exc:
            self.notify(exc.message, severity="error", markup=False)
            return
        self.notify(_("Written to {path}").format(path="、".join(p.name for p in paths)), markup=False)

    def action_back(self) -> None:
        self.app.pop_screen()
