"""`frontdesk bench --only startup`: FrontDesk started through its entry point next to a bare
Textual app, each step reported (imports, database, first paint, first counts, exit); the
figures are printed, never asserted as times."""

from __future__ import annotations

import json

from tui.bench import PHASES, run_bench


def test_startup_bench_reports_each_step_of_both_starts(capsys):
    assert run_bench(as_json=True, runs=1, only="startup") == 0
    record = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert record["bench"] == "startup"
    for kind in ("bare", "frontdesk"):
        for step, _mark in PHASES:
            assert record[f"{kind}_{step}_ms"] >= 0
        assert record[f"{kind}_start_ms"] > 0 and record[f"{kind}_total_ms"] >= record[f"{kind}_start_ms"]
    assert record["frontdesk_database_ms"] > 0 and record["frontdesk_counts_ms"] > 0
    assert record["start_ratio"] > 0 and record["rss_ratio"] > 0


def test_startup_bench_prints_the_steps_next_to_the_bare_app(capsys):
    assert run_bench(runs=1, only="startup") == 0
    out = capsys.readouterr().out
    assert "空白 Textual 应用" in out and "首次绘制" in out and "没有 PostgreSQL 驱动" in out
