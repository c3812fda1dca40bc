"""supervisor desk: the supervisors' instruction shown on a case's card

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-23 10:00:00
"""
from alembic import op
import sqlalchemy as sa
import core.db.types


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.add_column(sa.Column('instruction', sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_column('instruction')
