"""Fees (服务费用, issue 18): fee items and their dated standards per community, the bills
issued per room and period, payments with gap-free receipt numbers (and the voids and
refunds that point at them), what each payment settled, waivers (减免) and each room's
prepaid balance. Money is integer fen throughout. Migration 0024."""

from __future__ import annotations

from peewee import (
    AutoField,
    BigIntegerField,
    BooleanField,
    CharField,
    DateField,
    DateTimeField,
    DecimalField,
    ForeignKeyField,
    IntegerField,
    TextField,
)

from data.clock import now
from data.db import BaseModel
from data.models.calls import Call
from data.models.people import Building, Community, ParkingSpace, Person, Room
from data.models.staff import Staff
from data.models.workorders import WorkOrder


class FeeItem(BaseModel):
    """A fee item of a community: how it is computed (`basis`: area, space, room, once)
    and how often it is billed (`cycle`: monthly, quarterly, yearly; once for one-offs)."""

    id = AutoField()
    community = ForeignKeyField(Community, backref="fee_items", on_delete="RESTRICT")
    name = CharField(max_length=40)
    basis = CharField(max_length=8)  # data.fees.items.BASES
    cycle = CharField(max_length=10, default="monthly")  # data.fees.items.CYCLES
    active = BooleanField(default=True)
    # 装修押金: money held and paid back, neither income nor arrears (rates and public
    # accounts leave it out). Migration 0030.
    refundable = BooleanField(default=False)
    created_at = DateTimeField(default=now)

    class Meta:
        indexes = ((("community", "name"), True),)


class FeeStandard(BaseModel):
    """A price of an item from a date on (元/m²/月, 元/个/月, 元/户/月 or the one-off
    amount), in fen, for one room type ("" for every type). Never edited: a new standard
    with a later start date replaces it from then on."""

    id = AutoField()
    item = ForeignKeyField(FeeItem, backref="standards", on_delete="RESTRICT")
    room_type = CharField(max_length=12, default="")
    unit_price_fen = BigIntegerField()
    starts_on = DateField()
    created_by = ForeignKeyField(Staff, null=True, backref="+", on_delete="SET NULL")
    created_at = DateTimeField(default=now)

    class Meta:
        indexes = ((("item", "room_type", "starts_on"), True),)


class Bill(BaseModel):
    """One bill line: a room's (or its parking space's) item for a period, to one payer,
    for the days `starts_on`..`ends_on` — a room whose owner changed mid-period has one line
    per owner. `paid_fen` and `waived_fen` follow the allocations and waivers."""

    id = AutoField()
    # Only the indexes the queries use (a bill table holds a row per room and month): the
    # unique key leads with the room, (community, period) and (building, period) serve
    # billing, rates and the arrears filters.
    community = ForeignKeyField(Community, backref="+", on_delete="RESTRICT", index=False)
    building = ForeignKeyField(Building, null=True, backref="+", on_delete="RESTRICT", index=False)
    room = ForeignKeyField(Room, backref="bills", on_delete="RESTRICT", index=False)
    space = ForeignKeyField(ParkingSpace, null=True, backref="+", on_delete="RESTRICT", index=False)
    space_key = IntegerField(default=0)  # the space's id, 0 for a room's own line (unique key)
    item = ForeignKeyField(FeeItem, backref="bills", on_delete="RESTRICT", index=False)
    standard = ForeignKeyField(FeeStandard, null=True, backref="+", on_delete="RESTRICT", index=False)
    period = CharField(max_length=7)  # "2027-01": the first month the line covers
    starts_on = DateField()
    ends_on = DateField()
    payer_kind = CharField(max_length=10, default="owner")  # owner | developer | holder
    person = ForeignKeyField(Person, null=True, backref="+", on_delete="SET NULL", index=False)
    quantity = DecimalField(max_digits=12, decimal_places=2, default=1)
    unit_price_fen = BigIntegerField(default=0)
    rate_pct = IntegerField(default=100)  # the vacancy rate for an empty owned room
    amount_fen = BigIntegerField()
    paid_fen = BigIntegerField(default=0)
    waived_fen = BigIntegerField(default=0)
    issued_at = DateTimeField(default=now)
    # 有偿维修: the work order an owner-paid repair bill came from (migration 0027); such a
    # line's space_key is minus the order's id, so two repairs of a room on one day stay apart.
    work_order = ForeignKeyField(WorkOrder, null=True, unique=True, backref="+", on_delete="RESTRICT")

    class Meta:
        indexes = (
            (("room", "item", "space_key", "period", "starts_on"), True),
            (("community", "period"), False),
            (("building", "period"), False),
        )


