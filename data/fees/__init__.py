"""Fees, bills, payments and arrears (服务费用, issue 18; SPEC §12): fee items and dated
standards per community (`items`), issuing a period's bills (`billing`), payments with
gap-free receipts, voids, refunds and waivers (`payments`), arrears by room and ageing
(`arrears`), and the collection rates (`rates`). Money is integer fen; `values` holds the
money helpers (amount in words) and the dataclasses screens and the CLI get back."""

from data.fees.arrears import arrears_page, bill_rows, room_due
from data.fees.billing import bill_period, charge_once, line_amount, owner_segments
from data.fees.items import (
    BASES,
    BASIS_WORDS,
    CYCLE_WORDS,
    CYCLES,
    VACANCY_SETTING,
    add_standard,
    create_item,
    find_item,
    list_items,
    list_standards,
    vacancy_rate,
)
from data.fees.late import LATE_FEE_SETTING, LateFeeTerms, late_fee_terms, set_late_fee
from data.fees.meters import (
    ImportResult,
    ReadingRow,
    delete_reading,
    import_readings,
    missing_readings,
    readings,
    record_reading,
)
from data.fees.payments import (
    METHOD_WORDS,
    METHODS,
    get_payment,
    prepaid_balance,
    refund,
    statement,
    take_payment,
    void_payment,
    waive,
)
from data.fees.rates import collection_rates, monthly_rates
from data.fees.reasons import (
    REASONS,
    ComplaintRef,
    OwnerArrears,
    ReasonView,
    open_complaints,
    owner_arrears,
    reasons_of,
    set_reason,
)
from data.fees.repairs import BILLABLE_STATUSES, bill_repair, repair_amount
from data.fees.values import (
    BUCKETS,
    ArrearsPage,
    ArrearsRow,
    BillingResult,
    BillRow,
    FeeItemRow,
    PaymentView,
    RateRow,
    StandardRow,
    Statement,
    WaiverView,
    amount_in_words,
    fen_of,
    money_text,
    parse_period,
    rate_bar,
    rate_text,
    round_fen,
)

__all__ = [
    "LATE_FEE_SETTING", "ImportResult", "LateFeeTerms", "ReadingRow", "BILLABLE_STATUSES", "bill_repair", "repair_amount", "import_readings",
    "late_fee_terms", "missing_readings", "readings", "record_reading", "delete_reading", "set_late_fee",
    "BASES", "BASIS_WORDS", "BUCKETS", "CYCLES", "CYCLE_WORDS", "METHODS", "METHOD_WORDS", "VACANCY_SETTING", "REASONS",
    "OwnerArrears", "ReasonView", "ComplaintRef", "monthly_rates", "open_complaints", "owner_arrears", "rate_bar", "rate_text", "reasons_of", "set_reason",
    "ArrearsPage", "ArrearsRow", "BillRow", "BillingResult", "FeeItemRow", "PaymentView", "RateRow",
    "StandardRow", "Statement", "WaiverView",
    "add_standard", "amount_in_words", "arrears_page", "bill_period", "bill_rows", "charge_once",
    "collection_rates", "create_item", "fen_of", "find_item", "get_payment", "line_amount", "list_items",
    "list_standards", "money_text", "owner_segments", "parse_period", "prepaid_balance", "refund",
    "room_due", "round_fen", "statement", "take_payment", "vacancy_rate", "void_payment", "waive",
]
