"""Who is acting, and what each role may do (issue 7): the one permission table that the
TUI and the CLI both obey, because the data layer asks it before every guarded step.

A process has one signed-in staff member (a TUI session or a CLI run): `act_as` sets it
at sign-in. Data functions that already receive the acting `staff_id` check that
account; others check the current actor. No actor at all means the code itself
(migrations, the sample generator, tests): it may do everything. No command a person runs
acts without an account: unattended work (cron's `escalate` and `remind`, a session's
background sweeps) runs as a named service account, which may do only that.

Who runs this process is the kernel's answer (`os_login`: the effective uid's passwd
entry), never LOGNAME or USER, which the caller sets.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import threading
from collections.abc import Iterator
from typing import NamedTuple

from data.errors import PermissionDenied
from data.i18n import N_, _

DESK, TECH, SUPERVISOR, MANAGER, ADMIN = "desk", "tech", "supervisor", "manager", "admin"
#: Unattended work (cron, the phone system, a session's sweeps): only what SERVICE_ACTIONS
#: name, never the TUI or anything else.
SERVICE = "service"
#: The gate (门岗, 秩序维护): registers visitors and checks release passes, nothing else
#: (SPEC §1) — not one of EVERYONE, so no rule made for "every person" reaches the gate.
GUARD = "guard"
#: Every person's role (a service account is not a person).
EVERYONE = frozenset({DESK, TECH, SUPERVISOR, MANAGER, ADMIN})
LEADS = frozenset({SUPERVISOR, MANAGER, ADMIN})
#: The built-in service account the TUI sessions' background sweeps act as; it never signs in.
SYSTEM_LOGIN = "system"

#: action → (roles allowed, what the refusal says is needed). Desk staff dispatch a new
#: order to the building's technician (the everyday flow); changing an assignee that is
#: already set is a supervisor's reassignment.
RULES: dict[str, tuple[frozenset[str], str]] = {
    "order.create": (EVERYONE, N_("open work orders")),
    "order.update": (EVERYONE, N_("change work orders")),
    "order.dispatch": (frozenset({DESK}) | LEADS, N_("dispatch work orders")),
    "order.reassign": (LEADS, N_("reassign work orders")),
    "order.merge": (LEADS, N_("merge work orders")),
    # The 回访 asks the owner about the work independently of whoever did it: desk staff or
    # a lead, never a technician (and never the person who worked the order, whatever their
    # role now: data.workorders checks that). Closing follows the same rule.
    "order.callback": (frozenset({DESK}) | LEADS, N_("record the owner's callback (回访)")),
    "order.close": (frozenset({DESK}) | LEADS, N_("close work orders")),
    "order.cancel": (LEADS, N_("cancel work orders")),
    "order.see_all": (frozenset({DESK}) | LEADS, N_("see every work order")),
    # The reply to a complaint the 12345 citizen hotline forwarded (data.hotline).
    "hotline.reply": (frozenset({DESK}) | LEADS, N_("record the reply to the 12345 hotline")),
    # The knowledge base (问题与解决方法库, data.knowledge): every person reads it, comments
    # and marks what helped; technicians, desk staff and leads write articles and publish
    # their own (an author vouches for a tip, as on a BBS); leads also edit and publish or
    # withdraw anyone's article and see every draft.
    "kb.read": (EVERYONE, N_("read the knowledge base")),
    "kb.comment": (EVERYONE, N_("comment on knowledge-base articles")),
    "kb.write": (EVERYONE, N_("write knowledge-base articles")),
    "kb.moderate": (LEADS, N_("edit or publish other people's knowledge-base articles")),
    "person.create": (frozenset({DESK}) | LEADS, N_("register owners")),
    "person.update": (frozenset({DESK}) | LEADS, N_("change owners' records")),
    "person.delete": (LEADS, N_("delete records")),
    "person.merge": (LEADS, N_("merge owners")),
    "event.delete_any": (LEADS, N_("delete other people's events")),
    "reveal.phone": (EVERYONE, N_("see full phone numbers")),
    "reveal.id": (frozenset({DESK}) | LEADS, N_("see ID numbers")),
    "reports": (LEADS, N_("see reports")),
    "audit.read": (LEADS, N_("read the audit trail")),
    "sla.manage": (LEADS, N_("change SLA policies")),
    "holidays.manage": (LEADS, N_("edit the holiday calendar")),
    "scripts.manage": (LEADS, N_("edit the call scripts")),
    # SMS or WeChat to an owner through the configured command (parcels, visits, notices).
    "message.send": (EVERYONE, N_("send messages to owners")),
    "notice.manage": (frozenset({DESK}) | LEADS, N_("post notices and run community activities")),
    "calls.list_file": (LEADS, N_("build call lists from a file")),
    # The front desk's registers (issue 16): the gate registers visitors and checks passes;
    # only the desk issues or cancels a pass (the owner's consent is taken there).
    "visitor.register": (frozenset({DESK, GUARD}) | LEADS, N_("register visitors")),
    "visitor.purge": (LEADS | {SERVICE}, N_("purge visitors' ID numbers and plates")),
    "pass.issue": (frozenset({DESK}) | LEADS, N_("issue or cancel release passes")),
    "pass.check": (frozenset({DESK, GUARD}) | LEADS, N_("check release passes at the gate")),
    # The front desk's registers (issue 16): reading them too, since they name who may
    # collect a room's keys and who claimed what.
    "keys.manage": (frozenset({DESK}) | LEADS, N_("keep the key register (钥匙寄存)")),
    "parcels.manage": (frozenset({DESK}) | LEADS, N_("keep the parcel register (代收)")),
    "found.manage": (frozenset({DESK}) | LEADS, N_("keep the lost-and-found register (失物招领)")),
    # Leads (潜在客户, issue 17): the desk and the leads work them; a lead that someone else
    # follows up changes hands only by a lead's decision.
    "lead.manage": (frozenset({DESK}) | LEADS, N_("work on leads (潜在客户)")),
    "lead.reassign": (LEADS, N_("reassign another person's lead")),
    "lead.rules": (LEADS, N_("change the lead assignment rules")),
    # Satisfaction surveys (满意度调查, data.surveys): the desk runs them, asks by phone and
    # imports online answers. Reading the list, the sample and the results is the desk's
    # and the leads' too: free-text answers name the room that complained about a
    # technician or a guard, so neither reads them.
    "survey.manage": (frozenset({DESK}) | LEADS, N_("run satisfaction surveys")),
    "survey.view": (frozenset({DESK}) | LEADS, N_("see satisfaction surveys and their answers")),
    "staff.manage": (frozenset({ADMIN}), N_("manage staff accounts")),
    "territory.manage": (frozenset({ADMIN}), N_("manage territories")),
    "import": (frozenset({ADMIN}), N_("import data")),
    "property.manage": (frozenset({ADMIN}), N_("manage communities, buildings and rooms")),
    "parking.manage": (frozenset({DESK}) | LEADS, N_("manage parking spaces")),
    "settings.manage": (frozenset({ADMIN}), N_("read or change the company settings")),
    # Renovation permits (装修登记, data.renovations): the desk registers the owner's
    # application and records what happens at the counter (deposit taken, rules signed,
    # works started or finished, the owner withdrawing); a lead approves or rejects it,
    # records the acceptance (验收) and refunds the deposit, which is money going out;
    # anyone on a round, technicians too, records an inspection (巡查).
    "renovation.register": (frozenset({DESK}) | LEADS, N_("register renovation permits")),
    "renovation.approve": (LEADS, N_("approve renovation permits")),
    "renovation.inspect": (EVERYONE, N_("record renovation inspections")),
    "renovation.accept": (LEADS, N_("record the acceptance of renovation works")),
    "renovation.refund": (LEADS, N_("refund renovation deposits")),
    "search.batch": (LEADS, N_("search many owners at once")),
    # Shift handover (交接班): the desk's and its leads' register.
    "handover.write": (frozenset({DESK}) | LEADS, N_("hand over a shift or acknowledge a handover")),
    "handover.read": (frozenset({DESK}) | LEADS, N_("read shift handovers")),
    "database.admin": (frozenset({ADMIN}), N_("back up, restore, copy or migrate the database")),
    # Proposals and service contracts (data.contracts): the desk drafts, prints and records
    # the signing; a technician may quote a paid repair from the work order's costs; only a
    # lead terminates a contract or registers the company's own Word templates.
    "contract.read": (frozenset({DESK}) | LEADS, N_("see the contract register")),
    "contract.create": (frozenset({DESK}) | LEADS, N_("draft proposals and contracts")),
    "contract.quote": (EVERYONE, N_("quote paid repairs")),
    "contract.sign": (frozenset({DESK}) | LEADS, N_("record that a contract was signed")),
    "contract.terminate": (LEADS, N_("terminate contracts")),
    "contract.template": (LEADS, N_("register contract templates")),
    # Fees (data.fees, issue 18): the desk reads accounts and takes payments; money going
    # back (voids, refunds) and waivers (减免) are a lead's decision; leads set the items and
    # standards and issue a period's bills (cron's service account may issue them too).
    "fees.view": (frozenset({DESK}) | LEADS, N_("see fees, bills and arrears")),
    "fees.pay": (frozenset({DESK}) | LEADS, N_("take payments")),
    "fees.void": (LEADS, N_("void payments or refund prepaid balances")),
    "fees.waive": (LEADS, N_("waive fees (减免)")),
    "fees.manage": (LEADS, N_("set fee items and standards")),
    # 服务佣金 (data.fees.commissions): leads read the statements; a supervisor or manager
    # approves a month (not the desk, not the administrator's technical account).
    "fees.commissions": (LEADS, N_("see staff commissions")),
    "fees.commissions.approve": (frozenset({SUPERVISOR, MANAGER}), N_("approve commission statements")),
    "fees.bill": (LEADS | {SERVICE}, N_("issue a period's bills")),
    # The public accounts (公示): a lead enters what was spent and the shared-facility
    # income and its use; everyone who reads fees (the desk too) reads and prints them.
    "fees.accounts": (LEADS, N_("enter expenditure and shared-facility income")),
    # Invoices (发票): the desk takes the request and records the number the tax system
    # gave. The maintenance fund (专项维修资金): a lead imports the authority's figures,
    # files the requests to use it, records the owners' ballots and closes the vote.
    "fees.invoice": (frozenset({DESK}) | LEADS, N_("request and record invoices")),
    "fees.fund": (LEADS, N_("manage the maintenance fund and its votes")),
    # Owners' meetings (业主大会) and the owners' committee (业委会, data.meetings): the desk
    # records them on the committee's behalf and enters the written ballots; leads too.
    "meetings.view": (frozenset({DESK}) | LEADS, N_("see owners' meetings, their tally and the committee")),
    "meetings.record": (frozenset({DESK}) | LEADS, N_("record owners' meetings, ballots and the committee")),
    # Importing ballots stores them without the second clerk's entry: a lead's act.
    "meetings.import": (LEADS, N_("import owners' meeting ballots")),
    # Facilities (设施设备台账) and inspection routes (巡查, data.facilities): everyone sees
    # the register and the routes; technicians and leads record inspections and walk the
    # routes; leads keep the register and set the routes up.
    "facilities.view": (EVERYONE, N_("see the facilities register")),
    "facilities.manage": (LEADS, N_("keep the facilities register")),
    "inspections.view": (EVERYONE, N_("see inspection routes and their results")),
    "inspections.record": (frozenset({TECH}) | LEADS, N_("record inspections")),
    "inspections.manage": (LEADS, N_("set up inspection routes")),
    # What unattended work may do (and people who may run it by hand).
    "escalate": (LEADS | {SERVICE}, N_("run the escalation sweep")),
    "remind": (LEADS | {SERVICE}, N_("send the calendar reminders")),
    "calls.ring": (frozenset({SERVICE}), N_("report ringing and hung-up calls")),
    "report.run": (LEADS | {SERVICE}, N_("run reports")),
    # Custom reports (data.reports.custom): define, save, share; running a saved one is report.run.
    "report.custom": (LEADS, N_("define and save custom reports")),
    # Purging personal data past its retention period (data.retention): cron's service
    # account, or an administrator by hand.
    "retention.purge": (frozenset({ADMIN, SERVICE}), N_("purge personal data past its retention period")),
}
#: The only actions a service account may take.
SERVICE_ACTIONS = frozenset(a for a, (roles, _n) in RULES.items() if SERVICE in roles)
#: The only actions a gate guard may take (their CLI runs nothing else, their TUI shows
#: nothing else).
GUARD_ACTIONS = frozenset(a for a, (roles, _n) in RULES.items() if GUARD in roles)


def os_login() -> str | None:
    """The login name of the user running this process, from the kernel (the effective
    uid's passwd entry); None for a uid with no passwd entry. Never LOGNAME, USER or
    getpass.getuser(): whoever starts a program sets those to anything."""
    try:
        return pwd.getpwuid(os.geteuid()).pw_name or None
    except (KeyError, AttributeError):
        return None


class Actor(NamedTuple):
    """The staff member a check is about."""

    id: int
    login: str
    role: str


_lock = threading.Lock()
_current: Actor | None = None  # the process's signed-in account
_local = threading.local()  # a block of one thread acting as someone else (or the system)
_UNSET = object()


def act_as(staff) -> None:
    """Make `staff` (anything with id, login, role; None for the system) the acting account
    of the whole process — done once at sign-in."""
    global _current
    with _lock:
        _current = None if staff is None else Actor(staff.id, staff.login, staff.role)


@contextlib.contextmanager
def acting(staff) -> Iterator[None]:
    """This thread acts as `staff` (None: the system, e.g. a deadline sweep a session runs
    in the background) for a block; other threads keep the process's account."""
    before = getattr(_local, "actor", _UNSET)
    _local.actor = None if staff is None else Actor(staff.id, staff.login, staff.role)
    try:
        yield
    finally:
        if before is _UNSET:
            del _local.actor
        else:
            _local.actor = before


def current() -> Actor | None:
    """The acting account, or None for the system."""
    actor = getattr(_local, "actor", _UNSET)
    return _current if actor is _UNSET else actor


def current_id() -> int | None:
    actor = current()
    return actor.id if actor else None


def actor_for(staff_id: int | None) -> Actor | None:
    """The account behind `staff_id` (one primary-key read), else the current actor."""
    actor = current()
    if staff_id is None or (actor is not None and actor.id == staff_id):
        return actor
    from data.models import Staff

    row = Staff.get_or_none(Staff.id == staff_id)
    if row is None:
        return actor
    return Actor(row.id, row.login, row.role)


def can(action: str, staff_id: int | None = None) -> bool:
    """May the account (or the current actor) do `action`? The system may do everything."""
    who = actor_for(staff_id)
    if who is None:
        return True
    roles, _needed = RULES[action]
    return who.role in roles


def require(action: str, staff_id: int | None = None) -> None:
    """Raise PermissionDenied, saying what the role may not do and who may, unless allowed."""
    if can(action, staff_id):
        return
    who = actor_for(staff_id)
    roles, needed = RULES[action]
    from data.vocab import STAFF_ROLES, label

    allowed = "、".join(label(STAFF_ROLES, r) for r in STAFF_ROLES if r in roles)
    raise PermissionDenied(
        _("As {role} you may not {what}: that is for {allowed}.").format(
            role=label(STAFF_ROLES, who.role), what=_(needed), allowed=allowed)
    )
