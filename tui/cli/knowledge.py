"""The `frontdesk kb …` command (issue 17 items 3, 5): the knowledge base (问题与解决方法库)
from the shell — add an article (or the draft tip of a resolved work order), search it, show
one with its comments, the articles for a work order, comment and reply, mark helpful,
publish or withdraw, link a work order, and the skill lookup of a category (服务技能).
The same rules as the TUI (data.knowledge; data.access "kb.*")."""

from __future__ import annotations

import argparse
from collections.abc import Callable

from data.i18n import _
from tui.cli.common import emit, open_db, pad, sign_in


def add_parsers(sub: argparse._SubParsersAction) -> None:
    """Register `kb` (add, search, show, suggest, comment, helpful, publish, link, skills)."""
    p = sub.add_parser("kb", help=_("the knowledge base: add, search, show, suggest, comment"))
    actions = p.add_subparsers(dest="kb_command", metavar="ACTION", required=True)

    q = actions.add_parser("add", help=_("write an article (a draft unless --publish)"))
    q.add_argument("--from-order", dest="from_order", metavar="ORDER",
                   help=_("start from a resolved work order: its category, title, problem and resolution"))
    q.add_argument("--title", metavar="TEXT", help=_("the title, such as 卫生间地漏返水的处理"))
    q.add_argument("--problem", metavar="TEXT", help=_("the problem as owners report it"))
    q.add_argument("--symptoms", metavar="TEXT", help=_("what one sees or hears"))
    q.add_argument("--cause", metavar="TEXT", help=_("why it happens"))
    q.add_argument("--solution", metavar="TEXT", help=_("how it is solved (required)"))
    q.add_argument("--parts", metavar="TEXT", help=_("parts and tools"))
    q.add_argument("--minutes", metavar="TIME", help=_("the time the job needs: 45, 1.5小时, 2h"))
    q.add_argument("--category", metavar="NAME", help=_("category name or code, such as 水管漏水 or plumbing.leak"))
    q.add_argument("--tags", metavar="TAGS", help=_("tags, separated by commas or 、"))
    q.add_argument("--order", action="append", default=[], metavar="ORDER",
                   help=_("a work order it solved (repeat for more)"))
    q.add_argument("--publish", action="store_true", help=_("publish it at once"))
    q.add_argument("--json", action="store_true", help=_("one JSON object per line"))

    q = actions.add_parser("search", help=_("find articles: words (漏水, 跳闸) or pinyin initials of titles"))
    q.add_argument("query", nargs="*", metavar="QUERY")
    q.add_argument("--category", metavar="NAME", help=_("only this category (and its sub-categories)"))
    q.add_argument("--drafts", action="store_true", help=_("only drafts (yours; a lead's: everyone's)"))
    q.add_argument("--mine", action="store_true", help=_("only your own articles"))
    q.add_argument("--limit", type=int, default=20, metavar="N", help=_("at most N (default 20)"))
    q.add_argument("--json", action="store_true", help=_("one JSON object per line"))

    q = actions.add_parser("show", help=_("one article whole, with its comments"))
    q.add_argument("id", type=int, metavar="ID")
    q.add_argument("--json", action="store_true", help=_("one JSON object per line"))

    q = actions.add_parser("suggest", help=_("the articles most likely to help with a work order"))
    q.add_argument("order", metavar="ORDER", help=_("the work order's number or id"))
    q.add_argument("--json", action="store_true", help=_("one JSON object per line"))

    q = actions.add_parser("comment", help=_("comment on an article, or reply to a comment"))
    q.add_argument("id", type=int, metavar="ID")
    q.add_argument("text", metavar="TEXT")
    q.add_argument("--reply-to", dest="reply_to", type=int, metavar="COMMENT",
                   help=_("the comment answered"))
    q.add_argument("--json", action="store_true", help=_("one JSON object per line"))

    q = actions.add_parser("helpful", help=_("mark an article (or a comment) helpful; again takes it back"))
    q.add_argument("id", type=int, metavar="ID")
    q.add_argument("--comment", type=int, metavar="COMMENT", help=_("the comment, not the article"))
    q.add_argument("--json", action="store_true", help=_("one JSON object per line"))

    q = actions.add_parser("publish", help=_("publish an article (its author or a lead)"))
    q.add_argument("id", type=int, metavar="ID")
    q.add_argument("--withdraw", action="store_true", help=_("back to a draft instead"))
    q.add_argument("--json", action="store_true", help=_("one JSON object per line"))

    q = actions.add_parser("link", help=_("link a work order the article solved"))
    q.add_argument("id", type=int, metavar="ID")
    q.add_argument("order", metavar="ORDER")
    q.add_argument("--json", action="store_true", help=_("one JSON object per line"))

    q = actions.add_parser("skills", help=_("who solves a category best: count, median time, rating"))
    q.add_argument("category", metavar="CATEGORY", help=_("category name or code"))
    q.add_argument("--days", type=int, default=365, metavar="N", help=_("over the last N days (default 365)"))
    q.add_argument("--json", action="store_true", help=_("one JSON object per line"))


