"""Peewee models for FrontDesk's whole domain (SPEC §6).

Times are naive Asia/Shanghai wall-clock datetimes (see `data.clock`). Codes
(roles, statuses, kinds) are stored as short ASCII strings; their Chinese and
English labels live in `data.vocab` and the translation catalogs.
"""

from __future__ import annotations

from peewee import (
    SQL,
    AutoField,
    BooleanField,
    CharField,
    DateField,
    DateTimeField,
    DecimalField,
    DeferredForeignKey,
    ForeignKeyField,
    IntegerField,
    TextField,
)

from data.clock import now
from data.db import BaseModel

# --- address: community → building → entrance → room -----------------------------


class Community(BaseModel):
    """小区: a residential estate the company manages."""

    id = AutoField()
    name = CharField(max_length=100, unique=True)
    code = CharField(max_length=20, unique=True)
    address = CharField(max_length=200, default="")
    phone = CharField(max_length=30, default="")
    created_at = DateTimeField(default=now)
    # 建设单位: the developer, who holds the unsold or undelivered rooms (migration 0011).
    developer = CharField(max_length=100, default="", constraints=[SQL("DEFAULT ''")])


class Building(BaseModel):
    """楼栋: a building of a community, named by its number ("3"); villas and shops are
    buildings with one room."""

    id = AutoField()
    community = ForeignKeyField(Community, backref="buildings", on_delete="RESTRICT")
    code = CharField(max_length=20)
    floors = IntegerField(default=0)
    # Migration 0011: the phase (期, "" when the community has one), the name people use
    # ("A座", "12号别墅", "商铺S"; "" shows the code) and its kind (data.vocab.ROOM_TYPES).
    phase = CharField(max_length=10, default="", constraints=[SQL("DEFAULT ''")])
    name = CharField(max_length=40, default="", constraints=[SQL("DEFAULT ''")])
    kind = CharField(max_length=12, default="residential", constraints=[SQL("DEFAULT 'residential'")])

    class Meta:
        indexes = ((("community", "code"), True),)


class Entrance(BaseModel):
    """单元: an entrance (stairwell) of a building."""

    id = AutoField()
    building = ForeignKeyField(Building, backref="entrances", on_delete="RESTRICT")
    code = CharField(max_length=20)

    class Meta:
        indexes = ((("building", "code"), True),)


class Room(BaseModel):
    """房屋: a flat; `code` is the canonical `楼栋-单元-房号`, unique within its community."""

    id = AutoField()
    community = ForeignKeyField(Community, backref="rooms", on_delete="RESTRICT")
    building = ForeignKeyField(Building, backref="rooms", on_delete="RESTRICT")
    entrance = ForeignKeyField(Entrance, backref="rooms", on_delete="RESTRICT")
    number = CharField(max_length=20)
    code = CharField(max_length=60, index=True)  # prefix lookups "3-2", "3-2-5"
    floor = IntegerField(default=0)
    area_m2 = DecimalField(max_digits=8, decimal_places=2, null=True)  # 建筑面积
    note = TextField(default="")
    # Migration 0011 (data.property): 套内面积, type and state (data.vocab.ROOM_TYPES,
    # ROOM_STATES), delivery, whether the developer (建设单位) still holds it, and the
    # people to call first about it (a family member who need not live there).
    inner_area_m2 = DecimalField(max_digits=8, decimal_places=2, null=True)
    room_type = CharField(max_length=12, default="residential", constraints=[SQL("DEFAULT 'residential'")])
    state = CharField(max_length=12, default="vacant", constraints=[SQL("DEFAULT 'vacant'")])
    delivery_date = DateField(null=True)
    developer_held = BooleanField(default=False, constraints=[SQL("DEFAULT FALSE")])
    contact_person = DeferredForeignKey("Person", null=True, backref="contact_rooms", on_delete="SET NULL")
    emergency_contact = DeferredForeignKey("Person", null=True, backref="emergency_rooms",
                                           on_delete="SET NULL")

    class Meta:
        indexes = ((("community", "code"), True),)


# --- people ---------------------------------------------------------------------------


