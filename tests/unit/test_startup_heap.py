"""Once started, the process's heap is frozen out of the collector's sight
(``bot.runtime.startup_heap``): what the start left as garbage is collected first, never
kept forever; what is left is no longer scanned by full collections."""

from __future__ import annotations

import gc
import weakref

from bot.runtime.startup_heap import freeze_startup_heap


class _Node:
    def __init__(self) -> None:
        self.me = self  # a cycle: only the collector frees it


async def test_the_starts_garbage_goes_and_the_rest_is_frozen() -> None:
    garbage = _Node()
    gone = weakref.ref(garbage)
    del garbage
    kept = _Node()
    frozen_before = gc.get_freeze_count()
    try:
        await freeze_startup_heap()
        assert gone() is None, "the start's garbage was frozen, never to be freed"
        assert gc.get_freeze_count() > frozen_before
        assert not any(tracked is kept for tracked in gc.get_objects()), \
            "a full collection still scans what the start built"
    finally:
        gc.unfreeze()
    assert any(tracked is kept for tracked in gc.get_objects())