# --- printing ------------------------------------------------------------------------------------


def _row_line(row) -> str:
    from data.knowledge import STATUSES
    from data.vocab import label

    state = label(STATUSES, row.status) if row.is_draft else ""
    return "  ".join((f"#{row.id:<5}", pad(row.title, 32), pad(row.category, 22),
                      pad(_("{n} helpful").format(n=row.helpful), 10), state)).rstrip()


def _print_view(view) -> None:
    from data.knowledge import STATUSES, duration_text
    from data.vocab import WORK_ORDER_STATUSES, label

    print(f"#{view.id} {view.title}  [{label(STATUSES, view.status)}]  {view.category or '—'}")
    print(_("By {author} · updated {at} · {n} helpful · takes {time}").format(
        author=view.author, at=f"{view.updated_at:%Y-%m-%d %H:%M}", n=view.helpful,
        time=duration_text(view.minutes)))
    if view.tags:
        print(_("Tags: {tags}").format(tags="、".join(view.tags)))
    for title, text in ((_("Problem"), view.problem), (_("Symptoms"), view.symptoms),
                        (_("Cause"), view.cause), (_("Solution"), view.solution),
                        (_("Parts and tools"), view.parts)):
        if text:
            print(f"【{title}】")
            for line in text.splitlines():
                print(f"  {line}")
    if view.orders:
        print("【" + _("Work orders it solved") + "】")
        for order in view.orders:
            print(f"  {order.number}  {order.title} ({label(WORK_ORDER_STATUSES, order.status)})")
    print("【" + _("Comments") + f"】 {len(view.comments)}")
    for comment in view.comments:
        lead = "  " + "  " * comment.depth + ("└ " if comment.depth else "")
        helpful = f" (+{comment.helpful})" if comment.helpful else ""
        first, *rest = comment.text.splitlines() or [""]
        print(f"{lead}#{comment.id} {comment.author} {comment.created_at:%m-%d %H:%M}{helpful}: {first}")
        for line in rest:
            print(f"{' ' * len(lead)}  {line}")


# --- the command ---------------------------------------------------------------------------------


def _category(text: str | None, option: str = "--category") -> int | None:
    from data.lookup import find_category

    return find_category(text, option=option) if text else None


