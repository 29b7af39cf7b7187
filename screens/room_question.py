"""Asking which room a typed code means (issue 14): a code that could be a room or a parking
space (``B2-034``), or is in several communities, is offered in a picker naming each
candidate (``锦绣花园 3-2-501（房屋）``, ``阳光水岸 B2-034（车位）``); the form keeps what was
typed, and the pick saves it."""

from __future__ import annotations

import threading
from collections.abc import Callable

from textual.widgets import Input

from data.errors import ValidationError
from data.i18n import _
from data.rooms import PARKING
from data.rooms_lookup import RoomCandidate, RoomMatch
from widgets.form import FormModal
from widgets.picker import PickerModal, PickRow


def candidate_label(candidate: RoomCandidate) -> str:
    """``锦绣花园 3-2-501（房屋）`` or ``阳光水岸 B2-034（车位）``."""
    if candidate.kind == PARKING:
        return _("{community} {code} (parking space)").format(
            community=candidate.community, code=candidate.code)
    return _("{community} {code} (room)").format(community=candidate.community, code=candidate.code)


def candidates_question(match: RoomMatch) -> str:
    """What the form says under the room field while the picker asks."""
    return _("{code} could be: {names}. Pick one, or name the community.").format(
        code=" ".join(match.text.split())[:30], names="、".join(candidate_label(c) for c in match.candidates[:6]))


def room_picker(match: RoomMatch) -> PickerModal:
    """Which of the candidates: enter takes the highlighted one, escape goes back to the form."""
    return PickerModal(
        _("{code} could be any of these: which one?").format(code=" ".join(match.text.split())[:30]),
        [(_("Room or parking space"), 60)],
        [PickRow((candidate_label(c),), c) for c in match.candidates])


class RoomAsker:
    """The picks of one form: `ask(form, text, match)` offers the candidates and, once one is
    picked, remembers it for `text`, calls `fill(candidate)` (to show it in the form) and
    saves the form again; until then the form stays open, the question under the room."""

    def __init__(self, fill: Callable[[RoomCandidate], None] | None = None,
                 community_field: str | None = "community") -> None:
        self.form: FormModal | None = None
        self.fill = fill
        self.community_field = community_field
        self.picked: dict[str, RoomCandidate] = {}

    def chosen(self, text: str, community: str = "") -> RoomCandidate | None:
        """The candidate picked for this text (and still in the community typed, if any)."""
        found = self.picked.get(" ".join(text.split()))
        if found is not None and community.strip() and community.strip() != found.community:
            return None
        return found

    def ask(self, text: str, match: RoomMatch) -> None:
        """Offer the candidates; raises ValidationError("room") so the form stays open."""
        form = self.form
        if form is not None and form.is_mounted:
            def picked(candidate: RoomCandidate | None) -> None:
                if candidate is None:
                    return
                self.picked[" ".join(text.split())] = candidate
                if self.community_field:  # the pick shows: its community in that field
                    for field in form.query(f"#field-{self.community_field}").results(Input):
                        field.value = candidate.community
                if self.fill is not None:
                    self.fill(candidate)
                form.action_save()

            # The save runs in a worker (widgets.saving): the picker goes up on the app's thread.
            if threading.current_thread() is threading.main_thread():
                form.app.push_screen(room_picker(match), picked)
            else:
                form.app.call_from_thread(form.app.push_screen, room_picker(match), picked)
        raise ValidationError("room", candidates_question(match))
