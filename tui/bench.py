"""`frontdesk bench`: the benchmark suite of SPEC §10 (figures printed, never asserted)."""

from __future__ import annotations

import datetime as dt
import hashlib
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

#: The figure records of the run (what --json prints, one per line), kept while a run is
#: saved or compared (`--save`, `--against`: tui.bench_figures); None otherwise.
kept: list[dict] | None = None


def keep(record: dict) -> dict:
    """One benchmark's figures, as --json prints them: kept when the run is saved or compared."""
    if kept is not None:
        kept.append(record)
    return record

#: A child process that starts FrontDesk as the `frontdesk` command does (its entry point,
#: the database opened and the OS login's account signed in, then the TUI, headless at
#: 80×24) and exits once the home screen shows its first counts; or a bare Textual app with
#: a header and footer, which exits after its first paint. It prints the seconds since the
#: parent spawned it at each step (MARK lines) and its peak memory.
CHILD = r"""
import sys, time
kind, db, spawned = sys.argv[1], sys.argv[2], float(sys.argv[3])
marks = {}

def mark(name):
    marks.setdefault(name, time.time() - spawned)

if kind == "bare":
    from textual.app import App
    from textual.widgets import Footer, Header

    mark("imports")

    class Bare(App):
        def compose(self):
            yield Header()
            yield Footer()

        def on_mount(self):
            self.call_after_refresh(lambda: (mark("paint"), mark("counts"), self.exit()))

    mark("database")
    Bare().run(headless=True, size=(80, 24))
else:
    if not db.startswith("postgres"):
        # As a SQLite deployment installs (no `postgres` extra): peewee imports any
        # PostgreSQL or MySQL driver it finds, and a development venv has psycopg2.
        for driver in ("psycopg2", "psycopg", "psycopg2cffi", "pymysql", "MySQLdb"):
            sys.modules[driver] = None
    import textual.app

    import tui.cli

    mark("cli")
    run, init = textual.app.App.run, textual.app.App.__init__

    def timed_init(app, *args, **kwargs):
        mark("imports")  # the app module is imported once its class is being built
        init(app, *args, **kwargs)

    def timed_run(app, *args, **kwargs):
        import tui.app
        from screens.home import HomeScreen

        class TimedHome(HomeScreen):
            # Textual calls these after HomeScreen's own handlers of the same events.
            def on_mount(self):
                self.call_after_refresh(mark, "paint")

            def on_home_screen_counts_loaded(self, message):
                # The screen's next refresh after it took the counts is the one that shows
                # them (when the first read was quick enough for the UI thread, the first paint).
                self.call_after_refresh(lambda: (mark("counts"), self.app.exit()))

        tui.app.HomeScreen = TimedHome
        return run(app, headless=True, size=(80, 24))

    def timed(function):
        def call(*args, **kwargs):
            mark("opening")
            try:
                return function(*args, **kwargs)
            finally:
                marks["database"] = time.time() - spawned

        return call

    import tui.session

    tui.cli.open_db = timed(tui.cli.open_db)
    tui.session.open_session = timed(tui.session.open_session)
    textual.app.App.__init__, textual.app.App.run = timed_init, timed_run
    status = tui.cli.main(["--db", db])
    if status:
        raise SystemExit(status)
    mark("paint")
    mark("counts")

mark("exit")
for name, seconds in marks.items():
    print("MARK", name, seconds)
# Peak resident memory of this process image (VmHWM: reset by exec, unlike ru_maxrss,
# which keeps the parent's size from before the fork).
with open("/proc/self/status") as status:
    peak = next(line.split()[1] for line in status if line.startswith("VmHWM:"))
print("VmHWM_kB", peak)
"""


#: The steps of a start, in order: (name, the MARK that ends it).
PHASES = (("imports", "imports"), ("database", "database"), ("paint", "paint"),
          ("counts", "counts"), ("exit", "exit"))


def _child_env(db: str) -> dict[str, str]:
    """The children's environment: no Textual dev options, and compiled modules kept, in a
    bytecode cache of the bench's own next to `db` (the first, untimed start fills it), as an
    installed FrontDesk has them: with PYTHONDONTWRITEBYTECODE set (as in some dev shells)
    each start would compile every module of the app from source again."""
    env = {**os.environ, "TEXTUAL": "", "PYTHONPYCACHEPREFIX": str(Path(db).parent / "pycache")}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def _start_once(kind: str, db: str) -> tuple[float, float, dict[str, float]]:
    """Seconds from spawn to exit, peak resident memory in MB, and the seconds each step
    took (PHASES) of one child."""
    began, spawned = time.perf_counter(), time.time()
    proc = subprocess.run(
        [sys.executable, "-c", CHILD, kind, db, repr(spawned)],
        capture_output=True,
        env=_child_env(db),
    )
    elapsed = time.perf_counter() - began
    if proc.returncode != 0:
        raise RuntimeError(f"{kind} start failed: {proc.stderr.decode(errors='replace')}")
    lines = proc.stdout.decode().splitlines()
    peak_kb = next(int(line.split()[1]) for line in lines if line.startswith("VmHWM_kB"))
    marks = {line.split()[1]: float(line.split()[2]) for line in lines if line.startswith("MARK ")}
    marks["exit"] = elapsed
    return elapsed, peak_kb / 1024, _phases(marks)


