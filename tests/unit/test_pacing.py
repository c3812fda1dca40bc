"""Our own pacing keeps within Telegram's flood limits, 2% under them (``MARGIN``): even
spacing that network jitter cannot squeeze into one of Telegram's windows. The overall
limit is paced at the limit itself: the send window keeps jitter out of it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.delivery.pacing import MARGIN, Pacer

T0 = datetime(2026, 11, 2, tzinfo=UTC)
RUNNING = T0 - timedelta(hours=1)  # a process that has been sending for a while


def test_a_private_chat_gets_one_message_a_second() -> None:
    pacer = Pacer(started=RUNNING)
    assert pacer.wait(42, T0) == timedelta(0)
    pacer.sent(42, T0)
    assert pacer.wait(42, T0) == timedelta(seconds=MARGIN)
    assert pacer.wait(43, T0) == timedelta(0)  # another chat is not held up
    assert pacer.wait(42, T0 + timedelta(seconds=MARGIN)) == timedelta(0)


def test_a_group_gets_twenty_a_minute_evenly_spaced() -> None:
    pacer = Pacer(started=RUNNING)
    pacer.sent(-100, T0)
    assert pacer.wait(-100, T0) == timedelta(seconds=3 * MARGIN)
    assert pacer.wait(-100, T0 + timedelta(seconds=3 * MARGIN)) == timedelta(0)


def test_thirty_a_second_overall() -> None:
    pacer = Pacer(started=RUNNING)
    pacer.sent(1, T0)
    assert pacer.wait(999, T0) == timedelta(0)  # another chat's own limit is free
    assert pacer.wait_overall(T0) > timedelta(0)  # but the bot's overall rate is not
    assert pacer.wait_overall(T0 + timedelta(seconds=1 / 30)) == timedelta(0)


def test_replies_reserve_overall_slots_so_concurrent_ones_queue() -> None:
    pacer = Pacer(started=RUNNING)
    # Three handlers answer at the same moment: one now, the others a slot apart each.
    pauses = [pacer.reserve_overall(T0) for _ in range(3)]
    assert pauses == pytest.approx([0, 1 / 30, 2 / 30], abs=1e-5)  # timedelta: microseconds
    # The outbox sees those slots taken and waits behind them.
    assert pacer.wait_overall(T0).total_seconds() == pytest.approx(3 / 30, abs=1e-5)


def test_a_restarted_process_keeps_a_spacing_before_each_first_message() -> None:
    # What the killed process sent a moment ago still counts in Telegram's windows.
    pacer = Pacer()
    assert pacer.wait(42, T0) == timedelta(seconds=MARGIN)
    assert pacer.wait(-100, T0) == timedelta(seconds=3 * MARGIN)
    # A chat first met after that spacing since the start goes at once.
    assert pacer.wait(43, T0 + timedelta(seconds=2)) == timedelta(0)
