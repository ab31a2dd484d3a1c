"""coaching loop: replies, reads, 1:1s, assigned items, alerts, weekly summaries

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-30 06:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _person(name: str) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(name, sa.Integer(), nullable=False)


def upgrade() -> None:
    with op.batch_alter_table("team", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("alerts", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False,
                      server_default="leads")
        )  # fmt: skip
        batch_op.add_column(
            sa.Column("weekly_summary", sa.Boolean(), nullable=False, server_default=sa.true())
        )
        batch_op.add_column(
            sa.Column("one_on_ones", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False,
                      server_default="off")
        )  # fmt: skip
        batch_op.add_column(
            sa.Column("one_on_one_weekday", sa.Integer(), nullable=False, server_default="3")
        )
        batch_op.add_column(
            sa.Column("one_on_one_time", sqlmodel.sql.sqltypes.AutoString(length=5),
                      nullable=False, server_default="10:00")
        )  # fmt: skip
        batch_op.add_column(
            sa.Column("one_on_one_to_agent", sa.Boolean(), nullable=False,
                      server_default=sa.false())
        )  # fmt: skip
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("summary_opt_out", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    op.create_table(
        "surveyalert",
        sa.Column("survey_id", sa.Integer(), nullable=False),
        sa.Column("recipient_id", sa.Integer(), nullable=False),
        sa.Column("claimed_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["recipient_id"], ["person.id"],
                                name=op.f("fk_surveyalert_recipient_id_person"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["survey_id"], ["surveyresponse.id"],
                                name=op.f("fk_surveyalert_survey_id_surveyresponse"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("survey_id", "recipient_id", name=op.f("pk_surveyalert")),
    )  # fmt: skip
    with op.batch_alter_table("reflection", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("discuss", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    with op.batch_alter_table("actionitem", schema=None) as batch_op:
        batch_op.add_column(sa.Column("assigned_by_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_actionitem_assigned_by_id_person"), "person", ["assigned_by_id"],
            ["id"], ondelete="SET NULL",
        )  # fmt: skip
    op.create_table(
        "reflectionreply",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reflection_id", sa.Integer(), nullable=False),
        _person("author_id"),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["person.id"],
            name=op.f("fk_reflectionreply_author_id_person"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["reflection_id"],
            ["reflection.id"],
            name=op.f("fk_reflectionreply_reflection_id_reflection"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reflectionreply")),
    )
    op.create_index(op.f("ix_reflectionreply_reflection_id"), "reflectionreply", ["reflection_id"])
    op.create_table(
        "reflectionread",
        sa.Column("id", sa.Integer(), nullable=False),
        _person("reader_id"),
        _person("subject_id"),
        sa.Column("read_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["reader_id"],
            ["person.id"],
            name=op.f("fk_reflectionread_reader_id_person"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["subject_id"],
            ["person.id"],
            name=op.f("fk_reflectionread_subject_id_person"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reflectionread")),
    )
    op.create_index(op.f("ix_reflectionread_subject_id"), "reflectionread", ["subject_id"])
    op.create_table(
        "oneonone",
        sa.Column("id", sa.Integer(), nullable=False),
        _person("lead_id"),
        _person("agent_id"),
        sa.Column("held_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["agent_id"],
            ["person.id"],
            name=op.f("fk_oneonone_agent_id_person"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["lead_id"], ["person.id"], name=op.f("fk_oneonone_lead_id_person"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_oneonone")),
    )
    op.create_index(op.f("ix_oneonone_agent_id"), "oneonone", ["agent_id"])


def downgrade() -> None:
    op.drop_table("surveyalert")
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.drop_column("summary_opt_out")
    with op.batch_alter_table("team", schema=None) as batch_op:
        batch_op.drop_column("one_on_one_to_agent")
        batch_op.drop_column("one_on_one_time")
        batch_op.drop_column("one_on_one_weekday")
        batch_op.drop_column("one_on_ones")
        batch_op.drop_column("weekly_summary")
        batch_op.drop_column("alerts")
    op.drop_table("oneonone")
    op.drop_table("reflectionread")
    op.drop_table("reflectionreply")
    with op.batch_alter_table("actionitem", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_actionitem_assigned_by_id_person"), "foreignkey")
        batch_op.drop_column("assigned_by_id")
    with op.batch_alter_table("reflection", schema=None) as batch_op:
        batch_op.drop_column("discuss")
