"""The calls screen's forms and modals: callback time, retry time, history filter, person
search, one call's details, and the number shown large for manual dialling."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Digits, Label, Static

from data.errors import ValidationError
from data.i18n import N_, _
from data.validators import mask_phone, parse_date, parse_datetime
from data.vocab import CALL_CATEGORIES, CALL_DIRECTIONS, CALL_OUTCOMES, label
from widgets.desk import DeskModal
from widgets.form import FormField, FormModal
from widgets.safe import plain, safe_text


def _options(table: dict[str, str]) -> list[tuple[str, str]]:
    return [(label(table, code), code) for code in table]


def _any(options: list[tuple[str, str]]) -> list[tuple[str, str]]:
    return [(_("(any)"), ""), *options]


def stamp(value: dt.datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M") if value else ""


def minutes(seconds: int) -> str:
    """A duration as mm:ss (h:mm:ss from an hour on)."""
    seconds = max(0, int(seconds))
    hours, rest = divmod(seconds, 3600)
    if hours:
        return f"{hours}:{rest // 60:02d}:{rest % 60:02d}"
    return f"{rest // 60:02d}:{rest % 60:02d}"


def group_number(number: str) -> str:
    """A number spaced for reading aloud and dialling by hand: 138 0013 8000,
    021 1234 5678 转 801; anything else in groups of four."""
    parts = number.split("-")
    extension = parts[2] if len(parts) == 3 else ""
    if len(parts) in (2, 3):  # a landline: area code, subscriber number, extension
        main = f"{parts[0]} {_fours(parts[1])}"
    else:
        digits = re.sub(r"\D", "", number)
        if len(digits) == 11 and digits.startswith("1"):
            main = f"{digits[:3]} {digits[3:7]} {digits[7:]}"
        else:
            main = _fours(digits) if digits else number
    return f"{main} {_('ext.')} {extension}" if extension else main


def _fours(digits: str) -> str:
    """Groups of four from the right: 12345678 → 1234 5678, 8765432 → 876 5432."""
    head = len(digits) % 4
    groups = [digits[:head]] if head else []
    groups += [digits[i:i + 4] for i in range(head, len(digits), 4)]
    return " ".join(groups)


# --- forms -------------------------------------------------------------------------------------


def _staff_options(staff: list) -> list[tuple[str, str]]:
    return [(f"{s.name} ({s.login})", str(s.id)) for s in staff]


def callback_form(staff: list, me_id: int, due: dt.datetime,
                  act: Callable[[dt.datetime, int], Any] | None = None) -> FormModal:
    """When to call back and who does; dismisses with (due, assignee id), or with what
    `act(due, assignee_id)` returns (scheduling the callback of a saved call)."""
    fields = [
        FormField("due", _("Call back at"), stamp(due), placeholder=_("YYYY-MM-DD HH:MM")),
        # People only: a service account (cron, the phone system) calls nobody back.
        FormField("assignee", _("Who calls"), str(me_id), kind="select",
                  options=_staff_options([s for s in staff if s.role != "service"])),
    ]

    def save(values: dict[str, str]) -> Any:
        when = parse_datetime(values["due"], "due")
        if when is None:
            raise ValidationError("due", _("Say when to call back, such as {example}.").format(
                example=stamp(due)))
        assignee = int(values["assignee"]) if values["assignee"] else me_id
        return act(when, assignee) if act is not None else (when, assignee)

    return FormModal(_("Schedule a callback"), fields, save)


def retry_form(due: dt.datetime) -> FormModal:
    """稍后再拨: when to try this number again; dismisses with the time."""
    fields = [FormField("retry_at", _("Try again at"), stamp(due), placeholder=_("YYYY-MM-DD HH:MM"))]

    def save(values: dict[str, str]) -> dt.datetime:
        when = parse_datetime(values["retry_at"], "retry_at")
        if when is None:
            raise ValidationError("retry_at", _("Say when to try again, such as {example}.").format(
                example=stamp(due)))
        return when

    return FormModal(_("Call again later"), fields, save)


def filter_form(current: Any, staff: list) -> FormModal:
    """Narrow the call history; dismisses with a data.calls.CallFilter."""
    from data.calls import CallFilter

    def text(value: object) -> str:
        return "" if value is None else str(value)

    fields = [
        FormField("direction", _("Direction"), text(current.direction), kind="select",
                  options=_any(_options(CALL_DIRECTIONS))),
        FormField("category", _("Category"), text(current.category), kind="select",
                  options=_any(_options(CALL_CATEGORIES))),
        FormField("staff", _("Staff member"), text(current.staff_id), kind="select",
                  options=_any(_staff_options(staff))),
        FormField("number", _("Number"), text(current.number), placeholder="13800138000"),
        FormField("since", _("Since"), text(current.since), placeholder="2026-11-01"),
        FormField("until", _("Until"), text(current.until), placeholder="2026-11-30"),
    ]

    def save(values: dict[str, str]) -> Any:
        since, until = parse_date(values["since"], "since"), parse_date(values["until"], "until")
        if since and until and until < since:
            raise ValidationError("until", _("The end date is before the start date."))
        return CallFilter(
            direction=values["direction"] or None, category=values["category"] or None,
            staff_id=int(values["staff"]) if values["staff"] else None,
            person_id=current.person_id, since=since, until=until,
            number=values["number"].strip() or None,
        )

    return FormModal(_("Filter the calls"), fields, save)


def describe_filter(flt: Any, staff: list) -> str:
    """A call filter in a few words."""
    names = {s.id: s.name for s in staff}
    parts = []
    if flt.direction:
        parts.append(label(CALL_DIRECTIONS, flt.direction))
    if flt.category:
        parts.append(label(CALL_CATEGORIES, flt.category))
    if flt.staff_id is not None:
        parts.append(names.get(flt.staff_id, f"#{flt.staff_id}"))
    if flt.number:
        parts.append(flt.number)
    if flt.since or flt.until:
        parts.append(f"{flt.since or ''}–{flt.until or ''}")
    return " · ".join(parts) if parts else _("all calls")


def person_search_form() -> FormModal:
    """Who is calling: a name, pinyin, room or phone; dismisses with the typed query."""
    fields = [FormField("query", _("Search"), placeholder=_("Name, pinyin, room 3-2-501 or phone"))]

    def save(values: dict[str, str]) -> str:
        if not values["query"].strip():
            raise ValidationError("query", _("Type a name, a room or a phone number."))
        return values["query"].strip()

    return FormModal(_("Who is calling?"), fields, save)


# --- modals ------------------------------------------------------------------------------------


class CallDetailsModal(DeskModal[str | None]):
    """One call in full; dismisses with what to do next: "order" (open or create its work
    order), "callback" or "dial"; escape closes."""

    DEFAULT_CSS = """
    CallDetailsModal { align: center middle; }
    CallDetailsModal > Vertical {
        width: 76; max-width: 100%; height: auto; max-height: 100%;
        border: thick $primary; background: $surface; padding: 0 1;
    }
    CallDetailsModal #details-title { text-style: bold; }
    CallDetailsModal #details-body { height: auto; max-height: 16; }
    CallDetailsModal #details-keys { color: $text-muted; }
    """
    BINDINGS = [
        Binding("w,o", "choose('order')", N_("Work order")),
        Binding("b", "choose('callback')", N_("Call back later")),
        Binding("d", "choose('dial')", N_("Dial")),
        Binding("r,R", "choose('reveal')", N_("Reveal")),
        Binding("escape,enter", "close", N_("Close")),
    ]

    def __init__(self, call: Any, *, revealed: bool = False) -> None:
        """`revealed`: show the number in full (the screen revealed it, audited); else masked."""
        super().__init__()
        self.call = call
        self.revealed = revealed

    def compose(self) -> ComposeResult:
        call = self.call
        title = _("{direction} call {time}").format(
            direction=label(CALL_DIRECTIONS, call.direction), time=stamp(call.started_at))
        with Vertical():
            yield Label(title, id="details-title", markup=False)
            yield Static(safe_text(self._body(call, self.revealed)), id="details-body")
            order = _("w opens its work order") if call.work_order_id else _("w makes a work order of it")
            reveal = _("r hides the number") if self.revealed else _("r reveals the number")
            yield Label(_("{order} · b call back · d dial · {reveal} · esc close").format(
                order=order, reveal=reveal), id="details-keys", markup=False)

    @staticmethod
    def _body(call: Any, revealed: bool = False) -> Text:
        number = group_number(call.number) if revealed or not call.number else mask_phone(call.number)
        rows = [
            (_("Number"), number),
            # An outbound call names whom the desk called and who called, not a caller.
            (_("Person called") if call.direction == "out" else _("Caller"), call.person or _("(unknown number)")),
            (_("Called by") if call.direction == "out" else _("Taken by"), call.staff),
            (_("Duration"), minutes(call.duration_s)),
            (_("Category"), label(CALL_CATEGORIES, call.category)),
            (_("Outcome"), label(CALL_OUTCOMES, call.outcome) if call.outcome else ""),
            (_("Work order"), call.work_order_number or ""),
            (_("Call back"), _("{due}, {who}").format(due=stamp(call.callback_due), who=call.callback_assignee or "")
             if call.callback_due else ""),
            (_("Called back"), stamp(call.callback_done_at)),
            (_("Recording"), call.recording),
        ]
        text = Text()
        for name, value in rows:
            if value:
                text.append(f"{name}: ", style="bold")
                text.append(f"{value}\n")
        text.append(f"{_('Summary')}:\n", style="bold")
        text.append(call.summary or _("(none)"))
        return text

    def action_choose(self, what: str) -> None:
        self.dismiss(what)

    def action_close(self) -> None:
        self.dismiss(None)


class BigNumberModal(DeskModal[None]):
    """No dial command configured: the number large, in groups, for dialling by hand.
    In full on purpose (issue 7 masks numbers elsewhere): the clerk must read it to dial."""

    DEFAULT_CSS = """
    BigNumberModal { align: center middle; }
    BigNumberModal > Vertical {
        width: auto; min-width: 44; max-width: 100%; height: auto;
        border: thick $accent; background: $surface; padding: 0 2;
    }
    BigNumberModal #big-who { text-style: bold; }
    BigNumberModal Digits { width: auto; margin: 1 0 0 0; }
    BigNumberModal #big-text { text-style: bold; margin: 0 0 1 0; }
    BigNumberModal .hint { color: $text-muted; }
    """
    BINDINGS = [Binding("escape,enter", "close", N_("Close"))]

    def __init__(self, number: str, who: str = "", reason: str = "") -> None:
        super().__init__()
        self.number = number
        self.who = who
        self.reason = reason

    def compose(self) -> ComposeResult:
        grouped = group_number(self.number)
        with Vertical():
            yield Label(plain(self.who or _("Dial by hand")), id="big-who")
            # Digits draws 0-9 and a few signs three lines high; the extension word is not one.
            yield Digits(re.sub(r"[^0-9 ]", "", grouped.split(f" {_('ext.')} ")[0]), id="big-digits")
            yield Label(grouped, id="big-text", markup=False)
            if self.reason:
                yield Label(self.reason, classes="hint", markup=False)
            yield Label(_("enter / esc: close"), classes="hint", markup=False)

    def action_close(self) -> None:
        self.dismiss(None)


class RatingModal(DeskModal[int | None]):
    """回访 connected: the owner's rating, one digit; enter goes on without one (0)."""

    DEFAULT_CSS = """
    RatingModal { align: center middle; }
    RatingModal > Vertical {
        width: 60; height: auto; border: thick $primary; background: $surface; padding: 1 2;
    }
    RatingModal Label { width: 100%; }
    RatingModal .hint { color: $text-muted; margin-top: 1; }
    """
    BINDINGS = [
        *(Binding(str(i), f"rate({i})", str(i), show=False) for i in range(1, 6)),
        Binding("enter,0", "rate(0)", N_("No rating")),
        Binding("escape", "cancel", N_("Back")),
    ]

    def __init__(self, order_number: str) -> None:
        super().__init__()
        self.order_number = order_number

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(_("Connected. How satisfied is the owner with {number}?").format(
                number=self.order_number), markup=False)
            yield Label(_("1–5 (5 very satisfied) · enter: no rating · esc: back"), classes="hint",
                        markup=False)

    def action_rate(self, rating: int) -> None:
        self.dismiss(rating)

    def action_cancel(self) -> None:
        self.dismiss(None)