def _phases(marks: dict[str, float]) -> dict[str, float]:
    """Seconds per step from the child's marks (seconds since spawn): the imports count the
    interpreter's start, the command line and every module loaded before the app is built
    (those loaded while the database opens too); the database step is opening it and
    signing in; then the home screen's first paint, its first counts, and the exit."""
    opened = marks.get("database", marks["imports"]) - marks.get("opening", marks["imports"])
    steps = {"imports": marks["imports"] - opened, "database": opened}
    before = marks["imports"]
    for name, mark in PHASES[2:]:
        steps[name] = marks[mark] - before
        before = marks[mark]
    return steps


def bench_startup(db: str, runs: int) -> dict[str, float]:
    """Cold start and memory of FrontDesk next to a bare Textual app, interleaved runs, with
    the median of each step (PHASES): FrontDesk starts through its entry point, as the
    `frontdesk` command, without a PostgreSQL driver (a SQLite deployment has none)."""
    times: dict[str, list[float]] = {"bare": [], "frontdesk": []}
    memory: dict[str, list[float]] = {"bare": [], "frontdesk": []}
    steps: dict[str, dict[str, list[float]]] = {"bare": {}, "frontdesk": {}}
    # Warm the OS file cache and fill the bytecode cache for both, so neither pays it alone.
    _start_once("bare", db)
    _start_once("frontdesk", db)
    for _run in range(runs):
        for kind in ("bare", "frontdesk"):
            seconds, mb, phases = _start_once(kind, db)
            times[kind].append(seconds)
            memory[kind].append(mb)
            for name, value in phases.items():
                steps[kind].setdefault(name, []).append(value)
    bare_s, app_s = statistics.median(times["bare"]), statistics.median(times["frontdesk"])
    bare_mb, app_mb = statistics.median(memory["bare"]), statistics.median(memory["frontdesk"])
    figures = {
        "bare_start_ms": round(bare_s * 1000, 1),
        "frontdesk_start_ms": round(app_s * 1000, 1),
        "start_ratio": round(app_s / bare_s, 2),
        "bare_rss_mb": round(bare_mb, 1),
        "frontdesk_rss_mb": round(app_mb, 1),
        "rss_ratio": round(app_mb / bare_mb, 2),
    }
    for kind, kind_steps in steps.items():
        for name, values in kind_steps.items():
            figures[f"{kind}_{name}_ms"] = round(statistics.median(values) * 1000, 1)
    # Cold start to the first interactive screen (SPEC §10): the bare app's first paint, and
    # FrontDesk's home screen painted with its first counts (the exit is not part of it).
    ready = {kind: statistics.median(
        sum(kind_steps[step][run] for step in ("imports", "database", "paint", "counts"))
        for run in range(runs)) for kind, kind_steps in steps.items()}
    figures.update(
        bare_total_ms=figures["bare_start_ms"], frontdesk_total_ms=figures["frontdesk_start_ms"],
        total_ratio=figures["start_ratio"],
        bare_start_ms=round(ready["bare"] * 1000, 1), frontdesk_start_ms=round(ready["frontdesk"] * 1000, 1),
        start_ratio=round(ready["frontdesk"] / ready["bare"], 2))
    return figures


def startup_database(workdir: Path) -> str:
    """A copy of the demo database whose desk clerk desk1 is this OS login's account, so that
    the start signs in as an SSH session does: without a password."""
    from data import access
    from data.db import close_database, open_database
    from data.staff import map_login, sign_in

    db = _demo_copy(workdir)
    open_database(db)
    try:
        admin = sign_in("admin")
        with access.acting(admin):
            map_login("desk1", access.os_login(), admin.id)
    finally:
        close_database()
    return db


#: Database sizes of SPEC §10, in owners (households).
SIZES = (10_000, 1_000_000)
#: Queries per kind and size.
QUERIES_PER_KIND = 200


def bench_dir() -> Path:
    """Where generated benchmark databases are cached between runs."""
    from platformdirs import user_cache_dir

    path = Path(os.environ.get("FRONTDESK_BENCH_DIR") or user_cache_dir("frontdesk", appauthor=False)) / "bench"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _schema_digest() -> str:
    """Any change to the migrations changes the schema: cached databases are keyed by it."""
    from data.schema import MIGRATIONS_DIR

    digest = hashlib.sha256()
    for migration in sorted(MIGRATIONS_DIR.glob("[0-9]*.py")):
        digest.update(migration.read_bytes())
    return digest.hexdigest()[:12]


