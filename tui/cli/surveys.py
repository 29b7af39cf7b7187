"""The `frontdesk surveys …` command (issue 19 item 2): satisfaction surveys from the shell —
the questionnaires, a new survey on its sample, the list, a survey's households, a
household's answers, an online export imported, and the results with the index."""

from __future__ import annotations

import argparse
import dataclasses
from collections.abc import Callable

from data.i18n import _
from data.surveys.values import STATUS_WORDS, bar, index_text
from data.vocab import label
from tui.cli.common import emit, open_db, pad, sign_in


def add_parsers(sub: argparse._SubParsersAction) -> None:
    """Register `surveys` (templates, new, list, sample, answer, import, close, results)."""
    p = sub.add_parser("surveys", help=_("satisfaction surveys (满意度调查): run, answer, import, results"))
    actions = p.add_subparsers(dest="surveys_command", metavar="ACTION", required=True)

    q = actions.add_parser("templates", help=_("the questionnaires and their questions"))
    q.add_argument("--json", action="store_true", help=_("one JSON object per line"))

    q = actions.add_parser("new", help=_("a new survey of a community on a sample, with its call list"))
    q.add_argument("--community", required=True, metavar="NAME")
    q.add_argument("--sample", default="all", choices=("all", "building", "random", "served"))
    q.add_argument("--building", metavar="CODE", help=_("the building (--sample building)"))
    q.add_argument("--size", type=int, metavar="N", help=_("how many households (--sample random)"))
    q.add_argument("--seed", type=int, metavar="N", help=_("the seed of the draw (the same seed, the same sample)"))
    q.add_argument("--name", default="", metavar="TEXT")
    q.add_argument("--questionnaire", type=int, metavar="ID")
    q.add_argument("--json", action="store_true", help=_("one JSON object per line"))

    q = actions.add_parser("list", help=_("the surveys, newest first"))
    q.add_argument("--json", action="store_true", help=_("one JSON object per line"))

    q = actions.add_parser("sample", help=_("a survey's households and who answered"))
    q.add_argument("id", type=int, metavar="ID")
    q.add_argument("--json", action="store_true", help=_("one JSON object per line"))

    q = actions.add_parser("answer", help=_("a household's answers: N=ANSWER for question N (a–e, 1–5 or text)"))
    q.add_argument("id", type=int, metavar="ID")
    q.add_argument("--room", required=True, metavar="ROOM")
    q.add_argument("answers", nargs="+", metavar="N=ANSWER")
    q.add_argument("--json", action="store_true", help=_("one JSON object per line"))

    q = actions.add_parser("import", help=_("import an online survey's .xlsx export (问卷星 layout)"))
    q.add_argument("id", type=int, metavar="ID")
    q.add_argument("file", metavar="FILE")
    q.add_argument("--skip-bad", dest="skip_bad", action="store_true", help=_("store the good rows, list the bad"))
    q.add_argument("--json", action="store_true", help=_("one JSON object per line"))

    q = actions.add_parser("close", help=_("close a survey: no more answers, its call list closed"))
    q.add_argument("id", type=int, metavar="ID")
    q.add_argument("--json", action="store_true", help=_("one JSON object per line"))

    q = actions.add_parser("results", help=_("the index, per question and per building, the free-text answers"))
    q.add_argument("id", type=int, metavar="ID")
    q.add_argument("--order", nargs=2, metavar=("ANSWER", "KIND"),
                   help=_("make free-text answer ANSWER a complaint or suggestion work order"))
    q.add_argument("--json", action="store_true", help=_("one JSON object per line"))


def _print_results(res) -> None:
    from data.surveys import SECTIONS

    print(f"#{res.survey.id} {res.survey.name}  {res.survey.community}  "
          + _("{answered} of {total} answered").format(answered=res.answered, total=res.households))
    line = _("Satisfaction index {index}").format(index=index_text(res.index))
    if res.previous_name:
        line += "  " + _("last survey ({name}, {date}): {index}").format(
            name=res.previous_name, date=f"{res.previous_on:%Y-%m-%d}" if res.previous_on else "—",
            index=index_text(res.previous_index))
    print(line)
    for s in res.sections:
        print(f"  {pad(label(SECTIONS, s.code), 12)} {bar(s.index)} {index_text(s.index)}")
    print("【" + _("Buildings") + "】")
    for b in res.buildings:
        print(f"  {pad(b.code, 12)} {bar(b.index)} {index_text(b.index)}  ({b.answered})")
    for q in res.questions:
        print(f"{q.position}. {q.text}  ({q.answered})" + (f"  {index_text(q.index)}" if q.index is not None else ""))
        for (text, n), share in zip(q.counts, q.shares, strict=True):
            print(f"    {pad(text, 12)} {bar(share)} {n:>4}  {share:5.1f}%")
    if res.texts:
        print("【" + _("Free-text answers") + "】")
        for t in res.texts:
            print(f"  #{t.id} {t.room}: {t.text}" + (f"  → {t.work_order_number}" if t.work_order_number else ""))