class Person(BaseModel):
    """A resident: owner, co-owner, tenant or family member (roles live on Occupancy)."""

    id = AutoField()
    name = CharField(max_length=60, index=True)
    # Search keys kept beside the name (filled by data.search when the name changes):
    name_pinyin = CharField(max_length=200, default="", index=True)  # "zhangxiaoming"
    name_initials = CharField(max_length=60, default="", index=True)  # "zxm"
    # The common reading when the surname reads otherwise (单 shan ⇒ alt "dan…"), else "".
    name_pinyin_alt = CharField(max_length=200, default="", index=True)
    name_initials_alt = CharField(max_length=60, default="")
    gender = CharField(max_length=1, default="")  # "M", "F" or ""
    id_number = CharField(max_length=18, null=True, index=True)  # GB 11643, upper-case X
    id_number_rev = CharField(max_length=18, null=True, index=True)  # reversed: tail lookups
    birth_date = DateField(null=True)
    note = TextField(default="")
    created_at = DateTimeField(default=now)
    updated_at = DateTimeField(default=now)
    version = IntegerField(default=1)  # optimistic concurrency
    # Migration 0011: whom to call instead (联系人, e.g. the son of an elderly owner) and in
    # an emergency; either may be a family member who lives elsewhere.
    contact_person = ForeignKeyField("self", null=True, backref="contact_for", on_delete="SET NULL")
    emergency_contact = ForeignKeyField("self", null=True, backref="emergency_for", on_delete="SET NULL")

    class Meta:
        indexes = (
            # Mixed pinyin ("zhangxm"): range on initials, filter on pinyin, index only.
            (("name_initials", "name_pinyin"), False),
            (("name_initials_alt", "name_pinyin_alt"), False),
        )


class PersonNameKey(BaseModel):
    """Every proper suffix of a person's name ("晓明", "明" for 张晓明), so that any part of
    a name — even one character — is an indexed prefix lookup, never a scan."""

    id = AutoField()
    key = CharField(max_length=60)
    person = ForeignKeyField(Person, backref="name_keys", on_delete="CASCADE")

    class Meta:
        indexes = ((("key", "person"), True),)


class Occupancy(BaseModel):
    """A person's tie to a room over time: owner, co_owner, tenant or family."""

    id = AutoField()
    person = ForeignKeyField(Person, backref="occupancies", on_delete="CASCADE")
    room = ForeignKeyField(Room, backref="occupancies", on_delete="RESTRICT")
    role = CharField(max_length=12)  # data.vocab.OCCUPANCY_ROLES
    start_date = DateField(null=True)
    end_date = DateField(null=True)  # NULL while current
    is_primary_contact = BooleanField(default=False)

    class Meta:
        indexes = ((("room", "end_date"), False), (("person", "end_date"), False))


class Phone(BaseModel):
    """A phone number of a person, stored normalised ("13800138000", "021-12345678-801")."""

    id = AutoField()
    person = ForeignKeyField(Person, backref="phones", on_delete="CASCADE")
    number = CharField(max_length=30, index=True)
    digits_rev = CharField(max_length=30, index=True)  # all digits reversed: tail lookups
    kind = CharField(max_length=10, default="mobile")  # mobile | landline
    label = CharField(max_length=20, default="")  # 本人, 家属, 单位 …
    is_primary = BooleanField(default=False)

    class Meta:
        indexes = ((("person", "number"), True),)


class Vehicle(BaseModel):
    """A vehicle of a person, plate normalised without separator ("沪A12345")."""

    id = AutoField()
    person = ForeignKeyField(Person, backref="vehicles", on_delete="CASCADE")
    plate = CharField(max_length=12, index=True)
    plate_tail = CharField(max_length=12, index=True)  # plate without province: "A12345"
    description = CharField(max_length=60, default="")
    parking_space = CharField(max_length=30, default="")


