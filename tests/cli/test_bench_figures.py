"""`frontdesk bench --save FILE` and `--against FILE` (issue 21 item 7), with a tiny fake
figure set in place of the benchmarks: what is written, what is compared, what is refused.
No timing is asserted."""

from __future__ import annotations

import json

import pytest

from tui import bench, bench_figures
from tui.cli import main

RECORDS = [
    {"bench": "search", "owners": 10000, "kind": "name2", "p50_ms": 1.0, "p95_ms": 2.0, "mean_hits": 3.5,
     "no_hit": 0},
    {"bench": "queue", "owners": 10000, "view": "open", "first_p50_ms": 4.0, "first_p95_ms": 5.0,
     "next_p50_ms": None, "next_p95_ms": None, "rows": "1,234"},
    {"bench": "import", "rows": 10000, "import_s": 2.5, "reimport_s": 1.0},
    {"bench": "search_ratio", "sizes": [10000, 1000000], "name2": 1.2},
]


@pytest.fixture
def fake_bench(monkeypatch):
    """`run_bench` replaced by one keeping RECORDS scaled by `factor` (a list, to change)."""
    factor = [1.0]

    def fake_run_bench(**kwargs) -> int:
        for record in RECORDS:
            bench.keep({k: v * factor[0] if isinstance(v, float) else v for k, v in record.items()})
        return 0

    monkeypatch.setattr(bench, "run_bench", fake_run_bench)
    return factor


def test_figures_are_named_by_bench_case_and_measure():
    figures = bench_figures.figures_of(RECORDS)
    assert figures == {
        "search owners=10000 kind=name2 p50_ms": 1.0,
        "search owners=10000 kind=name2 p95_ms": 2.0,
        "search owners=10000 kind=name2 mean_hits": 3.5,
        "search owners=10000 kind=name2 no_hit": 0,
        "queue owners=10000 view=open first_p50_ms": 4.0,
        "queue owners=10000 view=open first_p95_ms": 5.0,  # None and the "rows" text are not figures
        "import rows=10000 import_s": 2.5,
        "import rows=10000 reimport_s": 1.0,
        "search_ratio sizes=10000-1000000 name2": 1.2,
    }


def test_save_writes_the_figures_with_the_commit_and_the_machine(fake_bench, tmp_path, capsys):
    target = tmp_path / "before.json"
    assert main(["--lang", "en", "bench", "--only", "import", "--save", str(target)]) == 0
    assert f"Saved 9 figures to {target}" in capsys.readouterr().out

    saved = json.loads(target.read_text(encoding="utf-8"))
    assert saved["format"] == "frontdesk-bench" and saved["version"] == 1
    assert saved["commit"] == "unknown" or len(saved["commit"]) == 40
    assert saved["machine"]["cores"] >= 1 and saved["machine"]["platform"]
    assert saved["options"] == {"runs": 5, "sizes": [10000], "only": "import"}
    assert saved["records"] == RECORDS
    assert saved["figures"]["import rows=10000 import_s"] == 2.5
    assert bench.kept is None  # nothing kept after the run

    # Saving again replaces the figures file.
    fake_bench[0] = 2.0
    assert main(["--lang", "en", "bench", "--only", "import", "--save", str(target)]) == 0
    assert json.loads(target.read_text(encoding="utf-8"))["figures"]["import rows=10000 import_s"] == 5.0


def test_against_prints_each_figure_beside_the_saved_one_with_the_ratio(fake_bench, tmp_path, capsys):
    saved = tmp_path / "before.json"
    assert main(["--lang", "en", "bench", "--only", "import", "--save", str(saved)]) == 0
    data = json.loads(saved.read_text(encoding="utf-8"))
    data["figures"]["startup bare_start_ms"] = 300.0  # a figure this run does not measure
    del data["figures"]["search owners=10000 kind=name2 no_hit"]  # one it measures anew
    saved.write_text(json.dumps(data), encoding="utf-8")
    capsys.readouterr()

    fake_bench[0] = 0.5
    assert main(["--lang", "en", "bench", "--only", "import", "--against", str(saved)]) == 0
    out = capsys.readouterr().out
    lines = {line.split("  ")[1].strip(): line.split() for line in out.splitlines() if line.startswith("  ")
             and not line.startswith("  now") and not line.startswith("  saved")}
    assert lines["import rows=10000 import_s"][-3:] == ["1.25", "2.5", "0.50×"]
    assert lines["search owners=10000 kind=name2 mean_hits"][-1] == "0.50×"
    assert lines["search owners=10000 kind=name2 no_hit"][-1] == "(new)"
    assert lines["startup bare_start_ms"][-3:] == ["300", "(not", "run)"]
    assert "Figures now against" in out and "cores" in out


