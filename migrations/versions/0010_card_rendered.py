"""card rendered: a digest of what each case card last showed

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01 10:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Telegram refuses an edit that changes nothing; the card sender compares against
    # this digest and skips such edits (bot/delivery/card_sender.py).
    with op.batch_alter_table('case_cards', schema=None) as batch_op:
        batch_op.add_column(sa.Column('rendered', sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('case_cards', schema=None) as batch_op:
        batch_op.drop_column('rendered')
