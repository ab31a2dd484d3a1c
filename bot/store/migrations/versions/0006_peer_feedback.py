"""peer feedback

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-24 13:28:49.318246
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "feedbackround",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("period", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("closes_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["team_id"], ["team.id"], name=op.f("fk_feedbackround_team_id_team"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"], ["workspace.id"], name=op.f("fk_feedbackround_workspace_id_workspace")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feedbackround")),
        sa.UniqueConstraint("team_id", "period", name=op.f("uq_feedbackround_team_id_period")),
    )
    op.create_table(
        "feedbackrequest",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=False),
        sa.Column("asked_by_id", sa.Integer(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=True),
        sa.Column("topic", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=True),
        sa.Column("share_with_subject", sa.Boolean(), nullable=False),
        sa.Column("asked", sa.Integer(), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("expires_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["asked_by_id"],
            ["person.id"],
            name=op.f("fk_feedbackrequest_asked_by_id_person"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["feedbackround.id"],
            name=op.f("fk_feedbackrequest_round_id_feedbackround"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["subject_id"],
            ["person.id"],
            name=op.f("fk_feedbackrequest_subject_id_person"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspace.id"],
            name=op.f("fk_feedbackrequest_workspace_id_workspace"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feedbackrequest")),
    )
    with op.batch_alter_table("feedbackrequest", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_feedbackrequest_asked_by_id"), ["asked_by_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_feedbackrequest_expires_at"), ["expires_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_feedbackrequest_round_id"), ["round_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_feedbackrequest_subject_id"), ["subject_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_feedbackrequest_workspace_id"), ["workspace_id"], unique=False
        )

    op.create_table(
        "feedbackanswer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("giver_id", sa.Integer(), nullable=True),
        sa.Column("anonymous", sa.Boolean(), nullable=False),
        sa.Column("well", sa.Text(), nullable=True),
        sa.Column("differently", sa.Text(), nullable=True),
        sa.Column("ratings", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("given_on", sa.Date(), nullable=False),
        sa.Column("shared_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["giver_id"],
            ["person.id"],
            name=op.f("fk_feedbackanswer_giver_id_person"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["feedbackrequest.id"],
            name=op.f("fk_feedbackanswer_request_id_feedbackrequest"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feedbackanswer")),
        sa.UniqueConstraint(
            "request_id", "giver_id", name=op.f("uq_feedbackanswer_request_id_giver_id")
        ),
    )
    with op.batch_alter_table("feedbackanswer", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_feedbackanswer_request_id"), ["request_id"], unique=False
        )

    op.create_table(
        "feedbackask",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("reviewer_id", sa.Integer(), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["feedbackrequest.id"],
            name=op.f("fk_feedbackask_request_id_feedbackrequest"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["reviewer_id"],
            ["person.id"],
            name=op.f("fk_feedbackask_reviewer_id_person"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feedbackask")),
        sa.UniqueConstraint(
            "request_id", "reviewer_id", name=op.f("uq_feedbackask_request_id_reviewer_id")
        ),
    )
    with op.batch_alter_table("feedbackask", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_feedbackask_reviewer_id"), ["reviewer_id"], unique=False
        )

    with op.batch_alter_table("team", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "feedback_rounds",
                sqlmodel.sql.sqltypes.AutoString(length=16),
                nullable=False,
                server_default="off",
            )
        )
        batch_op.add_column(
            sa.Column("feedback_expiry_days", sa.Integer(), nullable=False, server_default="7")
        )
        batch_op.add_column(
            sa.Column(
                "share_360_with_agent", sa.Boolean(), nullable=False, server_default=sa.true()
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("team", schema=None) as batch_op:
        batch_op.drop_column("share_360_with_agent")
        batch_op.drop_column("feedback_expiry_days")
        batch_op.drop_column("feedback_rounds")

    with op.batch_alter_table("feedbackask", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_feedbackask_reviewer_id"))

    op.drop_table("feedbackask")
    with op.batch_alter_table("feedbackanswer", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_feedbackanswer_request_id"))

    op.drop_table("feedbackanswer")
    with op.batch_alter_table("feedbackrequest", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_feedbackrequest_workspace_id"))
        batch_op.drop_index(batch_op.f("ix_feedbackrequest_subject_id"))
        batch_op.drop_index(batch_op.f("ix_feedbackrequest_round_id"))
        batch_op.drop_index(batch_op.f("ix_feedbackrequest_expires_at"))
        batch_op.drop_index(batch_op.f("ix_feedbackrequest_asked_by_id"))

    op.drop_table("feedbackrequest")
    op.drop_table("feedbackround")
