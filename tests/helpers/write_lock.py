"""Another process holding the write lock of a SQLite database, for as long as a test wants.

`held_write_lock(path, how)`: "sqlite" holds SQLite's own write lock (BEGIN IMMEDIATE, as
another program or a backup would), "txlock" the `<database>-txlock` every FrontDesk writer
takes first (as another desk inside a transaction would). The context returns once the
lock is held; leaving it releases the lock (the process is told on its stdin, never timed).
"""

from __future__ import annotations

import contextlib
import subprocess
import sys
from collections.abc import Iterator

HOLDER = """
import fcntl, os, sqlite3, sys
path, how = sys.argv[1], sys.argv[2]
if how == "sqlite":
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("BEGIN IMMEDIATE")
else:
    fd = os.open(path + "-txlock", os.O_RDWR | os.O_CREAT, 0o660)
    fcntl.flock(fd, fcntl.LOCK_EX)
print("held", flush=True)
sys.stdin.readline()
if how == "sqlite":
    conn.execute("ROLLBACK")
"""


class HeldLock:
    def __init__(self, process: subprocess.Popen) -> None:
        self.process = process

    def release(self) -> None:
        """Let the lock go (and wait for the process to end)."""
        if self.process.poll() is None:
            assert self.process.stdin is not None
            with contextlib.suppress(BrokenPipeError):
                self.process.stdin.write("go\n")
                self.process.stdin.flush()
            self.process.wait(timeout=30)


@contextlib.contextmanager
def held_write_lock(path: str, how: str = "sqlite") -> Iterator[HeldLock]:
    process = subprocess.Popen([sys.executable, "-c", HOLDER, path, how], stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE, text=True)
    held = HeldLock(process)
    try:
        assert process.stdout is not None
        assert process.stdout.readline().strip() == "held"
        yield held
    finally:
        held.release()
        if process.poll() is None:
            process.kill()
            process.wait()
