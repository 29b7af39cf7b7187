"""People and property: the address tree (community → building → entrance → room),
residents, their occupancies, phones, vehicles, parking spaces and tags."""

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
        # Covering (0044): a search reads the occupants of a room and the rooms of the people
        # it shows from these alone.
        indexes = ((("room", "end_date", "role", "person"), False),
                   (("person", "end_date", "start_date", "role", "room"), False))


class Phone(BaseModel):
    """A phone number of a person, stored normalised ("13800138000", "021-12345678-801")."""

    id = AutoField()
    person = ForeignKeyField(Person, backref="phones", on_delete="CASCADE")
    number = CharField(max_length=30, index=True)
    digits_rev = CharField(max_length=30)  # all digits reversed: tail lookups (index below)
    kind = CharField(max_length=10, default="mobile")  # mobile | landline
    label = CharField(max_length=20, default="")  # 本人, 家属, 单位 …
    is_primary = BooleanField(default=False)

    class Meta:
        indexes = (
            (("person", "number"), True),
            # Covering (0044): the tail lookup and a search's page read these alone.
            (("digits_rev", "person"), False),
            (("person", "is_primary", "number"), False),
        )


class Vehicle(BaseModel):
    """A vehicle of a person, plate normalised without separator ("沪A12345")."""

    id = AutoField()
    person = ForeignKeyField(Person, backref="vehicles", on_delete="CASCADE")
    plate = CharField(max_length=12, index=True)
    plate_tail = CharField(max_length=12, index=True)  # plate without province: "A12345"
    description = CharField(max_length=60, default="")
    parking_space = CharField(max_length=30, default="")

    class Meta:
        indexes = ((("person", "plate"), False),)  # a search's page reads plates from it (0044)


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
