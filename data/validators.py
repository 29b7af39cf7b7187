"""Validators and normalisers for typed input: free text, phones, plates, dates, text files
(resident ID numbers are in data.idnumbers)."""

from __future__ import annotations

import datetime as dt
import functools
import re
import unicodedata
from typing import NamedTuple

from data.errors import ValidationError
from data.i18n import _

# ---------------------------------------------------------------------------
# Width folding
# ---------------------------------------------------------------------------

#: Full-width ASCII (U+FF01–U+FF5E) maps to ASCII by a fixed offset; U+3000 is the
#: ideographic space that Chinese input methods type.
_WIDTH_TABLE = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)}
_WIDTH_TABLE[0x3000] = 0x20

#: Dashes an input method or a pasted document may put where "-" was meant.
_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63"
_DASH_TABLE = {ord(c): "-" for c in _DASHES}


def fold_width(text: str) -> str:
    """Return `text` with full-width ASCII letters, digits and punctuation (and the
    ideographic space) replaced by their ordinary half-width forms."""
    return text.translate(_WIDTH_TABLE)


def fold_code(text: str) -> str:
    """Width-fold, turn dash look-alikes into "-", upper-case and strip."""
    return fold_width(text).translate(_DASH_TABLE).upper().strip()


# ---------------------------------------------------------------------------
# Free text
# ---------------------------------------------------------------------------


#: Characters that change how text displays without showing themselves (SPEC §7, security
#: review finding 19), refused like control characters and shown as symbols when stored:
#: - bidirectional embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069), which
#:   reorder what follows ("\u202eevil" reads "live"), and the bidi marks U+200E, U+200F and
#:   U+061C: a mark cannot reverse letters, but it moves digits and punctuation around it
#:   and nobody types one at a front desk, so marks are refused too;
#: - zero-width and invisible characters: U+200B–U+200D (zero-width space, non-joiner,
#:   joiner: the joiner also glues emoji sequences, which names and notes here do not need),
#:   U+2060–U+2064 (word joiner, invisible operators), U+206A–U+206F (deprecated format
#:   controls) and U+FEFF (a byte-order mark inside text);
#: - the line and paragraph separators U+2028 and U+2029, which some terminals and editors
#:   break lines at: a "single line" holding one would show as two;
#: - other characters that show nothing (found by the attack on the fixes): the soft hyphen
#:   U+00AD, the combining grapheme joiner U+034F, the Hangul fillers U+115F, U+1160, U+3164
#:   and U+FFA0 (they look blank), the Mongolian vowel separator U+180E, the variation
#:   selectors U+FE00–U+FE0F and the tag characters U+E0000–U+E007F (invisible, used to hide
#:   text).
INVISIBLE_CHARS = frozenset(
    [0x00AD, 0x034F, 0x061C, 0x115F, 0x1160, 0x180E, 0x200E, 0x200F, 0x2028, 0x2029, 0x3164,
     0xFEFF, 0xFFA0, *range(0x200B, 0x200E), *range(0x202A, 0x202F), *range(0x2060, 0x2065),
     *range(0x2066, 0x2070), *range(0xFE00, 0xFE10), *range(0xE0000, 0xE0080)]
)


def _is_refused_char(ch: str) -> bool:
    """Control characters (C0 other than tab/newline, DEL, C1), lone surrogates and the
    invisible characters of `INVISIBLE_CHARS`."""
    cp = ord(ch)
    if cp < 0x20:
        return ch not in "\t\n"
    # Lone surrogates cannot be encoded as UTF-8, so the database would reject them.
    return 0x7F <= cp <= 0x9F or 0xD800 <= cp <= 0xDFFF or cp in INVISIBLE_CHARS


