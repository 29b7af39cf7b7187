"""Finding records by what a person types on the command line: a room code, a category's
name, a person's number. Each refuses what it cannot find with a message saying what to type."""

from __future__ import annotations

from data.errors import NotFoundError, ValidationError
from data.i18n import _
from data.models import Category, Community, Person, Room
from data.people import community_by_name
from data.validators import parse_room_code


def find_room(code: str, community: str | None, *, option: str = "--room") -> tuple[int, int]:
    """(community_id, room_id) of a room code; refuses an unknown room and, without
    --community, a code that several communities have (listing them)."""
    rc = parse_room_code(code)
    if community:
        comm = community_by_name(community)
        room = Room.get_or_none((Room.community == comm.id) & (Room.code == rc.code))
        if room is None:
            raise NotFoundError(_("{community} has no room {room}.").format(
                community=comm.name, room=rc.code))
        return comm.id, room.id
    rows = list(
        Room.select(Room.id, Room.community, Community.name)
        .join(Community)
        .where(Room.code == rc.code)
        .order_by(Community.name)
        .limit(50)
        .objects()
    )
    if not rows:
        raise NotFoundError(_("No community has a room {room}.").format(room=rc.code))
    if len(rows) > 1:
        raise ValidationError(option, _(
            "Room {room} exists in several communities: {names}. Say which with --community."
        ).format(room=rc.code, names="、".join(r.name for r in rows)))
    return rows[0].community_id, rows[0].id


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
