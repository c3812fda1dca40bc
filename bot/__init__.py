"""The Telegram adapter (aiogram 3)."""

from bot.runtime.lazy_types import defer_telegram_types, keep_response_models

defer_telegram_types()
keep_response_models()
