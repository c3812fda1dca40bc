"""Merge translations from a Python file (a dict ``T``: msgid -> (zh_Hans, zh_Hant)) into
the catalogs; English gets its msgid. Used when a batch of new messages arrives:
``python tools/fill_translations.py new.py``. Existing translations are kept."""

from __future__ import annotations

import runpy
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

LOCALES = Path(__file__).resolve().parent.parent / "locales"


def main(source: str) -> int:
    table = runpy.run_path(source)["T"]
    for index, language in ((0, "zh_Hans"), (1, "zh_Hant"), (None, "en")):
        path = LOCALES / language / "LC_MESSAGES" / "messages.po"
        with path.open("rb") as po:
            catalog = read_po(po, locale=language)
        for message in catalog:
            if not message.id or message.string:
                continue
            if index is None:
                message.string = message.id
            elif message.id in table:
                message.string = table[message.id][index]
        with path.open("wb") as po:
            write_po(po, catalog, width=100)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
