"""visit clock: when someone met the customer face to face

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-06 00:00:00
"""
from alembic import op
import sqlalchemy as sa

import core.db.types


revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # 002 §7.2 "24小时之内派业务人员登门" (issue 19): the visit clock stops at this moment.
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.add_column(sa.Column('visited_at',
                                      core.db.types.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('due_visit', core.db.types.UTCDateTime(timezone=True),
                                      nullable=True))


def downgrade() -> None:
    # In place, as 0014: batch mode would rebuild `cases` and lose the search triggers.
    op.drop_column('cases', 'due_visit')
    op.drop_column('cases', 'visited_at')
