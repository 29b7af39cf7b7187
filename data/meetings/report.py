"""The result report of an owners' meeting (表决结果公告, issue 19 item 3): each proposal's
figures — participation by heads and by area against 2/3, approval against the ordinary or
major majority — and the rule each met or missed, as an A4 PDF or an XLSX in the export
folder, through the public accounts' writers (data.fees.notices). It names no owner's vote."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from data.errors import ValidationError
from data.i18n import _
from data.meetings.ballots import Tally, get_meeting, tally
from data.votes.counting import Rule

RULE_NAMES = {"participation_heads": "参与表决人数", "participation_area": "参与表决专有部分面积",
              "approval_heads": "同意人数", "approval_area": "同意专有部分面积"}


def figure(rule: Rule) -> str:
    """A rule's figure as printed: "12 / 15 人" or "1234.50 / 1500.00 m²"."""
    unit = "m²" if isinstance(rule.part, Decimal) else "人"
    if isinstance(rule.part, Decimal):
        return f"{rule.part:.2f} / {rule.whole:.2f} {unit}"
    return f"{rule.part} / {rule.whole} {unit}"


def result_rows(view: Tally) -> list[list[str]]:
    """One row per figure of each proposal, then its outcome."""
    rows = []
    for p in view.proposals:
        for r in p.rules:
            rows.append([f"{p.seq}. {p.title}", p.matter_text, RULE_NAMES[r.name], figure(r), r.rule,
                         "达到" if r.met else "未达到"])
        rows.append([f"{p.seq}. {p.title}", p.matter_text, "表决结果", "", "", "通过" if p.approved else "未通过"])
    return rows


def report_file(meeting_id: int, fmt: str = "pdf", staff_id: int | None = None) -> Path:
    """The meeting's result report as an A4 PDF or an XLSX in the export folder."""
    from data.fees.accounts import _company
    from data.fees.notices import _write

    if fmt not in ("pdf", "xlsx"):
        raise ValidationError("format", _("The report is a PDF or an XLSX file."))
    meeting = get_meeting(meeting_id, staff_id)
    view = tally(meeting_id, staff_id)
    waiting = meeting.pending + meeting.differing
    title = f"{meeting.title} 表决结果" + ("（未定稿）" if waiting else "")
    tail = [f"会议日期：{meeting.held_on.isoformat()}　地点：{meeting.where}　公告日期：{meeting.announced_on.isoformat()}",
            f"计入的有效表决票：{view.ballots} 张（两名工作人员分别录入一致，或导入）。"]
    if waiting:  # walk19 #9: a committee must not publish a count with ballots left out as final
        tail.append(f"未计入的表决票：{waiting} 张——待第二次录入 {meeting.pending} 张，两次录入不一致 "
                    f"{meeting.differing} 张。本报告未定稿：全部录入一致后方为最终结果。")
    tail.append("计票规则（民法典第二百七十八条）：参与表决的专有部分面积及人数均不少于总数的三分之二；"
                "一般事项经参与表决面积及人数过半数同意，重大事项经参与表决面积及人数四分之三以上同意。")
    if view.missing_area:
        tail.append("以下房屋未登记面积，总数不完整，表决结果未确定：" + "、".join(view.missing_area[:50]))
    parts = (title, ["议题", "事项", "指标", "数值", "规则", "结果"], result_rows(view), tail)
    return _write(f"meeting_{meeting_id}_result", fmt, meeting.community, _company(), parts)
