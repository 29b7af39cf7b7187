"""The public accounts of the demo database (issue 18 item 6): per community a year of
monthly expenditure by category (人工, 保洁, 绿化, 秩序维护, 维修养护, 公共能耗, 管理费用, some
months 其他) and of shared-facility income (广告位 and 停车 every month, 场地租赁 some months)
with its reasonable costs, and a half-yearly use of it (补充专项维修资金), all entered by a
supervisor at the start of the next month. Deterministic (from community ids and the seed).

Called by data.sample's `_Builder.run()` with the builder: raw SQL on `b.conn`, the anchor
day `b.t.today`."""

from __future__ import annotations

import datetime as dt

#: Months up to and including the anchor's month.
MONTHS = 12
#: (category, base yuan a month per community), the amount varying a little month to month.
_SPEND = (("labour", 42000), ("cleaning", 12000), ("greening", 5000), ("security", 18000),
          ("repairs", 6000), ("energy", 8000), ("admin", 4000))
_NOTES = {"labour": "管理处人员工资及社保", "cleaning": "保洁外包服务费", "greening": "绿化养护",
          "security": "秩序维护外包服务费", "repairs": "电梯维保及公共设施维修", "energy": "公共照明、电梯、水泵电费",
          "admin": "办公及通讯费用", "other": "消防演练物资"}


def _month(day: dt.date, back: int) -> dt.date:
    index = day.year * 12 + day.month - 1 - back
    return dt.date(index // 12, index % 12 + 1, 1)


def accounts(b) -> None:
    conn = b.conn
    today: dt.date = b.t.today
    seed = int(b.seed) % 89
    lead = conn.execute("SELECT MIN(id) FROM staff WHERE role = 'supervisor'").fetchone()[0]
    communities = [row[0] for row in conn.execute("SELECT id FROM community ORDER BY id")]
    spend, shared = [], []
    for back in range(MONTHS - 1, -1, -1):
        first = _month(today, back)
        month = first.strftime("%Y-%m")
        entered = f"{_month(today, back - 1).isoformat() if back else today.isoformat()} 10:00:00"
        for cid in communities:
            wobble = (cid * 37 + first.month * 13 + seed) % 11  # 0..10
            for n, (category, base) in enumerate(_SPEND):
                yuan = base + (wobble * (n + 3) * 37) % (base // 10)
                spend.append((cid, month, category, yuan * 100, _NOTES[category], lead, entered))
            if wobble % 4 == 0:
                spend.append((cid, month, "other", (800 + wobble * 50) * 100, _NOTES["other"], lead, entered))
            shared.append((cid, month, "ads", (3000 + wobble * 100) * 100, "电梯轿厢及单元门广告位", lead, entered))
            shared.append((cid, month, "parking", (2000 + wobble * 80) * 100, "地面共有车位临时停车收入", lead, entered))
            if first.month in (5, 10):
                shared.append((cid, month, "venue", 1500 * 100, "小区广场场地租赁（商家活动）", lead, entered))
            shared.append((cid, month, "cost", (500 + wobble * 20) * 100, "广告位及道闸维护、收费人员", lead, entered))
            if first.month in (6, 12):
                shared.append((cid, month, "fund", 15000 * 100, "依业主大会决定补充专项维修资金", lead, entered))
    conn.executemany("INSERT INTO fee_expense (community_id, month, category, amount_fen, note, created_by_id, "
                     "created_at) VALUES (?, ?, ?, ?, ?, ?, ?)", spend)
    conn.executemany("INSERT INTO shared_entry (community_id, month, kind, amount_fen, note, created_by_id, "
                     "created_at) VALUES (?, ?, ?, ?, ?, ?, ?)", shared)
