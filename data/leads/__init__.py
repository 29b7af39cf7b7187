"""Leads (潜在客户, issue 17): people or companies who may buy a service — a vacant room to
let or sell, a parking space, housekeeping, renovation, letting on an owner's behalf, a shop.

Screens and the CLI get plain frozen values (`LeadView`, `LeadRow`, `FunnelStats` …);
every write is checked against data.access ("lead.manage", "lead.reassign", "lead.rules"),
validated first, and runs in one write transaction with its timeline line.

One module per part: `values` (vocabularies, inputs, views, parsers), `reading` (one lead,
lists, counts, vacant places), `records` (adding and editing, duplicates), `assignment`
(the owner by rule or by hand), `pipeline` (stages, contacts, reassigning), `followup`
(the next follow-up as a calendar task), `conversion` (a won lead becomes a tenant or a
work order), `deals` (a won lead becomes a contract; a proposal for a lead, rendered) and
`statistics` (the funnel). Their public API is re-exported here.
"""

from __future__ import annotations

from data.leads.assignment import RuleRow, desk_of, lead_owners, lead_rules, set_lead_rule
from data.leads.conversion import convert_to_tenant, convert_to_work_order
from data.leads.deals import (
    CONTRACT_KINDS,
    INTEREST_KINDS,
    LeadDeal,
    contract_kind_for,
    contract_refusal,
    convert_to_contract,
    default_subject,
    make_proposal,
    one_year,
)
from data.leads.followup import set_followup
from data.leads.pipeline import advance, assign, back, log_contact, lose, set_stage
from data.leads.reading import (
    due_count,
    get_lead,
    known_people,
    leads,
    open_duplicates,
    stage_counts,
    vacant_places,
)
from data.leads.records import (
    add_places,
    check_duplicates,
    clean_phones,
    create_lead,
    create_lead_from_call,
    parse_places,
    phone_matches,
    reveal_phones,
    update_lead,
)
from data.leads.statistics import STATS_DAYS, FunnelRow, FunnelStats, funnel
from data.leads.values import (
    ASSIGNED_BY,
    CHANNEL_WORDS,
    CLOSED_STAGES,
    CONTACT_CHANNELS,
    CONVERTED_TO,
    EDITED_FIELDS,
    EVENT_KINDS,
    INTEREST_WORDS,
    LEAD_INTERESTS,
    LEAD_PAGE,
    LEAD_SOURCES,
    LEAD_STAGES,
    LOST_REASONS,
    OPEN_STAGES,
    PIPELINE,
    REASON_WORDS,
    SOURCE_WORDS,
    STAGE_SHORT,
    STAGE_WORDS,
    DuplicateLead,
    KnownPerson,
    LeadContract,
    LeadFilter,
    LeadInput,
    LeadPage,
    LeadRow,
    LeadView,
    Place,
    TimelineRow,
    budget_text,
    code_of,
    parse_budget,
)

__all__ = [
    "CONTRACT_KINDS", "INTEREST_KINDS", "LeadContract", "LeadDeal", "contract_kind_for", "contract_refusal",
    "convert_to_contract", "default_subject", "make_proposal", "one_year",
    "ASSIGNED_BY", "CHANNEL_WORDS", "CLOSED_STAGES", "CONTACT_CHANNELS", "CONVERTED_TO",
    "EDITED_FIELDS",     "EVENT_KINDS", "INTEREST_WORDS", "LEAD_INTERESTS", "LEAD_PAGE", "LEAD_SOURCES",
    "LEAD_STAGES", "STAGE_SHORT", "LOST_REASONS", "OPEN_STAGES", "PIPELINE", "REASON_WORDS", "SOURCE_WORDS",
    "STAGE_WORDS", "STATS_DAYS",
    "DuplicateLead", "FunnelRow", "FunnelStats", "KnownPerson", "LeadFilter", "LeadInput",
    "LeadPage", "LeadRow", "LeadView", "Place", "RuleRow", "TimelineRow",
    "add_places", "advance", "assign", "back", "budget_text", "check_duplicates", "clean_phones", "phone_matches",
    "code_of", "convert_to_tenant", "convert_to_work_order", "create_lead", "create_lead_from_call",
    "desk_of", "due_count", "lead_owners", "funnel", "get_lead", "known_people", "lead_rules", "leads",
    "log_contact", "lose", "open_duplicates", "parse_budget", "parse_places", "reveal_phones", "set_followup",
    "set_lead_rule", "set_stage", "stage_counts", "update_lead", "vacant_places",
]