def bench_database(owners: int, say=print) -> str:
    """The cached benchmark database of `owners` households, generated once (seed 7)."""
    from data.sample import generate

    path = bench_dir() / f"owners-{owners}-{_schema_digest()}.db"
    if not path.exists():
        say(_("Generating the {owners}-owner benchmark database once (cached at {path})…").format(
            owners=owners, path=path))
        began = time.perf_counter()
        generate(str(path), owners=owners, seed=7, progress=lambda text: None)
        say(_("  done in {s:.0f} s, {mb:.0f} MB").format(
            s=time.perf_counter() - began, mb=path.stat().st_size / 1e6))
    return str(path)


def _cached_database(stem: str, announce: str, build, say=print) -> str:
    """A benchmark database cached as `stem`-<schema digest>.db in the bench folder, built
    once by `build()` into a partial file (migrated first) and renamed when complete."""
    from data import schema
    from data.db import close_database, open_database, sidecars

    path = bench_dir() / f"{stem}-{_schema_digest()}.db"
    if not path.exists():
        say(announce.format(path=path))
        began = time.perf_counter()
        partial = path.with_suffix(".partial")
        partial.unlink(missing_ok=True)
        open_database(str(partial), create=True)
        try:
            schema.migrate()
            build()
        finally:
            close_database()
        partial.rename(path)
        for sidecar in sidecars(partial):
            sidecar.unlink(missing_ok=True)
        say(_("  done in {s:.0f} s, {mb:.0f} MB").format(
            s=time.perf_counter() - began, mb=path.stat().st_size / 1e6))
    return str(path)


def search_bench_database(owners: int, say=print) -> str:
    """The cached owner-search benchmark database of `owners` households (data.search_bench:
    the demo's people, rooms and staff only), generated once."""
    from data import search_bench

    announce = _("Generating the {owners}-owner benchmark database once (cached at {path})…").replace(
        "{owners}", str(owners))
    return _cached_database(f"search-{owners}", announce, lambda: search_bench.build(owners), say)


def fee_bench_database(rooms: int, say=print) -> str:
    """The cached fees benchmark database of `rooms` rooms without bills (data.fee_bench),
    generated once set-based; the bench bills a copy of it."""
    from data import fee_bench

    announce = _("Generating the {rooms}-room fees benchmark database once (cached at {path})…").replace(
        "{rooms}", str(rooms))
    return _cached_database(f"fees-{rooms}", announce, lambda: fee_bench.build(rooms), say)


def bench_fees(rooms: int, runs: int = 20, say=print) -> dict[str, float | int]:
    """Billing one month for every room of the fees benchmark database (a copy), then,
    with four rooms in five paid, the arrears list's first page: p50/p95 ms over `runs`
    reads, unfiltered and filtered (a community, an ageing bucket, a minimum amount)."""
    from data import fee_bench
    from data.db import close_database, open_database, sidecars
    from data.fees import arrears_page, bill_period
    from data.fees.values import period_start

    source = fee_bench_database(rooms, say)
    work = Path(source).with_suffix(".work.db")
    shutil.copyfile(source, work)
    open_database(str(work))
    try:
        began = time.perf_counter()
        result = bill_period(fee_bench.PERIOD)
        billing_s = time.perf_counter() - began
        owing = fee_bench.pay_most(80)
        as_of = period_start(fee_bench.PERIOD).replace(day=28)
        figures: dict[str, float | int] = {"rooms": rooms, "billing_s": round(billing_s, 1), "bills": result.bills,
                                           "owing_rooms": owing}
        for name, filters in (("all", {}), ("community", {"community_id": 1}), ("bucket", {"bucket": "0-3"}),
                              ("min_amount", {"min_fen": 30000})):
            arrears_page(as_of=as_of, **filters)  # warm the page cache
            times = []
            for _run in range(runs):
                began = time.perf_counter()
                arrears_page(as_of=as_of, **filters)
                times.append((time.perf_counter() - began) * 1000)
            figures[f"arrears_{name}_p50_ms"] = round(_percentile(times, 50), 1)
            figures[f"arrears_{name}_p95_ms"] = round(_percentile(times, 95), 1)
        return figures
    finally:
        close_database()
        for leftover in [work, *sidecars(work)]:
            leftover.unlink(missing_ok=True)


def report_bench_database(orders: int, say=print) -> str:
    """The cached reports benchmark database of `orders` work orders (data.report_bench),
    generated once set-based."""
    from data import report_bench

    announce = _("Generating the {orders}-order reports benchmark database once (cached at {path})…").replace(
        "{orders}", str(orders))
    return _cached_database(f"reports-{orders}", announce, lambda: report_bench.build(orders), say)


#: The standard reports the reports bench times.
BENCH_REPORTS = ("orders-category", "orders-building", "orders-technician")


