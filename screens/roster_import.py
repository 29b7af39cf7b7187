"""导入业主名册: the roster import of `frontdesk import owners`, for administrators in the TUI."""

from __future__ import annotations

from pathlib import Path

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.timer import Timer
from textual.widgets import Label, ProgressBar, TextArea

from data.errors import FrontDeskError, ValidationError
from data.i18n import N_, _
from data.waits import WriteCancelled, WriteWait, cancellable
from widgets import saving
from widgets.desk import DeskModal
from widgets.form import FormField, FormModal


def import_form() -> FormModal:
    """Ask for the file, the community and whether to skip bad rows; dismisses with them."""
    fields = [
        FormField("path", _("File"), placeholder="/home/desk/业主名册.xlsx",
                  help=_(".csv (UTF-8 or GBK) or .xlsx; headers 小区 房号 姓名 身份 手机 证件号码 车牌 标签 备注")),
        # (a workbook of several sheets is asked about next: sheet_form)
        FormField("community", _("Community"), placeholder=_("only when the file has no 小区 column")),
        FormField("skip", _("Bad rows"), "no", kind="select",
                  options=[(_("import nothing"), "no"), (_("skip them, import the rest"), "yes")]),
    ]

    def check(values: dict[str, str]) -> dict[str, str]:
        path = Path(values["path"].strip()).expanduser()
        if not values["path"].strip():
            raise ValidationError("path", _("Enter the path of the roster file."))
        if not path.is_file():
            raise ValidationError("path", _("File not found: {path}").format(path=path))
        return {**values, "path": str(path)}

    return FormModal(_("Import an owner roster"), fields, check)


_AUTO = "\x00auto"  # the sheet-choice option "recognise it" (never a sheet's name)


def sheet_form(sheets: list[str]) -> FormModal:
    """Which sheet of a workbook of several to import; dismisses with {"sheet": name}
    (`_AUTO` = the sheet whose headers are recognised)."""
    options = [(_("the one whose headers are recognised"), _AUTO)] + [(name, name) for name in sheets]
    fields = [FormField("sheet", _("Sheet"), _AUTO, kind="select", options=options,
                        help=_("This workbook has {count} sheets.").format(count=len(sheets)))]
    return FormModal(_("Which sheet?"), fields, lambda values: values)


def start_import(app, values: dict[str, str] | None) -> None:
    """After the import form: ask which sheet when the workbook has several, then run
    the import screen."""
    from data.roster import sheet_names

    if not values:
        return
    try:
        sheets = sheet_names(Path(values["path"]))
    except FrontDeskError:  # unreadable: the import screen says why
        sheets = []

    def run(sheet: str) -> None:
        app.push_screen(ImportScreen(values["path"], values["community"], values["skip"] == "yes",
                                     sheet="" if sheet == _AUTO else sheet))

    def chosen(picked: dict[str, str] | None) -> None:
        if picked is not None:
            run(picked["sheet"])

    if len(sheets) > 1:
        app.push_screen(sheet_form(sheets), chosen)
    else:
        run("")


