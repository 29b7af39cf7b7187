"""The one-line header: product, current screen, signed-in staff member, database, unread."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Label

from widgets.safe import plain


class AppHeader(Horizontal):
    """Shows who is signed in and on which database; the screen title sits in the middle.

    On mount it asks the app for `header_parts()` (a dict with product, staff, database,
    unread) and the screen for its `screen_title`; `show()` updates parts later.
    """

    DEFAULT_CSS = """
    AppHeader { height: 1; dock: top; background: $primary; color: $text; }
    AppHeader Label { height: 1; padding: 0 1; }
    AppHeader #header-product { text-style: bold; }
    AppHeader #header-title { width: 1fr; content-align: center middle; text-style: bold; }
    AppHeader #header-unread { color: $warning; text-style: bold; }
    """

    PARTS = ("product", "title", "unread", "staff", "database")

    def compose(self) -> ComposeResult:
        for part in self.PARTS:
            yield Label("", id=f"header-{part}", markup=False)

    def on_mount(self) -> None:
        parts = dict(getattr(self.app, "header_parts", dict)())
        parts["title"] = getattr(self.screen, "screen_title", "")
        self.show(**parts)

    def show(self, **parts: str) -> None:
        """Update any of the header's parts; text is shown literally, never as markup."""
        for part, value in parts.items():
            if part in self.PARTS and value is not None:
                self.query_one(f"#header-{part}", Label).update(plain(value))
