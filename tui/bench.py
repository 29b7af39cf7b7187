"""`frontdesk bench`: the benchmark suite of SPEC §10 (figures printed, never asserted)."""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from data.i18n import _

#: A child process that starts the real FrontDesk TUI headless and exits once the home
#: screen shows its first counts, or a bare Textual app with a header and footer.
CHILD = r"""
import sys
kind, db = sys.argv[1], sys.argv[2]
if kind == "bare":
    from textual.app import App
    from textual.widgets import Footer, Header

    class Bare(App):
        def compose(self):
            yield Header()
            yield Footer()

        def on_mount(self):
            self.call_after_refresh(self.exit)

    Bare().run(headless=True, size=(80, 24))
else:
    from data import i18n, schema
    from data.db import open_database
    from data.staff import sign_in

    i18n.set_language("zh")
    open_database(db)
    schema.check()
    staff = sign_in("desk1")
    from tui.app import FrontDeskApp

    class Timed(FrontDeskApp):
        def on_home_screen_counts_loaded(self, message):
            self.call_after_refresh(self.exit)

    Timed(staff, db).run(headless=True, size=(80, 24))
"""


def _start_once(kind: str, db: str) -> tuple[float, float]:
    """Seconds from spawn to exit, and peak resident memory in MB, of one child."""
    began = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-c", CHILD, kind, db],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env={**os.environ, "TEXTUAL": ""},
    )
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - began
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"{kind} start failed: {proc.stderr.read().decode(errors='replace')}")
    return elapsed, usage.ru_maxrss / 1024


def bench_startup(db: str, runs: int) -> dict[str, float]:
    """Cold start and memory of FrontDesk next to a bare Textual app, interleaved runs."""
    times: dict[str, list[float]] = {"bare": [], "frontdesk": []}
    memory: dict[str, list[float]] = {"bare": [], "frontdesk": []}
    _start_once("bare", db)  # warm the OS file cache for both, so neither pays it alone
    _start_once("frontdesk", db)
    for _run in range(runs):
        for kind in ("bare", "frontdesk"):
            seconds, mb = _start_once(kind, db)
            times[kind].append(seconds)
            memory[kind].append(mb)
    bare_s, app_s = statistics.median(times["bare"]), statistics.median(times["frontdesk"])
    bare_mb, app_mb = statistics.median(memory["bare"]), statistics.median(memory["frontdesk"])
    return {
        "bare_start_ms": round(bare_s * 1000, 1),
        "frontdesk_start_ms": round(app_s * 1000, 1),
        "start_ratio": round(app_s / bare_s, 2),
        "bare_rss_mb": round(bare_mb, 1),
        "frontdesk_rss_mb": round(app_mb, 1),
        "rss_ratio": round(app_mb / bare_mb, 2),
    }


def _demo_copy(workdir: Path) -> str:
    from tui.paths import SAMPLE_DB

    target = workdir / "bench.db"
    if SAMPLE_DB.exists():
        shutil.copyfile(SAMPLE_DB, target)
    else:
        from data.db import close_database
        from data.sample import generate

        generate(str(target), owners=2000, seed=1)
        close_database()
    return str(target)


def run_bench(*, runs: int = 5, as_json: bool = False) -> int:
    """Run every benchmark and print the figures; returns the exit status."""
    with tempfile.TemporaryDirectory(prefix="frontdesk-bench-") as tmp:
        db = _demo_copy(Path(tmp))
        startup = bench_startup(db, runs)
    record = {"bench": "startup", "owners": 2000, "runs": runs, **startup}
    if as_json:
        print(json.dumps(record, ensure_ascii=False))
    else:
        print(_("Cold start to the first interactive screen (median of {runs} runs, 80×24, headless):").format(runs=runs))
        print(_("  bare Textual app  {ms:8.1f} ms   {mb:6.1f} MB").format(
            ms=startup["bare_start_ms"], mb=startup["bare_rss_mb"]))
        print(_("  FrontDesk         {ms:8.1f} ms   {mb:6.1f} MB").format(
            ms=startup["frontdesk_start_ms"], mb=startup["frontdesk_rss_mb"]))
        print(_("  ratio             {t:8.2f} ×      {m:6.2f} ×   (targets ≤ 1.3 × and ≤ 1.6 ×)").format(
            t=startup["start_ratio"], m=startup["rss_ratio"]))
    return 0
