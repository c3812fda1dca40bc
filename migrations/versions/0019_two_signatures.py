"""two signatures: who signed an approval first, where the rung needs two

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-06 00:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # 001 §4.5.2 a "质量部经理和销售经理" (issue 19.4): the first signer's person id, until a
    # second person of the rung signs; no foreign key, as the audit trail names them too.
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.add_column(sa.Column('first_approver_id', sa.Integer(), nullable=True))


def downgrade() -> None:
    # In place, as 0014: batch mode would rebuild `cases` and lose the search triggers.
    op.drop_column('cases', 'first_approver_id')
