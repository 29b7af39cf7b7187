"""`frontdesk fees receipt NUMBER` and `frontdesk fees reminder ROOM`: the path of the PDF
written into the export folder; receipts for whoever sees fees, reminders for whoever takes
payments; the technician gets neither, and an unknown receipt or room is named."""

from __future__ import annotations

from pathlib import Path

import pytest
from pypdf import PdfReader

from data.db import close_database, open_database
from data.exports import default_export_dir
from data.fees.documents import reminders_sent
from tests.helpers.cli import json_lines, run
from tests.helpers.fees import world


@pytest.fixture
def db(db_url, monkeypatch):
    monkeypatch.setenv("FRONTDESK_NOW", "2027-02-05 09:00")
    open_database(db_url)
    w = world()
    close_database()
    return db_url, w


def ok(db, capsys, *argv: str, user: str = "desk1") -> list[dict]:
    assert run(db, *argv, "--json", user=user) == 0, capsys.readouterr().err
    return json_lines(capsys)


def refused(db, capsys, *argv: str, user: str = "desk1") -> str:
    assert run(db, *argv, user=user) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    return captured.err


def text_of(path: str) -> str:
    return "".join("".join(p.extract_text().split()) for p in PdfReader(path).pages)


def test_receipt_and_reminder_from_the_command_line(db, capsys):
    url, w = db
    ok(url, capsys, "fees", "bill", "--period", "2027-01", user="super1")
    ok(url, capsys, "fees", "bill", "--period", "2027-02", user="super1")
    ok(url, capsys, "fees", "pay", "--room", "3-1-101", "--amount", "195", "--method", "微信")
    assert run(url, "fees", "receipt", "SJ-2027-000001", user="desk1") == 0
    path = Path(capsys.readouterr().out.strip())
    assert path.parent == default_export_dir() and path.suffix == ".pdf"
    text = text_of(str(path))
    assert "SJ-2027-000001" in text and "壹佰玖拾伍元整" in text and "微信" in text
    [shown] = ok(url, capsys, "fees", "receipt", "sj-2027-000001", "--community", "锦绣花园")
    assert Path(shown["path"]).is_file()
    assert "SJ-2027-000009" in refused(url, capsys, "fees", "receipt", "SJ-2027-000009")

    [made] = ok(url, capsys, "fees", "reminder", "3-1-101")
    text = text_of(made["path"])
    assert "物业费催缴函" in text and "壹佰玖拾伍元整" in text and "2027.02.01–2027.02.28" in text
    open_database(url)
    assert len(reminders_sent(w.rooms["3-1-101"], w.desk.id)) == 1
    close_database()
    assert "9-9-999" in refused(url, capsys, "fees", "reminder", "9-9-999")


def test_the_technician_prints_neither(db, capsys):
    url, _w = db
    ok(url, capsys, "fees", "bill", "--period", "2027-01", user="super1")
    ok(url, capsys, "fees", "pay", "--room", "3-1-101", "--amount", "195", "--method", "现金")
    refused(url, capsys, "fees", "receipt", "SJ-2027-000001", user="tech1")
    refused(url, capsys, "fees", "reminder", "3-1-102", user="tech1")
    assert not default_export_dir().exists() or len(list(default_export_dir().iterdir())) == 0
