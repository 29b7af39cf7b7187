"""The one-line header: product, current screen, signed-in staff member, database, unread."""

from __future__ import annotations

from rich.cells import cell_len
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.dom import NoScreen
from textual.widgets import Label

from widgets.safe import plain

#: A shortened database path keeps at least this many columns (else it is dropped).
MIN_DATABASE_COLUMNS = 12


class AppHeader(Horizontal):
    """Shows who is signed in and on which database; the screen title sits in the middle.

    On mount it asks the app for `header_parts()` (a dict with product, staff, database,
    unread) and the screen for its `screen_title`; `show()` updates parts later. The title
    has priority: when the line is too narrow the database path is shortened from the left,
    then dropped, then the staff member is shown by login only.
    """

    DEFAULT_CSS = """
    AppHeader { height: 1; dock: top; background: $primary; color: $text; }
    AppHeader Label { height: 1; padding: 0 1; }
    AppHeader #header-product { text-style: bold; }
    AppHeader #header-title { width: 1fr; content-align: center middle; text-style: bold; }
    AppHeader #header-unread { color: $warning; text-style: bold; }
    AppHeader #header-ring { color: $warning; text-style: bold reverse; }
    """

    PARTS = ("product", "title", "ring", "unread", "staff", "database")

    def __init__(self) -> None:
        super().__init__()
        self._parts: dict[str, str] = {}
        self._painted: dict[str, str] = {}  # what each label shows

    def compose(self) -> ComposeResult:
        # Filled here, not only on mount: the first frame after signing in already shows
        # who is signed in and where (the screen's data may take a moment to load).
        self._parts = self._known_parts()
        shown = self._shown(self.app.size.width)
        self._painted = {part: shown.get(part, "") for part in self.PARTS}
        for part in self.PARTS:
            label = Label(plain(shown.get(part, "")), id=f"header-{part}", markup=False)
            label.display = bool(shown.get(part)) or part == "title"
            yield label

    def _known_parts(self) -> dict[str, str]:
        parts = dict(getattr(self.app, "header_parts", dict)())
        try:
            parts["title"] = getattr(self.screen, "screen_title", "")
        except NoScreen:  # not on a screen yet
            parts["title"] = ""
        return {k: v for k, v in parts.items() if v is not None}

    def on_mount(self) -> None:
        self.show(**self._known_parts())

    def on_resize(self) -> None:
        self._fit()

    def show(self, **parts: str) -> None:
        """Update any of the header's parts; text is shown literally, never as markup."""
        for part, value in parts.items():
            if part in self.PARTS and value is not None:
                self._parts[part] = value
        # The app tells every header (a notification, a ring), also one of a screen just
        # pushed whose labels are not composed yet: its on_mount shows the parts then.
        if self.is_mounted:
            self._fit()

    def _fit(self) -> None:
        """Give the title the room it needs, taking it from the database path first."""
        if not self.children:
            return  # not composed yet (a screen still being mounted): compose shows the parts
        shown = self._shown(self.size.width or self.app.size.width)
        for part in self.PARTS:
            value = shown.get(part, "")
            if self._painted.get(part) == value:
                continue  # unchanged: a label's update repaints (over SSH, bytes; issue 21)
            self._painted[part] = value
            label = self.query_one(f"#header-{part}", Label)
            label.update(plain(value))
            label.display = bool(value) or part == "title"

    def _shown(self, width: int) -> dict[str, str]:
        """The parts as they fit in `width` columns."""
        shown = dict(self._parts)

        def used(names: tuple[str, ...]) -> int:
            return sum(cell_len(shown.get(n, "")) + 2 for n in names if shown.get(n))

        room = width - used(("product", "title", "ring", "unread", "staff"))
        database = shown.get("database", "")
        if database and cell_len(database) + 2 > room:
            keep = room - 3  # padding and the ellipsis
            shown["database"] = "…" + _tail(database, keep) if keep >= MIN_DATABASE_COLUMNS else ""
        everything = ("product", "title", "ring", "unread", "staff", "database")
        if used(everything) > width and shown.get("staff"):
            shown["staff"] = shown["staff"].split(" ")[0].split("(")[0]
        # Still too wide (a long name, a narrow terminal): the title keeps its place all the
        # same — it is what tells the clerk where they are.
        for part in ("database", "product", "staff"):
            if used(everything) <= width:
                break
            shown[part] = ""
        return shown


def _tail(text: str, cells: int) -> str:
    """The end of `text` that fits in `cells` columns (Chinese characters take two)."""
    kept = ""
    for char in reversed(text):
        if cell_len(char + kept) > cells:
            break
        kept = char + kept
    return kept
