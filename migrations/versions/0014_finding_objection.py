"""finding objection: the customer's unanswered words against an invalid finding

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-06 00:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # While set, the desk's card of the invalid case offers to reopen it or confirm the
    # finding (issue 16.2); either answer clears it.
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.add_column(sa.Column('objection', sa.Text(), nullable=True))


def downgrade() -> None:
    # A plain ALTER (SQLite 3.35+ drops columns itself): batch mode would rebuild `cases`,
    # which a table other rows point at refuses, and would lose the search triggers of 0013.
    op.drop_column('cases', 'objection')
