"""Running the `frontdesk` command in the test's own process, as the CLI tests do."""

from __future__ import annotations

import json

from data.db import close_database
from tui import cli


def frontdesk(*argv: str) -> int:
    """`frontdesk ARGV`, with the shared database handle closed before and after, as a new
    process would find it; returns the exit status."""
    close_database()
    try:
        return cli.main(list(argv))
    finally:
        close_database()


def run(db, *argv: str, user: str | None = "desk1", lang: str | None = None) -> int:
    """`frontdesk --db DB [--lang LANG] [--user USER] ARGV`. DB is a path or URL, or a
    fixture's namespace with a `url`; `user=None` names nobody (the OS login signs in)."""
    url = str(getattr(db, "url", db))
    return frontdesk("--db", url, *(["--lang", lang] if lang else []),
                     *(["--user", user] if user else []), *argv)


def json_lines(capsys) -> list[dict]:
    """What the command printed on stdout, one JSON object a line (`--json`)."""
    return [json.loads(line) for line in capsys.readouterr().out.splitlines() if line.strip()]
