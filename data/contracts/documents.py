""".docx templates and documents: the built-in templates (made with python-docx), checking a
company's own template before it is registered, and rendering one with docxtpl.

Rendering runs docxtpl with a sandboxed jinja2 environment (`SandboxedEnvironment`,
autoescape on): the values are XML-escaped text, rendered once — an owner named
``{{ 7*7 }}`` stays literally that in the document, never template code — and a template
can reach no Python attribute the sandbox forbids. Registration refuses, naming it, any
placeholder outside `PLACEHOLDERS`, any attribute other than a cost line's fields (or
jinja's `loop`), includes and imports, and anything that is not a real .docx (a zip with
word/document.xml that python-docx opens), within size limits.

A template cannot make the renderer build a huge text either (``{{ 金额 * 3000000000 }}``,
``{{ "a" * 999999999 }}``, ``{{ 业主姓名|center(999999999) }}``): registration refuses
arithmetic and ``~``, any filter argument but a few short constants (`FILTER_ARGS`), any
loop but ``{% for 行 in 明细 %}`` (once, not nested), and nesting deeper than MAX_DEPTH;
rendering checks the template again (one stored before these rules), runs in a sandbox that
knows only SAFE_FILTERS and refuses arithmetic, and stops a part whose text grows past
MAX_RENDERED_CHARS.
"""

from __future__ import annotations

import functools
import io
import re
import zipfile
from collections.abc import Iterator

from jinja2 import Template, TemplateError, TemplateSyntaxError, meta, nodes
from jinja2.exceptions import SecurityError
from jinja2.sandbox import SandboxedEnvironment

from data.contracts.values import (
    KINDS,
    LINE_FIELDS,
    LOOP_FIELDS,
    MAX_TEMPLATE_BYTES,
    MAX_TEMPLATE_PARTS,
    MAX_UNPACKED_BYTES,
    PLACEHOLDERS,
)
from data.errors import FrontDeskError, ValidationError
from data.i18n import _

#: A control character docxtpl would turn into Word structure (\a a paragraph, \f a page):
#: values never carry one (tab and newline stay: a tab, a line break).
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
#: XML parts may not declare a DOCTYPE or entities (entity expansion, external entities).
_DOCTYPE = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)


#: Filters a template may use: they change how a value reads, never whether it is escaped
#: (|safe would let a value's text become Word XML) nor reach anything else.
SAFE_FILTERS = frozenset({"default", "d", "upper", "lower", "trim", "replace", "truncate",
                          "round", "int", "float", "string", "length", "count", "title",
                          "capitalize", "first", "last", "join", "sum", "e", "escape"})


#: The filters that may take arguments, and how many at most: each argument a constant —
#: a text of at most MAX_ARG_CHARS, a whole number within MAX_ARG_NUMBER, or true/false.
#: (No |center, |indent, |wordwrap… : widths are how a template builds a huge text.)
#: (|join takes none: a separator would multiply a text's length, and filters chain.)
FILTER_ARGS = {"default": 2, "d": 2, "truncate": 3, "round": 2, "replace": 2}
MAX_ARG_CHARS = 20
MAX_ARG_NUMBER = 1000
#: How deep a template's statements and expressions may nest (the built-in ones reach 4).
MAX_DEPTH = 10
#: The loop a template may have: the cost lines, one row each.
LOOP_OVER = "明细"
#: The most text one rendered part (the body, a header…) may grow to.
MAX_RENDERED_CHARS = 2 * MAX_UNPACKED_BYTES


class _LimitedTemplate(Template):
    """A template whose rendering stops, refused, once its text passes MAX_RENDERED_CHARS."""

    def render(self, *args, **kwargs) -> str:
        out: list[str] = []
        size = 0
        for chunk in self.generate(*args, **kwargs):
            size += len(chunk)
            if size > MAX_RENDERED_CHARS:
                raise SecurityError("the document grows too large")
            out.append(chunk)
        return "".join(out)


