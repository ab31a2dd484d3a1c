"""slack event ids for dropping retries

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-24 18:11:45.943299
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "slackevent",
        sa.Column("event_id", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("received_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("event_id", name=op.f("pk_slackevent")),
    )
    with op.batch_alter_table("slackevent", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_slackevent_received_at"), ["received_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("slackevent", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_slackevent_received_at"))

    op.drop_table("slackevent")
