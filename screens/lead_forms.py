"""The forms of leads (潜在客户): a new or edited lead (with the duplicate warning), a contact
with the next follow-up, a loss with its reason, a new owner, a follow-up time, the list's
filter, and a paid work order from a won lead. Each save goes through `data.leads` and
dismisses with what it returned."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from dataclasses import replace
from typing import Any, cast

from textual import on, work
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Input, Select
from textual.worker import get_current_worker

from data import leads
from data.clock import now as clock_now
from data.errors import ValidationError
from data.i18n import _
from data.pinyin import initials
from data.vocab import label
from widgets.form import FormField, FormModal
from widgets.safe import plain

#: Pause after the last keystroke in the phones field before looking them up.
PHONE_DEBOUNCE_S = 0.15


def stamp(value: dt.datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M") if value else ""


def parse_when(text: str, field: str) -> dt.datetime | None:
    """A follow-up time as typed: 明天 15:00, 周三上午, 下午3点 or 2026-11-28 09:30."""
    from data.dates.natural import parse_appointment

    try:
        return parse_appointment(text, clock_now(), field)
    except ValidationError:
        example = dt.datetime.combine(clock_now().date() + dt.timedelta(days=1), dt.time(9, 30))
        raise ValidationError(field, _(
            "Type the follow-up as 明天 15:00, 周三上午 or {example}.").format(
            example=stamp(example))) from None


def _choices(table: dict[str, str]) -> list[tuple[str, str]]:
    return [(label(table, code), code) for code in table]


def owner_field(name: str, caption: str, value: str = "", *, blank: str = "") -> FormField:
    """A staff picker of those who work on leads, filtered by name, initials or login."""
    owners = leads.lead_owners()
    return FormField(name, caption, value, kind="filter",
                     options=[(f"{o.staff_name} ({o.staff_login})", str(o.staff_id)) for o in owners],
                     keys=[f"{initials(o.staff_name)} {o.staff_login}" for o in owners],
                     placeholder=blank or _("Choose"))


def community_field(value: int | None) -> FormField:
    from data.property import list_communities

    return FormField("community", _("Community"), str(value) if value else "", kind="select",
                     options=[(c.name, str(c.id)) for c in list_communities()],
                     placeholder=_("(none)"))


class LeadFormModal(FormModal):
    """The new-lead or edit form. A phone that an open lead already has is a warning: the
    form shows that lead, and F10 again saves anyway. On a new lead, the known people its
    phones belong to (who, their rooms) are shown as they are typed, and the clerk links
    the lead to one of them (or to nobody)."""

    BINDING_SCOPE = "lead_form"

    class PhonesMatched(Message):
        """The known people of the phones typed (`typed`)."""

        def __init__(self, typed: str, people: list[leads.KnownPerson]) -> None:
            super().__init__()
            self.typed, self.people = typed, people

    #: The phones text the person field's choices were read for (None: not yet read).
    matched_for: str | None = None

    @property
    def links_people(self) -> bool:
        return any(f.name == "person" for f in self.fields)

    def on_mount(self) -> None:
        if self.links_people:
            self._show_person(False)
            self.match_phones(self.query_one("#field-phones", Input).value, debounce=False)

    def _show_person(self, shown: bool) -> None:
        """The person field's row and its help line, shown only while the phones match someone."""
        row = cast(Widget, self.query_one("#field-person").parent)
        siblings = list(cast(Widget, row.parent).children)
        for widget in siblings[siblings.index(row):siblings.index(row) + 2]:
            widget.display = shown

    @on(Input.Changed, "#field-phones")
    def _phones_changed(self, event: Input.Changed) -> None:
        if self.links_people:
            self.match_phones(event.value)

    @work(thread=True, exclusive=True, group="lead-phones", exit_on_error=False)
    def match_phones(self, typed: str, debounce: bool = True) -> None:
        """The known people of the phones typed, after the debounce, in a worker."""
        if debounce:
            time.sleep(PHONE_DEBOUNCE_S)
            if get_current_worker().is_cancelled:
                return
        found = leads.phone_matches(typed)
        if not get_current_worker().is_cancelled:
            self.post_message(self.PhonesMatched(typed, found))

    def on_lead_form_modal_phones_matched(self, message: PhonesMatched) -> None:
        if message.typed != self.query_one("#field-phones", Input).value:
            return  # typed on since: the next match says
        select = self.query_one("#field-person", Select)
        options = [(_("{who} · its phone {number}").format(who=p.text(), number=p.number), str(p.id))
                   for p in message.people]
        before = "" if select.value is Select.NULL else str(select.value)
        self.fields = [replace(f, options=options) if f.name == "person" else f for f in self.fields]
        select.set_options([(plain(text), value) for text, value in options])
        if before in [v for _t, v in options]:
            select.value = before
        elif len(options) == 1:  # one person: linked unless the clerk says not
            select.value = options[0][1]
        self._show_person(bool(options))
        self.matched_for = message.typed


