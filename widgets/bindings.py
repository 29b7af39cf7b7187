"""Translating key-binding descriptions at run time, so the footer follows --lang."""

from __future__ import annotations

from dataclasses import replace

from textual.dom import DOMNode

from data.i18n import _


def translate_bindings(node: DOMNode) -> None:
    """Replace `node`'s binding descriptions (English message ids) by their translation.

    BINDINGS are built when the class is defined, before the language is chosen; calling
    this from `__init__` gives each instance bindings in the current language.
    """
    for key, bindings in node._bindings.key_to_bindings.items():
        node._bindings.key_to_bindings[key] = [
            replace(
                b,
                description=_(b.description) if b.description else b.description,
                tooltip=_(b.tooltip) if b.tooltip else b.tooltip,
            )
            for b in bindings
        ]
