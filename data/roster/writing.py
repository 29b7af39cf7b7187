"""Merging valid rows into the database, and writing the rejects file."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from pathlib import Path

from data import people
from data.errors import FrontDeskError
from data.i18n import _
from data.models import Occupancy, ParkingSpace, Person, PersonTag, Phone, Room, Tag, Vehicle
from data.people import PersonInput
from data.property import parse_area
from data.rooms import ParsedRoom
from data.roster.reading import Table
from data.roster.report import ImportReport, RowError
from data.roster.validate import Row as _Row

#: Columns of the rejects file added after the original ones.
REJECTS_ROW_HEADER = "行号"
REJECTS_REASON_HEADER = "原因"

#: Values per IN (…) lookup: well below SQLite's limit on bound parameters.
_CHUNK = 500


class _Writer:
    """Merges valid rows into the database (inside the caller's transaction)."""

    def __init__(self, report: ImportReport, community_ids: set[int]):
        self.report = report
        self.rooms: dict[tuple[int, str], int] = {}
        if community_ids:
            query = Room.select(Room.id, Room.community, Room.code).where(
                Room.community.in_(sorted(community_ids))
            )
            for r in query.tuples():
                self.rooms[(r[1], r[2])] = r[0]
        self.created: set[int] = set()
        self.matched: set[int] = set()
        self.updated: set[int] = set()
        # Names and ID numbers that someone in the database has: a row with neither is a
        # new person, known without the three duplicate queries (half of a first import).
        self.known_names: set[str] = set()
        self.known_ids: set[str] = set()
        self.person_of_line: dict[int, int] = {}  # row → the person it was merged into

    def prefetch(self, rows: list[_Row]) -> None:
        """Look up, a few hundred at a time, which names and ID numbers are already known."""
        names = sorted({r.name for r in rows})
        ids = sorted({r.id_number for r in rows if r.id_number})
        for i in range(0, len(names), _CHUNK):
            query = Person.select(Person.name).where(Person.name.in_(names[i : i + _CHUNK]))
            self.known_names.update(p.name for p in query)
        for i in range(0, len(ids), _CHUNK):
            query = Person.select(Person.id_number).where(Person.id_number.in_(ids[i : i + _CHUNK]))
            self.known_ids.update(p.id_number for p in query)

    def room(self, community_id: int, code: ParsedRoom) -> tuple[int, bool]:
        # Any code naming the room finds it: "1-101" the room stored as "1-1-101".
        for alias in code.codes:
            room_id = self.rooms.get((community_id, alias))
            if room_id is not None:
                return room_id, False
        key = (community_id, code.code)
        room_id = people.ensure_room(community_id, code)
        self.rooms[key] = room_id
        self.report.rooms_created += 1
        return room_id, True

    def match(self, row: _Row, room_id: int, room_new: bool) -> int | None:
        """The person this row is about: same ID number, else same name and a same phone,
        else same name and already current in the same room."""
        if row.name not in self.known_names and row.id_number not in self.known_ids:
            return None
        dups = people.find_duplicates(
            PersonInput(name=row.name, id_number=row.id_number, phones=row.phones)
        )
        by_id = [d for d in dups if d.reason == "id_number"]
        if by_id:
            if by_id[0].name != row.name:
                self.report.warnings.append(RowError(row.line, "", _(
                    "The ID number is already recorded for {name}; the row was merged into "
                    "that person and the name was not changed.").format(name=by_id[0].name)))
            return by_id[0].person_id
        candidates = {d.person_id for d in dups}
        if not room_new:
            in_room = (
                Person.select(Person.id)
                .join(Occupancy)
                .where(Person.name == row.name, Occupancy.room == room_id,
                       Occupancy.end_date.is_null())
            )
            candidates.update(p.id for p in in_room)
        if candidates and row.id_number:
            # Someone with another ID number is another person, whatever the name and phone.
            others = Person.select(Person.id).where(
                Person.id.in_(sorted(candidates)), Person.id_number.is_null(False)
            )
            candidates -= {p.id for p in others}
        return min(candidates) if candidates else None

    def room_facts(self, room_id: int, row: _Row) -> bool:
        """Store the row's 面积 and 交房日期 on its room when they differ. True if changed."""
        values = {}
        if row.area is not None or row.delivery_date is not None:
            room = Room.get_by_id(room_id)
            stored = None if room.area_m2 is None else Decimal(str(room.area_m2)).quantize(Decimal("0.01"))
            if row.area is not None and stored != row.area:
                values["area_m2"] = row.area
            if row.delivery_date is not None and room.delivery_date != row.delivery_date:
                values["delivery_date"] = row.delivery_date
        if values:
            Room.update(**values).where(Room.id == room_id).execute()
            self.report.rooms_updated += 1
        return bool(values)

    def write(self, row: _Row) -> None:
        report = self.report
        room_id, changed = self.room(row.community_id, row.room)
        changed |= self.room_facts(room_id, row)
        if not row.name:  # a room alone (an HC room without an owner)
            if not changed:
                report.rows_unchanged += 1
            return
        person_id = self.match(row, room_id, changed)
        if person_id is None:
            person_id = people.create_person(
                PersonInput(name=row.name, gender=row.gender, id_number=row.id_number, note=row.note,
                            phones=row.phones)
            )
            self.created.add(person_id)
            self.known_names.add(row.name)
            if row.id_number:
                self.known_ids.add(row.id_number)
            report.people_created += 1
            report.phones_added += len(row.phones)
            plates: set[str] = set()
            tags: list[str] = []
            current: dict[int, str] = {}
            changed = True
        else:
            if person_id not in self.created:
                self.matched.add(person_id)
            changed |= self._complete(person_id, row)
            plates = {v.plate for v in Vehicle.select(Vehicle.plate).where(Vehicle.person == person_id)}
            tags = [
                t.name for t in Tag.select(Tag.name).join(PersonTag)
                .where(PersonTag.person == person_id).order_by(PersonTag.id)
            ]
            current = {
                o.room_id: o.role for o in Occupancy.select(Occupancy.room, Occupancy.role)
                .where(Occupancy.person == person_id, Occupancy.end_date.is_null())
            }
        for plate in row.plates:
            if plate not in plates:
                people.add_vehicle(person_id, plate)
                report.vehicles_added += 1
                changed = True
        new_tags = [t for t in row.tags if t not in tags]
        if new_tags:
            people.set_tags(person_id, tags + new_tags)
            report.tags_added += len(new_tags)
            changed = True
        self.person_of_line[row.line] = person_id
        held = current.get(room_id)
        if held is None:
            people.move_in(person_id, room_id, row.role, row.move_in)
            report.occupancies_added += 1
            changed = True
        elif held != row.role:
            report.warnings.append(RowError(row.line, "", _(
                "{name} is already recorded in {room} with another role; the role was not "
                "changed (change it on the room card).").format(name=row.name, room=row.room.code)))
        if not changed:
            report.rows_unchanged += 1

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

    def _complete(self, person_id: int, row: _Row) -> bool:
        """Add the row's new phones; fill in an empty ID number or note. True if anything changed."""
        changed = False
        known = {p.number for p in Phone.select(Phone.number).where(Phone.person == person_id)}
        for number in row.phones:
            if number not in known:
                people.add_phone(person_id, number)
                known.add(number)
                self.report.phones_added += 1
                changed = True
        person = Person.get_by_id(person_id)
        fill_id = bool(row.id_number) and not person.id_number
        fill_note = bool(row.note) and not person.note
        fill_gender = bool(row.gender) and not person.gender
        if fill_id or fill_note or fill_gender:
            people.update_person(person_id, PersonInput(
                name=person.name,
                gender=row.gender if fill_gender else person.gender,
                id_number=row.id_number if fill_id else (person.id_number or ""),
                note=row.note if fill_note else person.note,
            ))
            if fill_id:
                self.known_ids.add(row.id_number)
            if person_id not in self.created:
                self.updated.add(person_id)
            changed = True
        return changed


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
