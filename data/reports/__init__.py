"""Reports a manager runs (issue 20): periods and scopes, the standard reports, the
service stage report, and their export to XLSX and CSV."""

from __future__ import annotations

from data.reports.custom import (
    SUBJECTS,
    Definition,
    choices,
    describe,
    filter_values,
    parse_definition,
    run_custom,
    subject_title,
)
from data.reports.export import export_report, report_bytes, to_csv, to_xlsx
from data.reports.periods import (
    MAX_RANGE_DAYS,
    Period,
    Scope,
    month_period,
    parse_period,
    parse_scope,
)
from data.reports.saved import (
    SavedReport,
    delete_report,
    list_reports,
    load_report,
    save_report,
    share_report,
)
from data.reports.stages import StageRow, StageSpan, StageView, open_stages, stage_report
from data.reports.standard import REPORTS, ReportKind, report_names, run_report
from data.reports.values import Report, ReportColumn, SummaryLine, cell_text, change_text
from data.reports.workorders import REPEAT_DAYS, callback_promise

__all__ = [
    "MAX_RANGE_DAYS", "REPEAT_DAYS", "REPORTS", "Period", "Report", "ReportColumn", "ReportKind", "Scope",
    "SummaryLine", "callback_promise", "cell_text", "change_text", "month_period", "parse_period",
    "parse_scope", "report_names", "run_report", "StageRow", "StageSpan", "StageView", "open_stages",
    "stage_report", "export_report", "report_bytes", "to_csv", "to_xlsx",
    "SUBJECTS", "subject_title", "Definition", "choices", "describe", "filter_values", "parse_definition", "run_custom",
    "SavedReport", "delete_report", "list_reports", "load_report", "save_report", "share_report",
]
