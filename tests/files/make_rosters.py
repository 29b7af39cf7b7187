"""Regenerate roster_gbk.csv and roster_good.xlsx from roster_good.csv (run once, commit the output).

    .venv/bin/python tests/files/make_rosters.py
"""

from __future__ import annotations

import csv
from pathlib import Path

from openpyxl import Workbook

HERE = Path(__file__).parent

#: The .xlsx uses header variants a company's own sheet might have.
XLSX_HEADERS = [" 小区 ", "房屋", "姓名", "关系", "联系电话", "身份证号", "车牌号", "标签", "备注"]


def main() -> None:
    """Write the GBK copy and the Excel copy of the good roster."""
    text = (HERE / "roster_good.csv").read_text(encoding="utf-8")
    (HERE / "roster_gbk.csv").write_bytes(text.encode("gbk"))

    rows = list(csv.reader(text.splitlines()))
    book = Workbook()
    sheet = book.active
    sheet.title = "业主名册"
    sheet.append(XLSX_HEADERS)
    for i, row in enumerate(rows[1:]):
        cells: list[object] = list(row)
        phone = cells[4]
        if phone.isdigit() and len(phone) == 11:
            # Typed into Excel as numbers, the way clerks do: an int, and a float.
            cells[4] = float(phone) if i % 2 else int(phone)
        sheet.append(cells)
    book.save(HERE / "roster_good.xlsx")


if __name__ == "__main__":
    main()
