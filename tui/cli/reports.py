"""`frontdesk report list|show|run` (issue 20): the standard reports, shown in the terminal
(or as JSON), or written to XLSX/CSV for cron with `--send CMD` to mail them on.

Where `run` writes: without --out, a new file of the user's export folder (data.exports);
with --out, that file, replaced whole (never the open database or a sidecar, never a
folder, device or FIFO, never through a symbolic link — of the file or of a folder on the
way). Reports are for leads and the service account only, never a desk clerk's session,
so --out is as trusted as the account. `--send CMD` (administrators and the service
account) runs CMD split like a shell would but without one, the file's path appended (or
put where ``{file}`` stands), with a timeout."""

from __future__ import annotations

import argparse
import contextlib
import os
from collections.abc import Callable
from pathlib import Path

from data.errors import PermissionDenied, ValidationError
from data.i18n import _
from tui.cli.common import emit, open_db, pad, sign_in, width

SEND_TIMEOUT_S = 120


def add_parsers(sub: argparse._SubParsersAction) -> None:
    """Register `report` (list, show, run) on the main parser."""
    p = sub.add_parser("report", help=_("standard reports: list, show, run to XLSX/CSV"))
    actions = p.add_subparsers(dest="report_command", metavar="ACTION", required=True)
    q = actions.add_parser("list", help=_("the standard reports and the saved custom ones"))
    q.add_argument("--json", action="store_true", help=_("one JSON object per line"))
    q = actions.add_parser("save", help=_("save a custom report (supervisors and up)"))
    q.add_argument("name", metavar="NAME", help=_("its name (replaces your own of that name)"))
    q.add_argument("--subject", required=True, metavar="S",
                   help=_("orders, calls, callbacks, events, leads, bills, payments, survey_answers, visitors"))
    q.add_argument("--group", action="append", default=[], required=True, metavar="G",
                   help=_("a group-by field, once or twice: community, building, category, month…"))
    q.add_argument("--measure", action="append", default=[], metavar="M",
                   help=_("count (default), sum:F, avg:F, median:F, p90:F, rate:C, profit"))
    q.add_argument("--filter", action="append", default=[], metavar="K=V",
                   help=_("a filter such as kind=complaint or building=JX/1"))
    q.add_argument("--share", action="store_true", help=_("share it with the other supervisors"))
    q = actions.add_parser("delete", help=_("delete one of your saved reports"))
    q.add_argument("name", metavar="NAME")
    q = actions.add_parser("share", help=_("share one of your saved reports (--off: stop sharing)"))
    q.add_argument("name", metavar="NAME")
    q.add_argument("--off", action="store_true", help=_("stop sharing it"))
    for name, text in (("show", _("a report in the terminal")),
                       ("run", _("a report written to XLSX or CSV (for cron)"))):
        q = actions.add_parser(name, help=text)
        q.add_argument("name", metavar="NAME", help=_("the report (see `report list`)"))
        q.add_argument("--period", default="last-month", metavar="P",
                       help=_("month:2027-01, week:2027-W02, quarter:2027-Q1, day:2027-01-05, "
                              "2027-01-01..2027-01-31, last-month (default), this-month, last-week"))
        q.add_argument("--community", default="", metavar="C", help=_("one community (code or name)"))
        q.add_argument("--building", default="", metavar="B", help=_("one building of that community"))
        if name == "show":
            q.add_argument("--json", action="store_true", help=_("one JSON object per line"))
        else:
            q.add_argument("--out", default="", metavar="FILE.xlsx|.csv",
                           help=_("the file to write (default: a new file in your export folder)"))
            q.add_argument("--format", default="", choices=("xlsx", "csv"),
                           help=_("the format when --out is not given (default xlsx)"))
            q.add_argument("--send", default="", metavar="CMD",
                           help=_("run CMD with the file's path (no shell; administrators and "
                                  "the service account)"))