#: Control characters as their Unicode "control pictures" (U+241B ␛ for ESC, U+2407 ␇ for
#: BEL, U+2421 ␡ for DEL); C1 controls, lone surrogates and the invisible characters
#: (bidi controls, zero-width characters) as U+FFFD �; the line and paragraph separators
#: as U+2424 ␤. One character each, so positions (and the spans of a rich Text) stay where
#: they were.
_VISIBLE_TABLE: dict[int, int] = {cp: 0x2400 + cp for cp in range(0x20)}
_VISIBLE_TABLE[0x7F] = 0x2421
_VISIBLE_TABLE.update({cp: 0xFFFD for cp in range(0x80, 0xA0)})
_VISIBLE_TABLE.update({cp: 0xFFFD for cp in range(0xD800, 0xE000)})
_VISIBLE_TABLE.update({cp: 0xFFFD for cp in INVISIBLE_CHARS})
_VISIBLE_TABLE[0x2028] = _VISIBLE_TABLE[0x2029] = 0x2424
_VISIBLE_KEEP_TAB_NL = {cp: to for cp, to in _VISIBLE_TABLE.items() if cp not in (0x09, 0x0A)}
_SHOWN_AS_PICTURE_RE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff"
    + "".join(sorted(chr(cp) for cp in INVISIBLE_CHARS)) + "]"
)


#: A whole terminal escape sequence (ECMA-48): a string command (OSC ``ESC ]``, DCS, SOS, PM,
#: APC) up to its BEL or ST terminator (or the end), a CSI ``ESC [`` with its parameters and
#: final byte, or another ESC with its intermediates and final byte; the C1 forms too.
_ESCAPE_SEQUENCE_RE = re.compile(
    r"(?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f])[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?"
    r"|(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]?"
    r"|\x1b[ -/]*[0-~]?"
)


def drop_escape_sequences(text: str) -> str:
    """`text` without terminal escape sequences, each dropped whole: "a\x1b[2Jb" is "ab" and
    "\x1b]52;c;SGk=\x07" vanishes (dropping only the ESC would leave "]52;c;SGk=" printed)."""
    return _ESCAPE_SEQUENCE_RE.sub("", text) if ("\x1b" in text or _C1_RE.search(text)) else text


_C1_RE = re.compile("[\x80-\x9f]")


def show_controls(text: str, *, keep: str = "\t\n") -> str:
    """`text` with every control character except those in `keep` (tab and newline) made
    visible: ESC reads ``␛``, BEL ``␇``, DEL ``␡``, a C1 control ``�``; so do the invisible
    characters of `INVISIBLE_CHARS` (a bidi override or a zero-width space reads ``�``, a
    line separator ``␤``).

    For showing text stored before validation or written by another program: it reads
    literally and cannot steer the terminal (an ``ESC [2J`` shows as ``␛[2J``) nor reorder
    or hide what is shown. Text that `clean_text` accepted comes back unchanged (the same
    object).
    """
    if "\t" in keep and "\n" in keep and not _SHOWN_AS_PICTURE_RE.search(text):
        return text  # nothing to show (the pattern leaves tab and newline out)
    if keep == "\t\n":
        return text.translate(_VISIBLE_KEEP_TAB_NL)
    return text.translate(_pictures_keeping(keep))


@functools.lru_cache(maxsize=8)
def _pictures_keeping(keep: str) -> dict[int, int]:
    """The translation of `show_controls` that leaves the characters of `keep` as they are."""
    return {cp: to for cp, to in _VISIBLE_TABLE.items() if chr(cp) not in keep}


def refused_char_message(ch: str, pos: int) -> str:
    """What `clean_text` says about the refused character `ch` at 1-based position `pos`."""
    code = f"U+{ord(ch):04X}"
    if ord(ch) in INVISIBLE_CHARS:
        return _(
            "The text contains the invisible character {code} ({name}) at position {pos}, "
            "which changes how the text is displayed; please delete it and type the text "
            "again."
        ).format(code=code, name=unicodedata.name(ch, code), pos=pos)
    return _(
        "The text contains the control character {code} at position {pos}, "
        "which cannot be stored; please delete it and type the text again."
    ).format(code=code, pos=pos)


