"""`frontdesk soak` / `make soak` (issue 8): many processes doing mixed read-modify-write
transactions through the data layer at once, then a check that nothing was lost.

Each worker process opens its own database handle, acts as a seeded desk account and runs
a random mix of:

- increment: read a counter row and write it back plus one inside `transaction()` — a
  real read-modify-write (SQLite: BEGIN IMMEDIATE holds the write lock from the start;
  PostgreSQL: SELECT … FOR UPDATE);
- create: a work order through `data.workorders.create_order`;
- change: a note on a busy work order with the version just read (`expected_version`),
  read again and retried on ConflictError;
- read: a page of the work-order queue.

At the end: no errors (none "database is locked"), no lost update (the counter equals the
increments, every created order exists, every order's version is 1 + its changes), and
throughput with p50/p99 latency per kind. The exit status is non-zero otherwise.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import queue as queue_module
import random
import shutil
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import cast

from data.i18n import _

KINDS = ("increment", "create", "change", "read")
WEIGHTS = (3, 2, 3, 2)
COUNTER_KEY = "soak.counter"
#: Orders every worker changes: few, so that changes collide and conflicts are retried.
HOT_ORDERS = 16
#: Rooms the soak's orders are opened for.
ROOMS = 8
#: Attempts at one change before it counts as an error.
MAX_RETRIES = 50
#: Seconds a worker may take to start, and the whole run after the start.
START_TIMEOUT_S = 120
RUN_TIMEOUT_S = 600


@dataclass
class Seeded:
    """What the workers need to know about the seeded rows (picklable)."""

    target: str
    staff_id: int
    login: str
    community_id: int
    room_ids: list[int]
    hot_ids: list[int]


@dataclass
class WorkerResult:
    """One worker's tally (picklable)."""

    index: int
    increments: int = 0
    created: list[int] = field(default_factory=list)
    changes: dict[int, int] = field(default_factory=dict)  # order id → successful changes
    conflicts: int = 0  # ConflictErrors retried
    latencies: dict[str, list[float]] = field(default_factory=dict)  # kind → seconds
    errors: list[str] = field(default_factory=list)


@dataclass
class SoakReport:
    """The whole run."""

    target: str
    processes: int
    transactions: int
    seconds: float
    latencies: dict[str, list[float]]
    errors: list[str]
    locked: int
    lost: list[str]
    conflicts: int

    @property
    def ok(self) -> bool:
        return not self.errors and not self.lost

    @property
    def done(self) -> int:
        return sum(len(v) for v in self.latencies.values())

    @property
    def throughput(self) -> float:
        return self.done / self.seconds if self.seconds else 0.0

    def as_json(self) -> dict:
        return {
            "database": "postgresql" if self.target.startswith("postgres") else "sqlite",
            "processes": self.processes, "transactions_per_process": self.transactions,
            "transactions": self.done, "seconds": round(self.seconds, 3),
            "throughput_tps": round(self.throughput, 1),
            "kinds": {kind: _stats(self.latencies.get(kind, [])) for kind in KINDS},
            "errors": len(self.errors), "database_locked": self.locked,
            "lost_updates": len(self.lost), "conflicts_retried": self.conflicts,
            "ok": self.ok, "first_errors": self.errors[:5], "first_lost": self.lost[:5],
        }


def _percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * len(ordered) + 0.5) - 1))]


def _stats(values: list[float]) -> dict:
    return {
        "count": len(values),
        "p50_ms": round(statistics.median(values) * 1000, 1) if values else 0.0,
        "p99_ms": round(_percentile(values, 0.99) * 1000, 1),
        "max_ms": round(max(values) * 1000, 1) if values else 0.0,
    }


# --- seeding -------------------------------------------------------------------------------------


