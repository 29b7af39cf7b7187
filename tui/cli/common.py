"""What the `frontdesk` command modules share: opening the database, signing in, JSON lines,
codes from what was typed, and columns padded to terminal cells."""

from __future__ import annotations

import argparse
import json
import unicodedata

from data.errors import ValidationError
from data.i18n import _


def open_db(args: argparse.Namespace, *, check: bool = True, create: bool = False) -> str:
    """Open --db (else FRONTDESK_DB, else the user's copy of the demo data) and check its
    schema. A missing SQLite file is an error unless `create` (only `migrate` makes one).
    Returns what was opened."""
    from data import schema
    from data.db import open_database
    from tui.paths import default_database

    target = args.db or default_database()
    open_database(target, create=create)
    if check:
        schema.check()
    return target


def sign_in(args: argparse.Namespace, action: str | None = None):
    """The signed-in staff member (--user, else the OS login), refused unless they may
    `action` when one is given."""
    from tui.session import sign_in as session_sign_in

    return session_sign_in(args, action=action)


def emit(obj: object) -> None:
    """Print `obj` as one JSON line (Chinese as itself, dates and decimals as text)."""
    print(json.dumps(obj, ensure_ascii=False, default=str))


def to_code(value: str, codes: dict[str, str], extra: dict[str, str], option: str) -> str:
    """A code from what was typed: the code, its English or Chinese label, or a known word."""
    from data.i18n import in_language

    text = " ".join(value.split())
    words = {code: code for code in codes}
    for code_, message in codes.items():
        words[message.lower()] = code_
        words[in_language(message, "zh")] = code_
    words.update(extra)
    found = words.get(text) or words.get(text.lower())
    if found is None:
        choices = "、".join(dict.fromkeys([*extra, *codes]))
        raise ValidationError(option, _("Unknown value “{value}”: use one of {choices}.").format(
            value=text, choices=choices))
    return found


def width(text: str) -> int:
    """How many terminal cells `text` takes (CJK characters take two)."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def pad(text: str, cells: int) -> str:
    """`text` cut or padded to `cells` terminal cells (CJK characters take two)."""
    out, used = [], 0
    for ch in text:
        w = 2 if unicodedata.east_asian_width(ch) in "WF" else 1
        if used + w > cells:
            break
        out.append(ch)
        used += w
    return "".join(out) + " " * (cells - used)
