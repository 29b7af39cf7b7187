"""Saved custom reports (issue 20 item 3): a supervisor saves a definition under a name
(unique per owner), shares it with the other supervisors or not, and deletes only their
own. Running a saved report by name is open to whoever may run reports — the service
account (cron) runs shared ones; a definition is checked again whenever it is loaded."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from data import access
from data.clock import now as clock_now
from data.db import transaction
from data.errors import NotFoundError, ValidationError
from data.i18n import _
from data.models import CustomReport, Staff
from data.reports.custom import Definition, definition_text, validate
from data.validators import clean_text

MAX_NAME = 40


@dataclass(frozen=True)
class SavedReport:
    """A saved custom report as a list shows it; `definition` is checked (None when the
    stored JSON no longer passes: `problem` says why)."""

    id: int
    name: str
    owner_login: str
    owner_name: str
    shared: bool
    mine: bool
    definition: Definition | None
    problem: str
    created_at: dt.datetime
    updated_at: dt.datetime

    @property
    def ref(self) -> str:
        """How to name it unambiguously: ``login/name``."""
        return f"{self.owner_login}/{self.name}"


def _clean_name(name: str) -> str:
    text = clean_text(name or "", "name", max_length=MAX_NAME)
    if not text:
        raise ValidationError("name", _("Give the report a name."))
    if "/" in text:
        raise ValidationError("name", _("A report's name cannot hold “/”."))
    return text


def _view(row: CustomReport, login: str, owner_name: str, me: int | None) -> SavedReport:
    definition, problem = None, ""
    try:
        definition = Definition.from_json(json.loads(row.definition))
    except ValidationError as exc:
        problem = str(exc.args[0]) if exc.args else _("This report definition is damaged.")
    except ValueError:
        problem = _("This report definition is damaged.")
    return SavedReport(row.id, row.name, login, owner_name, bool(row.shared), row.owner_id == me, definition,
                       problem, row.created_at, row.updated_at)


def _me(staff_id: int | None) -> int | None:
    actor = access.actor_for(staff_id)
    return actor.id if actor else None


def save_report(name: str, definition: Definition, *, shared: bool | None = None,
                staff_id: int | None = None) -> SavedReport:
    """Save `definition` as the acting supervisor's report `name` (replacing their own of
    that name; `shared` None keeps its sharing as it was)."""
    access.require("report.custom", staff_id)
    me = _me(staff_id)
    if me is None:
        raise ValidationError("owner", _("A saved report belongs to a staff member: sign in first."))
    name = _clean_name(name)
    validate(definition)
    text = definition_text(definition)
    at = clock_now()
    with transaction():
        row = CustomReport.get_or_none(CustomReport.owner == me, CustomReport.name == name)
        if row is None:
            row = CustomReport.create(name=name, owner=me, shared=bool(shared), definition=text,
                                      created_at=at, updated_at=at)
        else:
            row.definition = text
            row.updated_at = at
            if shared is not None:
                row.shared = shared
            row.save()
    return load_report(f"{_login(me)}/{name}", staff_id=staff_id)


def _login(staff_id: int) -> str:
    return Staff.get_by_id(staff_id).login


def _rows(where, me: int | None) -> list[SavedReport]:
    query = (CustomReport.select(CustomReport, Staff.id, Staff.login, Staff.name).join(Staff, on=(CustomReport.owner == Staff.id))
             .where(where).order_by(CustomReport.name, Staff.login))
    return [_view(r, r.owner.login, r.owner.name, me) for r in query]


def list_reports(staff_id: int | None = None) -> list[SavedReport]:
    """The acting account's own saved reports and those others shared, by name."""
    access.require("report.run", staff_id)
    me = _me(staff_id)
    where = CustomReport.shared == True  # noqa: E712
    if me is not None:
        where |= CustomReport.owner == me
    return _rows(where, me)


def load_report(ref: str, staff_id: int | None = None) -> SavedReport:
    """A saved report by name — one's own first, else a shared one — or ``login/name``.
    NotFoundError when there is none this account may see; ValidationError when the name
    is shared by several owners."""
    access.require("report.run", staff_id)
    me = _me(staff_id)
    text = (ref or "").strip()
    login, sep, name = text.partition("/")
    if sep:
        found = [r for r in _rows((Staff.login == login) & (CustomReport.name == name), me)
                 if r.mine or r.shared or me is None]
    else:
        name = text
        found = [r for r in _rows(CustomReport.name == name, me) if r.mine or r.shared or me is None]
        own = [r for r in found if r.mine]
        found = own or found
    if not found:
        raise NotFoundError(_("There is no saved report “{name}” you may see.").format(name=text[:50]))
    if len(found) > 1:
        raise ValidationError("name", _("Several people share a report “{name}”: give one of {refs}.").format(
            name=name[:40], refs=", ".join(r.ref for r in found)))
    return found[0]


def _own(name: str, staff_id: int | None) -> CustomReport:
    access.require("report.custom", staff_id)
    me = _me(staff_id)
    row = CustomReport.get_or_none(CustomReport.owner == me, CustomReport.name == (name or "").strip())
    if row is None:
        other = CustomReport.get_or_none(CustomReport.name == (name or "").strip())
        if other is not None:
            raise ValidationError("name", _("“{name}” is not your report: only its owner may change or delete it.")
                                  .format(name=name[:40]))
        raise NotFoundError(_("You have no saved report “{name}”.").format(name=name[:40]))
    return row


def delete_report(name: str, staff_id: int | None = None) -> None:
    """Delete one's own saved report (never another person's)."""
    row = _own(name, staff_id)
    row.delete_instance()


def share_report(name: str, shared: bool, staff_id: int | None = None) -> SavedReport:
    """Share one's own saved report with the other supervisors, or stop sharing it."""
    row = _own(name, staff_id)
    row.shared = shared
    row.updated_at = clock_now()
    row.save()
    return load_report(f"{row.owner.login}/{row.name}", staff_id=staff_id)
