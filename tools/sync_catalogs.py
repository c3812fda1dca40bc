"""Extract messages from bot/ and core/reports/ into locales/messages.pot and merge them
into each .po.

Run after changing user-facing text: ``python tools/sync_catalogs.py``. New messages
arrive untranslated (and fuzzy-free); tests/unit/test_catalogs.py fails until every one
has a translation in every language.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOCALES = ROOT / "locales"
LANGUAGES = ("zh_Hans", "zh_Hant", "en")


def main() -> int:
    pot = LOCALES / "messages.pot"
    babel = [sys.executable, "-m", "babel.messages.frontend"]
    subprocess.run([*babel, "extract", "-k", "_", "-k", "__", "--no-location", "--sort-output",
                    "--omit-header", "-o", str(pot), str(ROOT / "bot"),
                    # the report's words are core's (the command line renders them too)
                    str(ROOT / "core" / "reports")], check=True)
    for language in LANGUAGES:
        po = LOCALES / language / "LC_MESSAGES" / "messages.po"
        command = "update" if po.exists() else "init"
        args = [*babel, command, "-i", str(pot), "-d", str(LOCALES), "-l", language]
        if command == "update":
            args += ["--no-fuzzy-matching", "--ignore-obsolete"]
        subprocess.run(args, check=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
