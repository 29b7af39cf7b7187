"""The demo knowledge base (issue 17 item 3): the articles of data.sample_knowledge_articles
— 漏水, 跳闸, 电梯困人, 门禁卡失效, 下水道堵塞, 燃气报警 … — written by the technicians (the
desk's and a supervisor's on complaints and enquiries) over the last months, most published,
a few still drafts; each linked to resolved work orders of its category (its author's
first), with threaded comments and helpful marks. Deterministic from the seed.

Called once from `data.sample._Builder.run`: raw SQL on the builder's connection; the
search keys are made by data.knowledge.text, the title's pinyin by data.pinyin, as the
application makes them."""

from __future__ import annotations

import random
from typing import Any

from data.knowledge.text import article_keys
from data.pinyin import text_pinyin
from data.sample_knowledge_articles import ARTICLES

#: Categories whose articles the desk writes (complaints, enquiries), not the technicians.
_DESK_PREFIXES = ("noise.", "sanitation.", "other.")
#: Comments on an article, and replies to them.
_COMMENTS = (
    "这个方法管用，上周在{b}号楼照着做，一次就好了。",
    "补充一点：先拍照留档，业主对费用有疑问时好解释。",
    "请问遇到老小区的镀锌管也是这样处理吗？",
    "工具清单很实用，建议维修车上常备。",
    "业主在场时按第一步先说明情况，沟通会顺利很多。",
    "夜间接到这类报修，先电话指导业主做第一步，能减少损失。",
    "我们遇到过同样的情况，最后发现是楼上的原因，排查顺序很重要。",
    "建议加一张现场照片，新来的同事更容易看懂。",
)
_REPLIES = (
    "是的，老小区也一样，只是管件换成镀锌的。",
    "谢谢补充，已经照做了。",
    "同意，拍照这一步很关键。",
    "下次遇到我按这个顺序试试。",
    "对，先关总阀再说。",
)


def knowledge(b: Any) -> None:
    """Articles, their keys, linked orders, comments and helpful marks into the sample
    being built (`b`: the `_Builder` of data.sample: `.conn`, `.t`, `.seed`, `.categories`,
    `.say`)."""
    conn = b.conn
    rnd = random.Random(f"{b.seed}/knowledge")
    people = [(sid, login, role) for sid, login, role in
              conn.execute("SELECT id, login, role FROM staff WHERE role <> 'service' ORDER BY id")]
    techs = [sid for sid, _l, role in people if role == "tech"]
    desks = [sid for sid, _l, role in people if role == "desk"]
    leads = [sid for sid, _l, role in people if role in ("supervisor", "manager")]
    if not techs or not desks:
        return
    everyone = [sid for sid, _l, _r in people]
    articles, keys, links, comments, marks, comment_marks = [], [], [], [], [], []
    comment_id = 0
    for i, (code, title, problem, symptoms, cause, solution, parts, minutes, tags) in enumerate(ARTICLES, start=1):
        category = b.categories[code][0] if code in b.categories else None
        if code.startswith(_DESK_PREFIXES):
            author = desks[i % len(desks)]
        elif i % 9 == 0 and leads:
            author = leads[i % len(leads)]
        else:
            author = techs[(i * 3) % len(techs)]
        age = 10 + rnd.randrange(160)
        created = b.t.at(-age, 9 + rnd.randrange(9), rnd.randrange(60))
        updated = min(created + rnd.randrange(6) * 86_400 + rnd.randrange(3600), b.t.at(-1, 18))
        draft = i % 11 == 0
        pinyin, initials = text_pinyin(title)
        symptoms = "" if symptoms == "—" else symptoms
        cause = "" if cause == "—" else cause
        parts = "" if parts == "—" else parts
        articles.append([i, title, problem, symptoms, cause, solution, parts, minutes, category, tags,
                         "draft" if draft else "published", author, b.t.fmt(created), b.t.fmt(updated),
                         None if draft else b.t.fmt(updated), pinyin[:400], initials[:120], 0, 1])
        for key, in_title in article_keys(title, problem, symptoms, cause, solution, parts,
                                          tags.replace("、", " ")).items():
            keys.append((key, i, int(in_title)))
        # The resolved orders of its category it solved: its author's own first.
        if category is not None:
            rows = conn.execute(
                "SELECT id FROM work_order WHERE category_id = ? AND resolved_at IS NOT NULL "
                "AND status IN ('resolved', 'visited', 'closed') AND resolved_at <= ? "
                "ORDER BY (assignee_id = ?) DESC, resolved_at DESC LIMIT 12",
                (category, b.t.fmt(created), author)).fetchall()
            for (order_id,) in rows[:1 + rnd.randrange(3)]:
                links.append((i, order_id, author, b.t.fmt(created)))
        if draft:
            continue
        readers = [sid for sid in everyone if sid != author]
        helpful = rnd.sample(readers, min(len(readers), rnd.randrange(9)))
        articles[-1][17] = len(helpful)
        for staff_id in helpful:
            marks.append((i, staff_id, b.t.fmt(updated + 3600 + rnd.randrange(5 * 86_400))))
        thread: list[tuple[int, int, str, int]] = []  # (id, depth, path, author)
        for n in range(rnd.randrange(5)):
            comment_id += 1
            at = updated + 1800 + n * 7200 + rnd.randrange(3600)
            writer = rnd.choice(readers)
            parent = rnd.choice(thread) if thread and rnd.random() < 0.45 else None
            if parent is not None:
                writer = author if rnd.random() < 0.5 else writer
                text = _REPLIES[rnd.randrange(len(_REPLIES))]
                depth, path = parent[1] + 1, f"{parent[2]}/{comment_id:08d}"
            else:
                text = _COMMENTS[rnd.randrange(len(_COMMENTS))].format(b=1 + rnd.randrange(12))
                depth, path = 0, f"{comment_id:08d}"
            liked = rnd.sample([s for s in everyone if s != writer], rnd.randrange(3))
            comments.append((comment_id, i, parent[0] if parent else None, writer, text, depth, path,
                             len(liked), b.t.fmt(at)))
            for staff_id in liked:
                comment_marks.append((comment_id, staff_id, b.t.fmt(at + 600)))
            thread.append((comment_id, depth, path, writer))
    conn.executemany(
        "INSERT INTO kb_article (id, title, problem, symptoms, cause, solution, parts, minutes, "
        "category_id, tags, status, author_id, created_at, updated_at, published_at, title_pinyin, "
        "title_initials, helpful_count, version) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        [tuple(a) for a in articles])
    conn.executemany("INSERT INTO kb_key (key, article_id, in_title) VALUES (?,?,?)", keys)
    conn.executemany("INSERT INTO kb_article_order (article_id, work_order_id, added_by_id, added_at) "
                     "VALUES (?,?,?,?)", links)
    conn.executemany(
        "INSERT INTO kb_comment (id, article_id, parent_id, author_id, text, depth, path, helpful_count, "
        "created_at) VALUES (?,?,?,?,?,?,?,?,?)", comments)
    conn.executemany("INSERT INTO kb_helpful (article_id, staff_id, created_at) VALUES (?,?,?)", marks)
    conn.executemany("INSERT INTO kb_comment_helpful (comment_id, staff_id, created_at) VALUES (?,?,?)",
                     comment_marks)
    b.say(f"knowledge base: {len(articles)} articles, {len(comments)} comments")