class _Sandbox(SandboxedEnvironment):
    """jinja2's sandbox, narrowed: the SAFE_FILTERS only, no arithmetic (a checked template
    has none; one that slipped past is refused here), the text of a part limited."""

    template_class = _LimitedTemplate
    intercepted_binops = frozenset({"+", "-", "*", "/", "//", "%", "**"})
    intercepted_unops = frozenset({"+", "-"})

    def __init__(self, **options) -> None:
        super().__init__(**options)
        self.filters = {name: f for name, f in self.filters.items() if name in SAFE_FILTERS}
        self.tests = {name: t for name, t in self.tests.items()
                      if name in {"defined", "undefined", "none", "number", "string"}}
        self.globals.clear()

    def call_binop(self, context, operator, left, right):  # type: ignore[override]
        raise SecurityError("arithmetic is not allowed in a template")

    def call_unop(self, context, operator, arg):  # type: ignore[override]
        raise SecurityError("arithmetic is not allowed in a template")


def sandbox(*, autoescape: bool = True) -> SandboxedEnvironment:
    """The jinja2 environment every template is parsed and rendered with."""
    return _Sandbox(autoescape=autoescape)


def text_value(value: object) -> str:
    """A context value as the text it is: a string without control characters but tab and
    newline (docxtpl would read \\a or \\f as a new paragraph or page)."""
    return _CONTROL.sub("", "" if value is None else str(value))


# --- reading a .docx safely -------------------------------------------------------------------


def _not_docx(name: str) -> ValidationError:
    return ValidationError("file", _(
        "{name} is not a Word .docx document (a .docx is a zip holding word/document.xml): "
        "save it from Word or WPS as .docx and register it again.").format(name=name))


