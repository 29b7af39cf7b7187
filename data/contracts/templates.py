"""The template library: the built-in templates and the company's own, registered from a
.docx file (read with a size limit, checked, stored in the database — never a path)."""

from __future__ import annotations

import hashlib
import os
import stat
from pathlib import Path

from peewee import JOIN

from data import access
from data.clock import now as clock_now
from data.contracts.documents import BUILTIN_NAMES, builtin_template, placeholders_of
from data.contracts.register import PERMISSIONS, parse_kind
from data.contracts.values import KINDS, MAX_TEMPLATE_BYTES, TemplateRow
from data.db import transaction
from data.errors import NotFoundError, ValidationError
from data.i18n import _
from data.models import ContractTemplate, Staff
from data.validators import clean_text


def read_template_file(path: str | Path) -> tuple[bytes, str]:
    """(content, file name) of a template file the user names: a regular file (never a
    FIFO or device, which would block or never end), read with a size limit."""
    shown = str(path)[:120]
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        raise ValidationError("file", _("Cannot read {path}: {reason}").format(
            path=shown, reason=exc.strerror or exc)) from None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise ValidationError("file", _("{path} is not a file.").format(path=shown))
        with os.fdopen(fd, "rb") as handle:
            fd = -1
            data = handle.read(MAX_TEMPLATE_BYTES + 1)
    finally:
        if fd >= 0:
            os.close(fd)
    if len(data) > MAX_TEMPLATE_BYTES:
        raise ValidationError("file", _("{name} is larger than {max} KB; a template may be at most that.").format(
            name=Path(path).name[:60], max=MAX_TEMPLATE_BYTES // 1024))
    return data, Path(path).name


def _builtin_row(kind: str) -> TemplateRow:
    data = builtin_template(kind)
    return TemplateRow(None, kind, BUILTIN_NAMES[kind], True, placeholders_of(data), len(data),
                       hashlib.sha256(data).hexdigest(), "", None)


def _row(t: ContractTemplate, creator: str = "") -> TemplateRow:
    used = tuple(p for p in (t.placeholders or "").split("、") if p)
    return TemplateRow(t.id, t.kind, t.name, False, used, t.size, t.sha256, creator, t.created_at,
                       bool(t.active))


def list_templates(kind: str | None = None, staff_id: int | None = None) -> list[TemplateRow]:
    """The company's own templates (newest first within a kind), then the built-in ones."""
    access.require(PERMISSIONS["read"], staff_id)
    wanted = parse_kind(kind) if kind else None
    query = (ContractTemplate.select(ContractTemplate.id, ContractTemplate.kind, ContractTemplate.name,
                                     ContractTemplate.size, ContractTemplate.sha256,
                                     ContractTemplate.placeholders, ContractTemplate.active,
                                     ContractTemplate.created_at, Staff.name.alias("creator"))
             .join(Staff, on=(ContractTemplate.created_by == Staff.id), join_type=JOIN.LEFT_OUTER)
             .where(ContractTemplate.active == True))  # noqa: E712
    if wanted:
        query = query.where(ContractTemplate.kind == wanted)
    order = list(KINDS)
    own = sorted(query.objects(), key=lambda t: (order.index(t.kind) if t.kind in order else 99,
                                                  -t.id))
    rows = [_row(t, t.creator or "") for t in own]
    rows += [_builtin_row(k) for k in KINDS if wanted in (None, k)]
    return rows


def get_template(ref: int | str, staff_id: int | None = None) -> TemplateRow:
    """A template by id, or a built-in one by builtin:KIND (or the kind's name)."""
    access.require(PERMISSIONS["read"], staff_id)
    text = str(ref).strip()
    if text.isdigit():
        row = ContractTemplate.get_or_none(ContractTemplate.id == int(text))
        if row is None:
            raise NotFoundError(_("There is no template #{id}.").format(id=text))
        creator = (Staff.select(Staff.name).where(Staff.id == row.created_by_id).scalar()
                   if row.created_by_id else "")
        return _row(row, creator or "")
    return _builtin_row(parse_kind(text.removeprefix("builtin:"), "template"))


def template_content(ref: int | str, staff_id: int | None = None) -> bytes:
    """The .docx bytes of a template (to look at it in Word: write it out through exports)."""
    row = get_template(ref, staff_id)
    if row.builtin:
        return builtin_template(row.kind)
    return bytes(ContractTemplate.get(ContractTemplate.id == row.id).content)


def register_template(data: bytes, *, kind: str, name: str, staff_id: int | None,
                      file_name: str = "") -> TemplateRow:
    """Register a company's own template: a real .docx within the limits, every placeholder
    known (an unknown one is refused, named), stored in the database under `name`. New
    contracts of the kind use the newest one from then on."""
    access.require(PERMISSIONS["template"], staff_id)
    code = parse_kind(kind)
    title = clean_text(name or "", "name", max_length=60)
    if not title:
        raise ValidationError("name", _("Name the template, such as 车位租赁合同（2027版）."))
    used = placeholders_of(data, file_name[:60])
    if not used:
        raise ValidationError("file", _(
            "{name} has no placeholder at all: put {{{{ 业主姓名 }}}}, {{{{ 房号 }}}}, {{{{ 金额大写 }}}} … "
            "where the values go.").format(name=file_name[:60] or _("The file")))
    digest = hashlib.sha256(data).hexdigest()
    with transaction():
        if ContractTemplate.select().where(ContractTemplate.kind == code,
                                           ContractTemplate.name == title).exists():
            raise ValidationError("name", _("A template of this kind is already called {name}: "
                                            "give the new one another name.").format(name=title))
        row = ContractTemplate.create(kind=code, name=title, content=data, size=len(data),
                                      sha256=digest, placeholders="、".join(used), active=True,
                                      created_by=staff_id, created_at=clock_now())
    return get_template(row.id, staff_id)
