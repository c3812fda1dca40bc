"""progress clock: when the department's next report of progress is due

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-06 00:00:00
"""
from alembic import op
import sqlalchemy as sa

import core.db.types


revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # 004 三.2 "未完成者24小时内反馈进度" (issue 19.8): `sla.progress` runs while the
    # department works a case and starts again at each report.
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.add_column(sa.Column('due_progress', core.db.types.UTCDateTime(timezone=True),
                                      nullable=True))


def downgrade() -> None:
    # In place, as 0014: batch mode would rebuild `cases` and lose the search triggers.
    op.drop_column('cases', 'due_progress')
