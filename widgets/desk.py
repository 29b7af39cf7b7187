"""The one base of every FrontDesk screen (`DeskScreen`) and modal (`DeskModal`), and the
`DeskPage` protocol: what the app asks of the screen on top (SPEC §8).

A DeskScreen has its bindings translated and given ids (for the user keymap), `j`/`k` as
down/up in the list that has the focus, the app's header and a compact footer, and reads
its data again when it comes back on top (`refresh_data` on resume).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, ClassVar, Protocol, TypeVar, runtime_checkable

from textual import getters
from textual.app import App
from textual.binding import Binding
from textual.reactive import Reactive
from textual.screen import ModalScreen, Screen
from textual.widget import Widget
from textual.widgets import Footer

from data.i18n import N_
from widgets.app_header import AppHeader
from widgets.bindings import translate_bindings
from widgets.footer import DeskFooter
from widgets.saving import DeskWrites

#: A command palette entry of a screen: (title message id, help text, callback).
PaletteCommand = tuple[str, str, Callable[[], Any]]

T = TypeVar("T")


class SignedInStaff(Protocol):
    """What screens read of the signed-in account (data.staff.StaffInfo is one): widgets
    import nothing of data/ but the kernel, so the shape is written out here."""

    @property
    def id(self) -> int: ...
    @property
    def login(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def role(self) -> str: ...
    @property
    def community_id(self) -> int | None: ...
    @property
    def role_label(self) -> str: ...


class DeskApp(App[Any]):
    """What screens, modals and panes use of the running app beyond Textual's App; the
    FrontDesk app (tui.app.FrontDeskApp, which they may not import) is one. Their `app`
    is typed as this for the type checker only: at run time it is whatever app runs them."""

    staff: SignedInStaff

    def show_unread(self, count: int) -> None:
        raise NotImplementedError

    def action_open_screen(self, name: str) -> None:
        raise NotImplementedError


@runtime_checkable
class DeskPage(Protocol):
    """What the app asks of the screen on top: its title (for the header), whether typed
    input would be lost by leaving it, a re-read when another session changed something,
    and its own commands for the palette."""

    @property
    def screen_title(self) -> str: ...

    @property
    def is_dirty(self) -> bool: ...

    def refresh_data(self) -> None: ...

    def palette_commands(self) -> Iterable[PaletteCommand]: ...


class DeskBindings:
    """What every FrontDesk screen and modal shares: translated bindings with ids, and the
    DeskPage defaults (no title, nothing typed, nothing to refresh, no commands)."""

    #: The prefix of this screen's binding ids (`queue` → `queue.filter`); the class name
    #: when empty. Subclasses elsewhere (benchmarks, tests) keep their parent's ids.
    BINDING_SCOPE: ClassVar[str] = ""

    def _desk_init(self) -> None:
        translate_bindings(self)  # type: ignore[arg-type]

    @property
    def screen_title(self) -> str:
        return ""

    @property
    def is_dirty(self) -> bool:
        return False

    def refresh_data(self) -> None:
        """Read what the screen shows again (another session changed something)."""

    def palette_commands(self) -> Iterable[PaletteCommand]:
        return ()


class DeskScreen(DeskBindings, DeskWrites, Screen):
    """A top-level FrontDesk screen: header, list keys, footer, refresh on resume."""

    if TYPE_CHECKING:
        app = getters.app(DeskApp)

    #: The SCREENS entry (tui/app.py) this screen was opened as, if any.
    registry_name: str = ""

    #: The focused widget. Textual's (8.2.8) repaints the whole screen when the focus moves
    #: (20–31 KB over SSH at 120×40, issue 21); the widget losing the focus and the one
    #: gaining it repaint themselves (their :focus styles), the footer its keys.
    focused: Reactive[Widget | None] = Reactive(None, repaint=False)

    BINDINGS = [
        Binding("j", "cursor_down", N_("Down"), show=False),
        Binding("k", "cursor_up", N_("Up"), show=False),
    ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._desk_init()

    @staticmethod
    def header() -> AppHeader:
        return AppHeader()

    @staticmethod
    def footer() -> Footer:
        """Compact, without Textual's palette hint, and only the keys that fit whole, F1
        always among them (ctrl+p still opens the palette; F1 lists every key)."""
        return DeskFooter()

    def on_screen_resume(self) -> None:
        self.refresh_data()

    def data_changed(self) -> None:
        """Another session committed something (the app's change poll): read the data again,
        unless the screen has not finished mounting — pushed, but its compose or on_mount
        still to run on a busy host. Its on_mount reads the data then; a refresh before it
        would fill tables whose columns are not there yet (or find no table at all)."""
        if self.is_mounted and not self._closing and not self._closed:
            self.refresh_data()

    def reopened(self) -> None:
        """Its function key brought this screen back on top (tui.app): by default the focus
        stays where it was left."""

    # j/k: down and up in the list that has the focus (screens may define their own).
    def action_cursor_down(self) -> None:
        move = getattr(self.focused, "action_cursor_down", None)
        if move is not None:
            move()

    def action_cursor_up(self) -> None:
        move = getattr(self.focused, "action_cursor_up", None)
        if move is not None:
            move()

    def give_up_writes(self) -> bool:
        """escape: a `stays` write of this screen or of one of its panes still on its way is
        given up (True: escape did that, the screen stays)."""
        given_up = self.give_up_write()
        for node in self.walk_children():
            if isinstance(node, DeskWrites) and node.give_up_write():
                given_up = True
        return given_up


class DeskModal(DeskBindings, DeskWrites, ModalScreen[T]):
    """A FrontDesk modal: translated bindings with ids; escape cancels (each modal binds it)."""

    if TYPE_CHECKING:
        app = getters.app(DeskApp)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._desk_init()