def lead_form(staff_id: int, *, view: leads.LeadView | None = None, prefill: dict[str, str] | None = None,
              create: Callable[[leads.LeadInput, bool], leads.LeadView] | None = None) -> LeadFormModal:
    """Add a lead (view None: prefilled from `prefill`, saved by `create(data, force)` when
    given, e.g. with the call it came from) or edit `view`; dismisses with the LeadView."""
    values = dict(prefill or {})
    if view is not None:
        values.update(
            name=view.name, phones=", ".join(view.phones), company=view.company, source=view.source,
            referrer=f"#{view.referrer_id} {view.referrer}" if view.referrer_id else "",
            interest=view.interest, budget=leads.budget_text(view.budget),
            places=", ".join(p.code for p in view.places), note=view.note)
    community = view.community_id if view is not None else (
        int(values["community"]) if values.get("community") else None)
    fields = [
        FormField("name", _("Name"), values.get("name", ""), placeholder=_("a person or a company")),
        FormField("phones", _("Phones"), values.get("phones", ""), placeholder="13800138000, 021-55551234"),
        FormField("company", _("Company"), values.get("company", "")),
        FormField("source", _("Source"), values.get("source", "phone"), kind="select",
                  options=_choices(leads.LEAD_SOURCES)),
        FormField("referrer", _("Referred by"), values.get("referrer", ""),
                  help=_("业主推荐: the owner's phone number, name or #id")),
        FormField("interest", _("Interest"), values.get("interest", ""), kind="select",
                  options=_choices(leads.LEAD_INTERESTS)),
        FormField("budget", _("Budget"), values.get("budget", ""), placeholder=_("yuan: 3500 or 1.2万")),
        community_field(community),
        FormField("places", _("Rooms and spaces"), values.get("places", ""), placeholder="3-2-502, B2-034",
                  help=_("vacant ones; p on the lead picks from a list")),
    ]
    if view is None:
        fields += [
            FormField("person", _("Known person"), "", kind="select", placeholder=_("not linked"),
                      help=_("the phone is theirs: the lead is linked to them (blank: to nobody)")),
            owner_field("owner", _("Lead owner"), values.get("owner", ""), blank=_("by the rules")),
            FormField("next_followup", _("Next follow-up"), values.get("next_followup", ""),
                      placeholder=_("明天 10:00")),
        ]
    fields.append(FormField("note", _("Note"), values.get("note", ""), kind="text",
                            placeholder=_("What the lead wants")))
    warned: list[dict[str, str]] = []

    def data_of(typed: dict[str, str]) -> leads.LeadInput:
        return leads.LeadInput(
            name=typed["name"], phones=[typed["phones"]], source=typed["source"],
            interest=typed["interest"], company=typed["company"], referrer=typed["referrer"],
            budget=typed["budget"], community_id=int(typed["community"]) if typed["community"] else None,
            places=typed["places"], note=typed["note"],
            owner_id=int(typed["owner"]) if typed.get("owner") else None,
            next_followup=parse_when(typed.get("next_followup", ""), "next_followup"),
            person_id=int(typed["person"]) if typed.get("person") else None,
            # Linked as chosen once the form has shown the phones' people; saved before
            # that (typed fast), the only person they match is linked, as before.
            link_known=view is not None or form.matched_for != typed["phones"],
        )

    def check(typed: dict[str, str]) -> str | None:
        if not typed["interest"]:
            return None  # the save names the missing field
        found = leads.check_duplicates([typed["phones"]], view.id if view is not None else None)
        if not found:
            return None
        warned[:] = [typed]
        return leads.DuplicateLead(found).message + " " + _("F10 again saves it all the same.")

    def save(typed: dict[str, str]) -> leads.LeadView:
        if not typed["interest"]:
            raise ValidationError("interest", _("Choose what the lead is interested in."))
        data = data_of(typed)
        force = bool(warned) and warned[0] == typed
        if view is not None:
            return leads.update_lead(view.id, data, staff_id, expected_version=view.version, force=force)
        if create is not None:
            return create(data, force)
        return leads.create_lead(data, staff_id, force=force)

    title = _("Lead #{id} {name}").format(id=view.id, name=view.name) if view else _("New lead")
    form = LeadFormModal(title, fields, save, check=check)
    return form


