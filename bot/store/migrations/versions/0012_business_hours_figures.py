"""business hours figures

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-30 04:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("helpdeskticket", schema=None) as batch_op:
        batch_op.add_column(sa.Column("frt_business_s", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("resolution_business_s", sa.Integer(), nullable=True))
    with op.batch_alter_table("kpirollup", schema=None) as batch_op:
        batch_op.add_column(sa.Column("frt_business", sa.LargeBinary(), nullable=True))
        batch_op.add_column(sa.Column("resolution_business", sa.LargeBinary(), nullable=True))
    with op.batch_alter_table("team", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("business_hours", sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade() -> None:
    with op.batch_alter_table("team", schema=None) as batch_op:
        batch_op.drop_column("business_hours")
    with op.batch_alter_table("kpirollup", schema=None) as batch_op:
        batch_op.drop_column("resolution_business")
        batch_op.drop_column("frt_business")
    with op.batch_alter_table("helpdeskticket", schema=None) as batch_op:
        batch_op.drop_column("resolution_business_s")
        batch_op.drop_column("frt_business_s")
