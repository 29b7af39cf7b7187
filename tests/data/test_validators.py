"""Tests of data.validators: free text, room codes, phones, ID numbers and plates."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from data import clock, i18n
from data.errors import ValidationError
from data.idnumbers import (
    id_birth_date,
    id_gender,
    make_id_number,
    mask_id_number,
    validate_id_number,
)
from data.rooms import RoomCode, parse_room_code, parse_room_prefix
from data.validators import (
    INVISIBLE_CHARS,
    PROVINCES,
    PhoneNumber,
    clean_text,
    fold_width,
    format_plate,
    mask_phone,
    normalize_phone,
    normalize_plate,
    parse_plate_query,
    plate_tail,
)

FAST = settings(max_examples=150, deadline=None)


@pytest.fixture
def en():
    """Messages in English, for assertions on their words."""
    i18n.set_language("en")


def to_full_width(text: str) -> str:
    """The full-width form of the ASCII letters, digits and punctuation in `text`."""
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


# ---------------------------------------------------------------------------
# fold_width
# ---------------------------------------------------------------------------


def test_fold_width_folds_full_width_ascii_and_ideographic_space():
    assert fold_width("ＡＢＣ　１２３－＋＃") == "ABC 123-+#"
    assert fold_width("沪A·12345 张三") == "沪A·12345 张三"


@FAST
@given(st.text(alphabet=st.characters(min_codepoint=0x21, max_codepoint=0x7E)))
def test_fold_width_inverts_full_width(text):
    assert fold_width(to_full_width(text)) == text


# ---------------------------------------------------------------------------
# clean_text
# ---------------------------------------------------------------------------


def test_clean_text_strips_and_keeps_markup_as_text():
    assert clean_text("  王先生  ", "name") == "王先生"
    assert clean_text("[red]x[/red]", "note") == "[red]x[/red]"
    assert clean_text("[bold]a[/] $var {x}", "note") == "[bold]a[/] $var {x}"
    assert clean_text("a\tb", "note") == "a\tb"
    assert clean_text("", "note") == ""


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("abc\x1b[31mred", "U+001B"),
        ("\x00abc", "U+0000"),
        ("abc\x07", "U+0007"),
        ("abc\x7f", "U+007F"),
        ("abc\x9b31m", "U+009B"),
        ("abc\x85def", "U+0085"),
        ("abc\x0bdef", "U+000B"),
        ("abc\x1f", "U+001F"),
    ],
)
def test_clean_text_refuses_control_characters_by_code(text, code):
    for multiline in (False, True):
        with pytest.raises(ValidationError) as err:
            clean_text(text, "note", multiline=multiline)
        assert code in str(err.value)
        assert err.value.field == "note"


def test_clean_text_names_position_of_control_character(en):
    with pytest.raises(ValidationError) as err:
        clean_text("hello\x1bworld", "summary")
    assert "U+001B" in err.value.message
    assert "position 6" in err.value.message
    assert str(err.value).startswith("summary: ")


def test_clean_text_refuses_lone_surrogate():
    with pytest.raises(ValidationError) as err:
        clean_text("a\ud800b", "note")
    assert "U+D800" in str(err.value)


def test_clean_text_single_line_refuses_inner_newline(en):
    with pytest.raises(ValidationError) as err:
        clean_text("first\nsecond", "name")
    assert err.value.field == "name"
    assert "one line" in err.value.message
    with pytest.raises(ValidationError):
        clean_text("first\r\nsecond", "name")


def test_clean_text_single_line_strips_trailing_newline():
    assert clean_text("张三\n", "name") == "张三"
    assert clean_text("张三\r\n", "name") == "张三"


def test_clean_text_single_line_refuses_carriage_return():
    with pytest.raises(ValidationError) as err:
        clean_text("abc\rdef", "name")
    assert "U+000D" in str(err.value)


def test_clean_text_multiline_normalises_line_endings():
    assert clean_text("a\r\nb\r\n", "note", multiline=True) == "a\nb"
    assert clean_text("a\rb", "note", multiline=True) == "a\nb"
    assert clean_text("  line 1\n\tline 2\n\n", "note", multiline=True) == "line 1\n\tline 2"


def test_clean_text_max_length_names_the_limit(en):
    assert clean_text("  abcde  ", "name", max_length=5) == "abcde"
    with pytest.raises(ValidationError) as err:
        clean_text("abcdef", "name", max_length=5)
    assert err.value.field == "name"
    assert "5" in err.value.message and "6" in err.value.message
    assert "At most 5 characters" in err.value.message


def test_clean_text_max_length_message_in_chinese_still_names_limit():
    with pytest.raises(ValidationError) as err:
        clean_text("一二三四五六七八九十一", "note", max_length=10)
    assert "10" in str(err.value)


def test_clean_text_refuses_non_text():
    with pytest.raises(ValidationError):
        clean_text(123, "name")  # type: ignore[arg-type]


# Printable: no control characters, no surrogates and none of the invisible characters
# that clean_text refuses too (finding 19).
PRINTABLE = st.text(alphabet=st.characters(
    blacklist_categories=("Cc", "Cs"),
    blacklist_characters="".join(chr(cp) for cp in INVISIBLE_CHARS)))
REFUSED_ALWAYS = st.sampled_from(
    [chr(c) for c in [*range(0x00, 0x20), 0x7F, *range(0x80, 0xA0)] if chr(c) not in "\t\n\r"]
)


@FAST
@given(PRINTABLE, st.booleans())
def test_clean_text_returns_printable_text_stripped(text, multiline):
    assert clean_text(text, "note", multiline=multiline) == text.strip()


@FAST
@given(PRINTABLE, REFUSED_ALWAYS, st.data(), st.booleans())
def test_clean_text_refuses_inserted_control_character(text, ch, data, multiline):
    pos = data.draw(st.integers(0, len(text)))
    with pytest.raises(ValidationError) as err:
        clean_text(text[:pos] + ch + text[pos:], "note", multiline=multiline)
    assert f"U+{ord(ch):04X}" in str(err.value)


@FAST
@given(PRINTABLE, st.data())
def test_clean_text_single_line_refuses_inserted_carriage_return(text, data):
    pos = data.draw(st.integers(0, len(text)))
    with pytest.raises(ValidationError) as err:
        clean_text(text[:pos] + "\r" + text[pos:], "note")
    assert "U+000D" in str(err.value)


# ---------------------------------------------------------------------------
# Room codes
# ---------------------------------------------------------------------------

ROOM_3_2_501 = RoomCode("3", "2", "501")


@pytest.mark.parametrize(
    "text",
    [
        "3-2-501",
        "3－2－501",
        "３-２-５０１",
        "３－２－５０１",
        "  3-2-501  ",
        "3 - 2 - 501",
        "3–2—501",
        "3栋2单元501",
        "3栋2单元501室",
        "3号楼2单元501室",
        "3号楼2单元501",
        "3幢2单元501",
        "3座2单元501",
        "3#2单元501",
        "3＃2单元501",
        "3-2-501室",
        "3 栋 2 单元 501 室",
        "03-02-501",
        "3-2-0501",
        "03栋02单元0501",
    ],
)
def test_parse_room_code_accepts_written_forms(text):
    assert parse_room_code(text) == ROOM_3_2_501


def test_room_code_property_and_str():
    rc = parse_room_code("3号楼2单元501室")
    assert rc.code == "3-2-501"
    assert str(rc) == "3-2-501"
    assert (rc.building, rc.entrance, rc.number) == ("3", "2", "501")


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("A-1-1201", "A-1-1201"),
        ("a-1-1201", "A-1-1201"),
        ("A座1单元1201", "A-1-1201"),
        ("Ａ座１单元１２０１", "A-1-1201"),
        ("B2栋3单元101", "B2-3-101"),
        ("12-A-302", "12-A-302"),
        ("15-1-1", "15-1-1"),
    ],
)
def test_parse_room_code_letters_and_short_numbers(text, code):
    assert parse_room_code(text).code == code


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "501",
        "3-2",
        "3-2-",
        "3栋2单元",
        "3楼2单元501",  # 3楼 is the third floor, not building 3
        "3-2-501-1",
        "3-2-50A",
        "3/2/501",
        "张三",
        "0-2-501",
        "3-0-501",
        "3-2-0",
        "13800138000",
        "138-0013-8000",
        "3-2-501[red]",
    ],
)
def test_parse_room_code_rejects_other_text(text):
    with pytest.raises(ValidationError) as err:
        parse_room_code(text)
    assert err.value.field == "room"
    assert "3-2-501" in err.value.message  # the message shows the accepted form


def test_parse_room_code_message_lists_accepted_forms(en):
    with pytest.raises(ValidationError) as err:
        parse_room_code("3/2/501")
    message = err.value.message
    assert "3-2-501" in message and "3栋2单元501" in message and "3号楼2单元501室" in message


@pytest.mark.parametrize(
    ("text", "parts"),
    [
        ("3-2", ("3", "2")),
        ("3-2-5", ("3", "2", "5")),
        ("3-2-501", ("3", "2", "501")),
        ("3栋2单元501室", ("3", "2", "501")),
        ("3栋2单元", ("3", "2")),
        ("3栋2", ("3", "2")),
        ("3栋", ("3",)),
        ("3号楼", ("3",)),
        ("3幢", ("3",)),
        ("3-", ("3",)),
        ("3-2-", ("3", "2")),
        ("A座", ("A",)),
        ("a-1", ("A", "1")),
        ("03-02", ("3", "2")),
        ("３－２", ("3", "2")),
    ],
)
def test_parse_room_prefix(text, parts):
    assert parse_room_prefix(text) == parts


@pytest.mark.parametrize(
    "text",
    [
        "",
        "3",
        "501",
        "8000",
        "A",
        "张三",
        "138-0013",
        "138-0013-8000",
        "021-12345678",
        "3楼",
        "沪A12345",
        "3/2",
    ],
)
def test_parse_room_prefix_none_for_non_room_text(text):
    assert parse_room_prefix(text) is None


def test_parse_room_prefix_never_raises_on_odd_input():
    for text in ("\x1b[31m", "-", "--", "栋", "单元", "#", "3-2-501-7", None):
        assert parse_room_prefix(text) is None  # type: ignore[arg-type]


BUILDING_CODES = st.one_of(
    st.integers(1, 999).map(str),
    st.from_regex(r"[A-Z][0-9]?", fullmatch=True),
)
ENTRANCE_CODES = st.one_of(st.integers(1, 30).map(str), st.sampled_from(["A", "B", "C"]))
ROOM_NUMBERS = st.integers(1, 99999).map(str)


@FAST
@given(BUILDING_CODES, ENTRANCE_CODES, ROOM_NUMBERS)
def test_room_code_written_forms_agree_and_round_trip(b, e, r):
    forms = [
        f"{b}-{e}-{r}",
        f"{b}栋{e}单元{r}",
        f"{b}号楼{e}单元{r}室",
        f"{b}幢{e}单元{r}室",
        f" {b} - {e} - {r} ",
        to_full_width(f"{b}-{e}-{r}"),
        f"{b.lower()}座{e.lower()}单元{r}",
    ]
    codes = {parse_room_code(form) for form in forms}
    assert codes == {RoomCode(b, e, r)}
    rc = codes.pop()
    assert rc.code == f"{b}-{e}-{r}"
    assert parse_room_code(rc.code) == rc
    assert parse_room_prefix(rc.code) == (b, e, r)
    assert parse_room_prefix(f"{b}-{e}") == (b, e)
    assert parse_room_prefix(f"{b}栋") == (b,)


@FAST
@given(st.integers(1, 999), st.integers(1, 99), st.integers(1, 99999))
def test_room_code_leading_zeros_dropped(b, e, r):
    rc = parse_room_code(f"0{b}-0{e}-0{r}")
    assert rc == RoomCode(str(b), str(e), str(r))


@FAST
@given(st.text(max_size=20))
def test_parse_room_prefix_never_raises(text):
    parts = parse_room_prefix(text)
    assert parts is None or 1 <= len(parts) <= 3


# ---------------------------------------------------------------------------
# Phones
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "13800138000",
        "+86 138 0013 8000",
        "+8613800138000",
        "+86-138-0013-8000",
        "(+86) 138 0013 8000",
        "0086 138 0013 8000",
        "008613800138000",
        "86 13800138000",
        "8613800138000",
        "138-0013-8000",
        "138 0013 8000",
        "138.0013.8000",
        "(138) 0013 8000",
        "１３８００１３８０００",
        "＋８６ １３８ ００１３ ８０００",
        "  13800138000  ",
    ],
)
def test_normalize_phone_mobile_forms(text):
    phone = normalize_phone(text)
    assert phone == PhoneNumber("13800138000", "mobile")
    assert phone.digits == "13800138000"
    assert phone.masked == "138****8000"
    assert phone.extension == ""


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("021-12345678", "021-12345678"),
        ("02112345678", "021-12345678"),
        ("(021) 12345678", "021-12345678"),
        ("021 1234 5678", "021-12345678"),
        ("021-1234-5678", "021-12345678"),
        ("０２１－１２３４５６７８", "021-12345678"),
        ("+86 21 12345678", "021-12345678"),
        ("+86 (21) 1234 5678", "021-12345678"),
        ("0086 21 12345678", "021-12345678"),
        ("86 21 12345678", "021-12345678"),
        ("010-87654321", "010-87654321"),
        ("+86 10 87654321", "010-87654321"),
        ("0571-8765432", "0571-8765432"),
        ("0755-87654321", "0755-87654321"),
        ("+86 571 8765432", "0571-8765432"),
        ("0571 8765432 转 801", "0571-8765432-801"),
        ("0571-8765432转801", "0571-8765432-801"),
        ("0571-8765432-801", "0571-8765432-801"),
        ("0571-8765432 ext 801", "0571-8765432-801"),
        ("0571-8765432 EXT. 801", "0571-8765432-801"),
        ("0571-8765432 x801", "0571-8765432-801"),
        ("0571-8765432#801", "0571-8765432-801"),
        ("021-12345678-8001", "021-12345678-8001"),
        ("010-2000000-0", "010-2000000-0"),
        ("02112345678-801", "021-12345678-801"),
        ("021-12345678 分机 12", "021-12345678-12"),
    ],
)
def test_normalize_phone_landline_forms(text, number):
    phone = normalize_phone(text)
    assert phone.kind == "landline"
    assert phone.number == number


def test_landline_digits_extension_and_mask():
    phone = normalize_phone("0571 8765432 转 801")
    assert phone.digits == "05718765432"
    assert phone.extension == "801"
    assert phone.masked == "0571-***5432-801"
    phone = normalize_phone("021-12345678")
    assert phone.digits == "02112345678"
    assert phone.masked == "021-****5678"
    assert str(phone) == "021-12345678"


@pytest.mark.parametrize(
    ("number", "masked"),
    [
        ("13800138000", "138****8000"),
        ("021-12345678", "021-****5678"),
        ("0571-8765432", "0571-***5432"),
        ("0571-8765432-801", "0571-***5432-801"),
        ("+86 138 0013 8000", "138****8000"),
        ("not a number 9876", "**********9876"),
        ("12", "**"),
        ("", ""),
    ],
)
def test_mask_phone(number, masked):
    assert mask_phone(number) == masked


@pytest.mark.parametrize(
    "text",
    [
        "12800138000",  # 12x is not a mobile prefix
        "11012345678",
        "10012345678",
        "1380013800",  # 10 digits
        "138001380001",  # 12 digits
        "+86 128 0013 8000",
    ],
)
def test_normalize_phone_rejects_bad_mobiles(text):
    with pytest.raises(ValidationError) as err:
        normalize_phone(text)
    assert err.value.field == "phone"
    assert "138 0013 8000" in err.value.message


def test_normalize_phone_mobile_length_message_counts_digits(en):
    with pytest.raises(ValidationError) as err:
        normalize_phone("138 0013 800")
    assert "11 digits" in err.value.message
    assert "this one has 10" in err.value.message


@pytest.mark.parametrize("text", ["12345678", "8765432", "8765-4321", "87654321 转 801"])
def test_normalize_phone_landline_without_area_code(text, en):
    with pytest.raises(ValidationError) as err:
        normalize_phone(text)
    assert err.value.field == "phone"
    assert "area code" in err.value.message
    assert "021" in err.value.message


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "abc",
        "138-0013-8000 call me",
        "138+0013+8000",
        "+1 415 555 0100",
        "+44 20 7946 0958",
        "0044 20 7946 0958",
        "021-123456",  # subscriber number too short
        "021-123456789012",  # too long
        "011-12345678",  # no such area code
        "0-12345678",
        "13800138000 转 801",  # mobiles have no extension
        "2112345678",  # area code without its 0
        "123",
    ],
)
def test_normalize_phone_rejects(text):
    with pytest.raises(ValidationError) as err:
        normalize_phone(text)
    assert err.value.field == "phone"
    assert err.value.message


def test_normalize_phone_foreign_number_message(en):
    with pytest.raises(ValidationError) as err:
        normalize_phone("+1 415 555 0100")
    assert "+86" in err.value.message


MOBILES = st.builds(
    lambda second, rest: f"1{second}{rest}",
    st.sampled_from("3456789"),
    st.from_regex(r"[0-9]{9}", fullmatch=True),
)
PREFIXES = st.sampled_from(["", "+86", "+86 ", "+86-", "0086 ", "0086", "86", "86 ", "(+86) "])
SEPARATORS = st.sampled_from(["", "", "", " ", "-", ".", "  ", " - "])


@FAST
@given(MOBILES, PREFIXES, st.lists(SEPARATORS, min_size=10, max_size=10), st.booleans())
def test_mobile_with_random_formatting_normalises(mobile, prefix, seps, full_width):
    text = prefix + "".join(d + s for d, s in zip(mobile, [*seps, ""], strict=True))
    if full_width:
        text = to_full_width(text)
    phone = normalize_phone(text)
    assert phone.number == mobile
    assert phone.kind == "mobile"
    assert phone.masked == f"{mobile[:3]}****{mobile[-4:]}"
    assert normalize_phone(phone.number) == phone


@FAST
@given(
    st.sampled_from(["10", "11", "12", "2", "3", "4", "5", "7", "9"]),
    st.from_regex(r"[0-9]{9}", fullmatch=True),
    st.lists(SEPARATORS, min_size=3, max_size=3),
)
def test_non_mobile_prefixes_rejected(prefix, rest, seps):
    number = (prefix + rest)[:11].ljust(11, "0")
    text = f"{number[:3]}{seps[0]}{number[3:7]}{seps[1]}{number[7:]}"
    with pytest.raises(ValidationError) as err:
        normalize_phone(text)
    assert err.value.field == "phone"


AREA_CODES = st.sampled_from(
    ["010", "020", "021", "022", "023", "024", "025", "027", "028", "029", "0571", "0755", "0311"]
)
SUBSCRIBERS = st.from_regex(r"[2-9][0-9]{6,7}", fullmatch=True)


@FAST
@given(AREA_CODES, SUBSCRIBERS, st.one_of(st.none(), st.from_regex(r"[0-9]{1,4}", fullmatch=True)))
def test_landline_forms_normalise(area, subscriber, ext):
    expected = f"{area}-{subscriber}" + (f"-{ext}" if ext else "")
    tail = f" 转 {ext}" if ext else ""
    forms = [
        f"{area}-{subscriber}{tail}",
        f"({area}) {subscriber}{tail}",
        f"+86 {area[1:]} {subscriber}{tail}",
        to_full_width(f"{area}{subscriber}") + tail,
    ]
    if ext:
        forms.append(f"{area}-{subscriber}-{ext}")
        forms.append(f"{area}-{subscriber}#{ext}")
    for form in forms:
        phone = normalize_phone(form)
        assert phone.kind == "landline", form
        assert phone.number == expected, form
        assert phone.digits == area + subscriber
        assert phone.masked.endswith(subscriber[-4:] + (f"-{ext}" if ext else ""))
        assert phone.masked.startswith(area + "-*")


# ---------------------------------------------------------------------------
# ID numbers
# ---------------------------------------------------------------------------

# A well-known specimen number from the GB 11643-1999 literature.
SPECIMEN = "11010519491231002X"


def test_validate_id_number_specimen():
    assert validate_id_number(SPECIMEN) == SPECIMEN
    assert validate_id_number(SPECIMEN.lower()) == SPECIMEN
    assert validate_id_number(" 110105 19491231 002x ") == SPECIMEN
    assert validate_id_number(to_full_width(SPECIMEN)) == SPECIMEN
    assert id_birth_date(SPECIMEN) == dt.date(1949, 12, 31)
    assert id_gender(SPECIMEN) == "F"
    assert mask_id_number(SPECIMEN) == "110***********002X"


def test_make_id_number_builds_check_digit():
    number = make_id_number("310101", dt.date(1990, 3, 7), 123)
    assert number.startswith("31010119900307123")
    assert validate_id_number(number) == number
    assert id_gender(number) == "M"
    assert mask_id_number(number) == "310***********" + number[-4:]
    assert make_id_number("110105", dt.date(1949, 12, 31), 2) == SPECIMEN


def test_make_id_number_rejects_bad_parts():
    with pytest.raises(ValueError):
        make_id_number("3101", dt.date(1990, 1, 1), 1)
    with pytest.raises(ValueError):
        make_id_number("310101", dt.date(1990, 1, 1), 1000)


@pytest.mark.parametrize(
    "text",
    ["", "11010519491231002", "11010519491231002XX", "1101051949123100AX", "X10105194912310021"],
)
def test_validate_id_number_wrong_shape(text, en):
    with pytest.raises(ValidationError) as err:
        validate_id_number(text)
    assert err.value.field == "id_number"
    assert "18 characters" in err.value.message


def test_validate_id_number_old_15_digit(en):
    with pytest.raises(ValidationError) as err:
        validate_id_number("110105491231002")
    assert err.value.field == "id_number"
    assert "15-digit" in err.value.message


@pytest.mark.parametrize(
    "date",
    ["19491331", "19490230", "18991231", "00000000", "19490001"],
)
def test_validate_id_number_bad_date(date, en):
    first17 = f"110105{date}002"
    # Give it the right check digit so only the date is wrong.
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    check = "10X98765432"[sum(int(d) * w for d, w in zip(first17, weights, strict=True)) % 11]
    with pytest.raises(ValidationError) as err:
        validate_id_number(first17 + check)
    assert err.value.field == "id_number"
    assert "birth date" in err.value.message
    assert date in err.value.message


def test_validate_id_number_future_date(en, monkeypatch):
    monkeypatch.setenv("FRONTDESK_NOW", "2026-03-01 09:00")
    ok = make_id_number("310101", dt.date(2026, 3, 1), 1)
    assert validate_id_number(ok) == ok
    tomorrow = make_id_number("310101", dt.date(2026, 3, 2), 1)
    with pytest.raises(ValidationError) as err:
        validate_id_number(tomorrow)
    assert "birth date" in err.value.message


def test_validate_id_number_wrong_check_digit(en):
    with pytest.raises(ValidationError) as err:
        validate_id_number("110105194912310021")
    assert err.value.field == "id_number"
    assert "check digit" in err.value.message
    # The expected check digit is not revealed.
    assert "X" not in err.value.message


def test_id_messages_are_distinct():
    messages = set()
    for text in ("1101051949123100", "110105194913310023", "110105194912310021"):
        with pytest.raises(ValidationError) as err:
            validate_id_number(text)
        messages.add(err.value.message)
    assert len(messages) == 3


AREAS = st.from_regex(r"[1-8][0-9]{5}", fullmatch=True)
BIRTH_DATES = st.dates(min_value=dt.date(1900, 1, 1), max_value=clock.today())
SEQS = st.integers(0, 999)


@FAST
@given(AREAS, BIRTH_DATES, SEQS)
def test_make_id_number_always_validates(area, birth, seq):
    number = make_id_number(area, birth, seq)
    assert len(number) == 18
    assert validate_id_number(number) == number
    assert validate_id_number(number.lower()) == number
    assert id_birth_date(number) == birth
    assert id_gender(number) == ("M" if seq % 2 else "F")
    masked = mask_id_number(number)
    assert masked[:3] == number[:3] and masked[-4:] == number[-4:]
    assert masked[3:14] == "*" * 11


@FAST
@given(AREAS, BIRTH_DATES, SEQS, st.integers(0, 17), st.data())
def test_any_single_substitution_is_caught(area, birth, seq, pos, data):
    number = make_id_number(area, birth, seq)
    alphabet = "0123456789X" if pos == 17 else "0123456789"
    new = data.draw(st.sampled_from([c for c in alphabet if c != number[pos]]))
    changed = number[:pos] + new + number[pos + 1 :]
    with pytest.raises(ValidationError) as err:
        validate_id_number(changed)
    assert err.value.field == "id_number"


# ---------------------------------------------------------------------------
# Plates
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "plate"),
    [
        ("沪A·12345", "沪A12345"),
        ("沪A12345", "沪A12345"),
        ("沪A 12345", "沪A12345"),
        ("沪a12345", "沪A12345"),
        ("沪A-12345", "沪A12345"),
        ("沪A.12345", "沪A12345"),
        ("沪A•12345", "沪A12345"),
        ("沪A・12345", "沪A12345"),
        ("沪Ａ·１２３４５", "沪A12345"),
        ("沪ａ－１２３４５", "沪A12345"),
        (" 沪 A · 12345 ", "沪A12345"),
        ("沪AD12345", "沪AD12345"),
        ("沪A·D12345", "沪AD12345"),
        ("沪AF1A234", "沪AF1A234"),
        ("粤B12345D", "粤B12345D"),
        ("粤b·12345f", "粤B12345F"),
        ("京N8P8F8", "京N8P8F8"),
        ("沪A1234学", "沪A1234学"),
        ("沪A1234挂", "沪A1234挂"),
        ("粤Z1234港", "粤Z1234港"),
        ("粤Z1234澳", "粤Z1234澳"),
        ("沪A1234警", "沪A1234警"),
        ("琼E12345", "琼E12345"),
    ],
)
def test_normalize_plate_accepts(text, plate):
    assert normalize_plate(text) == plate


@pytest.mark.parametrize(
    "text",
    [
        "",
        "A12345",  # no province
        "使A12345",
        "沪12345",
        "沪112345",
        "沪I12345",  # I is never used
        "沪A1O345",  # nor O
        "沪A1234",  # too short
        "沪A123456",  # 6 characters but not new-energy
        "沪AD123456",  # too long
        "沪A12D345",
        "沪AA12345D",
        "沪A12345学",
        "沪A·12345[red]",
        "沪A_12345",
    ],
)
def test_normalize_plate_rejects(text):
    with pytest.raises(ValidationError) as err:
        normalize_plate(text)
    assert err.value.field == "plate"
    assert err.value.message


def test_normalize_plate_messages(en):
    with pytest.raises(ValidationError) as err:
        normalize_plate("A12345")
    assert "province" in err.value.message and "沪A·12345" in err.value.message
    with pytest.raises(ValidationError) as err:
        normalize_plate("沪A1O345")
    assert "I or O" in err.value.message
    with pytest.raises(ValidationError) as err:
        normalize_plate("沪A1234")
    assert "new-energy" in err.value.message


def test_format_plate_and_tail():
    assert format_plate("沪A12345") == "沪A·12345"
    assert format_plate("沪a 12345") == "沪A·12345"
    assert format_plate("沪AD12345") == "沪A·D12345"
    assert format_plate("粤B12345D") == "粤B·12345D"
    assert plate_tail("沪A12345") == "A12345"
    assert plate_tail("沪A·D12345") == "AD12345"


@pytest.mark.parametrize(
    ("text", "query"),
    [
        ("沪a·12", "沪A12"),
        ("沪A 123", "沪A123"),
        ("a12", "A12"),
        ("ｄ１２", "D12"),
        ("12345", "12345"),
        ("沪", "沪"),
        ("沪A·12345", "沪A12345"),
        ("1234学", "1234学"),
    ],
)
def test_parse_plate_query(text, query):
    assert parse_plate_query(text) == query


@pytest.mark.parametrize("text", ["", "  ", "·", "张三", "王", "沪A12345678", "a@b", "A12沪"])
def test_parse_plate_query_none(text):
    assert parse_plate_query(text) is None


ALNUM = "0123456789ABCDEFGHJKLMNPQRSTUVWXYZ"
PLATE_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"


def _alnum(n: int) -> st.SearchStrategy[str]:
    return st.text(alphabet=ALNUM, min_size=n, max_size=n)


PLATES = st.builds(
    lambda province, letter, rest: province + letter + rest,
    st.sampled_from(PROVINCES),
    st.sampled_from(PLATE_LETTERS),
    st.one_of(
        _alnum(5),
        st.builds(str.__add__, _alnum(4), st.sampled_from("挂学警港澳")),
        st.builds(str.__add__, st.sampled_from("DF"), _alnum(5)),
        st.builds(str.__add__, st.from_regex(r"[0-9]{5}", fullmatch=True), st.sampled_from("DF")),
    ),
)
PLATE_SEPARATORS = st.sampled_from(["", " ", "·", "•", "・", ".", "-", " · ", "－", "．"])


@FAST
@given(PLATES, PLATE_SEPARATORS, st.booleans(), st.booleans())
def test_plate_round_trip_and_variants(plate, sep, lower, full_width):
    assert normalize_plate(plate) == plate
    formatted = format_plate(plate)
    assert formatted == f"{plate[:2]}·{plate[2:]}"
    assert normalize_plate(formatted) == plate
    assert plate_tail(plate) == plate[1:]
    variant = f"{plate[:2]}{sep}{plate[2:]}"
    if lower:
        variant = variant.lower()
    if full_width:
        variant = to_full_width(variant)
    assert normalize_plate(variant) == plate
    assert parse_plate_query(variant) == plate
    assert parse_plate_query(variant[: len(variant) // 2 + 1]) is not None
