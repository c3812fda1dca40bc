"""The bot's settings: the process settings of every command, with a token required."""

from __future__ import annotations

from pydantic import Field, SecretStr

from core.settings import Settings as ProcessSettings


class Settings(ProcessSettings):
    # Required only here, so ``run`` without BOT_TOKEN says so and ``migrate`` does not care.
    bot_token: SecretStr = Field(description="the token @BotFather gave")
    # Start-up asks the Bot API who the bot is (getMe) this many times before giving up,
    # waiting BOT_API_BACKOFF_SECONDS, then twice that, and so on, between attempts.
    bot_api_attempts: int = Field(default=5, ge=1, le=20)
    bot_api_backoff_seconds: float = Field(default=1.0, ge=0, le=60)
    # Messages a second the bot allows itself overall: Telegram's limit for a bot is 30.
    # Only against a Bot API server that allows more is there reason to raise it — the
    # benchmarks do, against the emulator with its limits off, to measure the desk itself.
    flood_overall_per_second: float = Field(default=30, gt=0, le=10_000)
