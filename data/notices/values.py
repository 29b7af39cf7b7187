"""What the notices and activities functions hand back to screens and the CLI."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class TargetView:
    kind: str  # community | building | entrance | tag
    ref_id: int
    label: str  # 锦绣花园 3栋, 3栋2单元, 标签 独居老人


@dataclass(frozen=True)
class DeliveryRow:
    """One household of a published notice: who was (or is to be) told, how and when."""

    room_id: int
    room: str
    person: str
    channel: str  # message | call | none (no number: visit or tell at the desk)
    number: str  # masked
    how: str  # message | call | visit | desk, "" while not reached
    reached_at: dt.datetime | None
    staff: str
    note: str


@dataclass(frozen=True)
class DeliveryPage:
    """One page of a notice's households, told or not yet told, in room order, with both counts."""

    rows: list[DeliveryRow]
    next_cursor: tuple[str, int] | None  # pass as `after` for the next page; None on the last page
    told: int
    not_told: int


@dataclass(frozen=True)
class NoticeRow:
    id: int
    template: str  # 停水通知
    title: str
    status: str  # draft | scheduled | published | expired | withdrawn
    target: str
    reached: int
    households: int
    publish_at: dt.datetime | None
    expires_at: dt.datetime | None


@dataclass(frozen=True)
class NoticeView:
    id: int
    template: str
    title: str
    body: str
    status: str
    targets: tuple[TargetView, ...]
    publish_at: dt.datetime | None
    expires_at: dt.datetime | None
    published_at: dt.datetime | None
    reached: int
    households: int
    call_list_id: int | None
    incident_id: int | None
    created_by: str

    @property
    def target(self) -> str:
        return "、".join(t.label for t in self.targets)

    @property
    def unreached(self) -> int:
        return self.households - self.reached


@dataclass(frozen=True)
class PublishResult:
    notice: NoticeView
    messages_sent: int
    call_list_id: int | None
    called: int  # households put on the call list
    message: str  # what the clerk reads


@dataclass(frozen=True)
class SignupRow:
    room_id: int
    room: str
    person: str
    people: int
    attended: bool
    signed_at: dt.datetime


@dataclass(frozen=True)
class ActivityView:
    id: int
    kind: str
    title: str
    community: str
    place: str
    starts_at: dt.datetime
    capacity: int
    signed: int  # people signed up
    households: int
    attended: int  # households that came
    notice_id: int | None
    signups: tuple[SignupRow, ...] = ()
