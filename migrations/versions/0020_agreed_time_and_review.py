"""agreed time and review: a time agreed with the customer; work reported carried out

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-06 00:00:00
"""
from alembic import op
import sqlalchemy as sa

import core.db.types


revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # 004 三.2 "以约定时间为准" and 三.6 "经职责部门负责人审核后" (issue 19.8): the moment
    # agreed with the customer, and who reported the work carried out, awaiting review.
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.add_column(sa.Column('agreed_until',
                                      core.db.types.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('done_reported_by', sa.Integer(), nullable=True))


def downgrade() -> None:
    # In place, as 0014: batch mode would rebuild `cases` and lose the search triggers.
    op.drop_column('cases', 'done_reported_by')
    op.drop_column('cases', 'agreed_until')
