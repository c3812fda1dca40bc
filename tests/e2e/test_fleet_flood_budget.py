"""Three webhook instances, one bot's flood limits: together they keep to them.

Each instance paced alone once sent three times Telegram's overall limit (5,751 answers
of 429 for 3,000 notices in ``bench/fleet_delivery.py``); with Redis they share one
budget (``bot.delivery.shared_budget``). The benchmark's own scenario, smaller.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from bench.fleet_delivery import deliver

POSTGRES_URL = os.environ.get("TEST_POSTGRES_URL")
REDIS_URL = os.environ.get("TEST_REDIS_URL")
pytestmark = pytest.mark.skipif(not (POSTGRES_URL and REDIS_URL),
                                reason="needs TEST_POSTGRES_URL and TEST_REDIS_URL")


async def test_a_fleet_delivers_every_notice_once_without_a_429(tmp_path: Path) -> None:
    assert POSTGRES_URL and REDIS_URL
    result = await deliver(instances=3, notices=400, chats=80, postgres=POSTGRES_URL,
                           redis=REDIS_URL, log=tmp_path / "bots.log")
    assert (result.lost, result.duplicated) == (0, 0)
    assert result.flood == 0, (tmp_path / "bots.log").read_text(encoding="utf-8")[-3000:]
