"""The overall window holds however late requests reach Telegram."""

from __future__ import annotations

import asyncio

import pytest

from bot.delivery.send_window import SendWindow


class ManualTime:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += max(seconds, 0.001)
        await asyncio.sleep(0)


async def _send(window: SendWindow, time: ManualTime, took: float, started: list[float]) -> None:
    async with window.slot():
        started.append(time.now)
        time.now += took


async def test_the_request_a_window_later_starts_a_window_after_the_first_was_answered() -> None:
    time = ManualTime()
    window = SendWindow(count=3, seconds=1.0, clock=time, sleep=time.sleep)
    started: list[float] = []
    for _ in range(4):
        await _send(window, time, took=0.25, started=started)
    # Three go at once; the fourth waits until a second after the first one's answer
    # (100.25), however long the network took to carry the first one.
    assert started[:3] == [100.0, 100.25, 100.5]
    assert started[3] >= 101.25


async def test_a_request_still_in_flight_holds_its_place() -> None:
    time = ManualTime()
    window = SendWindow(count=1, seconds=1.0, clock=time, sleep=time.sleep)
    started: list[float] = []
    answer = asyncio.Event()

    async def slow() -> None:
        async with window.slot():
            started.append(time.now)
            await answer.wait()

    first = asyncio.create_task(slow())
    await asyncio.sleep(0)
    second = asyncio.create_task(_send(window, time, took=0.0, started=started))
    for _ in range(20):
        await asyncio.sleep(0)
    assert len(started) == 1  # the second waits while the first has no answer
    answered_at = time.now
    answer.set()
    await asyncio.gather(first, second)
    assert started[1] >= answered_at + 1.0


async def test_a_failed_request_frees_its_place_a_window_later() -> None:
    time = ManualTime()
    window = SendWindow(count=1, seconds=1.0, clock=time, sleep=time.sleep)
    with pytest.raises(ConnectionError):
        async with window.slot():
            raise ConnectionError
    started: list[float] = []
    await _send(window, time, took=0.0, started=started)
    assert started == [101.0]
