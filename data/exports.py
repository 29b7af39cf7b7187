"""Files leaving the app (issue 12): the export folder, the files written into it, printing
them, and spreadsheet cells that can never run as formulas.

Desk clerks reach the app over SSH with a forced command: the app is their only program,
so a file the app writes must never be one the clerk chose. Every export goes through
`write_export`: the app names the file (``{kind}-{login}-{YYYYmmdd-HHMMSS}[-n].{ext}``),
inside one folder per user (`export_dir`), created with O_CREAT|O_EXCL|O_NOFOLLOW relative
to the opened folder — never a dotfile (``~/.ssh/rc``, ``~/.bashrc``), never an existing
file, never through a symbolic link, never the open database or one of its sidecars.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import re
import stat
from dataclasses import dataclass
from pathlib import Path

from platformdirs import user_data_dir

from data.errors import FrontDeskError
from data.i18n import _
from data.programs import ProgramResult, command_args, run_program, shown
from data.validators import show_controls

#: Settings (the Setting table) this module reads.
EXPORT_DIR_SETTING = "export_dir"
PRINT_SETTING = "print_command"
PRINT_TIMEOUT_S = 30
#: Modes of what the app creates: the folder and its files can be shared read-only with
#: the desk PCs through a group (README, "Giving desk staff access over SSH").
FOLDER_MODE = 0o750
FILE_MODE = 0o640
#: How many files of one kind a user may export within one second.
MAX_SAME_SECOND = 100

#: A cell a spreadsheet would read as a formula (or as the start of one: DDE, HYPERLINK…).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
#: Their full-width forms (an input method types ＝ for =; some spreadsheets fold them when
#: a CSV is imported) and what a spreadsheet may trim before reading a cell (spaces, the
#: ideographic space, a line feed).
_WIDE_STARTS = ("\uff1d", "\uff0b", "\uff0d", "\uff20")
_TRIMMED = " \u3000\n\x0b\x0c"

_UNSAFE_NAME = re.compile(r"[^A-Za-z0-9_]+")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


class ExportError(FrontDeskError):
    """A file cannot (or may not) be written to, or printed from, the export folder."""


@dataclass(frozen=True)
class PrintResult(ProgramResult):
    """How running the print command went: `message` is what the clerk reads."""


# --- small helpers ---------------------------------------------------------------------------------


_short = shown


def _safe_part(text: str, fallback: str) -> str:
    """`text` reduced to ASCII letters, digits and underscores (a file-name part that can
    never start a dotfile, climb a folder or look like an option)."""
    part = _UNSAFE_NAME.sub("_", text).strip("_")
    return part[:40] or fallback


def _setting(key: str) -> str:
    from data.models import Setting

    row = Setting.get_or_none(Setting.key == key)
    return row.value.strip() if row is not None else ""


def current_login() -> str:
    """The signed-in staff member's login, else the OS account of the process (by uid: the
    LOGNAME/USER variables prove nothing)."""
    from data import access

    actor = access.current()
    if actor is not None:
        return actor.login
    try:
        return pwd.getpwuid(os.getuid()).pw_name
    except KeyError:
        return f"uid{os.getuid()}"


# --- the database and its sidecars -----------------------------------------------------------------


def refuse_database(path: str | Path) -> None:
    """ExportError (the message `backup` gives) when `path`, symbolic links followed, is the
    open SQLite database or one of its sidecars (-wal, -shm, -journal, -txlock)."""
    from data.backup import refuse_live_database

    refuse_live_database(path, error=ExportError)


# --- the export folder -----------------------------------------------------------------------------


def default_export_dir() -> Path:
    """``<user data dir>/exports`` (platformdirs, as the app's own data directory)."""
    return Path(user_data_dir("frontdesk", appauthor=False)) / "exports"


def configured_export_dir() -> Path:
    """The export folder the settings name for this user (not created, not checked): the
    `export_dir` setting with ``{login}`` replaced, else `default_export_dir()`."""
    template = _setting(EXPORT_DIR_SETTING)
    if not template:
        return default_export_dir()
    login = _safe_part(current_login(), "user")
    path = Path(os.path.expanduser(template.replace("{login}", login)))
    if not path.is_absolute():
        raise ExportError(_("The export_dir setting must be an absolute folder, such as "
                            "/srv/frontdesk/exports/{{login}}; it is “{value}”.")
                          .format(value=_short(template)))
    return path


def _check_folder(folder: Path) -> None:
    """Refuse a folder that is a symbolic link, not a folder, or the database."""
    refuse_database(folder)
    try:
        info = os.lstat(folder)
    except FileNotFoundError:
        return
    if stat.S_ISLNK(info.st_mode):
        raise ExportError(_("The export folder {folder} is a symbolic link to {target}: nothing "
                            "is written through it. Ask an administrator to remove the link.")
                          .format(folder=_short(folder), target=_short(os.readlink(folder))))
    if not stat.S_ISDIR(info.st_mode):
        raise ExportError(_("The export folder {folder} is not a folder. Ask an administrator.")
                          .format(folder=_short(folder)))
    if info.st_uid not in (os.getuid(), 0):
        raise ExportError(_("The export folder {folder} belongs to another user: nothing is "
                            "written into it. Ask an administrator.").format(folder=_short(folder)))


def export_dir() -> Path:
    """This user's export folder, created (mode 0750) if missing. ExportError when it is a
    symbolic link, not a folder, another user's, the database, or cannot be created."""
    folder = configured_export_dir()
    _check_folder(folder)
    if not folder.exists():
        try:
            folder.mkdir(mode=FOLDER_MODE, parents=True, exist_ok=True)
            # 0750 whatever the umask; a setgid bit inherited from the exports root stays, so
            # the files keep the group the read-only share serves (README).
            inherited = os.lstat(folder).st_mode & stat.S_ISGID
            os.chmod(folder, FOLDER_MODE | inherited, follow_symlinks=False)
        except OSError as exc:
            raise ExportError(_("Cannot create the export folder {folder}: {reason}").format(
                folder=_short(folder), reason=exc.strerror or exc)) from exc
        _check_folder(folder)  # nobody slipped a link in between
    return folder


# --- writing ---------------------------------------------------------------------------------------


def export_name(kind: str, extension: str, n: int = 0) -> str:
    """The name the app gives an export: ``{kind}-{login}-{YYYYmmdd-HHMMSS}[-n].{ext}``,
    ASCII letters, digits, ``_`` and ``-`` only, never starting with a dot."""
    from data.clock import now

    stamp = now().strftime("%Y%m%d-%H%M%S")
    suffix = f"-{n}" if n else ""
    return (f"{_safe_part(kind, 'export')}-{_safe_part(current_login(), 'user')}-{stamp}{suffix}"
            f".{_safe_part(extension, 'txt')}")


def write_export(kind: str, extension: str, data: bytes) -> Path:
    """Write `data` as a new file in this user's export folder and return its path.

    The app names the file (`export_name`); the file is created exclusively (never an
    existing file, never through a symbolic link: the name then gets ``-1``, ``-2``…),
    relative to the opened folder, so a link swapped in for the folder meanwhile is
    refused too. ExportError says what was refused or what failed."""
    folder = export_dir()
    flags_dir = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0)
    try:
        dir_fd = os.open(folder, flags_dir)
    except OSError as exc:
        raise ExportError(_("Cannot open the export folder {folder}: {reason}").format(
            folder=_short(folder), reason=exc.strerror or exc)) from exc
    try:
        flags = (os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW
                 | getattr(os, "O_CLOEXEC", 0))
        for n in range(MAX_SAME_SECOND):
            name = export_name(kind, extension, n)
            path = folder / name
            refuse_database(path)
            try:
                fd = os.open(name, flags, FILE_MODE, dir_fd=dir_fd)
            except FileExistsError:
                continue  # an earlier export this second, or something placed there: never reused
            except OSError as exc:
                raise ExportError(_("Cannot write {path}: {reason}").format(
                    path=_short(path), reason=exc.strerror or exc)) from exc
            try:
                with os.fdopen(fd, "wb") as out:
                    fd = -1
                    out.write(data)
                    out.flush()
                    os.fsync(out.fileno())
            except OSError as exc:
                if fd >= 0:
                    os.close(fd)
                with contextlib.suppress(OSError):
                    os.unlink(name, dir_fd=dir_fd)
                raise ExportError(_("Cannot write {path}: {reason}").format(
                    path=_short(path), reason=exc.strerror or exc)) from exc
            return path
    finally:
        os.close(dir_fd)
    raise ExportError(_("Too many exports in one second in {folder}; try again.").format(
        folder=_short(folder)))


