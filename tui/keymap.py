"""The user's keymap (README "Keys"): binding ids mapped to keys, from
`FRONTDESK_KEYMAP` or `keymap.toml` in the user's config folder (~/.config/frontdesk/)."""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import user_config_dir

from data.i18n import _

#: A keymap file is a handful of lines; anything larger is not one.
MAX_KEYMAP_BYTES = 64 * 1024


def keymap_path() -> Path:
    """Where the keymap is read from: FRONTDESK_KEYMAP, else the user's config folder."""
    named = os.environ.get("FRONTDESK_KEYMAP")
    if named:
        return Path(named).expanduser()
    return Path(user_config_dir("frontdesk")) / "keymap.toml"


def load_keymap(path: Path | None = None) -> tuple[dict[str, str], str]:
    """(binding id → keys, "") from the keymap file; ({}, "") when there is none; ({}, why)
    when it cannot be used — a bad file is ignored as a whole, never half applied."""
    path = path or keymap_path()
    try:
        if not path.is_file():
            return {}, ""
        if path.stat().st_size > MAX_KEYMAP_BYTES:
            return {}, _("The keymap {path} is too large; it was ignored.").format(path=_short(path))
        import tomllib  # only when there is a keymap: most sessions start without one

        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:  # ValueError: tomllib.TOMLDecodeError
        return {}, _("The keymap {path} could not be read ({error}); it was ignored.").format(
            path=_short(path), error=str(exc)[:60])
    keys = data.get("keys", data)
    if not isinstance(keys, dict):
        return {}, _("The keymap {path} has no [keys] table; it was ignored.").format(path=_short(path))
    keymap: dict[str, str] = {}
    for binding_id, value in keys.items():
        if not isinstance(value, str) or not value.strip() or "." not in binding_id:
            return {}, _("The keymap {path}: “{id}” is not a binding id with its keys; it was ignored.").format(
                path=_short(path), id=str(binding_id)[:40])
        keymap[binding_id] = ",".join(k.strip() for k in value.split(",") if k.strip())
    return keymap, ""


def _short(path: Path) -> str:
    text = str(path)
    return text if len(text) <= 60 else "…" + text[-59:]