def contact_form(view: leads.LeadView, staff_id: int) -> FormModal:
    """Log a contact with the lead and set the next follow-up; dismisses with the LeadView."""
    fields = [
        FormField("channel", _("How"), "call", kind="select", options=_choices(leads.CONTACT_CHANNELS)),
        FormField("note", _("What was said"), kind="text", placeholder=_("看房时间、报价、顾虑…")),
        FormField("next_followup", _("Next follow-up"), placeholder=_("明天 10:00 (empty: none)")),
    ]

    def save(typed: dict[str, str]) -> leads.LeadView:
        return leads.log_contact(view.id, typed["channel"] or "call", typed["note"], staff_id,
                                 next_followup=parse_when(typed["next_followup"], "next_followup"))

    return FormModal(_("Contact with {name}").format(name=view.name), fields, save)


def lost_form(view: leads.LeadView, staff_id: int) -> FormModal:
    """The lead is lost: a reason of the list and a note; dismisses with the LeadView."""
    fields = [
        FormField("reason", _("Why"), "", kind="select", options=_choices(leads.LOST_REASONS)),
        FormField("note", _("Note"), kind="text"),
    ]

    def save(typed: dict[str, str]) -> leads.LeadView:
        if not typed["reason"]:
            raise ValidationError("reason", _("Choose why the lead was lost."))
        return leads.lose(view.id, typed["reason"], staff_id, typed["note"])

    return FormModal(_("Lead lost: {name}").format(name=view.name), fields, save)


def assign_form(view: leads.LeadView, staff_id: int) -> FormModal:
    """Give the lead to someone (blank: by the rules); dismisses with the LeadView."""
    fields = [
        owner_field("owner", _("Lead owner"), str(view.owner_id or ""), blank=_("by the rules")),
        FormField("note", _("Note"), placeholder=_("why (on leave, knows the place …)")),
    ]

    def save(typed: dict[str, str]) -> leads.LeadView:
        return leads.assign(view.id, int(typed["owner"]) if typed["owner"] else None, staff_id,
                            note=typed["note"])

    return FormModal(_("Who follows up {name}").format(name=view.name), fields, save)


def followup_form(view: leads.LeadView, staff_id: int) -> FormModal:
    """When to follow the lead up next (empty: no follow-up); dismisses with the LeadView."""
    fields = [FormField("next_followup", _("Next follow-up"), stamp(view.next_followup),
                        placeholder=_("明天 10:00 (empty: none)"))]

    def save(typed: dict[str, str]) -> leads.LeadView:
        leads.set_followup(view.id, parse_when(typed["next_followup"], "next_followup"), staff_id)
        return leads.get_lead(view.id)

    return FormModal(_("Follow up {name}").format(name=view.name), fields, save)


def work_order_form(view: leads.LeadView, staff_id: int) -> FormModal:
    """A won lead becomes a paid work order: its title and, without a known room, the
    place; dismisses with the LeadView."""
    what = label(leads.LEAD_INTERESTS, view.interest)
    fields = [
        FormField("title", _("Title"), _("Paid service: {what} ({name})").format(what=what, name=view.name)),
        FormField("location", _("Place"), "",
                  help=_("empty: the room of the lead's person"), placeholder=_("2号楼大堂")),
        FormField("description", _("Description"), view.note, kind="text"),
    ]

    def save(typed: dict[str, str]) -> leads.LeadView:
        return leads.convert_to_work_order(view.id, staff_id, title=typed["title"],
                                           location=typed["location"], description=typed["description"])

    return FormModal(_("Paid work order from {name}").format(name=view.name), fields, save)


