"""The audit trail (issue 7): who created, changed or deleted which record, field by field.

Rows are written by database triggers, so every write of every code path — forms, the
CLI, imports, bulk updates — is recorded in the same transaction as the change itself,
and nothing in the app can change or delete a recorded row (the audit table refuses
UPDATE and DELETE).

- SQLite: TEMP triggers installed on every connection FrontDesk opens (`install_sqlite`),
  calling the Python functions `fd_actor()` (the acting staff member, data.access) and
  `fd_now()` (data.clock). Columns are read from the live table, so a migration that
  adds a column is audited without touching this module.
- PostgreSQL: one PL/pgSQL trigger function diffing `to_jsonb(OLD)` and `to_jsonb(NEW)`,
  installed by `frontdesk migrate`; `data.db.transaction()` hands it the actor and the
  clock (through the `before_pg_write` hook data/__init__ registers) through `set_config('frontdesk.staff' / 'frontdesk.now', …, true)`.

Phones and ID numbers are stored masked in the trail and password hashes never, nor what
retention purges (visitors' ID numbers and plates, call recording references): the trail
is for accountability and must not become a second copy of what privacy hides. Rows
written before a column became secret are masked again when read (`_entries`).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import NamedTuple

from peewee import JOIN

from data import access
from data.clock import now as clock_now
from data.db import db, is_sqlite
from data.i18n import _
from data.models import AuditLog, Staff

AUDIT_TABLE = "audit_log"
PAGE = 200  # rows a history panel or one CLI call shows at most


class Audited(NamedTuple):
    """How one table is audited."""

    table: str
    label: str  # the column naming the record in its create and delete rows
    parent: tuple[str, str] | None = None  # (parent entity, column holding its id)
    skip: frozenset[str] = frozenset()  # derived columns: not worth a row
    phones: frozenset[str] = frozenset()  # stored masked like phone numbers
    ids: frozenset[str] = frozenset()  # stored masked like ID numbers
    secrets: frozenset[str] = frozenset()  # never stored


#: Bookkeeping columns no one changes by hand.
ALWAYS_SKIP = frozenset({"id", "version", "updated_at", "created_at"})

TABLES: tuple[Audited, ...] = (
    Audited("person", "name", ids=frozenset({"id_number"}), skip=frozenset({
        "name_pinyin", "name_initials", "name_pinyin_alt", "name_initials_alt", "id_number_rev"})),
    Audited("phone", "number", ("person", "person_id"), skip=frozenset({"digits_rev"}),
            phones=frozenset({"number"})),
    Audited("vehicle", "plate", ("person", "person_id"), skip=frozenset({"plate_tail"})),
    Audited("occupancy", "role", ("person", "person_id")),
    Audited("person_tag", "tag_id", ("person", "person_id")),
    Audited("person_note", "text", ("person", "person_id")),
    Audited("community", "name", phones=frozenset({"phone"})),
    Audited("building", "code"),
    Audited("entrance", "code"),
    Audited("room", "code"),
    Audited("parking_space", "code"),
    Audited("tag", "name"),
    Audited("work_order", "number", phones=frozenset({"contact_phone"})),
    Audited("cost_line", "description", ("work_order", "work_order_id")),
    Audited("work_order_link", "kind", ("work_order", "source_id")),
    Audited("event", "title", skip=frozenset({"series_until", "uid"})),
    Audited("event_attendee", "staff_id", ("event", "event_id")),
    # A recording reference is personal data with its own retention period (data.retention):
    # the trail records that it changed, never what it was, so a purge leaves no copy here.
    Audited("call", "number", phones=frozenset({"number"}), secrets=frozenset({"recording"})),
    Audited("call_list", "name"),
    Audited("call_list_item", "number", ("call_list", "call_list_id"), phones=frozenset({"number"})),
    Audited("incident", "title"),
    Audited("script", "title"),
    # What the phone system reported (its service account is named): the caller-ID pop-up.
    # Its recording reference is the call's (retention purges both): never in the trail.
    Audited("ring", "extension", phones=frozenset({"number"}), secrets=frozenset({"recording"})),
    Audited("staff", "login", phones=frozenset({"phone"}), secrets=frozenset({"password_hash"}),
            skip=frozenset({"failed_logins"})),
    Audited("territory", "building_id", ("staff", "staff_id")),
    Audited("category", "name"),
    Audited("sla_policy", "priority"),
    Audited("holiday", "name"),
    Audited("renovation", "number", phones=frozenset({"contractor_phone"})),
    Audited("renovation_worker", "name", ("renovation", "renovation_id"),
            phones=frozenset({"phone"}), ids=frozenset({"id_tail"})),
    Audited("renovation_inspection", "result", ("renovation", "renovation_id")),
    # A handover's items are its body as JSON: the body is enough in the trail.
    Audited("handover", "shift", skip=frozenset({"items"})),
    Audited("handover_community", "community_id", ("handover", "handover_id")),
    # A visitor's ID number and plate are purged by retention (data.registers.visitors):
    # the trail records that they changed, never what they were, or the purge kept a copy.
    Audited("visitor", "name", phones=frozenset({"phone"}),
            secrets=frozenset({"id_number", "plate"})),
    Audited("release_pass", "number", phones=frozenset({"carrier_phone"})),
    # The front desk's registers (issue 16): keys, parcels, lost and found.
    Audited("key_deposit", "description"),
    Audited("key_authorisation", "name", ("key_deposit", "deposit_id")),
    Audited("key_loan", "handed_to", ("key_deposit", "deposit_id")),
    Audited("parcel", "carrier", secrets=frozenset({"pickup_code"})),
    Audited("found_item", "description", phones=frozenset({"claimed_phone"})),
    Audited("hotline_order", "ref", ("work_order", "work_order_id")),
    Audited("purge_run", "name"),
    Audited("lead", "name"),
    Audited("lead_phone", "number", ("lead", "lead_id"), phones=frozenset({"number"})),
    Audited("lead_interest", "lead_id", ("lead", "lead_id")),
    Audited("lead_event", "kind", ("lead", "lead_id")),
    Audited("lead_rule", "interest"),
    # Contracts (data.contracts): a template's file is a blob, its sha256 says it changed.
    Audited("contract_template", "name", skip=frozenset({"content"})),
    Audited("contract", "number", phones=frozenset({"party_phone"})),
    Audited("contract_event", "action", ("contract", "contract_id")),
    # The knowledge base (data.knowledge): its search keys (kb_key) are derived, not audited.
    Audited("kb_article", "title", skip=frozenset({"title_pinyin", "title_initials", "helpful_count"})),
    Audited("kb_article_order", "work_order_id", ("kb_article", "article_id")),
    Audited("kb_comment", "text", ("kb_article", "article_id"), skip=frozenset({"path", "helpful_count"})),
    Audited("kb_helpful", "staff_id", ("kb_article", "article_id")),
    Audited("kb_comment_helpful", "staff_id", ("kb_comment", "comment_id")),
    # Fees (data.fees): items, standards, payments (voids and refunds too) and waivers are
    # people's decisions about money; bills, allocations, balances and counters are derived
    # in bulk from them (a month's billing would write a row per bill), not audited.
    Audited("fee_item", "name"),
    Audited("fee_standard", "unit_price_fen", ("fee_item", "item_id")),
    Audited("payment", "number"),
    Audited("waiver", "amount_fen"),
)

_state = threading.local()


def enabled() -> bool:
    """False inside `suspended()` (bulk generators), True otherwise."""
    return not getattr(_state, "off", False)


@contextlib.contextmanager
def suspended() -> Iterator[None]:
    """Write without audit rows (the sample generator, a verified copy between databases).
    Not for anything a person does."""
    before = getattr(_state, "off", False)
    _state.off = True
    try:
        yield
    finally:
        _state.off = before


def stamp() -> str:
    """The clock as both databases store a DateTimeField."""
    return clock_now().strftime("%Y-%m-%d %H:%M:%S")


# --- SQLite: TEMP triggers per connection ----------------------------------------------------


def mask_value(spec: Audited, column: str, value: object) -> str | None:
    """A column's value as the trail stores it: text, phones and ID numbers masked,
    secrets never (the same rules as the PostgreSQL function fd_audit_mask)."""
    if value is None:
        return None
    text = str(value)
    if column in spec.secrets:
        return "***"
    if not text or not (column in spec.phones or column in spec.ids):
        return text
    stars = "****" if column in spec.phones else "***********"
    return text[:3] + stars + text[-4:] if len(text) > 7 else stars


_SPECS = {spec.table: spec for spec in TABLES}
_COLUMNS: dict[str, list[str]] = {}  # table → watched columns, in the triggers' order


def _sqlite_mask(table: str, index: object, value: object) -> str | None:
    """fd_mask(table, column index or name, value): called by the triggers per value."""
    spec = _SPECS[table]
    column = _COLUMNS[table][index] if isinstance(index, int) else str(index)
    return mask_value(spec, column, value)


def _sqlite_triggers(spec: Audited, columns: list[str]) -> list[str]:
    """Three small triggers per table. Updates compare OLD and NEW as two JSON arrays in
    one statement (short SQL: the triggers are compiled on every connection)."""
    table = spec.table
    parent_entity = f"'{spec.parent[0]}'" if spec.parent else "''"
    insert = (f"INSERT INTO {AUDIT_TABLE} (staff_id, at, action, entity, entity_id, field, "
              "old_value, new_value, parent_entity, parent_id) ")

    def parent(row: str) -> str:
        return f"{row}.{spec.parent[1]}" if spec.parent else "NULL"

    label = f"'{spec.label}'"
    create = (f"CREATE TEMP TRIGGER fd_audit_{table}_i AFTER INSERT ON main.{table} "
              f"WHEN fd_audit_on() BEGIN {insert}VALUES (fd_actor(), fd_now(), 'create', "
              f"'{table}', NEW.id, '', NULL, fd_mask('{table}', {label}, NEW.{spec.label}), "
              f"{parent_entity}, {parent('NEW')}); END")
    delete = (f"CREATE TEMP TRIGGER fd_audit_{table}_d AFTER DELETE ON main.{table} "
              f"WHEN fd_audit_on() BEGIN {insert}VALUES (fd_actor(), fd_now(), 'delete', "
              f"'{table}', OLD.id, '', fd_mask('{table}', {label}, OLD.{spec.label}), NULL, "
              f"{parent_entity}, {parent('OLD')}); END")
    watched = _COLUMNS[table] = [c for c in columns if c not in ALWAYS_SKIP and c not in spec.skip]
    old = ", ".join(f'OLD."{c}"' for c in watched)
    new = ", ".join(f'NEW."{c}"' for c in watched)
    update = (f"CREATE TEMP TRIGGER fd_audit_{table}_u AFTER UPDATE ON main.{table} "
              f"WHEN fd_audit_on() BEGIN {insert}SELECT fd_actor(), fd_now(), 'update', '{table}', "
              f"NEW.id, fd_column('{table}', o.key), fd_mask('{table}', o.key, o.value), "
              f"fd_mask('{table}', n.key, n.value), {parent_entity}, {parent('NEW')} "
              f"FROM json_each(json_array({old})) AS o JOIN json_each(json_array({new})) AS n "
              "ON n.key = o.key WHERE o.value IS NOT n.value; END")
    return [create, delete, update]


def _append_only_sqlite() -> list[str]:
    refuse = "SELECT RAISE(ABORT, 'the audit trail is append-only');"
    return [
        f"CREATE TEMP TRIGGER fd_audit_no_update BEFORE UPDATE ON main.{AUDIT_TABLE} BEGIN {refuse} END",
        f"CREATE TEMP TRIGGER fd_audit_no_delete BEFORE DELETE ON main.{AUDIT_TABLE} BEGIN {refuse} END",
    ]


def installed_sqlite(conn) -> bool:
    """Whether this connection has the TEMP triggers already."""
    return conn.execute("SELECT 1 FROM temp.sqlite_master WHERE type = 'trigger' "
                        "AND name = 'fd_audit_no_delete'").fetchone() is not None


def prepare_sqlite(conn) -> None:
    """Install the TEMP triggers on `conn` unless it has them: data.db runs this at the
    BEGIN of every SQLite write transaction (`before_sqlite_write`, wired in data/__init__)."""
    if not installed_sqlite(conn):
        install_sqlite(conn)


def install_sqlite(conn) -> None:
    """Register the functions and (re)create the TEMP triggers on one SQLite connection.
    Does nothing on a database without the audit table's current shape (before migrate).
    data.db calls it before a connection's first write transaction: a connection that
    only reads (most of a session's worker threads) never pays for compiling them."""
    conn.create_function("fd_actor", 0, access.current_id)
    conn.create_function("fd_now", 0, stamp)
    conn.create_function("fd_audit_on", 0, lambda: 1 if enabled() else 0)
    conn.create_function("fd_mask", 3, _sqlite_mask)
    conn.create_function("fd_column", 2, lambda table, index: _COLUMNS[table][index])
    tables = {name for (name,) in conn.execute(
        "SELECT name FROM main.sqlite_master WHERE type = 'table'")}
    if AUDIT_TABLE not in tables:
        return
    columns = {spec.table: [row[1] for row in conn.execute(f"PRAGMA main.table_info({spec.table})")]
               for spec in TABLES if spec.table in tables}
    if "parent_id" not in [row[1] for row in conn.execute(f"PRAGMA main.table_info({AUDIT_TABLE})")]:
        return
    script = [f"DROP TRIGGER IF EXISTS temp.{name}" for (name,) in conn.execute(
        "SELECT name FROM temp.sqlite_master WHERE type = 'trigger' AND name LIKE 'fd_audit_%'")]
    for spec in TABLES:
        if spec.table in columns:
            script += _sqlite_triggers(spec, columns[spec.table])
    script += _append_only_sqlite()
    conn.executescript(";\n".join(script) + ";")


# --- PostgreSQL: one trigger function, installed by migrate -------------------------------------

_PG_FUNCTIONS = r"""
CREATE OR REPLACE FUNCTION fd_audit_mask(col text, val text, phones text[], ids text[], secrets text[])
RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE
    WHEN val IS NULL THEN NULL
    WHEN col = ANY(secrets) THEN '***'
    WHEN val = '' THEN val
    WHEN col = ANY(phones) THEN CASE WHEN length(val) > 7 THEN left(val, 3) || '****' || right(val, 4) ELSE '****' END
    WHEN col = ANY(ids) THEN CASE WHEN length(val) > 7 THEN left(val, 3) || '***********' || right(val, 4) ELSE '***********' END
    ELSE val END
$$;

CREATE OR REPLACE FUNCTION fd_audit_text(v jsonb) RETURNS text LANGUAGE sql IMMUTABLE AS $$
  -- Values spelled as SQLite stores them: booleans 1/0, timestamps with a space.
  SELECT CASE jsonb_typeof(v)
    WHEN 'boolean' THEN CASE WHEN v = 'true'::jsonb THEN '1' ELSE '0' END
    WHEN 'null' THEN NULL
    WHEN 'string' THEN CASE WHEN (v #>> '{}') ~ '^\d{4}-\d\d-\d\dT\d\d:\d\d'
                            THEN replace(v #>> '{}', 'T', ' ') ELSE v #>> '{}' END
    ELSE v #>> '{}' END
$$;

CREATE OR REPLACE FUNCTION fd_audit() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  actor integer := NULLIF(current_setting('frontdesk.staff', true), '')::integer;
  at_ timestamp := COALESCE(NULLIF(current_setting('frontdesk.now', true), '')::timestamp,
                            localtimestamp(0));
  label_col text := TG_ARGV[0];
  parent_entity text := TG_ARGV[1];
  parent_col text := NULLIF(TG_ARGV[2], '');
  skip text[] := string_to_array(TG_ARGV[3], ',');
  phones text[] := string_to_array(TG_ARGV[4], ',');
  ids text[] := string_to_array(TG_ARGV[5], ',');
  secrets text[] := string_to_array(TG_ARGV[6], ',');
  o jsonb; n jsonb; k text; pid integer;
BEGIN
  IF current_setting('frontdesk.audit', true) = 'off' THEN RETURN NULL; END IF;
  IF TG_OP <> 'INSERT' THEN o := to_jsonb(OLD); END IF;
  IF TG_OP <> 'DELETE' THEN n := to_jsonb(NEW); END IF;
  IF parent_col IS NOT NULL THEN pid := (COALESCE(n, o) ->> parent_col)::integer; END IF;
  IF TG_OP = 'INSERT' THEN
    INSERT INTO audit_log (staff_id, at, action, entity, entity_id, field, old_value, new_value,
                           parent_entity, parent_id)
    VALUES (actor, at_, 'create', TG_TABLE_NAME, (n ->> 'id')::integer, '', NULL,
            fd_audit_mask(label_col, fd_audit_text(n -> label_col), phones, ids, secrets), parent_entity, pid);
  ELSIF TG_OP = 'DELETE' THEN
    INSERT INTO audit_log (staff_id, at, action, entity, entity_id, field, old_value, new_value,
                           parent_entity, parent_id)
    VALUES (actor, at_, 'delete', TG_TABLE_NAME, (o ->> 'id')::integer, '',
            fd_audit_mask(label_col, fd_audit_text(o -> label_col), phones, ids, secrets), NULL, parent_entity, pid);
  ELSE
    FOR k IN SELECT jsonb_object_keys(n) LOOP
      CONTINUE WHEN k = ANY(skip) OR (o -> k) IS NOT DISTINCT FROM (n -> k);
      INSERT INTO audit_log (staff_id, at, action, entity, entity_id, field, old_value, new_value,
                             parent_entity, parent_id)
      VALUES (actor, at_, 'update', TG_TABLE_NAME, (n ->> 'id')::integer, k,
              fd_audit_mask(k, fd_audit_text(o -> k), phones, ids, secrets),
              fd_audit_mask(k, fd_audit_text(n -> k), phones, ids, secrets), parent_entity, pid);
    END LOOP;
  END IF;
  RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION fd_audit_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'the audit trail is append-only';
END $$;
"""


def _pg_literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def install_postgres() -> None:
    """(Re)create the trigger function and one trigger per audited table (idempotent)."""
    existing = {name for (name,) in db.execute_sql(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()")}
    db.execute_sql(_PG_FUNCTIONS)
    for spec in TABLES:
        if spec.table not in existing:
            continue
        args = [spec.label, spec.parent[0] if spec.parent else "",
                spec.parent[1] if spec.parent else "",
                ",".join(sorted(ALWAYS_SKIP | spec.skip)), ",".join(sorted(spec.phones)),
                ",".join(sorted(spec.ids)), ",".join(sorted(spec.secrets))]
        db.execute_sql(f'DROP TRIGGER IF EXISTS fd_audit ON "{spec.table}"')
        db.execute_sql(
            f'CREATE TRIGGER fd_audit AFTER INSERT OR UPDATE OR DELETE ON "{spec.table}" '
            f"FOR EACH ROW EXECUTE FUNCTION fd_audit({', '.join(_pg_literal(a) for a in args)})")
    db.execute_sql(f'DROP TRIGGER IF EXISTS fd_audit_refuse ON "{AUDIT_TABLE}"')
    db.execute_sql(f'CREATE TRIGGER fd_audit_refuse BEFORE UPDATE OR DELETE ON "{AUDIT_TABLE}" '
                   "FOR EACH ROW EXECUTE FUNCTION fd_audit_refuse()")


def pg_transaction_settings() -> None:
    """Hand the actor, the clock and the on/off switch to this PostgreSQL transaction."""
    actor = access.current_id()
    db.execute_sql(
        "SELECT set_config('frontdesk.staff', %s, true), set_config('frontdesk.now', %s, true), "
        "set_config('frontdesk.audit', %s, true)",
        ("" if actor is None else str(actor), stamp(), "on" if enabled() else "off"))


def install() -> None:
    """Install the triggers on the open database (after a migration)."""
    if is_sqlite():
        install_sqlite(db.connection())
    else:
        install_postgres()


#: Record kinds written only by explicit `record` calls (no trigger): owners' meetings, their
#: proposals and ballot entries (whose choices never enter the trail, SPEC §13: the trail
#: says a ballot was entered, not how a room voted).
EXPLICIT_ENTITIES = ("meeting", "proposal", "ballot_entry")


def record(action: str, entity: str, entity_id: int, field_name: str = "", *,
           old: str | None = None, new: str | None = None, staff_id: int | None = None,
           parent: tuple[str, int] | None = None) -> None:
    """An explicit row for what triggers cannot see: a reveal of a masked value, the reason
    given for booking over a conflict. Call inside the transaction of what it explains.
    `parent` (entity, id) files the row under a record's history too."""
    AuditLog.create(staff=staff_id if staff_id is not None else access.current_id(),
                    at=clock_now(), action=action, entity=entity, entity_id=entity_id,
                    field=field_name, old_value=old, new_value=new,
                    parent_entity=parent[0] if parent else "", parent_id=parent[1] if parent else None)


# --- reading ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    """One audit row as the history panel and `frontdesk audit` show it."""

    at: dt.datetime
    login: str
    action: str
    entity: str
    entity_id: int
    field: str
    old: str | None
    new: str | None
    parent: str = ""
    extra: dict = field(default_factory=dict)

    def change(self, shown) -> str:
        """The change as one text, each value passed through `shown`: "old → new" for an
        update, the record's name for a create or a delete, nothing for a reveal."""
        if self.action == "update":
            return f"{shown(self.old)} → {shown(self.new)}"
        if self.action == "create":
            return shown(self.new)
        if self.action == "delete":
            return shown(self.old)
        return ""

    def as_json(self) -> dict:
        return {"at": f"{self.at:%Y-%m-%d %H:%M:%S}", "staff": self.login, "action": self.action,
                "entity": self.entity, "id": self.entity_id, "field": self.field,
                "old": self.old, "new": self.new, "parent": self.parent}


def _shown(row: dict, key: str) -> str | None:
    """A stored value as the trail shows it: a column that is secret (or masked) now is
    masked again, so a row written before it became one shows no more than a new row."""
    value = row[key]
    spec = _SPECS.get(row["entity"])
    if value is None or spec is None or row["action"] != "update":
        return value
    column = row["field"]
    if column in spec.secrets:
        return "***"
    if column in spec.phones or column in spec.ids:
        masked = "****" if column in spec.phones else "***********"
        if masked not in value:  # not masked when it was written
            return mask_value(spec, column, value)
    return value


def _entries(where, limit: int) -> list[Entry]:
    rows = (AuditLog.select(AuditLog, Staff.login)
            .join(Staff, on=(AuditLog.staff == Staff.id), join_type=JOIN.LEFT_OUTER)
            .where(where).order_by(AuditLog.at.desc(), AuditLog.id.desc()).limit(limit).dicts())
    return [
        Entry(at=r["at"], login=r["login"] or _("system"), action=r["action"],
              entity=r["entity"], entity_id=r["entity_id"], field=r["field"],
              old=_shown(r, "old_value"), new=_shown(r, "new_value"),
              parent=f"{r['parent_entity']}#{r['parent_id']}" if r["parent_entity"] else "")
        for r in rows
    ]


def history(entity: str, entity_id: int, *, limit: int = PAGE, staff_id: int | None = None) -> list[Entry]:
    """Every change to one record and to its parts (a person's phones, an event's
    attendees), newest first. Supervisors and administrators only."""
    access.require("audit.read", staff_id)
    return _entries(
        ((AuditLog.entity == entity) & (AuditLog.entity_id == entity_id))
        | ((AuditLog.parent_entity == entity) & (AuditLog.parent_id == entity_id)), limit)


def search(*, entity: str | None = None, entity_id: int | None = None, login: str | None = None,
           since: dt.datetime | None = None, limit: int = PAGE,
           staff_id: int | None = None) -> list[Entry]:
    """The trail filtered by record kind, record, staff member and start time, newest first."""
    access.require("audit.read", staff_id)
    where = AuditLog.id.is_null(False)
    if entity:
        where &= AuditLog.entity == entity
    if entity_id is not None:
        where &= AuditLog.entity_id == entity_id
    if login:
        where &= AuditLog.staff.in_(Staff.select(Staff.id).where(Staff.login == login))
    if since is not None:
        where &= AuditLog.at >= since
    return _entries(where, limit)


def entities() -> tuple[str, ...]:
    """The record kinds the trail knows, for the CLI's --entity choices."""
    return tuple(spec.table for spec in TABLES) + EXPLICIT_ENTITIES