def clean_text(
    value: str, field: str, *, multiline: bool = False, max_length: int | None = None
) -> str:
    """Return `value` with leading/trailing whitespace stripped, or raise ValidationError.

    Control characters other than tab and newline are refused (naming the character as
    ``U+001B`` and its position), so escape sequences never reach the database or the
    terminal; so are the invisible characters of `INVISIBLE_CHARS` (bidi overrides,
    zero-width characters, line separators), in single-line and multi-line text alike.
    ``\\r\\n`` is read as one newline; in multi-line mode a lone ``\\r`` is a
    newline too, in single-line mode it is refused. Single-line text may not contain a
    line break (one at either end is stripped like any whitespace). `max_length` counts
    characters after stripping. Markup-like text such as ``[red]x[/red]`` is ordinary text.
    """
    if not isinstance(value, str):
        raise ValidationError(field, _("Expected text."))
    for pos, ch in enumerate(value, start=1):
        if ch == "\r" and (multiline or value[pos : pos + 1] == "\n"):
            continue
        if _is_refused_char(ch):
            raise ValidationError(field, refused_char_message(ch, pos))
    text = value.replace("\r\n", "\n")
    if multiline:
        text = text.replace("\r", "\n")
    text = text.strip()
    if not multiline and "\n" in text:
        raise ValidationError(
            field, _("Line breaks are not allowed here; please keep the text on one line.")
        )
    if max_length is not None and len(text) > max_length:
        raise ValidationError(
            field,
            _("At most {limit} characters are allowed here; this text has {length}.").format(
                limit=max_length, length=len(text)
            ),
        )
    return text


# ---------------------------------------------------------------------------
# Room codes
# ---------------------------------------------------------------------------


# ---------------------------------------------------------------------------
# Phone numbers
# ---------------------------------------------------------------------------


class PhoneNumber(NamedTuple):
    """A normalised mainland phone number.

    `number` is ``13800138000`` for a mobile, ``021-12345678`` or ``0571-8765432-801``
    (area code, subscriber number, optional extension) for a landline.
    """

    number: str
    kind: str  # "mobile" | "landline"

    @property
    def digits(self) -> str:
        """The dialled digits without separators or extension (area code included), for
        matching a caller ID or the last digits a clerk types."""
        if self.kind == "mobile":
            return self.number
        return "".join(self.number.split("-")[:2])

    @property
    def extension(self) -> str:
        """The landline extension, or ""."""
        parts = self.number.split("-")
        return parts[2] if self.kind == "landline" and len(parts) == 3 else ""

    @property
    def masked(self) -> str:
        """The number with its middle hidden, for lists and printouts (see `mask_phone`)."""
        if self.kind == "mobile":
            return f"{self.number[:3]}****{self.number[-4:]}"
        area, subscriber, *ext = self.number.split("-")
        hidden = "*" * (len(subscriber) - 4) + subscriber[-4:]
        return "-".join([area, hidden, *ext])

    def __str__(self) -> str:
        return self.number


_PHONE_CHARS_RE = re.compile(r"[0-9\s\-.()+]*")
_EXTENSION_RE = re.compile(r"(?P<main>.*?)\s*(?:转|分机|EXT\.?|X|\#)\s*(?P<ext>[0-9]{1,6})")


def _phone_error(message: str) -> ValidationError:
    return ValidationError("phone", message)


def _landline_error() -> ValidationError:
    return _phone_error(
        _(
            "A landline is the area code and a 7–8 digit number, optionally with an "
            "extension, such as 021-12345678 or 0571-8765432-801."
        )
    )


def _area_code(national: str) -> str | None:
    """The area code (with its 0) at the start of a national landline number: 010 and
    020–029 have three digits, every other area code four (0571, 0755)."""
    if national.startswith(("010", "02")):
        return national[:3]
    if len(national) > 1 and national[1] in "3456789":
        return national[:4]
    return None


