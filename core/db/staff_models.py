"""Tables of the staff side: which group plays which part, and each case's cards.

Kept apart from ``models.py`` only to keep each module to one job; both share ``Base``.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from core.db.models import Base


class GroupBindingRow(Base):
    """A Telegram group bound to the desk, a department or the supervisors."""

    __tablename__ = "group_bindings"
    chat_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    binding: Mapped[str] = mapped_column(String(48))  # desk | supervisors | department:<code>
    language: Mapped[str | None] = mapped_column(String(10))
    is_forum: Mapped[bool] = mapped_column(default=False)
    active: Mapped[bool] = mapped_column(default=True)  # False once the bot was removed
    bound_by: Mapped[int | None] = mapped_column(BigInteger)
    bound_at: Mapped[datetime]


class CaseCardRow(Base):
    """Where a case's card lives in a group, so it can be edited in place."""

    __tablename__ = "case_cards"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    chat_id: Mapped[int] = mapped_column(BigInteger)
    message_id: Mapped[int] = mapped_column(BigInteger)
    thread_id: Mapped[int | None] = mapped_column(BigInteger)  # the case's forum topic
    created_at: Mapped[datetime]
    # What the card last showed (a digest of text and buttons): Telegram refuses an edit
    # that changes nothing, so the sender skips it.
    rendered: Mapped[str | None] = mapped_column(String(64))

    __table_args__ = (UniqueConstraint("case_id", "chat_id"),)


class StaffMemberRow(Base):
    """Staff added or changed in chat (an invitation, ``/staff``); a row here wins over the
    organisation file's entry for the same person, and ``active`` False removes them."""

    __tablename__ = "staff_members"
    telegram_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(16))  # specialist | department | supervisor
    department: Mapped[str | None] = mapped_column(String(32))
    level: Mapped[str | None] = mapped_column(String(32))
    active: Mapped[bool] = mapped_column(default=True)
    changed_by: Mapped[int | None] = mapped_column(BigInteger)
    changed_at: Mapped[datetime]


class StaffInvitationRow(Base):
    """An invitation to join as staff. Only the token's SHA-256 is kept, so a copy of the
    database lets nobody join."""

    __tablename__ = "staff_invitations"
    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    role: Mapped[str] = mapped_column(String(16))
    department: Mapped[str | None] = mapped_column(String(32))
    level: Mapped[str | None] = mapped_column(String(32))
    created_by: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    used_by: Mapped[int | None] = mapped_column(BigInteger)
    used_at: Mapped[datetime | None]
