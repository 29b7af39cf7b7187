"""The soak (issue 8): many processes writing at once lose nothing; the check sees a loss."""

from __future__ import annotations

import pytest

from data.db import close_database, open_database
from data.models import Setting, WorkOrder
from tui import soak
from tui.cli import main

pytestmark = [pytest.mark.filterwarnings("ignore::DeprecationWarning"),
              pytest.mark.serial]  # many processes at once


def test_a_reduced_soak_loses_nothing(db_url_unmigrated):
    close_database()
    report = soak.run_soak(db_url_unmigrated, processes=4, transactions=20, seed_value=3)
    assert report.errors == []
    assert report.locked == 0
    assert report.lost == []
    assert report.done == 4 * 20
    assert set(report.latencies) == set(soak.KINDS)
    assert report.ok


def test_verify_sees_a_lost_increment_and_a_lost_change(tmp_path):
    seeded = soak.seed(str(tmp_path / "soak.db"))
    close_database()
    # A worker that says it incremented once and noted on a busy order, which never landed.
    claimed = soak.WorkerResult(0, increments=1, changes={seeded.hot_ids[0]: 1})
    lost = soak.verify(seeded, [claimed])
    assert any("0" in line and "1" in line for line in lost)
    assert any(str(seeded.hot_ids[0]) in line for line in lost)
    assert len(lost) == 3  # the counter, the version, the history
    assert soak.verify(seeded, [soak.WorkerResult(0)]) == []


def test_the_soak_refuses_a_database_with_data(sqlite_url, capsys):
    from tests import factories as f

    open_database(sqlite_url)
    f.staff()
    close_database()
    assert main(["--lang", "en", "--db", sqlite_url, "soak", "--processes", "1",
                 "--transactions", "1"]) == 2
    assert "new, empty database" in capsys.readouterr().err
    open_database(sqlite_url)
    assert not Setting.select().where(Setting.key == soak.COUNTER_KEY).exists()
    assert WorkOrder.select().count() == 0


def test_soak_command_prints_figures_and_passes(capsys):
    assert main(["--lang", "en", "soak", "--processes", "2", "--transactions", "10"]) == 0
    out = capsys.readouterr().out
    assert "transactions/s" in out
    assert "Lost updates: 0." in out
    assert out.strip().endswith("OK")


def test_soak_command_checks_its_options(capsys):
    assert main(["--lang", "en", "soak", "--processes", "0"]) == 2
    assert "--processes must be at least 1" in capsys.readouterr().err