def check_docx(data: bytes, name: str = "") -> None:
    """Refuse what is not a real, reasonably sized .docx: too big, not a zip, no
    word/document.xml, too many or too large parts, an XML part with a DOCTYPE."""
    shown = name or _("The file")
    if len(data) > MAX_TEMPLATE_BYTES:
        raise ValidationError("file", _("{name} is {size} KB; a template may be at most {max} KB.").format(
            name=shown, size=len(data) // 1024, max=MAX_TEMPLATE_BYTES // 1024))
    if not data:
        raise ValidationError("file", _("{name} is empty.").format(name=shown))
    buffer = io.BytesIO(data)
    if not zipfile.is_zipfile(buffer):
        raise _not_docx(shown)
    try:
        with zipfile.ZipFile(buffer) as archive:
            parts = archive.infolist()
            if len(parts) > MAX_TEMPLATE_PARTS:
                raise _not_docx(shown)
            names = {p.filename for p in parts}
            if "word/document.xml" not in names or "[Content_Types].xml" not in names:
                raise _not_docx(shown)
            unpacked = 0
            for part in parts:
                if part.is_dir():
                    continue
                with archive.open(part) as handle:
                    # Read at most what is left of the allowance: a part that claims to be
                    # small but unpacks to more (a zip bomb) is caught here.
                    body = handle.read(MAX_UNPACKED_BYTES - unpacked + 1)
                unpacked += len(body)
                if unpacked > MAX_UNPACKED_BYTES:
                    raise ValidationError("file", _(
                        "{name} unpacks to more than {max} MB: not a template.").format(
                        name=shown, max=MAX_UNPACKED_BYTES // (1024 * 1024)))
                if part.filename.endswith((".xml", ".rels")) and _DOCTYPE.search(body):
                    raise ValidationError("file", _(
                        "{name} declares a DOCTYPE in {part}: Word never writes one; the file "
                        "is refused.").format(name=shown, part=part.filename[:60]))
    except (zipfile.BadZipFile, EOFError, OSError, RuntimeError, NotImplementedError):
        raise _not_docx(shown) from None


def _template(data: bytes):
    """A DocxTemplate of `data`, opened (python-docx reads it); ValidationError otherwise."""
    from docxtpl import DocxTemplate

    template = DocxTemplate(io.BytesIO(data))
    try:
        template.init_docx()
    except Exception:  # python-docx refuses it in its own ways (KeyError, ValueError, lxml…)
        raise _not_docx(_("The file")) from None
    return template


# --- what a template says ---------------------------------------------------------------------


def _template_texts(data: bytes) -> Iterator[tuple[str, str]]:
    """(where, jinja source) of every part docxtpl renders: the body, the headers and the
    footers, the footnotes and the document properties — each as docxtpl prepares it
    (its own preprocessing joins the runs a tag was split into)."""
    from docx.oxml import parse_xml

    template = _template(data)
    docx = template.docx
    yield _("the body"), template.patch_xml(template.get_xml())
    for uri, where in ((template.HEADER_URI, _("a header")), (template.FOOTER_URI, _("a footer"))):
        for _rel, part in template.get_headers_footers(uri):
            yield where, template.patch_xml(template.xml_to_string(parse_xml(part.blob)))
    for part in docx.part.package.parts:
        if part.content_type.endswith(".footnotes+xml"):
            blob = part.blob.decode("utf-8") if isinstance(part.blob, bytes) else part.blob
            yield _("the footnotes"), template.patch_xml(blob)
    props = docx.core_properties
    for prop in ("author", "comments", "identifier", "language", "subject", "title"):
        yield _("the document properties"), getattr(props, prop) or ""


def _depth(tree: nodes.Node) -> int:
    """How deep the tree nests (walked without recursion: a hostile tree may be deep)."""
    deepest = 0
    stack: list[tuple[nodes.Node, int]] = [(tree, 0)]
    while stack:
        node, depth = stack.pop()
        deepest = max(deepest, depth)
        if deepest > MAX_DEPTH:
            break
        stack.extend((child, depth + 1) for child in node.iter_child_nodes())
    return deepest


def _short_constant(node: nodes.Node) -> bool:
    if not isinstance(node, nodes.Const):
        return False
    value = node.value
    if isinstance(value, bool):
        return True
    if isinstance(value, int):
        return abs(value) <= MAX_ARG_NUMBER
    return isinstance(value, str) and len(value) <= MAX_ARG_CHARS


def _check_size(tree: nodes.Template) -> None:
    """Refuse what makes a template build a huge text: arithmetic, filter arguments beyond
    FILTER_ARGS, loops over anything but the cost lines (or nested), deep nesting."""
    if _depth(tree) > MAX_DEPTH:
        raise ValidationError("file", _(
            "The template nests its tags deeper than {most} levels: write it plainer.").format(
            most=MAX_DEPTH))
    for node in tree.find_all((nodes.BinExpr, nodes.Concat, nodes.Neg, nodes.Pos)):
        if isinstance(node, (nodes.And, nodes.Or)):  # {% if a and b %}: no text built
            continue
        raise ValidationError("file", _(
            "A template may not calculate (+ - * / % ** ~): found “{code}”. It fills in "
            "values as they are.").format(code=type(node).__name__))
    if tree.find((nodes.Assign, nodes.AssignBlock)) is not None:
        # {% set b %}{{ a }}{{ a }}{% endset %} doubles a text each line, shallow as it is.
        raise ValidationError("file", _(
            "A template may not set values of its own ({{% set %}}): it fills in the "
            "placeholders as they are.").format())
    for node in tree.find_all(nodes.Filter):
        most = FILTER_ARGS.get(node.name, 0)
        args = list(node.args)
        if node.kwargs or node.dyn_args or node.dyn_kwargs or len(args) > most or not all(
                _short_constant(a) for a in args):
            raise ValidationError("file", _(
                "The filter |{name} is used with arguments a template may not give: only "
                "{allowed} take arguments, each a short text or a number up to {most}.").format(
                name=str(node.name)[:20], allowed=", ".join(f"|{n}" for n in sorted(FILTER_ARGS)),
                most=MAX_ARG_NUMBER))
        if node.name == "replace" and len(args) == 2 and (
                not args[0].value or len(str(args[1].value)) > max(len(str(args[0].value)), 4)):
            raise ValidationError("file", _(
                "|replace may change a text into one of about the same length only."))
    for loop in tree.find_all(nodes.For):
        if (not isinstance(loop.iter, nodes.Name) or loop.iter.name != LOOP_OVER
                or not isinstance(loop.target, nodes.Name) or loop.recursive
                or loop.test is not None
                or any(n.find(nodes.For) is not None or isinstance(n, nodes.For)
                       for n in [*loop.body, *loop.else_])):
            raise ValidationError("file", _(
                "A template repeats only the cost lines, once: {{% for 行 in 明细 %}} … "
                "{{% endfor %}} (no other loops or ranges, none inside another).").format())


def _check_ast(tree: nodes.Template) -> None:
    """Refuse placeholders, attributes and statements a template may not use."""
    unknown = sorted(meta.find_undeclared_variables(tree) - set(PLACEHOLDERS))
    if unknown:
        raise ValidationError("file", _(
            "Unknown placeholder {names}: a template may use {allowed}.").format(
            names="、".join("{{ " + n + " }}" for n in unknown[:5]),
            allowed="、".join(PLACEHOLDERS)))
    if list(meta.find_referenced_templates(tree)):
        raise ValidationError("file", _("A template may not include, import or extend another one."))
    declared = {"loop"}
    for node in tree.find_all((nodes.For, nodes.Assign, nodes.AssignBlock)):
        declared |= {n.name for n in node.target.find_all(nodes.Name)}
        if isinstance(node.target, nodes.Name):
            declared.add(node.target.name)
    for node in tree.find_all(nodes.Name):
        if node.ctx == "load" and node.name not in PLACEHOLDERS and node.name not in declared:
            raise ValidationError("file", _(
                "Unknown placeholder {names}: a template may use {allowed}.").format(
                names="{{ " + node.name[:30] + " }}", allowed="、".join(PLACEHOLDERS)))
    if any(True for _n in tree.find_all((nodes.Call, nodes.Macro, nodes.CallBlock,
                                          nodes.EvalContextModifier))):
        raise ValidationError("file", _(
            "A template fills in values and repeats rows: no function calls, macros or "
            "autoescape blocks."))
    for node in tree.find_all((nodes.Filter, nodes.FilterBlock)):
        names = [node.name] if isinstance(node, nodes.Filter) else [
            f.name for f in node.find_all(nodes.Filter)]
        for name in names:
            if name not in SAFE_FILTERS:
                raise ValidationError("file", _("The filter |{name} is not allowed in a template; "
                                                "these are: {allowed}.").format(
                    name=str(name)[:20], allowed=", ".join(sorted(SAFE_FILTERS))))
    allowed_attrs = set(LINE_FIELDS) | set(LOOP_FIELDS)
    for node in tree.find_all((nodes.Getattr, nodes.Getitem)):
        if isinstance(node, nodes.Getattr):
            attr = node.attr
        elif isinstance(node.arg, nodes.Const) and isinstance(node.arg.value, str):
            attr = node.arg.value
        else:
            raise ValidationError("file", _(
                "A template reads a cost line's fields by name, such as {{ 行.项目 }}."))
        if attr not in allowed_attrs:
            raise ValidationError("file", _(
                "Unknown field “{name}”: inside {{% for 行 in 明细 %}} a line has {fields}.").format(
                name=attr[:30], fields="、".join(LINE_FIELDS)))
    _check_size(tree)


def placeholders_of(data: bytes, name: str = "") -> tuple[str, ...]:
    """The placeholders a .docx template uses, checked: ValidationError naming an unknown
    placeholder or field, a syntax error (where, and what), or a file that is no .docx."""
    check_docx(data, name)
    # Parsed by jinja's plain sandbox: its analysis (meta) compiles the tree, which the
    # narrowed one would fail on an unknown filter before _check_ast could name it.
    env = SandboxedEnvironment(autoescape=True)
    used: set[str] = set()
    for where, source in _template_texts(data):
        if "{" not in source:
            continue
        try:
            tree = env.parse(source)
        except RecursionError:
            raise ValidationError("file", _(
                "The template nests its tags deeper than {most} levels: write it plainer.").format(
                most=MAX_DEPTH)) from None
        except TemplateSyntaxError as exc:
            raise ValidationError("file", _(
                "The template has an error in {where}: {error}. Check the {{{{ }}}} and {{% %}} "
                "tags there.").format(where=where, error=str(exc.message or exc)[:120])) from None
        _check_ast(tree)
        used |= meta.find_undeclared_variables(tree)
    return tuple(p for p in PLACEHOLDERS if p in used)


# --- rendering --------------------------------------------------------------------------------


def render_docx(data: bytes, context: dict[str, object]) -> bytes:
    """`data` (a checked .docx template) rendered with `context`: text values escaped and
    rendered once, in the sandbox. The template is checked again first: one stored before
    today's rules (or written straight into the table) is refused. Returns the new
    document's bytes."""
    from docxtpl import DocxTemplate

    try:
        placeholders_of(data)
    except ValidationError as exc:
        raise FrontDeskError(_("The template could not be filled in ({error}): register a "
                               "corrected one.").format(error=exc.message[:200])) from None

    class _SandboxedTemplate(DocxTemplate):
        """docxtpl renders the document properties with the body's environment, whose XML
        escaping would show as &amp; in a property (python-docx escapes them itself)."""

        def render_properties(self, context, jinja_env=None):  # type: ignore[override]
            super().render_properties(context, sandbox(autoescape=False))

    template = _SandboxedTemplate(io.BytesIO(data))
    try:
        template.render(context, jinja_env=sandbox(), autoescape=True)
    except TemplateError as exc:  # a sandbox refusal, or a template broken since it was checked
        raise FrontDeskError(_("The template could not be filled in ({error}): register a "
                               "corrected one.").format(error=str(exc)[:120])) from None
    out = io.BytesIO()
    template.save(out)
    return out.getvalue()


# --- the built-in templates -------------------------------------------------------------------

#: (title, opening paragraphs, clauses) of each built-in contract.
_CONTRACT_TEXTS: dict[str, tuple[str, tuple[str, ...]]] = {
    "renovation": ("装修管理服务协议", (
        "一、乙方对{{ 房号 }}进行装修，装修期自{{ 开始日期 }}起至{{ 结束日期 }}止；施工内容：{{ 服务内容 }}。",
        "二、乙方应遵守《装修管理规定》，在允许的时间内施工，不得拆改承重结构、不得破坏防水层，建筑垃圾按指定地点堆放并及时清运。",
        "三、甲方提供装修管理服务（审核方案、巡查、验收），乙方支付装修管理服务费及押金共计人民币{{ 金额 }}元（大写：{{ 金额大写 }}），押金于验收合格后无息退还。",
        "四、乙方违反本协议造成公共部位或他人财产损失的，应负责修复或赔偿。",
    )),
    "parking": ("车位租赁合同", (
        "一、甲方将{{ 小区 }}车位（{{ 服务内容 }}）出租给乙方使用，租期自{{ 开始日期 }}起至{{ 结束日期 }}止。",
        "二、租金总额为人民币{{ 金额 }}元（大写：{{ 金额大写 }}），于签订本合同时一次付清。",
        "三、乙方仅将车位用于停放登记的车辆，不得转租、不得堆放杂物；车辆及车内物品由乙方自行保管。",
        "四、租期届满乙方需续租的，应于届满前三十日内向甲方提出，同等条件下乙方优先。",
    )),
    "housekeeping": ("家政服务合同", (
        "一、甲方为乙方{% if 房号 %}（{{ 房号 }}）{% endif %}提供家政服务：{{ 服务内容 }}。",
        "二、服务期自{{ 开始日期 }}起至{{ 结束日期 }}止。",
        "三、服务费用为人民币{{ 金额 }}元（大写：{{ 金额大写 }}）。",
        "四、甲方派出的服务人员持证上岗，服务中损坏乙方物品的，由甲方照价赔偿。",
    )),
    "other": ("服务合同", (
        "一、甲方为乙方{% if 房号 %}（{{ 房号 }}）{% endif %}提供以下服务：{{ 服务内容 }}。",
        "二、服务期自{{ 开始日期 }}起至{{ 结束日期 }}止。",
        "三、服务费用为人民币{{ 金额 }}元（大写：{{ 金额大写 }}）。",
    )),
}


def _chinese_font(document) -> None:
    """Song typeface for Chinese text in the Normal style (Word falls back oddly otherwise)."""
    from docx.oxml.ns import qn
    from docx.shared import Pt

    style = document.styles["Normal"]
    style.font.name = "宋体"
    style.font.size = Pt(11)
    fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
    fonts.set(qn("w:eastAsia"), "宋体")


def _heading(document, text: str) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    paragraph = document.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = paragraph.add_run(text)
    run.bold = True
    run.font.size = Pt(16)


def _lines_table(document) -> None:
    """The cost lines: a header row, one row per line (docxtpl's {%tr for %} rows), a total."""
    headers = ("序号", "项目", "类别", "数量", "单价（元）", "金额（元）")
    table = document.add_table(rows=5, cols=len(headers))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, headers, strict=True):
        cell.text = text
    table.rows[1].cells[0].text = "{%tr for 行 in 明细 %}"
    for cell, name in zip(table.rows[2].cells, ("序号", "项目", "类别", "数量", "单价", "金额"), strict=True):
        cell.text = "{{ 行." + name + " }}"
    table.rows[3].cells[0].text = "{%tr endfor %}"
    table.rows[4].cells[0].text = "合计"
    table.rows[4].cells[5].text = "{{ 金额 }}"


def _build(kind: str) -> bytes:
    from docx import Document

    document = Document()
    _chinese_font(document)
    core = document.core_properties
    core.author = "{{ 公司名称 }}"
    core.identifier = "{{ 合同编号 }}"
    if kind == "quote":
        core.title = "有偿维修报价单 {{ 合同编号 }}"
        _heading(document, "有偿维修报价单")
        document.add_paragraph("编号：{{ 合同编号 }}　　工单：{{ 工单编号 }}")
        document.add_paragraph("业主：{{ 业主姓名 }}　　房号：{{ 小区 }} {{ 房号 }}　　电话：{{ 联系电话 }}")
        document.add_paragraph("维修内容：{{ 服务内容 }}")
        _lines_table(document)
        document.add_paragraph("报价合计：人民币{{ 金额 }}元（大写：{{ 金额大写 }}）")
        document.add_paragraph("本报价自{{ 开始日期 }}起至{{ 结束日期 }}止有效。业主确认后施工，费用于完工验收后结清。")
        document.add_paragraph("报价单位：{{ 公司名称 }}　　经办人：{{ 负责人 }}　　日期：{{ 签订日期 }}")
        document.add_paragraph("业主确认（签字）：")
    elif kind == "proposal":
        core.title = "增值服务建议书 {{ 合同编号 }}"
        _heading(document, "增值服务建议书")
        document.add_paragraph("编号：{{ 合同编号 }}　　日期：{{ 签订日期 }}")
        document.add_paragraph("尊敬的{{ 业主姓名 }}：")
        document.add_paragraph(
            "感谢您对{{ 公司名称 }}的信任。根据您的需求（{{ 意向 }}），我们为您拟定以下服务方案：")
        document.add_paragraph("意向房源或车位：{{ 意向房源 }}")
        document.add_paragraph("服务内容：{{ 服务内容 }}")
        document.add_paragraph("方案报价：人民币{{ 金额 }}元（大写：{{ 金额大写 }}），有效期至{{ 结束日期 }}。")
        document.add_paragraph("如有任何疑问，请联系您的客户经理{{ 负责人 }}。")
        document.add_paragraph("{{ 公司名称 }}")
    else:
        title, clauses = _CONTRACT_TEXTS[kind]
        core.title = title + " {{ 合同编号 }}"
        _heading(document, title)
        document.add_paragraph("合同编号：{{ 合同编号 }}")
        document.add_paragraph("甲方（服务方）：{{ 公司名称 }}")
        document.add_paragraph("乙方：{{ 业主姓名 }}　　联系电话：{{ 联系电话 }}")
        document.add_paragraph("{% if 房号 %}房屋：{{ 小区 }} {{ 房号 }}{% endif %}")
        document.add_paragraph("甲乙双方本着平等、自愿的原则，经协商一致，订立本合同。")
        for clause in clauses:
            document.add_paragraph(clause)
        document.add_paragraph("本合同一式两份，甲乙双方各执一份，自双方签字（盖章）之日起生效。")
        document.add_paragraph("甲方（盖章）：{{ 公司名称 }}　　　　乙方（签字）：")
        document.add_paragraph("经办人：{{ 负责人 }}　　　　签订日期：{{ 签订日期 }}")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


@functools.cache
def builtin_template(kind: str) -> bytes:
    """The built-in template of `kind` as .docx bytes (made once per process)."""
    if kind not in KINDS:
        raise ValidationError("kind", _("Unknown kind “{value}”.").format(value=kind[:20]))
    return _build(kind)


BUILTIN_NAMES = {
    "quote": "有偿维修报价单", "proposal": "增值服务建议书", "renovation": "装修管理服务协议",
    "parking": "车位租赁合同", "housekeeping": "家政服务合同", "other": "服务合同",
}
