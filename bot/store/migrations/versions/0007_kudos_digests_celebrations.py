"""kudos, digests, celebrations

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-24 13:58:33.246729
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "kudos",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("giver_id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("value", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True),
        sa.Column("given_on", sa.Date(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["giver_id"], ["person.id"], name=op.f("fk_kudos_giver_id_person"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["team_id"], ["team.id"], name=op.f("fk_kudos_team_id_team"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"], ["workspace.id"], name=op.f("fk_kudos_workspace_id_workspace")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kudos")),
    )
    with op.batch_alter_table("kudos", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_kudos_created_at"), ["created_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_kudos_giver_id"), ["giver_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_kudos_workspace_id"), ["workspace_id"], unique=False)

    op.create_table(
        "kudosrecipient",
        sa.Column("kudos_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["kudos_id"],
            ["kudos.id"],
            name=op.f("fk_kudosrecipient_kudos_id_kudos"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["person.id"],
            name=op.f("fk_kudosrecipient_person_id_person"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("kudos_id", "person_id", name=op.f("pk_kudosrecipient")),
    )
    with op.batch_alter_table("kudosrecipient", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_kudosrecipient_person_id"), ["person_id"], unique=False
        )

    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "leaderboard_opt_out", sa.Boolean(), nullable=False, server_default=sa.false()
            )
        )
        batch_op.add_column(
            sa.Column("milestones_opt_out", sa.Boolean(), nullable=False, server_default=sa.false())
        )

    with op.batch_alter_table("team", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "kudos_values",
                sqlmodel.sql.sqltypes.AutoString(length=300),
                nullable=False,
                server_default="empathy,ownership,teamwork,expertise",
            )
        )
        batch_op.add_column(
            sa.Column("kudos_daily_cap", sa.Integer(), nullable=False, server_default="5")
        )
        batch_op.add_column(
            sa.Column("digest_weekday", sa.Integer(), nullable=False, server_default="0")
        )
        batch_op.add_column(
            sa.Column(
                "digest_time",
                sqlmodel.sql.sqltypes.AutoString(length=5),
                nullable=False,
                server_default="09:00",
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("team", schema=None) as batch_op:
        batch_op.drop_column("digest_time")
        batch_op.drop_column("digest_weekday")
        batch_op.drop_column("kudos_daily_cap")
        batch_op.drop_column("kudos_values")

    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.drop_column("milestones_opt_out")
        batch_op.drop_column("leaderboard_opt_out")

    with op.batch_alter_table("kudosrecipient", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_kudosrecipient_person_id"))

    op.drop_table("kudosrecipient")
    with op.batch_alter_table("kudos", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_kudos_workspace_id"))
        batch_op.drop_index(batch_op.f("ix_kudos_giver_id"))
        batch_op.drop_index(batch_op.f("ix_kudos_created_at"))

    op.drop_table("kudos")
