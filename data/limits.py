"""The size limits of every file the app reads (rosters, holiday and number lists), and the
helpers that enforce them before a file is read whole and quote user data in messages.

Every limit is checked before the expensive step it protects: a file's size before it is
read, an .xlsx file's member list (uncompressed sizes, compression ratio) before openpyxl
opens it, rows, columns, cells and characters per cell while the sheet is read. Within
them the peak memory of an import stays well under 200 MB, whatever the file holds.
Messages quote at most a few dozen characters of what the file holds (`quote`).
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from data.errors import ValidationError
from data.i18n import _
from data.validators import show_controls

KB = 1024
MB = 1024 * 1024

# --- whole files ---------------------------------------------------------------------------

#: An owner roster saved as CSV (50 000 rows of 10 columns are about 8 MB).
ROSTER_CSV_MAX_BYTES = 16 * MB
#: An owner roster saved as .xlsx, as stored (compressed).
ROSTER_XLSX_MAX_BYTES = 16 * MB
#: A holiday CSV (a year is about 40 lines, 1 KB).
HOLIDAY_CSV_MAX_BYTES = 1 * MB
#: A file of phone numbers for a call list (`calls.MAX_LIST_ITEMS` numbers are about 30 KB).
CALL_LIST_MAX_BYTES = 1 * MB

# --- inside an .xlsx workbook (a zip of XML parts) -----------------------------------------

#: Parts (files) in the zip. Excel writes about 10.
XLSX_MAX_MEMBERS = 1000
#: A worksheet part, uncompressed. openpyxl reads sheets as a stream, so this bounds time,
#: not memory.
XLSX_SHEET_MAX_BYTES = 256 * MB
#: The shared strings part, uncompressed: openpyxl reads it whole into memory.
XLSX_SHARED_STRINGS_MAX_BYTES = 32 * MB
#: Strings in the shared strings part: openpyxl keeps each in memory with about 150 bytes
#: of overhead (500 000 tiny strings peak at about 115 MB). A roster of 50 000 rows has
#: at most about 5 distinct strings a row. Counted by scanning the part, before openpyxl.
XLSX_MAX_SHARED_STRINGS = 300_000
#: Any other part (styles, workbook, theme…), uncompressed: openpyxl reads these whole.
XLSX_PART_MAX_BYTES = 8 * MB
#: All parts together, uncompressed.
XLSX_TOTAL_MAX_BYTES = 512 * MB
#: Uncompressed size over compressed size, for a part above `XLSX_RATIO_FROM_BYTES`: the
#: XML Excel writes compresses 5–20 times; a zip bomb (one repeated character) a thousand
#: times. 100 is Apache POI's default (ZipSecureFile.setMinInflateRatio(0.01)).
XLSX_MAX_RATIO = 100
XLSX_RATIO_FROM_BYTES = 1 * MB

# --- rows and cells (CSV and .xlsx alike) --------------------------------------------------

#: Data rows in one import (10 000 rows take about 16 s to import; a bigger roster is
#: imported a file per community or per building).
IMPORT_MAX_ROWS = 50_000
#: Columns of a sheet (a roster has 9 that mean something).
IMPORT_MAX_COLUMNS = 100
#: Non-empty cells in one sheet (reading 600 000 tiny cells of a 16 MB CSV peaks at about
#: 120 MB, the interpreter included; 50 000 rows of 12 columns).
IMPORT_MAX_CELLS = 600_000
#: Characters in one cell (the longest field, a note, holds 2 000).
CELL_MAX_CHARS = 10_000

#: How much of a user's text a message quotes.
QUOTE_CHARS = 40


def quote(text: object, n: int = QUOTE_CHARS) -> str:
    """`text` shortened for a message: at most `n` characters, the cut marked with "…", and
    control characters (newline and tab included) and invisible ones shown as symbols, so
    a quoted cell can neither flood a message nor break or steer it."""
    value = str(text)
    if len(value) > n:
        value = value[: max(n - 1, 0)] + "…"
    return show_controls(value, keep="")


def format_size(size: int) -> str:
    """A byte count as people read it: "900 bytes", "32 KB", "16.0 MB"."""
    if size < KB:
        return _("{count} bytes").format(count=size)
    if size < MB:
        return _("{count} KB").format(count=size // KB)
    return _("{count:.1f} MB").format(count=size / MB)


def too_big(path: str | Path, size: int, limit: int, what: str) -> ValidationError:
    """The refusal of a file of `size` bytes over `limit`; `what` names the kind of file
    (translated: "an owner roster")."""
    return ValidationError("file", _(
        "{path} is {size}, but {what} may be at most {limit}; split it into smaller files."
    ).format(path=path, size=format_size(size), what=what, limit=format_size(limit)))


def check_file_size(path: str | Path, limit: int, what: str) -> int:
    """The size of the regular file `path`, or ValidationError (field "file") when it is
    over `limit` bytes, is not a regular file, or cannot be read. Nothing is read."""
    try:
        st = os.stat(path)
    except OSError as exc:
        raise ValidationError("file", _("Cannot read {path}: {reason}").format(
            path=path, reason=exc.strerror or exc)) from None
    if not stat.S_ISREG(st.st_mode):
        raise ValidationError("file", _("{path} is not a regular file.").format(path=path))
    if st.st_size > limit:
        raise too_big(path, st.st_size, limit, what)
    return st.st_size


def read_bytes_limited(path: str | Path, limit: int, what: str) -> bytes:
    """The bytes of `path`, refusing (ValidationError) a file over `limit` before reading it,
    and a file that grows past `limit` while it is read: never more than `limit` + 1 bytes
    are read."""
    # Open first (O_NONBLOCK: a FIFO or device does not hang the open), then check what was
    # opened with fstat: no window between a check of the path and its open.
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    except OSError as exc:
        raise ValidationError("file", _("Cannot read {path}: {reason}").format(
            path=path, reason=exc.strerror or exc)) from None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise ValidationError("file", _("{path} is not a regular file.").format(path=path))
        if st.st_size > limit:
            raise too_big(path, st.st_size, limit, what)
        with os.fdopen(fd, "rb", closefd=False) as handle:
            data = handle.read(limit + 1)
    except OSError as exc:
        raise ValidationError("file", _("Cannot read {path}: {reason}").format(
            path=path, reason=exc.strerror or exc)) from None
    finally:
        os.close(fd)
    if len(data) > limit:
        raise too_big(path, len(data), limit, what)
    return data

