"""Our own pacing keeps within Telegram's flood limits, 2% under them (``MARGIN``): a
private chat's short bursts on a sliding log, a group's even spacing, both with room that
network jitter cannot squeeze into one of Telegram's windows. The overall limit is paced
at the limit itself: the send window keeps jitter out of it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.delivery.pacing import MARGIN, Pacer

T0 = datetime(2026, 11, 2, tzinfo=UTC)
RUNNING = T0 - timedelta(hours=1)  # nothing sent by another process for a while


WINDOW = timedelta(seconds=3 * MARGIN)


def test_a_private_chat_gets_three_messages_in_any_three_seconds() -> None:
    pacer = Pacer(others_sent_until=RUNNING)
    pacer.sent(42, T0)  # an answer's two messages and a third go at once: a short burst
    pacer.sent(42, T0 + timedelta(seconds=1), messages=2)
    assert pacer.wait(42, T0 + timedelta(seconds=1)) == WINDOW - timedelta(seconds=1)
    assert pacer.wait(43, T0) == timedelta(0)  # another chat is not held up
    assert pacer.wait(42, T0 + WINDOW) == timedelta(0)  # the first has left the window
    pacer.sent(42, T0 + WINDOW)
    # The next waits for the second, sent a second after the first, to leave too.
    assert pacer.wait(42, T0 + WINDOW) == timedelta(seconds=1)


def test_handlers_reserve_a_chats_slots_ahead_and_the_outbox_queues_behind() -> None:
    pacer = Pacer(others_sent_until=RUNNING)
    # A customer tapping faster than anyone types: four messages owed at once.
    tickets = [pacer.reserve(42, T0) for _ in range(4)]
    assert [t.moment - T0 for t in tickets if t] == [timedelta(0)] * 3 + [WINDOW]
    # A notice for the chat now waits behind every reserved slot.
    assert pacer.wait(42, T0) == WINDOW


def test_a_message_held_in_the_overall_queue_holds_back_the_chats_later_ones() -> None:
    """After an outage every chat's answers queue for the bot's thirty a second: the first
    of a chat's three may leave a second late, and the fourth, reserved three seconds
    after the first's slot, must then wait for three seconds after it really left."""
    pacer = Pacer(others_sent_until=RUNNING)
    first, second, third, fourth = (pacer.reserve(42, T0) for _ in range(4))
    assert first and second and third and fourth
    late = T0 + timedelta(seconds=1)
    for ticket in (first, second, third):
        assert pacer.hold_back(42, ticket, late) == 0
        pacer.departed(ticket, late)
    assert fourth.moment == T0 + WINDOW  # its slot, counted from the first's
    assert pacer.hold_back(42, fourth, T0 + WINDOW) == pytest.approx(1.0)
    assert pacer.hold_back(42, fourth, late + WINDOW) == 0


def test_one_still_waiting_to_leave_counts_as_leaving_no_earlier_than_now() -> None:
    pacer = Pacer(others_sent_until=RUNNING)
    tickets = [pacer.reserve(42, T0) for _ in range(4)]
    now = T0 + timedelta(seconds=5)  # none of the first three has left yet
    assert pacer.hold_back(42, tickets[3], now) == pytest.approx(WINDOW.total_seconds())


def test_groups_are_not_reserved_ahead() -> None:
    assert Pacer(others_sent_until=RUNNING).reserve(-100, T0) is None


def test_a_group_gets_twenty_a_minute_evenly_spaced() -> None:
    pacer = Pacer(others_sent_until=RUNNING)
    pacer.sent(-100, T0)
    assert pacer.wait(-100, T0) == timedelta(seconds=3 * MARGIN)
    assert pacer.wait(-100, T0 + timedelta(seconds=3 * MARGIN)) == timedelta(0)


def test_thirty_a_second_overall() -> None:
    pacer = Pacer(others_sent_until=RUNNING)
    pacer.sent(1, T0)
    assert pacer.wait(999, T0) == timedelta(0)  # another chat's own limit is free
    assert pacer.wait_overall(T0) > timedelta(0)  # but the bot's overall rate is not
    assert pacer.wait_overall(T0 + timedelta(seconds=1 / 30)) == timedelta(0)


def test_replies_reserve_overall_slots_so_concurrent_ones_queue() -> None:
    pacer = Pacer(others_sent_until=RUNNING)
    # Three handlers answer at the same moment: one now, the others a slot apart each.
    pauses = [pacer.reserve_overall(T0) for _ in range(3)]
    assert pauses == pytest.approx([0, 1 / 30, 2 / 30], abs=1e-5)  # timedelta: microseconds
    # The outbox sees those slots taken and waits behind them.
    assert pacer.wait_overall(T0).total_seconds() == pytest.approx(3 / 30, abs=1e-5)


def test_a_restarted_process_keeps_a_spacing_before_each_first_message() -> None:
    # What the killed process sent a moment ago still counts in Telegram's windows.
    pacer = Pacer(others_sent_until=T0)  # when the killed process last sent
    assert pacer.wait(42, T0) == WINDOW  # it may have had its burst then
    assert pacer.wait(-100, T0) == timedelta(seconds=3 * MARGIN)
    # A chat first met a window after it last sent goes at once.
    assert pacer.wait(43, T0 + timedelta(seconds=4)) == timedelta(0)


def test_a_message_is_not_held_back_by_itself_once_old_ones_are_forgotten() -> None:
    pacer = Pacer(others_sent_until=RUNNING)
    first, second, third = (pacer.reserve(42, T0) for _ in range(3))
    assert first and second and third
    pacer.departed(first, T0)
    for ticket in (second, third):
        pacer.departed(ticket, T0 + timedelta(seconds=2))
    fourth = pacer.reserve(42, T0 + timedelta(seconds=3))
    assert fourth and fourth.moment == T0 + WINDOW  # three seconds after the first
    # When it comes, the first has left the window: the fourth goes, and the fifth,
    # reserved behind it, counts from the second and third.
    assert pacer.hold_back(42, fourth, T0 + WINDOW) == 0
    pacer.departed(fourth, T0 + WINDOW)
    pacer.departed(fourth, T0 + WINDOW + timedelta(seconds=1))  # its answer: no new moment
    assert fourth.moment == T0 + WINDOW
    fifth = pacer.reserve(42, T0 + WINDOW)
    assert fifth and fifth.moment == T0 + timedelta(seconds=2) + WINDOW
