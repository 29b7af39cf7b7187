"""The last of issue 15 (Pilot): a toast never starts a line with Chinese closing punctuation,
and the owner search counts what it lists."""

from __future__ import annotations

import datetime as dt

import pytest
from rich.cells import cell_len
from textual.content import Content
from textual.geometry import Region

from data import i18n, people
from data.db import close_database, open_database
from data.models import Room
from data.people import PersonInput
from data.staff import sign_in
from tests import factories as f
from tests.screen_text import screen_text, settle, wait_for
from tui.app import FrontDeskApp
from widgets.line_break import NO_LINE_END, NO_LINE_START

NOW = dt.datetime(2026, 11, 27, 10, 0)


@pytest.fixture
def desk(sqlite_url, monkeypatch):
    monkeypatch.setenv("FRONTDESK_NOW", NOW.isoformat(sep=" "))
    open_database(sqlite_url)
    yield f.staff("desk1", "李娜")
    close_database()


@pytest.fixture
def town(sqlite_url, monkeypatch):
    monkeypatch.setenv("FRONTDESK_NOW", NOW.isoformat(sep=" "))
    open_database(sqlite_url)
    comm = f.community("锦绣花园")
    desk = f.staff("desk1", "李娜")
    tech = f.staff("tech1", "赵师傅", "tech")
    f.staff("super1", "陈静", "supervisor")
    room = people.ensure_room(comm.id, "3-2-501")
    owner = people.create_person(PersonInput(name="张晓明", phones=["13800138000"]))
    people.move_in(owner, room, "owner", dt.date(2019, 5, 1))
    order = f.work_order(desk, comm, room_=Room.get_by_id(room), title="卫生间地漏返味",
                         status="assigned", assignee=tech)
    yield {"owner": owner, "order": order, "room": room, "comm": comm}
    close_database()


def cells(line: str, start: int, width: int) -> str:
    """The characters of a screen line in cells [start, start + width)."""
    out, at = [], 0
    for char in line:
        if start <= at < start + width:
            out.append(char)
        at += cell_len(char)
    return "".join(out)


# --- toasts break lines the Chinese way -------------------------------------------------------

#: At 80×24 a toast's text is 36 cells wide: folded there by cells, the 。 starts line 3.
TRAP = ("锦绣花园三号楼二单元五零一室的业主来电，反映卫生间地漏返味已经持续三天了。"
        "楼下住户也说天花板渗水发霉，请尽快派师傅上门查看！")


async def test_a_long_chinese_toast_never_starts_a_line_with_closing_punctuation(desk):
    from textual.widgets._toast import Toast

    app = FrontDeskApp(sign_in("desk1"), "demo.db")
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await settle(app, pilot)
        app.notify(TRAP, title="提醒", markup=False, timeout=60)
        await wait_for(pilot, lambda: bool(app.screen.query(Toast)))
        toast = app.screen.query(Toast).first()
        region = toast.content_region
        # The message is a real trap at this width: cut by cells, a line would start with 。
        naive = [line.plain for line in Content(TRAP).wrap(region.width)]
        assert any(line[0] in NO_LINE_START for line in naive[1:])
        # The toast's rows as it paints them (border, padding, title, then the message) …
        painted = [strip.text for strip in toast.render_lines(Region(0, 0, *toast.region.size))]
        lines = [cells(row, region.x - toast.region.x, region.width).rstrip() for row in painted]
        assert lines[0] == "" and lines[1] == "提醒"
        body = [line for line in lines[2:] if line]
        shown = screen_text(app)  # … and on the screen
        assert all(line in shown for line in body)
        assert "".join(body) == TRAP  # all of it, in order, nothing cut
        assert len(body) >= 3
        for line in body:
            assert line[0] not in NO_LINE_START, line
            assert line[-1] not in NO_LINE_END, line
            assert cell_len(line) <= region.width


def test_line_breaks_keep_words_whole_and_brackets_with_what_they_enclose():
    from widgets.line_break import break_offsets

    def pieces(text: str, width: int) -> list[str]:
        cuts = [0, *break_offsets(text, width), len(text)]
        return [text[a:b].rstrip() for a, b in zip(cuts, cuts[1:], strict=False)]

    assert pieces("Work order BX-20261127-0001 is overdue, follow it up.", 20) == [
        "Work order", "BX-20261127-0001 is", "overdue, follow it", "up."]
    assert pieces("回电 张晓明（138****8000），期限 09-02 17:00", 18) == [
        "回电 张晓明", "（138****8000），", "期限 09-02 17:00"]
    assert pieces("请尽快处理——业主说“非常着急”……谢谢", 10) == [
        "请尽快处", "理——业主说", "“非常着", "急”……谢谢"]


