"""Telegram's MarkdownV2 and legacy Markdown parse modes, ported (simplified) from TDLib.

The point is the errors a bot hits in production: MarkdownV2 rejects every unescaped
reserved character ("Character '.' is reserved and must be escaped with the preceding '\\'")
and unterminated entities. Simplification: blockquotes end at the first line that does not
start with '>', and the "**>" expandable form is treated as a plain blockquote.
"""

from __future__ import annotations

import re
from typing import Any

from .text import sort_entities, utf16_len

RESERVED = set("_*[]()~`>#+-=|{}.!")
_NAMES = {"bold": "Bold", "italic": "Italic", "underline": "Underline", "strikethrough": "Strikethrough",
          "spoiler": "Spoiler", "code": "Code", "pre": "Pre", "text_link": "TextUrl",
          "custom_emoji": "CustomEmoji", "blockquote": "BlockQuote"}


class MarkdownError(ValueError):
    pass


def _link_entity(url: str, span: dict[str, int]) -> dict[str, Any] | None:
    user = re.match(r"^tg://user\?id=(\d+)$", url)
    if user:
        return {"type": "text_mention", **span, "user": {"id": int(user.group(1)), "is_bot": False,
                                                       "first_name": ""}}
    if re.match(r"^(https?|tg)://\S+$", url) or re.match(r"^[\w-]+(\.[\w-]+)+(/\S*)?$", url):
        return {"type": "text_link", **span, "url": url if "://" in url else "http://" + url}
    return None


def parse_markdown_v2(text: str) -> tuple[str, list[dict[str, Any]]]:
    n = len(text)
    at = lambda k: text[k] if k < n else "\0"  # noqa: E731
    byte = lambda k: len(text[:k].encode("utf-8"))  # noqa: E731
    out: list[str] = []
    utf16 = 0
    entities: list[dict[str, Any]] = []
    stack: list[dict[str, Any]] = []
    line_start = True
    quote: dict[str, Any] | None = None
    i = 0

    def emit(chars: str) -> None:
        nonlocal utf16
        out.append(chars)
        utf16 += utf16_len(chars)

    while i < n:
        c = text[i]
        if c == "\\" and 0 < ord(at(i + 1)) <= 126:
            emit(text[i + 1])
            line_start = text[i + 1] == "\n"
            i += 2
            continue
        in_code = bool(stack) and stack[-1]["type"] in ("code", "pre")
        if c == "\n":
            if quote is not None and at(i + 1) != ">":
                if stack:
                    top = stack[-1]
                    raise MarkdownError(f"Can't find end of {_NAMES[top['type']]} entity at byte offset {top['byte']}")
                entities.append({"type": "blockquote", "offset": quote["offset"], "length": utf16 - quote["offset"]})
                quote = None
            if not in_code:
                emit("\n")
                line_start = True
                i += 1
                continue
        if (in_code and c != "`") or (not in_code and c not in RESERVED):
            emit(c)
            line_start = False
            i += 1
            continue
        top = stack[-1] if stack else None
        closing = top is not None and (
            (top["type"] == "bold" and c == "*")
            or (top["type"] == "italic" and c == "_" and at(i + 1) != "_")
            or (top["type"] == "underline" and c == "_" and at(i + 1) == "_")
            or (top["type"] == "strikethrough" and c == "~")
            or (top["type"] == "spoiler" and c == "|" and at(i + 1) == "|")
            or (top["type"] == "code" and c == "`")
            or (top["type"] == "pre" and text[i : i + 3] == "```")
            or (top["type"] in ("text_link", "custom_emoji") and c == "]")
        )
        if closing:
            stack.pop()
            span = {"offset": top["offset"], "length": utf16 - top["offset"]}
            kind = top["type"]
            if kind in ("underline", "spoiler"):
                i += 1
            elif kind == "pre":
                i += 2
            elif kind in ("text_link", "custom_emoji"):
                url = "".join(out)[top["pos"]:]
                if at(i + 1) == "(":
                    j = i + 2
                    url_chars = []
                    while j < n and text[j] != ")":
                        if text[j] == "\\" and 0 < ord(at(j + 1)) <= 126:
                            url_chars.append(text[j + 1])
                            j += 2
                            continue
                        url_chars.append(text[j])
                        j += 1
                    if j >= n:
                        raise MarkdownError(f"Can't find end of a URL at byte offset {byte(i + 2)}")
                    url = "".join(url_chars)
                    i = j
                elif kind == "custom_emoji":
                    raise MarkdownError("The entity must contain a tg://emoji or tg://time URL")
                if kind == "custom_emoji":
                    emoji = re.match(r"^tg://emoji\?id=(\d+)$", url)
                    if not emoji:
                        raise MarkdownError("Invalid tg://emoji or tg://time URL specified")
                    if span["length"]:
                        entities.append({"type": "custom_emoji", **span, "custom_emoji_id": emoji.group(1)})
                    i += 1
                    continue
                link = _link_entity(url, span) if span["length"] else None
                if link:
                    entities.append(link)
                i += 1
                continue
            if span["length"]:
                entity = {"type": kind, **span}
                if kind == "pre" and top.get("language"):
                    entity["language"] = top["language"]
                entities.append(entity)
            i += 1
            continue
        # start of an entity
        start = {"offset": utf16, "byte": byte(i), "pos": len("".join(out))}
        if c == "_":
            if at(i + 1) == "_":
                start["type"] = "underline"
                i += 1
            else:
                start["type"] = "italic"
        elif c == "*":
            start["type"] = "bold"
        elif c == "~":
            start["type"] = "strikethrough"
        elif c == "|" and at(i + 1) == "|":
            start["type"] = "spoiler"
            i += 1
        elif c == "[":
            start["type"] = "text_link"
        elif c == "!" and at(i + 1) == "[":
            start["type"] = "custom_emoji"
            i += 1
        elif c == "`":
            if text[i : i + 3] == "```":
                i += 3
                start["type"] = "pre"
                end = i
                while at(end) not in " \t\r\n\0`":
                    end += 1
                if end != i and end < n and text[end] != "`":
                    start["language"] = text[i:end]
                    i = end
                if at(i) in "\r\n":
                    i += 2 if at(i + 1) in "\r\n" and at(i + 1) != at(i) else 1
                stack.append(start)
                continue
            start["type"] = "code"
        elif c == ">" and line_start:
            if quote is None:
                quote = {"offset": utf16}
            i += 1
            line_start = False
            continue
        else:
            raise MarkdownError(f"Character '{c}' is reserved and must be escaped with the preceding '\\'")
        stack.append(start)
        line_start = False
        i += 1
    if stack:
        top = stack[-1]
        raise MarkdownError(f"Can't find end of {_NAMES[top['type']]} entity at byte offset {top['byte']}")
    if quote is not None and utf16 > quote["offset"]:
        entities.append({"type": "blockquote", "offset": quote["offset"], "length": utf16 - quote["offset"]})
    return "".join(out), sort_entities(entities)


