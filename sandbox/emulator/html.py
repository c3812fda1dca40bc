"""Telegram's HTML parse_mode, ported from TDLib's parse_html (td/telegram/MessageEntity.cpp).

Why a port and not html.parser: Telegram is both stricter (unknown tags, unclosed tags and a
bare '<' are errors) and looser (an '&' that is not one of &lt; &gt; &amp; &quot; or a numeric
reference is kept literally, and the ';' is optional) than HTML. Error texts follow TDLib so
that tests can match on them; offsets in errors are UTF-8 byte offsets, entity offsets are
UTF-16 code units.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from .text import SPACES, sort_entities, utf16_len

SUPPORTED_TAGS = {
    "a", "b", "strong", "i", "em", "s", "strike", "del", "u", "ins", "tg-spoiler",
    "tg-emoji", "tg-time", "span", "pre", "code", "blockquote",
}
_SIMPLE = {
    "i": "italic", "em": "italic", "b": "bold", "strong": "bold", "s": "strikethrough",
    "strike": "strikethrough", "del": "strikethrough", "u": "underline", "ins": "underline",
    "tg-spoiler": "spoiler",
}
_NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}


class HtmlError(ValueError):
    """Raised with TDLib's message; the caller prefixes "can't parse entities: "."""


def _decode_entity(text: str, pos: int) -> tuple[str | None, int]:
    """TDLib decode_html_entity: returns (char, new_pos) or (None, pos) when not an entity."""
    n = len(text)
    end = pos + 1
    if end < n and text[end] == "#":
        end += 1
        code = 0
        if end < n and text[end] == "x":
            end += 1
            while end < n and text[end] in "0123456789abcdefABCDEF":
                code = code * 16 + int(text[end], 16)
                end += 1
        else:
            while end < n and text[end].isascii() and text[end].isdigit():
                code = code * 10 + int(text[end])
                end += 1
        if code == 0 or code >= 0x10FFFF or end - pos >= 10:
            return None, pos
        char = chr(code)
    else:
        while end < n and text[end].isascii() and text[end].isalpha():
            end += 1
        char = _NAMED.get(text[pos + 1 : end])
        if char is None:
            return None, pos
    if end < n and text[end] == ";":
        end += 1
    return char, end


def _checked_link(url: str) -> str | None:
    # Loose version of LinkManager::get_checked_link: accept schemes bots use, add http://.
    url = url.strip()
    if not url or any(c in url for c in " \n<>"):
        return None
    if re.match(r"^(https?|tg|ton|ftp)://", url, re.I):
        return url
    if re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", url):
        return None
    if re.match(r"^[\w-]+(\.[\w-]+)+(:\d+)?(/.*)?$", url):
        return "http://" + url
    return None


