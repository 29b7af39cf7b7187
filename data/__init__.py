"""FrontDesk's data layer: models, queries and every business rule (never imports Textual).

Importing any part of it wires the audit trail into the one database handle: the handle
(data.db) knows no rule, so the trail's hooks are registered into it here, before anything
can write — every write of every process is audited (tests/test_audit.py proves it).
"""

from data import audit as _audit
from data import db as _db

_db.before_sqlite_write(_audit.prepare_sqlite)
_db.before_pg_write(_audit.pg_transaction_settings)
