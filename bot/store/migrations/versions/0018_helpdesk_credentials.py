"""each workspace's own helpdesk API credentials for the live sync

Revision ID: 0018
Revises: 0017
Create Date: 2026-11-30 13:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("helpdesksync", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("api_url", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True)
        )
        batch_op.add_column(
            sa.Column("api_user", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True)
        )
        batch_op.add_column(sa.Column("api_secret", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("helpdesksync", schema=None) as batch_op:
        for name in ("api_secret", "api_user", "api_url"):
            batch_op.drop_column(name)
