"""Keyboard builders."""

from __future__ import annotations

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.keyboard import InlineKeyboardBuilder, KeyboardBuilder
from babel import Locale

from bot.input.callbacks import LanguageChoice
from bot.runtime.i18n import LANGUAGES


def inline(builder: KeyboardBuilder[InlineKeyboardButton]) -> InlineKeyboardMarkup:
    """The builder's markup, typed as what an inline builder makes."""
    markup = builder.as_markup()
    assert isinstance(markup, InlineKeyboardMarkup)
    return markup


def language_name(code: str) -> str:
    """Each language in its own words, so anyone finds theirs whatever they read now."""
    return Locale.parse(code).get_display_name(code) or code


def language_keyboard() -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for code in LANGUAGES:
        builder.button(text=language_name(code), callback_data=LanguageChoice(code=code))
    return inline(builder.adjust(3))
