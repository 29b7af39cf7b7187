"""The printable fee documents (issue 18 items 3, 4): a payment's A5 receipt and a room's A4
written reminder (催缴函), read back with pypdf — the receipt number, the items, the amount
in figures and in words, 已作废 on a voided payment, hostile stored text printed literally;
the reminder never mentions cutting supplies and is recorded, dated."""

from __future__ import annotations

import pytest
from pypdf import PdfReader

from data import fees
from data.errors import PermissionDenied, ValidationError
from data.exports import default_export_dir
from data.fees.documents import FORBIDDEN_WORDS, receipt_pdf, reminder_pdf, reminders_sent
from data.models import Payment, Person, Setting
from tests.helpers.fees import world

A5 = (419.53, 595.28)
A4 = (595.28, 841.89)


@pytest.fixture
def w(database, monkeypatch):
    monkeypatch.setenv("FRONTDESK_NOW", "2027-03-05 09:00")
    w = world()
    for period in ("2027-01", "2027-02", "2027-03"):
        fees.bill_period(period)
    return w


def read(path) -> tuple[str, tuple[float, float], int]:
    """(the text without white space, the first page's size in points, the page count)."""
    reader = PdfReader(str(path))
    text = "".join("".join(page.extract_text().split()) for page in reader.pages)
    box = reader.pages[0].mediabox
    return text, (round(float(box.width), 2), round(float(box.height), 2)), len(reader.pages)


def test_a_receipt_is_an_a5_pdf_with_the_items_and_the_amount_in_words(w):
    Setting.create(key="company_name", value="锦绣物业服务有限公司")
    room = w.rooms["3-1-101"]  # 185.00 + 10.00 a month: 585.00 due, 15.00 prepaid
    p = fees.take_payment(room, "600", "transfer", reference="TX2027030501", payer_name="张晓明",
                          staff_id=w.desk.id)
    path = receipt_pdf(p.number, w.desk.id)
    assert path.parent == default_export_dir() and path.suffix == ".pdf"
    assert path.name.startswith("receipt_SJ_2027_000001-")
    text, size, pages = read(path)
    assert size == A5 and pages == 1
    for expected in ("锦绣物业服务有限公司", "收款收据", "SJ-2027-000001", "2027-03-05", "锦绣花园3-1-101",
                     "张晓明", "物业服务费", "垃圾清运费", "2027.01.01–2027.01.31", "185.00", "10.00",
                     "预存", "15.00", "¥600.00", "陆佰元整", "银行转账", "TX2027030501", "李娜"):
        assert expected in text, expected
    assert "已作废" not in text
    assert receipt_pdf(p.id, w.desk.id) != path  # by id too; a new file each time


def test_a_voided_payment_s_receipt_says_so(w):
    room = w.rooms["3-1-101"]
    p = fees.take_payment(room, "195", "cash", staff_id=w.desk.id)
    void = fees.void_payment(None, p.number, "收错房号", w.lead.id)
    text, size, _pages = read(receipt_pdf(p.number, w.desk.id))
    assert "已作废" in text and void.number in text and "收错房号" in text
    assert "壹佰玖拾伍元整" in text and "物业服务费" in text
    text, _size, _pages = read(receipt_pdf(void.number, w.desk.id))
    assert "作废冲销凭证" in text and p.number in text and "负壹佰玖拾伍元整" in text


def test_hostile_stored_text_prints_literally(w):
    room = w.rooms["3-1-101"]
    Person.update(name="<font size=300>").where(Person.id == w.owners["3-1-101"]).execute()
    p = fees.take_payment(room, "10", "cash", payer_name="<b>&amp;</b>", staff_id=w.desk.id)
    # written past the form's checks: control and direction characters are dropped
    Payment.update(payer_name="<b>&amp;\x07\u202e</b>").where(Payment.number == p.number).execute()
    text, size, pages = read(receipt_pdf(p.number, w.desk.id))
    assert "<b>&amp;</b>" in text and size == A5 and pages == 1
    p2 = fees.take_payment(room, "10", "cash", staff_id=w.desk.id)  # no payer: the owner's name
    assert "<fontsize=300>" in read(receipt_pdf(p2.number, w.desk.id))[0]
    text, size, _pages = read(reminder_pdf(room, w.desk.id))
    assert "<fontsize=300>" in text and size == A4


def test_receipts_need_fees_view(w):
    p = fees.take_payment(w.rooms["3-1-101"], "10", "cash", staff_id=w.desk.id)
    with pytest.raises(PermissionDenied):
        receipt_pdf(p.number, w.guard.id)


def test_a_reminder_lists_the_unpaid_bills_and_is_recorded(w):
    Setting.create(key="company_name", value="锦绣物业服务有限公司")
    room = w.rooms["3-1-101"]
    fees.take_payment(room, "195", "cash", staff_id=w.desk.id)  # January paid
    path = reminder_pdf(room, w.desk.id)
    assert path.parent == default_export_dir() and path.name.startswith("reminder_3_1_101-")
    text, size, pages = read(path)
    assert size == A4 and pages == 1
    for expected in ("锦绣物业服务有限公司", "物业费催缴函", "尊敬的张晓明", "锦绣花园3-1-101",
                     "2027.02.01–2027.02.28", "2027.03.01–2027.03.31", "物业服务费", "垃圾清运费",
                     "390.00", "叁佰玖拾元整", "2027年03月05日"):
        assert expected in text, expected
    assert "2027.01.01" not in text
    assert not any(word in text for word in FORBIDDEN_WORDS)
    sent = reminders_sent(room, w.desk.id)
    assert len(sent) == 1 and sent[0].staff == "李娜"
    assert sent[0].text.startswith("2027-03-05 390.00 reminder_3_1_101-")


def test_a_reminder_needs_something_owed_and_fees_pay(w):
    room = w.rooms["3-1-101"]
    with pytest.raises(PermissionDenied):
        reminder_pdf(room, w.guard.id)
    fees.take_payment(room, "585", "cash", staff_id=w.desk.id)
    with pytest.raises(ValidationError) as caught:
        reminder_pdf(room, w.desk.id)
    assert "没有欠费" in caught.value.message
    assert reminders_sent(room, w.desk.id) == []


def test_the_developer_s_room_is_addressed_to_the_developer(w):
    text, _size, _pages = read(reminder_pdf(w.rooms["3-1-103"], w.lead.id))
    assert "尊敬的建设单位" in text


def test_escape_sequences_vanish_whole_from_pdfs(w):
    from data.fees.documents import plain

    assert plain("张\x1b]52;c;SGk=\x07三\x1b[2J\x1b[31m!\x1b[0m") == "张三!"
    assert plain("\x1bPq#0\x1b\\a\x9b2Jb\x1b") == "ab"
    room = w.rooms["3-1-101"]
    p = fees.take_payment(room, "10", "cash", payer_name="王五", staff_id=w.desk.id)
    Payment.update(payer_name="王\x1b]52;c;SGk=\x07五\x1b[2J").where(Payment.number == p.number).execute()
    text = read(receipt_pdf(p.number, w.desk.id))[0]
    assert "王五" in text and "52;c" not in text and "[2J" not in text