def seed(target: str) -> Seeded:
    """Migrate `target` (which must hold no FrontDesk data) and add what the workers use:
    a community with rooms, a desk account, the counter and the busy orders."""
    from data import access, schema
    from data.db import open_database, transaction
    from data.errors import FrontDeskError
    from data.models import Building, Community, Entrance, Room, Setting, Staff, WorkOrder
    from data.workorders import OrderInput, create_order

    open_database(target, create=True)
    schema.migrate()
    if Staff.select().exists() or WorkOrder.select().exists():
        raise FrontDeskError(_(
            "The soak writes test data: give it a new, empty database (this one holds staff "
            "or work orders)."))
    with transaction():
        community = Community.create(name="压力测试小区", code="SOAK")
        building = Building.create(community=community, code="1", floors=ROOMS)
        entrance = Entrance.create(building=building, code="1")
        rooms = [Room.create(community=community, building=building, entrance=entrance,
                             number=f"{floor}01", code=f"1-1-{floor}01", floor=floor)
                 for floor in range(1, ROOMS + 1)]
        staff = Staff.create(login="soak", name="压测", role="desk")
        Setting.create(key=COUNTER_KEY, value="0")
    access.act_as(staff)
    try:
        hot = [create_order(OrderInput(kind="repair", title=f"热点工单 {i}", community_id=community.id,
                                     room_id=rooms[i % ROOMS].id), staff.id).id
               for i in range(HOT_ORDERS)]
    finally:
        access.act_as(None)
    return Seeded(target, staff.id, staff.login, community.id, [r.id for r in rooms], hot)


# --- one worker ----------------------------------------------------------------------------------


def _increment() -> None:
    from data.db import is_sqlite, transaction
    from data.models import Setting

    with transaction():
        query = Setting.select().where(Setting.key == COUNTER_KEY)
        if not is_sqlite():
            query = query.for_update()  # SQLite: BEGIN IMMEDIATE already holds the write lock
        row = query.get()
        Setting.update(value=str(int(row.value) + 1)).where(Setting.key == COUNTER_KEY).execute()


def _change(order_id: int, staff_id: int, note: str, result: WorkerResult) -> None:
    from data.workorders import ConflictError, add_note, get_order

    for _attempt in range(MAX_RETRIES):
        version = get_order(order_id).version
        try:
            add_note(order_id, staff_id, note, expected_version=version)
        except ConflictError:
            result.conflicts += 1
            continue
        result.changes[order_id] = result.changes.get(order_id, 0) + 1
        return
    raise RuntimeError(_("Work order {id} still conflicted after {n} attempts.").format(
        id=order_id, n=MAX_RETRIES))


def run_worker(seeded: Seeded, index: int, count: int, seed_value: int, ready, go,
               results) -> None:
    """The body of one worker process: open, act as the soak account, wait for the start,
    run `count` transactions, report."""
    result = WorkerResult(index)
    try:
        from data import access
        from data.db import close_database, open_database
        from data.queue import queue_page
        from data.workorders import OrderInput, create_order

        open_database(seeded.target)
        access.act_as(SimpleNamespace(id=seeded.staff_id, login=seeded.login, role="desk"))
        rng = random.Random(seed_value * 100_003 + index)
        plan = rng.choices(KINDS, WEIGHTS, k=count)
    except BaseException as exc:  # noqa: BLE001 - reported to the parent, which fails the run
        result.errors.append(f"start: {type(exc).__name__}: {exc}")
        ready.put(index)
        results.put(result)
        return
    ready.put(index)
    go.wait()
    for n, kind in enumerate(plan):
        started = time.perf_counter()
        try:
            if kind == "increment":
                _increment()
                result.increments += 1
            elif kind == "create":
                order = create_order(OrderInput(
                    kind="repair", title=f"压测 {index}-{n}", community_id=seeded.community_id,
                    room_id=rng.choice(seeded.room_ids)), seeded.staff_id)
                result.created.append(order.id)
            elif kind == "change":
                pool = seeded.hot_ids if not result.created or rng.random() < 0.8 else result.created
                _change(rng.choice(pool), seeded.staff_id, f"进程 {index} 备注 {n}", result)
            else:
                queue_page("new", seeded.staff_id, limit=50)
        except Exception as exc:  # noqa: BLE001 - every failure is counted, not raised
            result.errors.append(f"{kind}: {type(exc).__name__}: {exc}")
            continue
        result.latencies.setdefault(kind, []).append(time.perf_counter() - started)
    close_database()
    results.put(result)


# --- the run -------------------------------------------------------------------------------------


def run_soak(target: str | None = None, *, processes: int = 32, transactions: int = 200,
             seed_value: int = 1, say=None) -> SoakReport:
    """Seed `target` (default: a new SQLite file in a temporary folder, removed afterwards),
    run the workers, verify, and return the report."""
    say = say or (lambda _text: None)
    workdir = None
    if target is None:
        workdir = tempfile.mkdtemp(prefix="frontdesk-soak-")
        target = os.path.join(workdir, "soak.db")
    try:
        return _run(target, processes, transactions, seed_value, say)
    finally:
        from data.db import close_database

        close_database()
        if workdir:
            shutil.rmtree(workdir, ignore_errors=True)


