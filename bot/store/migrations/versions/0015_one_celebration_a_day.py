"""one celebration post a day: milestones recorded apart from their post; top-CSAT threshold;
kudos by reaction (the team's emoji, the reaction a kudos came from); a 360's subject told;
leads setting their team's channels, targets and reminder (unless admins say no)

Revision ID: 0015
Revises: 0014
Create Date: 2026-11-30 09:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "milestone",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=True),
        sa.Column("key", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("reached_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("post_key", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
        sa.ForeignKeyConstraint(["team_id"], ["team.id"], name=op.f("fk_milestone_team_id_team"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["workspace_id"], ["workspace.id"],
                                name=op.f("fk_milestone_workspace_id_workspace")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_milestone")),
        sa.UniqueConstraint("workspace_id", "key", name=op.f("uq_milestone_workspace_id_key")),
    )  # fmt: skip
    with op.batch_alter_table("milestone", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_milestone_team_id"), ["team_id"], unique=False)
    # Milestones celebrated one post each before: recorded as posted, so none is celebrated again.
    op.execute(
        "INSERT INTO milestone (workspace_id, team_id, key, payload, reached_at, post_key) "
        "SELECT workspace_id, NULL, key, payload, created_at, key FROM outbox "
        "WHERE kind = 'milestone'"
    )
    with op.batch_alter_table("team", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("top_csat_scores", sa.Integer(), nullable=False, server_default="5")
        )
        batch_op.add_column(
            sa.Column("kudos_emoji", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False,
                      server_default="star2")
        )  # fmt: skip
        batch_op.add_column(
            sa.Column("announce_360", sa.Boolean(), nullable=False, server_default=sa.true())
        )
        batch_op.add_column(
            sa.Column("leads_configure", sa.Boolean(), nullable=False, server_default=sa.true())
        )
    with op.batch_alter_table("kudos", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("source_key", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=True)
        )
        batch_op.create_unique_constraint(
            batch_op.f("uq_kudos_workspace_id_source_key"), ["workspace_id", "source_key"]
        )


def downgrade() -> None:
    with op.batch_alter_table("kudos", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_kudos_workspace_id_source_key"), type_="unique")
        batch_op.drop_column("source_key")
    with op.batch_alter_table("team", schema=None) as batch_op:
        batch_op.drop_column("leads_configure")
        batch_op.drop_column("announce_360")
        batch_op.drop_column("kudos_emoji")
        batch_op.drop_column("top_csat_scores")
    with op.batch_alter_table("milestone", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_milestone_team_id"))
    op.drop_table("milestone")
