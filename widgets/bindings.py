"""Key bindings: translation, ids for the user keymap, and which keys the footer shows.

This is the ONLY module that touches Textual's private `_bindings` (a node's BindingsMap)
and the command palette's private "no matches" countdown. Why: Textual builds BINDINGS
when the class is defined, before the interface language is chosen, and has no public API
to re-describe a binding, give it an id after the fact, or change which bindings the footer
shows per instance (upstream: Textualize/textual discussion "Dynamic bindings"; the
documented answer is `check_action`, which can only hide or grey a key, not rename it).
F1 reads the binding chain per node (`binding_chain`). The palette's "No matches found" is a literal in `CommandPalette._start_no_matches_countdown`
with no attribute to override. If Textual grows public APIs for these, only this file changes.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import replace

from rich.align import Align
from rich.text import Text
from textual.binding import Binding
from textual.command import CommandList, CommandPalette
from textual.dom import DOMNode
from textual.screen import Screen
from textual.widgets.option_list import Option

from data.i18n import N_, _, in_language

#: A command palette entry as screens offer them: (title message id, help, callback).
PaletteEntry = tuple[str, str, Callable]


def not_named_like(entries: Iterable[PaletteEntry], offered: Iterable[PaletteEntry]) -> list[PaletteEntry]:
    """`entries` but those whose Chinese name an entry of `offered` has: the palette offers one
    entry per name (交接班 is the whole Shift handover screen, not the registers' summary tab
    of the same name, which its number key opens)."""
    taken = {in_language(title, "zh") for title, _help, _callback in offered}
    return [entry for entry in entries if in_language(entry[0], "zh") not in taken]


def binding_scope(node: DOMNode) -> str:
    """The prefix of `node`'s binding ids: its BINDING_SCOPE, else its class name in
    snake case without Screen/Modal/Pane (`QueueScreen` → `queue`)."""
    scope = getattr(node, "BINDING_SCOPE", None)
    if scope:
        return str(scope)
    name = re.sub(r"(Screen|Modal|Pane)$", "", type(node).__name__) or type(node).__name__
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def binding_id(scope: str, binding: Binding) -> str:
    """`scope.action` with the action's arguments folded in: `app.open_screen.owners`."""
    action = re.sub(r"\W+", "_", binding.action).strip("_")
    return f"{scope}.{action}"


def translate_bindings(node: DOMNode) -> None:
    """Replace `node`'s binding descriptions (English message ids) by their translation,
    and give every binding without an id one (`scope.action`) so a user keymap can move it.

    BINDINGS are built when the class is defined, before the language is chosen; calling
    this from `__init__` gives each instance bindings in the current language.
    """
    scope = binding_scope(node)
    for key, bindings in node._bindings.key_to_bindings.items():
        node._bindings.key_to_bindings[key] = [
            replace(
                b,
                description=_(b.description) if b.description else b.description,
                tooltip=_(b.tooltip) if b.tooltip else b.tooltip,
                id=b.id or binding_id(scope, b),
            )
            for b in bindings
        ]


def defined_bindings(node: DOMNode) -> dict[str, list[Binding]]:
    """A copy of `node`'s bindings as they are now (keep it to restore from later)."""
    return {key: list(bindings) for key, bindings in node._bindings.key_to_bindings.items()}


def show_in_footer(node: DOMNode, defined: Mapping[str, list[Binding]], shown: Collection[str],
                   among: Collection[str] | None = None,
                   descriptions: Mapping[str, str] | None = None) -> None:
    """Show in the footer the bindings of `defined` whose action is in `shown`, hide the
    others (all of them, or only those whose action is in `among`), and re-describe some
    (`descriptions`: action → text). The keys keep working; F1 lists them all."""
    descriptions = descriptions or {}
    changed = False
    for key, bindings in defined.items():
        wanted = [
            replace(b, show=b.action in shown, description=descriptions.get(b.action, b.description))
            if among is None or b.action in among else b
            for b in bindings
        ]
        if node._bindings.key_to_bindings.get(key) != wanted:
            node._bindings.key_to_bindings[key] = wanted
            changed = True
    if changed:  # the footer is composed again: over SSH a whole-screen paint (issue 21)
        node.refresh_bindings()


def binding_chain(screen: Screen) -> list[tuple[DOMNode, list[tuple[Binding, bool | None]]]]:
    """The bindings that reach `screen`'s focused widget, node by node (focused widget first,
    the app last, nothing beyond a modal), with the user keymap applied and each action's
    state from `check_action` (False: not offered, None: greyed) — what F1 lists.
    Textual keeps this chain private (`Screen._modal_binding_chain`); `active_bindings`
    merges it by key, which loses the node (and so the group) of each binding."""
    app = screen.app
    return [
        (node, [(binding, app._check_action_state(binding.action, node)) for _key, binding in bindings])
        for node, bindings in screen._modal_binding_chain
    ]


class DeskCommandPalette(CommandPalette):
    """Textual's command palette with its own words in the interface language."""

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("placeholder", _("Search for commands…"))
        super().__init__(**kwargs)

    def _start_no_matches_countdown(self, search_value: str) -> None:
        # Textual's version adds an English "No matches found" option; same timing here.
        self._stop_no_matches_countdown()

        def show_no_matches() -> None:
            if search_value:
                self.query_one(CommandList).add_option(
                    Option(Align.center(Text(_("No matches found"), style="not bold")),
                           disabled=True, id=self._NO_MATCHES))
                self._list_visible = True
            else:
                self._list_visible = False

        self._no_matches_timer = self.set_timer(self._NO_MATCHES_COUNTDOWN, show_no_matches)


#: Message ids of Textual's own texts shown above, for the catalog.
_TEXTUAL_TEXTS = (N_("Search for commands…"), N_("No matches found"))