def bench_reports(orders: int, runs: int = 5, say=print) -> dict[str, float | int]:
    """One month's standard work-order report (by category, building, technician, with the
    previous month's figures) on the reports benchmark database: p50/p95 ms over `runs`
    runs each after a warm-up run, as the service account (cron) runs it."""
    from data import access, report_bench
    from data.db import close_database, open_database
    from data.reports import Scope, parse_period, run_report
    from data.staff import system_account

    db = report_bench_database(orders, say)
    open_database(db)
    try:
        access.act_as(system_account())
        period = parse_period(report_bench.MONTH)
        at = dt.datetime.fromisoformat(report_bench.NOW)
        figures: dict[str, float | int] = {"orders": orders, "runs": runs}
        figures["month_orders"] = report_bench.orders_in(period.since, period.until)
        for name in BENCH_REPORTS:
            report = run_report(name, period, Scope(label=""), at=at)  # warm the page cache
            times = []
            for _run in range(max(1, runs)):
                began = time.perf_counter()
                report = run_report(name, period, Scope(label=""), at=at)
                times.append((time.perf_counter() - began) * 1000)
            key = name.replace("orders-", "")
            figures[f"{key}_p50_ms"] = round(_percentile(times, 50), 1)
            figures[f"{key}_p95_ms"] = round(_percentile(times, 95), 1)
            figures[f"{key}_rows"] = len(report.rows)
        return figures
    finally:
        access.act_as(None)
        close_database()


def print_reports(figures: dict[str, float | int], as_json: bool) -> None:
    record = keep({"bench": "reports", **figures})
    if as_json:
        print(json.dumps(record))
        return
    print(_("Reports, {orders} work orders ({month} in the month): one month's work-order report with the "
            "previous month, ms over {runs} runs (target ≤ 2000 at 1.5 M): p50 / p95, rows").format(
        orders=figures["orders"], month=figures["month_orders"], runs=figures["runs"]))
    for key in ("category", "building", "technician"):
        print(f"  {key:<12} {figures[f'{key}_p50_ms']:>8} / {figures[f'{key}_p95_ms']:>8}   {figures[f'{key}_rows']:>5}")


def print_fees(figures: dict[str, float | int], as_json: bool) -> None:
    record = keep({"bench": "fees", **figures})
    if as_json:
        print(json.dumps(record))
        return
    print(_("Fees, {rooms} rooms: billing one month, {rooms} rooms: {s} s ({bills} bill lines; "
            "target ≤ 300 s at 1 M)").format(rooms=figures["rooms"], s=figures["billing_s"], bills=figures["bills"]))
    print(_("  arrears first page ({owing} rooms owing; ms, target ≤ 100 at 1 M): p50 / p95").format(
        owing=figures["owing_rooms"]))
    for name in ("all", "community", "bucket", "min_amount"):
        print(f"  {name:<12} {figures[f'arrears_{name}_p50_ms']:>8} / {figures[f'arrears_{name}_p95_ms']:>8}")


#: Rows of the roster the import bench reads (issue 21: ≤ 3 s to import, ≤ 2 s again).
IMPORT_ROWS = 10_000


def bench_import(rows: int = IMPORT_ROWS, say=print) -> dict[str, float | int]:
    """`frontdesk import owners` of a realistic `rows`-row roster (data.roster_bench) into a
    fresh SQLite database whose two communities have no rooms yet, as an administrator,
    then the same file again (everything found, nothing added): seconds for each."""
    from data import access, roster_bench, schema
    from data.db import close_database, open_database
    from data.property import CommunityInput, add_community
    from data.roster import import_owners
    from data.staff import add_staff

    with tempfile.TemporaryDirectory(prefix="frontdesk-bench-import-") as tmp:
        roster = roster_bench.write_roster(Path(tmp) / "roster.csv", rows)
        open_database(str(Path(tmp) / "import.db"), create=True)
        try:
            schema.migrate()
            for name in roster_bench.COMMUNITIES:
                add_community(CommunityInput(name=name))
            access.act_as(add_staff("benchadmin", "基准管理员", "admin"))
            began, cpu = time.perf_counter(), time.process_time()
            first = import_owners(str(roster))
            first_s, first_cpu = time.perf_counter() - began, time.process_time() - cpu
            began, cpu = time.perf_counter(), time.process_time()
            again = import_owners(str(roster))
            again_s, again_cpu = time.perf_counter() - began, time.process_time() - cpu
        finally:
            access.act_as(None)
            close_database()
    return {
        "rows": rows, "import_s": round(first_s, 2), "reimport_s": round(again_s, 2),
        # CPU seconds of this process: what the wall time is on a machine with a core to spare.
        "import_cpu_s": round(first_cpu, 2), "reimport_cpu_s": round(again_cpu, 2),
        "import_ms_per_row": round(first_s * 1000 / max(rows, 1), 3),
        "people_created": first.people_created, "rooms_created": first.rooms_created,
        "phones_added": first.phones_added, "occupancies_added": first.occupancies_added,
        "reimport_unchanged": again.rows_unchanged,
    }