class ParkingSpace(BaseModel):
    """车位: a parking space, its own record (not a room), with a code such as "B2-034"
    unique within its community. Titled (产权) spaces may have their own area; rented (租赁)
    and temporary (临时) ones do not. Migration 0011."""

    id = AutoField()
    community = ForeignKeyField(Community, backref="parking_spaces", on_delete="RESTRICT")
    code = CharField(max_length=20)
    kind = CharField(max_length=12, default="rented")  # data.vocab.PARKING_KINDS
    area_m2 = DecimalField(max_digits=8, decimal_places=2, null=True)
    holder = ForeignKeyField(Person, null=True, backref="parking_spaces", on_delete="SET NULL")
    plate = CharField(max_length=12, default="", index=True)  # normalised like Vehicle.plate
    note = TextField(default="")
    created_at = DateTimeField(default=now)

    class Meta:
        indexes = ((("community", "code"), True),)


class Tag(BaseModel):
    """A label on people (业委会委员, 独居老人, …)."""

    id = AutoField()
    name = CharField(max_length=30, unique=True)
    color = CharField(max_length=20, default="")


class PersonTag(BaseModel):
    id = AutoField()
    person = ForeignKeyField(Person, backref="person_tags", on_delete="CASCADE")
    tag = ForeignKeyField(Tag, backref="person_tags", on_delete="CASCADE")

    class Meta:
        indexes = ((("person", "tag"), True),)


# --- staff ---------------------------------------------------------------------------


class Staff(BaseModel):
    """A staff account: desk, tech, supervisor, manager or admin."""

    id = AutoField()
    login = CharField(max_length=40, unique=True)
    name = CharField(max_length=60)
    role = CharField(max_length=12)  # data.vocab.STAFF_ROLES
    phone = CharField(max_length=30, default="")
    community = ForeignKeyField(Community, null=True, backref="staff", on_delete="SET NULL")
    os_login = CharField(max_length=40, null=True, unique=True)  # SSH login mapped to it
    password_hash = CharField(max_length=200, null=True)
    must_change_password = BooleanField(default=False)
    failed_logins = IntegerField(default=0)
    locked_until = DateTimeField(null=True)
    active = BooleanField(default=True)
    created_at = DateTimeField(default=now)


class Territory(BaseModel):
    """A building in a staff member's territory (地域)."""

    id = AutoField()
    staff = ForeignKeyField(Staff, backref="territories", on_delete="CASCADE")
    building = ForeignKeyField(Building, backref="territories", on_delete="CASCADE")
    since = DateTimeField(default=now)

    class Meta:
        indexes = ((("staff", "building"), True),)


class PersonNote(BaseModel):
    """A note on a person's timeline, by a staff member."""

    id = AutoField()
    person = ForeignKeyField(Person, backref="notes", on_delete="CASCADE")
    staff = ForeignKeyField(Staff, backref="+", on_delete="RESTRICT")
    text = TextField()
    created_at = DateTimeField(default=now, index=True)


# --- work orders -----------------------------------------------------------------------


class Category(BaseModel):
    """A node of the work-order category tree (水电 › 水管漏水)."""

    id = AutoField()
    parent = ForeignKeyField("self", null=True, backref="children", on_delete="RESTRICT")
    code = CharField(max_length=30, unique=True)
    name = CharField(max_length=40)
    name_en = CharField(max_length=60, default="")
    kind = CharField(max_length=12, default="repair")  # default work-order kind
    sort_order = IntegerField(default=0)
    active = BooleanField(default=True)


class SlaPolicy(BaseModel):
    """Response and resolution deadlines for a category × priority (NULL category = default)."""

    id = AutoField()
    category = ForeignKeyField(Category, null=True, backref="sla_policies", on_delete="CASCADE")
    kind = CharField(max_length=12, default="repair")
    priority = CharField(max_length=12)  # data.vocab.PRIORITIES
    response_minutes = IntegerField()
    resolution_minutes = IntegerField()
    working_time = BooleanField(default=False)  # count working hours over the holiday calendar

    class Meta:
        indexes = ((("kind", "category", "priority"), True),)


