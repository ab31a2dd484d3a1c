"""Claiming a scheduled send: one outbox row per unique key, so a second claim (a second clock,
a double click) is a no-op. bot.delivery sends what is claimed."""

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlmodel import Session, col

from bot.services import payloads
from bot.services.payloads import OutboxKind
from bot.store import bulk
from bot.store.models import Outbox, OutboxStatus


def claim(
    session: Session, *, key: str, kind: OutboxKind, workspace_id: str, channel: str,
    person_id: int | None, payload: object, due: datetime, now: datetime,
    status: OutboxStatus = OutboxStatus.PENDING, shift_date: date | None = None,
) -> list[int]:  # fmt: skip
    """Insert the row unless its key exists in the workspace: its id in a list, or []. The
    payload must match its kind (bot.services.payloads), else PayloadError."""
    insert = bulk.dialect_insert(session)
    statement = (
        insert(Outbox)
        .values(
            workspace_id=workspace_id,
            key=key,
            kind=kind,
            person_id=person_id,
            channel=channel,
            payload=payloads.encode(kind, payload),
            due_at=due,
            status=status.value,
            attempts=0,
            next_attempt_at=due,
            created_at=now,
            shift_date=shift_date,
        )
        .on_conflict_do_nothing()
        .returning(col(Outbox.id))
    )
    return [row_id for (row_id,) in session.execute(statement).all()]


def claim_many(session: Session, rows: Sequence[dict[str, Any]], *, now: datetime) -> set[str]:
    """Insert many rows (each with workspace_id, key, kind, person_id, channel, payload, due,
    status, shift_date) in one statement, skipping keys that exist: the keys inserted."""
    if not rows:
        return set()
    insert = bulk.dialect_insert(session)
    values = [
        {
            "workspace_id": row["workspace_id"], "key": row["key"], "kind": row["kind"],
            "person_id": row["person_id"], "channel": row["channel"],
            "payload": payloads.encode(row["kind"], row["payload"]), "due_at": row["due"],
            "status": row["status"].value, "attempts": 0, "next_attempt_at": row["due"],
            "created_at": now, "shift_date": row.get("shift_date"),
        }
        for row in rows
    ]  # fmt: skip
    statement = insert(Outbox).values(values).on_conflict_do_nothing().returning(col(Outbox.key))
    return {key for (key,) in session.execute(statement).all()}