def print_import(figures: dict[str, float | int], as_json: bool) -> None:
    record = keep({"bench": "import", **figures})
    if as_json:
        print(json.dumps(record))
        return
    print(_("Roster import, {rows} rows into a new SQLite database (rooms created): {s} s, {cpu} s CPU "
            "(target ≤ 3 s); the same file again: {again} s, {again_cpu} s CPU (target ≤ 2 s)").format(
        rows=figures["rows"], s=figures["import_s"], cpu=figures["import_cpu_s"], again=figures["reimport_s"],
        again_cpu=figures["reimport_cpu_s"]))
    print(_("  {people} people, {rooms} rooms, {phones} phones, {occupancies} occupancies; "
            "again: {unchanged} rows with nothing new").format(
        people=figures["people_created"], rooms=figures["rooms_created"], phones=figures["phones_added"],
        occupancies=figures["occupancies_added"], unchanged=figures["reimport_unchanged"]))


def _percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(pct / 100 * (len(ordered) - 1))))
    return ordered[index]


#: The terminal the search bench takes its page from (the size the byte counts use).
SEARCH_SCREEN = (120, 40)


def shown_page(size: tuple[int, int] = SEARCH_SCREEN) -> int:
    """The people a search in the owners screen loads at this terminal size (the rows its
    result table shows: screens.owners `OwnersScreen.page`), read from the headless screen
    on a small throwaway database (a session writes to its database: never the cached ones)."""
    import asyncio

    from data import schema, search_bench
    from data.db import close_database, open_database
    from data.staff import sign_in
    from screens.owners import OwnersScreen
    from tui.app import FrontDeskApp

    workdir = tempfile.TemporaryDirectory(prefix="frontdesk-bench-")
    db = str(Path(workdir.name) / "page.db")
    open_database(db, create=True)
    schema.migrate()
    search_bench.build(20)
    page = 0

    async def run() -> None:
        nonlocal page
        app = FrontDeskApp(sign_in("desk1"), db)
        async with app.run_test(size=size) as pilot:
            screen = OwnersScreen()
            await app.push_screen(screen)
            await pilot.pause()
            page = screen.page()

    try:
        asyncio.run(run())
    finally:
        close_database()
        workdir.cleanup()
    return page


def bench_search(db: str, count: int = QUERIES_PER_KIND, limit: int = 50) -> dict[str, dict[str, float]]:
    """Mean, p50 and p95 milliseconds per query kind, each query run once after a warm-up
    pass, loading `limit` people at most (the owners screen's page)."""
    from data import access
    from data.benchmarks import search_terms
    from data.db import close_database, open_database
    from data.search import search
    from data.staff import sign_in

    open_database(db)
    try:
        access.act_as(sign_in("super1"))  # searches as a supervisor may, like the TUI
        mix = search_terms(count)
        figures = {}
        for kind, queries in mix.items():
            for query in queries[:20]:  # warm the page cache for this kind
                search(query, limit=limit)
            times, empty, hits = [], 0, 0
            for query in queries:
                began = time.perf_counter()
                result = search(query, limit=limit)
                times.append((time.perf_counter() - began) * 1000)
                empty += not result.hits and not result.rooms
                hits += len(result.hits)
            figures[kind] = {
                "mean_ms": round(sum(times) / len(times), 2),
                "p50_ms": round(_percentile(times, 50), 2),
                "p95_ms": round(_percentile(times, 95), 2),
                "mean_hits": round(hits / len(queries), 1),
                "no_hit": empty,
                "page": limit,
            }
        return figures
    finally:
        access.act_as(None)
        close_database()


def bench_queue(db: str, runs: int = 20) -> dict[str, dict[str, float | str | None]]:
    """First and next page of each queue view: p50/p95 milliseconds over `runs` reads."""
    from data.benchmarks import queue_parameters
    from data.db import close_database, open_database
    from data.queue import VIEWS, queue_page

    open_database(db)
    try:
        # "Mine" for the technician with the most open work: the heaviest personal queue.
        busiest = queue_parameters()
        if busiest is None:
            return {}  # no staff at all: nothing to page through
        figures: dict[str, dict[str, float | str | None]] = {}
        for view in VIEWS:
            first_times, next_times = [], []
            for _run in range(runs):
                began = time.perf_counter()
                page = queue_page(view, busiest)
                first_times.append((time.perf_counter() - began) * 1000)
                if page.next_cursor is not None:
                    began = time.perf_counter()
                    queue_page(view, busiest, after=page.next_cursor)
                    next_times.append((time.perf_counter() - began) * 1000)
            figures[view] = {
                "first_p50_ms": round(_percentile(first_times, 50), 1),
                "first_p95_ms": round(_percentile(first_times, 95), 1),
                "next_p50_ms": round(_percentile(next_times, 50), 1) if next_times else None,
                "next_p95_ms": round(_percentile(next_times, 95), 1) if next_times else None,
                "rows": page.total_text,
            }
        return figures
    finally:
        close_database()


