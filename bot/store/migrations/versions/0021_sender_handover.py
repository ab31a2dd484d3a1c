"""handing a workspace from one outbox sender to another: when a sender begins, and the pace
learnt for each workspace

Revision ID: 0021
Revises: 0020
Create Date: 2026-11-30 18:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "0021"
down_revision: str | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("outboxsender") as batch:
        batch.add_column(sa.Column("begins_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))
    op.create_table(
        "workspacepace",
        sa.Column("workspace_id", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("interval", sa.Float(), nullable=False),
        sa.Column("learned_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("workspace_id", name=op.f("pk_workspacepace")),
    )


def downgrade() -> None:
    op.drop_table("workspacepace")
    with op.batch_alter_table("outboxsender") as batch:
        batch.drop_column("begins_at")
