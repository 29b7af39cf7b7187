"""`frontdesk bench --only fees` at a tiny size: the set-based fees database is built, one
month billed for every room (a room changing owner mid-month billed to each), the arrears
list read; figures are printed, never asserted as times."""

from __future__ import annotations

import json

from tui.bench import bench_fees, run_bench


def test_fees_bench_bills_every_room_and_reads_the_arrears_list(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("FRONTDESK_BENCH_DIR", str(tmp_path))
    figures = bench_fees(200, runs=2, say=lambda text: None)
    # 200 rooms × 2 monthly items, and room 5's two owners (the 1st–15th, the 16th on): 2 more lines
    assert figures["bills"] == 402
    assert figures["owing_rooms"] == 40  # four rooms in five paid
    assert {"billing_s", "arrears_all_p50_ms", "arrears_community_p95_ms", "arrears_bucket_p50_ms"} <= set(figures)
    assert run_bench(as_json=True, sizes=(200,), only="fees") == 0  # the cached database, billed afresh
    record = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert record["bench"] == "fees" and record["rooms"] == 200 and record["bills"] == 402
    left = [p.name for p in (tmp_path / "bench").iterdir()]
    assert len(left) == 1 and left[0].startswith("fees-200-") and left[0].endswith(".db")  # only the cache