def bench_keystroke(db: str, count: int = 40) -> dict[str, float]:
    """Last keystroke to repainted results in the headless owners screen, debounce removed."""
    import asyncio

    from textual.widgets import Input

    from data.benchmarks import search_terms
    from data.db import close_database, open_database
    from data.staff import sign_in
    from screens.owners import DEBOUNCE_S, OwnersScreen
    from tui.app import FrontDeskApp

    open_database(db)
    mix = search_terms(count, seed=13)
    queries = [q for kind in ("name2", "initials", "phone_tail", "room") for q in mix[kind][: count // 4]]
    staff = sign_in("desk1")
    latencies: list[float] = []

    class TimedOwners(OwnersScreen):
        found_query = ""
        typed_at = painted_at = 0.0

        def on_input_changed(self, event: Input.Changed) -> None:
            self.typed_at = time.perf_counter()  # the keystroke that made this value

        def on_owners_screen_owners_found(self, message: OwnersScreen.OwnersFound) -> None:
            # Textual calls this and OwnersScreen's own handler (which fills the table);
            # call_after_refresh fires once the screen has been repainted with the results.
            def painted() -> None:
                self.painted_at = time.perf_counter()
                self.found_query = message.query

            self.call_after_refresh(painted)

    async def run() -> None:
        app = FrontDeskApp(staff, db)
        async with app.run_test(size=(80, 24)) as pilot:
            screen = TimedOwners()
            await app.push_screen(screen)
            await pilot.pause()
            box = screen.query_one(Input)
            for query in queries:
                box.value = ""
                await pilot.pause(DEBOUNCE_S * 2)
                await pilot.press(*query)
                while screen.found_query != query:
                    await asyncio.sleep(0.001)
                latencies.append((screen.painted_at - screen.typed_at - DEBOUNCE_S) * 1000)

    try:
        asyncio.run(run())
    finally:
        close_database()
    return {"p50_ms": round(_percentile(latencies, 50), 1), "p95_ms": round(_percentile(latencies, 95), 1),
            "queries": len(latencies)}


#: A child process that writes one ring, as the phone system's `frontdesk calls ring` does,
#: and prints the wall time right after the commit.
RING_CHILD = r"""
import sys
import time
from data import access, schema
from data.db import open_database

db, number, extension = sys.argv[1], sys.argv[2], sys.argv[3]
open_database(db)
schema.check()
from data.calls import ring
from data.staff import system_account

access.act_as(system_account())
ring(number, extension)
print("COMMITTED", repr(time.time()), flush=True)
"""

#: Rings the ring-delay bench writes (another process each).
RING_RUNS = 10


def bench_ring(db: str, runs: int = RING_RUNS) -> dict[str, float | int]:
    """The caller-ID pop-up's delay: a ring written by another process until this process's
    RingWatch, polled as a session polls it (every RING_POLL_S), sees it — from the ring's
    commit (`commit_to_seen`) and from starting that process (`spawn_to_seen`, Python's
    start included). Reported, not asserted."""
    from data.benchmarks import ring_parameters
    from data.db import close_database, open_database
    from data.ring_watch import RING_POLL_S, RingWatch

    open_database(db)
    try:
        staff_id, extension, number = ring_parameters()
        watch = RingWatch(staff_id)
        after_commit: list[float] = []
        after_spawn: list[float] = []
        for _run in range(runs):
            began = time.time()
            child = subprocess.Popen([sys.executable, "-c", RING_CHILD, db, number, extension],
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            seen = None
            while seen is None and time.time() < began + 60:
                time.sleep(RING_POLL_S)
                if watch.poll():
                    seen = time.time()
            out, err = child.communicate(timeout=60)
            if child.returncode != 0 or seen is None:
                raise RuntimeError(f"ring bench failed: {err.strip() or 'the ring never reached the watcher'}")
            committed = float(next(line.split()[1] for line in out.splitlines() if line.startswith("COMMITTED")))
            after_commit.append(max(0.0, seen - committed) * 1000)
            after_spawn.append((seen - began) * 1000)
    finally:
        close_database()
    return {
        "commit_to_seen_p50_ms": round(_percentile(after_commit, 50), 1),
        "commit_to_seen_p95_ms": round(_percentile(after_commit, 95), 1),
        "spawn_to_seen_p50_ms": round(_percentile(after_spawn, 50), 1),
        "spawn_to_seen_p95_ms": round(_percentile(after_spawn, 95), 1),
        "poll_ms": round(RING_POLL_S * 1000), "rings": runs,
    }


def _phone_demo(workdir: Path) -> str:
    """A small new demo database (its desk clerks have extensions) for the ring bench."""
    from data.db import close_database
    from data.sample import generate

    target = workdir / "ring.db"
    generate(str(target), owners=200, seed=1)
    close_database()
    return str(target)


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


def run_bench(*, runs: int = 5, as_json: bool = False, sizes: tuple[int, ...] = SIZES,
              only: str = "") -> int:
    """Run every benchmark (or `only` one: "fees", "reports", "search", "bytes", "import",
    "startup") and print the figures; returns the exit status."""
    say = (lambda text: print(text, file=sys.stderr, flush=True)) if as_json else print
    if only == "startup":
        with tempfile.TemporaryDirectory(prefix="frontdesk-bench-") as tmp:
            print_startup(bench_startup(startup_database(Path(tmp)), runs), runs, as_json)
        return 0
    if only == "bytes":
        run_bytes(as_json)
        return 0
    if only in ("", "import"):  # alone, sizes are rows of the roster; in the whole suite, IMPORT_ROWS
        for rows in sizes if only else (IMPORT_ROWS,):
            print_import(bench_import(rows, say=say), as_json)
        if only == "import":
            return 0
    if only in ("", "reports"):
        for orders in sizes:
            print_reports(bench_reports(orders, runs=runs, say=say), as_json)
        if only == "reports":
            return 0
    if only != "search":
        for rooms in sizes:
            print_fees(bench_fees(rooms, say=say), as_json)
    if only == "fees":
        return 0
    per_size: dict[int, dict[str, dict[str, float]]] = {}
    page = 0
    for owners in sizes:
        db = search_bench_database(owners, say)
        page = page or shown_page()
        per_size[owners] = bench_search(db, limit=page)
        for kind, figures in per_size[owners].items():
            record = keep({"bench": "search", "owners": owners, "kind": kind, **figures})
            if as_json:
                print(json.dumps(record, ensure_ascii=False))
    if not as_json:
        _print_search(per_size, page)
    if len(sizes) >= 2:
        small, large = per_size[sizes[0]], per_size[sizes[-1]]
        ratios = {k: round(large[k]["p95_ms"] / max(small[k]["p95_ms"], 0.001), 2) for k in large}
        mean_ratios = {k: round(large[k]["mean_ms"] / max(small[k]["mean_ms"], 0.001), 2) for k in large}
        mix = round(sum(f["mean_ms"] for f in large.values())
                    / max(sum(f["mean_ms"] for f in small.values()), 0.001), 2)
        record = keep({"bench": "search_ratio", "sizes": [sizes[0], sizes[-1]], **ratios})
        mean_record = keep({"bench": "search_mean_ratio", "sizes": [sizes[0], sizes[-1]],
                            **mean_ratios, "mix": mix})
        if as_json:
            print(json.dumps(record))
            print(json.dumps(mean_record))
        else:
            print(_("  p95 ratio {large} / {small}: {ratios}").format(
                large=sizes[-1], small=sizes[0],
                ratios="  ".join(f"{k} {v:.2f}×" for k, v in ratios.items())))
            print(_("  mean ratio {large} / {small}: {ratios}  (target ≤ 1.5 ×)").format(
                large=sizes[-1], small=sizes[0],
                ratios="  ".join(f"{k} {v:.2f}×" for k, v in [*mean_ratios.items(), (_("all kinds"), mix)])))
    if only == "search":
        return 0
    queue = {owners: bench_queue(bench_database(owners, say)) for owners in sizes}
    for owners, queue_views in queue.items():
        records = [keep({"bench": "queue", "owners": owners, "view": view, **queue_figures})
                   for view, queue_figures in queue_views.items()]
        if as_json:
            for record in records:
                print(json.dumps(record))
        else:
            print(_("Work-order queue, {owners} owners (ms; target first page ≤ 100 ms at 1 M work orders):").format(
                owners=owners))
            for view, f in queue_views.items():
                print(f"  {view:<10} {f['first_p50_ms']:>7} / {f['first_p95_ms']:>7}   "
                      f"{f['next_p50_ms'] if f['next_p50_ms'] is not None else '-':>7} / "
                      f"{f['next_p95_ms'] if f['next_p95_ms'] is not None else '-':>7}   {f['rows']:>6}")
            print("  " + _("(first page p50 / p95, next page p50 / p95, rows in the view)"))

    from screens.owners import DEBOUNCE_S

    keystroke = {owners: bench_keystroke(bench_database(owners, say)) for owners in sizes}
    for owners, figures in keystroke.items():
        record = keep({"bench": "keystroke", "owners": owners, **figures})
        if as_json:
            print(json.dumps(record))
        else:
            print(_("Keystroke to repainted results (owners screen, headless, after the {ms:.0f} ms debounce), "
                    "{owners} owners: p50 {p50} ms, p95 {p95} ms (target p95 ≤ 50 ms)").format(
                ms=DEBOUNCE_S * 1000, owners=owners, p50=figures["p50_ms"], p95=figures["p95_ms"]))
    run_bytes(as_json)
    with tempfile.TemporaryDirectory(prefix="frontdesk-bench-") as tmp:
        startup = bench_startup(startup_database(Path(tmp)), runs)
        ring = bench_ring(_phone_demo(Path(tmp)))
    record = keep({"bench": "ring", **ring})
    if as_json:
        print(json.dumps(record))
    else:
        print(_("Caller-ID pop-up: a ring written by another process until a session's watcher sees it "
                "({rings} rings, watcher every {poll} ms):").format(rings=ring["rings"], poll=ring["poll_ms"]))
        print(_("  from its commit: p50 {p50} ms, p95 {p95} ms (target: within about a second)").format(
            p50=ring["commit_to_seen_p50_ms"], p95=ring["commit_to_seen_p95_ms"]))
        print(_("  from starting that process: p50 {p50} ms, p95 {p95} ms").format(
            p50=ring["spawn_to_seen_p50_ms"], p95=ring["spawn_to_seen_p95_ms"]))
    print_startup(startup, runs, as_json)
    return 0


def print_startup(startup: dict[str, float], runs: int, as_json: bool) -> None:
    """The start-up figures, and each step of both starts next to each other."""
    from rich.cells import cell_len

    record = keep({"bench": "startup", "owners": 2000, "runs": runs, **startup})
    if as_json:
        print(json.dumps(record, ensure_ascii=False))
        return
    print(_("Cold start to the first interactive screen (median of {runs} runs, 80×24, headless):").format(runs=runs))
    print(_("  bare Textual app  {ms:8.1f} ms   {mb:6.1f} MB").format(
        ms=startup["bare_start_ms"], mb=startup["bare_rss_mb"]))
    print(_("  FrontDesk         {ms:8.1f} ms   {mb:6.1f} MB").format(
        ms=startup["frontdesk_start_ms"], mb=startup["frontdesk_rss_mb"]))
    print(_("  ratio             {t:8.2f} ×      {m:6.2f} ×   (targets ≤ 1.3 × and ≤ 1.6 ×)").format(
        t=startup["start_ratio"], m=startup["rss_ratio"]))
    print(_("  steps (ms)         imports  database  first paint  first counts     exit"))
    for kind, name in (("bare", _("bare Textual app")), ("frontdesk", _("FrontDesk"))):
        cells = [startup.get(f"{kind}_{step}_ms", 0.0) for step, _mark in PHASES]
        widths = (9, 10, 13, 14, 9)
        print("  " + name + " " * max(1, 17 - cell_len(name))
              + "".join(f"{cell:>{width}.1f}" for cell, width in zip(cells, widths, strict=True)))
    bare_paint = startup["bare_imports_ms"] + startup["bare_database_ms"] + startup["bare_paint_ms"]
    paint = startup["frontdesk_imports_ms"] + startup["frontdesk_database_ms"] + startup["frontdesk_paint_ms"]
    print(_("  to the first paint: {app:.1f} ms against {bare:.1f} ms, {ratio:.2f} ×").format(
        app=paint, bare=bare_paint, ratio=paint / bare_paint))
    print(_("  spawn to exit: {app:.1f} ms against {bare:.1f} ms, {ratio:.2f} ×").format(
        app=startup["frontdesk_total_ms"], bare=startup["bare_total_ms"], ratio=startup["total_ratio"]))
    print(_("  (FrontDesk through the frontdesk command until its home screen shows the first counts, as a SQLite deployment: no PostgreSQL driver; the bare app until its first paint)"))


def run_bytes(as_json: bool) -> None:
    """Bytes written to a pseudo-terminal per action (tui.bench_bytes), on a copy of the demo
    database; skipped where there are no pseudo-terminals."""
    from tui import bench_bytes

    if not hasattr(os, "openpty"):
        print(_("Bytes per action: no pseudo-terminals on this platform, skipped."))
        return
    with tempfile.TemporaryDirectory(prefix="frontdesk-bench-") as tmp:
        db = _demo_copy(Path(tmp))
        bench_bytes.print_bytes(bench_bytes.bench_bytes(db, Path(tmp) / "home"), as_json)


def _print_search(per_size: dict[int, dict[str, dict[str, float]]], page: int) -> None:
    print(_("Owner search, {n} queries per kind (milliseconds; target p95 ≤ 20 ms at 1 M):").format(
        n=QUERIES_PER_KIND))
    print("  " + _("(each loads at most {page} people: the rows the owners screen shows at {w}×{h})").format(
        page=page, w=SEARCH_SCREEN[0], h=SEARCH_SCREEN[1]))
    header = "  " + _("kind").ljust(12) + "".join(f"{owners:>40,}" for owners in per_size)
    print(header)
    kinds = next(iter(per_size.values())).keys()
    for kind in kinds:
        cells = "".join(
            f"{per_size[o][kind]['mean_ms']:>10.2f} /{per_size[o][kind]['p50_ms']:>9.2f} /"
            f"{per_size[o][kind]['p95_ms']:>9.2f}{per_size[o][kind]['mean_hits']:>8.1f}"
            for o in per_size
        )
        print("  " + kind.ljust(12) + cells)
    print("  " + _("(each size: mean / p50 / p95 ms, mean hits per query)"))
