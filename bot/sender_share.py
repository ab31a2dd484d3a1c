"""Clocks sharing the outbox by workspace.

Installed in many workspaces, Slack limits each workspace apart, and each sender learns a
workspace's pace from the 429s it gets. Two clocks sending rows of the same workspace would each
pace at the full rate (twice what Slack allows, then 429s) and would race for the same rows (a
send slot reserved for a row the other clock leased first is lost). So the live senders share
the workspaces: each workspace's rows are sent by one of them, chosen by rendezvous hashing
(when a sender comes or goes, only that sender's workspaces move).

The share is about pace, not correctness: every row is still leased with a conditional UPDATE
(bot.delivery), so while senders disagree for a moment (one has not seen the other yet) a row is
still sent once. A sender shows it is alive at each pass (every minute) and every REFRESH seconds
while it sends; one not seen for LIVE (killed) loses its workspaces to the others.
"""

import hashlib
import math
import socket
import threading
import time
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlmodel import col, select

from bot.store.db import SessionFactory
from bot.store.models import OutboxSender

LIVE = timedelta(seconds=90)  # a pass runs every minute: a sender silent this long is gone
REFRESH = 10.0  # seconds between a sender's signs of life (and its look at the others)
REFRESH_ALONE = 1.0  # the same for a sender that saw no other
FORGET = timedelta(days=1)  # rows of senders gone this long are deleted


class SenderShare:
    """One process's part in sharing the outbox (one per Deps, so per process)."""

    def __init__(
        self, id: str | None = None, *, monotonic: Callable[[], float] = time.monotonic
    ) -> None:
        self.id = id or uuid.uuid4().hex
        self._monotonic = monotonic
        self._members: tuple[str, ...] = (self.id,)
        self._looked = -math.inf
        self._lock = threading.Lock()

    def members(self, session: SessionFactory, now: datetime) -> tuple[str, ...]:
        """The live senders, this one included (sorted): shows this one alive and looks at the
        others, at most every REFRESH seconds (in between, what it saw last)."""
        with self._lock:
            # Alone, it looks again sooner: a clock starting beside it takes its share at once
            # (both were starting together, and the first saw nobody).
            wait = REFRESH if len(self._members) > 1 else REFRESH_ALONE
            if self._monotonic() - self._looked < wait:
                return self._members
            with session() as db:
                db.merge(OutboxSender(id=self.id, seen_at=now, host=socket.gethostname()))
                db.execute(delete(OutboxSender).where(col(OutboxSender.seen_at) < now - FORGET))
                live = db.exec(
                    select(OutboxSender.id).where(col(OutboxSender.seen_at) >= now - LIVE)
                ).all()
                db.commit()
            self._members = tuple(sorted(set(live) | {self.id}))
            self._looked = self._monotonic()
            return self._members

    def mine(self, workspace_ids: list[str], members: tuple[str, ...]) -> list[str]:
        """Which of these workspaces this sender sends for, among these live senders."""
        if members == (self.id,):
            return workspace_ids
        return [w for w in workspace_ids if owner(w, members) == self.id]

    def leave(self, session: SessionFactory) -> None:
        """This sender stops (a clean shutdown): the others take its workspaces at once."""
        with session() as db:
            db.execute(delete(OutboxSender).where(col(OutboxSender.id) == self.id))
            db.commit()


def owner(workspace_id: str, members: tuple[str, ...]) -> str:
    """The sender a workspace's rows belong to: the member with the highest hash of the pair."""
    return max(
        members,
        key=lambda member: hashlib.blake2b(
            f"{member}/{workspace_id}".encode(), digest_size=8
        ).digest(),
    )