def _build(args: argparse.Namespace, staff):
    from data.reports import REPORTS, parse_period, parse_scope, run_report

    period = parse_period(args.period)
    if args.name not in REPORTS:
        return _build_saved(args, period, staff)
    scope = parse_scope(args.community or None, args.building or None)
    return run_report(args.name, period, scope, staff_id=staff.id)


def _build_saved(args: argparse.Namespace, period, staff):
    """A saved custom report by name (--community / --building replace its place filters)."""
    import dataclasses

    from data.errors import NotFoundError
    from data.reports import REPORTS, load_report, run_custom

    try:
        saved = load_report(args.name, staff_id=staff.id)
    except NotFoundError:
        raise ValidationError("report", _("There is no report “{name}”: use one of {names}, or a saved "
                                          "report (`report list`).").format(name=args.name[:40],
                                                                           names=", ".join(REPORTS))) from None
    if saved.definition is None:
        raise ValidationError("report", _("The saved report “{name}” cannot run: {problem}").format(
            name=saved.name, problem=saved.problem))
    definition = saved.definition
    place = [(k, v) for k, v in (("community", args.community), ("building", args.building)) if v]
    if args.building and not args.community and "/" not in args.building:
        raise ValidationError("--building", _("Give the building as COMMUNITY/BUILDING, such as JX/1."))
    if args.building and args.community and "/" not in args.building:
        place = [("building", f"{args.community}/{args.building}")]
    if place:
        keep = [(k, v) for k, v in definition.filters if k not in ("community", "building")]
        definition = dataclasses.replace(definition, filters=tuple(keep + place))
    return run_custom(definition, period, name=saved.name, staff_id=staff.id)


def _print(report) -> None:
    from data.reports import cell_text, change_text

    print(report.title)
    print(_("{period} ({since} – {until}) · {scope} · compared with {previous}").format(
        period=report.period.text, since=report.period.start, until=report.period.end,
        scope=report.scope.label, previous=report.period.previous().text))
    lines = list(report.rows) + [r for r in (report.totals, report.previous) if r is not None]
    # As wide as the heading or the widest figure (1,480,009.00 whole), at most 24 cells.
    widths = [max(10, min(24, max([width(c.title), *(width(cell_text(c.kind, r[i])) for r in lines)]) + 1))
              for i, c in enumerate(report.columns)]
    print("  ".join(pad(c.title, w) for c, w in zip(report.columns, widths, strict=True)))
    for row in lines:
        print("  ".join(pad(cell_text(c.kind, v), w) for c, v, w in zip(report.columns, row, widths, strict=True)))
    for s in report.summary:
        change = change_text(s.kind, s.value, s.previous)
        print(f"{s.label}: {cell_text(s.kind, s.value)}" + (f" ({change})" if change else "")
              + (f" · {s.note}" if s.note else ""))
    for note in report.notes:
        print(note)