def cmd_kb(args: argparse.Namespace) -> int:
    from data import knowledge as kb

    open_db(args)
    command = args.kb_command
    needs = {"add": "kb.write", "link": "kb.write", "publish": "kb.write",
             "comment": "kb.comment", "helpful": "kb.comment"}.get(command, "kb.read")
    staff = sign_in(args, needs)
    if command == "add":
        base = kb.draft_from_order(_order_id(args.from_order), staff.id) if args.from_order else kb.ArticleInput(title="")
        given = {name: getattr(args, name) for name in ("title", "problem", "symptoms", "cause",
                                                        "solution", "parts", "minutes", "tags")
                 if getattr(args, name) is not None}
        from dataclasses import replace

        data = replace(base, **given, status=kb.PUBLISHED if args.publish else kb.DRAFT,
                       orders=tuple(dict.fromkeys([*base.orders, *args.order])),
                       category_id=_category(args.category) if args.category else base.category_id)
        view = _named(lambda: kb.create_article(data, staff.id))
        if args.json:
            emit(view.as_json())
        else:
            print(_("Article #{id} saved ({status}): {title}").format(
                id=view.id, status=_status(view.status), title=view.title))
        return 0
    if command == "search":
        query = kb.KbQuery(text=" ".join(args.query), category_id=_category(args.category),
                           status=kb.DRAFT if args.drafts else "", mine=args.mine)
        rows = kb.search(query, staff_id=staff.id, limit=max(1, args.limit))
        for row in rows:
            emit(row.as_json()) if args.json else print(_row_line(row))
        if not rows and not args.json:
            print(_("No articles found."))
        return 0
    if command == "suggest":
        rows = kb.suggest_for_order(_order_id(args.order), staff_id=staff.id)
        for row in rows:
            emit(row.as_json()) if args.json else print(_row_line(row))
        if not rows and not args.json:
            print(_("No article yet for this kind of work order."))
        return 0
    if command == "skills":
        category_id = _category(args.category, "category")
        assert category_id is not None
        skills = kb.skills_for_category(category_id, days=max(1, args.days), limit=50)
        for s in skills:
            if args.json:
                emit(s.as_json())
            else:
                rating = f"★{s.avg_rating:.2f} ({s.rated})" if s.avg_rating is not None else "—"
                print("  ".join((pad(f"{s.name}({s.login})", 18), pad(_("{count} done").format(count=s.solved), 8),
                                 pad(_("median {time}").format(time=kb.duration_text(s.median_minutes)), 14),
                                 rating)))
        if not skills and not args.json:
            print(_("Nobody resolved a work order of this category in that time."))
        return 0
    if command == "comment":
        comment = _named(lambda: kb.add_comment(args.id, args.text, staff.id, reply_to=args.reply_to),
                         {"reply_to": "--reply-to"})
        if args.json:
            emit(comment.as_json())
        else:
            print(_("Comment #{id} added to article #{article}.").format(id=comment.id, article=args.id))
        return 0
    if command == "helpful":
        result = kb.toggle_helpful(args.id, staff.id, comment_id=args.comment)
        if args.json:
            emit({"id": args.id, "comment": args.comment, "marked": result.marked, "helpful": result.count})
        else:
            print((_("Marked helpful ({n} in all).") if result.marked
                   else _("Mark taken back ({n} in all).")).format(n=result.count))
        return 0
    if command in ("publish", "link"):
        if command == "publish":
            view = (kb.withdraw if args.withdraw else kb.publish)(args.id, staff.id)
        else:
            view = _named(lambda: kb.link_order(args.id, args.order, staff.id), {"orders": "ORDER"})
        if args.json:
            emit(view.as_json())
        else:
            print(_("Article #{id} ({status}): {title}").format(id=view.id, status=_status(view.status),
                                                               title=view.title))
        return 0
    view = kb.get_article(args.id, staff.id)
    if args.json:
        emit(view.as_json())
    else:
        _print_view(view)
    return 0


def _status(code: str) -> str:
    from data.knowledge import STATUSES
    from data.vocab import label

    return label(STATUSES, code)


def _order_id(ref: str) -> int:
    from data.workorders import get_order

    return get_order(ref).id


#: The options of `kb add` as the data layer names its fields.
_OPTIONS = {"title": "--title", "problem": "--problem", "symptoms": "--symptoms", "cause": "--cause",
            "solution": "--solution", "parts": "--parts", "minutes": "--minutes", "tags": "--tags",
            "category": "--category", "orders": "--order", "status": "--publish", "text": "TEXT"}


def _named(act: Callable, options: dict[str, str] | None = None):
    """Run `act`; a field's error names the option the user typed."""
    from data.errors import ValidationError

    names = {**_OPTIONS, **(options or {})}
    try:
        return act()
    except ValidationError as exc:
        if exc.field in names:
            raise ValidationError(names[exc.field], exc.message) from None
        raise


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {"kb": cmd_kb}
