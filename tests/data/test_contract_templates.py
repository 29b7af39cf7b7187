"""Contract templates (issue 17 items 4, 6): a company's own .docx registered and checked —
an unknown placeholder refused naming it, a .docx that is not one refused, template code
that reaches for Python refused — then a contract rendered from it and read back with
python-docx: the placeholders filled, the values text (an owner named ``{{ 7*7 }}`` stays
literally that, XML characters stay characters) and the quote's ``{% for %}`` rows one per
cost line; on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import zipfile
from types import SimpleNamespace

import docx
import pytest

from data import contracts as ct
from data import people
from data import workorders as wo
from data.contracts import ContractInput
from data.errors import FrontDeskError, PermissionDenied, ValidationError
from data.exports import default_export_dir
from data.models import Contract, ContractTemplate
from data.people import PersonInput
from tests import factories as f

NOW = "2027-03-01 09:00"


def make_docx(*paragraphs: str, table: list[list[str]] | None = None, header: str = "",
              title: str = "") -> bytes:
    """A .docx written by python-docx: paragraphs, an optional table and header."""
    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    if table:
        grid = document.add_table(rows=len(table), cols=len(table[0]))
        for row, cells in zip(grid.rows, table, strict=True):
            for cell, text in zip(row.cells, cells, strict=True):
                cell.text = text
    if header:
        document.sections[0].header.paragraphs[0].text = header
    if title:
        document.core_properties.title = title
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def split_runs(*pieces: str) -> bytes:
    """One paragraph whose text is split over several runs, as Word splits a typed tag."""
    document = docx.Document()
    paragraph = document.add_paragraph()
    for piece in pieces:
        paragraph.add_run(piece).bold = len(piece) % 2 == 0
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def texts(path) -> list[str]:
    return [p.text for p in docx.Document(str(path)).paragraphs]


@pytest.fixture
def w(database, monkeypatch) -> SimpleNamespace:
    monkeypatch.setenv("FRONTDESK_NOW", NOW)
    comm = f.community("锦绣花园")
    room = people.ensure_room(comm.id, "3-2-501")
    owner = people.create_person(PersonInput(name="{{ 7*7 }}", phones=["13800138000"]))
    people.move_in(owner, room, "owner")
    return SimpleNamespace(comm=comm, room=room, owner=owner, desk=f.staff("desk1", "李娜", "desk"),
                           tech=f.staff("tech1", "王建国", "tech"),
                           lead=f.staff("super1", "陈静", "supervisor"))


def register(w, data: bytes, name: str = "公司版", kind: str = "parking", file_name: str = "合同.docx"):
    return ct.register_template(data, kind=kind, name=name, staff_id=w.lead.id, file_name=file_name)


def parking(w, **changes) -> ct.ContractView:
    values = dict(kind="parking", amount="12345.67", start_date=dt.date(2027, 3, 1),
                  end_date=dt.date(2028, 2, 29), room="3-2-501", subject="B2-034")
    values.update(changes)
    return ct.create_contract(ContractInput(**values), w.desk.id)


# --- registering: what is refused ----------------------------------------------------------------


def test_an_unknown_placeholder_is_refused_naming_it(w):
    with pytest.raises(ValidationError) as caught:
        register(w, make_docx("乙方：{{ 业主姓名 }}", "车牌：{{ 车牌号码 }}"))
    assert "{{ 车牌号码 }}" in caught.value.message and caught.value.field == "file"
    # In a header, in the document properties, and typed across runs (Word splits them).
    for data in (make_docx("{{ 业主姓名 }}", header="{{ 物业费 }}"),
                 make_docx("{{ 业主姓名 }}", title="{{ 物业费 }}"),
                 split_runs("{{ 业主姓名 }} {", "{ 物业", "费 }", "}")):
        with pytest.raises(ValidationError) as caught:
            register(w, data)
        assert "{{ 物业费 }}" in caught.value.message
    assert ContractTemplate.select().count() == 0


def test_a_docx_that_is_not_one_is_refused(w, tmp_path):
    fake = tmp_path / "合同.docx"
    fake.write_text("{{ 业主姓名 }} 这是一个改了扩展名的文本文件", encoding="utf-8")
    data, name = ct.read_template_file(fake)
    with pytest.raises(ValidationError) as caught:
        register(w, data, file_name=name)
    assert "合同.docx" in caught.value.message and "word/document.xml" in caught.value.message
    # A zip without a Word document in it (a spreadsheet renamed, say).
    other = io.BytesIO()
    with zipfile.ZipFile(other, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook>{{ 业主姓名 }}</workbook>")
    with pytest.raises(ValidationError):
        register(w, other.getvalue())
    # A real .docx that declares a DOCTYPE (entity expansion): refused too.
    good = make_docx("{{ 业主姓名 }}")
    source, target = zipfile.ZipFile(io.BytesIO(good)), io.BytesIO()
    with zipfile.ZipFile(target, "w") as archive:
        for item in source.infolist():
            body = source.read(item.filename)
            if item.filename == "word/document.xml":
                body = body.replace(b"?>", b'?><!DOCTYPE w [<!ENTITY x "xx">]>', 1)
            archive.writestr(item, body)
    with pytest.raises(ValidationError) as caught:
        register(w, target.getvalue())
    assert "DOCTYPE" in caught.value.message
    # Empty, too big, a folder instead of a file.
    with pytest.raises(ValidationError):
        register(w, b"")
    with pytest.raises(ValidationError) as caught:
        register(w, b"PK" + b"\0" * (6 * 1024 * 1024))
    assert "KB" in caught.value.message
    with pytest.raises(ValidationError):
        ct.read_template_file(tmp_path)
    assert ContractTemplate.select().count() == 0


@pytest.mark.parametrize("code", [
    "{{ 业主姓名.__class__ }}",
    "{{ 业主姓名.upper() }}",
    "{{ 业主姓名['__class__'] }}",
    "{% include '/etc/passwd' %}",
    "{% for i in range(100000) %}x{% endfor %}",
    "{{ cycler.__init__.__globals__ }}",
])
def test_template_code_that_reaches_for_python_is_refused(w, code):
    with pytest.raises(ValidationError):
        register(w, make_docx("{{ 业主姓名 }}", code))
    assert ContractTemplate.select().count() == 0


def test_a_syntax_error_says_where(w):
    with pytest.raises(ValidationError) as caught:
        register(w, make_docx("{{ 业主姓名 }", "{% for 行 in 明细 %}"))
    assert "正文" in caught.value.message


def test_registering_is_for_leads_and_names_are_unique_per_kind(w):
    data = make_docx("{{ 业主姓名 }}")
    with pytest.raises(PermissionDenied):
        ct.register_template(data, kind="parking", name="x", staff_id=w.desk.id)
    row = register(w, data)
    assert row.placeholders == ("业主姓名",) and row.kind == "parking" and not row.builtin
    assert bytes(ContractTemplate.get_by_id(row.id).content) == data  # in the database
    with pytest.raises(ValidationError) as caught:
        register(w, data)
    assert caught.value.field == "name"
    assert register(w, data, kind="家政").kind == "housekeeping"
    listed = ct.list_templates("parking")
    assert [(t.ref, t.builtin) for t in listed] == [(str(row.id), False), ("builtin:parking", True)]


# --- rendering: read back with python-docx -----------------------------------------------------


def test_a_contract_rendered_from_a_registered_template(w):
    row = register(w, make_docx(
        "车位租赁合同 {{ 合同编号 }}", "甲方：{{ 公司名称 }}", "乙方：{{ 业主姓名 }}（{{ 小区 }} {{ 房号 }}）",
        "租金：{{ 金额 }}元（{{ 金额大写 }}）", "期限：{{ 开始日期 }}至{{ 结束日期 }}",
        header="{{ 合同编号 }}", title="合同 {{ 合同编号 }}"))
    from data.models import Setting

    Setting.create(key=ct.COMPANY_SETTING, value="锦绣物业服务有限公司 & Co <b>")
    view = parking(w)
    assert view.template == "公司版"
    result = ct.render_contract(view.id, w.desk.id)
    assert result.path.startswith(str(default_export_dir()))
    with open(result.path, "rb") as handle:
        written = handle.read()
    assert hashlib.sha256(written).hexdigest() == result.sha256
    assert texts(result.path) == [
        "车位租赁合同 HT-2027-0001", "甲方：锦绣物业服务有限公司 & Co <b>",
        "乙方：{{ 7*7 }}（锦绣花园 3-2-501）",  # the owner's name is text, never template code
        "租金：12345.67元（壹万贰仟叁佰肆拾伍元陆角柒分）", "期限：2027年3月1日至2028年2月29日"]
    document = docx.Document(result.path)
    assert document.sections[0].header.paragraphs[0].text == "HT-2027-0001"
    assert document.core_properties.title == "合同 HT-2027-0001"
    stored = Contract.get_by_id(view.id)
    assert stored.file_name == result.file_name and stored.file_sha256 == result.sha256
    assert row.id == stored.template_id


def test_values_are_text_never_template_code_or_xml(w):
    for name in ("{{ 7*7 }}", "{% for x in 明细 %}循环{% endfor %}", "</w:t></w:r><w:r><w:t>注入",
                 "A & B <b> \"引号\" 'x'", "{{ 业主姓名.__class__.__mro__ }}"):
        view = ct.create_proposal(ct.ProposalInput(name=name, phone="13700137000", interest=name,
                                                   amount="1"), w.desk.id)
        lines = texts(ct.render_contract(view.id, w.desk.id).path)
        assert f"尊敬的{name}：" in lines, name


def test_the_quote_lists_one_row_per_cost_line(w):
    order = wo.create_order(wo.OrderInput(kind="repair", title="卫生间角阀漏水", community_id=w.comm.id,
                                          room_id=w.room, person_id=w.owner), w.desk.id)
    wo.assign(order.id, w.tech.id, w.desk.id)  # the technician's own order: they may quote it
    wo.add_cost(order.id, w.tech.id, "material", "角阀 <DN15>", "2", "35.50", "owner")
    wo.add_cost(order.id, w.tech.id, "labour", "人工", "1.5", "80", "owner")
    wo.add_cost(order.id, w.tech.id, "material", "密封胶", "1", "12", "company")
    quote = ct.create_quote(order.id, w.tech.id)
    path = ct.render_contract(quote.id, w.tech.id).path
    table = docx.Document(path).tables[0]
    rows = [[c.text for c in r.cells] for r in table.rows]
    assert rows == [
        ["序号", "项目", "类别", "数量", "单价（元）", "金额（元）"],
        ["1", "角阀 <DN15>", "材料", "2", "35.50", "71.00"],
        ["2", "人工", "人工", "1.5", "80.00", "120.00"],
        ["合计", "", "", "", "", "191.00"],
    ]
    assert any("壹佰玖拾壹元整" in t for t in texts(path))
    assert any(order.number in t for t in texts(path))
    # A company's own quote with its own loop, `loop.index` and fields of its choosing.
    register(w, make_docx("{{ 合同编号 }}", table=[
        ["#", "名称", "小计"],
        ["{%tr for 行 in 明细 %}", "", ""],
        ["{{ loop.index }}", "{{ 行.项目 }}", "{{ 行.金额 }}"],
        ["{%tr endfor %}", "", ""],
    ]), kind="报价单", name="公司报价单")
    own = ct.create_quote(order.id, w.tech.id)
    table = docx.Document(ct.render_contract(own.id, w.tech.id).path).tables[0]
    assert [[c.text for c in r.cells] for r in table.rows] == [
        ["#", "名称", "小计"], ["1", "角阀 <DN15>", "71.00"], ["2", "人工", "120.00"]]


def test_a_template_slipped_past_registration_still_runs_in_the_sandbox(w):
    """Written straight into the table (not through register_template): the sandbox still
    refuses it, with a message, and no file is written."""
    data = make_docx("{{ 业主姓名 }}", "{{ 金额.__class__.__mro__[1].__subclasses__() }}")
    ContractTemplate.create(kind="parking", name="绕过检查", content=data, size=len(data), sha256="x",
                            placeholders="业主姓名", active=True)
    view = parking(w)
    with pytest.raises(FrontDeskError) as caught:
        ct.render_contract(view.id, w.desk.id)
    assert "模板" in caught.value.message
    assert not default_export_dir().exists() or not any(default_export_dir().iterdir())
    assert Contract.get_by_id(view.id).file_name == ""


@pytest.mark.parametrize("kind", list(ct.KINDS))
def test_every_built_in_template_renders_every_placeholder(w, kind):
    data = ct.builtin_template(kind)
    used = ct.placeholders_of(data)
    assert "业主姓名" in used and "金额大写" in used
    document = docx.Document(io.BytesIO(data))
    assert document.paragraphs[0].text == ct.BUILTIN_NAMES[kind]


# --- templates that would exhaust memory ----------------------------------------------------------


@pytest.mark.parametrize(("code", "says"), [
    ("{{ 金额 * 3000000000 }}", "** ~"),
    ('{{ "a" * 999999999 }}', "** ~"),
    ("{{ 业主姓名 ~ 业主姓名 }}", "** ~"),
    ("{{ -金额 }}", "** ~"),
    ("{{ 业主姓名|center(999999999) }}", "|center"),
    ("{{ 业主姓名|truncate(999999999) }}", "|truncate"),
    ("{{ 业主姓名|default(业主姓名) }}", "|default"),
    ('{{ 业主姓名|replace("", "xxxxxxxxxxxxxxxx") }}', "|replace"),
    ('{{ 业主姓名|replace("a", "xxxxxxxxxxxxxxxxx") }}', "|replace"),
    ("{{ 业主姓名|upper(1) }}", "|upper"),
    ("{% for x in 业主姓名 %}{{ x }}{% endfor %}", "{% for 行 in 明细 %}"),
    ("{% for 行 in 明细 %}{% for 列 in 明细 %}x{% endfor %}{% endfor %}", "明细"),
    ("{{ [[[[[[[[[[[[业主姓名]]]]]]]]]]]] }}", "10"),
    ("{% if 业主姓名 %}" * 12 + "x" + "{% endif %}" * 12, "10"),
])
def test_a_template_that_would_build_a_huge_text_is_refused_naming_what(w, code, says):
    with pytest.raises(ValidationError) as caught:
        register(w, make_docx("{{ 业主姓名 }}", code))
    assert says in caught.value.message and caught.value.field == "file"
    assert ContractTemplate.select().count() == 0


def test_a_hugely_deep_template_is_refused_not_a_crash(w):
    with pytest.raises(ValidationError):
        register(w, make_docx("{{ " + "[" * 5000 + "业主姓名" + "]" * 5000 + " }}"))


def test_plain_filters_with_short_arguments_and_the_cost_lines_loop_still_register(w):
    data = make_docx('{{ 业主姓名|default("—")|trim }}', '{{ 服务内容|truncate(50) }}',
                     '{{ 房号|replace("-", "－") }}', "{% if 业主姓名 and 房号 %}有{% endif %}",
                     table=[["{%tr for 行 in 明细 %}", ""], ["{{ loop.index }}", "{{ 行.项目 }}"],
                            ["{%tr endfor %}", ""]])
    assert register(w, data).name == "公司版"


def test_a_huge_template_slipped_past_registration_is_refused_at_render(w):
    """Stored before these rules (or straight into the table): checked again when rendered,
    and the sandbox itself computes no arithmetic and knows no other filter."""
    data = make_docx("{{ 业主姓名 }}", '{{ "a" * 999999999 }}')
    ContractTemplate.create(kind="parking", name="旧模板", content=data, size=len(data), sha256="x",
                            placeholders="业主姓名", active=True)
    view = parking(w)
    with pytest.raises(FrontDeskError) as caught:
        ct.render_contract(view.id, w.desk.id)
    assert "模板" in caught.value.message
    assert Contract.get_by_id(view.id).file_name == ""
    from jinja2 import TemplateError

    from data.contracts.documents import sandbox

    env = sandbox()
    for source in ('{{ "a" * 999999999 }}', "{{ x|center(999999999) }}", "{{ range(10) }}"):
        with pytest.raises(TemplateError):
            env.from_string(source).render(x="a")
    assert env.from_string("{{ x }}").render(x="{{ 7*7 }}") == "{{ 7*7 }}"
def test_the_partys_phone_is_masked_in_a_document_unless_the_role_may_reveal_it(w, monkeypatch):
    """The document carries the party's phone: in full only for a role that may reveal
    numbers, and then recorded as a reveal in the audit trail."""
    from data import access
    from data.models import AuditLog

    register(w, make_docx("电话：{{ 联系电话 }}"))
    view = parking(w)
    assert texts(ct.render_contract(view.id, w.desk.id).path) == ["电话：13800138000"]
    assert AuditLog.select().where(AuditLog.action == "reveal", AuditLog.entity == "contract",
                                   AuditLog.entity_id == view.id, AuditLog.staff == w.desk.id).count() == 1
    monkeypatch.setitem(access.RULES, "reveal.phone", (frozenset({access.SUPERVISOR}), "see full phone numbers"))
    assert texts(ct.render_contract(view.id, w.desk.id).path) == ["电话：138****8000"]
    assert AuditLog.select().where(AuditLog.action == "reveal", AuditLog.entity == "contract").count() == 1


@pytest.mark.parametrize("code", [
    "{% set a0 %}{{ 业主姓名 }}{% endset %}{% set a1 %}{{ a0 }}{{ a0 }}{% endset %}{{ a1|length }}",
    "{% set b0 = 业主姓名 %}{{ b0 }}",
    '{{ 业主姓名|join("12345678901234567890")|join("12345678901234567890") }}',
])
def test_a_template_that_doubles_a_text_by_set_or_join_is_refused(w, code):
    """Shallow lines that each double a text (set blocks, chained |join separators) would
    exhaust memory at render: refused when registered."""
    with pytest.raises(ValidationError) as caught:
        register(w, make_docx("{{ 业主姓名 }}", code))
    assert caught.value.field == "file" and ("set" in caught.value.message or "|join" in caught.value.message)
    assert ContractTemplate.select().count() == 0
