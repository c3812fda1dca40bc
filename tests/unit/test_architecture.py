"""core speaks in cases, never in Telegram: nothing under core/ imports aiogram or bot."""

from __future__ import annotations

import ast
from pathlib import Path

CORE = Path(__file__).resolve().parents[2] / "core"
FORBIDDEN = ("aiogram", "bot", "sandbox")


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def test_nothing_under_core_imports_aiogram_or_bot() -> None:
    offenders = {
        f"{path.relative_to(CORE.parent)}: {name}"
        for path in CORE.rglob("*.py")
        for name in imported_modules(path)
        if name.split(".")[0] in FORBIDDEN
    }
    assert not offenders, offenders


def test_the_check_really_finds_a_forbidden_import(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text("from aiogram import Bot\nimport bot.runtime.app\n", encoding="utf-8")
    assert {"aiogram", "bot.runtime.app"} <= imported_modules(sample)


SERVICES = CORE / "services"
BOT = CORE.parent / "bot"
# The composition root builds the concrete Database; the rest are adapters of their own
# (FSM storage, the update batch, the outbox sender) or compute in SQL (the report).
BOT_MAY_IMPORT_CORE_DB = {
    "bot/runtime/app.py", "bot/runtime/runner.py", "bot/runtime/webhook.py", "bot/cli.py",
    "bot/runtime/settings.py", "bot/runtime/storage.py", "bot/runtime/update_work.py",
    "bot/runtime/redis_storage.py", "bot/runtime/polling.py", "bot/delivery/outbox_sender.py",
    "bot/delivery/report_sender.py", "bot/handlers/report.py",
}


def test_services_depend_on_ports_not_on_sqlalchemy_or_core_db() -> None:
    offenders = {
        f"{path.relative_to(CORE.parent)}: {name}"
        for path in SERVICES.rglob("*.py")
        for name in imported_modules(path)
        if name.split(".")[0] == "sqlalchemy" or name == "core.db" or name.startswith("core.db.")
    }
    assert not offenders, offenders


def test_only_the_listed_bot_modules_import_core_db() -> None:
    importing = {
        str(path.relative_to(BOT.parent))
        for path in BOT.rglob("*.py")
        if any(name == "core.db" or name.startswith("core.db.")
               for name in imported_modules(path))
    }
    assert importing <= BOT_MAY_IMPORT_CORE_DB, importing - BOT_MAY_IMPORT_CORE_DB


# Read-only context, like aiogram's own locale: whose clock a customer reads our times on.
# It can carry no write: it imports nothing that reaches the database (checked below).
PRESENTATION_CONTEXT = {"bot/views/reader_zone.py"}


def test_no_context_variable_carries_writes_between_modules() -> None:
    """An update's writes travel in its explicit unit of work (``bot.runtime.update_work``)."""
    offenders = {
        str(path.relative_to(CORE.parent))
        for root in (BOT, CORE)
        for path in root.rglob("*.py")
        if "contextvars" in imported_modules(path)
    }
    assert offenders <= PRESENTATION_CONTEXT, offenders - PRESENTATION_CONTEXT
    for name in PRESENTATION_CONTEXT:
        imported = imported_modules(CORE.parent / name)
        assert not {m for m in imported if m.startswith(("core", "bot.delivery", "bot.runtime"))}
