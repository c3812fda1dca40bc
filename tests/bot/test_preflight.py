"""Start-up messages show where a setting points, never its password."""

from __future__ import annotations

from sqlalchemy.exc import OperationalError

from bot.runtime.preflight import reason, shown_database_url, shown_url


def test_passwords_are_hidden_and_the_rest_is_kept() -> None:
    assert (shown_database_url("postgresql://desk:s3cret@db.internal:5432/desk")
            == "postgresql://desk:***@db.internal:5432/desk")
    assert shown_database_url("sqlite:///desk.db") == "sqlite:///desk.db"
    assert shown_url("redis://:s3cret@cache:6379/0") == "redis://:***@cache:6379/0"
    assert shown_url("http://127.0.0.1:8081") == "http://127.0.0.1:8081"
    # Not a URL SQLAlchemy can read: only what follows the last @ is shown.
    assert "s3cret" not in shown_database_url("nonsense:s3cret@host")


def test_the_reason_is_the_innermost_cause_in_one_short_line() -> None:
    refused = ConnectionRefusedError(111, "Connect call failed ('127.0.0.1', 1)")
    wrapped = OperationalError("SELECT 1", {}, refused)
    assert reason(wrapped) == "[Errno 111] Connect call failed ('127.0.0.1', 1)"
    assert reason(TimeoutError()) == "no answer (timed out)"
    assert "\n" not in reason(RuntimeError("first line\nsecond line"))
