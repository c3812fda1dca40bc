"""extensions: a department's request for more time, and the deadline a grant set

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-06 00:00:00
"""
from alembic import op
import sqlalchemy as sa

import core.db.types


revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # 002 §7.1 / 003 延期 (issue 19.6): the reason waits for a supervisor; a grant moves the
    # case's answer, solution and whole-case clocks to `extended_until`.
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.add_column(sa.Column('extension_request', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('extended_until',
                                      core.db.types.UTCDateTime(timezone=True), nullable=True))


def downgrade() -> None:
    # In place, as 0014: batch mode would rebuild `cases` and lose the search triggers.
    op.drop_column('cases', 'extended_until')
    op.drop_column('cases', 'extension_request')
