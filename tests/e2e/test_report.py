"""/report end to end: the real bot process against the emulator; the workbook it uploads
holds the numbers of a small month counted by hand."""

from __future__ import annotations

import io
from datetime import datetime

from openpyxl import load_workbook

from core.clock import ManualClock
from core.db.migrate import upgrade
from core.db.uow import Database
from core.domain import Actor, Role
from core.organisation import load_organisation
from core.services import filing, handling, people
from core.services.rules import Rules
from tests.conftest import SHANGHAI
from tests.e2e.conftest import ROOT, Desk
from tests.factories import make_intake

CHEN = 401  # the demo organisation's supervisor
WANG = 201  # its specialist: not a supervisor


async def small_month(desk: Desk) -> None:
    """Three November complaints: one assigned (valid), one invalid, one still at the desk;
    two about product quality, one about transport; two from the same customer."""
    await upgrade(desk.database_url)
    organisation = load_organisation(ROOT / "sandbox" / "demo_organisation.toml")
    rules = Rules.build(organisation.policy,
                        ManualClock(datetime(2026, 11, 2, 10, 0, tzinfo=SHANGHAI)))
    db = Database(desk.database_url)
    try:
        first = await people.customer_for_telegram(db.uow(), rules, 90001, "Li Lei")
        second = await people.customer_for_telegram(db.uow(), rules, 90002, "Han Meimei")
        specialist = Actor(None, Role.SPECIALIST, level="specialist")
        ids = []
        for who, category in ((first, "product_quality"), (first, "transport_packaging"),
                              (second, "product_quality")):
            filed = await filing.file_case(db.uow(), rules, make_intake(category=category),
                                           who, Actor(who, Role.CUSTOMER))
            ids.append(filed.case_id)
        await handling.assign(db.uow(), rules, ids[0], specialist)
        await handling.decide_invalid(db.uow(), rules, ids[1], specialist, "Not ours.")
    finally:
        await db.dispose()


async def test_report_sends_charts_and_a_workbook_with_the_months_numbers(desk: Desk) -> None:
    await small_month(desk)
    desk.start_bot()
    await desk.wait_until_started()

    refused = await desk.say(WANG, "/report 2026-11")
    assert "主管" in refused[0]  # the refusal, in the specialist's Chinese

    after = desk.last_id(CHEN)
    desk.state.send_text(CHEN, "/report 2026-11")
    document = await desk.wait_for(CHEN, lambda m: "document" in m
                                   and m["message_id"] > after)
    messages = [m for m in desk.state.bot_messages(CHEN) if m["message_id"] > after]
    # category, department, on-time trend; no satisfaction chart without survey answers
    assert sum("photo" in m for m in messages) == 3
    summary = next(m["text"] for m in messages if "2026-11" in m.get("text", "")
                   and "投诉：" in m.get("text", ""))
    assert "投诉：3 件（有效 1，无效 1，尚未判定 1）" in summary
    assert document["document"]["file_name"] == "complaints-2026-11.xlsx"
    # While it worked, the supervisor saw "sending a file…" rather than silence.
    assert any(call["params"].get("action") == "upload_document"
               for call in desk.state.requests("sendChatAction"))
    data = desk.state.files[document["document"]["file_id"]].data
    book = load_workbook(io.BytesIO(data))
    by_category = {row[0]: row[1] for row in book[book.sheetnames[1]].iter_rows(
        min_row=2, values_only=True)}
    assert sorted(by_category.values()) == [1, 2]
    assert book[book.sheetnames[-1]].max_row == 4  # header + three cases
    repeats = list(book[book.sheetnames[8]].iter_rows(min_row=2, values_only=True))
    # Li Lei twice; the same product (make_intake's milk) in all three
    assert [(row[2], row[1].split()[0]) for row in repeats] == [(2, "Li"), (3, "Fresh")]
