"""SVG snapshots of the leads screens at 80×24: the pipeline with my follow-ups due first, a
lead's card with its timeline, and the funnel with its chart.

In English, so that adding Chinese translations does not change them; the clock is pinned.
Regenerate after an intended change of the look:
`.venv/bin/pytest tests/snapshots/test_snapshots_leads.py --snapshot-update`, then look at the SVGs.
"""

from __future__ import annotations

import datetime as dt

import pytest

from data import i18n, leads, people
from data.db import close_database, open_database
from data.leads import LeadInput
from data.models import Room
from data.people import PersonInput
from tests import factories as f
from tests.helpers.snapshots import settle, snapshot

NOW = dt.datetime(2026, 11, 27, 10, 0)


@pytest.fixture
def pipeline(sqlite_url, monkeypatch):
    """Six leads of 锦绣花园 in every state: due today and overdue (mine), ahead, won and
    converted, lost; a known owner among them."""
    i18n.set_language("en")
    open_database(sqlite_url)
    comm = f.community("锦绣花园")
    me = f.staff("desk1", "李娜", community=comm)
    other = f.staff("desk2", "王芳", community=comm)
    room = people.ensure_room(comm.id, "3-2-501")
    owner = people.create_person(PersonInput(name="张晓明", gender="M", phones=["13800138000"]))
    people.move_in(owner, room, "owner", dt.date(2019, 5, 1))
    Room.update(state="occupied").where(Room.id == room).execute()
    people.ensure_room(comm.id, "3-2-502")
    people.ensure_room(comm.id, "5-1-1201")

    def at(when: dt.datetime) -> None:
        monkeypatch.setenv("FRONTDESK_NOW", when.isoformat(sep=" "))

    def lead(day: int, name: str, phone: str, source: str, interest: str, owner_id: int, **extra):
        at(NOW - dt.timedelta(days=day))
        return leads.create_lead(LeadInput(name, [phone], source, interest, community_id=comm.id,
                                           owner_id=owner_id, **extra), me.id)

    a = lead(12, "孙悦", "13566667777", "来电", "租房", me.id, places="3-2-502", budget="4500",
             note="想租两房，月底前入住")
    at(NOW - dt.timedelta(days=11))
    leads.log_contact(a.id, "call", "约周六看房", me.id)
    at(NOW - dt.timedelta(days=5))
    leads.advance(a.id, me.id, "看过房，喜欢南向")
    leads.set_followup(a.id, NOW + dt.timedelta(hours=4), me.id)
    b = lead(9, "周女士", "13311112222", "到访", "家政", me.id)
    lead(6, "张晓明", "13800138000", "业主推荐", "装修", other.id, referrer="13800138000", budget="3万",
         next_followup=NOW + dt.timedelta(days=2))
    c = lead(30, "吴先生", "13700001111", "转介绍", "租房", me.id, places="5-1-1201")
    at(NOW - dt.timedelta(days=20))
    leads.convert_to_tenant(c.id, me.id)
    d = lead(40, "上海鑫源餐饮有限公司", "021-55551234", "线上", "商铺", other.id)
    at(NOW - dt.timedelta(days=35))
    leads.lose(d.id, "price", other.id, "租金预算不够")
    at(NOW - dt.timedelta(days=3))
    leads.log_contact(b.id, "message", "发了保洁价目表", me.id, next_followup=NOW - dt.timedelta(days=1))
    at(NOW)
    yield
    close_database()


def test_leads_pipeline(pipeline, snap_compare):
    async def run_before(pilot):
        await settle(pilot)
        pilot.app.action_open_leads()
        await settle(pilot)

    assert snapshot(snap_compare, "desk1", run_before)


def test_lead_card_with_its_timeline(pipeline, snap_compare):
    async def run_before(pilot):
        await settle(pilot)
        pilot.app.action_open_leads()
        await settle(pilot)
        await pilot.press("down", "enter")  # the second of my due leads: 孙悦 (周女士 is overdue)
        await settle(pilot)

    assert snapshot(snap_compare, "desk1", run_before)


def test_lead_funnel_by_interest(pipeline, snap_compare):
    async def run_before(pilot):
        await settle(pilot)
        pilot.app.action_open_leads()
        await settle(pilot)
        await pilot.press("t")
        await settle(pilot)
        await pilot.press("i")
        await settle(pilot)

    assert snapshot(snap_compare, "desk1", run_before)