class WorkOrder(BaseModel):
    """工单: a repair, complaint, inquiry or suggestion, with its deadlines and state."""

    id = AutoField()
    number = CharField(max_length=24, unique=True)  # BX-20261127-0001
    kind = CharField(max_length=12)  # repair | complaint | inquiry | suggestion
    category = ForeignKeyField(Category, null=True, backref="work_orders", on_delete="RESTRICT")
    priority = CharField(max_length=12, default="normal")
    channel = CharField(max_length=12, default="phone")  # phone | visit | wechat | patrol
    status = CharField(max_length=12, default="new")
    title = CharField(max_length=120)
    description = TextField(default="")
    community = ForeignKeyField(Community, backref="work_orders", on_delete="RESTRICT")
    building = ForeignKeyField(Building, null=True, backref="work_orders", on_delete="RESTRICT")
    room = ForeignKeyField(Room, null=True, backref="work_orders", on_delete="RESTRICT")
    location = CharField(max_length=120, default="")  # public place when no room
    person = ForeignKeyField(Person, null=True, backref="work_orders", on_delete="SET NULL")
    contact_phone = CharField(max_length=30, default="")
    assignee = ForeignKeyField(Staff, null=True, backref="assigned_orders", on_delete="SET NULL")
    created_by = ForeignKeyField(Staff, backref="+", on_delete="RESTRICT")
    created_at = DateTimeField(default=now, index=True)
    updated_at = DateTimeField(default=now)
    appointment_at = DateTimeField(null=True)
    response_due = DateTimeField(null=True)
    resolution_due = DateTimeField(null=True)
    responded_at = DateTimeField(null=True)
    resolved_at = DateTimeField(null=True)
    closed_at = DateTimeField(null=True)
    hold_since = DateTimeField(null=True)
    held_minutes = IntegerField(default=0)  # clock stopped this long while on hold
    escalation_level = IntegerField(default=0)
    rating = IntegerField(null=True)  # 1–5 from the callback
    callback_comment = TextField(default="")
    callback_by = ForeignKeyField(Staff, null=True, backref="+", on_delete="SET NULL")
    callback_at = DateTimeField(null=True)
    merged_into = ForeignKeyField("self", null=True, backref="merged", on_delete="SET NULL")
    version = IntegerField(default=1)

    class Meta:
        indexes = (
            (("status", "resolution_due", "id"), False),  # open queue by deadline, keyset
            (("status", "response_due", "id"), False),  # 待派单 by its response deadline
            (("assignee", "status", "resolution_due"), False),  # 我的
            (("building", "status"), False),
            (("community", "status", "resolution_due"), False),
            (("person", "created_at"), False),  # owner timeline
            (("room", "created_at"), False),  # room card
        )


class WorkOrderHistory(BaseModel):
    """One change of a work order: who, when, what, note."""

    id = AutoField()
    work_order = ForeignKeyField(WorkOrder, backref="history", on_delete="CASCADE")
    staff = ForeignKeyField(Staff, null=True, backref="+", on_delete="SET NULL")
    at = DateTimeField(default=now)
    action = CharField(max_length=20)  # create, assign, start, hold, resume, resolve, …
    from_status = CharField(max_length=12, default="")
    to_status = CharField(max_length=12, default="")
    note = TextField(default="")

    class Meta:
        indexes = ((("work_order", "at"), False),)


class WorkOrderLink(BaseModel):
    """Two related work orders (same leak seen from two flats)."""

    id = AutoField()
    source = ForeignKeyField(WorkOrder, backref="links_out", on_delete="CASCADE")
    target = ForeignKeyField(WorkOrder, backref="links_in", on_delete="CASCADE")
    kind = CharField(max_length=12, default="related")

    class Meta:
        indexes = ((("source", "target"), True),)


class CostLine(BaseModel):
    """Materials or labour on a work order, paid by the owner or the company."""

    id = AutoField()
    work_order = ForeignKeyField(WorkOrder, backref="cost_lines", on_delete="CASCADE")
    kind = CharField(max_length=12)  # material | labour
    description = CharField(max_length=120)
    quantity = DecimalField(max_digits=10, decimal_places=2, default=1)
    unit_price = DecimalField(max_digits=10, decimal_places=2)
    payer = CharField(max_length=12, default="owner")  # owner | company
    created_by = ForeignKeyField(Staff, null=True, backref="+", on_delete="SET NULL")
    created_at = DateTimeField(default=now)


# --- calls -------------------------------------------------------------------------------


