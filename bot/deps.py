"""The one object that carries a process's settings, database, Slack client and clock."""

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime

from slack_sdk import WebClient
from sqlalchemy import Engine
from sqlmodel import Session

from bot import sender_share
from bot.after_ack import AfterAck
from bot.config import Settings
from bot.installation import HomeTeam
from bot.pacer import Pacer
from bot.sender_share import SenderShare
from bot.slack_client import make_web_client
from bot.store import crypto
from bot.store.db import SessionFactory, make_engine, make_session_factory
from bot.store.models import utcnow
from bot.workspaces import Workspaces

WORKSPACE_PROBE = 100  # sends without a 429 before a workspace's pace tries 2 % faster
# Threads for work after the ack (database, Slack calls): few, so acks keep the CPU.
AFTER_ACK_THREADS = 4

Defer = Callable[[Callable[[], object]], None]
"""A listener's `defer` argument: run work after the ack, on bot.app's after-ack pool, with the
global error handling (the person hears "try again" if it fails)."""


@dataclass(frozen=True)
class Deps:
    """Everything a listener, job or service needs from the outside world."""

    settings: Settings
    engine: Engine
    session: SessionFactory
    slack: WebClient
    # The outbox sender's client: it retries nothing itself (bot.delivery decides).
    sender: WebClient | None = None
    clock: Callable[[], datetime] = field(default=utcnow)
    # Sessions that only read: on SQLite they take no write lock (bot.store.db.read_only).
    reader: SessionFactory | None = None
    # The workspace our token belongs to (auth.test, asked once): requests from others are
    # refused (bot.installation). None: not checked (tests that build Deps by hand).
    home: HomeTeam | None = None
    after_ack: AfterAck = field(default_factory=lambda: AfterAck(threads=AFTER_ACK_THREADS))
    # The outbox sender's pace, learnt from Slack's 429s: one per process (dataclasses.replace
    # keeps it shared), fresh for each test's Deps.
    pacer: Pacer = field(default_factory=Pacer)
    # Each workspace's client (bot.workspaces); None: `slack` for every workspace (one token).
    workspaces: Workspaces | None = None
    # Installed in many workspaces, each has its own pace: Slack limits each apart.
    pacers: dict[str, Pacer] = field(default_factory=dict)
    # With many workspaces, the live clocks share them: each sends its own (bot.sender_share).
    share: SenderShare = field(default_factory=SenderShare)

    def client_for(self, workspace_id: str, *, sender: bool = False) -> WebClient | None:
        """The Slack client for work in one workspace (`sender`: the outbox sender's); None
        when the workspace has no installation (uninstalled)."""
        if self.workspaces is not None:
            return self.workspaces.client_for(workspace_id, sender=sender)
        return (self.sender or self.slack) if sender else self.slack

    def pacer_for(self, workspace_id: str) -> Pacer:
        """The sender's pace in one workspace (with one token: the process's one pace)."""
        if self.workspaces is None or not self.workspaces.many:
            return self.pacer
        pacer = self.pacers.get(workspace_id)
        if pacer is None:  # at the pace learnt before, by this sender or another
            pacer = self.pacers.setdefault(workspace_id, Pacer(
                probe_every=WORKSPACE_PROBE,
                interval=sender_share.known_pace(self.session, workspace_id),
                on_learn=functools.partial(sender_share.learnt_pace, self.session, workspace_id),
            ))  # fmt: skip
        return pacer

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """One unit of work: a session committed when the block ends normally, rolled back
        (and closed) when it raises. Services never commit; their caller uses this."""
        with self.session() as session:
            yield session
            session.commit()

    def read_session(self) -> Session:
        """A session for reads only (falls back to `session` where none was wired)."""
        return (self.reader or self.session)()

    @classmethod
    def from_settings(cls, settings: Settings, *, engine: Engine | None = None) -> "Deps":
        """Wire real parts for `settings`; pass `engine` to share one already built."""
        engine = engine if engine is not None else make_engine(settings.database_url)
        crypto.configure(*settings.encryption_keys())  # free text at rest (docs/PRIVACY.md)
        slack = make_web_client(settings)
        sender = make_web_client(settings, retries=False)
        return cls(
            settings=settings,
            engine=engine,
            session=make_session_factory(engine),
            reader=make_session_factory(engine, reads_only=True),
            slack=slack,
            # One token serves one workspace, which auth.test names; Add to Slack serves many.
            home=None if settings.oauth_mode else HomeTeam(slack),
            sender=sender,
            workspaces=Workspaces(settings, engine, default=slack, sender=sender),
        )
