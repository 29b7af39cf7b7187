"""公告: the notices screen (issue 19 items 1, 5, 6) — the notices (status, template, title,
whom, reached x/y) above, the chosen one's text and "未通知 N 户" with the households not
yet told below; n drafts one from a template, p publishes it, w writes the lobby board's
PDF (both in a thread worker: "publishing…" then the result, the screen answering keys
meanwhile, a second p or w while one runs doing nothing), x withdraws it, r marks the highlighted
household as told (asked how: 电话/上门/前台). v switches the households table between those not yet
told and those told (who, how, when, by whom), a page at a time (pgdn/pgup); u on a told
household undoes a marking by hand after a y/n question. t switches to the community activities:
n adds one, s signs up a household, a marks one as come."""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import DataTable, Label, Select, Static

from data import notices
from data.errors import FrontDeskError
from data.i18n import N_, _
from data.vocab import ACTIVITY_KINDS, NOTICE_CHANNELS, NOTICE_STATUSES, label
from widgets.app_header import AppHeader
from widgets.confirm import ConfirmModal
from widgets.desk import DeskModal, DeskScreen
from widgets.form import FormField, FormModal
from widgets.tables import fill_table

#: How a household was told, as the clerk reads it.
REACH_WAYS = {"call": N_("by phone"), "visit": N_("visit"), "desk": N_("at the desk"), "message": N_("message")}
#: The same, short, in the told households' table (短信/电话/上门/前台).
HOW_TOLD = {"call": N_("by phone"), "visit": N_("visit"), "desk": N_("told at the desk"), "message": N_("message")}


def _when(at) -> str:
    return f"{at:%m-%d %H:%M}" if at else "—"


#: Placeholders the app fills itself, and those the form asks for in their own fields.
_AUTO = ("小区", "楼栋", "联系电话", "日期")
_OWN_FIELDS = ("开始时间", "结束时间", "原因")


def _more_help(template_code: str) -> str:
    """What the "other values" field is for with this template (walk19 #15: it showed
    地点=…; 内容=… even for a water cut)."""
    tpl = notices.TEMPLATES.get(template_code)
    extra = [p for p in (tpl.placeholders if tpl else ()) if p not in _AUTO + _OWN_FIELDS]
    if not extra:
        return _("This template needs no other values.")
    return _("This template also needs: {pairs} (NAME=VALUE, separated by ;)").format(
        pairs="; ".join(f"{p}=…" for p in extra))


class NoticeForm(FormModal):
    """The notice form: the hint of "other values" follows the chosen template."""

    @on(Select.Changed, "#field-template")
    def _template_changed(self, event: Select.Changed) -> None:
        value = event.value if isinstance(event.value, str) else ""
        self.query_one("#help-more", Label).update(_more_help(value))


def notice_form(community: str = "") -> FormModal:
    """Draft a notice from a template; dismisses with its id. The examples are the fields'
    grey placeholders, each starting 例：, so none looks filled in (walk19 #10); with one
    community it is chosen already."""
    choices = notices.community_choices()
    if not community and len(choices) == 1:
        community = str(choices[0][1])
    fields = [
        FormField("template", _("Template"), "water", kind="select",
                  options=[(t.name, t.code) for t in notices.TEMPLATES.values()]),
        FormField("community", _("Community"), community, kind="select",
                  options=[(name, str(cid)) for name, cid in choices], placeholder=_("Choose the community")),
        FormField("targets", _("To"), placeholder=_("e.g. {example}").format(example="3, 5 · 3-2 · #独居老人 · 全体"),
                  help=_("buildings, entrances (3-2), a tag (#独居老人) or 全体")),
        FormField("starts", _("Start time"), placeholder=_("e.g. {example}").format(example="12月8日 9:00")),
        FormField("ends", _("End time"), placeholder=_("e.g. {example}").format(example="12月8日 17:00")),
        FormField("reason", _("Reason"), placeholder=_("e.g. {example}").format(example="市政管网维修")),
        FormField("more", _("Other values"), placeholder=_("NAME=VALUE; …"), help=_more_help("water")),
        FormField("publish_at", _("Publish at"), placeholder=_("e.g. {example}").format(example="2026-12-08 08:00"),
                  help=_("empty: when published")),
        FormField("expires", _("Expires"), placeholder=_("e.g. {example}").format(example="2026-12-08 18:00")),
    ]

    def save(values: dict[str, str]) -> int:
        from data.validators import parse_datetime

        given = {"开始时间": values["starts"], "结束时间": values["ends"], "原因": values["reason"]}
        for pair in [p for p in values["more"].replace("；", ";").split(";") if p.strip()]:
            name, _sep, value = pair.partition("=")
            given[name.strip()] = value.strip()
        view = notices.create_notice(
            values["template"], notices.community_id_of(values["community"]), values["targets"],
            {k: v for k, v in given.items() if v.strip()}, publish_at=parse_datetime(values["publish_at"], "publish_at"),
            expires_at=parse_datetime(values["expires"], "expires"))
        return view.id

    return NoticeForm(_("New notice"), fields, save)


