"""Custom reports (用户可定制报告, issue 20 item 3): a definition — a subject, filters, one or
two group-by fields and measures — run as one SQL GROUP BY into the same Report the
standard reports give, so data.reports.export writes it.

Everything a definition names is a key of the subject's whitelist below (SUBJECTS): a
filter, group-by, field or condition is looked up there and turned into a peewee
expression; nothing the user typed becomes a column name or SQL. Filter values are
resolved to ids or vocabulary codes and bound as parameters.

Measures: ``count``; ``sum:F``, ``avg:F``, ``median:F``, ``p90:F`` on a numeric field F;
``rate:C`` (the share of rows meeting condition C); ``profit`` where money exists (work
orders: the paid-repair bills' income − the cost lines). Medians and percentiles use
PostgreSQL's percentile_cont; on SQLite one ordered, LIMIT 2 read per group, as
data.reports.workorders does for its median (the same interpolation as percentile_cont).
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from peewee import OP, SQL, Case, Expression, NodeList, fn

from data import access
from data.clock import now as clock_now
from data.db import is_sqlite
from data.errors import ValidationError
from data.i18n import N_, _, in_language
from data.reports.periods import Period, Scope, parse_scope
from data.reports.values import Report, ReportColumn

#: At most this many groups are shown (a report stays a bounded table).
MAX_GROUPS = 500
#: At most this many measures and filters in one definition.
MAX_MEASURES = 6
MAX_FILTERS = 8
#: Statistics a numeric field takes.
STATS = ("sum", "avg", "median", "p90")
_QUANTILE = {"median": 0.5, "p90": 0.9}


# --- expressions the two databases share ------------------------------------------------------


def _hours(later, earlier):
    if is_sqlite():
        return (fn.julianday(later) - fn.julianday(earlier)) * 24.0
    return NodeList((SQL("EXTRACT(EPOCH FROM ("), later, SQL("-"), earlier, SQL("))")), glue="") / 3600.0


def _month(column):
    if is_sqlite():
        return fn.strftime("%Y-%m", column)
    return fn.to_char(column, "YYYY-MM")


def _week(column):
    """The Monday of the ISO week, as YYYY-MM-DD."""
    if is_sqlite():
        return fn.date(column, "weekday 0", "-6 days")
    return fn.to_char(fn.date_trunc("week", column), "YYYY-MM-DD")


def _count_if(cond):
    return fn.SUM(Case(None, ((cond, 1),), 0))


# --- the whitelist ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Field:
    """A numeric field: its label, kind (hours, fen, int) and expression."""

    label: str  # N_() text
    kind: str
    expr: Callable[[], object]


@dataclass(frozen=True)
class Dim:
    """A group-by or filter field: its label, its expression, how its values are named
    (names: ids → labels) and how a typed filter value becomes what the expression holds."""

    label: str  # N_() text
    expr: Callable[[], object]
    names: Callable[[list], dict] | None = None
    resolve: Callable[[str], list] | None = None
    vocab_of: Callable[[], dict[str, str]] | None = None


@dataclass(frozen=True)
class Subject:
    key: str
    title: str  # N_() text
    model: Callable[[], object]
    date: Callable[[], object]  # the column the period filters
    dims: dict[str, Dim]
    fields: dict[str, Field]
    conds: dict[str, tuple[str, Callable[[], object]]]
    base: Callable[[], object] | None = None  # rows always left out
    joins: Callable[[object], object] | None = None
    date_only: bool = False
    profit: bool = False


def _m():
    import data.models as models

    return models


def _names_community(ids: list) -> dict:
    M = _m()
    return dict(M.Community.select(M.Community.id, M.Community.name).where(M.Community.id.in_(_ids(ids))).tuples())


def _names_building(ids: list) -> dict:
    M = _m()
    return {b: f"{c} {n or code}" for b, code, n, c in
            M.Building.select(M.Building.id, M.Building.code, M.Building.name, M.Community.name)
            .join(M.Community).where(M.Building.id.in_(_ids(ids))).tuples()}


def _names_staff(ids: list) -> dict:
    M = _m()
    return dict(M.Staff.select(M.Staff.id, M.Staff.name).where(M.Staff.id.in_(_ids(ids))).tuples())


def _names_category(ids: list) -> dict:
    M = _m()
    return dict(M.Category.select(M.Category.id, M.Category.name).where(M.Category.id.in_(_ids(ids))).tuples())


def _names_fee_item(ids: list) -> dict:
    M = _m()
    return dict(M.FeeItem.select(M.FeeItem.id, M.FeeItem.name).where(M.FeeItem.id.in_(_ids(ids))).tuples())


def _ids(ids: list) -> list:
    return [i for i in ids if i is not None] or [0]


def _unknown(key: str, value: str) -> ValidationError:
    return ValidationError(key, _("Filter {key}: nothing is called “{value}”.").format(key=key, value=value[:40]))


def _find_community(value: str) -> list:
    return [parse_scope(value).community_id]


def _find_building(value: str) -> list:
    if "/" not in value:
        raise ValidationError("building", _("Give the building as COMMUNITY/BUILDING, such as JX/1."))
    return [parse_scope(None, value).building_id]


def _find_staff(value: str) -> list:
    M = _m()
    ids = [i for (i,) in M.Staff.select(M.Staff.id).where(
        (M.Staff.login == value) | (M.Staff.name == value)).tuples()]
    if not ids:
        raise _unknown("staff", value)
    return ids


def _find_category(value: str) -> list:
    M = _m()
    ids = [i for (i,) in M.Category.select(M.Category.id).where(
        (M.Category.code == value) | (M.Category.name == value) | (M.Category.name_en == value)).tuples()]
    if not ids:
        raise _unknown("category", value)
    return ids


def _find_fee_item(value: str) -> list:
    M = _m()
    ids = [i for (i,) in M.FeeItem.select(M.FeeItem.id).where(M.FeeItem.name == value).tuples()]
    if not ids:
        raise _unknown("category", value)
    return ids


def _vocab_code(key: str, vocab: dict[str, str], value: str) -> str:
    text = " ".join(value.split())
    for code, message in vocab.items():
        if text in (code, message, message.lower()) or text.lower() == message.lower() \
                or text == in_language(message, "zh"):
            return code
    raise ValidationError(key, _("Filter {key}: “{value}” is not one of {choices}.").format(
        key=key, value=text[:40], choices="、".join(vocab)))


def _fk(label: str, column: Callable[[], object], names, resolve) -> Dim:
    return Dim(label, column, names, resolve)


def _code(label: str, column: Callable[[], object], vocab: Callable[[], dict[str, str]]) -> Dim:
    """A field holding a vocabulary code (priority, status, source…)."""
    return Dim(label, column, vocab_of=vocab)


def _time_dims(column: Callable[[], object]) -> dict[str, Dim]:
    return {"week": Dim(N_("Week"), lambda: _week(column())),
            "month": Dim(N_("Month"), lambda: _month(column()))}


def _vocab():
    import data.vocab as vocab

    return vocab


def _orders() -> Subject:
    M = _m()
    W = M.WorkOrder

    def territory():
        T = M.Territory
        return T.select(fn.MIN(T.staff)).where(T.building == W.building)

    def income():
        return M.Bill.select(fn.COALESCE(fn.SUM(M.Bill.amount_fen), 0)).where(M.Bill.work_order == W.id)

    def cost():
        C = M.CostLine
        return C.select(fn.COALESCE(fn.ROUND(fn.SUM(C.quantity * C.unit_price) * 100), 0)).where(
            C.work_order == W.id)

    return Subject(
        "orders", N_("Work orders"), lambda: W, lambda: W.created_at,
        dims={"community": _fk(N_("Community"), lambda: W.community, _names_community, _find_community),
              "building": _fk(N_("Building"), lambda: W.building, _names_building, _find_building),
              "territory": _fk(N_("Territory"), territory, _names_staff, _find_staff),
              "category": _fk(N_("Category"), lambda: W.category, _names_category, _find_category),
              "kind": _code(N_("Kind"), lambda: W.kind, lambda: _vocab().WORK_ORDER_KINDS),
              "priority": _code(N_("Priority"), lambda: W.priority, lambda: _vocab().PRIORITIES),
              "status": _code(N_("Status"), lambda: W.status, lambda: _vocab().WORK_ORDER_STATUSES),
              "staff": _fk(N_("Repair technician"), lambda: W.assignee, _names_staff, _find_staff),
              "source": _code(N_("Channel"), lambda: W.channel, lambda: _vocab().CHANNELS),
              **_time_dims(lambda: W.created_at)},
        fields={"resolve_hours": Field(N_("hours to resolve"), "hours",
                                       lambda: _hours(W.resolved_at, W.created_at)),
                "response_hours": Field(N_("hours to respond"), "hours",
                                        lambda: _hours(W.responded_at, W.created_at)),
                "rating": Field(N_("rating"), "int", lambda: W.rating),
                "income": Field(N_("income"), "fen", income),
                "cost": Field(N_("cost"), "fen", cost)},
        conds={"resolved": (N_("resolved"), lambda: W.resolved_at.is_null(False)),
               "on_time": (N_("done on time"), lambda: W.resolved_at <= W.resolution_due),
               "satisfied": (N_("rated 4 or 5"), lambda: W.rating >= 4),
               "called_back": (N_("called back"), lambda: W.callback_at.is_null(False))},
        base=lambda: W.status != "cancelled", profit=True)


def _calls(callbacks: bool) -> Subject:
    M = _m()
    C = M.Call
    when = (lambda: C.callback_due) if callbacks else (lambda: C.started_at)
    dims = {"category": _code(N_("Category"), lambda: C.category, lambda: _vocab().CALL_CATEGORIES),
            "staff": _fk(N_("Staff"), (lambda: C.callback_assignee) if callbacks else (lambda: C.staff),
                         _names_staff, _find_staff),
            **_time_dims(when)}
    if not callbacks:
        dims["source"] = _code(N_("Direction"), lambda: C.direction, lambda: _vocab().CALL_DIRECTIONS)
        dims["status"] = _code(N_("Outcome"), lambda: C.outcome, lambda: _vocab().CALL_OUTCOMES)
        return Subject("calls", N_("Calls"), lambda: C, when, dims,
                       fields={"duration": Field(N_("seconds"), "int", lambda: C.duration_s)},
                       conds={"inbound": (N_("inbound"), lambda: C.direction == "in"),
                              "with_order": (N_("with a work order"), lambda: C.work_order.is_null(False)),
                              "callback_asked": (N_("callback asked"), lambda: C.callback_due.is_null(False))})
    return Subject("callbacks", N_("Callbacks"), lambda: C, when, dims,
                   fields={"hours": Field(N_("hours to call back"), "hours",
                                          lambda: _hours(C.callback_done_at, C.started_at))},
                   conds={"done": (N_("called back"), lambda: C.callback_done_at.is_null(False)),
                          "kept": (N_("kept on time"), lambda: C.callback_done_at <= C.callback_due)},
                   base=lambda: C.callback_due.is_null(False))


def _events() -> Subject:
    M = _m()
    E = M.Event
    return Subject(
        "events", N_("Calendar events"), lambda: E, lambda: E.start,
        dims={"category": _code(N_("Kind"), lambda: E.kind, lambda: _vocab().EVENT_KINDS),
              "staff": _fk(N_("Organiser"), lambda: E.organiser, _names_staff, _find_staff),
              **_time_dims(lambda: E.start)},
        fields={"hours": Field(N_("hours long"), "hours", lambda: _hours(E.end, E.start))},
        conds={"done": (N_("done"), lambda: E.done == True),  # noqa: E712
               "cancelled": (N_("cancelled"), lambda: E.cancelled == True)},  # noqa: E712
        base=lambda: E.series.is_null())


def _leads() -> Subject:
    M = _m()
    L = M.Lead

    def lv():
        import data.leads.values as values

        return values

    return Subject(
        "leads", N_("Leads"), lambda: L, lambda: L.created_at,
        dims={"community": _fk(N_("Community"), lambda: L.community, _names_community, _find_community),
              "category": _code(N_("Interest"), lambda: L.interest, lambda: lv().LEAD_INTERESTS),
              "source": _code(N_("Source"), lambda: L.source, lambda: lv().LEAD_SOURCES),
              "status": _code(N_("Stage"), lambda: L.stage, lambda: lv().LEAD_STAGES),
              "staff": _fk(N_("Owner"), lambda: L.owner, _names_staff, _find_staff),
              **_time_dims(lambda: L.created_at)},
        fields={"days_to_convert": Field(N_("hours to convert"), "hours",
                                         lambda: _hours(L.converted_at, L.created_at))},
        conds={"won": (N_("won"), lambda: L.stage == "won"), "lost": (N_("lost"), lambda: L.stage == "lost"),
               "converted": (N_("converted"), lambda: L.converted_at.is_null(False))})


def _bills() -> Subject:
    M = _m()
    B = M.Bill
    return Subject(
        "bills", N_("Bills"), lambda: B, lambda: B.starts_on,
        dims={"community": _fk(N_("Community"), lambda: B.community, _names_community, _find_community),
              "building": _fk(N_("Building"), lambda: B.building, _names_building, _find_building),
              "category": _fk(N_("Fee item"), lambda: B.item, _names_fee_item, _find_fee_item),
              "month": Dim(N_("Month"), lambda: B.period)},
        fields={"amount": Field(N_("amount"), "fen", lambda: B.amount_fen),
                "paid": Field(N_("paid"), "fen", lambda: B.paid_fen),
                "waived": Field(N_("waived"), "fen", lambda: B.waived_fen),
                "due": Field(N_("unpaid"), "fen", lambda: B.amount_fen - B.paid_fen - B.waived_fen)},
        conds={"paid": (N_("paid in full"), lambda: B.paid_fen + B.waived_fen >= B.amount_fen)},
        date_only=True)


def _payments() -> Subject:
    M = _m()
    P = M.Payment

    def methods():
        from data.fees.payments import METHODS

        return METHODS

    kinds = {"payment": N_("payment"), "void": N_("void"), "refund": N_("refund")}
    return Subject(
        "payments", N_("Payments"), lambda: P, lambda: P.taken_at,
        dims={"community": _fk(N_("Community"), lambda: P.community, _names_community, _find_community),
              "staff": _fk(N_("Taken by"), lambda: P.staff, _names_staff, _find_staff),
              "source": _code(N_("Method"), lambda: P.method, methods),
              "status": _code(N_("Kind"), lambda: P.kind, lambda: kinds),
              **_time_dims(lambda: P.taken_at)},
        fields={"amount": Field(N_("amount"), "fen", lambda: P.amount_fen)},
        conds={"refund": (N_("refunds and voids"), lambda: P.kind != "payment")})


def _survey_answers() -> Subject:
    M = _m()
    A, H, S, Q, R = M.SurveyAnswer, M.SurveyHousehold, M.Survey, M.SurveyQuestion, M.Room

    def sections():
        from data.surveys.values import SECTIONS

        return SECTIONS

    return Subject(
        "survey_answers", N_("Survey answers"), lambda: A, lambda: H.answered_at,
        dims={"community": _fk(N_("Community"), lambda: S.community, _names_community, _find_community),
              "building": _fk(N_("Building"), lambda: R.building, _names_building, _find_building),
              "category": _code(N_("Section"), lambda: Q.section, sections),
              **_time_dims(lambda: H.answered_at)},
        fields={"score": Field(N_("score"), "int", lambda: A.score)},
        conds={"satisfied": (N_("scored 4 or 5"), lambda: A.score >= 4)},
        joins=lambda q: q.join(H, on=(A.household == H.id)).join(S, on=(H.survey == S.id))
        .switch(A).join(Q, on=(A.question == Q.id)).switch(H).join(R, on=(H.room == R.id)))


def _visitors() -> Subject:
    M = _m()
    V, R = M.Visitor, M.Room
    return Subject(
        "visitors", N_("Visitors"), lambda: V, lambda: V.time_in,
        dims={"community": _fk(N_("Community"), lambda: V.community, _names_community, _find_community),
              "building": _fk(N_("Building"), lambda: R.building, _names_building, _find_building),
              "staff": _fk(N_("Registered by"), lambda: V.staff, _names_staff, _find_staff),
              **_time_dims(lambda: V.time_in)},
        fields={"stay_hours": Field(N_("hours inside"), "hours", lambda: _hours(V.time_out, V.time_in))},
        conds={"signed_out": (N_("signed out"), lambda: V.time_out.is_null(False))},
        joins=lambda q: q.join(R, on=(V.room == R.id)))


_BUILDERS: dict[str, Callable[[], Subject]] = {
    "orders": _orders, "calls": lambda: _calls(False), "callbacks": lambda: _calls(True),
    "events": _events, "leads": _leads, "bills": _bills, "payments": _payments,
    "survey_answers": _survey_answers, "visitors": _visitors,
}
SUBJECTS = tuple(_BUILDERS)


def subject(key: str) -> Subject:
    """The whitelist of one subject; ValidationError names the subjects there are."""
    build = _BUILDERS.get(key)
    if build is None:
        raise ValidationError("subject", _("There is no subject “{name}”: use one of {names}.").format(
            name=key[:30], names=", ".join(SUBJECTS)))
    return build()


def subject_title(key: str) -> str:
    """The translated name of a subject."""
    return _(subject(key).title)


# --- the definition -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Definition:
    """What a custom report counts: the subject, 1–2 group-by fields, measures such as
    ``count``, ``avg:resolve_hours``, ``rate:satisfied`` or ``profit``, and filters
    (key, value) — every key from the subject's whitelist."""

    subject: str
    groups: tuple[str, ...]
    measures: tuple[str, ...]
    filters: tuple[tuple[str, str], ...] = ()

    def as_json(self) -> dict:
        return {"subject": self.subject, "groups": list(self.groups), "measures": list(self.measures),
                "filters": [[k, v] for k, v in self.filters]}

    @staticmethod
    def from_json(data: object) -> Definition:
        """A Definition from stored or typed JSON, checked (validate)."""
        if not isinstance(data, dict):
            raise ValidationError("definition", _("A report definition is a JSON object."))
        try:
            filters = tuple((str(k), str(v)) for k, v in data.get("filters") or ())
            out = Definition(str(data["subject"]), tuple(str(g) for g in data.get("groups") or ()),
                             tuple(str(m) for m in data.get("measures") or ()), filters)
        except (KeyError, TypeError, ValueError):
            raise ValidationError("definition", _("This report definition is damaged.")) from None
        validate(out)
        return out