def write_text_export(kind: str, extension: str, text: str, encoding: str = "utf-8") -> Path:
    """`write_export` for text (UTF-8 by default; "utf-8-sig" for CSV that Excel opens)."""
    return write_export(kind, extension, text.encode(encoding))


# --- spreadsheet cells -----------------------------------------------------------------------------


def safe_cell(value: object) -> object:
    """A spreadsheet cell that can never run as a formula: text starting with ``=``, ``+``,
    ``-``, ``@``, a tab or a carriage return — or with one of those or its full-width form
    (＝ ＋ － ＠) after spaces a spreadsheet may trim — gets a leading ``'`` (shown as text by
    Excel, WPS and LibreOffice). Control characters (ESC of a terminal escape sequence,
    BEL …) in text stored before validation read as pictures (␛, ␇), as on screen: a file
    printed to a terminal cannot steer it (tab, newline and carriage return stay). Other
    values are returned unchanged."""
    if not isinstance(value, str):
        return value
    value = show_controls(value, keep="\t\n\r")  # a leading tab or CR is quoted below
    if value.startswith(FORMULA_STARTS) or value.lstrip(_TRIMMED).startswith(FORMULA_STARTS + _WIDE_STARTS):
        return "'" + value
    return value


def safe_row(values) -> list[object]:
    """`safe_cell` on every cell of a row."""
    return [safe_cell(v) for v in values]


