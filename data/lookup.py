"""Finding records by what a person types on the command line: a room code, a category's
name, a person's number. Each refuses what it cannot find with a message saying what to type."""

from __future__ import annotations

from data.errors import NotFoundError, ValidationError
from data.i18n import _
from data.models import Category, Person
from data.people import community_by_name


def find_room(code: str, community: str | None, *, option: str = "--room") -> tuple[int, int]:
    """(community_id, room_id) of a room code (data.rooms_lookup.resolve_room: every form a
    clerk types); refuses an unknown room and, without --community, a code that several
    communities have (listing them)."""
    from data.rooms_lookup import resolve_room

    match = resolve_room(code, community)
    rooms = match.rooms
    if not rooms:
        if community:
            raise NotFoundError(_("{community} has no room {room}.").format(
                community=community_by_name(community).name, room=match.parsed.code))
        raise NotFoundError(_("No community has a room {room}.").format(room=match.parsed.code))
    if len(rooms) > 1:
        raise ValidationError(option, _(
            "Room {room} exists in several communities: {names}. Say which with --community."
        ).format(room=match.parsed.code, names="、".join(r.community for r in rooms)))
    return rooms[0].community_id, rooms[0].id


def find_category(text: str, *, option: str = "--category") -> int:
    """The id of the work-order category named `text` (its code, Chinese or English name);
    refuses an unknown or ambiguous name, saying what to type."""
    name = text.strip()
    cat = Category.get_or_none(Category.code == name.lower())
    if cat is not None:
        return cat.id
    rows = list(Category.select(Category.id, Category.code).where(
        (Category.name == name) | (Category.name_en == name)).limit(10))
    if len(rows) == 1:
        return rows[0].id
    if len(rows) > 1:
        raise ValidationError(option, _(
            "Several categories are called “{name}”: use a code ({codes}).").format(
                name=name, codes=", ".join(r.code for r in rows)))
    raise NotFoundError(_(
        "No category “{name}”: use a name such as 水管漏水 or a code such as plumbing.leak."
    ).format(name=name))


def person_exists(person_id: int) -> bool:
    """Is there a person with this number?"""
    return Person.select().where(Person.id == person_id).exists()
