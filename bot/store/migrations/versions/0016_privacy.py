"""privacy: workspace retention and forgetting settings; when a person was deactivated or
forgotten; free-text columns as TEXT (an encrypted value is longer than its text)

Revision ID: 0016
Revises: 0015
Create Date: 2026-11-30 12:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("workspace", schema=None) as batch_op:
        batch_op.add_column(sa.Column("retention_months", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("forget_deactivated_days", sa.Integer(), nullable=True))
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("deactivated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True)
        )
        batch_op.add_column(
            sa.Column("forgotten_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True)
        )
    with op.batch_alter_table("actionitem", schema=None) as batch_op:
        batch_op.alter_column(
            "text", type_=sa.Text(), existing_nullable=False, existing_type=sa.String(300)
        )
    with op.batch_alter_table("feedbackrequest", schema=None) as batch_op:
        batch_op.alter_column(
            "topic", type_=sa.Text(), existing_nullable=True, existing_type=sa.String(300)
        )


def downgrade() -> None:
    with op.batch_alter_table("feedbackrequest", schema=None) as batch_op:
        batch_op.alter_column("topic", type_=sqlmodel.sql.sqltypes.AutoString(length=300),
                              existing_type=sa.Text(), existing_nullable=True)  # fmt: skip
    with op.batch_alter_table("actionitem", schema=None) as batch_op:
        batch_op.alter_column("text", type_=sqlmodel.sql.sqltypes.AutoString(length=300),
                              existing_type=sa.Text(), existing_nullable=False)  # fmt: skip
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.drop_column("forgotten_at")
        batch_op.drop_column("deactivated_at")
    with op.batch_alter_table("workspace", schema=None) as batch_op:
        batch_op.drop_column("forget_deactivated_days")
        batch_op.drop_column("retention_months")
