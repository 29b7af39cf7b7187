"""FrontDesk's data layer: models, queries and every business rule (never imports Textual).

The audit trail is wired into the one database handle as soon as the handle is imported:
the handle (data.db) knows no rule, so the trail's hooks are registered into it from here,
before anything can write — every write of every process is audited (tests/test_audit.py
proves it). The wiring waits for data.db itself to be imported, so that importing a pure
piece of data/ (the kernel, data.stamps) loads no database module and no model.
"""

from __future__ import annotations

import importlib.abc
import importlib.util
import sys


def _audit_sqlite(conn) -> None:
    from data import audit  # by the first write every module is loaded

    audit.prepare_sqlite(conn)


def _audit_pg() -> None:
    from data import audit

    audit.pg_transaction_settings()


def _wire_audit(db_module) -> None:
    db_module.before_sqlite_write(_audit_sqlite)
    db_module.before_pg_write(_audit_pg)


class _AuditWiring(importlib.abc.MetaPathFinder):
    """Finds nothing itself: when data.db is first imported, it runs that module's normal
    loader and then registers the audit hooks into it (one-shot)."""

    def find_spec(self, name, path, target=None):
        if name != "data.db":
            return None
        sys.meta_path.remove(self)
        spec = importlib.util.find_spec(name)
        if spec is None or spec.loader is None:
            return spec
        load = spec.loader.exec_module

        def exec_module(module) -> None:
            load(module)
            _wire_audit(module)

        spec.loader.exec_module = exec_module  # type: ignore[method-assign]
        return spec


if "data.db" in sys.modules:  # imported some other way first (never in practice)
    _wire_audit(sys.modules["data.db"])
else:
    sys.meta_path.insert(0, _AuditWiring())