def choices(subject_key: str) -> dict[str, list[tuple[str, str]]]:
    """What a builder offers for a subject: groups, filters, measures — (key, label)."""
    s = subject(subject_key)
    measures = [("count", _("Count"))]
    for key, f in s.fields.items():
        for stat in STATS:
            measures.append((f"{stat}:{key}", _measure_title(stat, _(f.label))))
    for key, (label, _c) in s.conds.items():
        measures.append((f"rate:{key}", _("Rate {condition}").format(condition=_(label))))
    if s.profit:
        measures.append(("profit", _("Profit (income − cost)")))
    dims = [(k, _(d.label)) for k, d in s.dims.items()]
    return {"groups": dims, "filters": [(k, lbl) for k, lbl in dims if k not in ("week", "month")],
            "measures": measures}


#: At most this many values are offered for one filter (more are typed).
MAX_FILTER_VALUES = 500


def _staff_values() -> list[tuple[str, str]]:
    M = _m()
    return [(login, f"{name} ({login})") for login, name in M.Staff.select(M.Staff.login, M.Staff.name)
            .order_by(M.Staff.name, M.Staff.login).limit(MAX_FILTER_VALUES + 1).tuples()]


def _community_values() -> list[tuple[str, str]]:
    M = _m()
    return [(code, name) for code, name in M.Community.select(M.Community.code, M.Community.name)
            .order_by(M.Community.name).limit(MAX_FILTER_VALUES + 1).tuples()]


