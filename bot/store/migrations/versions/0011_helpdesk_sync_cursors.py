"""helpdesk sync cursors

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-30 04:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "helpdesksync",
        sa.Column("workspace_id", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("source", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("tickets_cursor", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
        sa.Column("ratings_cursor", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
        sa.Column("lease_until", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("last_run_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("last_error", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=True),
        sa.ForeignKeyConstraint(
            ["workspace_id"], ["workspace.id"], name=op.f("fk_helpdesksync_workspace_id_workspace")
        ),
        sa.PrimaryKeyConstraint("workspace_id", "source", name=op.f("pk_helpdesksync")),
    )


def downgrade() -> None:
    op.drop_table("helpdesksync")