class ImportScreen(DeskModal[None]):
    """Runs the import in a worker with a progress bar, then shows the summary. Its one
    transaction may wait for another desk's: when its first row is not written within
    WAIT_NOTICE_S (widgets.saving) the line under the bar says so, and esc gives the import up (the
    transaction rolls back: nothing is imported); otherwise it cannot be stopped half-way."""

    DEFAULT_CSS = """
    ImportScreen { align: center middle; }
    ImportScreen > Vertical {
        width: 78; max-width: 100%; height: 20; max-height: 100%;
        border: thick $primary; background: $surface; padding: 0 1;
    }
    ImportScreen #import-title { text-style: bold; }
    ImportScreen #import-waiting { color: $warning; }
    ImportScreen TextArea { height: 1fr; }
    """
    BINDINGS = [Binding("escape", "close", N_("Close"))]

    class Progressed(Message):
        def __init__(self, done: int, total: int) -> None:
            super().__init__()
            self.done, self.total = done, total

    class Writing(Message):
        """Every row is checked: the transaction begins (it may wait for another desk)."""

    class Finished(Message):
        def __init__(self, text: str, ok: bool) -> None:
            super().__init__()
            self.text, self.ok = text, ok

    def __init__(self, path: str, community: str, skip_invalid: bool, *, sheet: str = "") -> None:
        super().__init__()
        self.path, self.community, self.skip_invalid = path, community, skip_invalid
        self.sheet = sheet
        self.running = True
        self.waits = False  # no row written for a while: waiting for another desk (said)
        self._wait = WriteWait()  # esc gives the import up through it while it waits
        self._stall: Timer | None = None

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(_("Importing {path}").format(path=self.path), id="import-title", markup=False)
            yield ProgressBar(id="import-progress", show_eta=False)
            yield Label("", id="import-waiting", markup=False)
            yield TextArea("", id="import-result", read_only=True, soft_wrap=True)
            yield Label(_("esc closes when the import has finished"), markup=False)

    def on_mount(self) -> None:
        self.run_import()

    @work(thread=True, exclusive=True, group="roster-import", exit_on_error=False)
    def run_import(self) -> None:
        from data.roster import import_owners

        def progress(done: int, total: int) -> None:
            if done == total or done % max(1, total // 100) == 0:  # about a hundred updates
                self.post_message(self.Progressed(done, total))

        def writing() -> None:
            self.post_message(self.Writing())

        try:
            with cancellable(self._wait):
                report = import_owners(
                    self.path,
                    community=self.community or None,
                    sheet=self.sheet or None,
                    skip_invalid=self.skip_invalid,
                    rejects_to_exports=True,  # never a file the user names (issue 12)
                    progress=progress,
                    writing=writing,
                )
        except WriteCancelled:
            self.post_message(self.Finished(_given_up(), ok=False))
            return
        except FrontDeskError as exc:
            self.post_message(self.Finished(exc.message, ok=False))
            return
        except Exception:
            if self._wait.cancelled:  # a statement cancelled on PostgreSQL: its database error
                self.post_message(self.Finished(_given_up(), ok=False))
                return
            raise
        self.post_message(self.Finished(report.summary(), ok=True))

    def _watch(self) -> None:
        """WAIT_NOTICE_S from the transaction's start without a row written, the line says it
        waits (for the lock: once rows are written the import no longer waits for a desk)."""
        if self._stall is not None:
            self._stall.stop()
        self._stall = self.set_timer(saving.WAIT_NOTICE_S, self._stalled)

    def _stalled(self) -> None:
        self._stall = None
        if self.running and not self._wait.cancelled:
            self.waits = True
            self.query_one("#import-waiting", Label).update(
                _("Waiting for another desk… esc gives the import up, nothing is imported."))

    def on_import_screen_writing(self, message: Writing) -> None:
        message.stop()
        self._watch()

    def on_import_screen_progressed(self, message: Progressed) -> None:
        self.query_one(ProgressBar).update(total=message.total, progress=message.done)
        if self.waits:
            self.waits = False
            self.query_one("#import-waiting", Label).update("")
        # Rows are being written: the transaction has its lock (SQLite) and esc could no longer
        # give it up whole — a slow batch after this is not "waiting for another desk".
        if self._stall is not None:
            self._stall.stop()
            self._stall = None

    def on_import_screen_finished(self, message: Finished) -> None:
        self.running = False
        self.waits = False
        if self._stall is not None:
            self._stall.stop()
            self._stall = None
        self.query_one("#import-waiting", Label).update("")
        bar = self.query_one(ProgressBar)
        if message.ok:
            bar.update(total=bar.total or 1, progress=bar.total or 1)
        self.query_one(TextArea).text = message.text
        self.query_one(TextArea).focus()

    @property
    def write_waits(self) -> bool:
        """The import was said to wait for another desk: escape, which gives it up, skips
        the keys typed ahead (tui.typeahead)."""
        return self.waits or super().write_waits

    def action_close(self) -> None:
        if self.running and self.waits:
            self._wait.cancel()  # the transaction rolls back; Finished says so
            self.query_one("#import-waiting", Label).update(_("Giving the import up…"))
            return
        if self.running:
            self.notify(_("The import is still running; it cannot be stopped half-way."), markup=False)
            return
        self.dismiss(None)

    def _on_unmount(self) -> None:
        self._wait.cancel()  # (the app closing while it waits: nothing is imported)


def _given_up() -> str:
    """What the summary says when esc gave the import up (in the language of the moment)."""
    return _("Not imported: given up while waiting for another desk. Nothing was written.")
