"""The customer's phone number as a department card shows it: masked, so the number is
seen in full only by those who call the customer (``bot.handlers.phone``)."""

from __future__ import annotations

import re

# A mainland mobile: +86 and 11 digits (``core.domain.values.check_phone`` keeps the plus).
_CHINA = re.compile(r"^86(\d{11})$")
KEEP_HEAD, KEEP_TAIL = 3, 4


def _mask_digits(digits: str) -> str:
    """First 3 and last 4 kept where at least as many are hidden; shorter numbers keep
    only their last 2, so no masked number is really still readable."""
    n = len(digits)
    if n >= KEEP_HEAD + KEEP_TAIL + 4:
        return digits[:KEEP_HEAD] + "*" * (n - KEEP_HEAD - KEEP_TAIL) + digits[-KEEP_TAIL:]
    if n > 4:
        return "*" * (n - 2) + digits[-2:]
    return "*" * n


def mask_phone(phone: str | None) -> str:
    """13812342222 -> 138****2222; +8613812342222 -> +86 138****2222; other international
    numbers keep their plus; separators are dropped."""
    if not phone:
        return ""
    digits, plus = re.sub(r"\D", "", phone), phone.strip().startswith("+")
    mainland = _CHINA.match(digits) if plus else None
    if mainland:
        return "+86 " + _mask_digits(mainland.group(1))
    return ("+" if plus else "") + _mask_digits(digits)
