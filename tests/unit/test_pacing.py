"""Our own pacing keeps within Telegram's flood limits, allowing short bursts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.delivery.pacing import Pacer

T0 = datetime(2026, 11, 2, tzinfo=UTC)


def test_a_private_chat_gets_one_message_a_second() -> None:
    pacer = Pacer()
    assert pacer.wait(42, T0) == timedelta(0)
    pacer.sent(42, T0)
    assert pacer.wait(42, T0) == timedelta(seconds=1)
    assert pacer.wait(43, T0) == timedelta(0)  # another chat is not held up
    assert pacer.wait(42, T0 + timedelta(seconds=1)) == timedelta(0)


def test_a_group_gets_twenty_a_minute_evenly_spaced() -> None:
    pacer = Pacer()
    pacer.sent(-100, T0)
    assert pacer.wait(-100, T0) == timedelta(seconds=3)
    assert pacer.wait(-100, T0 + timedelta(seconds=3)) == timedelta(0)


def test_thirty_a_second_overall() -> None:
    pacer = Pacer()
    pacer.sent(1, T0)
    assert pacer.wait(999, T0) == timedelta(0)  # another chat's own limit is free
    assert pacer.wait_overall(T0) > timedelta(0)  # but the bot's overall rate is not
    assert pacer.wait_overall(T0 + timedelta(seconds=1 / 30)) == timedelta(0)