def tenant_form(view: leads.LeadView, staff_id: int, room_id: int, room_code: str) -> FormModal:
    """A won lead becomes the tenant of `room_code`: the move-in date (today unless typed,
    YYYY-MM-DD); dismisses with the LeadView."""
    from data.validators import parse_date

    today = clock_now().date()
    fields = [FormField("start", _("Move-in date"), f"{today:%Y-%m-%d}",
                        placeholder=f"{today:%Y-%m-%d}", help=_("the day the tenancy starts"))]

    def save(typed: dict[str, str]) -> leads.LeadView:
        start = parse_date(typed["start"], "start")
        if start is None:
            raise ValidationError("start", _("Write the move-in date, such as {today}.").format(
                today=f"{today:%Y-%m-%d}"))
        return leads.convert_to_tenant(view.id, staff_id, room_id=room_id, start=start)

    return FormModal(_("{name} moves into {code}").format(name=view.name, code=room_code), fields, save)


def filter_form(current: leads.LeadFilter) -> FormModal:
    """Narrow the list: text, source, interest, owner, community; dismisses with a LeadFilter
    (the stage as it was)."""
    fields = [
        FormField("text", _("Text"), current.text, placeholder=_("name, company, note or phone digits")),
        FormField("source", _("Source"), current.source or "", kind="select",
                  options=_choices(leads.LEAD_SOURCES), placeholder=_("any")),
        FormField("interest", _("Interest"), current.interest or "", kind="select",
                  options=_choices(leads.LEAD_INTERESTS), placeholder=_("any")),
        owner_field("owner", _("Lead owner"), str(current.owner_id or ""), blank=_("anyone")),
        community_field(current.community_id),
    ]

    def save(typed: dict[str, str]) -> Any:
        from dataclasses import replace

        return replace(current, text=typed["text"].strip(), source=typed["source"] or None,
                       interest=typed["interest"] or None,
                       owner_id=int(typed["owner"]) if typed["owner"] else None,
                       community_id=int(typed["community"]) if typed["community"] else None)

    return FormModal(_("Filter leads"), fields, save)


def contract_form(view: leads.LeadView, staff_id: int) -> FormModal:
    """A won lead becomes a contract (草拟): its kind (the one its interest calls for, else
    chosen), the amount (its budget), the term (a year from today) and what it is about;
    dismisses with the LeadDeal."""
    from data import contracts as ct
    from data.validators import parse_date

    today = clock_now().date()
    kind = leads.contract_kind_for(view.interest) or ""
    fields = [
        FormField("kind", _("Kind"), kind, kind="select",
                  options=[(label(ct.KINDS, code), code) for code in leads.CONTRACT_KINDS],
                  placeholder=_("Choose")),
        FormField("amount", _("Amount"), leads.budget_text(view.budget), placeholder=_("yuan, such as 3600")),
        FormField("start", _("From"), f"{today:%Y-%m-%d}"),
        FormField("end", _("Until"), f"{leads.one_year(today):%Y-%m-%d}"),
        FormField("subject", _("Subject"), leads.default_subject(view.id, view.interest, view.note)),
    ]

    def save(typed: dict[str, str]) -> leads.LeadDeal:
        if not typed["kind"]:
            raise ValidationError("kind", _("Choose the kind of contract."))
        return leads.convert_to_contract(
            view.id, staff_id, kind=typed["kind"], amount=typed["amount"],
            start=parse_date(typed["start"], "start"), end=parse_date(typed["end"], "end"),
            subject=typed["subject"])

    return FormModal(_("Contract for {name}").format(name=view.name), fields, save)


def proposal_form(view: leads.LeadView, staff_id: int) -> FormModal:
    """A value-added service proposal for the lead, written as a Word file into the export
    folder: the amount (its budget) and what is offered; a lead before 已报价 moves there
    unless the clerk says not. Dismisses with the LeadDeal."""
    fields = [
        FormField("amount", _("Amount"), leads.budget_text(view.budget), placeholder=_("yuan, such as 3600")),
        FormField("subject", _("Subject"), leads.default_subject(view.id, view.interest, view.note)),
    ]
    if view.stage in ("new", "contacted", "interested"):
        quoted = label(leads.LEAD_STAGES, "quoted")
        fields.append(FormField("stage", _("Stage"), "quoted", kind="select", options=[
            (_("On to {stage}").format(stage=quoted), "quoted"),
            (_("Stays {stage}").format(stage=label(leads.LEAD_STAGES, view.stage)), "keep")]))

    def save(typed: dict[str, str]) -> leads.LeadDeal:
        return leads.make_proposal(view.id, staff_id, amount=typed["amount"], subject=typed["subject"],
                                   to_quoted=typed.get("stage", "quoted") != "keep")

    return FormModal(_("Proposal for {name}").format(name=view.name), fields, save)
