"""Messages to owners (issue 16 item 8): one configurable command sends an SMS or WeChat
message — the `message_command` setting, given the number and the text as two separate
arguments (or where `{number}` and `{text}` stand), never through a shell. Parcels, visits
and notices all send through `send_message`. Every message the command was run for is kept
(`sending` while it runs, then `sent` or `failed`); with no command configured nothing is
sent and nothing is recorded."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from data import access
from data.clock import now as clock_now
from data.db import transaction
from data.errors import ValidationError
from data.i18n import _
from data.models import OutboundMessage, Setting
from data.programs import command_args, run_program
from data.validators import clean_text, mask_phone, normalize_phone

MESSAGE_SETTING = "message_command"
MESSAGE_TIMEOUT_S = 15
#: A message still `sending` this long after it was recorded has lost its outcome (the
#: process ended, or the outcome's write failed): it is shown as unknown, and another may go.
SENDING_STALE_S = 4 * MESSAGE_TIMEOUT_S
MAX_TEXT = 500


@dataclass(frozen=True)
class MessageResult:
    """How sending went: `message` is what the clerk reads; `sent` is False whenever the
    owner did not get it (no command, a bad number, the command failed)."""

    sent: bool
    message: str
    message_id: int | None = None


@dataclass(frozen=True)
class SentMessage:
    """One message as a list shows it."""

    id: int
    number: str
    text: str
    about: str
    about_id: int | None
    state: str
    error: str
    staff: str
    created_at: object


def message_command() -> str:
    """The configured message command, or "" when none is."""
    row = Setting.get_or_none(Setting.key == MESSAGE_SETTING)
    return row.value.strip() if row is not None else ""


@dataclass(frozen=True)
class MessageToSend:
    """A message recorded as being sent (`begin_message`, state `sending`), for
    `finish_message` to run the command for. (Its number and the command's arguments are
    left out of its repr: a worker's description, logged by Textual, is made of it.)"""

    message_id: int
    number: str = field(repr=False)
    args: tuple[str, ...] = field(repr=False)


def being_sent(about: str, about_id: int) -> bool:
    """A message about this record is being sent now: recorded `sending`, its outcome not
    yet in and not yet given up for lost (SENDING_STALE_S)."""
    since = clock_now() - dt.timedelta(seconds=SENDING_STALE_S)
    return (OutboundMessage.select(OutboundMessage.id)
            .where((OutboundMessage.about == about) & (OutboundMessage.about_id == about_id)
                   & (OutboundMessage.state == "sending") & (OutboundMessage.created_at >= since))
            .exists())


def outcome_lost(message: SentMessage) -> bool:
    """`message` is still `sending` long after it was recorded: how it went is unknown."""
    return (message.state == "sending" and isinstance(message.created_at, dt.datetime)
            and message.created_at < clock_now() - dt.timedelta(seconds=SENDING_STALE_S))


def begin_message(number: str, text: str, *, about: str = "", about_id: int | None = None,
                  person_id: int | None = None, staff_id: int | None = None) -> MessageToSend | MessageResult:
    """The first half of `send_message`, a write: the message recorded as being sent
    (`sending`), before the command runs — or, when nothing can be sent (a bad number, an
    empty text, no command), why, as a MessageResult, nothing recorded."""
    access.require("message.send", staff_id)
    try:
        number = normalize_phone(number).number
        text = clean_text(text, "text", multiline=True, max_length=MAX_TEXT)
    except ValidationError as exc:
        return MessageResult(False, _("Not sent: {error}").format(error=exc.message))
    if not text:
        return MessageResult(False, _("Not sent: the message is empty."))
    template = message_command()
    if not template:
        # Short: it is the clerk's banner. How an administrator sets one is in F1 and README.
        return MessageResult(False, _(
            "No message command is configured, so nothing was sent: tell the owner by phone."))
    args = command_args(template, _("message command"), {"number": number, "text": text},
                        [number, text])
    if isinstance(args, str):
        return MessageResult(False, args)
    with transaction():
        row = OutboundMessage.create(
            number=number, text=text, person=person_id, about=about[:20], about_id=about_id,
            staff=staff_id if staff_id is not None else access.current_id(),
            state="sending", error="", created_at=clock_now())
    return MessageToSend(row.id, number, tuple(args))


def finish_message(message: MessageToSend, timeout: float = MESSAGE_TIMEOUT_S) -> MessageResult:
    """The second half of `send_message`: run the command (it may take seconds), then
    record how it went (`sent` or `failed`)."""
    failure = run_program(message.args, _("Sending failed"), timeout)
    with transaction():
        OutboundMessage.update(state="failed" if failure else "sent",
                               error=(failure.message[:200] if failure else "")).where(
            OutboundMessage.id == message.message_id).execute()
    if failure is not None:
        return MessageResult(False, failure.message, message.message_id)
    return MessageResult(True, _("Message sent to {number}.").format(number=mask_phone(message.number)),
                         message.message_id)


def send_message(number: str, text: str, *, about: str = "", about_id: int | None = None,
                 person_id: int | None = None, staff_id: int | None = None,
                 timeout: float = MESSAGE_TIMEOUT_S) -> MessageResult:
    """Send `text` to `number` with the configured command and record how it went. The
    number is normalised first (only a valid mainland number is ever passed), the text
    cleaned of control characters; both reach the program as whole arguments. The message
    is recorded (`sending`) before the command runs, its outcome after: a screen runs the
    two halves apart (`begin_message`, a write; `finish_message`, the command)."""
    begun = begin_message(number, text, about=about, about_id=about_id, person_id=person_id,
                          staff_id=staff_id)
    return begun if isinstance(begun, MessageResult) else finish_message(begun, timeout)


def messages_about(about: str, about_id: int) -> list[SentMessage]:
    """The messages sent about one record (a parcel, a visitor, a notice), oldest first."""
    rows = (OutboundMessage.select()
            .where((OutboundMessage.about == about) & (OutboundMessage.about_id == about_id))
            .order_by(OutboundMessage.id))
    return [_view(row) for row in rows]


def _view(row: OutboundMessage) -> SentMessage:
    staff = row.staff.name if row.staff_id is not None else ""
    return SentMessage(row.id, mask_phone(row.number), row.text, row.about, row.about_id, row.state,
                       row.error, staff, row.created_at)
