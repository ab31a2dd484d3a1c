"""The outbox's rows as the sender sees them: which are due, the lease that gives a row to one
sender (a conditional UPDATE: only one wins it, on SQLite and Postgres alike), and the UPDATE
that records its outcome. bot.delivery decides what to do with them."""

import functools
from collections.abc import Callable, Collection
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, case, func, update
from sqlmodel import Session, col, select

from bot.deps import Deps
from bot.store.models import Outbox, OutboxStatus

# A send takes seconds at most (the client's timeout is 10 s): a dead sender's rows are picked
# up by the next pass after this.
LEASE = timedelta(seconds=60)
UNCONFIRMED = "unconfirmed"  # last_error prefix: Slack may have posted it
# Many workspaces (each paced apart by Slack): the sender's queue holds at most this many due
# rows of each (bot.paced_sends), so a big fan-out in one does not queue ahead of the others.
PER_WORKSPACE = 20
BATCH = 500


def due(
    session: Session, moment: datetime, *, fair: bool,
    mine: Callable[[list[str]], list[str]] = lambda found: found,
    left_out: Collection[int] = (),
) -> list[tuple[int, str | None]]:  # fmt: skip
    """Ids of due rows, oldest first. `fair` (many workspaces): only of the workspaces this
    sender sends for (`mine` picks them among those with due rows: bot.sender_share), round
    robin, the oldest of each workspace first, then the second of each…, at most PER_WORKSPACE
    of each in a batch, so a big fan-out in one does not queue ahead of the others; none of
    `left_out` (in flight, or another sender's)."""
    is_due = (col(Outbox.status).in_([OutboxStatus.PENDING.value, OutboxStatus.SENDING.value])
           & (col(Outbox.next_attempt_at) <= moment))  # fmt: skip
    if left_out:
        is_due = is_due & col(Outbox.id).not_in(list(left_out))
    if not fair:
        return [(i, None) for i in session.exec(select(Outbox.id).where(is_due).order_by(
            col(Outbox.next_attempt_at)).limit(BATCH)).all() if i is not None]  # fmt: skip
    found = list(session.exec(select(Outbox.workspace_id).where(is_due).distinct()).all())
    owned = mine(found)
    if not owned:
        return []
    if len(owned) < len(found):
        is_due = is_due & col(Outbox.workspace_id).in_(owned)
    place = func.row_number().over(partition_by=col(Outbox.workspace_id),
                                   order_by=col(Outbox.next_attempt_at)).label("place")  # fmt: skip
    ranked = select(col(Outbox.id), col(Outbox.workspace_id), col(Outbox.next_attempt_at),
                    place).where(is_due).subquery()  # fmt: skip
    return [(row_id, workspace) for row_id, workspace in session.execute(
        select(ranked.c.id, ranked.c.workspace_id).where(ranked.c.place <= PER_WORKSPACE)
        .order_by(ranked.c.place, ranked.c.next_attempt_at).limit(BATCH)).all()]  # fmt: skip


# The lease and the finishing UPDATE are built once, with bound parameters: building them
# for each row (the comparisons, the values) cost the sender more CPU than the query itself.
_EXPIRED = col(Outbox.status) == OutboxStatus.SENDING.value
_LEASE = (
    update(Outbox)
    .where(
        col(Outbox.id) == bindparam("row_id"),
        col(Outbox.next_attempt_at) <= bindparam("now"),
        (col(Outbox.status) == OutboxStatus.PENDING.value)
        | (_EXPIRED & (col(Outbox.lease_until) < bindparam("now"))),
    )
    .values(
        status=OutboxStatus.SENDING.value,
        lease_until=bindparam("lease_until"),
        attempts=col(Outbox.attempts) + 1,
        last_error=case((_EXPIRED, f"{UNCONFIRMED}: lease expired"), else_=col(Outbox.last_error)),
    )
    .returning(Outbox)
    .execution_options(synchronize_session=False)
)


def lease(deps: Deps, row_id: int, now: datetime) -> tuple[Outbox, bool] | None:
    """Take the row for this sender, or None if another sender has it (or it is done); with
    whether an earlier send of it may have reached Slack. Taking a row whose lease ran out
    marks it unconfirmed in the same UPDATE (its sender died, or could not record the answer),
    so no read before the lease is needed and no other sender can change the verdict."""
    with deps.session() as session:
        result = session.execute(_LEASE, {"row_id": row_id, "now": now, "lease_until": now + LEASE})
        row = result.scalars().first()
        session.commit()
        if row is None:
            return None
        return row, (row.last_error or "").startswith(UNCONFIRMED)


def finish(
    deps: Deps,
    row_id: int | None,
    *,
    status: OutboxStatus,
    next_at: datetime | None = None,
    error: str | None = None,
    sent_at: datetime | None = None,
    ts: str | None = None,
    channel: str | None = None,
) -> None:
    """Record a row's outcome (and end its lease), in a transaction of its own."""
    values: dict[str, Any] = {"status": status.value, "lease_until": None, "last_error": error}
    if next_at is not None:
        values["next_attempt_at"] = next_at
    if sent_at is not None:
        values["sent_at"] = sent_at
        values["message_ts"] = ts
    if channel:
        values["channel"] = channel  # the DM's own id (D…), for updating the message later
    with deps.transaction() as session:
        session.execute(_finishing(frozenset(values)), {"row_id": row_id, **values})


@functools.cache
def _finishing(columns: frozenset[str]) -> Any:
    """The UPDATE that finishes a row, setting these columns (one per set of columns)."""
    return (
        update(Outbox)
        .where(col(Outbox.id) == bindparam("row_id"))
        .values({name: bindparam(name) for name in sorted(columns)})
        .execution_options(synchronize_session=False)
    )