def _run(target: str, processes: int, transactions: int, seed_value: int, say) -> SoakReport:
    from data.db import close_database

    seeded = seed(target)
    close_database()  # the parent holds no connection while the workers run
    # spawn: a fresh interpreter per worker, nothing inherited (no open connection, no
    # lock state) — as separate SSH sessions would be.
    ctx = multiprocessing.get_context("spawn")
    ready, results, go = ctx.Queue(), ctx.Queue(), ctx.Event()
    workers = [ctx.Process(target=run_worker, name=f"soak-{i}",
                           args=(seeded, i, transactions, seed_value, ready, go, results))
               for i in range(processes)]
    say(_("Starting {n} processes…").format(n=processes))
    for worker in workers:
        worker.start()
    gathered: list[WorkerResult] = []
    errors: list[str] = []
    started = seconds = 0.0
    try:
        for _i in range(processes):
            ready.get(timeout=START_TIMEOUT_S)
        say(_("Running {n} transactions…").format(n=processes * transactions))
        started = time.perf_counter()
        go.set()
        for _i in range(processes):
            gathered.append(results.get(timeout=RUN_TIMEOUT_S))
        seconds = time.perf_counter() - started
    except queue_module.Empty:
        seconds = time.perf_counter() - started if started else 0.0
        errors.append(_("Some processes did not finish in time."))
    finally:
        for worker in workers:
            worker.join(timeout=30)
            if worker.is_alive():
                worker.kill()
                worker.join()
    for worker in workers:
        if worker.exitcode not in (0, None):
            errors.append(_("Process {name} ended with status {code}.").format(
                name=worker.name, code=worker.exitcode))
    latencies: dict[str, list[float]] = {kind: [] for kind in KINDS}
    conflicts = 0
    for result in gathered:
        errors += [f"#{result.index} {e}" for e in result.errors]
        conflicts += result.conflicts
        for kind, values in result.latencies.items():
            latencies[kind] += values
    locked = sum("database is locked" in e for e in errors)
    lost = verify(seeded, gathered)
    return SoakReport(target, processes, transactions, seconds, latencies, errors, locked,
                      lost, conflicts)


def verify(seeded: Seeded, results: list[WorkerResult]) -> list[str]:
    """Every lost update, as a sentence: the counter, missing orders, versions that do not
    match the changes made, notes missing from the history."""
    from peewee import fn

    from data.db import close_database, open_database
    from data.models import Setting, WorkOrder, WorkOrderHistory

    open_database(seeded.target)
    try:
        lost: list[str] = []
        increments = sum(r.increments for r in results)
        counter = int(Setting.get(Setting.key == COUNTER_KEY).value)
        if counter != increments:
            lost.append(_("The counter is {value} after {n} increments.").format(
                value=counter, n=increments))
        created = [i for r in results for i in r.created]
        changes: Counter[int] = Counter()
        for r in results:
            changes.update(r.changes)
        orders = set(seeded.hot_ids) | set(created)
        # cast: peewee's stubs type the rows of .tuples() as model instances still.
        IdCounts = Iterable[tuple[int, int]]
        versions = dict(cast(IdCounts, WorkOrder.select(WorkOrder.id, WorkOrder.version).tuples()))
        missing = sorted(set(created) - set(versions))
        if missing:
            lost.append(_("{n} created work order(s) are missing (first id {id}).").format(
                n=len(missing), id=missing[0]))
        notes = dict(cast(IdCounts, WorkOrderHistory.select(WorkOrderHistory.work_order,
                                                            fn.COUNT(WorkOrderHistory.id))
                          .where(WorkOrderHistory.action == "note")
                          .group_by(WorkOrderHistory.work_order).tuples()))
        for order_id in sorted(orders - set(missing)):
            expected = 1 + changes[order_id]
            if versions[order_id] != expected:
                lost.append(_("Work order {id} is at version {version}, expected {expected}.").format(
                    id=order_id, version=versions[order_id], expected=expected))
            if notes.get(order_id, 0) != changes[order_id]:
                lost.append(_("Work order {id} has {notes} note(s) in its history, expected "
                              "{expected}.").format(id=order_id, notes=notes.get(order_id, 0),
                                                    expected=changes[order_id]))
        extra = len(versions) - len(orders)
        if extra:
            lost.append(_("{n} work order(s) exist that no process reported creating.").format(n=extra))
        return lost
    finally:
        close_database()


