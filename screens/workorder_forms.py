"""The work-order forms (new order, reasons, resolve with costs, callback, merge/link, filters)
and the small list modals (technician picker, saved filters, missed deadlines)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from data import calls, cards, people, workorders
from data.calls import CallInput, CallView
from data.choices import search_keys
from data.clock import now as clock_now
from data.dates import parse_appointment
from data.errors import FrontDeskError, NotFoundError, ValidationError
from data.hotline import CHANNEL as HOTLINE
from data.hotline import parse_reply_due, record_reply
from data.i18n import N_, _
from data.queue import HOTLINE_FILTERS, QueueFilter
from data.validators import mask_phone, parse_date
from data.vocab import (
    CHANNELS,
    OCCUPANCY_ROLES,
    PRIORITIES,
    WORK_ORDER_KINDS,
    WORK_ORDER_STATUSES,
    label,
)
from screens.room_question import RoomAsker, candidates_question
from widgets.conflict import RecordState, VersionGuard
from widgets.form import FormField, FormModal
from widgets.picker import PickerModal, PickRow

COST_KINDS = {"material": N_("Material"), "labour": N_("Labour")}
PAYERS = {"owner": N_("Owner"), "company": N_("Company")}


@dataclass(frozen=True)
class Refused:
    """A form's action the data layer refused as a whole (not one field's input): the
    screen shows `message`; `conflict` means the order changed meanwhile and is reloaded."""

    message: str
    conflict: bool = False


def _options(table: dict[str, str]) -> list[tuple[str, str]]:
    return [(label(table, code), code) for code in table]


def _any(options: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    """Select options led by "any" (value ""), so a chosen value can be cleared again."""
    return [(_("(any)"), ""), *options]


def guarded(act: Callable[[dict[str, str]], Any], fields: Iterable[str],
            rename: dict[str, str] | None = None, *,
            guard: VersionGuard | None = None) -> Callable[[dict[str, str]], Any]:
    """Wrap a form's save: a field's error stays under that field (renamed through `rename`
    where the data layer calls it differently); a refusal of the action itself closes the
    form with `Refused`. A concurrent change goes to the form when it has a `guard` (it
    stays open with what was typed and shows what changed; a refusal, too, then stays in
    the form); without one it closes the form with `Refused` too."""
    names = set(fields)
    rename = rename or {}

    def save(values: dict[str, str]) -> Any:
        try:
            return act(values)
        except workorders.ConflictError as exc:
            if guard is not None:
                raise
            return Refused(exc.message, conflict=True)
        except ValidationError as exc:
            field = rename.get(exc.field, exc.field)
            if field in names:
                raise ValidationError(field, exc.message) from exc
            if exc.field == "status" and guard is None:
                return Refused(exc.message)
            # With a guard the form stays open: after a reload the status may no longer
            # allow the action, and what was typed is kept while the user decides.
            raise FrontDeskError(exc.message) from exc

    return save


# --- the new work order ------------------------------------------------------------------------


def _resolve_room(text: str, community_text: str, community_id: int | None,
                  asker: RoomAsker | None = None) -> tuple[int | None, int | None, str]:
    """(room id, community id, place) of what the form says; the community alone for a public
    place, and a parking space as a place (车位 B2-034) in its community. The room is found by
    data.rooms_lookup.resolve_room, as everywhere else; a code that could be several rooms or
    a parking space is asked about (`asker`), naming each candidate."""
    from data.rooms import PARKING
    from data.rooms_lookup import resolve_room

    picked = asker.chosen(text, community_text) if asker is not None else None
    if picked is not None:
        candidate = picked
    else:
        if community_text.strip():
            try:
                community_id = people.community_by_name(community_text).id
            except NotFoundError as exc:
                raise ValidationError("community", exc.message) from exc
        if not text.strip():
            return None, community_id, ""
        try:
            match = resolve_room(text, community_id)  # ValidationError("room") names the forms
        except NotFoundError as exc:  # a community written in front that does not exist
            raise ValidationError("room", exc.message) from exc
        code = match.parsed.code
        if not match.candidates:
            if community_id is not None:
                raise ValidationError("room", _("There is no room {code} in that community.").format(code=code))
            raise ValidationError("room", _("There is no room {code} in any community.").format(code=code))
        if len(match.candidates) > 1:
            if asker is not None:
                asker.ask(text, match)
            raise ValidationError("room", candidates_question(match))
        candidate = match.candidates[0]
    if candidate.kind == PARKING:
        return None, candidate.community_id, _("parking space {code}").format(code=candidate.code)
    return candidate.id, candidate.community_id, ""


def new_order_form(staff_id: int, *, person_id: int | None = None, room_id: int | None = None,
                   community_id: int | None = None, title: str = "", description: str = "",
                   kind: str = "repair", phone: str = "", call_id: int | None = None,
                   call: Callable[[], CallInput] | None = None, callback_of: int | None = None,
                   call_logged: Callable[[CallView], Any] | None = None,
                   phone_masked: bool = False) -> FormModal:
    """A new work order, with the person and room prefilled; dismisses with its id.

    `title`, `description`, `kind` and `phone` prefill those fields (a call's summary and
    number). The order is saved in one transaction (`data.calls.create_order_from_call`)
    with linking it to the logged call `call_id`, or with logging the call being taken:
    `call()` says it as it is when the order is saved (settling the callback `callback_of`),
    and `call_logged` gets it as stored. A refusal there saves neither. `phone_masked` shows
    a passed `phone` masked (a number from the call log), as the person's own number always is."""
    # A draft reopens the form with the same prefill (the call being taken, which saving
    # would have logged, cannot be kept).
    prefill = {"person_id": person_id, "room_id": room_id, "community_id": community_id,
               "title": title, "description": description, "kind": kind, "phone": phone,
               "call_id": call_id, "phone_masked": phone_masked}
    room_code, community_name = "", ""
    prefilled_phone = phone
    # The owner's own number is prefilled masked (privacy, issue 7): left as shown, it saves
    # the full number behind it. A number passed in (the caller's, in a call) shows as is.
    stored_phone, shown_phone = "", ""
    if prefilled_phone and phone_masked:
        stored_phone, shown_phone = prefilled_phone, mask_phone(prefilled_phone)
        phone = shown_phone
    persons: list[tuple[str, str]] = []  # (name, id) choices: the person, the room's residents
    if person_id is not None:
        card = cards.owner_card(person_id)
        if not prefilled_phone and card.phones:
            stored_phone = card.phones[0].number
            shown_phone = mask_phone(stored_phone)
        phone = shown_phone or prefilled_phone
        persons.append((card.name, str(card.id)))
        current = [r for r in card.rooms if r.end is None]
        if room_id is None and current:
            room_id = current[0].room_id
    if room_id is not None:
        room = cards.room_card(room_id)
        room_code, community_name, community_id = room.code, room.community, room.community_id
        persons += [(f"{o.name} ({label(OCCUPANCY_ROLES, o.role)})", str(o.person_id))
                    for o in room.current if str(o.person_id) not in {v for _n, v in persons}]
    # A community the caller named without a room: used when the field is left empty.
    fallback_community = community_id if not community_name else None
    from data.queue import categories

    # A committee request (业委会事项, from the committee screen) is no repair (walk19b N6): no
    # repair categories, its community filled in, the committee as its place, the channel 来访.
    committee = kind == "committee"
    cats = categories(except_kind="repair") if committee else categories()
    place, channel_default = "", "phone"
    if committee and community_id is not None and not community_name:
        from data.property.communities import list_communities

        community_name = next((c.name for c in list_communities() if c.id == community_id), "")
        place, channel_default = _("Owners' committee"), "visit"
    fields = [
        FormField("title", _("Title"), title, placeholder=_("要求公示停车场收支, 请物业列席业委会会议 …") if committee
                  else _("厨房水管漏水, 2号楼电梯异响 …")),
        FormField("kind", _("Kind"), kind if kind in WORK_ORDER_KINDS else "repair", kind="select",
                  options=_options(WORK_ORDER_KINDS)),
        FormField("category", _("Category"), kind="filter",
                  options=[(name, str(cid)) for cid, name in cats],
                  keys=[search_keys(name) for _cid, name in cats]),
        FormField("priority", _("Priority"), "normal", kind="select", options=_options(PRIORITIES)),
        FormField("room", _("Room"), room_code, placeholder="3-2-501 / 3栋2单元501"),
        FormField("community", _("Community"), community_name,
                  placeholder=_("needed when the room code is in several communities")),
        FormField("location", _("Public place"), place, placeholder=_("instead of a room: 2号楼电梯, 东门 …")),
        FormField("person", _("Person"), str(person_id or ""), kind="select", options=persons,
                  placeholder=_("(nobody)")),
        FormField("phone", _("Contact phone"), phone, placeholder="138 0013 8000"),
        FormField("channel", _("Channel"), channel_default, kind="select", options=_options(CHANNELS)),
        # Asked once the channel is 12345热线: the hotline's reference and reply deadline.
        FormField("hotline_ref", _("12345 ref."), placeholder=_("the hotline's reference, such as SZ-2026-004711"),
                  shown_when=("channel", HOTLINE)),
        FormField("reply_due", _("Reply by"), placeholder=_("the hotline's deadline: 明天 17:00, 12-10, 周五下午"),
                  shown_when=("channel", HOTLINE)),
        FormField("appointment", _("Appointment"), placeholder=_("明天 15:00, 周三上午 … optional")),
        FormField("description", _("Description"), description, kind="text"),
    ]

    asker = RoomAsker()

    def save(values: dict[str, str]) -> int:
        from data.validators import normalize_phone

        found_room, found_community, place = _resolve_room(values["room"], values["community"],
                                                           fallback_community, asker)
        if found_community is None:
            raise ValidationError("community", _("Say which community the public place is in."))
        typed = values["phone"].strip()
        if stored_phone and typed == shown_phone:
            number = stored_phone
        else:
            number = normalize_phone(typed).number if typed else ""
        channel = values["channel"] or "phone"
        from_hotline = channel == HOTLINE
        order = workorders.OrderInput(
            kind=values["kind"] or "repair", title=values["title"], community_id=found_community,
            room_id=found_room, person_id=int(values["person"]) if values["person"] else None,
            category_id=int(values["category"]) if values["category"] else None,
            priority=values["priority"] or "normal", channel=channel,
            description=values["description"],
            location=(place or values["location"]) if found_room is None else "",
            contact_phone=number, appointment_at=parse_appointment(values["appointment"], clock_now()),
            # Typed before another channel was chosen: not this order's.
            hotline_ref=values["hotline_ref"] if from_hotline else "",
            reply_due=parse_reply_due(values["reply_due"], clock_now()) if from_hotline else None,
        )
        if call_id is None and call is None:
            return workorders.create_order(order, staff_id).id
        order_id, logged = calls.create_order_from_call(
            order, staff_id, call_id=call_id, call=call() if call is not None else None,
            callback_of=callback_of)
        if call_logged is not None and logged is not None:
            call_logged(logged)
        return order_id

    form = FormModal(_("New committee request") if committee else _("New work order"), fields, save,
                     draft_key=NEW_ORDER,
                     draft_context={"prefill": prefill})
    asker.form = form
    return form


