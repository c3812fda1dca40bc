"""The Telegram adapter (aiogram 3)."""

from bot.lazy_types import defer_telegram_types

defer_telegram_types()
