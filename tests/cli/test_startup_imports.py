"""The app's start loads only what its first screen needs (issue 21 item 1, SPEC §10 cold
start): no command module, and none of the libraries of the screens and commands opened
later — spreadsheets, charts, pinyin, password hashing, calendars, PDFs, Word documents.
A behaviour test in a fresh interpreter (what is imported), never a timing."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from data import access, audit
from data.db import close_database, open_database, transaction
from tests import factories as f

ROOT = Path(__file__).resolve().parents[2]

#: Loaded when the screen or command that uses them is, never at start.
LATER = ("openpyxl", "plotext", "textual_plotext", "pypinyin", "argon2", "icalendar",
         "reportlab", "docx", "docxtpl", "jinja2", "lxml", "dateutil.rrule",
         "data.facilities", "data.surveys", "data.fees", "data.reports",
         # The text area (first imported to test a focused field's class) and the models
         # of the domains the home screen does not show (data/models/__init__: on first use).
         "textual.widgets._text_area", "data.models.fees", "data.models.leads",
         "data.models.contracts", "data.models.knowledge", "data.models.meetings",
         "data.models.surveys", "data.models.notices", "data.models.renovations")

#: Starts FrontDesk as the `frontdesk` command does (headless), quits once the home screen
#: shows its first counts, and prints which modules were loaded then.
CHILD = r"""
import json, sys
import textual.app

import tui.cli

run = textual.app.App.run
seen = {}

def headless(app, *args, **kwargs):
    def counts_loaded(self, message):
        seen.update(modules=sorted(sys.modules))
        self.exit()

    type(app).on_home_screen_counts_loaded = counts_loaded
    return run(app, headless=True, size=(80, 24))

textual.app.App.run = headless
status = tui.cli.main(["--db", sys.argv[1]])
print(json.dumps({"status": status, **seen}))
"""


def _loaded(code: str, *args: str):
    env = {**os.environ, "TEXTUAL": ""}
    proc = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True,
                          cwd=ROOT, env=env, timeout=300)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout.splitlines()[-1])


def _later(modules: list[str]) -> list[str]:
    return sorted(m for m in modules if any(m == name or m.startswith(name + ".") for name in LATER))


def test_importing_the_app_and_its_entry_point_loads_nothing_of_later_screens():
    found = _loaded("import json, sys; import tui.cli, tui.session, tui.app; "
                    "print(json.dumps(sorted(sys.modules)))")
    assert _later(found) == []
    # The command modules are loaded for a command, not for the app.
    assert [m for m in found if m.startswith("tui.cli.") and m != "tui.cli.common"] == []
    # The screens other than the home screen load when first opened.
    assert [m for m in found if m.startswith("screens.")] == ["screens.home"]


def test_the_first_screen_is_shown_without_the_libraries_of_later_screens(sqlite_url):
    open_database(sqlite_url)
    with audit.suspended(), transaction():
        # Signed in by the OS login, as over SSH: no password, so no password hashing.
        f.staff("desk1", os_login=access.os_login())
    close_database()
    result = _loaded(CHILD, sqlite_url)
    assert result["status"] == 0
    assert "screens.home" in result["modules"]
    assert _later(result["modules"]) == []
    assert [m for m in result["modules"] if m.startswith("tui.cli.") and m != "tui.cli.common"] == []


def test_only_global_options_open_the_app_without_the_command_parser(capsys):
    from tui import cli

    assert cli._opens_app([])
    assert cli._opens_app(["--db", "x.db", "--user=desk1", "--lang", "en"])
    assert not cli._opens_app(["--db"])  # a missing value: the full parser says so
    assert not cli._opens_app(["--lang", "fr"])  # a bad language: the full parser lists them
    assert not cli._opens_app(["--db", "x.db", "tickets", "list"])
    assert not cli._opens_app(["-h"])
    assert "phone-gate" in cli.COMMANDS and None in cli.COMMANDS
    try:
        cli.main(["--lang", "en", "--help"])
    except SystemExit as exc:
        assert exc.code == 0
    assert "tickets" in capsys.readouterr().out


def test_one_list_of_command_modules_serves_the_parser_and_the_table():
    """Issue 20: the command modules were listed twice (parser, table); now one tuple.
    Every module under tui/cli/ is in it, and every command of the parser has its function."""
    from tui import cli

    files = {p.stem for p in (ROOT / "tui" / "cli").glob("*.py")} - {"__init__", "common"}
    assert sorted(cli.COMMAND_MODULES) == sorted(files)
    assert len(set(cli.COMMAND_MODULES)) == len(cli.COMMAND_MODULES)
    parser = cli._parser()
    [sub] = [a for a in parser._actions if a.dest == "command"]
    assert set(sub.choices) == set(cli.COMMANDS) - {None}
