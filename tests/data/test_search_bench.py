"""The owner-search benchmark database (data.search_bench) is what the app would have
written: the bench's queries find the same people, ranked the same, as in a database
where the same people were entered through data.people — on both backends."""

from __future__ import annotations

import datetime as dt

from data import people, schema, search_bench
from data.benchmarks import QUERY_KINDS, search_terms
from data.db import close_database, db, open_database
from data.people import PersonInput
from data.search import search
from tests import factories as f

HOUSEHOLDS = 120
PER_KIND = 25


def _extra_queries(terms: dict[str, list[str]]) -> list[str]:
    """Other forms a clerk types: a name's surname, a room's entrance, a whole phone."""
    out = []
    for name in terms["name2"][:5]:
        out.append(name[0])
    for room in terms["room"][:5]:
        out.append(room.rsplit("-", 1)[0])
    return out


def _shown(result) -> tuple:
    """What a clerk sees of a result (ids aside: they are mapped)."""
    hits = [(h.id, h.name, h.role, h.current, h.rooms, h.communities, h.phones, h.plates, h.tags,
             h.matched, h.exact) for h in result.hits]
    rooms = [(r.code, r.community) for r in result.rooms]
    return (result.understood, result.too_short, result.more, hits, rooms)


def _read_bench(path: str) -> tuple[list[str], dict[str, tuple], dict]:
    """Build the bench database at `path`; its queries, their results, and its content."""
    open_database(path, create=True)
    try:
        schema.migrate()
        search_bench.build(HOUSEHOLDS)
        terms = search_terms(PER_KIND)
        queries = list(dict.fromkeys([q for kind in QUERY_KINDS for q in terms[kind]]
                                     + _extra_queries(terms)))
        results = {q: _shown(search(q)) for q in queries}
        run = lambda sql: list(db.execute_sql(sql).fetchall())  # noqa: E731
        content = {
            "communities": run("SELECT id, name FROM community ORDER BY id"),
            "rooms": run("SELECT id, community_id, code FROM room ORDER BY id"),
            "people": run("SELECT id, name, gender, id_number FROM person ORDER BY id"),
            "phones": run("SELECT person_id, number, label FROM phone ORDER BY id"),
            "vehicles": run("SELECT person_id, plate FROM vehicle ORDER BY id"),
            "occupancies": run("SELECT person_id, room_id, role, start_date, end_date FROM occupancy ORDER BY id"),
            "tags": run("SELECT pt.person_id, t.name FROM person_tag pt JOIN tag t ON t.id = pt.tag_id "
                        "ORDER BY pt.id"),
        }
    finally:
        close_database()
    return queries, results, content


def _day(value) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


def _write_through_data_layer(content: dict) -> dict[int, int]:
    """The same communities, rooms and people entered through data.people; bench person id
    → new id."""
    communities = {cid: f.community(name).id for cid, name in content["communities"]}
    rooms = {rid: people.ensure_room(communities[cid], code) for rid, cid, code in content["rooms"]}
    phones: dict[int, list[tuple[str, str]]] = {}
    for pid, number, label in content["phones"]:
        phones.setdefault(pid, []).append((number, label))
    ids: dict[int, int] = {}
    for pid, name, gender, id_number in content["people"]:
        own = phones.get(pid, [])
        ids[pid] = people.create_person(PersonInput(name=name, gender=gender, id_number=id_number or "",
                                                    phones=[n for n, _label in own[:1]]))
        for number, label in own[1:]:
            people.add_phone(ids[pid], number, label)
    for pid, plate in content["vehicles"]:
        people.add_vehicle(ids[pid], plate)
    for pid, room, role, start, end in content["occupancies"]:
        occupancy = people.move_in(ids[pid], rooms[room], role, _day(start))
        if end is not None:
            people.move_out(occupancy, _day(end))
    tags: dict[int, list[str]] = {}
    for pid, tag in content["tags"]:
        tags.setdefault(pid, []).append(tag)
    for pid, names in tags.items():
        people.set_tags(ids[pid], names)
    return ids


def test_bench_queries_find_what_the_data_layer_would(db_url, tmp_path):
    queries, bench_results, content = _read_bench(str(tmp_path / "bench.db"))
    assert len(content["people"]) > HOUSEHOLDS  # owners, co-owners, tenants, family, past
    assert {role for _p, _r, role, _s, _e in content["occupancies"]} >= {"owner", "co_owner", "tenant", "family"}
    assert any(end is not None for *_x, end in content["occupancies"])
    assert content["vehicles"] and content["tags"]

    open_database(db_url)
    ids = _write_through_data_layer(content)
    back = {new: old for old, new in ids.items()}
    found = 0
    for query in queries:
        understood, too_short, more, hits, rooms = _shown(search(query))
        hits = [(back[h[0]], *h[1:]) for h in hits]
        assert (understood, too_short, more, hits, rooms) == bench_results[query], query
        found += bool(hits)
    assert found >= len(queries) * 0.9  # the queries are drawn from rows: nearly all find someone
