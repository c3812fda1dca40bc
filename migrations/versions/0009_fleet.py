"""fleet: processed updates (each webhook update handled once across instances)

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-23 10:00:00
"""
from alembic import op
import sqlalchemy as sa
import core.db.types


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Webhook instances claim each update_id here so an update delivered twice (or to
    # two instances) is handled once; see core/db/updates.py.
    op.create_table('processed_updates',
    sa.Column('update_id', sa.BigInteger(), nullable=False),
    sa.Column('claimed_at', core.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('finished_at', core.db.types.UTCDateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('update_id', name=op.f('pk_processed_updates'))
    )
    with op.batch_alter_table('processed_updates', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_processed_updates_claimed_at'), ['claimed_at'],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table('processed_updates', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_processed_updates_claimed_at'))
    op.drop_table('processed_updates')
