"""Staff see the customer's photos themselves, not a count (issue 17 point 1): the card's
"📎" button sends them under the card in the desk's and the department's group, and a
photo the customer adds later arrives under the card as the photo itself."""

from __future__ import annotations

from typing import Any

from sandbox.script import play
from tests.e2e.conftest import REPLY_TIMEOUT, Desk
from tests.e2e.test_customer_intake import step
from tests.e2e.test_staff_cards import ANN_FILES, DESK_CHAT, QUALITY_CHAT, WANG, ZHANG, is_card

FILES_BUTTON = "📎 附件（1）"


def photo(caption: str) -> Any:
    return lambda m: bool(m.get("photo")) and m.get("caption", "").endswith(caption)


async def test_staff_see_the_photo_in_one_tap_in_the_desk_and_the_department(desk: Desk) -> None:
    desk.start_bot()
    await desk.wait_until_started()
    await play(desk.state, [ANN_FILES[0], step("ann", photo="The mouldy lid"), *ANN_FILES[1:]])
    card = await desk.wait_for(DESK_CHAT, is_card)
    # The photo filed with the complaint comes under the card by itself...
    noted = await desk.wait_for(DESK_CHAT, photo("The mouldy lid"))
    assert "补充了附件" in noted["caption"]

    # ...and the button sends it again, whenever someone needs it.

    # The press is answered at once; the photo follows once the press's update commits.
    await desk.press_in(DESK_CHAT, WANG, FILES_BUTTON)
    sent = await desk.wait_for(DESK_CHAT, lambda m: bool(m.get("photo"))
                               and m.get("caption") == "The mouldy lid")
    assert (sent.get("reply_to_message") or {}).get("message_id") == card["message_id"]

    await desk.press_in(DESK_CHAT, WANG, "✅ 有效 → 品管部")
    await desk.wait_for(QUALITY_CHAT, is_card)
    await desk.press_in(QUALITY_CHAT, ZHANG, FILES_BUTTON)
    await desk.wait_for(QUALITY_CHAT, photo("The mouldy lid"))

    # A second photo later: the department sees it under its card, with who sent it.
    number = card["text"].split("📋 ")[1].split(" ")[0]
    await play(desk.state, [step("ann", say="/status"), step("ann", press=number),
                            step("ann", press="➕ Add information"),
                            step("ann", photo="The date on the bottom")])
    added = await desk.wait_for(QUALITY_CHAT, photo("The date on the bottom"))
    assert "补充了附件" in added["caption"]
    # Two files now: both come with one press, as an album.
    await desk.press_in(QUALITY_CHAT, ZHANG, "📎 附件（2）")
    def album() -> list[dict[str, Any]]:
        return [m for m in desk.state.bot_messages(QUALITY_CHAT) if m.get("media_group_id")]
    await desk.state.wait_until(lambda: len(album()) >= 2, timeout=REPLY_TIMEOUT)
    assert len(album()) == 2
