"""Issue 18 point 2 through the real bot process: staff join by an invitation link and
leave by /staff, with no file edited and no restart."""

from __future__ import annotations

import asyncio
import re

from core.db.uow import Database
from core.organisation import load_organisation
from core.services import staff
from core.services.rules import Rules
from sandbox.script import play
from tests.e2e.conftest import REPLY_TIMEOUT, ROOT, Desk
from tests.e2e.test_authority import NOT_YOURS
from tests.e2e.test_staff_cards import ANN, ANN_FILES, DESK_CHAT, QUALITY_CHAT, WANG, ZHANG, ZHAO, is_card

ADMIN, CHEN, LIN, OTHER = 100, 401, 5001, 5002
LINK = re.compile(r"https://t\.me/complaint_desk_bot\?start=([A-Za-z0-9_-]+)")
USED = "This invitation has already been used. Please ask for a new one."
EXPIRED = "This invitation has expired. Please ask for a new one."
FORGED = "This invitation link is not valid. Please ask for a new one."
NOT_A_MANAGER = {"Only an administrator or a supervisor can do that.",
                 "只有管理员或主管可以这样做。"}


def _people(desk: Desk) -> None:
    desk.state.create_user("Lin", last_name="Yu", id=LIN, language_code="en")
    desk.state.create_user("Other", id=OTHER, language_code="en")
    desk.state.add_member(QUALITY_CHAT, LIN)


async def _invite(desk: Desk, user_id: int, command: str) -> str:
    """``user_id`` asks for an invitation; the token of the link the bot gives."""
    text = (await desk.say(user_id, command))[0]
    found = LINK.search(text)
    assert found, text
    return found.group(1)


async def _quality_card(desk: Desk) -> None:
    await play(desk.state, ANN_FILES)
    await desk.wait_for(DESK_CHAT, is_card)
    await desk.press_in(DESK_CHAT, WANG, "✅ 有效 → 品管部")
    await desk.wait_for(QUALITY_CHAT, is_card)


async def test_an_invitation_opened_once_makes_staff_and_twice_is_refused(desk: Desk) -> None:
    _people(desk)
    desk.start_bot()
    await desk.wait_until_started()
    token = await _invite(desk, ADMIN, "/invite department quality specialist")
    assert len(token) >= 32

    welcome = (await desk.say(LIN, f"/start {token}"))[0]
    assert welcome.startswith("Welcome to Sunrise Dairy, Lin Yu: you are now staff")
    assert "department staff · 品管部 · complaint specialist" in welcome
    await desk.wait_for(QUALITY_CHAT, lambda m: m.get("text", "").startswith("👋 Lin Yu 已加入"))

    # Lin now works the quality department's cards like anyone the file lists.
    await _quality_card(desk)
    answer = await desk.press_in(QUALITY_CHAT, LIN, "🙋 接手")
    assert answer.get("text", "") not in NOT_YOURS
    await desk.wait_for(QUALITY_CHAT, lambda m: is_card(m) and "负责人：Lin Yu" in m["text"])

    # The same link again, by someone else: refused, and they are no staff.
    assert await desk.say(OTHER, f"/start {token}") == [USED]
    forged = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
    assert await desk.say(OTHER, f"/start {forged}") == [FORGED]
    desk.state.add_member(QUALITY_CHAT, OTHER)
    card = await desk.wait_for(QUALITY_CHAT, is_card)
    button = next(b["callback_data"] for row in card["reply_markup"]["inline_keyboard"]
                  for b in row if "callback_data" in b)
    press = desk.state.press_button(OTHER, card["message_id"], data=button,
                                    chat_id=QUALITY_CHAT)
    assert (await desk.answer_to(press["callback_query"]["id"])).get("text") in NOT_YOURS
    log = desk.log.read_text(encoding="utf-8", errors="replace")
    assert f"user {OTHER} opened an invitation that was refused: invitation_used" in log
    assert token not in log  # the token is never logged