class ReceiptCounter(BaseModel):
    """The last receipt number of a community in a year: updated in the transaction that
    takes the payment, so receipt numbers have no gaps."""

    id = AutoField()
    community = ForeignKeyField(Community, backref="+", on_delete="RESTRICT")
    year = IntegerField()
    last_number = IntegerField(default=0)

    class Meta:
        indexes = ((("community", "year"), True),)


class Payment(BaseModel):
    """Money in (a payment) or out (a void of a payment, a refund of the prepaid balance):
    `amount_fen` is negative for money out. Every one has a receipt number; a void points
    at the payment it cancels, which stays as it was."""

    id = AutoField()
    number = CharField(max_length=20)
    community = ForeignKeyField(Community, backref="+", on_delete="RESTRICT", index=False)  # (community, number)
    room = ForeignKeyField(Room, backref="payments", on_delete="RESTRICT", index=False)  # (room, taken_at)
    kind = CharField(max_length=8, default="payment")  # payment | void | refund
    method = CharField(max_length=10, default="")  # data.fees.payments.METHODS
    reference = CharField(max_length=60, default="")
    payer_name = CharField(max_length=60, default="")
    amount_fen = BigIntegerField()
    voids = ForeignKeyField("self", null=True, unique=True, backref="voided_by", on_delete="RESTRICT")
    reason = TextField(default="")
    staff = ForeignKeyField(Staff, null=True, backref="+", on_delete="SET NULL")
    taken_at = DateTimeField(default=now)

    class Meta:
        indexes = ((("community", "number"), True), (("room", "taken_at"), False))


class Allocation(BaseModel):
    """What settled a bill: part of a payment (negative when a void takes it back), or the
    room's prepaid balance (`payment` NULL)."""

    id = AutoField()
    bill = ForeignKeyField(Bill, backref="allocations", on_delete="RESTRICT", index=False)  # (bill, at)
    payment = ForeignKeyField(Payment, null=True, backref="allocations", on_delete="RESTRICT")
    amount_fen = BigIntegerField()
    at = DateTimeField(default=now)

    class Meta:
        indexes = ((("bill", "at"), False),)


class Waiver(BaseModel):
    """减免: part of a bill the company lets go, by a supervisor, with a reason."""

    id = AutoField()
    bill = ForeignKeyField(Bill, backref="waivers", on_delete="RESTRICT")
    amount_fen = BigIntegerField()
    reason = TextField()
    staff = ForeignKeyField(Staff, null=True, backref="+", on_delete="SET NULL")
    at = DateTimeField(default=now)


class FeeAccount(BaseModel):
    """A room's prepaid balance (预存): overpayments, used by the next bills; and its
    running arrears figures (migration 0031), kept by every fees writer in the same
    transaction (data.fees.balances): what it owes and the first month of its oldest unpaid
    bill ("" when nothing is due). The index (due_fen DESC, room) is the arrears list's order."""

    id = AutoField()
    room = ForeignKeyField(Room, unique=True, backref="+", on_delete="RESTRICT")
    prepaid_fen = BigIntegerField(default=0)
    due_fen = BigIntegerField(default=0)
    oldest_period = CharField(max_length=7, default="")

    class Meta:
        indexes = ((("due_fen", "room"), False),)  # created DESC on due_fen by migration 0031


class FeeExpense(BaseModel):
    """支出: what a community's fees were spent on in a month, by category
    (data.fees.accounts.CATEGORIES), entered by a lead for the public accounts (公示).
    Migration 0026."""

    id = AutoField()
    community = ForeignKeyField(Community, backref="+", on_delete="RESTRICT", index=False)  # (community, month)
    month = CharField(max_length=7)  # "2026-10"
    category = CharField(max_length=12)
    amount_fen = BigIntegerField()
    note = TextField(default="")
    created_by = ForeignKeyField(Staff, null=True, backref="+", on_delete="SET NULL")
    created_at = DateTimeField(default=now)

    class Meta:
        indexes = ((("community", "month"), False),)


