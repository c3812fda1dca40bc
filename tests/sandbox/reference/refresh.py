"""Rebuild bot_api.json, the part of the Bot API reference the emulator's tests check against.

    python tests/sandbox/reference/refresh.py path/to/api.json

api.json is the machine-readable reference of the public project telegram-bot-api-spec by
Paul Larsen (MIT licence, see LICENSE here), scraped from https://core.telegram.org/bots/api.
The whole file is about 900 KB; the tests need only every method's required parameters and
the fields of the types the emulator produces, which this keeps (about 20 KB).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
TYPES = ("Message", "ChatFullInfo")  # objects whose fields the tests compare with the emulator's


def trim(spec: dict) -> dict:
    return {
        "source": "telegram-bot-api-spec by Paul Larsen (MIT), from core.telegram.org/bots/api; "
                  "trimmed by tests/sandbox/reference/refresh.py",
        "version": spec["version"],
        "release_date": spec["release_date"],
        "methods": {name: {"required": [f["name"] for f in m.get("fields", []) if f["required"]]}
                    for name, m in sorted(spec["methods"].items())},
        "types": {name: {"fields": [f["name"] for f in spec["types"][name]["fields"]]}
                  for name in TYPES},
    }


def main(source: str) -> None:
    spec = json.loads(Path(source).read_text(encoding="utf-8"))
    text = json.dumps(trim(spec), ensure_ascii=False, indent=1) + "\n"
    (HERE / "bot_api.json").write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main(sys.argv[1])