#: Draft key of the new-order form (screens.drafts reopens it).
NEW_ORDER = "workorder.new"
#: What a draft's prefill may hold (new_order_form's keyword arguments kept in JSON).
DRAFT_PREFILL = ("person_id", "room_id", "community_id", "title", "description", "kind",
                 "phone", "call_id", "phone_masked")


# --- actions on one work order -----------------------------------------------------------------


def reason_form(title: str, act: Callable[[str], Any], *, label_text: str | None = None,
                guard: VersionGuard | None = None) -> FormModal:
    """One reason (or note), several lines; `act(text)` does the change (with `guard`, over
    the version in it: see `order_guard`)."""
    fields = [FormField("reason", label_text or _("Reason"), kind="text")]
    return FormModal(title, fields, guarded(lambda v: act(v["reason"]), ["reason"], {"note": "reason"},
                                            guard=guard), guard=guard)


def _cost_fields() -> list[FormField]:
    return [
        FormField("kind", _("Cost"), "material", kind="select", options=_options(COST_KINDS)),
        FormField("description", _("For"), placeholder=_("角阀, 人工 …")),
        FormField("quantity", _("Quantity"), "1"),
        FormField("unit_price", _("Unit price"), placeholder="35.00"),
        FormField("payer", _("Paid by"), "owner", kind="select", options=_options(PAYERS)),
    ]