def _write_out(target: str, data: bytes) -> Path:
    """Write `data` to the file --out names, replacing a regular file of that name whole
    (a new file renamed over it: a failed write leaves the old one as it was). Refused: the
    database or a sidecar, a name that is a folder, device, FIFO or symbolic link, and a
    path through a symbolic link (any folder on the way)."""
    import stat
    import tempfile

    from data.exports import refuse_database

    path = Path(os.path.abspath(os.path.expanduser(target)))
    refuse_database(path)
    folder = path.parent
    for part in (folder, *folder.parents):
        if part.is_symlink():
            raise ValidationError("--out", _("Cannot write {path}: {link} is a symbolic link; give the real "
                                             "folder.").format(path=target, link=part))
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        info = None
    except OSError as exc:
        raise ValidationError("--out", _("Cannot write {path}: {error}").format(
            path=target, error=exc.strerror or exc)) from exc
    if info is not None and not stat.S_ISREG(info.st_mode):
        raise ValidationError("--out", _("Cannot write {path}: it exists and is not a regular file (a folder, "
                                         "link, device or FIFO).").format(path=target))
    try:
        fd, temp = tempfile.mkstemp(prefix=".report-", suffix=".part", dir=folder)
    except OSError as exc:
        raise ValidationError("--out", _("Cannot write {path}: {error}").format(
            path=target, error=exc.strerror or exc)) from exc
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temp, 0o640)
        os.replace(temp, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise ValidationError("--out", _("Cannot write {path}: {error}").format(
            path=target, error=exc.strerror or exc)) from exc
    return path


def _may_send(staff) -> None:
    from data import access

    if staff.role not in (access.ADMIN, access.SERVICE):
        raise PermissionDenied(_("Only administrators and the service account may use --send."))


def _send(command: str, path: Path, staff) -> None:
    from data.programs import command_args, run_program

    _may_send(staff)
    argv = command_args(command, _("send command"), {"file": str(path.resolve())}, [str(path.resolve())])
    if isinstance(argv, str):
        raise ValidationError("--send", argv)
    failure = run_program(argv, _("Sending failed"), SEND_TIMEOUT_S)
    if failure is not None:
        raise ValidationError("--send", failure.message)


def _list_saved(args: argparse.Namespace, staff) -> None:
    from data.reports import describe, list_reports

    for r in list_reports(staff_id=staff.id):
        name = r.name if r.mine else r.ref
        what = describe(r.definition) if r.definition else r.problem
        if args.json:
            emit({"name": name, "title": what, "kind": "saved", "owner": r.owner_login, "shared": r.shared,
                  "definition": r.definition.as_json() if r.definition else None})
        else:
            flag = _("shared") if r.shared else ""
            print(f"{pad(name, 20)}{what}" + (f" · {flag}" if flag else "")
                  + ("" if r.mine else " · " + _("by {name}").format(name=r.owner_name)))


def _change_saved(args: argparse.Namespace, staff) -> int:
    from data.reports import delete_report, describe, parse_definition, save_report, share_report

    if args.report_command == "save":
        definition = parse_definition(args.subject, args.group, args.measure or ["count"], args.filter)
        saved = save_report(args.name, definition, shared=True if args.share else None, staff_id=staff.id)
        print(_("Saved “{name}”: {what}.").format(name=saved.name, what=describe(definition))
              + (" " + _("Shared with the other supervisors.") if saved.shared else ""))
    elif args.report_command == "delete":
        delete_report(args.name, staff_id=staff.id)
        print(_("Deleted “{name}”.").format(name=args.name))
    else:
        saved = share_report(args.name, not args.off, staff_id=staff.id)
        print((_("“{name}” is shared with the other supervisors.") if saved.shared
               else _("“{name}” is no longer shared.")).format(name=saved.name))
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    """`report list|show|run`."""
    from data.reports import export_report, report_bytes, report_names

    open_db(args)
    staff = sign_in(args, "report.run")
    if args.report_command == "list":
        for name, title in report_names():
            if args.json:
                emit({"name": name, "title": title, "kind": "standard"})
            else:
                print(f"{pad(name, 20)}{title}")
        _list_saved(args, staff)
        return 0
    if args.report_command in ("save", "delete", "share"):
        return _change_saved(args, staff)
    if args.report_command == "run" and args.send:
        _may_send(staff)  # refused before anything is run or written
    report = _build(args, staff)
    if args.report_command == "show":
        if args.json:
            emit(report.as_json())
        else:
            _print(report)
        return 0
    if args.out:
        extension = Path(args.out).suffix.lower().lstrip(".")
        path = _write_out(args.out, report_bytes(report, extension))
    else:
        path = export_report(report, args.format or "xlsx")
    print(_("{title} written to {path}.").format(title=report.title, path=path))
    if args.send:
        _send(args.send, path, staff)
        print(_("Sent with {command}.").format(command=args.send.split()[0] if args.send.split() else ""))
    return 0


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {"report": cmd_report}
