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
while it sends; one not seen for LIVE (killed) loses its workspaces to the others. A sender
starting beside others waits until they have seen it, and they hand it its workspaces at the
moment it begins.
"""

import hashlib
import logging
import math
import socket
import threading
import time
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import col, select

from bot.store.db import SessionFactory
from bot.store.models import OutboxSender, WorkspacePace, utcnow

logger = logging.getLogger(__name__)

LIVE = timedelta(seconds=90)  # a pass runs every minute: a sender silent this long is gone
REFRESH = 2.0  # seconds between a sender's signs of life (and its looks at the others)
# A sender starting beside live ones begins this long after it shows up (they have all looked
# and seen it by then), and they leave it its workspaces at that moment, not when they look.
SETTLE = timedelta(seconds=REFRESH + 1)
FORGET = timedelta(days=1)  # rows of senders gone this long are deleted


class SenderShare:
    """One process's part in sharing the outbox (one per Deps, so per process)."""

    def __init__(
        self, id: str | None = None, *, monotonic: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], object] = time.sleep,
    ) -> None:  # fmt: skip
        self.id = id or uuid.uuid4().hex
        self._monotonic = monotonic
        self._sleep = sleep
        self._begins: datetime | None = None  # when this sender began: None until it showed up
        # The other live senders, with when each begins (or began; None: long ago).
        self._live: dict[str, datetime | None] = {}
        self._looked = -math.inf
        self._lock = threading.Lock()
        # Signing off and showing alive exclude each other: a pass still running when the
        # process stops (waiting to begin, say) must not show it alive again after it left.
        self._writing = threading.Lock()
        self._left = False

    def members(self, session: SessionFactory, now: datetime) -> tuple[str, ...]:
        """The senders sending at `now`, this one included (sorted): shows this one alive and
        looks at the others, at most every REFRESH seconds (in between, what it saw last).

        The first time, a sender that finds others alive waits SETTLE before it goes on: they
        see it meanwhile, and from the moment it begins they leave it its workspaces (so no
        workspace is paced by two senders, which would each slow down for the other's 429s,
        and none waits for nobody)."""
        with self._lock:
            if self._monotonic() - self._looked >= REFRESH:
                self._look(session, now)
            return tuple(sorted(
                {member for member, begins in self._live.items() if begins is None or begins <= now}
                | {self.id}
            ))  # fmt: skip

    def _look(self, session: SessionFactory, now: datetime) -> None:
        if self._begins is None:
            self._show_up(session, now)
        with self._writing, session() as db:
            if self._left:
                return
            db.execute(delete(OutboxSender).where(col(OutboxSender.seen_at) < now - FORGET))
            db.merge(OutboxSender(id=self.id, seen_at=now, host=socket.gethostname(),
                                  begins_at=self._begins))  # fmt: skip
            db.commit()
        self._others(session, now)
        self._looked = self._monotonic()

    def _show_up(self, session: SessionFactory, now: datetime) -> None:
        """Shows this sender (to begin after SETTLE), then looks at the others: alone, it begins
        at once; else it waits. Of two starting together, the one that looks last sees the
        other (each showed up before it looked), so they never both begin at once unseen."""
        with self._writing, session() as db:
            if self._left:
                return
            db.merge(OutboxSender(id=self.id, seen_at=now, host=socket.gethostname(),
                                  begins_at=now + SETTLE))  # fmt: skip
            db.commit()
        self._begins = now + SETTLE
        if not self._others(session, now):
            self._begins = now
            return
        self._sleep(SETTLE.total_seconds())

    def _others(self, session: SessionFactory, now: datetime) -> dict[str, datetime | None]:
        with session() as db:
            others = select(OutboxSender.id, OutboxSender.begins_at).where(
                col(OutboxSender.seen_at) >= now - LIVE, col(OutboxSender.id) != self.id
            )
            self._live = dict(db.execute(others).all())
        return self._live

    def mine(self, workspace_ids: list[str], members: tuple[str, ...]) -> list[str]:
        """Which of these workspaces this sender sends for, among these live senders."""
        if members == (self.id,):
            return workspace_ids
        return [w for w in workspace_ids if owner(w, members) == self.id]

    def leave(self, session: SessionFactory) -> None:
        """This sender stops (a clean shutdown): the others take its workspaces at once."""
        with self._writing, session() as db:
            self._left = True
            db.execute(delete(OutboxSender).where(col(OutboxSender.id) == self.id))
            db.commit()


def known_pace(session: SessionFactory, workspace_id: str) -> float:
    """The pace a sender learnt for this workspace (seconds between sends; 0: none yet). A
    sender taking a workspace over starts at it: starting afresh, it would send at once, get
    a 429 and measure a rate too slow (the other had just emptied Slack's allowance)."""
    try:
        with session() as db:
            pace = db.get(WorkspacePace, workspace_id)
            return pace.interval if pace is not None else 0.0
    except SQLAlchemyError as error:  # the pace is learnt again from Slack
        logger.warning("workspace %s: learnt pace unreadable (%s)", workspace_id,
                       type(error).__name__)  # fmt: skip
        return 0.0


def learnt_pace(session: SessionFactory, workspace_id: str, interval: float) -> None:
    """Keep the pace a sender learnt for this workspace, for the senders after it."""
    try:
        with session() as db:
            db.merge(WorkspacePace(workspace_id=workspace_id, interval=interval,
                                   learned_at=utcnow()))  # fmt: skip
            db.commit()
    except SQLAlchemyError as error:  # only the next sender's start is slower
        logger.warning("workspace %s: learnt pace not kept (%s)", workspace_id,
                       type(error).__name__)  # fmt: skip


def owner(workspace_id: str, members: tuple[str, ...]) -> str:
    """The sender a workspace's rows belong to: the member with the highest hash of the pair."""
    return max(
        members,
        key=lambda member: hashlib.blake2b(
            f"{member}/{workspace_id}".encode(), digest_size=8
        ).digest(),
    )