def normalize_phone(text: str) -> PhoneNumber:
    """Normalise a mainland mobile or landline number, or raise ValidationError ("phone").

    Mobiles: ``1[3-9]`` + 9 digits, with an optional ``+86`` / ``0086`` / ``86`` prefix,
    spaces, hyphens, dots, parentheses and full-width digits → ``13800138000``.
    Landlines: 0 + area code (010 and 02X have three digits, the others four) + 7–8
    digits, with an optional extension written ``-801``, ``ext 801``, ``转801`` or
    ``#801`` → ``0571-8765432-801``; ``+86 21 12345678`` is read as ``021-12345678``.
    """
    raw = fold_code(text) if isinstance(text, str) else ""
    if not raw:
        raise _phone_error(_("Enter a phone number."))
    ext = ""
    m = _EXTENSION_RE.fullmatch(raw)
    if m is not None:
        raw, ext = m["main"], m["ext"]
    plus = raw.find("+")
    if not _PHONE_CHARS_RE.fullmatch(raw) or (
        # "+" only in front of the country code: "+86 …" or "(+86) …".
        plus >= 0 and (raw[:plus].strip("( ") or "+" in raw[plus + 1 :])
    ):
        raise _phone_error(
            _(
                "A phone number may contain only digits, spaces, hyphens, parentheses and "
                "a leading +86, such as +86 138 0013 8000 or 021-12345678."
            )
        )
    groups = re.findall(r"[0-9]+", raw)
    digits = "".join(groups)
    if not digits:
        raise _phone_error(_("Enter a phone number."))

    # Country code: "+86", "0086", or a bare "86" (no domestic number starts with 86 and
    # is 11 digits or longer, so the bare form is not ambiguous).
    international = False
    if plus >= 0 or digits.startswith("00"):
        if plus >= 0 and digits.startswith("86"):
            digits, groups = digits[2:], _drop_digits(groups, 2)
        elif digits.startswith("0086"):
            digits, groups = digits[4:], _drop_digits(groups, 4)
        else:
            raise _phone_error(_("Only mainland China numbers (country code +86) are accepted."))
        international = True
    elif digits.startswith("86") and len(digits) >= 11:
        digits, groups = digits[2:], _drop_digits(groups, 2)
        international = True
    if not digits:
        raise _phone_error(_("Enter a phone number."))

    if international and (
        not digits.startswith(("0", "1")) or (digits.startswith("10") and len(digits) <= 10)
    ):
        # +86 21 12345678, +86 10 12345678: the trunk 0 is left out of the international form.
        digits = "0" + digits
        groups = ["0" + groups[0], *groups[1:]]

    if 7 <= len(digits) <= 8 and not digits.startswith(
        ("0", "13", "14", "15", "16", "17", "18", "19")
    ):
        raise _phone_error(
            _(
                "A landline needs its area code: add it in front, such as "
                "021-12345678 or 0571-8765432."
            )
        )

    if digits.startswith("1"):
        if len(digits) != 11:
            raise _phone_error(
                _(
                    "A mobile number has 11 digits starting 13–19, such as 138 0013 8000; "
                    "this one has {count}."
                ).format(count=len(digits))
            )
        if digits[1] not in "3456789":
            raise _phone_error(
                _("A mobile number has 11 digits starting 13–19, such as 138 0013 8000.")
            )
        if ext:
            raise _phone_error(_("A mobile number has no extension; remove the part after it."))
        return PhoneNumber(digits, "mobile")

    if not digits.startswith("0"):
        if 9 <= len(digits) <= 12:
            raise _phone_error(
                _("A landline area code starts with 0, such as 021-12345678 or 0571-8765432.")
            )
        raise _phone_error(
            _(
                "Enter a mobile number (11 digits, such as 138 0013 8000) or a landline "
                "with its area code (such as 021-12345678)."
            )
        )

    area = _area_code(digits)
    if area is None:
        raise _landline_error()
    subscriber = digits[len(area) :]
    if not ext and len(groups) > 1:
        # "021-12345678-801", "010-2000000-0": the last group is the extension when what
        # comes before it is a whole subscriber number ("021-1234-5678" is not).
        head = subscriber[: len(subscriber) - len(groups[-1])]
        if 7 <= len(head) <= 8 and len(groups[-1]) <= 6:
            subscriber, ext = head, groups[-1]
    if not 7 <= len(subscriber) <= 8 or subscriber.startswith("0"):
        raise _landline_error()
    number = f"{area}-{subscriber}" + (f"-{ext}" if ext else "")
    return PhoneNumber(number, "landline")


def _drop_digits(groups: list[str], count: int) -> list[str]:
    """Remove the first `count` digits from a list of digit groups."""
    out = list(groups)
    while count and out:
        take = min(count, len(out[0]))
        out[0] = out[0][take:]
        count -= take
        if not out[0]:
            out.pop(0)
    return out


