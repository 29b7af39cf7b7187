"""The layer contracts of STYLE.md: `data/` is a library that never loads Textual, screens and
widgets never reach the store, and the data kernel reaches nothing of `data/` but itself.

Like harlequin's import-linter contracts, the static ones read every module's imports — at
module level and inside functions, where a lazy import would otherwise slip past — with
`ast`, so a contract fails on the import that breaks it even if no test executes that line.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

#: The data kernel (STYLE.md): pure helpers any layer may use.
KERNEL = ("data/i18n.py", "data/errors.py", "data/clock.py", "data/validators.py",
          "data/vocab.py", "data/pinyin.py", "data/rooms.py", "data/idnumbers.py",
          "data/limits.py", "data/stamps.py", "data/waits.py")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports_of(path: Path) -> list[tuple[int, str]]:
    """(line, module) of every import in the file, function-level ones included. `from a
    import b` gives both a and a.b (b may be a submodule); relative imports are resolved."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = _module_name(path).split(".")
    if path.name != "__init__.py":
        package.pop()
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package[: len(package) - (node.level - 1)]
                base = ".".join(anchor + ([base] if base else []))
            found.append((node.lineno, base))
            found += [(node.lineno, f"{base}.{alias.name}") for alias in node.names]
    return found


def _files(*where: str) -> list[Path]:
    out: list[Path] = []
    for place in where:
        target = ROOT / place
        out += [target] if target.is_file() else sorted(target.rglob("*.py"))
    return out


def _hits(module: str, prefixes: tuple[str, ...]) -> bool:
    return any(module == p or module.startswith(p + ".") for p in prefixes)


def broken(files: list[Path], forbidden: tuple[str, ...],
           allowed: tuple[str, ...] = ()) -> list[str]:
    """`file:line imports module` for each import of a forbidden module (or of a module
    inside a forbidden package) that is not also an allowed one."""
    out = []
    for path in files:
        hits = {(line, module) for line, module in imports_of(path)
                if _hits(module, forbidden) and not _hits(module, allowed)}
        # `from data.db import transaction` is one breach (data.db), not two.
        out += [f"{path.relative_to(ROOT)}:{line} imports {module}" for line, module in hits
                if not any(line == other and _hits(module, (base,)) and module != base
                           for other, base in hits)]
    return sorted(set(out))


def test_the_import_walk_sees_function_level_and_relative_imports(tmp_path, monkeypatch):
    monkeypatch.setattr(sys.modules[__name__], "ROOT", tmp_path)
    module = tmp_path / "screens" / "thing.py"
    module.parent.mkdir()
    module.write_text(
        "from . import sibling\n"
        "def later():\n"
        "    from data import models\n"
        "    import peewee\n"
    )
    assert broken([module], ("data.models", "peewee", "screens.sibling")) == [
        "screens/thing.py:1 imports screens.sibling",
        "screens/thing.py:3 imports data.models",
        "screens/thing.py:4 imports peewee",
    ]


def test_data_imports_no_interface():
    assert broken(_files("data"), ("textual", "rich", "tui", "screens", "widgets")) == []


def test_widgets_reach_neither_the_store_nor_the_screens_nor_the_shell():
    assert broken(_files("widgets"),
                  ("data.db", "data.models", "peewee", "screens", "tui")) == []


def test_widgets_import_nothing_of_data_but_the_kernel():
    """Widgets show values they are given; they never query: of data/ they may use only
    the kernel (translation, errors, the clock, validators, vocabularies, stamps)."""
    kernel = tuple(_module_name(ROOT / path) for path in KERNEL)
    found = broken(_files("widgets"), ("data",), allowed=kernel)
    # `from data.i18n import _` also names data.i18n._, inside an allowed module; a bare
    # `from data import vocab` names the package too, which alone loads nothing.
    assert [f for f in found if not f.endswith(" imports data")] == []


def test_screens_reach_neither_the_store_nor_the_shell():
    assert broken(_files("screens"), ("data.db", "data.models", "peewee", "tui")) == []


def test_the_kernel_reaches_nothing_of_data_but_the_kernel():
    kernel = tuple(_module_name(ROOT / path) for path in KERNEL)
    found = broken(_files(*KERNEL), ("data",), allowed=kernel)
    # `from data import vocab` names the bare package too; that alone loads nothing.
    assert [f for f in found if not f.endswith(" imports data")] == []