class Incident(BaseModel):
    """An outage (停水, 停电, 电梯停运, 燃气检修) declared for some buildings and a time range,
    with the script the desk reads to callers while it lasts."""

    id = AutoField()
    kind = CharField(max_length=12)  # data.vocab.INCIDENT_KINDS
    title = CharField(max_length=120)
    script = TextField(default="")
    starts = DateTimeField()
    ends = DateTimeField()
    declared_by = ForeignKeyField(Staff, backref="+", on_delete="RESTRICT")
    created_at = DateTimeField(default=now)
    ended_at = DateTimeField(null=True)  # ended early by hand

    class Meta:
        indexes = ((("ended_at", "ends"), False),)  # the active ones: not ended, not over


class IncidentBuilding(BaseModel):
    """A building an incident affects."""

    id = AutoField()
    incident = ForeignKeyField(Incident, backref="buildings", on_delete="CASCADE")
    building = ForeignKeyField(Building, backref="incidents", on_delete="CASCADE")

    class Meta:
        indexes = ((("incident", "building"), True),)


class Call(BaseModel):
    """A phone call in or out, matched to a person or staff member when the number is known."""

    id = AutoField()
    direction = CharField(max_length=3)  # in | out
    number = CharField(max_length=30, index=True)  # normalised
    person = ForeignKeyField(Person, null=True, backref="calls", on_delete="SET NULL")
    caller_staff = ForeignKeyField(Staff, null=True, backref="+", on_delete="SET NULL")
    staff = ForeignKeyField(Staff, backref="calls", on_delete="RESTRICT")
    started_at = DateTimeField(default=now, index=True)
    duration_s = IntegerField(default=0)
    category = CharField(max_length=12, default="other")
    summary = TextField(default="")
    outcome = CharField(max_length=12, default="")
    callback_due = DateTimeField(null=True, index=True)
    callback_assignee = ForeignKeyField(Staff, null=True, backref="+", on_delete="SET NULL")
    callback_done_at = DateTimeField(null=True)
    work_order = ForeignKeyField(WorkOrder, null=True, backref="calls", on_delete="SET NULL")
    recording = CharField(max_length=300, default="")
    # The outage this call was about (migration 0005).
    incident = ForeignKeyField(Incident, null=True, backref="calls", on_delete="SET NULL")

    class Meta:
        indexes = ((("person", "started_at"), False), (("staff", "started_at"), False))


# --- calendar ----------------------------------------------------------------------------


class Event(BaseModel):
    """A calendar entry: appointment, meeting, inspection, activity, call, memo or task.

    A recurring series has an RFC 5545 `rrule`; an exception (one occurrence moved or
    cancelled) is a row with `series` set and `recurrence_id` the original start.
    """

    id = AutoField()
    uid = CharField(max_length=80, unique=True)  # stable iCalendar UID
    kind = CharField(max_length=12)  # data.vocab.EVENT_KINDS
    title = CharField(max_length=120)
    description = TextField(default="")
    location = CharField(max_length=120, default="")
    organiser = ForeignKeyField(Staff, null=True, backref="organised_events", on_delete="SET NULL")
    start = DateTimeField(index=True)
    end = DateTimeField()
    all_day = BooleanField(default=False)
    rrule = CharField(max_length=300, null=True)
    tzid = CharField(max_length=64, null=True)  # own zone of an imported series (data.recurrence)
    series_until = DateTimeField(null=True, index=True)  # last occurrence end, NULL = open
    series = ForeignKeyField("self", null=True, backref="exceptions", on_delete="CASCADE")
    recurrence_id = DateTimeField(null=True)
    cancelled = BooleanField(default=False)
    person = ForeignKeyField(Person, null=True, backref="events", on_delete="SET NULL")
    room = ForeignKeyField(Room, null=True, backref="events", on_delete="SET NULL")
    work_order = ForeignKeyField(WorkOrder, null=True, backref="events", on_delete="SET NULL")
    reminder_minutes = IntegerField(null=True)
    due = DateTimeField(null=True)  # tasks
    done = BooleanField(default=False)  # tasks
    transparent = BooleanField(default=False)  # iCalendar TRANSP:TRANSPARENT: never busy
    created_at = DateTimeField(default=now)
    version = IntegerField(default=1)