def _cost_input(values: dict[str, str]) -> workorders.CostInput:
    return workorders.CostInput(values["kind"], values["description"], values["quantity"],
                                values["unit_price"], values["payer"])


def _add_cost(order_id: int, staff_id: int, values: dict[str, str]) -> int:
    cost = _cost_input(values)
    return workorders.add_cost(order_id, staff_id, cost.kind, cost.description, cost.quantity,
                               cost.unit_price, cost.payer)


def resolve_form(view: workorders.OrderView, staff_id: int,
                 guard: VersionGuard | None = None) -> FormModal:
    """What was done, and optionally one cost line (more with c afterwards)."""
    fields = [FormField("note", _("What was done"), kind="text"), *_cost_fields()]
    fields[2].help = _("Optional: leave it empty when nothing was charged.")

    def act(values: dict[str, str]) -> workorders.OrderView:
        charged = values["description"].strip() or values["unit_price"].strip()
        return workorders.resolve_with_cost(
            view.id, staff_id, values["note"], _cost_input(values) if charged else None,
            expected_version=guard.version if guard else view.version)

    return FormModal(_("Resolve {number}").format(number=view.number), fields,
                     guarded(act, [f.name for f in fields], guard=guard), guard=guard)


def cost_form(view: workorders.OrderView, staff_id: int) -> FormModal:
    fields = _cost_fields()
    return FormModal(_("Cost of {number}").format(number=view.number), fields,
                     guarded(lambda v: _add_cost(view.id, staff_id, v), [f.name for f in fields]))


