"""The demo registers (`frontdesk sample`): keys for about 2 % of the occupied rooms with
people who may collect them, one out for three days; a year of parcels, most collected,
some waiting, told or not; lost-and-found items claimed, unclaimed and disposed of."""

from __future__ import annotations

import datetime as dt

import pytest

from data import desk_registers as reg
from data.db import close_database, open_database
from data.models import FoundItem, KeyAuthorisation, KeyDeposit, OutboundMessage, Parcel
from data.sample import generate

TODAY = dt.date(2025, 6, 18)
NOW = dt.datetime(2025, 6, 18, 9, 0)


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    path = tmp_path_factory.mktemp("registers") / "sample.db"
    generate(str(path), owners=300, seed=3, today=TODAY)
    close_database()
    return str(path)


@pytest.fixture
def opened(sample):
    open_database(sample)
    yield
    close_database()


def test_keys_for_about_two_percent_of_rooms_some_out_one_for_three_days(opened):
    occupied = Parcel._meta.database.execute_sql(
        "SELECT COUNT(DISTINCT room_id) FROM occupancy WHERE end_date IS NULL").fetchone()[0]
    deposits = KeyDeposit.select().count()
    assert 0.01 * occupied <= deposits <= 0.03 * occupied + 3
    assert all(KeyAuthorisation.select().where(KeyAuthorisation.deposit == d).count() >= 2
               for d in KeyDeposit.select())
    out = reg.keys_out(NOW)
    assert len(out) >= 2 and [o.overdue for o in out].count(True) == 1
    assert out[0].out_at == NOW - dt.timedelta(days=3, hours=-1)  # out since 10:00 three days ago
    assert {d.state for d in KeyDeposit.select()} >= {"held", "out"}


def test_a_year_of_parcels_most_collected_some_waiting_told_or_not(opened):
    parcels = list(Parcel.select())
    waiting = [p for p in parcels if p.state == "waiting"]
    assert len(parcels) >= 300 and 5 <= len(waiting) < 0.1 * len(parcels)
    assert min(p.received_at for p in parcels) >= NOW - dt.timedelta(days=366)
    assert all(p.collected_at >= p.received_at and p.collected_by for p in parcels if p.state == "collected")
    assert {p.collected_how for p in parcels if p.state == "collected"} == {"resident", "code", "note"}
    notices = {p.notified: p.notice for p in parcels}
    assert "已发消息给" in notices[True] and "未配置短信命令" in notices[False]
    told = [p for p in parcels if p.notified]
    assert OutboundMessage.select().where(OutboundMessage.about == "parcel").count() == len(told)
    assert reg.list_parcels(overdue_only=True, at=NOW).total >= 1


def test_lost_and_found_claimed_unclaimed_and_disposed_after_ninety_days(opened):
    items = list(FoundItem.select())
    assert {i.state for i in items} == {"held", "claimed", "disposed"}
    for i in items:
        if i.state == "disposed":
            assert i.disposed_at - i.found_at >= dt.timedelta(days=90) and i.disposal_note
        if i.state == "claimed":
            assert i.claimed_by and i.claimed_at > i.found_at and i.claimed_at <= NOW
