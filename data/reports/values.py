"""The shape every report has (title, period, scope, columns, rows, totals, the previous
period's figures) and how a figure is written."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from data.i18n import _
from data.reports.periods import Period, Scope

#: Column kinds: int, rate (a fraction 0–1, None when nothing to count), hours, fen, text,
#: number (one decimal).
KINDS = ("int", "rate", "hours", "fen", "text", "number")


@dataclass(frozen=True)
class ReportColumn:
    """One column: its key (stable, for JSON and CSV), its heading, and its kind."""

    key: str
    title: str
    kind: str = "int"


@dataclass(frozen=True)
class SummaryLine:
    """One headline figure with the previous period's, e.g. 回访率 against its promise."""

    key: str
    label: str
    value: object
    previous: object
    kind: str = "rate"
    note: str = ""


@dataclass(frozen=True)
class Report:
    """A standard report as run: `rows` and `totals` follow `columns`; `previous` is the
    totals row of the previous period (same scope), for comparison; `chart` the index of
    the column a bar chart shows."""

    name: str
    title: str
    period: Period
    scope: Scope
    columns: tuple[ReportColumn, ...]
    rows: tuple[tuple, ...]
    totals: tuple | None
    previous: tuple | None
    summary: tuple[SummaryLine, ...] = ()
    notes: tuple[str, ...] = ()
    chart: int = 1
    generated_at: dt.datetime | None = None
    generated_by: str = ""
    extra: dict = field(default_factory=dict)
    #: A custom report's filters as (label, value), listed in the export's header block.
    filters: tuple[tuple[str, str], ...] = ()

    def as_json(self) -> dict:
        def plain(kind: str, value: object) -> object:
            if isinstance(value, (dt.date, dt.datetime)):
                return value.isoformat()
            if kind in ("rate", "hours", "number") and isinstance(value, float):
                return round(value, 4)
            return value

        def row_json(row: tuple | None) -> dict | None:
            if row is None:
                return None
            return {c.key: plain(c.kind, v) for c, v in zip(self.columns, row, strict=True)}

        return {
            "report": self.name, "title": self.title, "period": self.period.text,
            "since": self.period.start.isoformat(), "until": self.period.end.isoformat(),
            "previous_period": self.period.previous().text, "scope": self.scope.label,
            "columns": [{"key": c.key, "title": c.title, "kind": c.kind} for c in self.columns],
            "rows": [row_json(r) for r in self.rows], "totals": row_json(self.totals),
            "previous": row_json(self.previous),
            "summary": [{"key": s.key, "label": s.label, "value": plain(s.kind, s.value),
                         "previous": plain(s.kind, s.previous), "note": s.note} for s in self.summary],
            "notes": list(self.notes),
            "filters": [[k, v] for k, v in self.filters],
            "generated_at": self.generated_at.isoformat() if self.generated_at else None,
            "generated_by": self.generated_by,
        }


def cell_text(kind: str, value: object) -> str:
    """A figure as a report shows it: rates as percentages, hours to one decimal, fen as
    yuan, nothing to count as "—"."""
    if value is None:
        return "—"
    if kind == "rate":
        return f"{float(value) * 100:.1f}%"  # type: ignore[arg-type]
    if kind in ("hours", "number"):
        return f"{float(value):.1f}"  # type: ignore[arg-type]
    if kind == "fen":
        fen = int(value)  # type: ignore[call-overload]
        sign = "-" if fen < 0 else ""
        return f"{sign}{abs(fen) // 100:,}.{abs(fen) % 100:02d}"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def change_text(kind: str, value: object, previous: object) -> str:
    """How a figure moved since the previous period: "+3", "-2.5pt" (rates, in
    percentage points), "" when either is missing."""
    if value is None or previous is None or kind in ("text",):
        return ""
    try:
        delta = float(value) - float(previous)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return ""
    if kind == "rate":
        return _("{delta:+.1f}pt").format(delta=delta * 100)
    if kind == "fen":
        return cell_text("fen", int(delta)) if delta < 0 else "+" + cell_text("fen", int(delta))
    if kind == "int":
        return f"{int(delta):+d}"
    return f"{delta:+.1f}"