def callback_form(view: workorders.OrderView, staff_id: int,
                  guard: VersionGuard | None = None, *, phone_revealed: bool = False) -> FormModal:
    """回访: rating and comment; an unhappy owner (≤ 2) reopens it in the same step. The
    title names whom to call: the owner and the contact phone, masked unless the clerk
    revealed it on the order (R, recorded)."""
    fields = [
        FormField("rating", _("Rating"), placeholder=_("1–5 (5 very satisfied)")),
        FormField("comment", _("Comment"), kind="text"),
        FormField("reopen", _("If unhappy"), "yes", kind="select",
                  options=[(_("reopen now"), "yes"), (_("keep it resolved"), "no")],
                  help=_("Applies to a rating of {rating} or less.").format(rating=workorders.UNHAPPY_RATING)),
    ]

    def act(values: dict[str, str]) -> workorders.OrderView:
        return workorders.record_callback(
            view.id, staff_id, values["rating"].strip(), values["comment"],
            reopen_if_unhappy=values["reopen"] != "no",
            expected_version=guard.version if guard else view.version)

    phone = view.contact_phone if phone_revealed else mask_phone(view.contact_phone)
    who = " ".join(b for b in (view.person, phone if view.contact_phone else "") if b)
    title = _("Callback of {number}").format(number=view.number)
    if who:
        title = _("Callback of {number}: call {who}").format(number=view.number, who=who)
    return FormModal(title, fields, guarded(act, [f.name for f in fields], guard=guard), guard=guard)


