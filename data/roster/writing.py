"""Merging valid rows into the database, and writing the rejects file."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from pathlib import Path

from peewee import AutoField, CharField, TextField

from data import access, people
from data.clock import today
from data.db import db
from data.errors import FrontDeskError, ValidationError
from data.i18n import _
from data.models import (
    Building,
    Entrance,
    Occupancy,
    ParkingSpace,
    Person,
    PersonNameKey,
    PersonTag,
    Phone,
    Room,
    Tag,
    Vehicle,
)
from data.people import PersonInput
from data.property import parse_area
from data.rooms import ParsedRoom
from data.roster.reading import Table
from data.roster.report import ImportReport, RowError
from data.roster.validate import Row as _Row
from data.validators import normalize_phone, plate_tail

#: Columns of the rejects file added after the original ones.
REJECTS_ROW_HEADER = "行号"
REJECTS_REASON_HEADER = "原因"

#: Values per IN (…) lookup, and rows per multi-row INSERT: well below the bound-parameter
#: limits of SQLite and PostgreSQL.
_CHUNK = 500
#: Rows merged per round: their rooms and people are read in one query each, what is new
#: is inserted in one statement per table (issue 21: 10 000 rows in seconds, not minutes).
BATCH = 500
_CENT = Decimal("0.01")


def _chunks(values: list, size: int = _CHUNK):
    for i in range(0, len(values), size):
        yield values[i : i + size]


def _insert(model, rows: list[dict], *, ids: bool = False) -> list[int]:
    """Insert `rows` (by field name; the model's defaults fill the others) into `model`'s
    table, a few hundred per statement (the audit triggers write one row each, as for a
    single insert); with `ids`, the new ids in the order of `rows` (a multi-row INSERT
    numbers its rows in order: they are sorted, RETURNING's order is not trusted). The SQL
    is written here: peewee's builder spends milliseconds a statement on its value nodes."""
    if not rows:
        return []
    fields = [f for f in model._meta.sorted_fields
              if not isinstance(f, AutoField) and (f.name in rows[0] or f.default is not None)]
    columns = ", ".join(f'"{f.column_name}"' for f in fields)
    one = "(" + ", ".join([db.param] * len(fields)) + ")"
    # Text goes in as it is (what CharField.db_value returns for it), the rest through the
    # field; a default (the clock) is taken once per statement.
    plain = [isinstance(f, (CharField, TextField)) for f in fields]
    new: list[int] = []
    for part in _chunks(rows):
        defaults = {f.name: f.db_value(f.default() if callable(f.default) else f.default)
                    for f in fields if f.name not in part[0]}
        params = []
        for row in part:
            for f, text in zip(fields, plain, strict=True):
                if f.name not in row:
                    params.append(defaults[f.name])
                    continue
                value = row[f.name]
                params.append(value if text and (value is None or type(value) is str) else f.db_value(value))
        sql = f'INSERT INTO "{model._meta.table_name}" ({columns}) VALUES {", ".join([one] * len(part))}'
        if ids:
            new += sorted(r[0] for r in db.execute_sql(sql + ' RETURNING "id"', params).fetchall())
        else:
            db.execute_sql(sql, params)
    return new


def _select(sql: str, *groups: list) -> list[tuple]:
    """The rows of `sql`, each ``{}`` of which is an IN list of the values of a group (bound
    parameters, never text in the SQL): peewee's builder costs more than the query here."""
    marks = [", ".join([db.param] * len(group)) for group in groups]
    return db.execute_sql(sql.format(*marks), [v for group in groups for v in group]).fetchall()


def _area(value) -> Decimal | None:
    return None if value is None else Decimal(str(value)).quantize(_CENT)


class _Room:
    """A room a batch's rows name: found (id known) or created by one of them."""

    __slots__ = ("area", "community_id", "delivery", "id", "new", "parsed", "people", "updates")

    def __init__(self, room_id: int | None, community_id: int, area, delivery, parsed: ParsedRoom | None = None):
        self.id = room_id
        self.community_id = community_id
        self.area: Decimal | None = _area(area)
        self.delivery = delivery
        self.parsed = parsed  # set when a row of this batch creates it
        self.new = parsed is not None
        self.people: dict[_Person, str] = {}  # current occupants → role
        self.updates: list[dict[str, object]] = []  # area_m2 / delivery_date to store, row by row


class _Person:
    """A person rows may merge into: stored (read for this batch) or created by a row of it.
    `key` orders them as their ids will: stored ones by id, then new ones in row order."""

    __slots__ = ("gender", "id", "id_number", "key", "name", "note", "phones", "plates", "tags", "values")

    def __init__(self, key: tuple[int, int], person_id: int | None, name: str, id_number: str | None,
                 note: str, gender: str):
        self.key = key
        self.id = person_id
        self.name = name
        self.id_number = id_number
        self.note = note
        self.gender = gender
        self.phones: list[str] = []
        self.plates: set[str] = set()
        self.tags: list[str] = []
        self.values: dict | None = None  # the columns to insert, for a new person

    def __lt__(self, other: _Person) -> bool:
        return self.key < other.key


class _Batch:
    """The rows of one round, what the database holds about them, and what they add."""

    def __init__(self) -> None:
        self.rooms: dict[tuple[int, str], _Room] = {}
        self.people: dict[int, _Person] = {}  # stored people, by id
        self.by_id_number: dict[str, list[_Person]] = {}
        self.by_name_phone: dict[tuple[str, str], set[_Person]] = {}
        self.new_rooms: list[_Room] = []
        self.new_people: list[_Person] = []
        self.phones: list[tuple[_Person, object, bool]] = []  # (person, normalised phone, primary)
        self.fills: list[tuple[int, _Person, PersonInput]] = []  # (row, person, what to save)
        self.vehicles: list[tuple[_Person, str]] = []
        self.tags: list[tuple[_Person, list[str], bool]] = []  # (person, tags, replacing theirs)
        self.occupancies: list[tuple[_Person, _Room, str, object]] = []
        self.lines: dict[int, _Person] = {}  # row → the person it was merged into


class _Writer:
    """Merges valid rows into the database (inside the caller's transaction), a batch at a
    time: the same outcome, row for row, as merging them one by one in the file's order."""

    def __init__(self, report: ImportReport, community_ids: set[int]):
        self.report = report
        self.community_ids = sorted(community_ids)
        self.created: set[int] = set()
        self.matched: set[int] = set()
        self.updated: set[int] = set()
        self.person_of_line: dict[int, int] = {}  # row → the person it was merged into

    # --- one batch ----------------------------------------------------------------------------

    def write_batch(self, rows: list[_Row]) -> None:
        """Merge `rows` (valid, in the file's order). ValidationError names the row."""
        if not rows:
            return
        access.require("person.create")
        access.require("person.update")
        batch = _Batch()
        self._read(batch, rows)
        for row in rows:
            try:
                self._merge(batch, row)
            except ValidationError as exc:
                exc.row = row.line  # type: ignore[attr-defined]
                raise
        self._store(batch)

    def _read(self, batch: _Batch, rows: list[_Row]) -> None:
        """What the database holds about the batch's rows, one query per kind: their rooms
        (by every code naming them) with who lives there, and the people they may be: same
        ID number, same name and phone, same name in the same room."""
        codes = sorted({code for r in rows for code in r.room.codes})
        communities = sorted({r.community_id for r in rows})
        delivery_value = Room.delivery_date.python_value
        for part in _chunks(codes):
            for room_id, community_id, code, area, delivery in _select(
                    'SELECT "id", "community_id", "code", "area_m2", "delivery_date" FROM "room" '
                    'WHERE "community_id" IN ({}) AND "code" IN ({})', communities, part):
                batch.rooms[(community_id, code)] = _Room(room_id, community_id, area, delivery_value(delivery))
        stored_rooms = {room.id: room for room in batch.rooms.values()}

        names = sorted({r.name for r in rows if r.name})
        name_set = set(names)
        ids = sorted({r.id_number for r in rows if r.id_number})
        numbers = sorted({n for r in rows if r.name for n in r.phones})
        person_ids: set[int] = set()
        for part in _chunks(ids):
            person_ids.update(p for (p,) in _select('SELECT "id" FROM "person" WHERE "id_number" IN ({})', part))
        pairs: list[tuple[int, str, str]] = []
        if names:
            for part in _chunks(numbers):
                pairs += _select('SELECT ph."person_id", p."name", ph."number" FROM "phone" ph '
                                 'JOIN "person" p ON p."id" = ph."person_id" '
                                 'WHERE ph."number" IN ({}) AND p."name" IN ({})', part, names)
        person_ids.update(p for p, _name, _number in pairs)
        occupants: list[tuple[int, int, str]] = []
        for part in _chunks(sorted(stored_rooms)):
            for person_id, room_id, role, name in _select(
                    'SELECT o."person_id", o."room_id", o."role", p."name" FROM "occupancy" o '
                    'JOIN "person" p ON p."id" = o."person_id" '
                    'WHERE o."room_id" IN ({}) AND o."end_date" IS NULL', part):
                if name in name_set or person_id in person_ids:
                    person_ids.add(person_id)
                    occupants.append((person_id, room_id, role))

        for part in _chunks(sorted(person_ids)):
            for person_id, name, id_number, note, gender in _select(
                    'SELECT "id", "name", "id_number", "note", "gender" FROM "person" WHERE "id" IN ({})', part):
                batch.people[person_id] = _Person((0, person_id), person_id, name, id_number, note, gender)
            for person_id, number in _select(
                    'SELECT "person_id", "number" FROM "phone" WHERE "person_id" IN ({}) ORDER BY "id"', part):
                batch.people[person_id].phones.append(number)
            for person_id, plate in _select('SELECT "person_id", "plate" FROM "vehicle" WHERE "person_id" IN ({})',
                                            part):
                batch.people[person_id].plates.add(plate)
            for person_id, tag in _select(
                    'SELECT pt."person_id", t."name" FROM "person_tag" pt JOIN "tag" t ON t."id" = pt."tag_id" '
                    'WHERE pt."person_id" IN ({}) ORDER BY pt."id"', part):
                batch.people[person_id].tags.append(tag)
        for person in sorted(batch.people.values()):
            if person.id_number:
                batch.by_id_number.setdefault(person.id_number, []).append(person)
        for person_id, name, number in pairs:
            batch.by_name_phone.setdefault((name, number), set()).add(batch.people[person_id])
        for person_id, room_id, role in occupants:
            stored_rooms[room_id].people[batch.people[person_id]] = role

    def _room(self, batch: _Batch, row: _Row) -> tuple[_Room, bool]:
        # Any code naming the room finds it: "1-101" the room stored as "1-1-101".
        for alias in row.room.codes:
            room = batch.rooms.get((row.community_id, alias))
            if room is not None:
                return room, False
        room = _Room(None, row.community_id, None, None, row.room)
        batch.rooms[(row.community_id, row.room.code)] = room
        batch.new_rooms.append(room)
        self.report.rooms_created += 1
        return room, True

    def _room_facts(self, room: _Room, row: _Row) -> bool:
        """Store the row's 面积 and 交房日期 on its room when they differ. True if changed."""
        values: dict[str, object] = {}
        if row.area is not None and room.area != row.area:
            room.area = values["area_m2"] = row.area
        if row.delivery_date is not None and room.delivery != row.delivery_date:
            room.delivery = values["delivery_date"] = row.delivery_date
        if values:
            room.updates.append(values)
            self.report.rooms_updated += 1
        return bool(values)

    def _match(self, batch: _Batch, row: _Row, room: _Room, room_new: bool) -> _Person | None:
        """The person this row is about: same ID number, else same name and a same phone,
        else same name and already current in the same room."""
        by_id = batch.by_id_number.get(row.id_number, []) if row.id_number else []
        if by_id:
            first = min(by_id)
            if first.name != row.name:
                self.report.warnings.append(RowError(row.line, "", _(
                    "The ID number is already recorded for {name}; the row was merged into "
                    "that person and the name was not changed.").format(name=first.name)))
            return first
        candidates: set[_Person] = set()
        for number in row.phones:
            candidates |= batch.by_name_phone.get((row.name, number), set())
        if not room_new:
            candidates.update(p for p in room.people if p.name == row.name)
        if candidates and row.id_number:
            # Someone with another ID number is another person, whatever the name and phone.
            candidates = {p for p in candidates if not p.id_number}
        return min(candidates) if candidates else None

    def _add_phone(self, batch: _Batch, person: _Person, number: str, primary: bool) -> None:
        batch.phones.append((person, normalize_phone(number), primary))
        person.phones.append(number)
        batch.by_name_phone.setdefault((person.name, number), set()).add(person)

    def _merge(self, batch: _Batch, row: _Row) -> None:
        report = self.report
        room, changed = self._room(batch, row)
        changed |= self._room_facts(room, row)
        if not row.name:  # a room alone (an HC room without an owner)
            if not changed:
                report.rows_unchanged += 1
            return
        person = self._match(batch, row, room, changed)
        if person is None:
            data = PersonInput(name=row.name, gender=row.gender, id_number=row.id_number, note=row.note,
                               phones=row.phones)
            values = people.person_values(data)
            person = _Person((1, len(batch.new_people)), None, values["name"], values["id_number"],
                             values["note"], values["gender"])
            person.values = values
            batch.new_people.append(person)
            for i, number in enumerate(dict.fromkeys(n for n in row.phones if n.strip())):  # normalised
                self._add_phone(batch, person, number, i == 0)
            if person.id_number:
                batch.by_id_number.setdefault(person.id_number, []).append(person)
            report.people_created += 1
            report.phones_added += len(row.phones)
            changed = True
        else:
            if person.id is not None and person.id not in self.created:
                self.matched.add(person.id)
            changed |= self._complete(batch, person, row)
        for plate in row.plates:
            if plate not in person.plates:
                person.plates.add(plate)
                batch.vehicles.append((person, plate))
                report.vehicles_added += 1
                changed = True
        new_tags = [t for t in row.tags if t not in person.tags]
        if new_tags:
            # As the tag editor saves them: a person's tags replaced by the longer list.
            replace = bool(person.tags)
            person.tags = person.tags + new_tags
            batch.tags.append((person, person.tags if replace else new_tags, replace))
            report.tags_added += len(new_tags)
            changed = True
        batch.lines[row.line] = person
        held = room.people.get(person)
        if held is None:
            room.people[person] = row.role
            batch.occupancies.append((person, room, row.role, row.move_in or today()))
            report.occupancies_added += 1
            changed = True
        elif held != row.role:
            report.warnings.append(RowError(row.line, "", _(
                "{name} is already recorded in {room} with another role; the role was not "
                "changed (change it on the room card).").format(name=row.name, room=row.room.code)))
        if not changed:
            report.rows_unchanged += 1

    def _complete(self, batch: _Batch, person: _Person, row: _Row) -> bool:
        """Add the row's new phones; fill in an empty ID number or note. True if anything changed."""
        changed = False
        for number in row.phones:
            if number not in person.phones:
                self._add_phone(batch, person, number, not person.phones)
                self.report.phones_added += 1
                changed = True
        fill_id = bool(row.id_number) and not person.id_number
        fill_note = bool(row.note) and not person.note
        fill_gender = bool(row.gender) and not person.gender
        if fill_id or fill_note or fill_gender:
            data = PersonInput(
                name=person.name,
                gender=row.gender if fill_gender else person.gender,
                id_number=row.id_number if fill_id else (person.id_number or ""),
                note=row.note if fill_note else person.note,
            )
            values = people.person_values(data)
            person.id_number, person.note, person.gender = values["id_number"], values["note"], values["gender"]
            batch.fills.append((row.line, person, data))  # saved once the person is
            if person.id is not None and person.id not in self.created:
                self.updated.add(person.id)
            if fill_id:
                batch.by_id_number.setdefault(row.id_number, []).append(person)
            changed = True
        return changed

    def _store(self, batch: _Batch) -> None:
        """Write what the batch adds: a statement per table, rows in the file's order."""
        self._store_rooms(batch)
        new = batch.new_people
        for person, person_id in zip(new, _insert(Person, [p.values for p in new], ids=True), strict=True):
            person.id = person_id
            self.created.add(person_id)
        _insert(PersonNameKey, [k for p in new for k in people.name_key_rows(p.id, p.name)])
        _insert(Phone, [people.phone_values(p.id, phone, primary=primary) for p, phone, primary in batch.phones])
        for line, person, data in batch.fills:
            try:
                people.update_person(person.id, data)  # type: ignore[arg-type]
            except ValidationError as exc:
                exc.row = line  # type: ignore[attr-defined]
                raise
        _insert(Vehicle, [{"person": p.id, "plate": plate, "plate_tail": plate_tail(plate), "description": "",
                           "parking_space": ""} for p, plate in batch.vehicles])
        if batch.tags:
            names = list(dict.fromkeys(t for _p, tags, _r in batch.tags for t in tags))
            tag_ids = {}
            for part in _chunks(names):
                tag_ids.update(Tag.select(Tag.name, Tag.id).where(Tag.name.in_(part)).tuples())
            missing = [n for n in names if n not in tag_ids]
            tag_ids.update(zip(missing, _insert(Tag, [{"name": n} for n in missing], ids=True), strict=True))
            pending: list[dict] = []
            for p, tags, replace in batch.tags:
                if replace:  # (rare: a person who has tags gets more)
                    _insert(PersonTag, pending)
                    pending = []
                    PersonTag.delete().where(PersonTag.person == p.id).execute()
                pending += [{"person": p.id, "tag": tag_ids[t]} for t in tags]
            _insert(PersonTag, pending)
        _insert(Occupancy, [{"person": p.id, "room": room.id, "role": role, "start_date": start}
                            for p, room, role, start in batch.occupancies])
        for line, person in batch.lines.items():
            self.person_of_line[line] = person.id  # type: ignore[assignment]

    def parking(self, community_id: int, spaces: list, owner_keys: dict[int, str]) -> None:
        """Add the parking spaces (hc.ParkingRow, checked) not yet in the community, held
        by the person whose 业主编号 they name."""
        person_of_key: dict[str, int] = {}
        for line, person_id in self.person_of_line.items():
            key = owner_keys.get(line)
            if key:
                person_of_key.setdefault(key, person_id)
        existing = {p.code for p in ParkingSpace.select(ParkingSpace.code)
                    .where(ParkingSpace.community == community_id)}
        for s in spaces:
            if s.code in existing:
                continue
            ParkingSpace.create(
                community=community_id, code=s.code, kind=s.kind,
                area_m2=parse_area(s.area, "area") if s.area and s.kind == "titled" else None,
                holder=person_of_key.get(s.owner_key), plate=s.plate, note=s.note)
            existing.add(s.code)
            self.report.parking_added += 1

    def _store_rooms(self, batch: _Batch) -> None:
        """The new rooms (with their buildings and entrances), then the 面积 and 交房日期 set."""
        new = batch.new_rooms
        if new:
            wanted = list(dict.fromkeys((r.community_id, r.parsed.building_code) for r in new))  # type: ignore[union-attr]
            buildings: dict[tuple[int, str], int] = {}
            for part in _chunks(sorted({code for _c, code in wanted})):
                query = (Building.select(Building.community, Building.code, Building.id)
                         .where(Building.community.in_(sorted({c for c, _code in wanted})), Building.code.in_(part)))
                buildings.update(((c, code), i) for c, code, i in query.tuples())
            missing = [w for w in wanted if w not in buildings]
            buildings.update(zip(missing, _insert(Building, [{"community": c, "code": code} for c, code in missing],
                                                  ids=True), strict=True))
            entrances_wanted = list(dict.fromkeys(
                (buildings[(r.community_id, r.parsed.building_code)], r.parsed.stored_entrance)  # type: ignore[union-attr]
                for r in new))
            entrances: dict[tuple[int, str], int] = {}
            for part in _chunks(sorted({b for b, _code in entrances_wanted})):
                query = Entrance.select(Entrance.building, Entrance.code, Entrance.id).where(Entrance.building.in_(part))
                entrances.update(((b, code), i) for b, code, i in query.tuples())
            missing_entrances = [w for w in entrances_wanted if w not in entrances]
            entrances.update(zip(missing_entrances, _insert(
                Entrance, [{"building": b, "code": code} for b, code in missing_entrances], ids=True), strict=True))
            rows = []
            for r in new:
                parsed = r.parsed
                building = buildings[(r.community_id, parsed.building_code)]  # type: ignore[union-attr]
                rows.append({"community": r.community_id, "building": building,
                             "entrance": entrances[(building, parsed.stored_entrance)],  # type: ignore[union-attr]
                             "number": parsed.number, "code": parsed.code,  # type: ignore[union-attr]
                             "floor": parsed.derived_floor})  # type: ignore[union-attr]
            for room, room_id in zip(new, _insert(Room, rows, ids=True), strict=True):
                room.id = room_id
        # Each row's change is one update, as the rows said it (the audit trail shows each):
        # round k stores the k-th change of every room changed k times or more.
        changed = [r for r in batch.rooms.values() if r.updates]
        for k in range(max((len(r.updates) for r in changed), default=0)):
            for field in ("area_m2", "delivery_date"):
                touched = [r for r in changed if len(r.updates) > k and field in r.updates[k]]
                convert = getattr(Room, field).db_value
                for part in _chunks(touched):
                    cases = " ".join([f"WHEN {db.param} THEN {db.param}"] * len(part))
                    params = [v for r in part for v in (r.id, convert(r.updates[k][field]))]
                    params += [r.id for r in part]
                    db.execute_sql(f'UPDATE "room" SET "{field}" = CASE "id" {cases} ELSE "{field}" END '
                                   f'WHERE "id" IN ({", ".join([db.param] * len(part))})', params)


# --- the import -----------------------------------------------------------------------------------------


def default_rejects_path(path: str | Path) -> Path:
    """Where the rejected rows of `path` go by default: ``roster.csv`` → ``roster.rejects.csv``."""
    p = Path(path)
    return p.with_name(f"{p.stem}.rejects.csv")


def _rejects_csv(table: Table, errors: list[RowError]) -> str:
    """The bad rows as they were, plus 行号 and 原因, as CSV text. Every cell that a
    spreadsheet would run as a formula (=, +, -, @, tab, CR) is written as text."""
    from data.exports import safe_row

    reasons: dict[int, list[str]] = {}
    for e in errors:
        reasons.setdefault(e.row, []).append(f"{e.column}: {e.message}" if e.column else e.message)
    width = len(table.header)
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(safe_row([*table.header, REJECTS_ROW_HEADER, REJECTS_REASON_HEADER]))
    for line, cells in table.rows:
        if line in reasons:
            padded = (cells + [""] * width)[:width]
            writer.writerow(safe_row([*padded, line, "；".join(reasons[line])]))
    return out.getvalue()


def _write_rejects(target: Path | None, table: Table, errors: list[RowError]) -> Path:
    """Write the rejects file as CSV that Excel opens (UTF-8 BOM): to `target` (never the
    open database or one of its sidecars), or, when None, as a new file of the user's
    export folder (data.exports). Returns where it went."""
    from data.exports import ExportError, refuse_database, write_text_export

    text = _rejects_csv(table, errors)
    if target is None:
        try:
            return write_text_export("rejects", "csv", text, encoding="utf-8-sig")
        except ExportError as exc:
            raise FrontDeskError(_("Cannot write the rejected rows: {reason} Nothing was imported.")
                                 .format(reason=exc.message)) from exc
    refuse_database(target)
    try:
        with target.open("w", encoding="utf-8-sig", newline="") as out:
            out.write(text)
    except OSError as exc:
        raise FrontDeskError(_("Cannot write the rejected rows to {path}: {reason}").format(
            path=target, reason=exc.strerror or exc)) from exc
    return target


def write_rejects(target: Path | None, table: Table, errors: list[RowError]) -> Path:
    """Write the rejected rows of `table` (see `_write_rejects`); returns where they went."""
    return _write_rejects(target, table, errors)


Writer = _Writer
