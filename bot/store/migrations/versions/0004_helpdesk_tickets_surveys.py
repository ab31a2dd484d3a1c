"""helpdesk tickets surveys

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-24 12:25:20.738605
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "helpdeskticket",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("ticket_id", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("agent", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("first_response_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("solved_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("agent_replies", sa.Integer(), nullable=False),
        sa.Column("reopened", sa.Boolean(), nullable=False),
        sa.Column("channel", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
        sa.Column("imported_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"], name=op.f("fk_helpdeskticket_person_id_person")
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspace.id"],
            name=op.f("fk_helpdeskticket_workspace_id_workspace"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_helpdeskticket")),
        sa.UniqueConstraint(
            "workspace_id", "ticket_id", name=op.f("uq_helpdeskticket_workspace_id_ticket_id")
        ),
    )
    with op.batch_alter_table("helpdeskticket", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_helpdeskticket_person_id"), ["person_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_helpdeskticket_solved_at"), ["solved_at"], unique=False
        )

    op.create_table(
        "surveyresponse",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("response_id", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("ticket_id", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True),
        sa.Column("agent", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("submitted_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("imported_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"], name=op.f("fk_surveyresponse_person_id_person")
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspace.id"],
            name=op.f("fk_surveyresponse_workspace_id_workspace"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_surveyresponse")),
        sa.UniqueConstraint(
            "workspace_id", "response_id", name=op.f("uq_surveyresponse_workspace_id_response_id")
        ),
    )
    with op.batch_alter_table("surveyresponse", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_surveyresponse_person_id"), ["person_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_surveyresponse_submitted_at"), ["submitted_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("surveyresponse", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_surveyresponse_submitted_at"))
        batch_op.drop_index(batch_op.f("ix_surveyresponse_person_id"))

    op.drop_table("surveyresponse")
    with op.batch_alter_table("helpdeskticket", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_helpdeskticket_solved_at"))
        batch_op.drop_index(batch_op.f("ix_helpdeskticket_person_id"))

    op.drop_table("helpdeskticket")
