"""Where FrontDesk keeps its files: the default database, the demo copy, the label shown."""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
from pathlib import Path
from urllib.parse import urlparse

from platformdirs import user_data_dir

from data.db import is_postgres_url, sidecars

#: The tracked demo database at the top of the checkout (never opened for writing).
SAMPLE_DB = Path(__file__).resolve().parent.parent / "sample.db"
#: The demo account the user's OS login opens as in their copy of sample.db.
DEMO_LOGIN = "desk1"


def data_dir() -> Path:
    """The user's FrontDesk data directory (created on demand)."""
    path = Path(user_data_dir("frontdesk", appauthor=False))
    path.mkdir(parents=True, exist_ok=True)
    return path


def default_database() -> str:
    """`FRONTDESK_DB`, else the user's own database — a copy of sample.db on first run."""
    configured = os.environ.get("FRONTDESK_DB")
    if configured:
        return configured
    target = data_dir() / "frontdesk.db"
    sample = Path(os.environ.get("FRONTDESK_SAMPLE", SAMPLE_DB))
    if not target.exists() and sample.exists():
        # Copy to a temporary name first so a crash mid-copy never leaves half a database.
        partial = target.with_suffix(".db.partial")
        shutil.copyfile(sample, partial)
        move_to_today(partial)
        from data.access import os_login

        me = os_login()  # the kernel's name for this user, never LOGNAME
        if me:
            map_os_login(partial, me, DEMO_LOGIN)
        os.replace(partial, target)
        for path in sidecars(partial):
            path.unlink(missing_ok=True)
    return str(target)


def move_to_today(path: Path) -> None:
    """Move the demo copy at `path` to today (data.clock, so FRONTDESK_NOW counts): a new
    user opens on a working morning, not on the day the sample was made. A convenience: a
    copy that cannot be moved (a sample without the demo mark) opens as it is."""
    from peewee import PeeweeException

    from data.db import close_database, open_database
    from data.demo import shift_to_today
    from data.errors import FrontDeskError
    from data.schema import allow_clock_pin

    try:
        open_database(str(path))
        allow_clock_pin()  # a demo copy: FRONTDESK_NOW counts (never on a company database)
        shift_to_today()  # one transaction: a refusal or an error leaves the copy as it was
    except (FrontDeskError, PeeweeException, sqlite3.Error):
        pass
    finally:
        close_database()


def map_os_login(path: Path, os_login: str, login: str) -> None:
    """Map `os_login` to the account `login` in the SQLite file at `path`, unless another
    account has it already: the demo opens as that account without a password."""
    conn = sqlite3.connect(path)
    try:
        with contextlib.suppress(sqlite3.Error), conn:  # a convenience: never block the copy
            conn.execute(
                "UPDATE staff SET os_login = ? WHERE login = ? AND os_login IS NULL "
                "AND NOT EXISTS (SELECT 1 FROM staff WHERE os_login = ?)",
                (os_login, login, os_login),
            )
        # Fold the change into the main file before it is moved (no -wal left behind).
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()


def database_label(target: str) -> str:
    """A short, password-free name of the database for the header."""
    if is_postgres_url(target):
        url = urlparse(target)
        return f"pg://{url.hostname or 'localhost'}{url.path}"
    path = Path(target).expanduser()
    home = Path.home()
    try:
        return "~/" + str(path.resolve().relative_to(home))
    except ValueError:
        return str(path)