class SharedEntry(BaseModel):
    """公共收益: income from the owners' shared parts (广告位, 场地租赁, 停车, 其他) in a
    month, or what was taken from it (its reasonable costs, its use): `kind` says which
    (data.fees.accounts.SHARED_KINDS, SHARED_USES). Migration 0026."""

    id = AutoField()
    community = ForeignKeyField(Community, backref="+", on_delete="RESTRICT", index=False)  # (community, month)
    month = CharField(max_length=7)
    kind = CharField(max_length=12)
    amount_fen = BigIntegerField()
    note = TextField(default="")
    created_by = ForeignKeyField(Staff, null=True, backref="+", on_delete="SET NULL")
    created_at = DateTimeField(default=now)

    class Meta:
        indexes = ((("community", "month"), False),)
class ArrearsContact(BaseModel):
    """催缴: one dated contact with a room's payer about its arrears (a call, a visit), who
    made it and when, and the date promised to pay (承诺缴费日) when there was one — the
    evidence that interrupts the three-year limitation (Civil Code art. 188, 195). A promise
    past its date without a payment since becomes a callback (`callback`) for its recorder."""

    id = AutoField()
    room = ForeignKeyField(Room, backref="+", on_delete="RESTRICT", index=False)  # (room, at)
    person = ForeignKeyField(Person, null=True, backref="+", on_delete="SET NULL")
    staff = ForeignKeyField(Staff, null=True, backref="+", on_delete="SET NULL")
    at = DateTimeField(default=now)
    outcome = CharField(max_length=12)  # data.fees.collection.CONTACT_OUTCOMES
    promised_on = DateField(null=True, index=True)
    due_fen = BigIntegerField(default=0)  # what the room owed when it was recorded
    note = TextField(default="")
    callback = ForeignKeyField(Call, null=True, backref="+", on_delete="SET NULL")

    class Meta:
        indexes = ((("room", "at"), False),)


class MeterReading(BaseModel):
    """A meter reading (抄表) of a room's metered item (水, 电) for a period: `previous` is
    the reading it is billed from (the room's last one; 0 after a meter change, when the
    new meter starts at 0; the reading itself for a room's first, its starting reading).
    One per room, item and period, never replaced. Migration 0027."""

    id = AutoField()
    room = ForeignKeyField(Room, backref="+", on_delete="RESTRICT", index=False)  # (room, item, period)
    item = ForeignKeyField(FeeItem, backref="+", on_delete="RESTRICT")
    period = CharField(max_length=7)
    reading = DecimalField(max_digits=12, decimal_places=2)
    previous = DecimalField(max_digits=12, decimal_places=2)
    meter_change = BooleanField(default=False)
    staff = ForeignKeyField(Staff, null=True, backref="+", on_delete="SET NULL")
    at = DateTimeField(default=now)

    class Meta:
        indexes = ((("room", "item", "period"), True),)


class ArrearsReason(BaseModel):
    """Why a room's arrears are unpaid (欠费原因), as the desk heard it, dated and by whom;
    the latest record is the room's current reason (data.fees.reasons). Migration 0028."""

    id = AutoField()
    room = ForeignKeyField(Room, backref="+", on_delete="RESTRICT", index=False)  # (room, at)
    reason = CharField(max_length=12)  # data.fees.reasons.REASONS
    note = TextField(default="")
    staff = ForeignKeyField(Staff, null=True, backref="+", on_delete="SET NULL")
    at = DateTimeField(default=now)

    class Meta:
        indexes = ((("room", "at"), False),)


class CommissionRule(BaseModel):
    """服务佣金: a share (`percent`) of a source (data.fees.commissions.SOURCES) for the
    staff of a role, in one community or all (NULL), from a date on. Migration 0030."""

    id = AutoField()
    community = ForeignKeyField(Community, null=True, backref="+", on_delete="RESTRICT")
    role = CharField(max_length=12)
    source = CharField(max_length=12)  # labour | arrears | contracts
    percent = DecimalField(max_digits=6, decimal_places=2)
    starts_on = DateField()
    created_by = ForeignKeyField(Staff, null=True, backref="+", on_delete="SET NULL")
    created_at = DateTimeField(default=now)


class CommissionStatement(BaseModel):
    """A staff member's commissions of a month: a draft until a manager approves it; an
    approved statement never changes (its lines are stored)."""

    id = AutoField()
    staff = ForeignKeyField(Staff, backref="+", on_delete="RESTRICT")
    month = CharField(max_length=7)
    total_fen = BigIntegerField(default=0)
    status = CharField(max_length=10, default="draft")  # draft | approved
    computed_at = DateTimeField(default=now)
    approved_by = ForeignKeyField(Staff, null=True, backref="+", on_delete="SET NULL")
    approved_at = DateTimeField(null=True)

    class Meta:
        indexes = ((("staff", "month"), True), (("month",), False))


