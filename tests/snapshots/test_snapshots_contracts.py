"""SVG snapshots of the contracts screen (issue 17 item 4) at 80×24: the register with
contracts in every status (one ending within 30 days in red), and a contract in full.

In English, so that adding Chinese translations does not change them; the clock pinned.
Regenerate after an intended change of the look:
`.venv/bin/pytest tests/snapshots/test_snapshots_contracts.py --snapshot-update`, then look
at the SVGs.
"""

from __future__ import annotations

import datetime as dt

import pytest

from data import contracts as ct
from data import i18n, people
from data.db import close_database, open_database
from data.people import PersonInput
from data.staff import sign_in
from tests import factories as f
from tests.helpers.snapshots import press
from tui.app import FrontDeskApp

NOW = "2027-03-01 09:00"


@pytest.fixture
def register(sqlite_url, monkeypatch):
    monkeypatch.setenv("FRONTDESK_NOW", NOW)
    i18n.set_language("en")
    open_database(sqlite_url)
    comm = f.community("锦绣花园")
    for code, name in (("3-2-501", "张晓明"), ("5-1-101", "李芳"), ("12-1-1203", "欧阳建国")):
        room = people.ensure_room(comm.id, code)
        people.move_in(people.create_person(PersonInput(name=name, phones=["13800138000"])), room, "owner")
    desk = f.staff("desk1", "李娜", "desk")
    lead = f.staff("super1", "陈静", "supervisor")

    def new(kind, room, amount, start, end, subject=""):
        return ct.create_contract(ct.ContractInput(kind=kind, amount=amount, start_date=start, end_date=end,
                                                   room=room, subject=subject), desk.id)

    d = dt.date
    monkeypatch.setenv("FRONTDESK_NOW", "2026-01-28 10:00")  # last year's, run out since
    ct.sign(new("parking", "5-1-101", "3000", d(2026, 2, 1), d(2027, 1, 31)).id, desk.id)
    monkeypatch.setenv("FRONTDESK_NOW", NOW)
    ct.sign(new("parking", "3-2-501", "3600", d(2026, 3, 20), d(2027, 3, 19), "B2-034 车位").id, desk.id)
    ct.sign(new("housekeeping", "5-1-101", "12800", d(2027, 1, 1), d(2027, 12, 31), "每周两次保洁").id, desk.id)
    new("renovation", "12-1-1203", "5000", d(2027, 3, 10), d(2027, 6, 30), "厨卫翻新")
    ct.advance_statuses(d(2027, 3, 1))
    gone = new("housekeeping", "12-1-1203", "6000", d(2026, 6, 1), d(2027, 5, 31))
    ct.terminate(gone.id, lead.id, "业主搬走，双方协商解除")
    ct.create_proposal(ct.ProposalInput(name="王先生", phone="13700137000", interest="房屋托管",
                                        rooms="5-1-101", amount="1200"), desk.id)
    yield
    close_database()


def _app() -> FrontDeskApp:
    return FrontDeskApp(sign_in("desk1"), "demo.db")


def opened(*keys: str):
    """Open the contracts screen (as the palette does), then press `keys`, settling after each."""
    async def run_before(pilot) -> None:
        await press()(pilot)
        pilot.app.action_open_screen("contracts")
        await press(*keys)(pilot)

    return run_before


def test_the_register(register, snap_compare):
    assert snap_compare(_app(), terminal_size=(80, 24), run_before=opened())


def test_a_contract_in_full(register, snap_compare):
    assert snap_compare(_app(), terminal_size=(80, 24), run_before=opened("down", "down", "down", "down", "enter"))