# --- footers: whole labels that fit, F1 always -----------------------------------------------


def footer_line(app) -> str:
    return screen_text(app).splitlines()[-1].rstrip()


def shown_keys(app) -> list[str]:
    return [f"{key.key_display} {key.description}" for key in app.screen.query("FooterKey")]


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("size", [(60, 20), (80, 24)])
async def test_every_footer_shows_whole_labels_only_and_keeps_f1(town, size, lang):
    from screens.owner_card import OwnerCardScreen
    from screens.workorder import WorkOrderScreen

    i18n.set_language(lang)
    help_key = "f1 " + ("帮助" if lang == "zh" else "Help")
    app = FrontDeskApp(sign_in("super1"), "demo.db")  # the most keys (改派, 作废 on an order)
    seen: dict[str, str] = {}
    async with app.run_test(size=size) as pilot:
        async def check(name: str) -> None:
            await settle(app, pilot)
            await wait_for(pilot, lambda: footer_line(app).endswith(help_key))
            line, keys = footer_line(app), shown_keys(app)
            # The line is exactly the shown labels, each whole, F1 last: nothing runs past the edge.
            assert line == "".join(keys), (name, line, keys)
            assert cell_len(line) + len(keys) - 1 <= size[0], (name, line)
            assert len(keys) >= 2, (name, keys)  # the screen's own keys, not F1 alone
            seen[name] = line

        await check("home")
        for key, name in [("f2", "owners"), ("f3", "queue"), ("f5", "calls"), ("f4", "calendar"),
                          ("f6", "inbox")]:
            await pilot.press(key)
            await check(name)
        await pilot.press("f3", "6")
        await settle(app, pilot)
        await pilot.press("space")  # a marked row: the bulk keys join the footer
        await check("queue, one marked")
        assert seen["queue, one marked"] != seen["queue"]
        app.push_screen(OwnerCardScreen(town["owner"]))
        await check("owner card")
        app.push_screen(WorkOrderScreen(town["order"].id))
        await check("work order")
    assert len(seen) == 9


# --- the owner search counts what it lists ---------------------------------------------------


async def test_the_owner_search_count_matches_the_people_and_rooms_listed(town):
    from textual.widgets import DataTable

    yangguang = f.community("阳光水岸")
    other = people.ensure_room(yangguang.id, "3-2-501")  # the same room code elsewhere
    tenant = people.create_person(PersonInput(name="李强", phones=["13900001111"]))
    people.move_in(tenant, other, "tenant", dt.date(2024, 3, 1))
    people.ensure_room(town["comm"].id, "9-1-101")  # nobody lives there yet
    app = FrontDeskApp(sign_in("desk1"), "demo.db")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("f2", *"3-2-501")
        await wait_for(pilot, lambda: "找到" in screen_text(app))
        screen = app.screen
        kinds = [kind for kind, _id in screen.rows]
        assert kinds == ["room", "room", "person", "person"]  # two room cards, then two people
        assert screen.query_one(DataTable).row_count == 4
        assert "找到 2 人、2 户" in screen_text(app)
        await pilot.press("ctrl+u", *"张晓明")
        await wait_for(pilot, lambda: "找到 1 人" in screen_text(app))
        assert [kind for kind, _id in screen.rows] == ["person"] and "户" not in screen_text(app)
        await pilot.press("ctrl+u", *"9-1-101")
        await wait_for(pilot, lambda: "找到 1 户" in screen_text(app))
        status = next(line for line in screen_text(app).splitlines() if "找到" in line)
        assert [kind for kind, _id in screen.rows] == ["room"] and status.strip() == "找到 1 户"
    i18n.set_language("en")
    app = FrontDeskApp(sign_in("desk1"), "demo.db")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("f2", *"3-2-501")
        await wait_for(pilot, lambda: "found" in screen_text(app))
        assert "2 people and 2 rooms found" in screen_text(app)
