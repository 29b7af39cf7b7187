"""F1: the keys of the screen on top, in the interface language, grouped (navigation,
this screen's actions, everywhere), scrollable by keys and readable at 80×24."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.dom import DOMNode
from textual.screen import Screen
from textual.widgets import Label, Static

from data.i18n import N_, _
from widgets.bindings import binding_chain
from widgets.desk import DeskModal

#: Actions that move around rather than change anything.
NAVIGATION_ACTIONS = frozenset({
    "cursor_down", "cursor_up", "cursor_left", "cursor_right", "page_down", "page_up",
    "next_page", "previous_page", "first_page", "scroll_home", "scroll_end", "back", "escape",
    "open", "switch_list", "step_view", "step_panel", "step", "focus_next", "focus_previous",
    "view", "show_panel", "mode", "show_note",
})


@dataclass(frozen=True)
class KeyLine:
    keys: str
    description: str


def _action_name(binding: Binding) -> str:
    return binding.action.split("(", 1)[0].removeprefix("app.").removeprefix("screen.")


def _is_ours(node: DOMNode) -> bool:
    """A FrontDesk screen, pane or the app (Textual's own widgets' generic keys are left out:
    their English descriptions would only bury the screen's keys)."""
    return not type(node).__module__.startswith("textual.")


def _textual_only_actions(node: DOMNode) -> set[str]:
    """Actions only Textual's own base classes bind on `node` (App's "Copy selected text",
    Screen's "Focus Next"…): generic English keys that would bury the screen's own."""
    def actions(classes) -> set[str]:
        found: set[str] = set()
        for cls in classes:
            for binding in cls.__dict__.get("BINDINGS", []):
                if isinstance(binding, Binding):
                    found.add(binding.action)
                elif isinstance(binding, tuple) and len(binding) >= 2:
                    found.add(binding[1])
        return found

    mro = type(node).__mro__
    theirs = actions(c for c in mro if c.__module__.startswith("textual."))
    return theirs - actions(c for c in mro if not c.__module__.startswith("textual."))


def key_groups(screen: Screen) -> list[tuple[str, list[KeyLine]]]:
    """(group title, keys) of the screen's active bindings, hidden ones included, those the
    signed-in role may not use left out (check_action False), as the keymap maps them."""
    app = screen.app
    seen: dict[tuple[int, str], KeyLine] = {}
    listed: set[tuple[str, str]] = set()
    groups: dict[str, list[KeyLine]] = {"navigation": [], "actions": [], "global": []}
    for node, bindings in binding_chain(screen):
        if not _is_ours(node):
            continue
        generic = _textual_only_actions(node)
        by_action: dict[str, list[Binding]] = {}
        for binding, state in bindings:
            if not binding.description or state is False or binding.action in generic:
                continue
            by_action.setdefault(binding.action, []).append(binding)
        for action, same in by_action.items():
            if (id(node), action) in seen:
                continue
            keys = " ".join(dict.fromkeys(app.get_key_display(b) for b in same))
            line = KeyLine(keys, same[0].description)
            seen[(id(node), action)] = line
            # A screen and the list inside it may bind the same key to the same words (the
            # calls screen's task list): the one nearest the focus is listed, once.
            if node is not app and (keys, line.description) in listed:
                continue
            listed.add((keys, line.description))
            if node is app:
                groups["global"].append(line)
            elif _action_name(same[0]) in NAVIGATION_ACTIONS:
                groups["navigation"].append(line)
            else:
                groups["actions"].append(line)
    titles = {"actions": _("This screen"), "navigation": _("Moving around"), "global": _("Everywhere")}
    return [(titles[name], groups[name]) for name in ("actions", "navigation", "global") if groups[name]]


def help_text(groups: Iterable[tuple[str, list[KeyLine]]]) -> Text:
    text = Text()
    for title, lines in groups:
        if text:
            text.append("\n")
        text.append(title + "\n", style="bold underline")
        for line in lines:
            text.append(f"{line.keys:>9} ", style="bold")
            text.append(line.description + "\n")
    return text


class KeyHelpModal(DeskModal[None]):
    """The keys of the screen under it; up/down/pgup/pgdn scroll, F1 or escape close."""

    BINDING_SCOPE = "help"
    DEFAULT_CSS = """
    KeyHelpModal { align: center middle; }
    KeyHelpModal > Vertical { width: 90%; max-width: 76; height: 90%; border: round $accent;
                              background: $surface; padding: 0 1; }
    KeyHelpModal #help-title { text-style: bold; width: 1fr; }
    KeyHelpModal #help-hint { color: $text-muted; width: 1fr; }
    KeyHelpModal VerticalScroll { height: 1fr; }
    """
    BINDINGS = [
        Binding("escape,f1", "close", N_("Close"), id="help.close"),
        Binding("down,j", "scroll('down')", N_("Down"), show=False),
        Binding("up,k", "scroll('up')", N_("Up"), show=False),
        Binding("pagedown,space", "scroll('page_down')", N_("Next page"), show=False),
        Binding("pageup", "scroll('page_up')", N_("Previous page"), show=False),
        Binding("home", "scroll('home')", N_("Top"), show=False),
        Binding("end", "scroll('end')", N_("Bottom"), show=False),
    ]

    def __init__(self, title: str, groups: list[tuple[str, list[KeyLine]]]) -> None:
        super().__init__()
        self.title_text = title
        self.groups = groups

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(_("Keys: {screen}").format(screen=self.title_text), id="help-title", markup=False)
            with VerticalScroll(id="help-body", can_focus=True):
                yield Static(help_text(self.groups), id="help-keys", markup=False)
            yield Label(_("↑↓ PgUp PgDn scroll · F1 or Esc closes"), id="help-hint", markup=False)

    def on_mount(self) -> None:
        self.query_one("#help-body", VerticalScroll).focus()

    def action_scroll(self, how: str) -> None:
        body = self.query_one("#help-body", VerticalScroll)
        {"down": body.scroll_down, "up": body.scroll_up, "page_down": body.scroll_page_down,
         "page_up": body.scroll_page_up, "home": body.scroll_home, "end": body.scroll_end}[how](animate=False)

    def action_close(self) -> None:
        self.dismiss(None)
