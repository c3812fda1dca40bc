"""Process settings from the environment (or ``.env`` in the working directory).

Every ``complaint-desk`` command reads this one object, so ``migrate``, ``jobs`` and
``report`` work on the same database and organisation file as ``run``; command-line
flags still win. Built where a command starts, never at import.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from core.db.engine import DEFAULT_URL, POOL_SIZE


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    # Optional here: only ``run`` talks to Telegram, and bot.runtime.settings requires it there.
    bot_token: SecretStr | None = Field(default=None, description="the token @BotFather gave")
    telegram_api_url: str = "https://api.telegram.org"
    database_url: str = DEFAULT_URL
    redis_url: str | None = None
    config_file: Path = Path("organisation.toml")
    log_level: str = "INFO"
    polling_timeout: int = Field(default=30, ge=1, le=60)
    intake_reminder_minutes: float = Field(default=30, gt=0)  # quiet customers, reminded once
    # A notice claimed by a process that died is sent again after this; it only bounds
    # how long a crash delays delivery, so keep it well above one send's round trip.
    delivery_lease_seconds: float = Field(default=60, ge=1)
    # PostgreSQL connections each process keeps (plus up to 10 more at a peak); the sum
    # over a fleet must stay under the server's max_connections.
    database_pool_size: int = Field(default=POOL_SIZE, ge=1, le=200)
    migrate_on_start: bool = True  # a fresh SQLite sandbox just works; turn off for fleets
    # Webhook mode (``run --webhook``): Telegram posts to WEBHOOK_URL, which a proxy or load
    # balancer forwards to WEBHOOK_HOST:WEBHOOK_PORT, the URL's path unchanged.
    webhook_url: str | None = None
    webhook_secret: SecretStr | None = None  # Telegram sends it back; requests without it: 401
    webhook_host: str = "0.0.0.0"
    webhook_port: int = Field(default=8080, ge=1, le=65535)
    # An update claimed by an instance that then died is handled by another after this.
    update_lease_seconds: float = Field(default=60, gt=0)
    # Tests and demos: the bot's clock starts at this moment and ticks on from there (a
    # naive value is wall time in the organisation's zone). Unset: the real time.
    clock_start: datetime | None = None

    @field_validator("redis_url")
    @classmethod
    def _redis_scheme(cls, value: str | None) -> str | None:
        # Caught here, as one line naming the setting, not deep in the Redis client.
        if value and not value.startswith(("redis://", "rediss://", "unix://")):
            raise ValueError("must start with redis://, rediss:// or unix://")
        return value or None

    def pool_options(self) -> dict[str, int]:
        """Engine options for the database (SQLite's pool is left as it is)."""
        return {} if self.database_url.startswith("sqlite") else {
            "pool_size": self.database_pool_size}


def settings_error(exc: ValidationError) -> str:
    """The first problem as one line an operator can act on: ``NAME: message``."""
    first = exc.errors()[0]
    name = str(first["loc"][0]).upper() if first["loc"] else "settings"
    return f"{name}: {first['msg']}"
