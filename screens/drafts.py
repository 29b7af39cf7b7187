"""Drafts (issue 8): when an SSH session hangs up, every open form's typed input is kept for
that staff member; at their next sign-in it is offered back and reopens the form.

`keep_open_forms(app)` runs from the app's SIGHUP handler: it reads the forms on the screen
stack at once (on the main thread, where the signal handler runs) and has
`data.drafts.save_drafts_apart` write them from a thread of its own, with its own database
connection, so a transaction the interrupted code may hold open on the main thread's
connection is neither joined nor disturbed.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Label

from data import drafts as draft_data
from data.clock import now as clock_now
from data.drafts import DraftView
from data.errors import FrontDeskError
from data.i18n import N_, _
from widgets.desk import DeskModal
from widgets.form import FormField, FormModal
from widgets.safe import plain

if TYPE_CHECKING:
    from widgets.desk import DeskApp

log = logging.getLogger(__name__)

Found = draft_data.Found


# --- hang-up: keep ---------------------------------------------------------------------------


def open_form_drafts(app: DeskApp) -> list[Found]:
    """What every form on the screen stack holds that was typed and not saved."""
    found: list[Found] = []
    for screen in list(app.screen_stack):
        if not isinstance(screen, FormModal):
            continue
        try:
            draft = screen.draft()
        except Exception:  # a form half taken down: keep what the others hold
            log.exception("could not read the form %r", getattr(screen, "form_title", screen))
            continue
        if draft is not None:
            found.append(draft)
    return found


def keep_open_forms(app: DeskApp) -> int:
    """The hang-up: every open form's typed input kept as a draft of the signed-in staff
    member. Returns how many drafts were written."""
    return draft_data.save_drafts_apart(app.staff.id, open_form_drafts(app))


# --- sign-in: offer ----------------------------------------------------------------------------


class DraftOfferModal(DeskModal[str | None]):
    """One kept draft: enter restores it, d discards it, escape leaves it for later.
    Dismisses with "restore", "discard" or None."""

    DEFAULT_CSS = """
    DraftOfferModal { align: center middle; }
    DraftOfferModal > Vertical {
        width: 66; max-width: 100%; height: auto; border: thick $primary;
        background: $surface; padding: 1 2;
    }
    DraftOfferModal Label { width: 100%; }
    DraftOfferModal #draft-keys { color: $text-muted; margin-top: 1; }
    """
    BINDINGS = [
        Binding("enter", "restore", N_("Restore")),
        Binding("d", "discard", N_("Discard")),
        Binding("escape", "later", N_("Later")),
    ]

    def __init__(self, draft: DraftView, more: int = 0) -> None:
        super().__init__()
        self.draft = draft
        self.more = more

    def compose(self) -> ComposeResult:
        at = self.draft.created_at
        when = f"{at:%H:%M}" if at.date() == clock_now().date() else f"{at:%Y-%m-%d %H:%M}"
        with Vertical():
            yield Label(plain(_("You have an unsaved draft: {title} from {time}.").format(
                title=self.draft.title, time=when)), id="draft-text")
            if self.more:
                yield Label(_("{count} more after this one.").format(count=self.more), markup=False)
            yield Label(_("enter restore · d discard · esc later"), id="draft-keys", markup=False)

    def action_restore(self) -> None:
        self.dismiss("restore")

    def action_discard(self) -> None:
        self.dismiss("discard")

    def action_later(self) -> None:
        self.dismiss(None)


def offer(app: DeskApp, found: list[DraftView]) -> None:
    """Offer the drafts one by one: a restored one reopens its form and the next is offered
    when that form closes; a discarded one is deleted; escape leaves them all for later."""
    if not found:
        return
    draft, rest = found[0], found[1:]

    def next_one() -> None:
        offer(app, rest)

    def answered(answer: str | None) -> None:
        if answer == "discard":
            draft_data.discard(draft.id, app.staff.id)
            next_one()
        elif answer == "restore":
            draft_data.discard(draft.id, app.staff.id)  # now in the open form
            restore(app, draft, next_one)

    app.push_screen(DraftOfferModal(draft, len(rest)), answered)


# --- restoring -----------------------------------------------------------------------------------

Reopener = Callable[["DeskApp", DraftView, Callable[[], None]], bool]


def _closing(then: Callable[[], None], after: Callable[[Any], Any] | None = None) -> Callable[[Any], None]:
    def closed(result: Any) -> None:
        if after is not None:
            after(result)
        then()

    return closed


def _person_edit(app: DeskApp, draft: DraftView, then: Callable[[], None]) -> bool:
    from data import cards
    from screens.owner_card import OwnerCardScreen
    from screens.owner_forms import person_form

    person_id = int(draft.context["person_id"])
    card = cards.owner_card(person_id)  # NotFoundError: shown as a copy instead
    screen = OwnerCardScreen(person_id)
    app.push_screen(screen)
    form = person_form(card)
    form.restore(draft.values, draft.context.get("guard"))
    app.push_screen(form, _closing(then, screen._after))
    return True


def _person_note(app: DeskApp, draft: DraftView, then: Callable[[], None]) -> bool:
    from data import cards
    from screens.owner_card import OwnerCardScreen
    from screens.owner_forms import note_form

    person_id = int(draft.context["person_id"])
    cards.owner_card(person_id)  # still there?
    screen = OwnerCardScreen(person_id)
    app.push_screen(screen)
    form = note_form(person_id, app.staff.id)
    form.restore(draft.values)
    app.push_screen(form, _closing(then, screen._after))
    return True


def _new_order(app: DeskApp, draft: DraftView, then: Callable[[], None]) -> bool:
    from screens.workorder import open_new_order
    from screens.workorder_forms import DRAFT_PREFILL

    saved = draft.context.get("prefill") or {}
    prefill = {k: v for k, v in saved.items() if k in DRAFT_PREFILL and v not in (None, "")}
    return open_new_order(app.screen, restore=draft.values, on_close=then, **prefill) is not None


def _calendar(app: DeskApp) -> Screen:
    """The calendar screen, opened (or brought to the top) for a restored form."""
    app.action_open_screen("calendar")
    return app.screen


def _quick_add(app: DeskApp, draft: DraftView, then: Callable[[], None]) -> bool:
    screen = _calendar(app)
    screen.open_quick_add(restore=draft.values, on_close=then)  # type: ignore[attr-defined]
    return True


def _event_edit(app: DeskApp, draft: DraftView, then: Callable[[], None]) -> bool:
    from screens.calendar import occurrence_from

    occ = occurrence_from(draft.context["occurrence"])
    screen = _calendar(app)
    form = screen.open_edit(occ, restore=draft.values,  # type: ignore[attr-defined]
                            guard_state=draft.context.get("guard"), on_close=then)
    return form is not None  # None: the event is gone, the typing is shown as a copy


def _copy(app: DeskApp, draft: DraftView, then: Callable[[], None]) -> bool:
    """A form no screen can reopen (or whose record is gone): its fields again, as typed, to
    copy from; F10 or escape closes it."""
    specs = draft.context.get("fields") or [{"name": k, "label": k} for k in draft.values]
    fields = []
    for spec in specs:
        name = str(spec.get("name", ""))
        options = [(str(o[0]), str(o[1])) for o in spec.get("options") or [] if len(o) == 2]
        kind = str(spec.get("kind", "input"))
        if kind == "select" and not options:
            kind = "input"
        fields.append(FormField(name, str(spec.get("label", name)), "", kind=kind, options=options))
    if not fields:
        then()
        return True
    fields[0].help = _("This form cannot be reopened by itself: here is what you typed, to copy "
                       "where it belongs. F10 or esc closes it.")
    form = FormModal(_("Draft: {title}").format(title=draft.title), fields, lambda values: values)
    form.restore(draft.values)
    app.push_screen(form, _closing(then))
    return True


#: Draft key → how to reopen its form with the typed values.
REOPENERS: dict[str, Reopener] = {
    "person.edit": _person_edit,
    "person.note": _person_note,
    "workorder.new": _new_order,
    "calendar.quick_add": _quick_add,
    "calendar.edit": _event_edit,
}


def restore(app: DeskApp, draft: DraftView, then: Callable[[], None] = lambda: None) -> None:
    """Reopen the draft's form with its values; `then()` runs once that form is closed. A
    form that cannot be reopened (unknown, or its record deleted) is shown as a copy."""
    reopen = REOPENERS.get(draft.form_key)
    try:
        if reopen is not None and reopen(app, draft, then):
            return
    except (FrontDeskError, KeyError, ValueError, TypeError) as exc:
        message = exc.message if isinstance(exc, FrontDeskError) else str(exc)
        app.notify(_("The form of this draft cannot be reopened ({reason}); here is what you "
                     "typed.").format(reason=message), severity="warning", markup=False)
    _copy(app, draft, then)
