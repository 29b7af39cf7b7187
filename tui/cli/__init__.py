"""The `frontdesk` command: the TUI by default, and the scriptable commands of SPEC §5."""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import importlib
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from data import i18n
from data.errors import FrontDeskError
from data.i18n import _
from tui.cli.common import open_db

#: The options every command takes (before the command's name), and the one-word values of
#: the TUI's start: `frontdesk --db X --user Y` opens the app without loading the commands.
GLOBAL_OPTIONS = ("--db", "--user", "--lang")

#: The command modules under tui/cli/, in the order of `frontdesk --help` (people's commands
#: come right after `migrate`, before `bench`). One list for the parser and the table.
COMMAND_MODULES = (
    "people", "tickets", "calls", "phone_gate", "calendar", "audit", "territory", "admin",
    "settings", "community", "renovations", "duty", "handover", "registers", "desk_registers",
    "retention", "leads", "contracts", "fees", "knowledge", "meetings", "facilities", "surveys",
    "notices", "reports",
)


def _options_parser() -> argparse.ArgumentParser:
    """The parser of the options before the command (all the app's start needs)."""
    parser = argparse.ArgumentParser(
        prog="frontdesk",
        description=_("FrontDesk 物业前台 — the front desk of a residential property company."),
    )
    parser.add_argument(
        "--db", metavar="PATH_OR_URL",
        help=_("SQLite file or postgresql:// URL (else FRONTDESK_DB, else your own copy of the demo data)"),
    )
    parser.add_argument("--user", metavar="LOGIN", help=_("staff login (else your OS login)"))
    parser.add_argument("--lang", choices=i18n.LANGUAGES, help=_("interface language (default zh)"))
    return parser


def _opens_app(argv: Sequence[str]) -> bool:
    """Does `argv` only open the app: global options with their values and no command (nor
    -h)? Then the command modules (each loading its part of the data layer) stay unloaded:
    the first screen is painted sooner (SPEC §10 cold start)."""
    i = 0
    while i < len(argv):
        name, has_value, value = argv[i].partition("=")
        if name not in GLOBAL_OPTIONS:
            return False
        if not has_value:
            if i + 1 >= len(argv) or argv[i + 1].startswith("-"):
                return False
            value = argv[i + 1]
            i += 1
        if name == "--lang" and value not in i18n.LANGUAGES:
            return False  # the full parser says which languages there are
        i += 1
    return True


def _modules() -> list[Any]:
    """The command modules, in the order their commands are listed: loaded for a command,
    not for the app."""
    return [importlib.import_module(f"tui.cli.{name}") for name in COMMAND_MODULES]


def _parser() -> argparse.ArgumentParser:
    people, *others = _modules()
    parser = _options_parser()
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("sample", help=_("write a realistic demo database"))
    p.add_argument("--out", required=True, metavar="PATH", help=_("the new SQLite file"))
    p.add_argument("--owners", type=int, default=2000, metavar="N", help=_("households (default 2000)"))
    p.add_argument("--seed", type=int, default=1, metavar="S", help=_("same seed, same content (default 1)"))
    p.add_argument("--today", metavar="YYYY-MM-DD", help=_("the day the data is anchored on (default today)"))
    p.add_argument("--force", action="store_true", help=_("replace PATH if it exists"))

    sub.add_parser("migrate", help=_("bring the database to the current schema"))

    people.add_parsers(sub)

    p = sub.add_parser("bench", help=_("the benchmark suite (SPEC §10)"))
    p.add_argument("--json", action="store_true", help=_("one JSON object per line"))
    p.add_argument("--runs", type=int, default=5, metavar="N", help=_("repetitions per measure"))
    p.add_argument("--sizes", default=None, metavar="N,N",
                   help=_("database sizes in owners (default 10000,1000000)"))
    p.add_argument("--only", choices=["fees", "reports", "search", "bytes", "import", "startup"], default="",
                   help=_("run one benchmark: fees (billing a month, the arrears list; sizes in rooms), "
                          "reports (a month's work-order reports; sizes in work orders)") + "; "
                   + _("search (owner search by kind of query; sizes in owners)") + "; "
                   + _("bytes (written to a pseudo-terminal per action, 120×40)")
                   + _(", import (an owner roster into a new database; sizes in rows, default 10000)") + "; "
                   + _("startup (cold start next to a bare Textual app, step by step)"))
    p.add_argument("--save", metavar="FILE",
                   help=_("write the figures to FILE (JSON, with the commit and the machine)"))
    p.add_argument("--against", metavar="FILE",
                   help=_("print each figure next to the one saved in FILE, with the ratio now / saved"))
    for module in others:
        module.add_parsers(sub)
    return parser


@contextmanager
def _loading() -> Iterator[None]:
    """A stretch of the app's start that loads what lives as long as the app (modules,
    classes, the catalog, the models): the cyclic garbage collector is off meanwhile — its
    passes would find nothing — and what was loaded is frozen after it, left out of every
    later full pass. Else the first full pass came during the first paint and walked some
    50 000 objects that are never garbage (27 ms of a cold start on a busy machine, issue
    21), and each later one in the session walked them again."""
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        gc.enable()


