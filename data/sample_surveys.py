"""The demo satisfaction surveys (issue 19 item 2): in the first community, last quarter's
survey (closed, about 60 households, index about 82) and this quarter's in progress (about
20 answered, the rest on a survey call list), with some free-text answers. Deterministic
from the seed; raw SQL on the builder's connection, as data.sample_knowledge."""

from __future__ import annotations

import random
from typing import Any

from data.surveys.values import SCALE, SCALE_SCORES, STANDARD_NAME, STANDARD_QUESTIONS

#: The share of each level of the scale (非常满意 … 非常不满意): a mean of about 82.
_WEIGHTS = (40, 40, 14, 4, 2)
_TEXTS = ("电梯经常停运，希望尽快维修", "地下车库照明不足", "保洁阿姨很负责，表扬一下", "小区绿化可以再多些花草",
          "快递柜不够用", "晚上广场舞声音太大", "门岗对外来车辆管理太松", "希望增加儿童游乐设施")


def surveys(b: Any) -> None:
    """The standard questionnaire and two surveys into the sample being built (`b`: the
    `_Builder` of data.sample: `.conn`, `.t`, `.seed`)."""
    conn = b.conn
    rnd = random.Random(f"{b.seed}/surveys")
    row = conn.execute("SELECT id FROM community ORDER BY id LIMIT 1").fetchone()
    desk = conn.execute("SELECT id FROM staff WHERE role = 'desk' ORDER BY id LIMIT 1").fetchone()
    if row is None or desk is None:
        return
    community, desk_id = row[0], desk[0]
    cur = conn.execute("INSERT INTO questionnaire (name, note, is_template, created_at) VALUES (?, ?, 1, ?)",
                       (STANDARD_NAME, "物业服务满意度（标准模板）", b.t.fmt(b.t.at(-200, 9))))
    qid = cur.lastrowid
    questions = []
    for i, (section, kind, text, choices) in enumerate(STANDARD_QUESTIONS, start=1):
        cur = conn.execute("INSERT INTO survey_question (questionnaire_id, position, section, kind, text, choices) "
                           "VALUES (?, ?, ?, ?, ?, ?)", (qid, i, section, kind, text, "\n".join(choices)))
        questions.append((cur.lastrowid, kind))
    households = conn.execute(
        "SELECT o.room_id, MIN(o.person_id) FROM occupancy o JOIN room r ON r.id = o.room_id "
        "WHERE r.community_id = ? AND o.end_date IS NULL GROUP BY o.room_id ORDER BY o.room_id",
        (community,)).fetchall()
    if len(households) < 10:
        return
    for name, days, size, answered, closed in (("上季度物业满意度调查", -100, 70, 60, True),
                                               ("本季度物业满意度调查", -12, 50, 20, False)):
        seed = rnd.randrange(1, 1_000_000)
        picked = sorted(random.Random(seed).sample(households, min(size, len(households))))
        created = b.t.at(days, 9)
        list_id = None
        if not closed:
            list_id = conn.execute("INSERT INTO call_list (name, kind, assignee_id, created_by_id, created_at) "
                                   "VALUES (?, 'survey', ?, ?, ?)",
                                   (name, desk_id, desk_id, b.t.fmt(created))).lastrowid
        sid = conn.execute(
            "INSERT INTO survey (name, questionnaire_id, community_id, sample, sample_size, seed, status, "
            "call_list_id, created_by_id, created_at, closed_at) VALUES (?, ?, ?, 'random', ?, ?, ?, ?, ?, ?, ?)",
            (name, qid, community, size, seed, "closed" if closed else "open", list_id, desk_id,
             b.t.fmt(created), b.t.fmt(b.t.at(days + 30, 17)) if closed else None)).lastrowid
        for n, (room, person) in enumerate(picked):
            done = n < answered
            at = b.t.fmt(b.t.at(days + 1 + n % 10, 10 + n % 7, n % 60)) if done else None
            hid = conn.execute("INSERT INTO survey_household (survey_id, room_id, person_id, answered_at, channel) "
                               "VALUES (?, ?, ?, ?, ?)",
                               (sid, room, person, at, ("phone" if n % 3 else "import") if done else "")).lastrowid
            if list_id is not None:
                phone = conn.execute("SELECT number FROM phone WHERE person_id = ? ORDER BY id LIMIT 1",
                                     (person,)).fetchone()
                if phone is not None:
                    conn.execute(
                        "INSERT INTO call_list_item (call_list_id, person_id, number, room_id, status, attempts, "
                        "last_outcome, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                        (list_id, person, phone[0], room, "done" if done else "pending", int(done),
                         "connected" if done else "", b.t.fmt(created)))
            if done:
                _answers(conn, rnd, hid, questions)


def _answers(conn: Any, rnd: random.Random, household: int, questions: list[tuple[int, str]]) -> None:
    for qid, kind in questions:
        level = rnd.choices(range(5), weights=_WEIGHTS)[0]  # 0 = 非常满意
        if kind == "single":
            value, score = str(level + 1), SCALE_SCORES[SCALE[level]]
        elif kind == "rating":
            value, score = str(5 - level), (5 - level) * 20
        elif kind == "multi":
            value, score = ",".join(str(n) for n in sorted(rnd.sample(range(1, 6), 1 + rnd.randrange(2)))), None
        elif rnd.random() < 0.25:
            value, score = rnd.choice(_TEXTS), None
        else:
            continue
        conn.execute("INSERT INTO survey_answer (household_id, question_id, value, score) VALUES (?, ?, ?, ?)",
                     (household, qid, value, score))
