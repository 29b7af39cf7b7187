"""Reports a manager runs (issue 20): periods and scopes, the standard reports, the
service stage report, and their export to XLSX and CSV."""

from __future__ import annotations

from data.reports.periods import (
    MAX_RANGE_DAYS,
    Period,
    Scope,
    month_period,
    parse_period,
    parse_scope,
)

__all__ = ["MAX_RANGE_DAYS", "Period", "Scope", "month_period", "parse_period", "parse_scope"]
