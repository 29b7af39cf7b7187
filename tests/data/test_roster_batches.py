"""The roster import merges a batch of rows at a time (issue 21 item 6): the outcome does
not depend on where the batches split the file — people met again in a later batch, rooms
named by an earlier one, an owner of two rooms — and a second import finds every row."""

from __future__ import annotations

import pytest

from data import roster, roster_bench
from data.models import Occupancy, Person, Phone, Room, Vehicle
from data.roster import import_owners
from tests import factories as f


def _contents() -> dict[str, list]:
    return {
        "people": sorted((p.name, p.id_number or "", p.note) for p in Person.select()),
        "phones": sorted((p.person.name, p.number, p.is_primary) for p in Phone.select(Phone, Person).join(Person)),
        "rooms": sorted((r.community_id, r.code, str(r.area_m2)) for r in Room.select()),
        "occupancies": sorted((o.person.name, o.room.code, o.role) for o in
                              Occupancy.select(Occupancy, Person, Room).join(Person).switch(Occupancy).join(Room)),
        "vehicles": sorted(v.plate for v in Vehicle.select()),
    }


@pytest.mark.parametrize("batch", [7, 500])
def test_where_the_batches_split_the_file_changes_nothing(database, tmp_path, monkeypatch, batch):
    for name in roster_bench.COMMUNITIES:
        f.community(name)
    path = roster_bench.write_roster(tmp_path / "roster.csv", 300, seed=5)
    monkeypatch.setattr(roster, "BATCH", batch)
    progress: list[int] = []

    first = import_owners(str(path), progress=lambda done, total: progress.append(done))

    assert progress == list(range(1, 301))  # every row once, in order, whatever the batch
    assert (first.rows, first.occupancies_added, first.rows_unchanged) == (300, 300, 0)
    assert first.rooms_created == Room.select().count() and first.people_created == Person.select().count()
    assert first.people_created < 300  # owners of two rooms are merged, across batches too
    before = _contents()
    monkeypatch.setattr(roster, "BATCH", 500)  # the same file in one batch finds every row
    again = import_owners(str(path))
    assert again.rows_unchanged == 300 and again.people_matched == first.people_created
    assert _contents() == before

