"""Proposals and service contracts (建议书和服务合同, issue 17 item 4): .docx templates with
Chinese placeholders (`{{ 业主姓名 }}`, `{{ 金额大写 }}` …) rendered with docxtpl in a
sandboxed jinja2 environment; the built-in templates (a paid-repair quote from a work
order's cost lines, a value-added service proposal, 装修管理服务协议, 车位租赁, 家政服务) and the
company's own, registered and kept in the database; the contract register, numbered without
gaps per series and year (HT-2027-0001), with its statuses 草拟 → 已签 → 履行中 → 到期 | 终止;
the Word file written to the export folder; and the renewal reminders of contracts ending
within 30 days (run by `frontdesk remind` and each session's background sweep).

`amounts` writes amounts in Chinese capitals, `documents` checks and renders .docx files,
`templates` is the template library, `register` the register. Screens and the CLI get the
dataclasses of `values` back.
"""

from data.contracts.amounts import amount_in_words
from data.contracts.documents import BUILTIN_NAMES, builtin_template, placeholders_of, render_docx
from data.contracts.register import (
    COMPANY_SETTING,
    PERMISSIONS,
    TRANSITIONS,
    advance_statuses,
    company_name,
    context_of,
    create_contract,
    create_proposal,
    create_quote,
    expiring,
    get_contract,
    list_contracts,
    may,
    parse_kind,
    parse_money,
    parse_status,
    quote_lines,
    quotes_of_order,
    refusal,
    remind_expiring,
    render_contract,
    sign,
    status_counts,
    sweep,
    terminate,
)
from data.contracts.templates import (
    get_template,
    list_templates,
    read_template_file,
    register_template,
    template_content,
)
from data.contracts.values import (
    ACTION_LABELS,
    EXPIRING_DAYS,
    KIND_SHORT,
    KIND_WORDS,
    KINDS,
    LINE_FIELDS,
    OPEN_STATUSES,
    PAGE,
    PLACEHOLDERS,
    RUNNING_STATUSES,
    SERIES,
    STATUS_WORDS,
    STATUSES,
    TERM_KINDS,
    ContractFilter,
    ContractInput,
    ContractPage,
    ContractRow,
    ContractView,
    EventRow,
    LineView,
    ProposalInput,
    RenderResult,
    RenewalNotice,
    TemplateRow,
    money,
)

__all__ = [
    "amount_in_words", "BUILTIN_NAMES", "builtin_template", "placeholders_of", "render_docx",
    "COMPANY_SETTING", "PERMISSIONS", "TRANSITIONS", "advance_statuses", "company_name",
    "context_of", "create_contract", "create_proposal", "create_quote", "expiring",
    "get_contract", "list_contracts", "may", "parse_kind", "parse_money", "parse_status",
    "quote_lines", "quotes_of_order", "refusal", "remind_expiring", "render_contract", "sign", "status_counts",
    "sweep", "terminate", "get_template", "list_templates", "read_template_file",
    "register_template", "template_content", "ACTION_LABELS", "EXPIRING_DAYS", "KIND_SHORT", "KIND_WORDS",
    "KINDS", "LINE_FIELDS", "OPEN_STATUSES", "PAGE", "PLACEHOLDERS", "RUNNING_STATUSES",
    "SERIES", "STATUS_WORDS", "STATUSES", "TERM_KINDS", "ContractFilter", "ContractInput",
    "ContractPage", "ContractRow", "ContractView", "EventRow", "LineView", "ProposalInput",
    "RenderResult", "RenewalNotice", "TemplateRow", "money",
]
