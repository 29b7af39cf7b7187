"""Benchmarks that remember (issue 21 item 7): `frontdesk bench --save FILE` writes the
run's figures with the commit and the machine; `--against FILE` prints each figure next to
the saved one with the ratio new / old, so a change is judged by one command.

The file is JSON: ``{"format": "frontdesk-bench", "version": 1, "commit", "dirty",
"saved_at", "machine": {cores, platform, python, load_before, load_after}, "options",
"records": [what --json prints], "figures": {name: number}}``. A figure's name says which
benchmark and which case it is, then the measure: ``search owners=10000 kind=name2 p95_ms``.
A file read back is checked whole (it may come from anywhere): anything but such a file is
refused with the reason, and no text of it reaches the terminal unchecked."""

from __future__ import annotations

import datetime as dt
import json
import math
import os
import platform
import shutil
import subprocess
import sys
import unicodedata
from pathlib import Path

from data.errors import FrontDeskError
from data.i18n import _
from data.limits import quote

FORMAT = "frontdesk-bench"
VERSION = 1
#: Fields of a record that say which case it measured (the rest are its figures).
CASE_KEYS = ("owners", "rooms", "orders", "rows", "sizes", "kind", "view")
#: A figures file is a few hundred figures: anything much larger is not one.
MAX_BYTES = 2_000_000
_NAME_LIMIT = 120
_TEXT_LIMIT = 200


# --- what a run measured ----------------------------------------------------------------------