# --- printing --------------------------------------------------------------------------------------


def print_command() -> str:
    """The configured print command (the `print_command` setting), or "" when none is."""
    return _setting(PRINT_SETTING)


def _printable(path: str | Path) -> Path | str:
    """The file to print as an absolute path, or the refusal's message: only a regular file
    directly inside this user's export folder (no link, nothing elsewhere)."""
    try:
        folder = export_dir().resolve()
    except ExportError as exc:
        return exc.message
    candidate = Path(path)
    if not candidate.is_absolute():
        candidate = folder / candidate
    refusal = _("Only files in your export folder {folder} can be printed; {path} is not one.").format(
        folder=_short(folder), path=_short(path))
    if candidate.parent.resolve() != folder:
        return refusal
    try:
        info = os.lstat(candidate)
    except OSError:
        return _("There is no file {path} to print.").format(path=_short(path))
    if not stat.S_ISREG(info.st_mode) or candidate.name.startswith("."):
        return refusal
    return folder / candidate.name


def print_file(path: str | Path, timeout: float = PRINT_TIMEOUT_S) -> PrintResult:
    """Print a file of the export folder with the `print_command` setting (such as
    ``lp -d 前台打印机 {file}``): split like a shell would, but run without one, ``{file}``
    substituted (or the file appended) as one argument, an absolute path."""
    file = _printable(path)
    if isinstance(file, str):
        return PrintResult(False, file)
    template = print_command()
    if not template:
        return PrintResult(False, _(
            "No print command is configured. An administrator sets one with: "
            "frontdesk settings set print_command \"lp -d PRINTER {file}\""))
    args = command_args(template, _("print command"), {"file": str(file)}, [str(file)])
    if isinstance(args, str):
        return PrintResult(False, args)
    failure = run_program(args, _("Printing failed"), timeout)
    if failure is not None:
        return PrintResult(False, failure.message)
    return PrintResult(True, _("Sent {name} to the printer.").format(name=file.name))