def _building_values() -> list[tuple[str, str]]:
    M = _m()
    B, C = M.Building, M.Community
    return [(f"{ccode}/{code}", f"{cname} {name or code}") for code, name, ccode, cname in
            B.select(B.code, B.name, C.code, C.name).join(C).order_by(C.name, B.code)
            .limit(MAX_FILTER_VALUES + 1).tuples()]


def _category_values() -> list[tuple[str, str]]:
    M = _m()
    return [(code, name) for code, name in M.Category.select(M.Category.code, M.Category.name)
            .where(M.Category.active == True)  # noqa: E712
            .order_by(M.Category.sort_order, M.Category.name).limit(MAX_FILTER_VALUES + 1).tuples()]


def _fee_item_values() -> list[tuple[str, str]]:
    M = _m()
    names = M.FeeItem.select(M.FeeItem.name).distinct().order_by(M.FeeItem.name).limit(MAX_FILTER_VALUES + 1)
    return [(name, name) for (name,) in names.tuples()]


#: How the values a filter accepts are listed, by the function that resolves a typed one.
_VALUES: dict[Callable[[str], list], Callable[[], list[tuple[str, str]]]] = {
    _find_staff: _staff_values, _find_community: _community_values, _find_building: _building_values,
    _find_category: _category_values, _find_fee_item: _fee_item_values,
}