# --- output ----------------------------------------------------------------------------------------


def print_report(report: SoakReport, *, as_json: bool = False, out=None) -> None:
    """The figures as a small table (or one JSON object), then the verdict."""
    out = out or sys.stdout
    if as_json:
        print(json.dumps(report.as_json(), ensure_ascii=False), file=out)
        return
    kind_names = {"increment": _("increment"), "create": _("create order"),
                  "change": _("change order"), "read": _("read queue")}
    print(_("{n} processes × {m} transactions on {db}").format(
        n=report.processes, m=report.transactions,
        db="PostgreSQL" if report.target.startswith("postgres") else "SQLite"), file=out)
    from tui.cli.common import pad as _pad

    kind_header, count_header = _("kind"), _("count")
    print(f"{_pad(kind_header, 14)}{count_header:>8}{'p50 ms':>10}{'p99 ms':>10}{'max ms':>10}",
          file=out)
    for kind in KINDS:
        s = _stats(report.latencies.get(kind, []))
        print(f"{_pad(kind_names[kind], 14)}{s['count']:>8}{s['p50_ms']:>10.1f}{s['p99_ms']:>10.1f}"
              f"{s['max_ms']:>10.1f}", file=out)
    print(_("{done} transactions in {seconds:.1f} s: {tps:.0f} transactions/s; {conflicts} "
            "conflicts retried.").format(done=report.done, seconds=report.seconds,
                                         tps=report.throughput, conflicts=report.conflicts),
          file=out)
    print(_("Errors: {errors} (database is locked: {locked}). Lost updates: {lost}.").format(
        errors=len(report.errors), locked=report.locked, lost=len(report.lost)), file=out)
    # The same failure from many processes is one line, with how often it happened.
    distinct = Counter(e.split(" ", 1)[1] if e.startswith("#") else e for e in report.errors)
    for line, times in distinct.most_common(10):
        print(f"  {times:>5} × {line}", file=out)
    for line in report.lost[:10]:
        print("  " + line, file=out)
    print(_("OK") if report.ok else _("FAILED"), file=out)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The soak's own options (shared by `frontdesk soak` and `python -m tui.soak`)."""
    parser.add_argument("--processes", type=int, default=32, metavar="N",
                        help=_("worker processes (default 32)"))
    parser.add_argument("--transactions", type=int, default=200, metavar="N",
                        help=_("transactions per process (default 200)"))
    parser.add_argument("--seed", type=int, default=1, metavar="S", help=_("random seed (default 1)"))
    parser.add_argument("--json", action="store_true", help=_("one JSON object"))


def run_from_args(args: argparse.Namespace, target: str | None) -> int:
    """Run with parsed options; 0 when nothing failed and nothing was lost, else 1."""
    from data.errors import ValidationError

    if args.processes < 1:
        raise ValidationError("--processes", _("--processes must be at least 1."))
    if args.transactions < 1:
        raise ValidationError("--transactions", _("--transactions must be at least 1."))
    report = run_soak(target, processes=args.processes, transactions=args.transactions,
                      seed_value=args.seed,
                      say=lambda text: print(text, file=sys.stderr, flush=True))
    print_report(report, as_json=args.json)
    return 0 if report.ok else 1


def main(argv: list[str] | None = None) -> int:
    """`python -m tui.soak [--db PATH_OR_URL] …`."""
    from data.errors import FrontDeskError

    parser = argparse.ArgumentParser(prog="python -m tui.soak", description=_(
        "Many processes writing at once through the data layer; fails on any error or lost update."))
    parser.add_argument("--db", metavar="PATH_OR_URL",
                        help=_("an empty database to use (default: a new SQLite file, removed afterwards)"))
    add_arguments(parser)
    args = parser.parse_args(argv)
    try:
        return run_from_args(args, args.db)
    except FrontDeskError as exc:
        print(_("frontdesk: {message}").format(message=exc), file=sys.stderr)
        return 2


if __name__ == "__main__":
    raise SystemExit(main())