def _answers(args: argparse.Namespace, questions) -> dict[int, str]:
    from data.errors import ValidationError

    by_position = {q.position: q.id for q in questions}
    out = {}
    for item in args.answers:
        n, sep, value = item.partition("=")
        if not sep or not n.strip().isdigit() or int(n) not in by_position:
            raise ValidationError("answers", _("Write each answer as N=ANSWER, N a question number 1–{n}: “{item}”.")
                                  .format(n=len(by_position), item=item))
        out[by_position[int(n)]] = value
    return out


def cmd_surveys(args: argparse.Namespace) -> int:
    from data import surveys
    from data.rooms_lookup import community_id_for

    open_db(args)
    command = args.surveys_command
    me = sign_in(args, "survey.view" if command in ("templates", "list", "sample", "results") and not getattr(
        args, "order", None) else "survey.manage")
    if command == "templates":
        for t in surveys.templates():
            if args.json:
                emit(dataclasses.asdict(t))
                continue
            print(f"#{t.id} {t.name}")
            for q in t.questions:
                print(f"  {q.position}. [{q.section}/{q.kind}] {q.text}" + (f"  ({'、'.join(q.choices)})" if q.choices else ""))
    elif command == "new":
        community = community_id_for(args.community) or 0
        building = surveys.building_id(community, args.building) if args.building else None
        sid = surveys.new_survey(community, me.id, sample=args.sample, name=args.name, building_id=building,
                                 size=args.size, seed=args.seed, questionnaire_id=args.questionnaire)
        row = surveys.survey(sid)
        if args.json:
            emit(dataclasses.asdict(row))
        else:
            print(_("Survey #{id} {name}: {n} households, call list #{list}.").format(
                id=sid, name=row.name, n=row.households, list=row.call_list_id or "—"))
    elif command == "list":
        for row in surveys.surveys(staff_id=me.id):
            if args.json:
                emit(dataclasses.asdict(row))
            else:
                print(f"#{row.id:<4} {pad(row.name, 24)} {pad(row.community, 12)} {row.answered}/{row.households}  "
                      f"{pad(label(STATUS_WORDS, row.status), 8)} {row.created_at:%Y-%m-%d}")
    elif command == "sample":
        for h in surveys.households(args.id, me.id):
            if args.json:
                emit(dataclasses.asdict(h))
            else:
                print(f"{pad(h.room, 12)} {h.answered_at or '—'} {h.channel}")
    elif command == "answer":
        from data.lookup import find_room

        row = surveys.survey(args.id)
        _community, room = find_room(args.room, row.community)
        questions = surveys.questionnaire_of(args.id).questions
        stored = surveys.record_answers(args.id, room, _answers(args, questions), me.id)
        emit({"stored": stored}) if args.json else print(_("{n} answers stored.").format(n=stored))
    elif command == "import":
        done = surveys.import_answers(args.id, args.file, me.id, skip_bad=args.skip_bad)
        if args.json:
            emit(dataclasses.asdict(done))
        else:
            print(_("{n} answer sheets imported.").format(n=done.stored))
            for line, reason in done.bad:
                print(_("row {row}: {reason}").format(row=line, reason=reason))
    elif command == "close":
        row = surveys.close_survey(args.id, me.id)
        if args.json:
            emit(dataclasses.asdict(row))
        else:
            print(_("Survey #{id} {name} closed: {answered} of {total} answered, index {index}.").format(
                id=row.id, name=row.name, answered=row.answered, total=row.households,
                index=index_text(surveys.satisfaction_index(row.id))))
    elif command == "results":
        if args.order:
            number = surveys.answer_to_order(int(args.order[0]), args.order[1], me.id)
            if args.json:  # JSON lines only: the order, then the results
                emit({"work_order": number})
            else:
                print(_("Work order {number} opened.").format(number=number))
        res = surveys.results(args.id, me.id)
        emit(dataclasses.asdict(res)) if args.json else _print_results(res)
    return 0


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {"surveys": cmd_surveys}
