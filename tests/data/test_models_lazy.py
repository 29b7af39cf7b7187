"""data.models defines the first screen's models on import and every other domain's on
first use (issue 21, cold start), with the same package API: each model by name, and
ALL_MODELS holding every model in dependency order."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import peewee
import pytest

ROOT = Path(__file__).resolve().parents[2]


def _run(code: str) -> dict:
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout.splitlines()[-1])


def test_other_domains_models_load_when_first_asked_for():
    found = _run(
        "import json, sys\n"
        "import data.models as m\n"
        "before = sorted(k for k in sys.modules if k.startswith('data.models.'))\n"
        "from data.models import Bill\n"
        "after = sorted(k for k in sys.modules if k.startswith('data.models.'))\n"
        "print(json.dumps({'before': before, 'after': after, 'bill': Bill._meta.table_name,\n"
        "                  'same': Bill is sys.modules['data.models.fees'].Bill}))\n")
    assert "data.models.fees" not in found["before"] and "data.models.leads" not in found["before"]
    assert "data.models.workorders" in found["before"] and "data.models.staff" in found["before"]
    assert "data.models.fees" in found["after"] and "data.models.leads" not in found["after"]
    assert found["same"] and found["bill"] == "bill"


def test_all_models_holds_every_model_of_every_module_in_order():
    import importlib

    import data.models as models

    defined = set()
    for path in (ROOT / "data" / "models").glob("*.py"):
        if path.stem == "__init__":
            continue
        module = importlib.import_module(f"data.models.{path.stem}")
        defined |= {v for v in vars(module).values()
                    if isinstance(v, type) and issubclass(v, peewee.Model) and v.__module__ == module.__name__}
    assert set(models.ALL_MODELS) == defined
    assert len(models.ALL_MODELS) == len(defined)
    for name in models.__all__:
        assert getattr(models, name) is not None
    with pytest.raises(AttributeError):
        models.NoSuchModel  # noqa: B018
