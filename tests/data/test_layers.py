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

import pytest

ROOT = Path(__file__).resolve().parents[2]

#: The data kernel (STYLE.md): pure helpers any layer may use.
KERNEL = ("data/i18n.py", "data/errors.py", "data/clock.py", "data/validators.py",
          "data/vocab.py", "data/pinyin.py")


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


@pytest.mark.xfail(strict=True, reason=(
    "broken today (issue 13), by screens/calendar.py (data.models: Room, Staff), and "
    "data.db.transaction / close_database in screens/calls.py, screens/drafts.py, "
    "screens/owner_forms.py and screens/workorder_forms.py; drop this mark once they ask data/"))
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