def mask_phone(number: str) -> str:
    """Mask a stored phone number for display.

    Mobiles keep the first 3 and last 4 digits (``138****8000``); landlines keep the area
    code, the last 4 digits of the subscriber number and any extension
    (``021-****5678``, ``0571-***5432-801``). Anything that is not a valid number is
    masked to its last 4 characters, so this never raises.
    """
    try:
        return normalize_phone(number).masked
    except ValidationError:
        text = "".join(ch for ch in str(number) if not ch.isspace())
        return "*" * max(len(text) - 4, 0) + text[-4:] if len(text) > 4 else "*" * len(text)



# ---------------------------------------------------------------------------
# Vehicle plates
# ---------------------------------------------------------------------------

PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"
_PLATE_SUFFIXES = "挂学警港澳"
_PLATE_LETTER = "ABCDEFGHJKLMNPQRSTUVWXYZ"  # no I, no O
_ALNUM = f"[0-9{_PLATE_LETTER}]"
_PLATE_RE = re.compile(
    rf"[{PROVINCES}][{_PLATE_LETTER}]"
    rf"(?:{_ALNUM}{{5}}|{_ALNUM}{{4}}[{_PLATE_SUFFIXES}]|[DF]{_ALNUM}{{5}}|[0-9]{{5}}[DF])"
)
#: Spaces, hyphens, dots and the middle-dot look-alikes people type between the parts.
_PLATE_SEPARATORS_RE = re.compile(r"[\s\-.·•・･‧∙⋅]+")
_PLATE_QUERY_RE = re.compile(rf"[{PROVINCES}]?[0-9A-Z]*[{_PLATE_SUFFIXES}]?")


def _plate_text(text: str) -> str:
    return _PLATE_SEPARATORS_RE.sub("", fold_code(text))


def normalize_plate(text: str) -> str:
    """Normalise a licence plate to ``沪A12345`` (new-energy: ``沪AD12345``, ``粤B12345D``).

    Accepts separators (space, hyphen, ``.``, ``·``, ``•``, ``・``), lowercase and
    full-width letters and digits. Raises ValidationError (field "plate").
    """
    value = _plate_text(text) if isinstance(text, str) else ""
    if _PLATE_RE.fullmatch(value):
        return value
    if not value or value[0] not in PROVINCES:
        message = _(
            "A plate starts with the province character and the city letter, such as 沪A·12345."
        )
    elif any(ch in "IO" for ch in value[1:]):
        message = _("Plates never use the letters I or O; did you mean 1 or 0?")
    else:
        message = _(
            "A plate is the province character, a letter and 5 letters or digits "
            "(沪A·12345), or 6 for a new-energy car (沪A·D12345, 粤B·12345D)."
        )
    raise ValidationError("plate", message)


def format_plate(plate: str) -> str:
    """Show a plate the way it is painted: ``沪A·12345``."""
    value = normalize_plate(plate)
    return f"{value[:2]}·{value[2:]}"


def plate_tail(plate: str) -> str:
    """The plate without its province character: ``A12345``."""
    return normalize_plate(plate)[1:]


def parse_plate_query(text: str) -> str | None:
    """Normalise a partial plate typed into search (``沪a·12`` → ``沪A12``), or None when
    the text holds nothing that could be part of a plate. Never raises."""
    if not isinstance(text, str):
        return None
    value = _plate_text(text)
    if not value or len(value) > 8 or not _PLATE_QUERY_RE.fullmatch(value):
        return None
    return value


def parse_date(text: str, field: str) -> dt.date | None:
    """A date typed as YYYY-MM-DD (full-width digits too); None when left empty."""
    value = fold_width(text).strip()
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ValidationError(field, _("Write the date as YYYY-MM-DD, such as 2026-11-27.")) from None


def parse_datetime(text: str, field: str) -> dt.datetime | None:
    """A time typed as YYYY-MM-DD HH:MM; None when left empty."""
    value = " ".join(fold_width(text).split())
    if not value:
        return None
    try:
        return dt.datetime.strptime(value, "%Y-%m-%d %H:%M")
    except ValueError:
        raise ValidationError(
            field, _("Write the time as YYYY-MM-DD HH:MM, such as 2026-11-28 09:30.")) from None


