"""The FrontDesk App: global keys (SPEC §8), header, command palette, screen registry."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import NamedTuple

from textual import events, work
from textual.app import SystemCommand
from textual.binding import Binding
from textual.filter import LineFilter
from textual.screen import Screen
from textual.timer import Timer

from data import access, notifications
from data.changes import change_token
from data.i18n import N_, _, in_language
from data.staff import StaffInfo
from data.validators import show_controls
from data.vocab import NOTIFICATION_KINDS, label
from screens.home import HomeScreen
from tui.keymap import load_keymap
from tui.ring_popup import RingPopup
from tui.typeahead import TypeAhead
from widgets.app_header import AppHeader
from widgets.bindings import DeskCommandPalette, not_named_like, translate_bindings
from widgets.desk import DeskApp, DeskPage, DeskScreen
from widgets.line_break import install_toasts
from widgets.safe import ControlFilter


def _owners_screen() -> Screen:
    from screens.owners import OwnersScreen  # loaded on first F2, not at start-up

    return OwnersScreen()


def _tickets_screen() -> Screen:
    from screens.queue import QueueScreen  # loaded on first F3, not at start-up

    return QueueScreen()


def _calendar_screen() -> Screen:
    from screens.calendar import CalendarScreen  # loaded on first F4, not at start-up

    return CalendarScreen()


def _calls_screen() -> Screen:
    from screens.calls import CallsScreen  # loaded on first F5, not at start-up

    return CallsScreen()


def _inbox_screen() -> Screen:
    from screens.inbox import InboxScreen  # loaded on first F6, not at start-up

    return InboxScreen()


def _registers_screen() -> Screen:
    from screens.registers import RegistersScreen  # loaded when first opened

    return RegistersScreen()


def _contracts_screen() -> Screen:
    from screens.contracts import ContractsScreen  # loaded when first opened

    return ContractsScreen()


def _fees_screen() -> Screen:
    from screens.fees import FeesScreen  # loaded when first opened

    return FeesScreen()


def _fees_manage_screen() -> Screen:
    from screens.fees_manage import FeesManageScreen  # loaded when first opened

    return FeesManageScreen()


def _meetings_screen() -> Screen:
    from screens.meetings import MeetingsScreen  # loaded when first opened

    return MeetingsScreen()


def _surveys_screen() -> Screen:
    from screens.surveys import SurveysScreen  # loaded when first opened

    return SurveysScreen()


def _reports_screen() -> Screen:
    from screens.reports import ReportsScreen  # loaded when first opened

    return ReportsScreen()


def _knowledge_screen() -> Screen:
    from screens.knowledge import KnowledgeScreen  # loaded when first opened

    return KnowledgeScreen()


def _committee_screen() -> Screen:
    from screens.committee import CommitteeScreen  # loaded when first opened

    return CommitteeScreen()


def _notices_screen() -> Screen:
    from screens.notices import NoticesScreen  # loaded when first opened

    return NoticesScreen()


def _report_builder_screen() -> Screen:
    from screens.report_builder import ReportBuilderScreen  # loaded when first opened

    return ReportBuilderScreen()


def _inspections_screen() -> Screen:
    from screens.inspections import InspectionsScreen  # loaded when first opened

    return InspectionsScreen()


def _facilities_screen() -> Screen:
    from screens.facilities import FacilitiesScreen  # loaded when first opened

    return FacilitiesScreen()


def _dirty(screen: Screen) -> bool:
    """Would leaving `screen` lose typed input?"""
    return isinstance(screen, DeskPage) and screen.is_dirty


class ScreenEntry(NamedTuple):
    """A top-level screen reachable by a function key and from the palette."""

    name: str
    key: str  # "" when no global key opens it (the palette and the home screen do)
    title: str  # English message id; Chinese from the catalog
    factory: Callable[[], Screen] | None  # None until the issue that builds it lands
    #: The roles that may open it: every person's role but the gate's by default.
    roles: frozenset[str] = access.EVERYONE


#: Who keeps the front desk's registers: whoever may register visitors or check passes
#: (the gate guard too, who sees nothing else).
REGISTER_ROLES = frozenset(role for action in ("visitor.register", "pass.check")
                           for role in access.RULES[action][0])


#: Who opens the contract register (合同管理): whoever may read it (data.access).
CONTRACT_ROLES = access.RULES["contract.read"][0]

#: Who opens the fees screen (收费): whoever may see fees (data.access).
FEE_ROLES = access.RULES["fees.view"][0]


#: Every top-level screen of SPEC §8. A None factory means "not built yet": its key is
#: hidden and does nothing, and the palette does not offer it.
SCREENS: tuple[ScreenEntry, ...] = (
    ScreenEntry("home", "escape", N_("Today"), HomeScreen),
    ScreenEntry("owners", "f2", N_("Owners"), _owners_screen),
    ScreenEntry("tickets", "f3", N_("Work orders"), _tickets_screen),
    ScreenEntry("calendar", "f4", N_("Calendar"), _calendar_screen),
    ScreenEntry("calls", "f5", N_("Calls"), _calls_screen),
    ScreenEntry("inbox", "f6", N_("Notifications"), _inbox_screen),
    ScreenEntry("registers", "", N_("Registers"), _registers_screen, REGISTER_ROLES),
    ScreenEntry("contracts", "", N_("Contract management"), _contracts_screen, CONTRACT_ROLES),
    ScreenEntry("fees", "", N_("Fees"), _fees_screen, FEE_ROLES),
    # 收费管理: meter readings, late fees, commissions, the fund (leads: data.access fees.manage).
    ScreenEntry("fees_manage", "", N_("Fees management"), _fees_manage_screen, access.RULES["fees.manage"][0]),
    # 知识库 (zsk): the knowledge base; the palette and the work-order screen open it.
    ScreenEntry("knowledge", "", N_("Knowledge base"), _knowledge_screen,
                access.RULES["kb.read"][0]),
    # 业主大会: owners' meetings, the live tally, ballot entry; the committee's terms (issue 19).
    ScreenEntry("meetings", "", N_("Owners' meetings"), _meetings_screen, access.RULES["meetings.view"][0]),
    # 业委会: the owners' committee — members and terms, its meetings with minutes, its requests.
    ScreenEntry("committee", "", N_("Owners' committee"), _committee_screen, access.RULES["meetings.view"][0]),
    # 公告: notices to households and community activities (data.access notice.manage).
    ScreenEntry("notices", "", N_("Notices"), _notices_screen, access.RULES["notice.manage"][0]),
    # 满意度: satisfaction surveys, their results and free text made work orders (issue 19).
    ScreenEntry("surveys", "", N_("Satisfaction surveys"), _surveys_screen, access.RULES["survey.manage"][0]),
    # 定制报表: custom reports built, previewed, saved and shared (issue 20 item 3).
    ScreenEntry("report_builder", "", N_("Custom reports"), _report_builder_screen,
                access.RULES["report.custom"][0]),
    # 巡查: today's inspection routes walked item by item, 60×20 (whoever records runs).
    ScreenEntry("inspections", "", N_("Inspections"), _inspections_screen, access.RULES["inspections.record"][0]),
    # 设施: the facilities register with the legal inspections due (issue 20 item 6).
    ScreenEntry("facilities", "", N_("Facilities"), _facilities_screen, access.RULES["facilities.view"][0]),
    # 报表: the standard reports with the previous period, chart and export; 在办工单阶段 (issue 20).
    ScreenEntry("reports", "", N_("Reports"), _reports_screen, access.RULES["report.run"][0]),
)

#: Other Chinese names a clerk calls a screen by (线索 for 潜在客户, 合同 for 合同管理 …), keyed
#: by the palette entry's English message id: the palette offers the entry for these words
#: and their pinyin initials too. They are search words, shown after the entry's own name.
PALETTE_ALIASES: dict[str, tuple[str, ...]] = {
    "Today": ("首页", "概览"),
    "Owners": ("住户", "查业主"),
    "Work orders": ("工单", "报修"),
    "Calendar": ("日程", "日历"),
    "Calls": ("电话", "来电"),
    "Notifications": ("通知", "消息"),
    "Registers": ("登记簿", "前台登记"),
    "Parcels": ("快递", "代收快递", "包裹"),
    "Visitors": ("来访", "访客登记"),
    "Keys": ("钥匙寄存",),
    "Release passes": ("出门条", "放行"),
    "Contract management": ("合同", "建议书"),
    "Fees": ("收费", "物业费", "欠费", "缴费"),
    "Fees management": ("抄表", "滞纳金", "佣金", "维修资金"),
    "Knowledge base": ("服务秘诀", "问题库"),
    "Owners' meetings": ("表决", "计票"),
    "Owners' committee": ("业委会换届", "委员任期"),
    "Notices": ("公告", "停水通知", "社区活动"),
    "Satisfaction surveys": ("满意度", "满意度调查", "问卷"),
    "Custom reports": ("定制报表", "用户可定制报告"),
    "Inspections": ("巡检", "巡查路线"),
    "Facilities": ("设备台账", "设施设备"),
    "Reports": ("统计报表",),
    "Leads": ("线索", "商机"),
    "Shift handover": ("交班", "接班"),
    "Property structure": ("房屋", "楼栋"),
    "Import owner roster": ("名册",),
    "Public accounts": ("公示", "收支公示", "收费标准公示", "公共收益"),
}

#: Roles allowed to import rosters (kept here so the palette need not import the screen).
IMPORT_ROLES = ("admin",)

#: Screens in the stack when the home screen is on top (Textual's base screen + home).
HOME_DEPTH = 2

#: Running sessions sweep for missed work-order deadlines this often (cron may too; the
#: sweep is idempotent, so several sessions sweeping at once notify each person once).
SWEEP_SECONDS = 60.0

#: The session's checks start with the home screen's first counts, or after this many
#: seconds should they not come (FrontDeskApp.first_data_shown).
CHECKS_AT_THE_LATEST = 2.0

#: How often the app asks the database whether anything changed (cheap on SQLite).
POLL_SECONDS = 2.0
#: Without cheap change detection (the server cannot be asked), refresh this often.
SLOW_REFRESH_SECONDS = 30.0

#: New notifications shown as toasts one by one; beyond this, one "and N more" toast.
TOASTS_AT_ONCE = 3
#: Seconds a notification toast stays on screen.
TOAST_SECONDS = 8.0
#: New notifications read per poll at most (the inbox shows the rest).
NEW_NOTES_LIMIT = 100


class FrontDeskApp(TypeAhead, DeskApp):
    """物业前台 FrontDesk."""

    # The home screen's sheet is read with the app's: read when the screen is pushed, it
    # made Textual parse every sheet again and restyle the app (about 5 ms of the cold
    # start, issue 21). It stays next to the screen that owns it, and the screen names it.
    CSS_PATH = [Path(__file__).parent / "app.tcss", HomeScreen.CSS_PATH]
    TITLE = "FrontDesk"
    ENABLE_COMMAND_PALETTE = True
    BINDINGS = [
        Binding("f1", "toggle_help", N_("Help"), tooltip=N_("Keys of this screen"), id="app.help"),
        # F2–F6: listed by F1 and on the home tiles, kept out of the footer so
        # that each screen's own keys fit at 80 columns.
        Binding("f2", "open_screen('owners')", N_("Owners"), show=False, id="app.owners"),
        Binding("f3", "open_screen('tickets')", N_("Work orders"), show=False, id="app.tickets"),
        Binding("f4", "open_screen('calendar')", N_("Calendar"), show=False, id="app.calendar"),
        Binding("f5", "open_screen('calls')", N_("Calls"), show=False, id="app.calls"),
        Binding("f6", "open_screen('inbox')", N_("Notifications"), show=False, id="app.inbox"),
        Binding("escape", "back", N_("Back"), show=False, id="app.back"),
        Binding("ctrl+p", "command_palette", N_("Commands"), show=False, priority=True,
                tooltip=N_("Every screen and action, by name or pinyin initials"), id="app.palette"),
        Binding("ctrl+q", "quit", N_("Quit"), priority=True, id="app.quit"),
    ]

    def __init__(self, staff: StaffInfo, database_label: str) -> None:
        super().__init__()
        translate_bindings(self)
        install_toasts()  # toasts break lines the Chinese way: no line starts with 。or ，
        access.act_as(staff)  # the data layer checks every step against this account
        self.staff = staff
        self.database_label = database_label
        self.unread = 0
        self._last_token: object | None = None
        self._checks_started = False  # first_data_shown
        self._checks_timer: Timer | None = None
        self._last_note_id = 0  # the newest notification already shown (or there at start)
        self._since_refresh = 0.0
        self._control_filter = ControlFilter()
        self.ring_popup = RingPopup(self)  # the caller-ID pop-up (来电弹屏)
        self._keymap_problem = ""
        keymap, self._keymap_problem = load_keymap()
        if keymap:
            self.set_keymap(keymap)

    def get_line_filters(self) -> Sequence[LineFilter]:
        """Textual's filters, then one that drops control characters a widget may still
        render from legacy data (widgets/safe.py): nothing stored reaches the terminal as
        an escape sequence."""
        return [*super().get_line_filters(), self._control_filter]

    # --- shell ---------------------------------------------------------------------------

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        """A text field's cursor stays lit instead of blinking: each blink repaints the field,
        about 2.5 KB a second over SSH while the clerk only reads (issue 21: an idle screen
        writes nothing). Asked of the widget, not by importing Input and TextArea to test
        its class: importing TextArea (and its document machinery) on the first focus cost
        about 10 ms of the cold start (issue 21), and only those fields have the reactive."""
        field = event.widget
        if getattr(field, "cursor_blink", False):
            setattr(field, "cursor_blink", False)  # noqa: B010 (a reactive of Input and TextArea only)

    def on_mount(self) -> None:
        self.title = _("FrontDesk")
        # Pushed rather than returned by get_default_screen: Textual loads a screen's
        # CSS_PATH when it is pushed, not for the default screen. The gate lands on its
        # registers (visitors, passes), which are all it may use.
        landing = self._landing_screen()
        self.push_screen(landing)
        self._catch_hangup()
        # Taken before the landing screen reads anything: whatever another desk commits from
        # now on is seen by the first change poll, however late the checks start.
        self._last_token = change_token()
        # The session's own checks (notifications, the caller-ID watch, the drafts a hang-up
        # kept) wait for the first screen: the home screen's first counts (it calls
        # first_data_shown; their threads would compete with its read and its paint, issue 21
        # cold start), another landing screen's first paint. At the latest after
        # CHECKS_AT_THE_LATEST seconds, should the counts never come.
        if isinstance(landing, HomeScreen):
            self._checks_timer = self.set_timer(CHECKS_AT_THE_LATEST, self.first_data_shown,
                                                name="checks-at-the-latest")
        else:
            self.call_after_refresh(self.first_data_shown)

    def first_data_shown(self) -> None:
        """The landing screen shows what it is for: start the session's checks (once)."""
        if self._checks_started or not self.is_running:
            return  # started already, or quit before the first paint
        self._checks_started = True
        if self._checks_timer is not None:
            self._checks_timer.stop()
        self._start_checks()

    def _start_checks(self) -> None:
        """After the first screen: the notifications, change poll, caller-ID watch, sweep and
        the drafts offered back (each reads the database; the reads run in workers)."""
        # Toasts are for what arrives from now on; the inbox and the count cover the rest.
        self._last_note_id = notifications.last_id(self.staff.id)
        # The notifications and the drafts read in one worker thread: each thread opens its
        # own connection, and SQLite reads the whole schema for each (issue 21, cold start).
        self.check_notifications(drafts=True)
        self.set_interval(POLL_SECONDS, self._poll_changes, name="change-poll")
        # Its own quick look, not the change poll's: a call pops up within a second.
        self.ring_popup.start()
        self.set_interval(SWEEP_SECONDS, self.sweep_escalations, name="escalation-sweep")
        if self._keymap_problem:
            self.notify(self._keymap_problem, severity="warning", timeout=TOAST_SECONDS, markup=False)

    def header_parts(self) -> dict[str, str]:
        """What every screen's header shows about the session."""
        return {
            "product": _("FrontDesk"),
            "staff": f"{self.staff.name}({self.staff.login}) {self.staff.role_label}",
            "database": self.database_label,
            "unread": self._unread_text(),
            "ring": self.ring_popup.header_text(),
        }

    def _unread_text(self) -> str:
        return _("✉ {count}").format(count=self.unread) if self.unread else ""

    def show_ring(self) -> None:
        """Show in every open screen's header whether a call waits to pop up."""
        for screen in self.screen_stack:
            for header in screen.query(AppHeader):
                header.show(ring=self.ring_popup.header_text())

    def show_unread(self, count: int) -> None:
        """Show `count` unread notifications in every open screen's header."""
        self.unread = count
        for screen in self.screen_stack:
            for header in screen.query(AppHeader):
                header.show(unread=self._unread_text())

    def _poll_changes(self) -> None:
        """Refresh the current screen when another session committed something."""
        if not self.screen_stack or not self.is_running:
            return  # the app is shutting down: the timer fired after the screens went
        self._since_refresh += POLL_SECONDS
        token = change_token()
        changed = token != self._last_token if token is not None else (
            self._since_refresh >= SLOW_REFRESH_SECONDS
        )
        self._last_token = token
        if changed:
            self._since_refresh = 0.0
            self.check_notifications()
            # Only the screen on top, and only if it is a list or card: a modal form being
            # typed in is not a DeskScreen, so what is typed is never disturbed. A screen
            # pushed but not yet mounted reads its data in its own on_mount (data_changed).
            if isinstance(self.screen, DeskScreen):
                self.screen.data_changed()

    @work(thread=True, group="notifications", exit_on_error=False)
    def check_notifications(self, drafts: bool = False) -> None:
        """Read notifications newer than the last one shown, and the unread count, off the UI
        thread; toast the new ones and update every header. At sign-in (`drafts`), then the
        drafts a hang-up kept, offered back."""
        try:
            me, after = self.staff.id, self._last_note_id
            new: list[notifications.Note] = []
            while len(new) < NEW_NOTES_LIMIT:
                batch = notifications.newer_than(me, after)
                if not batch:
                    break
                new.extend(batch)
                after = batch[-1].id
            count = notifications.unread_count(me)
            self.call_from_thread(self._notes_arrived, new, count)
        finally:
            if drafts:
                self._read_drafts()

    def _notes_arrived(self, new: list[notifications.Note], count: int) -> None:
        """Toast what this session has not shown yet (two checks may overlap), at most
        TOASTS_AT_ONCE of them; toasts never take the focus from what is being typed."""
        fresh = [note for note in new if note.id > self._last_note_id]
        if fresh:
            self._last_note_id = max(note.id for note in fresh)
        for note in fresh[:TOASTS_AT_ONCE]:
            self.notify(show_controls(note.title), title=label(NOTIFICATION_KINDS, note.kind),
                        severity="warning" if note.kind == "escalation" else "information",
                        timeout=TOAST_SECONDS, markup=False)
        if len(fresh) > TOASTS_AT_ONCE:
            self.notify(_("and {count} more: F6 shows them all").format(count=len(fresh) - TOASTS_AT_ONCE),
                        title=_("Notifications"), timeout=TOAST_SECONDS, markup=False)
        self.show_unread(count)

    @work(thread=True, exclusive=True, group="escalation", exit_on_error=False)
    def sweep_escalations(self) -> None:
        """Escalate work orders whose deadlines passed, notify callbacks that fell due, send
        calendar reminders and move contracts with the calendar (renewal reminders of those
        ending soon; all idempotent); tell this user if something reached them."""
        from data.calls import notify_due_callbacks
        from data.contracts import sweep as contract_sweep
        from data.escalation import sweep
        from data.facilities import remind_due_checks
        from data.fees.collection import sweep_missed_promises
        from data.meetings import notify_expiring_terms
        from data.reminders import send_reminders
        from data.staff import system_account

        # The company's own deadlines, not this user's steps: done as the built-in service
        # account, so that the audit trail names who did them.
        with access.acting(system_account()):
            mine = [e for e in sweep() if self.staff.login in e.notified]
            sweep_missed_promises()  # a missed promise to pay becomes a callback first
            due = notify_due_callbacks()
            reminded = send_reminders()
            renewals = [r for r in contract_sweep()[1] if r.staff_login == self.staff.login]
            terms = notify_expiring_terms()  # 业委会 terms ending within 60 days, once each
            checks = [c for c in remind_due_checks() if self.staff.login in c.logins]
        if mine or due or reminded or renewals or terms or checks:
            # What reached this user shows as toasts now, not a poll later (the check skips
            # what it has shown, so the poll that follows does not repeat them).
            self.call_from_thread(self.check_notifications)

    # --- hang-up: typed input kept as drafts (issue 8) --------------------------------------

    def _catch_hangup(self) -> None:
        """An SSH hang-up (SIGHUP) keeps every open form's typed input before the app goes.
        A Python-level handler runs on the main thread at once, before the input thread's
        failing reads of the vanished terminal can take the app down."""
        import signal
        import threading

        if hasattr(signal, "SIGHUP") and threading.current_thread() is threading.main_thread():
            self._hangup_before = signal.signal(signal.SIGHUP, lambda _signum, _frame: self.hang_up())

    def hang_up(self) -> None:
        """The SIGHUP handler: every open form's typed, unsaved values become drafts of this
        staff member (offered back at their next sign-in), then the app exits."""
        if getattr(self, "_hung_up", False):
            return
        self._hung_up = True
        from screens.drafts import keep_open_forms

        try:
            keep_open_forms(self)
        finally:
            self.exit()

    def on_unmount(self) -> None:
        import signal

        before = getattr(self, "_hangup_before", None)
        if before is not None:
            signal.signal(signal.SIGHUP, before)
            self._hangup_before = None

    def _read_drafts(self) -> None:
        """At sign-in (in the notifications' worker): the drafts a hang-up kept for this
        staff member, offered back."""
        from data.drafts import drafts

        found = drafts(self.staff.id)
        if found:
            self.call_from_thread(self._offer_drafts, found)

    def _offer_drafts(self, found: list) -> None:
        from screens.drafts import offer

        offer(self, found)

    # --- global actions --------------------------------------------------------------------

    def _entry(self, name: str) -> ScreenEntry:
        return next(entry for entry in SCREENS if entry.name == name)

    def _landing_screen(self) -> Screen:
        if self.staff.role == access.GUARD:
            from screens.registers import RegistersScreen

            screen = RegistersScreen()
            screen.registry_name = "registers"
            return screen
        return HomeScreen()

    def may_open(self, name: str) -> bool:
        """Is the screen built, and may the signed-in role open it? (A gate guard opens
        the registers only: no owners, work orders, calendar, calls or inbox.)"""
        entry = self._entry(name)
        if entry.factory is None:
            return False
        if name == "home":  # back to the first screen, whatever it is for this role
            return True
        return self.staff.role in entry.roles

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "open_screen" and parameters:
            return self.may_open(str(parameters[0]))
        return True

    def action_open_screen(self, name: str) -> None:
        entry = self._entry(name)
        if not self.may_open(name) or entry.factory is None:
            return
        if name == "home":
            while len(self.screen_stack) > HOME_DEPTH:
                self.pop_screen()
            return
        for screen in self.screen_stack:
            if isinstance(screen, DeskScreen) and screen.registry_name == name:
                # Already open: bring it to the top rather than stacking a second copy.
                while self.screen is not screen:
                    self.pop_screen()
                screen.reopened()
                return
        screen = entry.factory()
        if isinstance(screen, DeskScreen):
            screen.registry_name = name
        self.push_screen(screen)

    def action_open_register(self, name: str) -> None:
        """A register by its name from the palette: the registers screen, at that register."""
        from screens.registers import RegistersScreen

        self.action_open_screen("registers")
        screen = self.screen
        if not isinstance(screen, RegistersScreen):
            return
        if screen.is_mounted:
            screen.show_tab(name)
        elif name in [cls.NAME for cls in screen.tabs]:
            screen.current = name  # just pushed: it opens at this register

    def action_toggle_help(self) -> None:
        """F1: the keys of the screen on top (F1 again, or escape, closes the list)."""
        from widgets.key_help import KeyHelpModal, key_groups  # on the first F1, not at start

        if isinstance(self.screen, KeyHelpModal):
            self.screen.dismiss(None)
            return
        screen = self.screen
        title = screen.screen_title if isinstance(screen, DeskPage) else ""
        self.push_screen(KeyHelpModal(title or _("FrontDesk"), key_groups(screen)))

    def action_command_palette(self) -> None:
        """ctrl+p: Textual's palette, with its own words in the interface language."""
        if self.use_command_palette and not DeskCommandPalette.is_open(self):
            self.push_screen(DeskCommandPalette(id="--command-palette"))

    async def action_back(self) -> None:
        screen = self.screen
        if isinstance(screen, DeskScreen) and screen.give_up_writes():
            return  # escape gave up a write waiting for another desk; what was typed stays
        if len(self.screen_stack) <= HOME_DEPTH:
            return
        if _dirty(self.screen):
            from widgets.confirm import ConfirmModal  # loaded when first asked, not at start

            async def discard(ok: bool | None) -> None:
                if ok:
                    await self.pop_screen()

            self.push_screen(ConfirmModal(_("Discard what you typed on this screen?")), discard)
            return
        self.pop_screen()

    async def action_quit(self) -> None:
        if any(_dirty(s) for s in self.screen_stack):
            from widgets.confirm import ConfirmModal

            self.push_screen(
                ConfirmModal(_("Some typed input is not saved. Quit anyway?")),
                lambda ok: self.exit() if ok else None,
            )
            return
        self.exit()

    def action_new_order(self) -> None:
        """The new-order form, from anywhere (the cards prefill person and room with `o`)."""
        from screens.workorder import open_new_order

        if not access.can("order.create"):
            return
        open_new_order(self.screen)

    def action_import_roster(self) -> None:
        """Ask for a roster file and import it with a progress bar (administrators only)."""
        from screens.roster_import import import_form, start_import

        if self.staff.role not in IMPORT_ROLES:
            self.notify(_("Only administrators import rosters."), severity="error", markup=False)
            return
        self.push_screen(import_form(), lambda values: start_import(self, values))

    def action_open_leads(self) -> None:
        """潜在客户: the leads pipeline (desk staff and leads; data/access.py "lead.manage"),
        brought back on top when it is open already."""
        from screens.leads import LeadsScreen, may_open_leads

        if not may_open_leads():
            self.notify(_("Leads are for the desk staff and their supervisors."), severity="error",
                        markup=False)
            return
        for screen in self.screen_stack:
            if isinstance(screen, LeadsScreen):
                while self.screen is not screen:
                    self.pop_screen()
                screen.refresh_data()
                return
        self.push_screen(LeadsScreen())

    def action_open_property(self) -> None:
        """The property structure: communities, buildings, rooms (administrators only)."""
        from screens.property import PROPERTY_ROLES, PropertyScreen

        if self.staff.role not in PROPERTY_ROLES:
            self.notify(_("Only administrators manage communities and rooms."), severity="error", markup=False)
            return
        self.push_screen(PropertyScreen())

    def action_open_handover(self) -> None:
        """The shift handover (交接班): desk staff and leads."""
        from screens.handover import HandoverScreen

        if not access.can("handover.read", self.staff.id):
            self.notify(_("Only desk staff and leads keep the shift handover."), severity="error", markup=False)
            return
        for screen in self.screen_stack:
            if isinstance(screen, HandoverScreen):  # already open: bring it back on top
                while self.screen is not screen:
                    self.pop_screen()
                return
        self.push_screen(HandoverScreen())

    def action_public_accounts(self) -> None:
        """公示: the public accounts form (whoever reads fees)."""
        from screens.fees_desk import open_accounts_form

        open_accounts_form(self.screen)

    # --- command palette -------------------------------------------------------------------

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """Every screen and action, findable by Chinese name, English name or pinyin initials."""
        screens = list(self._screen_entries())
        actions = list(self._action_entries(screen))
        # Each register by its own name (代收, 访客, 钥匙 …) from any screen (登记 lists its
        # registers itself), but for a name another entry has.
        registers = not_named_like(self._register_entries(screen), screens + actions)
        for title, help_text, callback in screens + registers + actions:
            yield self._command(title, help_text, callback)

    def _screen_entries(self) -> Iterator[tuple[str, str, Callable]]:
        """The screens this role may open: (title id, help, callback)."""
        for entry in SCREENS:
            if not self.may_open(entry.name) or (entry.name == "home" and self.staff.role == access.GUARD):
                continue
            if entry.key:
                help_text = _("Open this screen · key {key}").format(
                    key="Esc" if entry.key == "escape" else entry.key.upper())
            else:
                help_text = _("Open this screen")
            yield entry.title, help_text, lambda name=entry.name: self.action_open_screen(name)

    def _register_entries(self, screen: Screen) -> Iterator[tuple[str, str, Callable]]:
        """Each register as an entry of its own, from any screen but the registers'; loaded
        when the palette opens, not at start."""
        if not self.may_open("registers") or screen.id == "registers":
            return
        from screens.registers.screen import visible_tabs

        for number, cls in enumerate(visible_tabs(), start=1):
            yield (cls.TITLE, _("Registers: {title} ({key})").format(title=cls.title(), key=number),
                   lambda name=cls.NAME: self.action_open_register(name))

    def _action_entries(self, screen: Screen) -> Iterator[tuple[str, str, Callable]]:
        """The screen's own actions, then the app's (but for a title the screen offers)."""
        screen_commands = list(screen.palette_commands()) if isinstance(screen, DeskPage) else []
        yield from screen_commands
        offered = {title for title, _h, _c in screen_commands}  # the screen's own wins (its context)
        yield from (entry for entry in self._app_actions() if entry[0] not in offered)

    def _app_actions(self) -> Iterator[tuple[str, str, Callable]]:
        """The app's own actions, from any screen."""
        if access.can("order.create"):
            yield N_("New work order"), _("Repair, complaint, inquiry or suggestion"), self.action_new_order
        if access.can("lead.manage"):
            yield N_("Leads"), _("Pipeline, follow-ups due, funnel statistics"), self.action_open_leads
        if self.staff.role in IMPORT_ROLES:
            yield N_("Import owner roster"), _("A .csv or .xlsx roster (administrators)"), self.action_import_roster
            yield (N_("Property structure"), _("Communities, buildings and rooms with their areas (administrators)"),
                   self.action_open_property)
        if access.can("fees.view", self.staff.id):
            yield (N_("Public accounts"), _("The fee board, a quarter's or a half-year's statement as PDF or XLSX"),
                   self.action_public_accounts)
        if access.can("handover.read", self.staff.id):
            yield (N_("Shift handover"), _("Draft and hand over your shift, take over the previous one, "
                                           "search the history"), self.action_open_handover)
        yield N_("Help"), _("Keys of this screen (F1)"), self.action_toggle_help
        yield N_("Change theme"), _("Colours of the interface"), self.action_change_theme
        yield N_("Quit"), _("Leave FrontDesk (Ctrl+Q)"), self.action_quit

    @staticmethod
    def _command(title: str, help_text: str, callback: Callable) -> SystemCommand:
        from data.pinyin import initials, text_pinyin  # when the palette opens, not at start

        chinese = in_language(title, "zh")
        name = f"{chinese} · {title} · {initials(chinese)}"
        aliases = [alias for alias in PALETTE_ALIASES.get(title, ()) if alias not in chinese]
        if aliases:
            name += " · " + " ".join(f"{alias} {text_pinyin(alias)[1]}" for alias in aliases)
        return SystemCommand(name, help_text, callback)
