"""知识库: the knowledge base (问题与解决方法库, 服务秘诀) — the list, searched as you type
(two-character words such as 漏水, or the pinyin initials of titles), narrowed to a category
or to drafts; one article whole (`ArticleScreen`: every field, the work orders it solved, the
comment threads with reply and helpful marks); and the article form (`article_form`), which
the work-order screen opens prefilled to turn a resolved order into a tip."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.message import Message
from textual.widgets import DataTable, Input, Label, Static

from data import knowledge as kb
from data.choices import search_keys
from data.errors import FrontDeskError
from data.i18n import N_, _
from data.vocab import WORK_ORDER_STATUSES, label
from widgets.app_header import AppHeader
from widgets.bindings import defined_bindings, show_in_footer
from widgets.desk import DeskScreen
from widgets.form import FormField, FormModal
from widgets.picker import PickerModal, PickRow
from widgets.safe import plain

#: Seconds typing pauses before the search runs.
DEBOUNCE_S = 0.12
#: Articles the list shows at most (a search narrows).
PAGE = 100


def _stamp(value) -> str:
    return value.strftime("%m-%d") if value else ""


# --- the forms -------------------------------------------------------------------------------------


def article_form(staff_id: int, *, article: kb.ArticleView | None = None,
                 prefill: kb.ArticleInput | None = None, title: str = "") -> FormModal:
    """A new article (prefilled from `prefill`, e.g. a resolved work order's draft tip) or
    the changes to `article`; dismisses with the saved ArticleView."""
    from data.queue import categories

    start = article.to_input() if article is not None else prefill or kb.ArticleInput(title="")
    cats = categories()
    fields = [
        FormField("title", _("Title"), start.title, placeholder=_("卫生间地漏返水的处理 …")),
        FormField("category", _("Category"), str(start.category_id or ""), kind="filter",
                  options=[(name, str(cid)) for cid, name in cats],
                  keys=[search_keys(name) for _cid, name in cats]),
        FormField("problem", _("Problem"), start.problem, kind="text",
                  help=_("What the owner reports.")),
        FormField("symptoms", _("Symptoms"), start.symptoms, kind="text"),
        FormField("cause", _("Cause"), start.cause, kind="text"),
        FormField("solution", _("Solution"), start.solution, kind="text",
                  help=_("How it is solved, step by step: what the next technician reads.")),
        FormField("parts", _("Parts, tools"), start.parts, placeholder=_("角阀、生料带、扳手 …")),
        # Stored in minutes: a bare number is minutes, or say the unit (1.5小时, 90分钟, 2h).
        FormField("minutes", _("Time (min)"), str(start.minutes or ""),
                  placeholder=_("45 (minutes), or 1.5小时, 90分钟, 2h")),
        FormField("tags", _("Tags"), start.tags, placeholder=_("漏水、角阀 (commas or 、)")),
        FormField("orders", _("Work orders"), ", ".join(start.orders),
                  placeholder=_("the orders it solved: BX-20261127-0001, …")),
        FormField("status", _("Status"), start.status, kind="select",
                  options=[(_(text), code) for code, text in kb.STATUSES.items()],
                  help=_("A draft is seen by you and the supervisors only.")),
    ]

    def save(values: dict[str, str]) -> kb.ArticleView:
        data = kb.ArticleInput(
            title=values["title"], problem=values["problem"], symptoms=values["symptoms"],
            cause=values["cause"], solution=values["solution"], parts=values["parts"],
            minutes=values["minutes"], category_id=int(values["category"]) if values["category"] else None,
            tags=values["tags"], status=values["status"] or kb.DRAFT, orders=(values["orders"],))
        if article is None:
            return kb.create_article(data, staff_id)
        return kb.update_article(article.id, data, staff_id, expected_version=article.version)

    heading = title or (_("Edit “{title}”").format(title=article.title) if article is not None
                        else _("New knowledge-base article"))
    return FormModal(heading, fields, save)


def comment_form(article: kb.ArticleView, staff_id: int, reply_to: kb.CommentView | None = None) -> FormModal:
    """A comment on the article, or a reply to `reply_to`; dismisses with the CommentView."""
    if reply_to is not None:
        first = " ".join(reply_to.text.split())
        heading = _("Reply to {name}: “{text}”").format(
            name=reply_to.author, text=first if len(first) <= 30 else first[:29] + "…")
    else:
        heading = _("Comment on “{title}”").format(title=article.title)
    fields = [FormField("text", _("Your comment"), kind="text")]
    return FormModal(heading, fields, lambda values: kb.add_comment(
        article.id, values["text"], staff_id, reply_to=reply_to.id if reply_to else None))


def skills_report(category: str, skills: list[kb.SkillRow]) -> PickerModal:
    """服务技能 of a category: who resolved most such orders in the last year, the median time
    from opening to resolution, the average callback rating (read-only)."""
    rows = [PickRow((f"{s.name} ({s.login})", _("{count} done").format(count=s.solved),
                     kb.duration_text(s.median_minutes),
                     f"★{s.avg_rating:.2f} ({s.rated})" if s.avg_rating is not None else "—"), s.staff_id)
            for s in skills]
    columns = [(_("Staff"), 20), (_("Resolved"), 10), (_("Median time"), 12), (_("Rating"), 12)]
    return PickerModal(_("Skills: {category} (last {days} days)").format(category=category, days=kb.SKILL_DAYS),
                       columns, rows, selectable=False,
                       empty=_("Nobody resolved a work order of this category in that time."))


# --- one article -----------------------------------------------------------------------------------


def article_text(view: kb.ArticleView) -> Text:
    """The article whole, as the article screen shows it (stored text literal)."""
    text = Text()
    text.append_text(plain(view.title, style="bold"))
    text.append("  ")
    text.append(f" {_(kb.STATUSES[view.status])} ", style="reverse bold" if view.is_draft else "reverse")
    text.append("\n")
    facts = [view.category or _("(no category)"), _("by {name}").format(name=view.author),
             _("updated {time}").format(time=f"{view.updated_at:%Y-%m-%d}"),
             _("{n} helpful").format(n=view.helpful) + (" ✓" if view.marked else "")]
    if view.minutes:
        facts.append(_("takes {time}").format(time=kb.duration_text(view.minutes)))
    text.append_text(plain(" · ".join(facts) + "\n", style="dim"))
    if view.tags:
        text.append_text(plain(_("Tags: {tags}").format(tags="、".join(view.tags)) + "\n"))
    for heading, body in ((_("Problem"), view.problem), (_("Symptoms"), view.symptoms),
                          (_("Cause"), view.cause), (_("Solution"), view.solution),
                          (_("Parts and tools"), view.parts)):
        if body:
            text.append(f"【{heading}】\n", style="bold")
            text.append_text(plain(body.rstrip() + "\n"))
    if view.orders:
        text.append("【" + _("Work orders it solved") + "】\n", style="bold")
        for order in view.orders:
            text.append_text(plain(f"{order.number} {order.title} ({label(WORK_ORDER_STATUSES, order.status)})\n"))
    return text


class ArticleScreen(DeskScreen):
    """One article: every field (scrolls), then the comment threads; e edit, p publish or
    withdraw, c comment, r reply to the highlighted comment, + helpful (the article, or the
    highlighted comment when the comments have the focus); tab moves between the two."""

    BINDING_SCOPE = "kb_article"
    CSS_PATH = Path(__file__).parent / "knowledge.tcss"
    BINDINGS = [
        Binding("e", "edit", N_("Edit"), tooltip=N_("Change the article (its author or a supervisor)")),
        Binding("p", "publish", N_("Publish"), tooltip=N_("Publish it for everyone, or take it back to a draft")),
        Binding("c", "comment", N_("Add comment"), tooltip=N_("Comment on the article")),
        Binding("r", "reply", N_("Reply to comment"), tooltip=N_("Reply to the highlighted comment")),
        Binding("plus,equals_sign", "helpful", N_("Helpful"), key_display="+",
                tooltip=N_("Mark the article (or, in the comments, the comment) helpful; again takes it back")),
        Binding("pagedown", "scroll_body(10)", N_("Next page"), show=False),
        Binding("pageup", "scroll_body(-10)", N_("Previous page"), show=False),
    ]

    class ArticleLoaded(Message):
        def __init__(self, view: kb.ArticleView | None, error: str = "") -> None:
            super().__init__()
            self.view, self.error = view, error

    def __init__(self, article_id: int) -> None:
        super().__init__()
        self._bindings_as_defined = defined_bindings(self)
        self.article_id = article_id
        self.view: kb.ArticleView | None = None

    @property
    def screen_title(self) -> str:
        return _("Knowledge base")

    def compose(self) -> ComposeResult:
        yield AppHeader()
        with VerticalScroll(id="kb-body"):
            yield Static("", id="kb-article", markup=False)
        yield Label("", id="kb-comments-title", markup=False)
        yield DataTable(id="kb-comments", cursor_type="row", zebra_stripes=True, show_header=False)
        yield self.footer()

    def on_mount(self) -> None:
        self.query_one("#kb-body", VerticalScroll).focus()
        self.load()

    def refresh_data(self) -> None:
        self.load()

    def palette_commands(self):
        yield (N_("Add comment"), _("Comment on this article (c)"), self.action_comment)
        yield (N_("Helpful"), _("Mark this article helpful (+)"), self.action_helpful)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        v = self.view
        if action in ("edit", "publish"):
            return v is not None and v.may_edit
        if action in ("comment", "reply", "helpful"):
            return v is not None and kb.may_comment(self.app.staff.id)
        return True

    @work(thread=True, exclusive=True, group="kb-article", exit_on_error=False)
    def load(self) -> None:
        try:
            view = kb.get_article(self.article_id, self.app.staff.id)
        except FrontDeskError as exc:
            self.post_message(self.ArticleLoaded(None, exc.message))
            return
        self.post_message(self.ArticleLoaded(view))

    def on_article_screen_article_loaded(self, message: ArticleLoaded) -> None:
        if message.view is None:
            self.notify(message.error, severity="error", markup=False)
            if self.app.screen is self:
                self.app.pop_screen()
            return
        v = self.view = message.view
        self.query_one("#kb-article", Static).update(article_text(v))
        self.query_one("#kb-comments-title", Label).update(
            _("Comments ({count}) · tab: to the comments · r reply · + helpful").format(count=len(v.comments)))
        table = self.query_one("#kb-comments", DataTable)
        cursor = table.cursor_row
        table.clear(columns=True)
        width = max(20, (table.size.width or self.app.size.width) - 2)
        table.add_column("", width=14)
        table.add_column("", width=max(10, width - 14 - 6 - 6))
        table.add_column("", width=4)
        for c in v.comments:
            lead = "  " * c.depth + ("└ " if c.depth else "")
            body = Text(lead, style="dim")
            body.append_text(plain(c.text))
            table.add_row(plain(f"{c.author} {c.created_at:%m-%d}"), body,
                          Text(f"+{c.helpful}" + ("✓" if c.marked else "") if c.helpful else ""),
                          height=None)
        if v.comments:
            table.move_cursor(row=min(max(cursor, 0), len(v.comments) - 1))
        table.display = bool(v.comments)
        shown = {b.action for b in self.BINDINGS if isinstance(b, Binding) and b.show}
        show_in_footer(self, self._bindings_as_defined, shown, descriptions={
            "publish": _("Unpublish") if v.status == kb.PUBLISHED else _("Publish")})

    def _highlighted(self) -> kb.CommentView | None:
        v = self.view
        if v is None or not v.comments:
            return None
        row = self.query_one("#kb-comments", DataTable).cursor_row
        return v.comments[min(max(row, 0), len(v.comments) - 1)]

    def action_cursor_down(self) -> None:
        """j: the next comment in the comments, else the article scrolls a line."""
        if self.focused is self.query_one("#kb-comments", DataTable):
            self.query_one("#kb-comments", DataTable).action_cursor_down()
        else:
            self.action_scroll_body(1)

    def action_cursor_up(self) -> None:
        if self.focused is self.query_one("#kb-comments", DataTable):
            self.query_one("#kb-comments", DataTable).action_cursor_up()
        else:
            self.action_scroll_body(-1)

    def action_scroll_body(self, lines: int) -> None:
        body = self.query_one("#kb-body", VerticalScroll)
        body.scroll_to(y=body.scroll_y + lines, animate=False)

    def _done(self, result: Any) -> None:
        if result is not None:
            self.load()

    def action_edit(self) -> None:
        if self.view is not None and self.view.may_edit:
            self.app.push_screen(article_form(self.app.staff.id, article=self.view), self._done)

    def action_publish(self) -> None:
        v = self.view
        if v is None or not v.may_publish:
            return
        staff_id, published = self.app.staff.id, v.status == kb.PUBLISHED

        def write() -> None:
            if published:
                kb.withdraw(v.id, staff_id, expected_version=v.version)
            else:
                kb.publish(v.id, staff_id, expected_version=v.version)

        def written(_result: object) -> None:
            if published:
                self.notify(_("“{title}” is a draft again.").format(title=v.title), markup=False)
            else:
                self.notify(_("“{title}” is published: everyone finds it, and work orders of its "
                              "category suggest it.").format(title=v.title), markup=False)
            self.load()

        def refused(exc: FrontDeskError) -> None:
            self.notify(exc.message, severity="error", markup=False)
            self.load()

        self.run_write(write, done=written, refused=refused)

    def action_comment(self) -> None:
        if self.view is not None:
            self.app.push_screen(comment_form(self.view, self.app.staff.id), self._done)

    def action_reply(self) -> None:
        if self.view is None:
            return
        target = self._highlighted()
        self.app.push_screen(comment_form(self.view, self.app.staff.id, target), self._done)

    def action_helpful(self) -> None:
        v = self.view
        if v is None:
            return
        in_comments = self.focused is self.query_one("#kb-comments", DataTable)
        target = self._highlighted() if in_comments else None
        staff_id = self.app.staff.id

        def marked(result: Any) -> None:
            what = _("the comment") if target else _("the article")
            self.notify((_("You marked {what} helpful ({n} in all).") if result.marked
                         else _("You took back your mark on {what} ({n} in all).")).format(what=what, n=result.count),
                        markup=False)
            self.load()

        self.run_write(lambda: kb.toggle_helpful(v.id, staff_id, comment_id=target.id if target else None),
                       done=marked, refused=lambda exc: self.notify(exc.message, severity="warning", markup=False))

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        comment = self._highlighted()
        if comment is not None:
            self.notify(f"{comment.author}: {comment.text}", markup=False, timeout=10)


# --- the list --------------------------------------------------------------------------------------


class KnowledgeScreen(DeskScreen):
    """The knowledge base: search as you type (/), enter opens, n new, e edit, p publish,
    f a category, d drafts only."""

    BINDING_SCOPE = "knowledge"
    CSS_PATH = Path(__file__).parent / "knowledge.tcss"
    BINDINGS = [
        Binding("slash", "focus_search", N_("Search"), key_display="/",
                tooltip=N_("Words such as 漏水 or 跳闸, or the pinyin initials of a title")),
        Binding("enter", "open", N_("Open"), show=False),
        Binding("down", "to_results", N_("Results"), show=False),
        Binding("n", "new_article", N_("New article"), tooltip=N_("Write a new article")),
        Binding("e", "edit", N_("Edit"), tooltip=N_("Change the highlighted article")),
        # In F1 and the article's own footer: the list's footer keeps room for f1 at 80 columns.
        Binding("p", "publish", N_("Publish"), show=False,
                tooltip=N_("Publish the highlighted article, or take it back to a draft")),
        Binding("f", "category", N_("Category"), tooltip=N_("Only the articles of a category")),
        Binding("d", "drafts", N_("Drafts"), tooltip=N_("Only drafts (yours; a supervisor's: everyone's)")),
        Binding("s", "skills", N_("Skills"),
                tooltip=N_("服务技能: who resolves this category best — count, median time, rating")),
        Binding("escape", "escape", N_("Back"), show=False),
    ]
    TYPED_KEYS = frozenset({"new_article", "edit", "publish", "category", "drafts", "skills", "focus_search",
                            "cursor_down", "cursor_up"})

    class ArticlesFound(Message):
        def __init__(self, query: kb.KbQuery, rows: list[kb.ArticleRow], error: str = "") -> None:
            super().__init__()
            self.query, self.rows, self.error = query, rows, error

    def __init__(self, text: str = "") -> None:
        super().__init__()
        self.initial_text = text
        self.category_id: int | None = None
        self.category_name = ""
        self.drafts_only = False
        self.rows: list[kb.ArticleRow] = []
        self.shown: kb.KbQuery | None = None

    @property
    def screen_title(self) -> str:
        return _("Knowledge base")

    def compose(self) -> ComposeResult:
        yield AppHeader()
        yield Input(self.initial_text, placeholder=_("漏水, 跳闸 … or pinyin initials (lsjs)"), id="kb-query")
        yield Label("", id="kb-status", markup=False)
        yield DataTable(id="kb-list", cursor_type="row", zebra_stripes=True)
        yield Static("", id="kb-preview", markup=False)
        yield self.footer()

    def on_mount(self) -> None:
        table = self.query_one("#kb-list", DataTable)
        # Title, category, draft or not, helpful marks, the day it was last updated: 76 cells.
        for heading, width in ((_("Title"), 34), (_("Category"), 19), ("", 5), ("+", 3), (_("Date"), 5)):
            table.add_column(heading, width=width)
        self.query_one("#kb-query", Input).focus()
        self.run_search(debounce=False)

    def refresh_data(self) -> None:
        self.run_search(debounce=False)

    def reopened(self) -> None:
        self.action_focus_search()

    def palette_commands(self):
        yield (N_("New knowledge-base article"), _("Write a new article (n)"), self.action_new_article)

    def _query(self) -> kb.KbQuery:
        return kb.KbQuery(text=self.query_one("#kb-query", Input).value, category_id=self.category_id,
                          status=kb.DRAFT if self.drafts_only else "")

    # --- searching ----------------------------------------------------------------------------

    @on(Input.Changed, "#kb-query")
    def _typed(self) -> None:
        self.run_search()

    @on(Input.Submitted, "#kb-query")
    def _submitted(self) -> None:
        self.search_now()
        if self.rows:
            self.query_one("#kb-list", DataTable).focus()

    def search_now(self) -> None:
        """The hits of what is typed now, unless they are on screen already."""
        query = self._query()
        if query == self.shown:
            return
        try:
            rows = kb.search(query, staff_id=self.app.staff.id, limit=PAGE)
        except FrontDeskError as exc:
            self.on_knowledge_screen_articles_found(self.ArticlesFound(query, [], exc.message))
            return
        self.on_knowledge_screen_articles_found(self.ArticlesFound(query, rows))

    @work(thread=True, exclusive=True, group="kb-search", exit_on_error=False)
    def run_search(self, debounce: bool = True) -> None:
        from textual.worker import get_current_worker

        if debounce:
            time.sleep(DEBOUNCE_S)
            if get_current_worker().is_cancelled:
                return
        query = self.app.call_from_thread(self._query)
        try:
            rows = kb.search(query, staff_id=self.app.staff.id, limit=PAGE)
        except FrontDeskError as exc:
            self.post_message(self.ArticlesFound(query, [], exc.message))
            return
        if not get_current_worker().is_cancelled:
            self.post_message(self.ArticlesFound(query, rows))

    def on_knowledge_screen_articles_found(self, message: ArticlesFound) -> None:
        if message.query != self._query():
            return  # a newer query is on its way
        table = self.query_one("#kb-list", DataTable)
        keep = None
        if self.shown == message.query and self.rows and 0 <= table.cursor_row < len(self.rows):
            keep = self.rows[table.cursor_row].id
        self.shown = message.query
        self.rows = message.rows
        table.clear()
        for row in message.rows:
            table.add_row(plain(row.title, style="dim" if row.is_draft else ""), plain(row.category),
                          Text(_("Draft") if row.is_draft else "", style="italic"),
                          Text(str(row.helpful) if row.helpful else ""), Text(_stamp(row.updated_at)))
        if self.rows:
            ids = [r.id for r in self.rows]
            table.move_cursor(row=ids.index(keep) if keep in ids else 0)
        self._status(message)
        self._preview()

    def _status(self, message: ArticlesFound) -> None:
        parts = []
        if message.error:
            parts.append(message.error)
        elif not message.query.text.strip():
            parts.append(_("Newest first · type to search"))
        elif not message.rows:
            parts.append(_("Nothing found for “{query}”.").format(query=message.query.text.strip()))
        else:
            count = len(message.rows)
            parts.append(_("{count} found").format(count=f"{count}+" if count >= PAGE else count))
        if self.category_name:
            parts.append(_("category {name}").format(name=self.category_name))
        if self.drafts_only:
            parts.append(_("drafts only"))
        self.query_one("#kb-status", Label).update(" · ".join(parts))

    def _current(self) -> kb.ArticleRow | None:
        table = self.query_one("#kb-list", DataTable)
        if not self.rows or table.cursor_row < 0:
            return None
        return self.rows[min(table.cursor_row, len(self.rows) - 1)]

    def _preview(self) -> None:
        row = self._current()
        text = Text()
        if row is not None:
            text.append_text(plain(row.summary or row.title))
            facts = [_("by {name}").format(name=row.author)]
            if row.minutes:
                facts.append(_("takes {time}").format(time=kb.duration_text(row.minutes)))
            if row.comments:
                facts.append(_("{n} comments").format(n=row.comments))
            if row.tags:
                facts.append("、".join(row.tags))
            text.append("\n")
            text.append_text(plain(" · ".join(facts), style="dim"))
        self.query_one("#kb-preview", Static).update(text)

    @on(DataTable.RowHighlighted, "#kb-list")
    def _highlighted(self) -> None:
        self._preview()

    # --- keys -----------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in self.TYPED_KEYS and isinstance(self.focused, Input):
            return False  # while typing, letters are text
        if action == "new_article":
            return kb.may_write(self.app.staff.id)
        return True

    def action_focus_search(self) -> None:
        field = self.query_one("#kb-query", Input)
        field.focus()
        field.select_all()

    def action_to_results(self) -> None:
        self.search_now()
        if self.rows:
            self.query_one("#kb-list", DataTable).focus()

    async def action_escape(self) -> None:
        if isinstance(self.focused, Input):
            if self.rows:
                self.query_one("#kb-list", DataTable).focus()
                return
        await self.app.run_action("back")

    def action_cursor_down(self) -> None:
        self.query_one("#kb-list", DataTable).action_cursor_down()

    def action_cursor_up(self) -> None:
        self.query_one("#kb-list", DataTable).action_cursor_up()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        self.action_open()

    def action_open(self) -> None:
        row = self._current()
        if row is not None:
            self.app.push_screen(ArticleScreen(row.id))

    def _opened(self, view: kb.ArticleView | None) -> None:
        if view is not None:
            self.app.push_screen(ArticleScreen(view.id))

    def action_new_article(self) -> None:
        self.app.push_screen(article_form(self.app.staff.id), self._opened)

    def action_edit(self) -> None:
        row = self._current()
        if row is None:
            return
        try:
            view = kb.get_article(row.id, self.app.staff.id)
        except FrontDeskError as exc:
            self.notify(exc.message, severity="error", markup=False)
            return
        if not view.may_edit:
            self.notify(_("“{title}” is {name}'s article: only its author or a supervisor changes it; "
                          "c on the article comments on it.").format(title=view.title, name=view.author),
                        severity="warning", markup=False)
            return
        self.app.push_screen(article_form(self.app.staff.id, article=view),
                             lambda saved: self.refresh_data() if saved else None)

    def action_publish(self) -> None:
        row = self._current()
        if row is None:
            return
        staff_id = self.app.staff.id

        def write() -> None:
            if row.is_draft:
                kb.publish(row.id, staff_id)
            else:
                kb.withdraw(row.id, staff_id)

        def written(_result: object) -> None:
            if row.is_draft:
                self.notify(_("“{title}” is published.").format(title=row.title), markup=False)
            else:
                self.notify(_("“{title}” is a draft again.").format(title=row.title), markup=False)
            self.refresh_data()

        def refused(exc: FrontDeskError) -> None:
            self.notify(exc.message, severity="error", markup=False)
            self.refresh_data()

        self.run_write(write, done=written, refused=refused)

    def action_category(self) -> None:
        from data.queue import categories

        cats = categories()
        fields = [FormField("category", _("Category"), str(self.category_id or ""), kind="filter",
                            options=[(_("(any)"), ""), *[(name, str(cid)) for cid, name in cats]],
                            keys=["", *[search_keys(name) for _cid, name in cats]])]

        def chosen(values: dict[str, str] | None) -> None:
            if values is None:
                return
            self.category_id = int(values["category"]) if values["category"] else None
            self.category_name = next((name for cid, name in cats if cid == self.category_id), "")
            self.refresh_data()

        self.app.push_screen(FormModal(_("Articles of a category"), fields, lambda values: values), chosen)

    def action_skills(self) -> None:
        """s: the skill lookup of the category chosen with f, else of the highlighted article."""
        row = self._current()
        category_id = self.category_id or (row.category_id if row is not None else None)
        if category_id is None:
            self.notify(_("Choose a category first (f), or highlight an article that has one."),
                        severity="warning", markup=False)
            return
        try:
            skills = kb.skills_for_category(category_id, staff_ids=None, limit=20)
        except FrontDeskError as exc:
            self.notify(exc.message, severity="error", markup=False)
            return
        self.app.push_screen(skills_report(kb.category_names({category_id}).get(category_id, ""), skills))

    def action_drafts(self) -> None:
        self.drafts_only = not self.drafts_only
        self.refresh_data()