def _case(value: object) -> str | None:
    """A record field as part of a figure's name, or None when it does not name a case."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | str):
        return str(value)
    if isinstance(value, list) and value and all(isinstance(v, int) and not isinstance(v, bool) for v in value):
        return "-".join(str(v) for v in value)
    return None


def figures_of(records: list[dict]) -> dict[str, float]:
    """Every number of the records, named ``<bench> <case…> <measure>`` (in run order).
    Text (a queue's row count as shown) and missing values (None) are not figures."""
    figures: dict[str, float] = {}
    for record in records:
        bench = str(record.get("bench", "?"))
        case = []
        for key in CASE_KEYS:
            text = _case(record.get(key))
            # A queue's "rows" is the count it shows ("1,234"), a figure of it, not a case.
            if text is not None and not (key == "rows" and not isinstance(record.get(key), int)):
                case.append(f"{key}={text}")
        for key, value in record.items():
            if key == "bench" or key in CASE_KEYS:
                continue
            if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
                continue
            figures[" ".join([bench, *case, key])] = value
    return figures


def commit() -> tuple[str, bool | None]:
    """The commit of the code that ran (`git rev-parse HEAD` in its own tree, when git is
    installed and the tree is a checkout) and whether files differ from it; ("unknown",
    None) otherwise."""
    git = shutil.which("git")
    tree = Path(__file__).resolve().parents[1]
    if git is None:
        return "unknown", None
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}  # this tree, not another
    try:
        head = subprocess.run([git, "rev-parse", "HEAD"], cwd=tree, env=env, capture_output=True, text=True,
                              timeout=10)
        if head.returncode != 0 or not _is_commit(head.stdout.strip()):
            return "unknown", None
        status = subprocess.run([git, "status", "--porcelain", "--untracked-files=no"], cwd=tree, env=env,
                                capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return "unknown", None
    return head.stdout.strip(), (bool(status.stdout.strip()) if status.returncode == 0 else None)


def _is_commit(text: str) -> bool:
    return len(text) in (40, 64) and all(c in "0123456789abcdef" for c in text)


def _load() -> list[float] | None:
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return None


def machine(load_before: list[float] | None = None) -> dict:
    """The machine the figures were measured on: cores, platform, Python, load averages."""
    return {"cores": os.cpu_count() or 0, "platform": platform.platform(),
            "python": platform.python_version(), "load_before": load_before, "load_after": _load()}


def figure_file(records: list[dict], options: dict, load_before: list[float] | None,
                source: tuple[str, bool | None] | None = None) -> dict:
    """The content of a figures file for the run that made `records` (`source`: the commit
    as the run began, `commit()` by default)."""
    head, dirty = source or commit()
    return {
        "format": FORMAT, "version": VERSION, "commit": head, "dirty": dirty,
        "saved_at": dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(),
        "machine": machine(load_before), "options": options,
        "records": records, "figures": figures_of(records),
    }


# --- the file -----------------------------------------------------------------------------------------


class FiguresFileError(FrontDeskError):
    """A file given to --against or --save that is not a benchmark figures file."""


def _refuse(path: Path, reason: str) -> FiguresFileError:
    return FiguresFileError(_("{path} is not a figures file of frontdesk bench --save: {reason}").format(
        path=quote(str(path), 200), reason=reason))


def _text(value: object, limit: int) -> bool:
    """Short printable text: what a name or a label of the file may be."""
    return (isinstance(value, str) and 0 < len(value) <= limit
            and not any(unicodedata.category(c)[0] in "CZ" and c != " " for c in value))


def _number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def read_figures(path: str | Path) -> dict:
    """The figures file at `path`, checked: FiguresFileError says what is wrong with it
    (missing, unreadable, too large, not JSON, not ours, a newer version, a bad figure)."""
    file = Path(path).expanduser()
    try:
        with file.open("rb") as fh:
            raw = fh.read(MAX_BYTES + 1)
    except FileNotFoundError:
        raise FiguresFileError(_("There is no file {path}.").format(path=quote(str(file), 200))) from None
    except OSError as exc:
        raise FiguresFileError(_("Cannot read {path}: {reason}").format(
            path=quote(str(file), 200), reason=exc.strerror or exc)) from None
    if len(raw) > MAX_BYTES:
        raise _refuse(file, _("it is larger than {mb} MB.").format(mb=MAX_BYTES // 1_000_000))
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise _refuse(file, _("it is not JSON text.")) from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise _refuse(file, _("it does not say format “{format}”.").format(format=FORMAT))
    version = data.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise _refuse(file, _("its version is missing."))
    if version > VERSION:
        raise _refuse(file, _("it is of version {version}, newer than this FrontDesk reads ({known}).").format(
            version=version, known=VERSION))
    figures = data.get("figures")
    if not isinstance(figures, dict) or not figures:
        raise _refuse(file, _("it holds no figures."))
    for name, value in figures.items():
        if not _text(name, _NAME_LIMIT):
            raise _refuse(file, _("a figure's name is not short printable text."))
        if not _number(value):
            raise _refuse(file, _("the figure {name} is not a number.").format(name=quote(name, 60)))
    head = data.get("commit")
    if not (head == "unknown" or (isinstance(head, str) and _is_commit(head))):
        raise _refuse(file, _("its commit is neither a git commit nor “unknown”."))
    box = data.get("machine")
    if not isinstance(box, dict):
        raise _refuse(file, _("it does not say which machine measured it."))
    if not (isinstance(box.get("cores"), int) and not isinstance(box.get("cores"), bool)) \
            or not _text(box.get("platform"), _TEXT_LIMIT):
        raise _refuse(file, _("its machine has no cores or platform."))
    for key in ("load_before", "load_after"):
        load = box.get(key)
        if load is not None and not (isinstance(load, list) and len(load) == 3 and all(_number(x) for x in load)):
            raise _refuse(file, _("its load average is not three numbers."))
    saved = data.get("saved_at")
    if saved is not None and not _text(saved, 40):
        raise _refuse(file, _("its date is not a date."))
    return data


def check_target(path: str | Path) -> Path:
    """Where --save writes: a new file, or a figures file to replace; any other existing
    file (a database, a document) is refused and left as it is."""
    file = Path(path).expanduser()
    if file.exists():
        try:
            read_figures(file)
        except FiguresFileError as exc:
            raise FiguresFileError(_("{path} exists and is not a figures file: it was left as it is. "
                                     "Give a new file name.").format(path=quote(str(file), 200))) from exc
    return file


def write_figures(path: str | Path, content: dict) -> Path:
    """Write a figures file to `path` (an administrator's argument), replacing an earlier
    figures file but nothing else: an existing file that is not one is refused."""
    file = check_target(path)
    text = json.dumps(content, ensure_ascii=False, indent=1) + "\n"
    partial = file.with_name(file.name + ".partial")
    try:
        partial.write_text(text, encoding="utf-8")
        os.replace(partial, file)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise FiguresFileError(_("Cannot write the figures to {path}: {reason}").format(
            path=quote(str(file), 200), reason=exc.strerror or exc)) from None
    return file


# --- the comparison ---------------------------------------------------------------------------------


def _value(value: float) -> str:
    return f"{value:g}" if abs(value) >= 0.01 or value == 0 else f"{value:.2g}"


def _about(data: dict) -> str:
    head = data.get("commit", "unknown")
    short = head[:10] if head != "unknown" else _("unknown commit")
    if data.get("dirty"):
        short += "+"
    box = data.get("machine", {})
    load = box.get("load_before") or box.get("load_after")
    load_text = " ".join(f"{x:g}" for x in load) if load else "?"
    return _("{commit}, {cores} cores, {platform}, load {load}, {saved}").format(
        commit=short, cores=box.get("cores", "?"), platform=box.get("platform", "?"), load=load_text,
        saved=data.get("saved_at") or "?")


def comparison(new: dict, old: dict) -> list[str]:
    """Lines comparing two figure files: each figure now, saved, and new / old."""
    lines = [_("Figures now against {path}:").format(path=old.get("_path", "")),
             "  " + _("now:   {about}").format(about=_about(new)),
             "  " + _("saved: {about}").format(about=_about(old))]
    now, saved = new["figures"], old["figures"]
    width = max((len(name) for name in [*now, *saved]), default=10)
    now_word, saved_word, ratio_word, not_run = _("now"), _("saved"), _("now / saved"), _("(not run)")
    lines.append("  " + _("figure").ljust(width) + f"  {now_word:>12}  {saved_word:>12}  {ratio_word:>12}")
    for name, value in now.items():
        before = saved.get(name)
        if before is None:
            ratio, shown = _("(new)"), "-"
        else:
            shown = _value(before)
            ratio = f"{value / before:.2f}×" if before else ("1.00×" if value == 0 else "-")
        lines.append(f"  {name.ljust(width)}  {_value(value):>12}  {shown:>12}  {ratio:>12}")
    for name, before in saved.items():
        if name not in now:
            lines.append(f"  {name.ljust(width)}  {'-':>12}  {_value(before):>12}  {not_run:>12}")
    return lines


def run_saved(run, *, save: str | None, against: str | None, options: dict, as_json: bool = False) -> int:
    """Run the benchmarks (`run()`, returning the exit status) keeping their figures; write
    them to `save`, print them against `against`. The saved file is read (and refused)
    before anything runs, so a long run never ends on a bad file."""
    from tui import bench

    old = read_figures(against) if against else None
    if old is not None:
        old["_path"] = quote(str(against), 200)
    if save:
        check_target(save)
    load_before, source = _load(), commit()  # what runs is the code as it is now
    bench.kept = []
    try:
        status = run()
        records = bench.kept
    finally:
        bench.kept = None
    content = figure_file(records, options, load_before, source)
    out = sys.stderr if as_json else sys.stdout
    if save:
        written = write_figures(save, content)
        print(_("Saved {count} figures to {path} (commit {commit}).").format(
            count=len(content["figures"]), path=written, commit=content["commit"][:12]), file=out)
    if old is not None:
        print("\n".join(comparison(content, old)), file=out)
    return status
