"""update inbox: polling mode records each update before its offset is confirmed

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-05 23:30:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # The update itself, so one cut off by a crash after Telegram forgot it (its offset
    # confirmed) is handled when the bot starts again (core/db/updates.py, UpdateInbox).
    with op.batch_alter_table('processed_updates', schema=None) as batch_op:
        batch_op.add_column(sa.Column('payload', sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('processed_updates', schema=None) as batch_op:
        batch_op.drop_column('payload')
