"""Amounts of money in Chinese capital numerals (金额大写), as receipts, quotes and contracts
write them: 壹万贰仟叁佰肆拾伍元陆角柒分, or …元整 for a whole amount.

The rules of financial writing (会计基础工作规范 第五十二条 and common bank practice):

- digits 零壹贰叁肆伍陆柒捌玖, units 拾佰仟 within a group of four, groups 万 and 亿;
- one 零 for a run of zeros between non-zero digits (1001 → 壹仟零壹元), also across a
  group boundary (10001 → 壹万零壹元, 107000 → 壹拾万零柒仟元), none for the zeros that
  close the yuan (100000 → 壹拾万元整);
- a group of only zeros is left out, with its unit (100000000 → 壹亿元整);
- 拾 keeps its 壹 (10 → 壹拾元整), as banks require (the figure cannot be altered);
- no 角 with 分: 零 stands for it after the yuan (100.05 → 壹佰元零伍分; 0.05 → 伍分);
- 整 after 元 or 角 when there are no 分 (100.5 → 壹佰元伍角整), never after 分; a zero yuan
  digit before a non-zero 角 needs no 零 (1680.32 → 壹仟陆佰捌拾元叁角贰分);
- 零元整 for nothing; 负 before a negative amount.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

DIGITS = "零壹贰叁肆伍陆柒捌玖"
#: Units inside a group of four digits, from the lowest.
SMALL_UNITS = ("", "拾", "佰", "仟")
#: The unit of each group of four, from the lowest: yuan, 万, 亿, 万亿.
GROUP_UNITS = ("", "万", "亿", "万亿")
#: The largest amount written (the register's DECIMAL(12, 2) holds less).
LIMIT = Decimal("10") ** 16


def _yuan(number: int) -> str:
    """The whole yuan (above 0) in words, without 元: each run of zeros followed by a
    non-zero digit is one 零, also across the 万 and 亿 boundaries; a group of four zeros
    drops its unit."""
    digits = str(number)
    out: list[str] = []
    zero = False  # a run of zeros after a written digit: 零 if a non-zero digit follows
    group_written = False
    for index, char in enumerate(digits):
        position = len(digits) - 1 - index
        small, group = position % 4, position // 4
        digit = int(char)
        if digit == 0:
            zero = bool(out)
        else:
            if zero:
                out.append(DIGITS[0])
                zero = False
            out.append(DIGITS[digit] + SMALL_UNITS[small])
            group_written = True
        if small == 0 and group > 0:
            if group_written:
                out.append(GROUP_UNITS[group])
            group_written = False
    return "".join(out)


def amount_in_words(amount: Decimal | int | str) -> str:
    """`amount` (yuan; rounded half up to the fen) in capital numerals: 壹万贰仟叁佰肆拾伍元陆角柒分,
    壹佰元整, 伍分, 零元整. ValueError for what is not a finite amount or is too large."""
    try:
        value = Decimal(str(amount))
    except (InvalidOperation, ValueError):
        raise ValueError(f"not an amount: {amount!r}") from None
    if not value.is_finite():
        raise ValueError(f"not an amount: {amount!r}")
    value = value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    if abs(value) >= LIMIT:
        raise ValueError(f"too large to write in words: {amount!r}")
    sign = "负" if value < 0 else ""
    fen_total = int(abs(value) * 100)
    yuan, rest = divmod(fen_total, 100)
    jiao, fen = divmod(rest, 10)
    if fen_total == 0:
        return "零元整"
    out = _yuan(yuan) + "元" if yuan else ""
    if jiao:
        out += DIGITS[jiao] + "角"
    elif yuan and fen:
        out += DIGITS[0]  # 壹佰元零伍分: the 角 is zero, the 分 is not
    if fen:
        out += DIGITS[fen] + "分"
    else:
        out += "整"
    return sign + out