class EventAttendee(BaseModel):
    id = AutoField()
    event = ForeignKeyField(Event, backref="attendees", on_delete="CASCADE")
    staff = ForeignKeyField(Staff, backref="attending", on_delete="CASCADE")

    class Meta:
        indexes = ((("event", "staff"), True), (("staff", "event"), False))


# --- notifications, audit, settings ------------------------------------------------------


class Notification(BaseModel):
    """A message to one staff member; `dedupe_key` makes senders idempotent."""

    id = AutoField()
    staff = ForeignKeyField(Staff, backref="notifications", on_delete="CASCADE")
    kind = CharField(max_length=20)  # assigned, escalation, reminder, callback, mention
    title = CharField(max_length=200)
    body = TextField(default="")
    entity = CharField(max_length=20, default="")
    entity_id = IntegerField(null=True)
    dedupe_key = CharField(max_length=120, null=True, unique=True)
    created_at = DateTimeField(default=now)
    read_at = DateTimeField(null=True)

    class Meta:
        indexes = ((("staff", "read_at", "created_at"), False),)


class ReminderDelivery(BaseModel):
    """One calendar reminder delivered through one channel — the staff member's inbox, or
    the `remind --hook` command (SMS): each channel keeps its own record, so a session
    filling the inbox never uses up the hook's delivery. A hook delivery is `sent` only
    when the hook succeeded; `failed` and stale `pending` ones are tried again."""

    id = AutoField()
    key = CharField(max_length=120)  # the reminder's dedupe key (event, occurrence, staff)
    channel = CharField(max_length=10)  # inbox | hook
    staff = ForeignKeyField(Staff, backref="+", on_delete="CASCADE")
    event = ForeignKeyField(Event, backref="+", on_delete="CASCADE")
    occurrence = DateTimeField()  # the start of the occurrence reminded of
    state = CharField(max_length=10)  # sent | pending | failed
    attempts = IntegerField(default=0)
    error = CharField(max_length=200, default="")
    updated_at = DateTimeField(default=now)

    class Meta:
        indexes = ((("key", "channel"), True),)


class AuditLog(BaseModel):
    """Append-only trail: who changed which field of which record, from what to what."""

    id = AutoField()
    staff = ForeignKeyField(Staff, null=True, backref="+", on_delete="SET NULL")
    at = DateTimeField(default=now, index=True)
    action = CharField(max_length=10)  # create | update | delete | reveal
    entity = CharField(max_length=30)
    entity_id = IntegerField()
    field = CharField(max_length=40, default="")
    old_value = TextField(null=True)
    new_value = TextField(null=True)
    parent_entity = CharField(max_length=30, default="")  # the record this row belongs to
    parent_id = IntegerField(null=True)

    class Meta:
        indexes = (
            (("entity", "entity_id", "at"), False),
            (("staff", "at"), False),
            (("parent_entity", "parent_id", "at"), False),
        )


class SavedFilter(BaseModel):
    """A staff member's named work-order queue filter (JSON of data.queue.QueueFilter)."""

    id = AutoField()
    staff = ForeignKeyField(Staff, backref="saved_filters", on_delete="CASCADE")
    name = CharField(max_length=40)
    spec = TextField()
    created_at = DateTimeField(default=now)

    class Meta:
        indexes = ((("staff", "name"), True),)


class Setting(BaseModel):
    """Company-wide settings (severe-weather stretch, callback promise, …)."""

    key = CharField(max_length=60, primary_key=True)
    value = TextField(default="")
    updated_by = ForeignKeyField(Staff, null=True, backref="+", on_delete="SET NULL")
    updated_at = DateTimeField(default=now)


class Holiday(BaseModel):
    """A public holiday (放假) or a 调休 make-up working day (kind "workday"), one per date.
    Editable and importable per year (data.holidays)."""

    id = AutoField()
    day = DateField(unique=True)
    name = CharField(max_length=40)
    kind = CharField(max_length=8, default="holiday")  # holiday | workday


# --- phone service: call lists and scripts (issue 5) ---------------------------------------