def filter_values(subject_key: str, key: str, staff_id: int | None = None) -> list[tuple[str, str]] | None:
    """The values a filter of the subject accepts, as (value, label) — the codes of a
    vocabulary with their labels, the staff, communities, buildings, categories there are —
    or None when it takes free text or there are too many to list (then they are typed)."""
    access.require("report.run", staff_id)
    s = subject(subject_key)
    dim = s.dims.get(key)
    if dim is None or key in ("week", "month"):
        raise ValidationError("filter", _("{subject} cannot be filtered by “{name}”: use one of {names}.").format(
            subject=_(s.title), name=key[:30],
            names=", ".join(k for k in s.dims if k not in ("week", "month"))))
    if dim.vocab_of is not None:
        return [(code, _(message)) for code, message in dim.vocab_of().items()]
    lister = _VALUES.get(dim.resolve) if dim.resolve is not None else None
    if lister is None:
        return None
    values = lister()
    return values if len(values) <= MAX_FILTER_VALUES else None


def _measure_title(stat: str, field: str) -> str:
    return {"sum": _("Total {field}"), "avg": _("Average {field}"), "median": _("Median {field}"),
            "p90": _("90th percentile {field}")}[stat].format(field=field)


def validate(d: Definition) -> None:
    """Refuse anything not on the subject's whitelist, saying what is offered."""
    s = subject(d.subject)
    if not 1 <= len(d.groups) <= 2:
        raise ValidationError("group", _("Group by one or two fields."))
    if len(set(d.groups)) != len(d.groups):
        raise ValidationError("group", _("Group by two different fields."))
    for g in d.groups:
        if g not in s.dims:
            raise ValidationError("group", _("{subject} cannot be grouped by “{name}”: use one of {names}.").format(
                subject=_(s.title), name=g[:30], names=", ".join(s.dims)))
    if not d.measures:
        raise ValidationError("measure", _("Choose at least one measure, such as count."))
    if len(d.measures) > MAX_MEASURES or len(set(d.measures)) != len(d.measures):
        raise ValidationError("measure", _("Choose up to {n} different measures.").format(n=MAX_MEASURES))
    offered = dict(choices(d.subject)["measures"])
    for m in d.measures:
        if m not in offered:
            raise ValidationError("measure", _("{subject} has no measure “{name}”: use one of {names}.").format(
                subject=_(s.title), name=m[:30], names=", ".join(offered)))
    if len(d.filters) > MAX_FILTERS:
        raise ValidationError("filter", _("At most {n} filters.").format(n=MAX_FILTERS))
    for key, value in d.filters:
        if key not in s.dims or key in ("week", "month"):
            raise ValidationError("filter", _("{subject} cannot be filtered by “{name}”: use one of {names}.").format(
                subject=_(s.title), name=key[:30],
                names=", ".join(k for k in s.dims if k not in ("week", "month"))))
        if not value.strip() or len(value) > 60:
            raise ValidationError("filter", _("Filter {key}: give a value of 1 to 60 characters.").format(key=key))


