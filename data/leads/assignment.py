"""Who follows a lead up (服务机会的分配): by the interest rule table (interest → staff, for a
community or for every community), else in turn among the community's desk staff, else
whoever took the lead; or by hand. Reassigning a lead someone else follows up is a lead's
decision (`lead.reassign`)."""

from __future__ import annotations

from dataclasses import dataclass

from peewee import JOIN

from data import access
from data.db import db, is_sqlite, transaction
from data.errors import NotFoundError, ValidationError
from data.i18n import _
from data.leads.values import INTEREST_WORDS, LEAD_INTERESTS, code_of
from data.models import Community, Lead, LeadRule, Staff

#: Roles a lead may be given to: those who may work on leads (data.access "lead.manage").
OWNER_ROLES = tuple(sorted(access.RULES["lead.manage"][0]))


@dataclass(frozen=True)
class RuleRow:
    """One line of the interest rule table."""

    id: int
    interest: str
    community_id: int | None
    community: str
    staff_id: int
    staff_login: str
    staff_name: str

    def as_json(self) -> dict:
        return {"interest": self.interest, "community": self.community or None,
                "staff": self.staff_login, "name": self.staff_name}


def check_owner(staff_id: int, field: str = "owner") -> Staff:
    """An active account who may work on leads (desk, supervisor, manager, admin)."""
    row = Staff.get_or_none(Staff.id == staff_id)
    if row is None:
        raise ValidationError(field, _("No staff member with id {id}.").format(id=staff_id))
    if not row.active:
        raise ValidationError(field, _("{name} ({login}) is disabled: choose someone else.").format(
            name=row.name, login=row.login))
    if row.role not in OWNER_ROLES:
        raise ValidationError(field, _("{name} ({login}) does not work on leads: choose desk staff "
                                       "or a supervisor.").format(name=row.name, login=row.login))
    return row


def _by_rule(interest: str, community_id: int | None) -> int | None:
    """The staff member the rule table names for this interest (the community's own rule
    first, then the one for every community), if they are active."""
    rules = (LeadRule.select(LeadRule.staff, LeadRule.community)
             .join(Staff, on=(LeadRule.staff == Staff.id))
             .where(LeadRule.interest == interest, Staff.active == True,  # noqa: E712
                    Staff.role.in_(OWNER_ROLES)))
    best = None
    for rule in rules:
        if community_id is not None and rule.community_id == community_id:
            return rule.staff_id
        if rule.community_id is None:
            best = rule.staff_id
    return best


def desk_of(community_id: int) -> list[int]:
    """The active desk staff of a community, in the order they take turns (by id)."""
    return [s.id for s in Staff.select(Staff.id)
            .where(Staff.community == community_id, Staff.role == access.DESK,
                   Staff.active == True).order_by(Staff.id)]  # noqa: E712


def _in_turn(community_id: int) -> int | None:
    """The next of the community's desk staff after whoever got its last lead in turn.
    Call inside the write transaction that stores the lead: on PostgreSQL sessions
    assigning in the same community take turns on an advisory lock held to its end (on
    SQLite the write transaction is exclusive already)."""
    staff = desk_of(community_id)
    if not staff:
        return None
    if not is_sqlite():
        db.execute_sql("SELECT pg_advisory_xact_lock(hashtext(%s))", (f"lead-turn-{community_id}",))
    last = (Lead.select(Lead.owner).where(Lead.community == community_id,
                                          Lead.assigned_by == "round_robin")
            .order_by(Lead.id.desc()).limit(1).scalar())
    if last not in staff:
        return staff[0]
    return staff[(staff.index(last) + 1) % len(staff)]


def choose_owner(interest: str, community_id: int | None, creator_id: int | None) -> tuple[int | None, str]:
    """(owner id, how chosen) for a new lead: the interest rule, else in turn among the
    community's desk, else whoever took it."""
    owner = _by_rule(interest, community_id)
    if owner is not None:
        return owner, "interest"
    if community_id is not None:
        owner = _in_turn(community_id)
        if owner is not None:
            return owner, "round_robin"
    return creator_id, "creator"


def lead_owners() -> list[RuleRow]:
    """Everyone a lead may be given to (active, in a role that works on leads), by login:
    as RuleRow-like choices (id, login, name) for the forms' staff pickers."""
    return [RuleRow(0, "", None, "", s.id, s.login, s.name) for s in
            Staff.select(Staff.id, Staff.login, Staff.name)
            .where(Staff.active == True, Staff.role.in_(OWNER_ROLES))  # noqa: E712
            .order_by(Staff.login)]


# --- the rule table ---------------------------------------------------------------------------


def lead_rules() -> list[RuleRow]:
    """The interest rule table, by interest and community."""
    rows = (LeadRule.select(LeadRule, Staff.login, Staff.name, Community.name.alias("community_name"))
            .join(Staff, on=(LeadRule.staff == Staff.id))
            .switch(LeadRule)
            .join(Community, JOIN.LEFT_OUTER, on=(LeadRule.community == Community.id))
            .objects())
    order = list(LEAD_INTERESTS)
    out = [RuleRow(r.id, r.interest, r.community_id, r.community_name or "", r.staff_id, r.login, r.name)
           for r in rows]
    return sorted(out, key=lambda r: (order.index(r.interest) if r.interest in order else 99,
                                      r.community, r.staff_login))


def set_lead_rule(interest: str, staff_id: int | None, *, community_id: int | None = None,
                  by: int | None = None) -> list[RuleRow]:
    """New leads of `interest` (in `community_id`, or everywhere) go to `staff_id`; None
    removes the rule. Returns the table."""
    access.require("lead.rules", by)
    interest = code_of(interest, LEAD_INTERESTS, INTEREST_WORDS, "interest")
    if staff_id is not None:
        check_owner(staff_id, "staff")
    if community_id is not None and not Community.select().where(Community.id == community_id).exists():
        raise NotFoundError(_("No community with id {id}.").format(id=community_id))
    with transaction():
        where = LeadRule.interest == interest
        where &= (LeadRule.community == community_id) if community_id is not None else LeadRule.community.is_null()
        LeadRule.delete().where(where).execute()
        if staff_id is not None:
            LeadRule.create(interest=interest, community=community_id, staff=staff_id)
    return lead_rules()