class CommissionLine(BaseModel):
    """One line of a statement: what it was earned on (`ref`: a work order, a receipt, a
    contract number), the base, the percent and the commission, all as computed then."""

    id = AutoField()
    statement = ForeignKeyField(CommissionStatement, backref="lines", on_delete="CASCADE")
    source = CharField(max_length=12)
    ref = CharField(max_length=40)
    note = CharField(max_length=120, default="")
    base_fen = BigIntegerField()
    percent = DecimalField(max_digits=6, decimal_places=2)
    amount_fen = BigIntegerField()


class Invoice(BaseModel):
    """发票: an invoice asked for against a payment — the title (a person's name or a
    company's), the company's tax number (统一社会信用代码), an email — and, once issued,
    its number, who recorded it and when. `status`: pending, issued or cancelled (a request
    may be cancelled while not issued; a payment has at most one request that is not
    cancelled). Migration 0029."""

    id = AutoField()
    payment = ForeignKeyField(Payment, backref="+", on_delete="RESTRICT")
    community = ForeignKeyField(Community, backref="+", on_delete="RESTRICT", index=False)  # (community, status)
    title = CharField(max_length=100)
    tax_no = CharField(max_length=18, default="")
    email = CharField(max_length=120, default="")
    status = CharField(max_length=10, default="pending")
    number = CharField(max_length=20, default="")
    requested_by = ForeignKeyField(Staff, null=True, backref="+", on_delete="SET NULL")
    requested_at = DateTimeField(default=now)
    issued_by = ForeignKeyField(Staff, null=True, backref="+", on_delete="SET NULL")
    issued_at = DateTimeField(null=True)

    class Meta:
        indexes = ((("community", "status"), False),)


class FundBalance(BaseModel):
    """专项维修资金: a room's balance as the housing authority reported it on `as_of`. A new
    figure for a later date replaces the earlier one from then on; the earlier stay (history).
    Migration 0029."""

    id = AutoField()
    community = ForeignKeyField(Community, backref="+", on_delete="RESTRICT", index=False)
    room = ForeignKeyField(Room, backref="+", on_delete="RESTRICT", index=False)  # (room, as_of)
    as_of = DateField()
    balance_fen = BigIntegerField()
    imported_by = ForeignKeyField(Staff, null=True, backref="+", on_delete="SET NULL")
    imported_at = DateTimeField(default=now)

    class Meta:
        indexes = ((("room", "as_of"), True), (("community", "as_of"), False))


class FundRequest(BaseModel):
    """A request to use the maintenance fund: the project, its budget, the rooms concerned
    (FundRequestRoom), the reason; `status` draft → voting → approved | rejected → used (with
    the amount used and the day). `result` keeps the vote's figures as counted. Migration 0029."""

    id = AutoField()
    community = ForeignKeyField(Community, backref="+", on_delete="RESTRICT")
    project = CharField(max_length=100)
    budget_fen = BigIntegerField()
    reason = TextField(default="")
    scope = CharField(max_length=100, default="")  # how the rooms were named: "3号楼" or "3-1-101、3-1-102"
    status = CharField(max_length=10, default="draft")
    used_fen = BigIntegerField(null=True)
    used_on = DateField(null=True)
    result = TextField(default="")
    created_by = ForeignKeyField(Staff, null=True, backref="+", on_delete="SET NULL")
    created_at = DateTimeField(default=now)
    decided_at = DateTimeField(null=True)


class FundRequestRoom(BaseModel):
    """A room concerned by a request to use the fund, and its ballot once cast (同意 yes,
    反对 no, 弃权 abstain), who recorded it and when. Migration 0029."""

    id = AutoField()
    request = ForeignKeyField(FundRequest, backref="rooms", on_delete="CASCADE", index=False)
    room = ForeignKeyField(Room, backref="+", on_delete="RESTRICT")
    ballot = CharField(max_length=8, default="")
    recorded_by = ForeignKeyField(Staff, null=True, backref="+", on_delete="SET NULL")
    recorded_at = DateTimeField(null=True)

    class Meta:
        indexes = ((("request", "room"), True),)
