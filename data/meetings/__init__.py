"""Owners' meetings (业主大会) and the owners' committee (业委会), issue 19 items 3 and 4:
meetings and their proposals, ballots entered twice or imported and the live tally
(`ballots`, counted by data.votes.counting per SPEC §13), the result report (`report`), and
the committee's members, terms and meetings (`committee`). Screens and the CLI get the
dataclasses back. Who may: "meetings.view" and "meetings.record" (desk and leads)."""

from data.meetings.ballots import (
    KEYS,
    MATTERS,
    NOTICE_DAYS,
    DiffRow,
    EntryResult,
    MeetingView,
    ProposalTally,
    Tally,
    add_proposal,
    create_meeting,
    differences,
    enter_ballot,
    get_meeting,
    import_ballots,
    meetings,
    owner_participation,
    room_id,
    tally,
    unit_key,
)
from data.meetings.committee import (
    EXPIRY_DAYS,
    ROLES,
    CommitteeMeetingRow,
    MemberRow,
    RequestRow,
    add_member,
    change_member,
    committee_meetings,
    committee_requests,
    end_member,
    expiring,
    get_committee_meeting,
    members,
    notify_expiring_terms,
    record_meeting,
    save_minutes,
)
from data.meetings.report import RULE_NAMES, figure, report_file

__all__ = [
    "EXPIRY_DAYS", "KEYS", "MATTERS", "NOTICE_DAYS", "ROLES", "RULE_NAMES", "CommitteeMeetingRow", "DiffRow",
    "EntryResult", "MeetingView", "MemberRow", "ProposalTally", "Tally", "add_member", "add_proposal",
    "committee_meetings", "room_id", "create_meeting", "differences", "enter_ballot", "expiring", "figure", "get_meeting",
    "import_ballots", "meetings", "members", "owner_participation", "record_meeting", "report_file", "tally", "unit_key",
    "RequestRow", "change_member", "committee_requests", "end_member", "get_committee_meeting",
    "notify_expiring_terms", "save_minutes",
]