def parse_definition(subject_key: str, groups: list[str], measures: list[str], filters: list[str]) -> Definition:
    """A Definition from what was typed (filters as ``key=value``), checked."""
    pairs = []
    for text in filters:
        key, sep, value = text.partition("=")
        if not sep:
            raise ValidationError("filter", _("Write a filter as key=value, such as status=closed, not “{text}”.")
                                  .format(text=text[:40]))
        pairs.append((key.strip().lower(), value.strip()))
    d = Definition(subject_key.strip().lower(), tuple(g.strip().lower() for g in groups),
                   tuple(m.strip().lower() for m in measures), tuple(pairs))
    validate(d)
    return d


# --- running -------------------------------------------------------------------------------------


def _filter_where(s: Subject, d: Definition):
    """The WHERE of the filters, values resolved (ValidationError when one names nothing)."""
    where = None
    for key, value in d.filters:
        dim = s.dims[key]
        expr = dim.expr()
        if dim.vocab_of is not None:
            cond = expr == _vocab_code(key, dim.vocab_of(), value)
        elif dim.resolve is not None:
            # A column, or a scalar subquery (the territory's staff), which has no .in_().
            cond = Expression(expr, OP.IN, dim.resolve(value))
        else:
            cond = expr == value
        where = cond if where is None else where & cond
    return where


