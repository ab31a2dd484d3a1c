"""The one object that carries a process's settings, database, Slack client and clock."""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from slack_sdk import WebClient
from sqlalchemy import Engine

from bot.config import Settings
from bot.slack_client import make_web_client
from bot.store.db import SessionFactory, make_engine, make_session_factory
from bot.store.models import utcnow


@dataclass(frozen=True)
class Deps:
    """Everything a listener, job or service needs from the outside world."""

    settings: Settings
    engine: Engine
    session: SessionFactory
    slack: WebClient
    clock: Callable[[], datetime] = field(default=utcnow)

    @classmethod
    def from_settings(cls, settings: Settings, *, engine: Engine | None = None) -> "Deps":
        """Wire real parts for `settings`; pass `engine` to share one already built."""
        engine = engine if engine is not None else make_engine(settings.database_url)
        return cls(
            settings=settings,
            engine=engine,
            session=make_session_factory(engine),
            slack=make_web_client(settings),
        )