def hotline_reply_form(view: workorders.OrderView, staff_id: int,
                       guard: VersionGuard | None = None) -> FormModal:
    """The reply sent to the 12345 hotline (what was said; by whom and when are the clerk
    and now): its reply deadline stops counting."""
    ref = view.hotline.ref if view.hotline is not None else ""
    due = f"{view.hotline.reply_due:%m-%d %H:%M}" if view.hotline is not None else ""
    fields = [FormField("reply", _("Reply"), kind="text",
                        help=_("What was replied to the hotline, due {due}.").format(due=due))]

    def act(values: dict[str, str]) -> Any:
        return record_reply(view.id, values["reply"], staff_id,
                            expected_version=guard.version if guard else view.version)

    return FormModal(_("Reply to 12345 {ref} ({number})").format(ref=ref, number=view.number),
                     fields, guarded(act, ["reply"], guard=guard), guard=guard)


def merge_form(view: workorders.OrderView, staff_id: int) -> FormModal:
    """Merge this order into another (a duplicate) or link the two (related)."""
    fields = [
        FormField("mode", _("Do"), "merge", kind="select",
                  options=[(_("merge this one into"), "merge"), (_("link it with"), "link")]),
        FormField("other", _("Work order"), placeholder="BX-20261127-0002"),
    ]

    def act(values: dict[str, str]) -> Any:
        if not values["other"].strip():
            raise ValidationError("other", _("Type the number of the other work order."))
        try:
            other = workorders.get_order(values["other"])
        except NotFoundError as exc:
            raise ValidationError("other", exc.message) from exc
        if values["mode"] == "link":
            workorders.link(view.id, other.id, staff_id)
            return other.id
        return workorders.merge(view.id, other.id, staff_id)

    return FormModal(_("Merge or link {number}").format(number=view.number), fields,
                     guarded(act, ["mode", "other"], {"merge": "other", "link": "other"}))


def priority_form(current: str, act: Callable[[str], Any], title: str,
                  guard: VersionGuard | None = None) -> FormModal:
    fields = [FormField("priority", _("Priority"), current, kind="select", options=_options(PRIORITIES))]
    return FormModal(title, fields, guarded(lambda v: act(v["priority"]), ["priority"], guard=guard),
                     guard=guard)


# --- someone else changed the order meanwhile ----------------------------------------------------

#: The order's fields a conflict lists (record names differ from the forms' own fields,
#: except the priority, which the priority form edits).
ORDER_FIELDS = {
    "status": N_("Status"), "assignee": N_("Assignee"), "priority": N_("Priority"),
    "appointment": N_("Appointment"), "order_title": N_("Title"),
    "order_description": N_("Description"), "category": N_("Category"), "place": N_("Place"),
    "rated": N_("Rating"), "callback_comment": N_("Callback comment"),
}
#: Audit-trail columns of work_order → the names above.
_AUDITED = {"status": "status", "assignee_id": "assignee", "priority": "priority",
            "appointment_at": "appointment", "title": "order_title",
            "description": "order_description", "category_id": "category", "room_id": "place",
            "location": "place", "rating": "rated", "callback_comment": "callback_comment"}


def _order_values(v: workorders.OrderView) -> dict[str, str]:
    assignee = f"{v.assignee} ({v.assignee_login})" if v.assignee_login else v.assignee
    return {
        "status": v.status, "assignee": assignee or "", "priority": v.priority,
        "appointment": f"{v.appointment_at:%Y-%m-%d %H:%M}" if v.appointment_at else "",
        "order_title": v.title, "order_description": v.description, "category": v.category,
        "place": f"{v.community} {v.room or v.location}".strip(),
        "rated": "" if v.rating is None else str(v.rating), "callback_comment": v.callback_comment,
    }


def _order_shown(name: str, value: str) -> str:
    if name == "status":
        return label(WORK_ORDER_STATUSES, value) if value else value
    if name == "priority":
        return label(PRIORITIES, value) if value else value
    return value


