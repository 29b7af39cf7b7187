"""`frontdesk bench --only search` at tiny sizes: the owner-search database is built once per
size and cached, each kind of query finds people, and a search loads the page the owners
screen shows at 120×40; figures are printed, never asserted as times."""

from __future__ import annotations

import json

from data.benchmarks import QUERY_KINDS
from tui.bench import run_bench


def test_search_bench_builds_caches_and_times_the_shown_page(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("FRONTDESK_BENCH_DIR", str(tmp_path))
    assert run_bench(as_json=True, sizes=(200, 400), only="search") == 0
    records = [json.loads(line) for line in capsys.readouterr().out.strip().splitlines()]
    search = [r for r in records if r["bench"] == "search"]
    assert {(r["owners"], r["kind"]) for r in search} == {(n, k) for n in (200, 400) for k in QUERY_KINDS}
    assert all(r["no_hit"] == 0 for r in search)  # the queries are drawn from stored rows
    assert {r["page"] for r in search} == {33}  # the rows of the owners screen at 120×40
    assert any(r["bench"] == "search_mean_ratio" for r in records)
    left = sorted(p.name for p in (tmp_path / "bench").iterdir())
    assert [name.split("-")[:2] for name in left] == [["search", "200"], ["search", "400"]]
    assert all(name.endswith(".db") for name in left)  # only the caches