def _scope(d: Definition) -> Scope:
    values = dict(d.filters)
    building = values.get("building")
    if building:
        return parse_scope(None, building)
    if values.get("community"):
        return parse_scope(values["community"])
    return parse_scope()


def _period_where(s: Subject, period: Period):
    column = s.date()
    if s.date_only:
        return (column >= period.start) & (column <= period.end)
    return (column >= period.since) & (column < period.until)


def _query(s: Subject, *fields):
    q = s.model().select(*fields)
    return s.joins(q) if s.joins else q


@dataclass(frozen=True)
class _Plan:
    columns: list[ReportColumn]
    aggregates: list  # SQL aggregates after the group keys
    finish: list[Callable[[tuple, dict], object]]  # aggregate values, key → the figure


def _plan(s: Subject, d: Definition) -> tuple[_Plan, list[tuple[int, str, Field, int]]]:
    columns: list[ReportColumn] = []
    aggs: list = [fn.COUNT(SQL("*"))]
    finish: list = []
    scans: list[tuple[int, str, Field, int]] = []  # SQLite percentiles: (measure, stat, field, its COUNT)
    offered = dict(choices(d.subject)["measures"])
    for i, m in enumerate(d.measures):
        title = offered[m]
        if m == "count":
            columns.append(ReportColumn("count", title, "int"))
            finish.append(lambda v, extra: int(v[0] or 0))
            continue
        if m == "profit":
            columns.append(ReportColumn("profit", title, "fen"))
            a = len(aggs)
            aggs += [fn.SUM(s.fields["income"].expr()), fn.SUM(s.fields["cost"].expr())]
            finish.append(lambda v, extra, a=a: _fen(v[a]) - _fen(v[a + 1]))
            continue
        stat, _sep, name = m.partition(":")
        key = m.replace(":", "_")
        if stat == "rate":
            columns.append(ReportColumn(key, title, "rate"))
            a = len(aggs)
            aggs.append(_count_if(s.conds[name][1]()))
            finish.append(lambda v, extra, a=a: (int(v[a] or 0) / int(v[0])) if v[0] else None)
            continue
        f = s.fields[name]
        kind = f.kind if (stat == "sum" or f.kind in ("hours", "fen")) else "number"
        columns.append(ReportColumn(key, title, kind))
        expr = f.expr()
        a = len(aggs)
        if stat in ("sum", "avg"):
            aggs.append(fn.SUM(expr) if stat == "sum" else fn.AVG(expr))
        elif not is_sqlite():
            aggs.append(NodeList((SQL(f"percentile_cont({_QUANTILE[stat]}) WITHIN GROUP (ORDER BY"), expr,
                                  SQL(")"))))
        else:
            aggs.append(fn.COUNT(expr))  # how many values: the scan's offset
            scans.append((i, stat, f, a))
        finish.append(_finisher(stat, f.kind, a, i))
    return _Plan(columns, aggs, finish), scans