def cmd_tui(args: argparse.Namespace) -> int:
    with _loading():
        from tui.paths import database_label
        from tui.session import open_session

        target = open_db(args)
    # The collector runs while the sign-in may wait for a password (its own screen).
    staff = open_session(args, tui=True).staff
    with _loading():
        from tui.app import FrontDeskApp

        app = FrontDeskApp(staff, database_label(target))
    app.run()
    return 0


def cmd_sample(args: argparse.Namespace) -> int:
    from data.sample import generate

    today = dt.date.fromisoformat(args.today) if args.today else None
    if args.owners < 1:
        raise FrontDeskError(_("--owners must be at least 1."))
    stats = generate(
        args.out, owners=args.owners, seed=args.seed, today=today, force=args.force,
        progress=lambda text: print(text, file=sys.stderr, flush=True),
    )
    size_mb = os.path.getsize(args.out) / 1e6
    print(_("Wrote {path}: {size:.1f} MB in {seconds:.1f} s.").format(
        path=args.out, size=size_mb, seconds=stats.seconds))
    return 0


def cmd_migrate(args: argparse.Namespace) -> int:
    from data import schema
    from tui.session import sign_in_admin_if_any

    target = open_db(args, check=False, create=True)
    sign_in_admin_if_any(args)  # a database with an administrator is migrated by one

    def backed_up(path) -> None:
        print(_("Backed up {db} to {path} before migrating.").format(db=target, path=path))

    applied = schema.migrate(backed_up=backed_up)
    if applied:
        print(_("Applied to {db}: {names}").format(db=target, names=", ".join(applied)))
    else:
        print(_("{db} is up to date.").format(db=target))
    return 0


def cmd_bench(args: argparse.Namespace) -> int:
    from tui.bench import run_bench

    try:
        text = args.sizes if args.sizes is not None else ("10000" if args.only == "import" else "10000,1000000")
        sizes = tuple(int(x) for x in text.split(",") if x.strip())
    except ValueError:
        raise FrontDeskError(_("--sizes takes owner counts separated by commas, such as 10000,1000000.")) from None
    if not (args.save or args.against):
        return run_bench(runs=args.runs, as_json=args.json, sizes=sizes, only=args.only)
    from tui.bench_figures import run_saved

    return run_saved(lambda: run_bench(runs=args.runs, as_json=args.json, sizes=sizes, only=args.only),
                     save=args.save, against=args.against, as_json=args.json,
                     options={"runs": args.runs, "sizes": list(sizes), "only": args.only})


def _commands() -> dict[Any, Callable[[argparse.Namespace], int]]:
    """The function of each command; None (no command) opens the app. The key is Any: a
    dict's key type is invariant, and each group's table is a dict[str, ...]."""
    table: dict[Any, Callable[[argparse.Namespace], int]] = {
        None: cmd_tui,
        "sample": cmd_sample,
        "migrate": cmd_migrate,
        "bench": cmd_bench,
    }
    for module in _modules():
        table.update(module.COMMANDS)
    return table


def __getattr__(name: str) -> dict[Any, Callable[[argparse.Namespace], int]]:
    """`COMMANDS`, the table of `_commands`, built when first asked for (not at import)."""
    if name == "COMMANDS":
        return _commands()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


class _VisibleControls:
    """A text stream that shows control characters as symbols (␛ for ESC): what a command
    prints of stored text can never steer the terminal. Carriage returns (progress bars)
    pass through."""

    def __init__(self, stream) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        from data.validators import show_controls

        return self._stream.write(show_controls(text, keep="\t\n\r"))

    def __getattr__(self, name: str):
        return getattr(self._stream, name)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `frontdesk` console command."""
    stdout, stderr = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = _VisibleControls(stdout), _VisibleControls(stderr)
    try:
        return _main(argv)
    finally:
        sys.stdout, sys.stderr = stdout, stderr


def _main(argv: Sequence[str] | None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    # The language must be known before the parser's help texts are built.
    lang = next((argv[i + 1] for i, a in enumerate(argv[:-1]) if a == "--lang"), None)
    lang = lang or next((a.split("=", 1)[1] for a in argv if a.startswith("--lang=")), None)
    try:
        i18n.set_language(lang)
    except ValueError:
        pass  # argparse reports the bad choice below
    if _opens_app(argv):
        args = _options_parser().parse_args(argv)
        args.command = None
    else:
        args = _parser().parse_args(argv)
    try:
        try:
            return cmd_tui(args) if args.command is None else _commands()[args.command](args)
        except Exception as exc:
            # A SQLite error about the file itself (not a database, damaged, read-only, …)
            # becomes a message naming the file; any other error stays what it is.
            from data.db import database_problem

            problem = database_problem(exc) if not isinstance(exc, FrontDeskError) else None
            if problem is None:
                raise
            raise problem from exc
    except FrontDeskError as exc:
        print(_("frontdesk: {message}").format(message=exc), file=sys.stderr)
        from data.workorders import ConflictError  # loaded already if it can be one

        return 3 if isinstance(exc, ConflictError) else 2
    except FileExistsError as exc:
        print(_("frontdesk: {path} exists; pass --force to replace it.").format(path=exc.filename or exc),
              file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader went away (`… | head`): stop quietly, as Unix tools do.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 141


if __name__ == "__main__":
    raise SystemExit(main())