def order_guard(view: workorders.OrderView) -> VersionGuard:
    """The order as a form about it was opened. A conflict lists what changed in its fields
    and what was done to it meanwhile (its history names who, for everyone who sees it)."""
    from data import versions

    def current(guard: VersionGuard) -> RecordState:
        now = workorders.get_order(view.id)
        # Every change adds one history entry and one version: the newest entries since the
        # version the form was opened at are what happened meanwhile.
        steps = versions.order_steps(view.id, limit=min(max(now.version - guard.version, 0), 20))
        stamps = {_AUDITED[k]: stamp for k, stamp in
                  versions.changed_since("work_order", view.id).items() if k in _AUDITED}
        if steps:
            stamps[""] = versions.Stamp(steps[0].login, steps[0].at)
        notes = tuple(
            f"{s.at:%m-%d %H:%M} {s.login or '—'}: {label(workorders.ACTION_LABELS, s.action)}"
            + (f" — {' '.join(s.note.split())}" if s.note.strip() else "")
            for s in reversed(steps))
        return RecordState(_order_values(now), now.version, stamps, notes)

    return VersionGuard(view.version, _order_values(view), current,
                        labels={k: _(v) for k, v in ORDER_FIELDS.items()}, show=_order_shown)


# --- queue forms -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Lookups:
    """Choices of the filter form, read once by the queue screen."""

    buildings: list[tuple[int, str]]
    categories: list[tuple[int, str]]
    technicians: list[tuple[int, str, str]]

    def describe(self, flt: QueueFilter) -> str:
        """A filter in a few words, such as "锦绣花园 3栋 · 紧急 · 11-01–11-30"."""
        parts = []
        names = {"building_id": dict(self.buildings), "category_id": dict(self.categories),
                 "assignee_id": {t[0]: t[2] for t in self.technicians}}
        for key in ("building_id", "category_id"):
            value = getattr(flt, key)
            if value is not None:
                parts.append(names[key].get(value, f"#{value}"))
        if flt.priority:
            parts.append(label(PRIORITIES, flt.priority))
        if flt.status:
            parts.append(label(WORK_ORDER_STATUSES, flt.status))
        if flt.assignee_id is not None:
            parts.append(names["assignee_id"].get(flt.assignee_id, f"#{flt.assignee_id}"))
        if flt.created_from or flt.created_to:
            parts.append(f"{flt.created_from or ''}–{flt.created_to or ''}")
        if flt.hotline:
            parts.append(label(HOTLINE_FILTERS, flt.hotline))
        return " · ".join(parts) if parts else _("no filter")


