"""major acknowledgement: since when a major case's alert has gone unanswered

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-06 00:00:00
"""
from alembic import op
import sqlalchemy as sa

import core.db.types


revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Set while leadership has not taken up a major case's alert (issue 19.2); cases that
    # were major before this column existed count as acknowledged: no alarm goes out late.
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.add_column(sa.Column('major_unacknowledged_since',
                                      core.db.types.UTCDateTime(timezone=True), nullable=True))


def downgrade() -> None:
    # In place, as 0014: batch mode would rebuild `cases` and lose the search triggers.
    op.drop_column('cases', 'major_unacknowledged_since')