class CallList(BaseModel):
    """外呼任务: a list of numbers to call — the 回访 list of resolved work orders, or one
    built from a search or a file."""

    id = AutoField()
    name = CharField(max_length=60)
    kind = CharField(max_length=12)  # data.vocab.CALL_LIST_KINDS: callback | adhoc
    assignee = ForeignKeyField(Staff, null=True, backref="call_lists", on_delete="SET NULL")
    created_by = ForeignKeyField(Staff, backref="+", on_delete="RESTRICT")
    created_at = DateTimeField(default=now)
    closed_at = DateTimeField(null=True)  # set when the last item is done

    class Meta:
        indexes = ((("closed_at", "kind"), False),)


class CallListItem(BaseModel):
    """One number of a call list, with its attempts so far."""

    id = AutoField()
    call_list = ForeignKeyField(CallList, backref="items", on_delete="CASCADE")
    person = ForeignKeyField(Person, null=True, backref="+", on_delete="SET NULL")
    number = CharField(max_length=30)  # normalised (data.calls.normalize_number)
    work_order = ForeignKeyField(WorkOrder, null=True, backref="+", on_delete="SET NULL")
    status = CharField(max_length=10, default="pending")  # pending | done
    attempts = IntegerField(default=0)
    last_outcome = CharField(max_length=12, default="")  # data.vocab.LIST_OUTCOMES
    retry_at = DateTimeField(null=True)  # "later": not before this time
    updated_at = DateTimeField(default=now)

    class Meta:
        indexes = ((("call_list", "status", "retry_at"), False),)


class CallAttempt(BaseModel):
    """One dialling of a call-list item and how it went (the Call row it logged)."""

    id = AutoField()
    item = ForeignKeyField(CallListItem, backref="attempt_rows", on_delete="CASCADE")
    staff = ForeignKeyField(Staff, backref="+", on_delete="RESTRICT")
    at = DateTimeField(default=now)
    outcome = CharField(max_length=12)
    note = TextField(default="")
    call = ForeignKeyField(Call, null=True, backref="+", on_delete="SET NULL")


class Script(BaseModel):
    """话术: a text the desk reads, by call category, with {姓名}-style placeholders."""

    id = AutoField()
    category = CharField(max_length=12)  # data.vocab.CALL_CATEGORIES
    title = CharField(max_length=60)
    body = TextField(default="")
    updated_by = ForeignKeyField(Staff, null=True, backref="+", on_delete="SET NULL")
    updated_at = DateTimeField(null=True)  # NULL: a default shipped with FrontDesk, unedited

    class Meta:
        indexes = ((("category", "title"), True),)


# --- drafts (issue 8) ------------------------------------------------------------------------


class Draft(BaseModel):
    """A form's typed but unsaved values, kept when the session hung up (SIGHUP) and offered
    back at the staff member's next sign-in (data.drafts). `values` and `context` are JSON."""

    id = AutoField()
    staff = ForeignKeyField(Staff, backref="+", on_delete="CASCADE")
    form_key = CharField(max_length=40)  # which form: "person.edit", "workorder.new", …
    title = CharField(max_length=200)
    values = TextField(default="{}")  # field name → typed text
    context = TextField(default="{}")  # what reopening the form needs (a person id, …)
    created_at = DateTimeField(default=now)

    class Meta:
        indexes = ((("staff", "created_at"), False),)


#: Every model, in dependency order (creation, copying, counting).
ALL_MODELS: tuple[type[BaseModel], ...] = (
    Community,
    Building,
    Entrance,
    Person,  # before Room: a room names its contact people (migration 0011)
    PersonNameKey,
    Room,
    Occupancy,
    Phone,
    Vehicle,
    ParkingSpace,
    Tag,
    PersonTag,
    Staff,
    Territory,
    PersonNote,
    Category,
    SlaPolicy,
    WorkOrder,
    WorkOrderHistory,
    WorkOrderLink,
    CostLine,
    Incident,
    IncidentBuilding,
    Call,
    Event,
    EventAttendee,
    Notification,
    ReminderDelivery,
    AuditLog,
    SavedFilter,
    Setting,
    Holiday,
    CallList,
    CallListItem,
    CallAttempt,
    Script,
    Draft,
)
