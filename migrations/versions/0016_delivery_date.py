"""delivery date: when the goods arrived, for a policy's complaint window

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-06 00:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Asked at intake only where the policy has `validity.window_days` (001 §4.1.1
    # "货到30天内"); the card flags a complaint filed past it (issue 19.3).
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.add_column(sa.Column('delivered', sa.String(length=200), nullable=True))


def downgrade() -> None:
    # In place, as 0014: batch mode would rebuild `cases` and lose the search triggers.
    op.drop_column('cases', 'delivered')
