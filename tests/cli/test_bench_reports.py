"""`frontdesk bench --only reports` at a tiny size: the set-based work-order database is
built and one month's work-order reports are run and their figures printed (never
asserted as times)."""

from __future__ import annotations

import json

from tui.bench import run_bench


def test_reports_bench_builds_and_prints_its_figures(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("FRONTDESK_BENCH_DIR", str(tmp_path))
    assert run_bench(as_json=True, runs=2, sizes=(2000,), only="reports") == 0
    record = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert record["bench"] == "reports" and record["orders"] == 2000 and record["month_orders"] > 0
    assert record["category_rows"] == 12 and record["technician_rows"] > 1
    assert {"category_p50_ms", "building_p95_ms", "technician_p50_ms"} <= set(record)
    left = [p.name for p in (tmp_path / "bench").iterdir() if p.name.endswith(".db")]
    assert len(left) == 1 and left[0].startswith("reports-2000-")  # the cache, read in place
    assert run_bench(runs=1, sizes=(2000,), only="reports") == 0  # the cached database, text output
    assert "2000" in capsys.readouterr().out
