"""The bot's settings: the process settings of every command, with a token required."""

from __future__ import annotations

from pydantic import Field, SecretStr

from core.settings import Settings as ProcessSettings


class Settings(ProcessSettings):
    # Required only here, so ``run`` without BOT_TOKEN says so and ``migrate`` does not care.
    bot_token: SecretStr = Field(description="the token @BotFather gave")
