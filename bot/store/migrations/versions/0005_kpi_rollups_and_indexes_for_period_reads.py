"""kpi rollups and indexes for period reads

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-24 13:06:24.582097
"""

from collections.abc import Sequence
from datetime import date

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "kpirollup",
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("grain", sqlmodel.sql.sqltypes.AutoString(length=1), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("solved", sa.Integer(), nullable=False),
        sa.Column("replied", sa.Integer(), nullable=False),
        sa.Column("first_contact", sa.Integer(), nullable=False),
        sa.Column("csat_n", sa.Integer(), nullable=False),
        sa.Column("csat_good", sa.Integer(), nullable=False),
        sa.Column("nps_n", sa.Integer(), nullable=False),
        sa.Column("promoters", sa.Integer(), nullable=False),
        sa.Column("detractors", sa.Integer(), nullable=False),
        sa.Column("frt", sa.LargeBinary(), nullable=False),
        sa.Column("resolution", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["person.id"],
            name=op.f("fk_kpirollup_person_id_person"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("person_id", "grain", "day", name=op.f("pk_kpirollup")),
    )
    with op.batch_alter_table("helpdeskticket", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_helpdeskticket_person_id"))
        batch_op.create_index(
            "ix_helpdeskticket_person_solved", ["person_id", "solved_at"], unique=False
        )

    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.add_column(sa.Column("shift_date", sa.Date(), nullable=True))
        batch_op.create_index(
            "ix_outbox_person_kind_due", ["person_id", "kind", "status", "due_at"], unique=False
        )

    with op.batch_alter_table("surveyresponse", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_surveyresponse_person_id"))
        batch_op.create_index(
            "ix_surveyresponse_person_submitted", ["person_id", "submitted_at"], unique=False
        )

    # Rows written before this revision: prompts and reminders get their shift date from the
    # payload, and imported helpdesk rows get their rollups; the app keeps both up to date after.
    import json

    from sqlmodel import Session

    from bot.services import rollup_writes

    connection = op.get_bind()
    outbox = sa.table(
        "outbox", sa.column("id", sa.Integer), sa.column("payload", sa.Text),
        sa.column("shift_date", sa.Date), sa.column("kind", sa.String),
    )  # fmt: skip
    rows = connection.execute(
        sa.select(outbox.c.id, outbox.c.payload).where(outbox.c.kind.in_(["prompt", "reminder"]))
    ).all()
    for row_id, payload in rows:
        shift = json.loads(payload).get("shift_date")
        if shift:
            connection.execute(
                outbox.update()
                .where(outbox.c.id == row_id)
                .values(shift_date=date.fromisoformat(shift))
            )
    with Session(bind=connection) as session:
        rollup_writes.rebuild(session)
        session.flush()


def downgrade() -> None:
    with op.batch_alter_table("surveyresponse", schema=None) as batch_op:
        batch_op.drop_index("ix_surveyresponse_person_submitted")
        batch_op.create_index(
            batch_op.f("ix_surveyresponse_person_id"), ["person_id"], unique=False
        )

    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_index("ix_outbox_person_kind_due")
        batch_op.drop_column("shift_date")

    with op.batch_alter_table("helpdeskticket", schema=None) as batch_op:
        batch_op.drop_index("ix_helpdeskticket_person_solved")
        batch_op.create_index(
            batch_op.f("ix_helpdeskticket_person_id"), ["person_id"], unique=False
        )

    op.drop_table("kpirollup")