def test_data_never_imports_the_interface():
    """What actually gets loaded: importing every data module loads no interface package."""
    modules = sorted(_module_name(p) for p in _files("data") if "migrations" not in p.parts)
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "bad = sorted(m for m in sys.modules\n"
        "             if m.split('.')[0] in ('textual', 'rich', 'tui', 'screens', 'widgets'))\n"
        "print(','.join(bad))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    assert "data.calls.log" in modules and "data.sla" in modules
    assert result.stdout.strip() == "", f"data/ pulled in: {result.stdout.strip()}"



def import_graph(package: str) -> dict[str, dict[str, int]]:
    """module → {module of the same package it imports: line}, function-level imports
    included. `from data import access` is an edge to data.access only (the package
    itself is loaded first whatever the order, so it closes no cycle)."""
    files = {_module_name(p): p for p in _files(package)}

    def owner(name: str) -> str | None:
        while name and name not in files:
            name = name.rpartition(".")[0]
        return name or None

    graph: dict[str, dict[str, int]] = {}
    for module, path in files.items():
        by_line: dict[int, set[str]] = {}
        for line, name in imports_of(path):
            target = owner(name)
            if target is not None and target != module:
                by_line.setdefault(line, set()).add(target)
        edges: dict[str, int] = {}
        for line, targets in sorted(by_line.items()):
            for target in targets:
                if not any(other.startswith(target + ".") for other in targets):
                    edges.setdefault(target, line)
        graph[module] = edges
    return graph


def import_cycles(graph: dict[str, dict[str, int]]) -> list[list[str]]:
    """The groups of modules that import each other, directly or through others
    (Tarjan's strongly connected components of more than one module)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    cycles: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for other in graph.get(node, {}):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                cycles.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return sorted(cycles)


def test_the_cycle_finder_finds_a_cycle_closed_by_a_function_level_import(tmp_path, monkeypatch):
    monkeypatch.setattr(sys.modules[__name__], "ROOT", tmp_path)
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "__init__.py").write_text("from data import a\n")
    (tmp_path / "data" / "a.py").write_text("from data import b\n")
    (tmp_path / "data" / "b.py").write_text("def later():\n    from data.a import thing\n")
    (tmp_path / "data" / "c.py").write_text("from data import a, b\n")
    assert import_cycles(import_graph("data")) == [["data.a", "data.b"]]


def test_no_import_cycles_in_data():
    """No two data/ modules import each other, not even through others or inside a
    function: the handle (data.db) knows no rule, hooks are registered into it."""
    graph = import_graph("data")
    found = [" → ".join(group) + "  (" + "; ".join(
        f"{a} imports {b} at line {graph[a][b]}" for a in group for b in group if b in graph[a]) + ")"
        for group in import_cycles(graph)]
    assert found == []


#: What the shell may take from the database handle: opening the database is its job
#: (`frontdesk --db …`), and so are closing it and turning a SQLite error about the file
#: into a message. Everything else it asks of data/ functions.
SHELL_MAY_USE_OF_DB = ("data.db.open_database", "data.db.close_database",
                       "data.db.database_problem")


#: The command-line code: the command groups, and the bench and the soak they run.
CLI = ("tui/cli", "tui/bench.py", "tui/soak.py")


def test_the_cli_reaches_the_store_only_to_open_and_close_it():
    found = broken(_files(*CLI), ("data.db", "data.models", "peewee"),
                   allowed=SHELL_MAY_USE_OF_DB)
    # `from data.db import open_database` also names data.db itself: that alone is the opening.
    lines_ok = {f.rsplit(" imports ", 1)[0] for f in broken(
        _files(*CLI), SHELL_MAY_USE_OF_DB)}
    assert [f for f in found
            if not (f.endswith(" imports data.db") and f.rsplit(" imports ", 1)[0] in lines_ok)] == []


def test_the_audit_hooks_are_on_the_handle_whatever_is_imported_first():
    """data.db knows no rule, yet a process that imports only the handle and a model still
    writes its audit row: data/__init__ wires the trail into the handle."""
    code = (
        "from data.db import _pg_transaction_hooks, _sqlite_write_hooks\n"
        "from data.models import Person\n"
        "print(sorted(h.__module__ + '.' + h.__name__ for h in _sqlite_write_hooks + _pg_transaction_hooks))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    # The hooks load data.audit at the first write (by then every module is loaded).
    assert result.stdout.strip() == "['data._audit_pg', 'data._audit_sqlite']"