def test_save_and_against_in_json_mode_keep_stdout_for_the_records(fake_bench, tmp_path, capsys):
    saved = tmp_path / "f.json"
    assert main(["--lang", "en", "bench", "--json", "--only", "import", "--save", str(saved),
                 "--against", str(saved)]) == 2
    assert "There is no file" in capsys.readouterr().err  # against a file not written yet: refused first

    assert main(["--lang", "en", "bench", "--json", "--only", "import", "--save", str(saved)]) == 0
    assert main(["--lang", "en", "bench", "--json", "--only", "import", "--against", str(saved)]) == 0
    captured = capsys.readouterr()
    assert captured.out == ""  # the fake bench prints nothing; the comparison goes to stderr
    assert "now / saved" in captured.err


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"not json at all", "not JSON"),
        (b"\xff\xfe\x00", "not JSON"),
        (json.dumps({"bench": "search"}).encode(), "format"),
        (json.dumps([1, 2, 3]).encode(), "format"),
        (json.dumps({"format": "frontdesk-bench", "version": 99, "figures": {"a": 1}}).encode(), "version 99"),
        (json.dumps({"format": "frontdesk-bench", "version": 1, "figures": {}}).encode(), "no figures"),
        (json.dumps({"format": "frontdesk-bench", "version": 1, "figures": {"x": "fast"}}).encode(),
         "not a number"),
        (json.dumps({"format": "frontdesk-bench", "version": 1, "figures": {"x\x1b[2J": 1.0}}).encode(),
         "printable"),
        (json.dumps({"format": "frontdesk-bench", "version": 1, "figures": {"x": 1.0}, "commit": "$(rm -rf)",
                     "machine": {"cores": 2, "platform": "Linux"}}).encode(), "commit"),
        (json.dumps({"format": "frontdesk-bench", "version": 1, "figures": {"x": 1.0}, "commit": "unknown",
                     "machine": {"cores": 2, "platform": "Linux\u202e"}}).encode(), "machine"),
    ],
    ids=["text", "binary", "foreign", "list", "newer", "empty", "string-figure", "escape-name", "commit",
         "bidi-platform"],
)
def test_a_malformed_or_foreign_file_is_refused_before_anything_runs(tmp_path, capsys, monkeypatch, content,
                                                                      reason):
    path = tmp_path / "figures.json"
    path.write_bytes(content)
    ran = []
    monkeypatch.setattr(bench, "run_bench", lambda **kwargs: ran.append(1) or 0)
    assert main(["--lang", "en", "bench", "--only", "import", "--against", str(path)]) == 2
    err = capsys.readouterr().err
    assert "is not a figures file of frontdesk bench --save" in err and reason in err
    assert "\x1b" not in err and ran == []


def test_a_missing_or_huge_file_is_refused(fake_bench, tmp_path, capsys, monkeypatch):
    assert main(["--lang", "en", "bench", "--only", "import", "--against", str(tmp_path / "none.json")]) == 2
    assert "There is no file" in capsys.readouterr().err
    monkeypatch.setattr(bench_figures, "MAX_BYTES", 10)
    big = tmp_path / "big.json"
    big.write_text(json.dumps({"format": "frontdesk-bench", "version": 1}), encoding="utf-8")
    assert main(["--lang", "en", "bench", "--only", "import", "--against", str(big)]) == 2
    assert "larger than" in capsys.readouterr().err


def test_save_never_overwrites_a_file_that_is_not_a_figures_file(fake_bench, tmp_path, capsys):
    precious = tmp_path / "owners.db"
    precious.write_bytes(b"SQLite format 3\x00 and more")
    assert main(["--lang", "en", "bench", "--only", "import", "--save", str(precious)]) == 2
    assert "exists and is not a figures file" in capsys.readouterr().err
    assert precious.read_bytes() == b"SQLite format 3\x00 and more"

    missing_dir = tmp_path / "no" / "such" / "dir.json"
    assert main(["--lang", "en", "bench", "--only", "import", "--save", str(missing_dir)]) == 2
    assert "Cannot write the figures" in capsys.readouterr().err
