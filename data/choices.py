"""Search keys of the choices a form offers (staff, buildings, categories): what a clerk may
type to find one besides its name — its pinyin initials (水管漏水 sgls, 李建国 ljg) and, for
staff, the login."""

from __future__ import annotations

from data.pinyin import initials


def search_keys(name: str, *more: str) -> str:
    """Lower-case text a typed filter is looked for in: the pinyin initials of every part
    of `name` (水电 › 水管漏水 gives "sd sgls"), then `more` (a login)."""
    parts = [initials(part) for part in name.replace("›", " ").split()]
    return " ".join(p for p in (*parts, *more) if p).lower()
