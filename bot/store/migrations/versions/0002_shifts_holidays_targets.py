"""shifts holidays targets

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24 10:58:59.029003
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Existing teams get the documented default targets (server defaults), people no shift yet.
    op.create_table(
        "teamholiday",
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
        sa.ForeignKeyConstraint(
            ["team_id"], ["team.id"], name=op.f("fk_teamholiday_team_id_team"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("team_id", "day", name=op.f("pk_teamholiday")),
    )
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "timezone_override", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True
            )
        )
        batch_op.add_column(
            sa.Column("shift_days", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True)
        )
        batch_op.add_column(
            sa.Column("shift_end", sqlmodel.sql.sqltypes.AutoString(length=5), nullable=True)
        )
        batch_op.add_column(sa.Column("away_until", sa.Date(), nullable=True))

    with op.batch_alter_table("team", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("holiday_country", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=True)
        )
        batch_op.add_column(
            sa.Column(
                "holiday_subdivision", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True
            )
        )
        batch_op.add_column(
            sa.Column("csat_target_pct", sa.Float(), nullable=False, server_default="85")
        )
        batch_op.add_column(
            sa.Column("nps_target", sa.Float(), nullable=False, server_default="30")
        )
        batch_op.add_column(
            sa.Column("fcr_target_pct", sa.Float(), nullable=False, server_default="70")
        )
        batch_op.add_column(
            sa.Column("frt_target_minutes", sa.Integer(), nullable=False, server_default="240")
        )


def downgrade() -> None:
    with op.batch_alter_table("team", schema=None) as batch_op:
        batch_op.drop_column("frt_target_minutes")
        batch_op.drop_column("fcr_target_pct")
        batch_op.drop_column("nps_target")
        batch_op.drop_column("csat_target_pct")
        batch_op.drop_column("holiday_subdivision")
        batch_op.drop_column("holiday_country")

    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.drop_column("away_until")
        batch_op.drop_column("shift_end")
        batch_op.drop_column("shift_days")
        batch_op.drop_column("timezone_override")

    op.drop_table("teamholiday")