def parse_html(
    text: str, user_lookup: Callable[[int], dict[str, Any] | None] | None = None
) -> tuple[str, list[dict[str, Any]]]:
    """Return (plain text, entities) or raise HtmlError exactly where Telegram would."""
    n = len(text)
    at = lambda i: text[i] if i < n else "\0"  # noqa: E731 - TDLib reads a NUL terminator
    byte = lambda i: len(text[:i].encode("utf-8"))  # noqa: E731
    out: list[str] = []
    utf16 = 0
    entities: list[dict[str, Any]] = []
    stack: list[dict[str, Any]] = []
    i = 0
    while i < n:
        c = text[i]
        if c == "&":
            char, new_pos = _decode_entity(text, i)
            if char is not None:
                out.append(char)
                utf16 += utf16_len(char)
                i = new_pos
                continue
        if c != "<":
            out.append(c)
            utf16 += utf16_len(c)
            i += 1
            continue
        begin = i
        i += 1
        if at(i) != "/":
            while at(i) not in SPACES and at(i) != ">":
                i += 1
            if i >= n:
                raise HtmlError(f"Unclosed start tag at byte offset {byte(begin)}")
            tag = text[begin + 1 : i].lower()
            if tag not in SUPPORTED_TAGS:
                raise HtmlError(f'Unsupported start tag "{tag}" at byte offset {byte(begin)}')
            argument, date = "", 0
            while at(i) != ">":
                while i < n and at(i) in SPACES:
                    i += 1
                if at(i) == ">":
                    break
                name_begin = i
                while at(i) not in SPACES and at(i) not in "=>/\"'":
                    i += 1
                name = text[name_begin:i]
                if not name:
                    raise HtmlError(f'Empty attribute name in the tag "{tag}" at byte offset {byte(begin)}')
                while i < n and at(i) in SPACES:
                    i += 1
                if at(i) != "=":
                    if i >= n:
                        raise HtmlError(f'Unclosed start tag "{tag}" at byte offset {byte(begin)}')
                    if tag == "blockquote" and name == "expandable":
                        argument = "1"
                    continue
                i += 1
                while i < n and at(i) in SPACES:
                    i += 1
                if i >= n:
                    raise HtmlError(f'Unclosed start tag "{tag}" at byte offset {byte(begin)}')
                if at(i) not in "'\"":
                    token_begin = i
                    while at(i).isascii() and (at(i).isalnum() or at(i) in ".-"):
                        i += 1
                    value = text[token_begin:i].lower()
                    if at(i) not in SPACES and at(i) != ">":
                        raise HtmlError(f"Unexpected end of name token at byte offset {byte(token_begin)}")
                else:
                    quote = text[i]
                    i += 1
                    chars = []
                    while i < n and text[i] != quote:
                        if text[i] == "&":
                            char, new_pos = _decode_entity(text, i)
                            if char is not None:
                                chars.append(char)
                                i = new_pos
                                continue
                        chars.append(text[i])
                        i += 1
                    if at(i) == quote:
                        i += 1
                    value = "".join(chars)
                if i >= n:
                    raise HtmlError(f"Unclosed start tag at byte offset {byte(begin)}")
                if tag == "a" and name == "href":
                    argument = value
                elif tag == "code" and name == "class" and value.startswith("language-"):
                    argument = value[9:]
                elif tag == "span" and name == "class" and value.startswith("tg-"):
                    argument = value[3:]
                elif tag == "tg-emoji" and name == "emoji-id":
                    argument = value
                elif tag == "blockquote" and name == "expandable":
                    argument = "1"
                elif tag == "tg-time" and name == "unix":
                    date = int(value) if value.isdigit() else 0
                elif tag == "tg-time" and name == "format":
                    argument = value
            if tag == "span" and argument != "spoiler":
                raise HtmlError(f'Tag "span" must have class "tg-spoiler" at byte offset {byte(begin)}')
            stack.append({"tag": tag, "arg": argument, "date": date, "offset": utf16, "pos": len(out)})
            i += 1  # skip '>'
            continue
        # end tag
        if not stack:
            raise HtmlError(f"Unexpected end tag at byte offset {byte(begin)}")
        while at(i) not in SPACES and at(i) != ">":
            i += 1
        end_tag = text[begin + 2 : i].lower()
        while i < n and at(i) in SPACES:
            i += 1
        if at(i) != ">":
            raise HtmlError(f"Unclosed end tag at byte offset {byte(begin)}")
        i += 1
        top = stack.pop()
        tag = top["tag"]
        if end_tag and end_tag != tag:
            raise HtmlError(
                f'Unmatched end tag at byte offset {byte(begin)}, expected "</{tag}>", found "</{end_tag}>"'
            )
        if utf16 > top["offset"]:
            _close_entity(top, utf16, "".join(out[top["pos"] :]), entities, user_lookup)
    if stack:
        raise HtmlError(f'Can\'t find end tag corresponding to start tag "{stack[-1]["tag"]}"')
    for entity in entities:
        if entity["type"] == "code":
            entity.pop("language", None)
    return "".join(out), sort_entities(entities)


def _close_entity(top, utf16, inner, entities, user_lookup) -> None:
    tag, arg = top["tag"], top["arg"]
    span = {"offset": top["offset"], "length": utf16 - top["offset"]}
    if tag in _SIMPLE or (tag == "span" and arg == "spoiler"):
        entities.append({"type": _SIMPLE.get(tag, "spoiler"), **span})
    elif tag == "tg-emoji":
        if not arg.isdigit() or int(arg) == 0:
            raise HtmlError("Invalid custom emoji identifier specified")
        entities.append({"type": "custom_emoji", **span, "custom_emoji_id": arg})
    elif tag == "tg-time":
        if top["date"] > 0:
            entity = {"type": "date_time", **span, "unix_time": top["date"]}
            if arg:
                entity["date_time_format"] = arg
            entities.append(entity)
    elif tag == "a":
        url = arg or inner
        user = re.match(r"^tg://user\?id=(\d+)$", url)
        if user:
            known = user_lookup(int(user.group(1))) if user_lookup else None
            entities.append({"type": "text_mention", **span, "user": known or {
                "id": int(user.group(1)), "is_bot": False, "first_name": ""}})
        elif (checked := _checked_link(url)) is not None:
            entities.append({"type": "text_link", **span, "url": checked})
    elif tag == "pre":
        last = entities[-1] if entities else None
        if last and last["type"] == "code" and last.get("language") and _same(last, span):
            last["type"] = "pre"
        else:
            entities.append({"type": "pre", **span})
    elif tag == "code":
        last = entities[-1] if entities else None
        if last and last["type"] == "pre" and _same(last, span) and arg:
            last["language"] = arg
        else:
            entity = {"type": "code", **span}
            if arg:
                entity["language"] = arg
            entities.append(entity)
    elif tag == "blockquote":
        entities.append({"type": "expandable_blockquote" if arg else "blockquote", **span})


def _same(entity: dict[str, Any], span: dict[str, int]) -> bool:
    return entity["offset"] == span["offset"] and entity["length"] == span["length"]