def match_buildings(text: str, buildings: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """The buildings a few typed words name: `锦绣 3`, `锦绣花园3栋`, `3栋` (every building 3
    when several communities have one). Spaces do not matter; a number is a building number."""
    import re

    words = text.split()
    if not words:
        return []
    squeezed = "".join(words)
    exact = [b for b in buildings if b[1].replace(" ", "") == squeezed]
    if exact:
        return exact

    def fits(name: str) -> bool:
        flat = name.replace(" ", "")
        for word in words:
            if word.isdigit():
                if not re.search(rf"(?<!\d){word}(栋|号楼|幢|座|$)", flat):
                    return False
            elif word not in flat:
                return False
        return True

    return [b for b in buildings if fits(b[1])]


def building_filter_form(current: QueueFilter, lookups: Lookups) -> FormModal:
    """b in the queue: the building typed in a few words (`锦绣 3`), the rest of the filter
    kept; an empty line shows every building. Dismisses with the new QueueFilter."""
    from dataclasses import replace as replaced

    names = dict(lookups.buildings)
    shown = names.get(current.building_id, "") if current.building_id is not None else ""
    fields = [FormField("building", _("Building"), shown,
                        placeholder=_("锦绣 3, 3栋 …"))]

    def save(values: dict[str, str]) -> QueueFilter:
        if not values["building"].strip():
            return replaced(current, building_id=None)
        found = match_buildings(values["building"], lookups.buildings)
        if not found:
            raise ValidationError("building", _("No building is called “{text}”.").format(
                text=values["building"].strip()[:30]))
        if len(found) > 1:
            raise ValidationError("building", _("Several buildings match: {names}; type more.").format(
                names="、".join(name for _i, name in found[:4]) + ("…" if len(found) > 4 else "")))
        return replaced(current, building_id=found[0][0])

    return FormModal(_("Orders of one building"), fields, save)


def filter_form(current: QueueFilter, lookups: Lookups) -> FormModal:
    """Narrow the queue; dismisses with the new QueueFilter."""
    def text(value: object) -> str:
        return "" if value is None else str(value)

    fields = [
        FormField("building", _("Building"), text(current.building_id), kind="filter",
                  options=_any((name, str(i)) for i, name in lookups.buildings),
                  keys=["", *(search_keys(name) for _i, name in lookups.buildings)]),
        FormField("category", _("Category"), text(current.category_id), kind="filter",
                  options=_any((name, str(i)) for i, name in lookups.categories),
                  keys=["", *(search_keys(name) for _i, name in lookups.categories)]),
        FormField("priority", _("Priority"), text(current.priority), kind="select",
                  options=_any(_options(PRIORITIES))),
        FormField("status", _("Status"), text(current.status), kind="select",
                  options=_any(_options(WORK_ORDER_STATUSES))),
        FormField("assignee", _("Assignee"), text(current.assignee_id), kind="filter",
                  options=_any((f"{name} ({login})", str(i)) for i, login, name in lookups.technicians),
                  keys=["", *(search_keys(name, login) for _i, login, name in lookups.technicians)]),
        FormField("created_from", _("Created from"), text(current.created_from), placeholder="2026-11-01"),
        FormField("created_to", _("Created to"), text(current.created_to), placeholder="2026-11-30"),
        FormField("hotline", _("12345 hotline"), text(current.hotline), kind="select",
                  options=_any(_options(HOTLINE_FILTERS))),
    ]

    def save(values: dict[str, str]) -> QueueFilter:
        def number(key: str) -> int | None:
            return int(values[key]) if values[key] else None

        start, end = parse_date(values["created_from"], "created_from"), parse_date(values["created_to"], "created_to")
        if start and end and end < start:
            raise ValidationError("created_to", _("The end date is before the start date."))
        return QueueFilter(
            building_id=number("building"), category_id=number("category"),
            priority=values["priority"] or None, status=values["status"] or None,
            assignee_id=number("assignee"), created_from=start, created_to=end,
            community_id=current.community_id, hotline=values["hotline"] or None,
        )

    return FormModal(_("Filter the queue"), fields, save)


def save_filter_form(staff_id: int, flt: QueueFilter, description: str) -> FormModal:
    from data.queue import save_filter

    fields = [FormField("name", _("Name"), placeholder=_("3号楼漏水, 本周紧急 …"), help=description)]

    def save(values: dict[str, str]) -> str:
        save_filter(staff_id, values["name"], flt)
        return values["name"].strip()

    return FormModal(_("Save this filter"), fields, save)


# --- list modals -------------------------------------------------------------------------------


def technician_picker(suggestions: list, technicians: list[tuple[int, str, str]], title: str, *,
                      current: int | None = None) -> PickerModal:
    """Suggestions first (the first one highlighted: one key takes it), then every other
    technician. `suggestions` are data.dispatch.Suggestion values; their reason says the
    territory, the open orders and whether the appointment time is free, and a second line
    their record on the order's category (服务技能: resolved, median time, rating). On a
    reassignment `current` is who holds the order now: listed last, marked so, never the
    suggestion."""
    rows: list[PickRow] = []
    held: list[PickRow] = []

    def why(s, reason: str) -> str:
        return f"{reason}\n{s.skill}" if s.skill else reason

    for s in suggestions:
        if s.staff_id == current:
            held.append(PickRow(("", f"{s.name} ({s.login})", why(s, _("holds it now") + " · " + s.reason)),
                                s.staff_id, "dim", height=None))
            continue
        first = not rows
        style = "bold" if first else "dim" if s.busy else ""
        rows.append(PickRow(("★" if first else "", f"{s.name} ({s.login})", why(s, s.reason)), s.staff_id,
                            style, height=None))
    offered = {s.staff_id for s in suggestions}
    for staff_id, login, name in technicians:
        if staff_id not in offered:
            reason = _("holds it now") if staff_id == current else ""
            (held if staff_id == current else rows).append(
                PickRow(("", f"{name} ({login})", reason), staff_id, "dim" if reason else ""))
    rows.extend(held)
    columns = [("", 1), (_("Technician"), 16), (_("Why"), 51)]
    return PickerModal(title, columns, rows, empty=_("No active technicians."))


def saved_filter_picker(saved: list[tuple[str, QueueFilter]], lookups: Lookups) -> PickerModal:
    rows = [PickRow((name, lookups.describe(flt)), (name, flt)) for name, flt in saved]
    return PickerModal(_("Saved filters"), [(_("Name"), 16), (_("Filter"), 52)], rows)


def missed_report(rows: list, year: int, month: int) -> PickerModal:
    """Missed deadlines of the month per technician (data.escalation.MissedRow values)."""
    table = [
        PickRow((f"{r.name} ({r.login})", str(r.response_missed), str(r.resolution_missed), str(r.total),
                 _("review") if r.flagged else ""), r.staff_id, "bold red" if r.flagged else "")
        for r in rows
    ]
    columns = [(_("Assignee"), 18), (_("Response"), 8), (_("Resolution"), 10), (_("Total"), 6),
               (_("Flag"), 10)]
    title = _("Missed deadlines {year}-{month:02d} (3 or more: flagged for review)").format(
        year=year, month=month)
    return PickerModal(title, columns, table, selectable=False,
                       empty=_("Nobody missed a deadline this month."))


# --- the on-site visit (上门预约) ------------------------------------------------------------


def visit_form(view: workorders.OrderView, staff_id: int) -> FormModal:
    """Book or move the order's visit: when (明天 15:00, 周三上午) and the technician (the
    assignee by default; name, initials or login). Saving checks the technician's
    calendar: a clash comes back as a booking.Clash for the "Book anyway?" question;
    otherwise it dismisses with the data.visits.VisitBooked."""
    from data import calendar, visits
    from screens.calendar.booking import attempt

    technician = calendar.staff_ref(view.assignee_id) if view.assignee_id else None
    when = f"{view.appointment_at:%Y-%m-%d %H:%M}" if view.appointment_at else ""
    fields = [
        FormField("when", _("When"), when, placeholder=_("明天 15:00, 周三上午, 12-3 9:30")),
        FormField("technician", _("Technician"), technician.login if technician else "",
                  placeholder=_("李建国, ljg or tech1")),
    ]

    def save(values: dict[str, str]) -> Any:
        at = parse_appointment(values["when"], clock_now(), "when")
        if at is None:
            raise ValidationError("when", _("Say when the visit is: 明天 15:00, 周三上午."))
        if not values["technician"].strip():
            raise ValidationError("technician", _("Say which technician goes."))
        tech = calendar.one_staff(values["technician"], "technician")

        def book(force: bool, reason: str) -> Any:
            return visits.book_visit(view.id, at, tech.id, staff_id, force=force, reason=reason,
                                     expected_version=view.version)

        return attempt(book)

    def after_deadline(values: dict[str, str]) -> str | None:
        """A visit after the order's resolution deadline is asked about once (F10 again books)."""
        try:
            at = parse_appointment(values["when"], clock_now(), "when")
        except ValidationError:
            return None  # the save says what is wrong with the date
        due = view.resolution_due
        if at is None or due is None or at <= due:
            return None
        return _("The visit ({visit}) is after the deadline to resolve {number} ({due}). "
                 "F10 again books it anyway; esc goes back.").format(
            visit=f"{at:%Y-%m-%d %H:%M}", number=view.number, due=f"{due:%Y-%m-%d %H:%M}")

    verb = _("Move the visit of {number}") if view.appointment_at else _("Book a visit for {number}")
    return FormModal(verb.format(number=view.number), fields,
                     guarded(save, ("when", "technician"), {"appointment": "when"}),
                     check=after_deadline)