def parse_markdown(text: str) -> tuple[str, list[dict[str, Any]]]:
    """Legacy Markdown: *bold* _italic_ `code` ```pre``` [text](url); only \\ before _*`[ escapes."""
    out: list[str] = []
    entities: list[dict[str, Any]] = []
    utf16 = 0
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c == "\\" and i + 1 < n and text[i + 1] in "_*`[":
            out.append(text[i + 1])
            utf16 += 1
            i += 2
            continue
        if c not in "_*`[":
            out.append(c)
            utf16 += utf16_len(c)
            i += 1
            continue
        begin = i
        end_char = "]" if c == "[" else c
        is_pre = text[i : i + 3] == "```"
        i += 3 if is_pre else 1
        offset = utf16
        chunk: list[str] = []
        while i < n and (text[i] != end_char or (is_pre and text[i : i + 3] != "```")):
            chunk.append(text[i])
            i += 1
        if i >= n:
            raise MarkdownError(f"Can't find end of the entity starting at byte offset {len(text[:begin].encode())}")
        inner = "".join(chunk)
        out.append(inner)
        utf16 += utf16_len(inner)
        span = {"offset": offset, "length": utf16 - offset}
        if c == "[":
            url = inner
            if i + 1 < n and text[i + 1] == "(":
                close = text.find(")", i + 2)
                close = n if close < 0 else close
                url = text[i + 2 : close]
                i = close
            link = _link_entity(url, span) if span["length"] else None
            if link:
                entities.append(link)
        elif span["length"]:
            kind = {"_": "italic", "*": "bold", "`": "pre" if is_pre else "code"}[c]
            entities.append({"type": kind, **span})
        i += 3 if is_pre else 1
    return "".join(out), sort_entities(entities)
