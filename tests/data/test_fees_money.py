"""Money of the fees: integer fen, one half-up rounding per bill line, amounts in words."""

from __future__ import annotations

from decimal import Decimal

import pytest

from data.errors import ValidationError
from data.fees import amount_in_words, fen_of, line_amount, parse_period, round_fen


@pytest.mark.parametrize(("fen", "words"), [
    (123456, "壹仟贰佰叁拾肆元伍角陆分"),
    (10000, "壹佰元整"),
    (1000500, "壹万零伍元整"),
    (10005, "壹佰元零伍分"),
    (10050, "壹佰元伍角整"),
    (5, "伍分"),
    (50, "伍角整"),
    (0, "零元整"),
    (100100, "壹仟零壹元整"),
    (10000000, "壹拾万元整"),
    (10700000, "壹拾万零柒仟元整"),
    (10000000000, "壹亿元整"),
    (168032, "壹仟陆佰捌拾元叁角贰分"),
    (100000001, "壹佰万元零壹分"),
    (1000, "壹拾元整"),
    (-2050, "负贰拾元伍角整"),
])
def test_amount_in_words(fen, words):
    assert amount_in_words(fen) == words


def test_amount_in_words_takes_integer_fen_only():
    with pytest.raises(TypeError):
        amount_in_words(12.5)  # type: ignore[arg-type]


def test_round_half_up_once():
    assert round_fen(Decimal("0.005")) == 1
    assert round_fen(Decimal("0.0049")) == 0
    assert round_fen(Decimal("2.345")) == 235
    # 1.85 元/m² × 89.37 m² = 165.3345 → 165.33 (one rounding at the end)
    assert line_amount(185, Decimal("89.37"), 1, 31, 31, 100) == 16533
    # 15 of 31 days, at a 70 % vacancy rate: 185 × 100 × 15/31 × 0.7 = 6266.129… fen
    assert line_amount(185, Decimal("100"), 1, 15, 31, 70) == 6266
    assert line_amount(250, Decimal("1"), 3, 90, 90, 100) == 750


def test_fen_of_refuses_what_is_not_money():
    assert fen_of("1,234.56", "amount") == 123456
    assert fen_of("¥20", "amount") == 2000
    for bad in ("", "abc", "1.234", "-5"):
        with pytest.raises(ValidationError):
            fen_of(bad, "amount")


def test_period():
    assert parse_period("2027-1") == "2027-01"
    assert parse_period("2027年3月") == "2027-03"
    for bad in ("2027-13", "27-01", "x"):
        with pytest.raises(ValidationError):
            parse_period(bad)
