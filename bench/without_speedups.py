"""Run a command as if uvloop and orjson were not installed, to measure what they give.

    python bench/without_speedups.py -m bot.cli run --webhook
    python bench/without_speedups.py bench/echo_bot.py
"""

from __future__ import annotations

import runpy
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

# A None entry makes ``import uvloop`` / ``import orjson`` raise ImportError, which is
# exactly the fallback the bot takes where they are missing.
sys.modules["uvloop"] = None  # type: ignore[assignment]
sys.modules["orjson"] = None  # type: ignore[assignment]

if __name__ == "__main__":
    if sys.argv[1] == "-m":
        sys.argv = [sys.argv[2], *sys.argv[3:]]
        runpy.run_module(sys.argv[0], run_name="__main__", alter_sys=True)
    else:
        sys.argv = sys.argv[1:]
        runpy.run_path(sys.argv[0], run_name="__main__")
