"""The call panel's texts: what the keys do without a call, the incident banner, and what
is known of the caller (the match of the number, or the people a search found)."""

from __future__ import annotations

from typing import Any

from rich.text import Text

from data.i18n import _
from data.vocab import CALL_CATEGORIES, INCIDENT_KINDS, WORK_ORDER_STATUSES, label
from screens.call_forms import group_number
from screens.calls.pane import looks_like_number


def idle_text() -> Text:
    """No call in progress: the screen's keys, explained."""
    text = Text(_("No call in progress."), style="bold")
    text.append("\n\n")
    for key, what in (("n", _("answer an inbound call: a timer starts, type the number")),
                      ("o", _("work a call list: 回访 of resolved work orders, 外呼")),
                      ("h", _("the call history, with filters")),
                      ("t", _("statistics: calls per day, category, outcome")),
                      ("c", _("my callbacks by due time; enter calls back")),
                      ("d", _("dials the number in front of you (a dial command, or shown large)"))):
        text.append(f" {key} ", style="reverse bold")
        text.append(f"  {what}\n")
    return text


def incident_text(incident: Any, tagged: bool) -> Text:
    """The banner of the outage the caller's building is in; `tagged`: the call is tagged to it."""
    text = Text()
    text.append(f" ⚠ {label(INCIDENT_KINDS, incident.kind)} ", style="bold reverse red")
    text.append(" ")
    text.append(incident.title, style="bold")
    text.append("  " + f"{incident.starts:%m-%d %H:%M}–{incident.ends:%m-%d %H:%M}")
    text.append("  " + _("{calls} calls").format(calls=incident.calls))
    text.append("  ")
    text.append(_("✓ tagged") if tagged else _("i: tag this call"), style="bold" if tagged else "dim")
    return text


def match_text(draft: Any, match: Any, hits: list, note: str, query: str) -> Text:
    """What is known of the caller: the person attached to the call, the people a search
    found, or the match of the number (rooms, open work orders, last calls)."""
    text = Text()
    if draft is not None and draft.person_id is not None and (match is None or match.person_id != draft.person_id):
        text.append(draft.person_name, style="bold")
        text.append("  " + _("(attached to this call)") + "\n", style="dim")
    if hits and not looks_like_number(query):
        text.append(_("Found {count}: enter takes the first, a picks one").format(count=len(hits)) + "\n",
                    style="dim")
        for hit in hits[:6]:
            rooms = " ".join(hit.rooms[:2])
            text.append(f"{hit.name}", style="bold")
            text.append(f"  {rooms}  {hit.masked_phones[0] if hit.phones else ''}\n")
        return text
    if match is None:
        if note:
            text.append(note, style="dim")
        elif not query:
            text.append(_("Type the caller's number; or a name, pinyin or room to search."), style="dim")
        return text
    if match.person_id is not None:
        text.append(match.name, style="bold")
        # In full, unlike the call log: this is the number the clerk is talking to.
        text.append(f"  {group_number(match.number)}\n")
    elif match.staff_login:
        text.append(_("Staff member {name} ({login})").format(name=match.name, login=match.staff_login),
                    style="bold")
        text.append("\n")
    elif match.ambiguous:
        names = "、".join(name for _pid, name in match.ambiguous)
        text.append(_("Shared number: {names} — a picks who is calling").format(names=names) + "\n",
                    style="bold yellow")
    elif draft is None or draft.person_id is None:
        text.append(_("Unknown number {number} — a finds the caller and attaches it").format(
            number=group_number(match.number)) + "\n", style="yellow")
    for room in match.rooms:
        text.append("🏠 ")
        text.append(f"{room[2]} {room[1]}\n")
    for order in match.open_orders[:3]:
        text.append(_("Open: "), style="dim")
        text.append(f"{order[1]} {order[2]} ")
        text.append(f"({label(WORK_ORDER_STATUSES, order[3])})\n", style="dim")
    for call in match.last_calls[:3]:
        text.append(f"{call.started_at:%m-%d %H:%M} ", style="dim")
        text.append(f"{'←' if call.direction == 'in' else '→'} {label(CALL_CATEGORIES, call.category)} ")
        text.append(f"{call.summary.splitlines()[0] if call.summary else ''}\n")
    if not match.open_orders and not match.last_calls and match.person_id is not None:
        text.append(_("No open work orders, no earlier calls."), style="dim")
    return text