class MixedEncodingError(UnicodeDecodeError):
    """A text file that starts as UTF-8 and goes on in another encoding (a GBK file with
    lines pasted from a UTF-8 one): `line` is the first line that is not UTF-8, and
    `message` says so in the user's language."""

    def __init__(self, data: bytes, start: int, line: int, *, utf8_later: bool = False):
        super().__init__("utf-8", data[start : start + 4], 0, 1, "invalid UTF-8 after UTF-8 text")
        self.line = line
        self.message = _(
            "line {line} is not valid UTF-8 although the start of the file is: save the "
            "whole file as UTF-8 (or as GBK)."
        ).format(line=line) if not utf8_later else _(
            "line {line} is UTF-8 text although the start of the file is GBK: save the "
            "whole file as UTF-8 (or as GBK)."
        ).format(line=line)

    def __str__(self) -> str:
        return self.message


def decode_text(data: bytes) -> str:
    """Text a property office saves from Excel or Notepad: UTF-16 when it has a BOM, else
    UTF-8 (BOM or not), else GB18030 (which covers GBK). Raises UnicodeDecodeError when it
    is none of them, and MixedEncodingError (a UnicodeDecodeError) when its first line is
    UTF-8 holding Chinese text (or it has a UTF-8 BOM) but a later line is not UTF-8: read
    as GBK such a file would give mojibake ("灏忓尯" for "小区") instead of an error. The
    reverse mix too: a start that is only GBK and a later line of UTF-8 Chinese text
    ("閿︾唬鑺卞洯" for "锦绣花园")."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        # utf-8-sig counts positions after the BOM it skipped.
        bad = exc.start + (3 if data.startswith(b"\xef\xbb\xbf") else 0)
        _refuse_mixed(data, bad)
        _refuse_utf8_after_gbk(data, bad)
        return data.decode("gb18030")


def _refuse_mixed(data: bytes, bad: int) -> None:
    """Raise MixedEncodingError when the UTF-8 read of `data` failed at byte `bad` after a
    first line that is plainly UTF-8: a BOM, or a whole line holding a character of three
    UTF-8 bytes or more (Chinese). GBK bytes rarely form such a sequence, and never a whole
    line of them."""
    line_end = data.find(b"\n")
    utf8_start = data.startswith(b"\xef\xbb\xbf")
    if not utf8_start and 0 <= line_end < bad:
        first = data[:line_end].decode("utf-8")
        utf8_start = any(ord(ch) >= 0x800 for ch in first)
    if utf8_start:
        raise MixedEncodingError(data, bad, data.count(b"\n", 0, bad) + 1)


def _refuse_utf8_after_gbk(data: bytes, bad: int) -> None:
    """Raise MixedEncodingError naming the first line after the one holding byte `bad`
    (the first that is not UTF-8: GBK) that is valid UTF-8 holding a character of three
    UTF-8 bytes or more (Chinese). Text of GB2312 characters saved as GBK never reads as
    such a line; read as GBK, the UTF-8 line would be mojibake."""
    start = data.find(b"\n", bad)
    line = data.count(b"\n", 0, bad) + 1
    while start >= 0:
        end = data.find(b"\n", start + 1)
        chunk = data[start + 1 : end if end >= 0 else len(data)]
        line += 1
        if max(chunk, default=0) >= 0xE0:  # a lead byte of three UTF-8 bytes or more
            try:
                text = chunk.decode("utf-8")
            except UnicodeDecodeError:
                text = ""
            if any(ord(ch) >= 0x800 for ch in text):
                raise MixedEncodingError(data, start + 1, line, utf8_later=True)
        start = end


# ---------------------------------------------------------------------------
# Phone extensions (分机)
# ---------------------------------------------------------------------------

#: An extension: ASCII digits only, as every phone system dials them.
EXTENSION_RE = re.compile(r"[0-9]{2,8}")


def check_extension(text: object, field: str = "extension") -> str:
    """An extension: 2 to 8 ASCII digits (ValidationError naming `field` otherwise)."""
    if not isinstance(text, str) or not text.strip():
        raise ValidationError(field, _("Give the extension (分机), such as 801."))
    value = clean_text(text, field, max_length=40)
    if not EXTENSION_RE.fullmatch(value):
        raise ValidationError(field, _("An extension is 2 to 8 digits, such as 801; “{text}” is not one.").format(
            text=show_controls(text.strip()[:40], keep="")))
    return value