class HowToldModal(DeskModal[str | None]):
    """How a household was told: 1 电话, 2 上门, 3 前台, one key each (enter: 电话, the call
    list's way); esc cancels. Dismisses with the way's code or None."""

    DEFAULT_CSS = """
    HowToldModal { align: center middle; }
    HowToldModal > Vertical { width: 60; height: auto; border: thick $primary; background: $surface; padding: 1 2; }
    HowToldModal Label { width: 100%; }
    """
    BINDINGS = [
        Binding("1,enter", "how('call')", N_("by phone")),
        Binding("2", "how('visit')", N_("visit")),
        Binding("3", "how('desk')", N_("at the desk")),
        Binding("escape", "cancel", N_("Cancel")),
    ]

    def __init__(self, room: str) -> None:
        super().__init__()
        self.room = room

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(_("How was {room} told?").format(room=self.room), markup=False)
            yield Label(_("1 / enter: by phone    2: visit    3: at the desk    esc: cancel"), markup=False)

    def action_how(self, how: str) -> None:
        self.dismiss(how)

    def action_cancel(self) -> None:
        self.dismiss(None)


class NoticesScreen(DeskScreen):
    """Notices above, the chosen notice below; t switches to the activities."""

    DEFAULT_CSS = """
    NoticesScreen #notices-list { height: 8; }
    NoticesScreen #activities-list { height: 8; }
    NoticesScreen #notice-detail { height: auto; max-height: 6; padding: 0 1; }
    NoticesScreen #notice-left { height: 1fr; }
    NoticesScreen .notices-title { color: $text-muted; padding: 0 1; }
    NoticesScreen #notice-state { height: auto; padding: 0 1; color: $warning; }
    NoticesScreen #notice-left-title { height: 1; padding: 0 1; text-style: bold; }
    """
    BINDINGS = [
        # Two bindings of n, one shown in each view: "New" alone is a work order status (待派单).
        Binding("n", "new_notice", N_("New notice")),
        Binding("n", "new_activity", N_("New activity")),
        Binding("p", "publish", N_("Publish")),
        Binding("w", "pdf", N_("PDF")),
        Binding("x", "withdraw", N_("Withdraw notice"), show=False),
        Binding("r", "reached", N_("Told"), show=False),
        Binding("v", "toggle_told", N_("Told/not told"), tooltip=N_("Show the households told or those not yet told")),
        Binding("u", "undo_told", N_("Undo told")),
        # Priority over the table's own page keys, but only while there is a page to go to
        # (check_action): otherwise pgdn/pgup scroll the table as usual.
        Binding("pagedown", "next_page", N_("Next page"), show=False, priority=True),
        Binding("pageup", "previous_page", N_("Previous page"), show=False, priority=True),
        Binding("s", "signup", N_("Sign up"), show=False),
        Binding("a", "attend", N_("Came"), show=False),
        Binding("t", "switch_view", N_("Notices/activities")),
        Binding("escape", "app.back", N_("Back")),
    ]

    def __init__(self, notice_id: int | None = None) -> None:
        super().__init__()
        self.rows: list[notices.NoticeRow] = []
        self.left: list[notices.DeliveryRow] = []  # the households the table shows (this page)
        self.show_told = False  # the households table: those told (v) or those not yet told
        self.cursors: list[tuple[str, int] | None] = [None]  # keyset cursors of the pages so far
        self.page: notices.DeliveryPage | None = None
        self.published = False  # the chosen notice was published: it has households
        self.shown_id: int | None = None  # the notice whose households the table shows
        self.activity_rows: list[notices.ActivityView] = []
        self.notice_id = notice_id
        self.activity_id: int | None = None
        self.show_activities = False
        self.running: set[str] = set()  # "publish" / "pdf" while their worker runs

    @property
    def screen_title(self) -> str:
        return _("Notices")

    def compose(self) -> ComposeResult:
        yield AppHeader()
        yield Label(_("Notices"), classes="notices-title", id="notices-heading")
        yield DataTable(id="notices-list", cursor_type="row")
        yield DataTable(id="activities-list", cursor_type="row")
        yield Static("", id="notice-state")
        yield Static("", id="notice-detail")
        yield Label("", id="notice-left-title", markup=False)
        yield DataTable(id="notice-left", cursor_type="row", zebra_stripes=True)
        yield self.footer()

    def on_mount(self) -> None:
        self.query_one("#activities-list").display = False
        self.query_one("#notice-state").display = False
        self.query_one("#notices-list").focus()
        self.load()

    def refresh_data(self) -> None:
        self.load()

    def check_action(self, action: str, parameters) -> bool | None:
        if action in ("signup", "attend", "new_activity"):
            return self.show_activities
        if action in ("publish", "pdf", "withdraw", "new_notice"):
            return not self.show_activities
        if action == "toggle_told":
            return not self.show_activities and self.published
        if action == "next_page":
            return not self.show_activities and self.page is not None and self.page.next_cursor is not None
        if action == "previous_page":
            return not self.show_activities and self.published and len(self.cursors) > 1
        if action == "reached":
            return not self.show_activities and not self.show_told
        if action == "undo_told":
            return not self.show_activities and self.published and self.show_told
        return True

    # --- loading ---------------------------------------------------------------------------

    def load(self) -> None:
        if self.show_activities:
            self._load_activities()
            return
        self.rows = notices.list_notices()
        ids = [r.id for r in self.rows]
        if self.notice_id not in ids:
            self.notice_id = ids[0] if ids else None
        fill_table(self.query_one("#notices-list", DataTable),
                   (_("Status"), _("Notice"), _("Title"), _("To"), _("Told")),
                   [(Text(label(NOTICE_STATUSES, r.status)), Text(r.template), Text(r.title), Text(r.target),
                     Text(f"{r.reached}/{r.households}")) for r in self.rows])
        if self.notice_id in ids:
            self.query_one("#notices-list", DataTable).move_cursor(row=ids.index(self.notice_id))
        self._show_notice()

    def _show_notice(self) -> None:
        detail = self.query_one("#notice-detail", Static)
        table = self.query_one("#notice-left", DataTable)
        if self.notice_id is None:
            detail.update(Text(_("No notices yet: n drafts one from a template.")))
            self.published, self.left = False, []
            self._left_title("")
            fill_table(table, (_("Room"),), [])
            self.refresh_bindings()
            return
        view = notices.get_notice(self.notice_id)
        if view.id != self.shown_id:  # another notice: its households from their first page
            self.shown_id, self.cursors = view.id, [None]
        text = Text()
        text.append(f"{view.title}  [{label(NOTICE_STATUSES, view.status)}]\n", style="bold")
        # "未通知 N 户" comes before the text: the detail is six lines at 80×24 and the body
        # is what may be cut short.
        text.append(_("Not told: {count} households (told {reached} of {households})").format(
            count=view.unreached, reached=view.reached, households=view.households) + "\n",
            style="bold red" if view.unreached else "green")
        text.append(_("To: {target} · publish {publish} · expires {expires}").format(
            target=view.target, publish=_when(view.publish_at or view.published_at),
            expires=_when(view.expires_at)) + "\n")
        if view.status in ("draft", "scheduled") and not notices.message_channel_ready():
            text.append(_("No message channel is configured: households with a mobile will be on the call list.") + "\n",
                        style="yellow")
        text.append(" ".join(view.body.split())[:150])
        detail.update(text)
        self.published = view.published_at is not None
        self.refresh_bindings()
        self._show_households()

    def _left_title(self, text: str) -> None:
        title = self.query_one("#notice-left-title", Label)
        title.update(text)
        title.display = bool(text)

    def _show_households(self) -> None:
        """The chosen notice's households, one page: those not yet told (room, person,
        channel, number) or, after v, those told (room, person, number, how, when, by whom)."""
        table = self.query_one("#notice-left", DataTable)
        if self.notice_id is None or not self.published:
            self.page, self.left = None, []
            self._left_title("")
            fill_table(table, (_("Room"), _("Person"), _("Channel"), _("Number")), [])
            return
        page = notices.delivery_page(self.notice_id, told=self.show_told, after=self.cursors[-1])
        if not page.rows and len(self.cursors) > 1:  # the last page emptied (an undo): back one
            self.cursors.pop()
            page = notices.delivery_page(self.notice_id, told=self.show_told, after=self.cursors[-1])
        self.page, self.left = page, page.rows
        self.refresh_bindings()
        if self.show_told:
            title = _("Told: {told} households (not told {not_told})").format(told=page.told, not_told=page.not_told)
            fill_table(table, (_("Room"), _("Person"), _("Number"), _("How"), _("When"), _("By")),
                       [(Text(d.room), Text(d.person), Text(d.number), Text(label(HOW_TOLD, d.how)),
                         Text(_when(d.reached_at)), Text(d.staff)) for d in page.rows])
        else:
            title = _("Not told: {not_told} households (told {told})").format(told=page.told, not_told=page.not_told)
            fill_table(table, (_("Room"), _("Person"), _("Channel"), _("Number")),
                       [(Text(d.room), Text(d.person), Text(label(NOTICE_CHANNELS, d.channel)), Text(d.number))
                        for d in page.rows])
        if len(self.cursors) > 1 or page.next_cursor is not None:
            title += " · " + _("page {page}").format(page=len(self.cursors))
        if page.next_cursor is not None:
            title += " · " + _("pgdn more")
        title += " · " + (_("v: not told") if self.show_told else _("v: told"))
        self._left_title(title)

    def _load_activities(self) -> None:
        self.activity_rows = notices.list_activities()
        ids = [a.id for a in self.activity_rows]
        if self.activity_id not in ids:
            self.activity_id = ids[0] if ids else None
        fill_table(self.query_one("#activities-list", DataTable),
                   (_("Kind"), _("Activity"), _("When"), _("Place"), _("Signed"), _("Came")),
                   [(Text(label(ACTIVITY_KINDS, a.kind)), Text(a.title), Text(_when(a.starts_at)), Text(a.place),
                     Text(f"{a.signed}/{a.capacity}"), Text(str(a.attended))) for a in self.activity_rows])
        if self.activity_id is not None:
            self.query_one("#activities-list", DataTable).move_cursor(row=ids.index(self.activity_id))
        self._show_activity()

    def _show_activity(self) -> None:
        """The chosen activity's line and its sign-ups. Only this part follows the cursor: refilling
        the list from here re-highlighted its first row, whose handler chose that row and
        refilled the list again — an endless loop that froze the app (walk19 #1)."""
        detail = self.query_one("#notice-detail", Static)
        table = self.query_one("#notice-left", DataTable)
        if self.activity_id is None:
            detail.update(Text(_("No activities yet: n adds one.")))
            fill_table(table, (_("Room"),), [])
            return
        view = notices.get_activity(self.activity_id)
        detail.update(Text(_("{title} · {when} · {place} · {signed} of {capacity} places, {households} households").format(
            title=view.title, when=_when(view.starts_at), place=view.place, signed=view.signed,
            capacity=view.capacity, households=view.households)))
        fill_table(table, (_("Room"), _("Person"), _("People"), _("Came")),
                   [(Text(s.room), Text(s.person), Text(str(s.people)), Text("✓" if s.attended else ""))
                    for s in view.signups])

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        row = event.cursor_row
        if event.data_table.id == "notices-list" and 0 <= row < len(self.rows):
            if self.rows[row].id != self.notice_id:
                self.notice_id = self.rows[row].id
                self._show_notice()
        elif event.data_table.id == "activities-list" and 0 <= row < len(self.activity_rows):
            if self.activity_rows[row].id != self.activity_id:
                self.activity_id = self.activity_rows[row].id
                self._show_activity()

    # --- actions ---------------------------------------------------------------------------

    def action_switch_view(self) -> None:
        self.show_activities = not self.show_activities
        self.query_one("#notices-list").display = not self.show_activities
        self.query_one("#activities-list").display = self.show_activities
        self.query_one("#notices-heading", Label).update(
            _("Community activities") if self.show_activities else _("Notices"))
        self.query_one("#activities-list" if self.show_activities else "#notices-list").focus()
        self.refresh_bindings()
        self.load()

    def _run(self, job, done: str | None = None) -> None:
        """A one-key write in a worker (DeskScreen.run_write: behind another desk it says so,
        leaving gives it up): what it did, then the list read again; or why not."""
        def finished(result: object) -> None:
            self.notify(done or str(result), markup=False)
            self.load()

        self.run_write(job, done=finished)

    def action_new_notice(self) -> None:
        self.app.push_screen(notice_form(), self._saved_notice)

    def action_new_activity(self) -> None:
        self.app.push_screen(self._activity_form(), self._saved_activity)

    def _saved_activity(self, activity_id: int | None) -> None:
        """Says which draft notice announces the new activity (nothing is written to a file:
        w on that notice prints its PDF when the clerk asks)."""
        if not activity_id:
            return
        self.activity_id = activity_id
        view = notices.get_activity(activity_id)
        if view.notice_id:
            self.notify(_("Activity added; its draft notice #{id} is in the notice list (t, then p publishes it).").format(
                id=view.notice_id), markup=False)
        self.load()

    def _saved_notice(self, notice_id: int | None) -> None:
        if notice_id:
            self.notice_id = notice_id
            self.notify(_("Notice drafted: p publishes it."), markup=False)
            self.load()

    def _saved(self, result) -> None:
        if result:
            self.load()

    def _state(self, text: str, style: str = "") -> None:
        """The line above the notice's detail: "publishing…", then the result."""
        state = self.query_one("#notice-state", Static)
        state.update(Text(text, style=style))
        state.display = bool(text)

    def _start(self, name: str, busy_words: str, job: Callable[[], str]) -> None:
        """Run `job` in a thread worker unless one called `name` is running already (then
        the key does nothing): "… in progress" meanwhile, its result or refusal after."""
        if name in self.running:
            return
        self.running.add(name)
        self._state(busy_words)
        self._in_thread(name, job)

    @work(thread=True, group="notice-jobs", exit_on_error=False)
    def _in_thread(self, name: str, job: Callable[[], str]) -> None:
        said, failed = "", True
        try:
            said, failed = job(), False
        except FrontDeskError as exc:
            said = exc.message
        except Exception as exc:  # shown to the clerk: the screen stays usable
            said = _("It did not work: {error}").format(error=exc)
        finally:
            self.app.call_from_thread(self._finished, name, said, failed)

    def _given_up(self, name: str) -> None:
        """esc while it waited for another desk: nothing was done (run_write said so)."""
        self.running.discard(name)
        self._state("")

    def _finished(self, name: str, said: str, failed: bool) -> None:
        self.running.discard(name)
        self._state(said, "red" if failed else "green")
        self.notify(said, severity="error" if failed else "information", markup=False)
        if not failed and self.is_attached:
            self.load()

    def action_publish(self) -> None:
        """p: publish the chosen notice in a worker — the messages go out one by one through
        the message hook and the call list is built, the screen answering keys meanwhile."""
        if self.notice_id is None or "publish" in self.running:
            return
        nid, staff = self.notice_id, getattr(getattr(self.app, "staff", None), "id", None)

        def publish() -> tuple[str, bool]:
            try:
                return notices.publish_notice(nid, staff).message, False
            except FrontDeskError:
                raise  # refused, or given up while waiting for another desk (esc)
            except Exception as exc:  # shown to the clerk: the screen stays usable
                return _("It did not work: {error}").format(error=exc), True

        # A write (DeskScreen.run_write): behind another desk it says so, and esc gives it up
        # before anything is published (once published, the messages go on to the end).
        if self.run_write(publish, done=lambda got: self._finished("publish", *got),
                          refused=lambda exc: self._finished("publish", exc.message, True),
                          cancelled=lambda: self._given_up("publish"), stays=True,
                          group="notice-jobs"):
            self.running.add("publish")
            self._state(_("Publishing…: sending the messages and building the call list."))

    def action_pdf(self) -> None:
        """w: the lobby board's PDF, written in a worker."""
        if self.notice_id is not None:
            nid, staff = self.notice_id, getattr(getattr(self.app, "staff", None), "id", None)
            self._start("pdf", _("Writing the PDF…"),
                        lambda: _("Written: {path}").format(path=notices.notice_pdf(nid, staff)))

    def action_withdraw(self) -> None:
        """x: withdraw (撤回公告) the chosen notice, asked first: it cannot be published again and
        the calls still pending on its list are cancelled (walk19b N1: it went at once)."""
        if self.notice_id is None:
            return
        nid = self.notice_id
        try:
            view = notices.get_notice(nid)
            pending = notices.pending_calls(nid)
        except FrontDeskError as exc:
            self.notify(exc.message, severity="error", markup=False)
            return
        if view.status == "withdrawn":
            self.notify(_("This notice was withdrawn already."), severity="warning", markup=False)
            return
        question = _("Withdraw the notice “{title}”? A withdrawn notice cannot be published again, and the calls "
                     "not yet made are cancelled ({count} households).").format(title=view.title, count=pending)

        def answered(yes: bool | None) -> None:
            if yes:
                self._run(lambda: notices.withdraw_notice(nid), _(
                    "Notice withdrawn; {count} pending calls cancelled.").format(count=pending))

        self.app.push_screen(ConfirmModal(question), answered)

    def action_reached(self) -> None:
        """r: the household highlighted in the list of those not told was told — asked how
        (电话/上门/前台); it leaves the notice's call list. Only from that list (walk19 #4: r
        from the notice list marked its first household)."""
        table = self.query_one("#notice-left", DataTable)
        row = table.cursor_row
        if self.notice_id is None or not table.has_focus or not 0 <= row < len(self.left):
            self.notify(_("Choose a household in the list of those not told (tab), then r."), severity="warning",
                        markup=False)
            return
        nid, home = self.notice_id, self.left[row]

        def told(how: str | None) -> None:
            if how:
                self._run(lambda: notices.mark_reached(nid, home.room_id, how),
                          _("{room} marked as told ({how}).").format(room=home.room, how=label(REACH_WAYS, how)))

        self.app.push_screen(HowToldModal(home.room), told)

    def action_toggle_told(self) -> None:
        """v: the households table shows those told, or again those not yet told."""
        self.show_told = not self.show_told
        self.cursors = [None]
        self.refresh_bindings()
        self._show_households()

    def action_next_page(self) -> None:
        if self.page is not None and self.page.next_cursor is not None:
            self.cursors.append(self.page.next_cursor)
            self._show_households()

    def action_previous_page(self) -> None:
        if len(self.cursors) > 1:
            self.cursors.pop()
            self._show_households()

    def action_undo_told(self) -> None:
        """u: the highlighted told household was not told after all (marked by mistake):
        asked y/n, it goes back to those not yet told (and to the call list). A household
        told by a text message that was sent cannot be undone."""
        table = self.query_one("#notice-left", DataTable)
        row = table.cursor_row
        if self.notice_id is None or not self.show_told or not 0 <= row < len(self.left):
            self.notify(_("Choose a household in the list of those told (v, tab), then u."), severity="warning",
                        markup=False)
            return
        nid, home = self.notice_id, self.left[row]
        if home.how == "message":
            self.notify(_("{room} was told by a text message that was sent: that cannot be undone.").format(
                room=home.room), severity="error", markup=False)
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self._run(lambda: notices.undo_reached(nid, home.room_id),
                          _("{room} is back among the households not told.").format(room=home.room))

        self.app.push_screen(ConfirmModal(_("Undo “told” ({how}, {when}) for {room}? It goes back among those not told.").format(
            how=label(REACH_WAYS, home.how), when=_when(home.reached_at), room=home.room)), answered)

    def _activity_form(self) -> FormModal:
        choices = notices.community_choices()
        fields = [
            FormField("kind", _("Kind"), "sports", kind="select",
                      options=[(label(ACTIVITY_KINDS, c), c) for c in ACTIVITY_KINDS]),
            FormField("title", _("Title"), placeholder=_("e.g. {example}").format(example="邻里运动会")),
            FormField("community", _("Community"), str(choices[0][1]) if len(choices) == 1 else "", kind="select",
                      options=[(name, str(cid)) for name, cid in choices], placeholder=_("Choose the community")),
            FormField("place", _("Place"), placeholder=_("e.g. {example}").format(example="小区中心广场")),
            FormField("at", _("When"), placeholder=_("e.g. {example}").format(example="2026-12-12 09:00")),
            FormField("capacity", _("Capacity"), placeholder=_("e.g. {example}").format(example="80")),
        ]

        def save(values: dict[str, str]) -> int:
            from data.errors import ValidationError
            from data.validators import parse_datetime

            at = parse_datetime(values["at"], "at")
            if at is None:
                raise ValidationError("at", _("Give the date and time of the activity."))
            try:
                capacity = int(values["capacity"].strip())
            except ValueError:
                raise ValidationError("capacity", _("The capacity is a number of people.")) from None
            return notices.create_activity(values["kind"], values["title"], notices.community_id_of(values["community"]),
                                           values["place"], at, capacity).id

        return FormModal(_("New activity"), fields, save)

    def _room_form(self, title: str, people: bool) -> FormModal:
        """The room to sign up (typed) or to mark as come: the highlighted sign-up's room,
        still editable (walk19 #11)."""
        room = ""
        if not people:
            table = self.query_one("#notice-left", DataTable)
            signups = notices.get_activity(self.activity_id).signups if self.activity_id is not None else ()
            if 0 <= table.cursor_row < len(signups):
                room = signups[table.cursor_row].room
        fields = [FormField("room", _("Room"), room, placeholder=_("e.g. {example}").format(example="3-2-501"))]
        if people:
            fields.append(FormField("people", _("People"), "1"))
        aid = self.activity_id

        def save(values: dict[str, str]) -> int:
            from data.errors import ValidationError

            if aid is None:
                raise ValidationError("room", _("Add an activity first (n)."))
            if people:
                try:
                    count = int(values["people"].strip())
                except ValueError:
                    raise ValidationError("people", _("The number of people is a whole number.")) from None
                notices.sign_up(aid, values["room"], count)
            else:
                notices.mark_attended(aid, values["room"], True)
            return aid

        return FormModal(title, fields, save)

    def action_signup(self) -> None:
        self.app.push_screen(self._room_form(_("Sign up a household"), True), self._saved)

    def action_attend(self) -> None:
        self.app.push_screen(self._room_form(_("Mark a household as come"), False), self._saved)
