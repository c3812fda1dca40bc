"""The emulator rejects what Telegram rejects: bad HTML/MarkdownV2, oversize texts and captions,
callback_data over 64 bytes, unknown/missing/mistyped parameters."""

from __future__ import annotations

import pytest
from aiogram.exceptions import TelegramBadRequest
from aiogram.types import BufferedInputFile, InlineKeyboardButton, InlineKeyboardMarkup

from sandbox.emulator import start_emulator, tiny_png
from sandbox.emulator.html import HtmlError, parse_html
from sandbox.emulator.markdown import MarkdownError, parse_markdown_v2

from .conftest import TOKEN, close_quickly


def keyboard(data: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(inline_keyboard=[[InlineKeyboardButton(text="Go", callback_data=data)]])


async def test_callback_data_of_64_bytes_passes_and_65_bytes_is_button_data_invalid(bot, user):
    await bot.send_message(user["id"], "ascii", reply_markup=keyboard("x" * 64))
    with pytest.raises(TelegramBadRequest, match="BUTTON_DATA_INVALID"):
        await bot.send_message(user["id"], "ascii", reply_markup=keyboard("x" * 65))


async def test_callback_data_limit_counts_utf8_bytes_not_characters(bot, user):
    await bot.send_message(user["id"], "cjk", reply_markup=keyboard("案" * 21 + "x"))  # 63 + 1 bytes
    with pytest.raises(TelegramBadRequest, match="BUTTON_DATA_INVALID"):
        await bot.send_message(user["id"], "cjk", reply_markup=keyboard("案" * 22))  # 22 chars, 66 bytes


async def test_callback_data_limit_also_applies_to_edits(bot, user):
    sent = await bot.send_message(user["id"], "menu")
    with pytest.raises(TelegramBadRequest, match="BUTTON_DATA_INVALID"):
        await bot.edit_message_reply_markup(chat_id=user["id"], message_id=sent.message_id,
                                            reply_markup=keyboard("é" * 33))


@pytest.mark.parametrize("html, where", [
    ("<x>hi</x>", 'Unsupported start tag "x" at byte offset 0'),
    ("a < b", 'Unsupported start tag "" at byte offset 2'),
    ("<b>bold", 'Can\'t find end tag corresponding to start tag "b"'),
    ("<b>x</i>", 'Unmatched end tag at byte offset 4, expected "</b>", found "</i>"'),
    ('<span class="x">s</span>', 'Tag "span" must have class "tg-spoiler"'),
    ("x </b>", "Unexpected end tag at byte offset 2"),
])
async def test_bad_html_is_rejected_as_cant_parse_entities(bot, user, html, where):
    with pytest.raises(TelegramBadRequest) as caught:
        await bot.send_message(user["id"], html, parse_mode="HTML")
    assert "Bad Request: can't parse entities: " + where in caught.value.message


async def test_good_html_is_accepted_with_entities_in_utf16_offsets(bot, user):
    html = ('<b>Case</b> 🙂 <i>it</i> <a href="https://example.com/c?a=1&amp;b=2">link</a> '
            '<tg-spoiler>s</tg-spoiler> <span class="tg-spoiler">t</span> <code>c</code> '
            '<pre><code class="language-python">p</code></pre> <blockquote expandable>q</blockquote> '
            "&lt;tag&gt; &quot;q&quot; &#169; &#x263A;")
    message = await bot.send_message(user["id"], html, parse_mode="HTML")
    assert message.text == 'Case 🙂 it link s t c p q <tag> "q" © ☺'
    kinds = {(e.type, e.offset, e.length) for e in message.entities}
    assert ("bold", 0, 4) in kinds
    assert ("italic", 8, 2) in kinds  # the emoji is 2 UTF-16 units
    link = next(e for e in message.entities if e.type == "text_link")
    assert link.url == "https://example.com/c?a=1&b=2"
    pre = next(e for e in message.entities if e.type == "pre")
    assert pre.language == "python"
    assert {"spoiler", "code", "expandable_blockquote"} <= {e.type for e in message.entities}


async def test_bare_ampersand_is_kept_literally_like_telegram(bot, user):
    message = await bot.send_message(user["id"], "AT&T &nbsp; R&D", parse_mode="HTML")
    assert message.text == "AT&T &nbsp; R&D"


async def test_strict_html_mode_rejects_bare_ampersand():
    emulator = await start_emulator(token=TOKEN, strict_html=True)
    person = emulator.state.create_user("Bo", started=True)
    bot = emulator.bot()
    try:
        with pytest.raises(TelegramBadRequest, match="can't parse entities: bare '&'"):
            await bot.send_message(person["id"], "AT&T", parse_mode="HTML")
        await bot.send_message(person["id"], "AT&amp;T &lt;3", parse_mode="HTML")
    finally:
        await close_quickly(bot.session)
        await emulator.close()


def test_html_parser_matches_tdlib_edge_cases():
    assert parse_html("&lt")[0] == "<"  # the ';' is optional
    assert parse_html("<B>x</B>")[1] == [{"type": "bold", "offset": 0, "length": 1}]
    assert parse_html("<b>x</>")[0] == "x"  # an empty end tag closes the innermost one
    assert parse_html('<a href="tg://user?id=5">u</a>')[1][0]["type"] == "text_mention"
    with pytest.raises(HtmlError, match="Unclosed start tag"):
        parse_html("<b")
    with pytest.raises(HtmlError, match="Invalid custom emoji identifier"):
        parse_html('<tg-emoji emoji-id="abc">x</tg-emoji>')


def test_markdown_v2_requires_reserved_characters_to_be_escaped():
    assert parse_markdown_v2(r"*bold* and \. done")[0] == "bold and . done"
    with pytest.raises(MarkdownError, match=r"Character '\.' is reserved"):
        parse_markdown_v2("Case 1.")
    with pytest.raises(MarkdownError, match="Can't find end of Bold entity"):
        parse_markdown_v2("*open")


async def test_markdown_v2_errors_reach_the_bot(bot, user):
    with pytest.raises(TelegramBadRequest, match="can't parse entities: Character '!' is reserved"):
        await bot.send_message(user["id"], "Thanks!", parse_mode="MarkdownV2")


async def test_text_of_4096_characters_passes_and_4097_is_too_long(bot, user):
    await bot.send_message(user["id"], "a" * 4096)
    with pytest.raises(TelegramBadRequest, match="Bad Request: message is too long"):
        await bot.send_message(user["id"], "a" * 4097)


async def test_length_is_counted_after_entity_parsing(bot, user):
    message = await bot.send_message(user["id"], "<b>" + "a" * 4096 + "</b>", parse_mode="HTML")
    assert len(message.text) == 4096
    with pytest.raises(TelegramBadRequest, match="message is too long"):
        await bot.send_message(user["id"], "<b>" + "a" * 4097 + "</b>", parse_mode="HTML")


async def test_empty_text_after_parsing_is_message_text_is_empty(bot, user):
    with pytest.raises(TelegramBadRequest, match="Bad Request: message text is empty"):
        await bot.send_message(user["id"], "<b> </b>", parse_mode="HTML")
    with pytest.raises(TelegramBadRequest, match="Bad Request: message text is empty"):
        await bot.send_message(user["id"], "")


async def test_caption_of_1024_passes_and_1025_is_too_long(bot, user):
    photo = BufferedInputFile(tiny_png(), "p.png")
    await bot.send_photo(user["id"], photo, caption="c" * 1024)
    with pytest.raises(TelegramBadRequest, match="Bad Request: message caption is too long"):
        await bot.send_photo(user["id"], photo, caption="c" * 1025)


async def test_unknown_missing_and_mistyped_parameters_are_400(emulator, user):
    import aiohttp

    url = f"{emulator.base_url}/bot{TOKEN}/sendMessage"
    async with aiohttp.ClientSession() as http:
        async with http.post(url, json={"chat_id": user["id"], "text": "x", "colour": "red"}) as resp:
            body = await resp.json()
            assert resp.status == 400 and 'unknown parameter "colour"' in body["description"]
        async with http.post(url, json={"chat_id": user["id"]}) as resp:
            assert (await resp.json())["description"] == "Bad Request: message text is empty"
        async with http.post(url, json={"chat_id": user["id"], "text": "x", "reply_markup": "[1]"}) as resp:
            assert (await resp.json())["description"] == "Bad Request: can't parse reply keyboard markup JSON object"
        async with http.post(url, json={"chat_id": {"id": 1}, "text": "x"}) as resp:
            body = await resp.json()
            assert resp.status == 400 and body["description"].startswith('Bad Request: field "chat_id"')
        async with http.post(url.replace("sendMessage", "editMessageText"),
                             json={"chat_id": user["id"], "message_id": "seven", "text": "x"}) as resp:
            assert (await resp.json())["description"] == "Bad Request: message identifier must be a Number"
        async with http.post(url, data={"chat_id": str(user["id"]), "text": "form"}) as resp:
            body = await resp.json()
            assert body["ok"] and body["result"]["text"] == "form"  # urlencoded bodies work too
