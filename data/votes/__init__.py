"""Owners' votes (业主表决, SPEC §13): the counting rule shared by the maintenance fund's
requests and the owners' meetings (`counting`)."""

from data.votes.counting import (
    CHOICES,
    DEVELOPER,
    MAJOR,
    OTHER,
    Rule,
    Unit,
    VoteCount,
    count_votes,
    rules,
)

__all__ = ["CHOICES", "DEVELOPER", "MAJOR", "OTHER", "Rule", "Unit", "VoteCount", "count_votes", "rules"]