def _finisher(stat: str, kind: str, a: int, i: int) -> Callable[[tuple, dict], object]:
    def done(v: tuple, extra: dict) -> object:
        value = extra[i] if (stat in _QUANTILE and is_sqlite()) else v[a]
        if value is None:
            return None if stat != "sum" else (0 if kind in ("int", "fen") else None)
        if kind == "fen":
            return _fen(value)
        if stat == "sum" and kind == "int":
            return int(value)
        return float(value)

    return done


def _fen(value: object) -> int:
    if value is None:
        return 0
    return int(Decimal(str(value)).quantize(Decimal("1"), rounding=ROUND_HALF_UP))


def _scan(s: Subject, where, field: Field, stat: str, n: int) -> float | None:
    """percentile_cont(q) of `field` over the rows `where` by one ordered LIMIT 2 read."""
    if n <= 0:
        return None
    position = _QUANTILE[stat] * (n - 1)
    low = math.floor(position)
    expr = field.expr()
    values = [float(v) for (v,) in _query(s, expr).where(where, expr.is_null(False)).order_by(expr)
              .limit(2).offset(low).tuples()]
    if not values:
        return None
    if len(values) == 1 or position == low:
        return values[0]
    return values[0] + (values[1] - values[0]) * (position - low)


def _aggregate(s: Subject, d: Definition, where, groups: tuple[str, ...]) -> tuple[list[ReportColumn], list[tuple]]:
    """(measure columns, [(group key values…, figures…)]) for the rows `where`."""
    key_exprs = [s.dims[g].expr() for g in groups]
    plan, scans = _plan(s, d)
    query = _query(s, *key_exprs, *plan.aggregates).where(where)
    if groups:
        query = query.group_by(*(SQL(str(i + 1)) for i in range(len(groups)))).order_by(
            *(SQL(str(i + 1)) for i in range(len(groups)))).limit(MAX_GROUPS + 1)
    out = []
    for row in query.tuples():
        keys, values = row[:len(groups)], row[len(groups):]
        if not groups and not values[0]:
            continue
        extra: dict[int, float | None] = {}
        for i, stat, field, a in scans:
            group_where = where
            for g, k in zip(groups, keys, strict=True):
                e = s.dims[g].expr()
                group_where &= e.is_null() if k is None else e == k
            extra[i] = _scan(s, group_where, field, stat, int(values[a] or 0))
        out.append((*keys, *(f(values, extra) for f in plan.finish)))
    return plan.columns, out