async def test_invitations_by_buttons_and_only_for_administrators_and_supervisors(
    desk: Desk
) -> None:
    _people(desk)
    desk.start_bot()
    await desk.wait_until_started()
    for user_id in (ANN, ZHANG):  # a customer, and a department member
        assert set(await desk.say(user_id, "/invite department quality specialist")) \
            <= NOT_A_MANAGER
    assert not any(LINK.search(m.get("text", "")) for user_id in (ANN, ZHANG)
                   for m in desk.state.bot_messages(user_id))

    # A supervisor may invite too; an administrator with buttons.
    await _invite(desk, CHEN, "/invite specialist specialist")
    assert await desk.say(ADMIN, "/invite") == ["Whom do you want to invite?"]
    for label in ("department staff", "品管部", "department manager"):
        message = await desk.wait_for(ADMIN, lambda m, label=label: any(
            b.get("text") == label for row in (m.get("reply_markup") or {}).get(
                "inline_keyboard", []) for b in row))
        press = desk.state.press_button(ADMIN, message["message_id"], text=label)
        await desk.answer_to(press["callback_query"]["id"])
    made = await desk.wait_for(ADMIN, lambda m: LINK.search(m.get("text", "")) is not None)
    assert "department staff · 品管部 · department manager" in made["text"]
    found = LINK.search(made["text"])
    assert found is not None
    assert (await desk.say(LIN, f"/start {found.group(1)}"))[0].startswith("Welcome")


async def test_an_expired_invitation_is_refused(desk: Desk) -> None:
    _people(desk)
    desk.start_bot()
    await desk.wait_until_started()
    token = await _invite(desk, ADMIN, "/invite department quality specialist")
    await desk.stop_bot()
    desk.clock.advance(hours=25)  # a day and an hour later (the default: a day)
    started = len(desk.state.requests("deleteWebhook"))
    desk.start_bot()
    loop = asyncio.get_running_loop()
    deadline = loop.time() + REPLY_TIMEOUT
    while len(desk.state.requests("deleteWebhook")) == started:
        assert loop.time() < deadline, "the bot did not start again"
        await asyncio.sleep(0.05)
    assert await desk.say(LIN, f"/start {token}") == [EXPIRED]
    assert not [m for m in desk.state.bot_messages(QUALITY_CHAT) if "Lin Yu" in m.get("text", "")]


async def test_removing_someone_with_staff_refuses_their_next_press(desk: Desk) -> None:
    desk.start_bot()
    await desk.wait_until_started()
    await _quality_card(desk)
    listing = (await desk.say(ADMIN, "/staff"))[0]
    assert "• Zhang Wei — department staff · 品管部 · complaint specialist" in listing
    message = desk.state.bot_messages(ADMIN)[-1]
    # A new rung for Zhao Min, by buttons: the list shows it.
    for label, toast in (("🪜 Zhao Min", None),
                         ("vice president", "Done: Zhao Min is now at that rung.")):
        # The rungs come as an edit of the list, which may follow the press's answer.
        await desk.wait_for(ADMIN, lambda m, label=label: m["message_id"] == message[
            "message_id"] and any(b.get("text") == label for row in (
                m.get("reply_markup") or {}).get("inline_keyboard", []) for b in row))
        press = desk.state.press_button(ADMIN, message["message_id"], text=label)
        assert (await desk.answer_to(press["callback_query"]["id"])).get("text") == toast
    await desk.wait_for(ADMIN, lambda m: "Zhao Min — department staff · 品管部 · vice "
                        "president" in m.get("text", ""))
    press = desk.state.press_button(ADMIN, message["message_id"], text="🗑 Zhang Wei")
    assert (await desk.answer_to(press["callback_query"]["id"]))["text"] == \
        "Zhang Wei is no longer staff."
    await desk.wait_for(ADMIN, lambda m: m["message_id"] == message["message_id"]
                        and "Zhang Wei" not in m.get("text", ""))

    refusal = await desk.press_in(QUALITY_CHAT, ZHANG, "🙋 接手")
    assert refusal.get("text") in NOT_YOURS
    card = await desk.wait_for(QUALITY_CHAT, is_card)
    assert "负责人：—" in card["text"]  # nobody took it
    await desk.press_in(QUALITY_CHAT, ZHAO, "🙋 接手")  # the others work on as before
    await desk.wait_for(QUALITY_CHAT, lambda m: is_card(m) and "负责人：Zhao Min" in m["text"])


async def test_a_removal_made_by_another_instance_counts_at_the_next_press(desk: Desk) -> None:
    """Another instance of a fleet removes Zhao Min (here: the test, through the same
    service, on the shared database); this running bot refuses her very next press."""
    desk.start_bot()
    await desk.wait_until_started()
    await _quality_card(desk)
    organisation = load_organisation(ROOT / "sandbox" / "demo_organisation.toml")
    db = Database(desk.database_url)
    try:
        await staff.remove(db, organisation, Rules.build(organisation.policy, desk.clock),
                           ZHAO, ADMIN, None)
    finally:
        await db.dispose()
    refusal = await desk.press_in(QUALITY_CHAT, ZHAO, "🙋 接手")
    assert refusal.get("text") in NOT_YOURS
