"""The registers screen (登记, issue 16 item 11): one tab per register of the front desk and
the gate — visitors, release passes, and whatever register a module of this package adds.

Each tab is a `RegisterTab` subclass in a module of `screens.registers` (see tab.py); the
screen finds them, shows those the signed-in role may use (a gate guard sees visitors and
passes only), switches with `[` / `]` or the digits, and keeps each tab's own keys in the
footer while it is on top.
"""

from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path

from rich.cells import cell_len
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import ContentSwitcher, Input, Label

from data.i18n import N_, _
from screens.registers.tab import RegisterTab
from widgets.app_header import AppHeader
from widgets.bindings import defined_bindings, not_named_like, show_in_footer
from widgets.desk import DeskScreen

#: Modules of this package that are not registers.
_NOT_TABS = frozenset({"screen", "tab"})


def register_tabs() -> list[type[RegisterTab]]:
    """Every register tab of the package, in ORDER: one RegisterTab subclass per module
    (a new register is a new module; nothing else changes)."""
    import screens.registers as package

    found: dict[str, type[RegisterTab]] = {}
    for info in pkgutil.iter_modules(package.__path__):
        if info.name in _NOT_TABS or info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{package.__name__}.{info.name}")
        for value in vars(module).values():
            if (isinstance(value, type) and issubclass(value, RegisterTab) and value is not RegisterTab
                    and value.NAME and value.__module__ == module.__name__):
                found[value.NAME] = value
    return sorted(found.values(), key=lambda cls: (cls.ORDER, cls.NAME))


def visible_tabs() -> list[type[RegisterTab]]:
    """The tabs the signed-in role may use."""
    return [cls for cls in register_tabs() if cls.may_use()]


class RegistersScreen(DeskScreen):
    """A tab per register: `[` / `]` (or 1–9) switch; each tab has its list, filter, form."""

    CSS_PATH = Path(__file__).parent / "registers.tcss"  # absolute: subclasses elsewhere keep it
    BINDINGS = [
        Binding("right_square_bracket", "step_tab(1)", N_("Next tab"), key_display="]",
                tooltip=N_("The next register ([ the previous one, 1–9 a register by number)")),
        Binding("left_square_bracket", "step_tab(-1)", N_("Previous tab"), key_display="[", show=False),
        *(Binding(str(n), f"tab_number({n})", N_("Register by number"), show=False) for n in range(1, 10)),
    ]
    #: Actions whose key is printable: off while a filter line is typed in.
    TYPED_KEYS = frozenset({"step_tab", "tab_number"})

    def __init__(self, tab: str = "") -> None:
        super().__init__(id="registers")
        self.tabs = visible_tabs()
        names = [cls.NAME for cls in self.tabs]
        self.current = tab if tab in names else (names[0] if names else "")
        # F1 lists each digit by the register it opens ("1 Visitors"), not "Register by number".
        show_in_footer(self, defined_bindings(self), (), among={f"tab_number({n})" for n in range(1, 10)},
                       descriptions={f"tab_number({n})": cls.title() for n, cls in enumerate(self.tabs, start=1)})

    @property
    def screen_title(self) -> str:
        return _("Registers")

    def compose(self) -> ComposeResult:
        yield AppHeader()
        yield Label("", id="registers-tabs", markup=False)
        if self.tabs:
            with ContentSwitcher(initial=f"tab-{self.current}", id="registers-switcher"):
                for cls in self.tabs:
                    yield cls()
        else:
            yield Label(_("Your role has no register to keep."), markup=False)
        yield self.footer()

    def on_mount(self) -> None:
        if self.current:
            self.show_tab(self.current)

    # --- tabs ------------------------------------------------------------------------------

    def tab(self, name: str | None = None) -> RegisterTab:
        return self.query_one(f"#tab-{name or self.current}", RegisterTab)

    def show_tab(self, name: str) -> None:
        """Put the register `name` on top, read its list and focus it."""
        if name not in [cls.NAME for cls in self.tabs]:
            return
        self.current = name
        self.query_one("#registers-switcher", ContentSwitcher).current = f"tab-{name}"
        self._paint_tabs()
        tab = self.tab()
        tab.load()
        tab.focus_tab()
        self.refresh_bindings()

    def _paint_tabs(self) -> None:
        # Too wide for the terminal: the short names (访客, 放行 …), then the other registers
        # by number alone (their names in F1), never a name cut in the middle.
        def part(number: int, title: str) -> str:
            return f" {number} {title} " if title else f" {number} "

        numbered = list(enumerate(self.tabs, start=1))
        ways = [(lambda cls: cls.title(), lambda cls: cls.title()),
                (lambda cls: cls.title(), lambda cls: cls.short_title()),
                (lambda cls: cls.short_title(), lambda cls: cls.short_title()),
                (lambda cls: cls.short_title(), lambda cls: "")]
        width = max(self.size.width, 1)
        parts: list[str] = []
        for current_title, other_title in ways:
            parts = [part(n, current_title(cls) if cls.NAME == self.current else other_title(cls))
                     for n, cls in numbered]
            if sum(cell_len(p) for p in parts) <= width:
                break
        text = Text()
        for (_n, cls), shown in zip(numbered, parts, strict=True):
            current = cls.NAME == self.current
            text.append(shown, style="reverse bold" if current else "")
        self.query_one("#registers-tabs", Label).update(text)

    def on_resize(self) -> None:
        if self.tabs:
            self._paint_tabs()

    def action_step_tab(self, step: int) -> None:
        names = [cls.NAME for cls in self.tabs]
        if names:
            self.show_tab(names[(names.index(self.current) + step) % len(names)])

    def action_tab_number(self, number: int) -> None:
        if 1 <= number <= len(self.tabs):
            self.show_tab(self.tabs[number - 1].NAME)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in self.TYPED_KEYS and isinstance(self.focused, Input):
            return False  # typed into the filter line
        if action == "tab_number" and parameters:
            return int(str(parameters[0])) <= len(self.tabs)
        if action == "step_tab":
            return len(self.tabs) > 1
        return True

    def on_descendant_focus(self) -> None:
        self.refresh_bindings()

    def on_descendant_blur(self) -> None:
        self.refresh_bindings()

    def refresh_data(self) -> None:
        """Another session wrote, or the screen is back on top: read the tab on top again."""
        if self.current and self.is_mounted:
            self.tab().load()

    def reopened(self) -> None:
        if self.current:
            self.tab().focus_tab()

    def palette_commands(self):
        """Each tab's own commands, and the registers by name but for a name a command has
        (one entry per name, as in the app's palette)."""
        commands = [command for cls in self.tabs for command in self.tab(cls.NAME).palette_commands()]
        yield from not_named_like(
            ((cls.TITLE, _("Registers: {title} ({key})").format(title=cls.title(), key=number),
              lambda name=cls.NAME: self.show_tab(name)) for number, cls in enumerate(self.tabs, start=1)),
            commands)
        yield from commands