def _label(s: Subject, groups: tuple[str, ...], rows: list[tuple]) -> list[tuple]:
    out = []
    names: dict[str, dict] = {}
    for n, g in enumerate(groups):
        dim = s.dims[g]
        if dim.names is not None:
            names[g] = dim.names([r[n] for r in rows])
    for r in rows:
        labels = []
        for n, g in enumerate(groups):
            dim, value = s.dims[g], r[n]
            if value is None or value == "":
                labels.append("—")
            elif dim.names is not None:
                labels.append(str(names[g].get(value, "—")))
            elif dim.vocab_of is not None:
                from data.vocab import label

                labels.append(label(dim.vocab_of(), str(value)))
            else:
                labels.append(str(value))
        out.append((*labels, *r[len(groups):]))
    return out


def describe(d: Definition) -> str:
    """A title for an unsaved definition: "Work orders by category, month"."""
    s = subject(d.subject)
    return _("{subject} by {groups}").format(subject=_(s.title),
                                             groups="、".join(_(s.dims[g].label) for g in d.groups))


def filter_lines(d: Definition) -> tuple[tuple[str, str], ...]:
    """The filters as (label, value) for a report's header block."""
    s = subject(d.subject)
    return tuple((_(s.dims[k].label), v) for k, v in d.filters)


def run_custom(d: Definition, period: Period, *, name: str = "", at: dt.datetime | None = None,
               staff_id: int | None = None) -> Report:
    """Run a custom report over `period` (with the previous period's totals). Supervisors
    and up, and the service account running a saved one (report.run)."""
    access.require("report.run", staff_id)
    validate(d)
    s = subject(d.subject)
    at = at or clock_now()
    actor = access.actor_for(staff_id)
    where = _period_where(s, period)
    if s.base is not None:
        where &= s.base()
    filtered = _filter_where(s, d)
    if filtered is not None:
        where &= filtered
    columns, rows = _aggregate(s, d, where, d.groups)
    notes: list[str] = []
    if len(rows) > MAX_GROUPS:
        rows = rows[:MAX_GROUPS]
        notes.append(_("Only the first {n} groups are shown.").format(n=MAX_GROUPS))
    _c, total = _aggregate(s, d, where, ())
    previous_where = _period_where(s, period.previous())
    if s.base is not None:
        previous_where &= s.base()
    if filtered is not None:
        previous_where &= _filter_where(s, d)
    _c, before = _aggregate(s, d, previous_where, ())
    group_columns = tuple(ReportColumn(g, _(s.dims[g].label), "text") for g in d.groups)
    pad = ("",) * (len(d.groups) - 1)
    return Report(
        name="custom", title=name or describe(d), period=period, scope=_scope(d),
        columns=group_columns + tuple(columns), rows=tuple(_label(s, d.groups, rows)),
        totals=(_("Total"), *pad, *total[0]) if total else None,
        previous=(_("The previous period"), *pad, *before[0]) if before else None,
        notes=tuple(notes), chart=len(d.groups), generated_at=at,
        generated_by=actor.login if actor else "system",
        filters=filter_lines(d))


def definition_text(d: Definition) -> str:
    return json.dumps(d.as_json(), ensure_ascii=False, sort_keys=True)
