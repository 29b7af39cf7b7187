"""Whom and where, as the calendar's forms type them: staff members by login, name or pinyin
initials (`StaffRef`), and the room a quick-added event names by its code. Re-exported by
`data.calendar`, the calendar's API."""

from __future__ import annotations

from dataclasses import dataclass

from data.access import SERVICE
from data.errors import ValidationError
from data.i18n import _
from data.models import Room, Staff


@dataclass(frozen=True)
class StaffRef:
    """A staff member as the calendar names them: by id and login (and name, to show)."""

    id: int
    login: str
    name: str = ""


def staff_by_logins(logins: list[str], field: str) -> list[StaffRef]:
    """The staff member of each login (a leading @ ignored, repeats once), in order; a
    ValidationError on `field` names the logins that are no one's."""
    logins = list(dict.fromkeys(p.strip().lstrip("@") for p in logins if p.strip()))
    found = {s.login: (s.id, s.name) for s in Staff.select(Staff.id, Staff.login, Staff.name)
             .where(Staff.login.in_(logins))} if logins else {}
    missing = [p for p in logins if p not in found]
    if missing:
        raise ValidationError(field, _("No staff member {logins}.").format(
            logins=", ".join(missing)))
    return [StaffRef(found[p][0], p, found[p][1]) for p in logins]


def find_staff(text: str, limit: int = 30) -> list[StaffRef]:
    """Active staff a typed name, pinyin initials or login names (李建国, ljg, tech1, 李):
    exact matches first, then those starting with it, then those containing it; everyone
    (by login) for empty text. Service accounts (cron, the phone system, `system`) are
    not people to pick and are left out."""
    from data.pinyin import initials

    wanted = text.strip().lstrip("@").lower()
    rows = [StaffRef(s.id, s.login, s.name) for s in
            Staff.select(Staff.id, Staff.login, Staff.name)
            .where(Staff.active == True, Staff.role != SERVICE)  # noqa: E712
            .order_by(Staff.login)]
    if not wanted:
        return rows[:limit]
    ranked = []
    for ref in rows:
        keys = (ref.login.lower(), ref.name.lower(), initials(ref.name) if ref.name else "")
        if wanted in keys:
            rank = 0
        elif any(k.startswith(wanted) for k in keys if k):
            rank = 1
        elif any(wanted in k for k in keys if k):
            rank = 2
        else:
            continue
        ranked.append((rank, ref.login, ref))
    return [ref for _rank, _login, ref in sorted(ranked)][:limit]


def one_staff(text: str, field: str) -> StaffRef:
    """The one staff member `text` names (`find_staff`: name, initials or login); a
    ValidationError on `field` when nobody or several fit, naming them."""
    found = find_staff(text, limit=6)
    exact = [r for r in found if text.strip().lstrip("@").lower() in (r.login.lower(), r.name.lower())]
    if len(exact) == 1:
        return exact[0]
    if len(found) == 1:
        return found[0]
    if not found:
        raise ValidationError(field, _("No staff member {logins}.").format(logins=text.strip()[:40]))
    raise ValidationError(field, _("{text} could be {names}: type the login.").format(
        text=text.strip()[:40], names="、".join(f"{r.name}({r.login})" for r in found[:5])))


def staff_ref(staff_id: int) -> StaffRef | None:
    """The staff member with that id, or None."""
    row = Staff.get_or_none(Staff.id == staff_id)
    return StaffRef(row.id, row.login, row.name) if row is not None else None


def room_for_code(code: str, community_id: int | None) -> int | None:
    """The id of the room a quick-added event names by its code: the one in `community_id`
    (the user's) when there is one, else any; None when no room has that code."""
    rooms = Room.select(Room.id, Room.community).where(Room.code == code)
    mine = [r.id for r in rooms if r.community_id == community_id]
    return (mine or [r.id for r in rooms] or [None])[0]
