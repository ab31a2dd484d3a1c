"""One sync of one helpdesk for one workspace: lease it (two clocks never run it at once), pull
tickets and then ratings page by page, store each page through the same checks and upserts as
an import (bot.services.helpdesk), and keep the cursor with it — so a sync that stops resumes
where it stopped, and a page seen twice changes nothing. A rejected credential is recorded for
the admins' App Home and raised; the clock tries again at its next run, not in a loop."""

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Literal

from slack_sdk import WebClient
from sqlalchemy import Engine, or_, update
from sqlmodel import Session, col, select

from bot.config import Settings
from bot.ingest import resolver
from bot.services import helpdesk
from bot.store import bulk, repos
from bot.store.db import make_session_factory
from bot.store.models import HelpdeskSync
from bot.sync import freshdesk, zendesk
from bot.sync.api import ApiError, AuthRejected, HelpdeskApi

Source = Literal["zendesk", "freshdesk"]
LEASE = timedelta(minutes=15)
FIRST_SYNC = timedelta(days=90)  # how far back a first sync reaches without --since
# Records stored per transaction: pages are gathered up to this many (with the cursor past the
# last page), so the rollups are brought up to date once per batch, not once per page. A sync
# that stops loses at most one batch, which the next fetches again (storing is idempotent).
STORE_BATCH = 20_000


class SyncBusy(Exception):
    """Another process holds this sync right now."""


@dataclass
class SyncReport:
    """What one sync stored."""

    source: str
    tickets: helpdesk.ImportReport = field(default_factory=helpdesk.ImportReport)
    ratings: helpdesk.ImportReport = field(default_factory=helpdesk.ImportReport)
    requests: int = 0

    def summary(self) -> str:
        """One line for the operator."""
        return (
            f"{self.source}: tickets {self.tickets.summary()}; ratings {self.ratings.summary()} "
            f"({self.requests} API requests)"
        )


def api_for(settings: Settings, source: Source, **options: Any) -> HelpdeskApi | None:
    """The API client for `source` from the settings, or None when it is not configured."""
    if source == "zendesk" and (zendesk_settings := settings.zendesk_sync()):
        url, email, token = zendesk_settings
        return HelpdeskApi(url, f"{email}/token", token, **options)  # Zendesk's token auth
    if source == "freshdesk" and (freshdesk_settings := settings.freshdesk_sync()):
        url, key = freshdesk_settings
        return HelpdeskApi(url, key, "X", **options)  # Freshdesk: the key, any password
    return None


def api_with(source: Source, url: str, user: str | None, secret: str,
             **options: Any) -> HelpdeskApi:  # fmt: skip
    """The API client for a workspace's own credentials (bot.services.helpdesk_credentials)."""
    if source == "zendesk":
        return HelpdeskApi(url, f"{user}/token", secret, **options)
    return HelpdeskApi(url, secret, "X", **options)


def sync(
    *, engine: Engine, api: HelpdeskApi, source: Source, workspace_id: str,
    client: WebClient | None, now: datetime, since: datetime | None = None,
) -> SyncReport:  # fmt: skip
    """Run one sync; SyncBusy if another holds it, AuthRejected or ApiError (recorded) if the
    helpdesk says no."""
    sessions = make_session_factory(engine)
    _lease(sessions, workspace_id, source, now)
    report = SyncReport(source)
    try:
        with sessions() as session:
            state = session.get(HelpdeskSync, (workspace_id, source))
            assert state is not None
            tickets_cursor, ratings_cursor = state.tickets_cursor, state.ratings_cursor
        start = since or now - FIRST_SYNC
        # Generators: nothing is asked of the helpdesk until each is read, tickets first.
        if source == "zendesk":
            tickets = zendesk.ticket_pages(api, tickets_cursor, start)
            ratings = zendesk.rating_pages(api, ratings_cursor, start)
        else:
            emails = freshdesk.agents(api)
            tickets = freshdesk.ticket_pages(api, tickets_cursor, start, emails)
            ratings = freshdesk.rating_pages(api, ratings_cursor, start, emails)
        _store_pages(sessions, workspace_id, source, "tickets", tickets, report.tickets, client)
        _store_pages(sessions, workspace_id, source, "surveys", ratings, report.ratings, client)
    except (AuthRejected, ApiError) as error:
        _finish(sessions, workspace_id, source, now, str(error))
        raise
    except BaseException:
        _finish(sessions, workspace_id, source, now, "the sync stopped with an error (see logs)")
        raise
    _finish(sessions, workspace_id, source, now, None)
    report.requests = api.requests
    return report


def _store_pages(
    sessions: Callable[[], Session], workspace_id: str, source: str, kind: helpdesk.Kind,
    pages: Iterator[tuple[list[dict[str, Any]], str]], total: helpdesk.ImportReport,
    client: WebClient | None,
) -> None:  # fmt: skip
    cursor_column = "tickets_cursor" if kind == "tickets" else "ratings_cursor"
    waiting: list[dict[str, Any]] = []
    last: str | None = None
    for records, cursor in pages:
        waiting += records
        if len(waiting) >= STORE_BATCH:
            _store(sessions, workspace_id, source, kind, waiting, cursor_column, cursor, total,
                   client)  # fmt: skip
            waiting = []
        last = cursor
    if last is not None:
        _store(sessions, workspace_id, source, kind, waiting, cursor_column, last, total, client)


def _store(
    sessions: Callable[[], Session], workspace_id: str, source: str, kind: helpdesk.Kind,
    records: list[dict[str, Any]], cursor_column: str, cursor: str,
    total: helpdesk.ImportReport, client: WebClient | None,
) -> None:  # fmt: skip
    """Store pages' records and the cursor past them, in one transaction."""
    with sessions() as session:
        page = helpdesk.store(
            session=session, workspace_id=workspace_id, kind=kind,
            records=enumerate(records, start=1), resolve=resolver(session, workspace_id, client),
        )  # fmt: skip
        session.execute(
            update(HelpdeskSync)
            .where(col(HelpdeskSync.workspace_id) == workspace_id,
                   col(HelpdeskSync.source) == source)
            .values({cursor_column: cursor})
        )  # fmt: skip
        session.commit()  # the records and the cursor past them, together
    total.inserted += page.inserted
    total.updated += page.updated
    total.not_rated += page.not_rated
    total.rejected += page.rejected
    total.unmatched += page.unmatched


def _lease(sessions: Callable[[], Session], workspace_id: str, source: str, now: datetime) -> None:
    with sessions() as session:
        repos.ensure_workspace(session=session, workspace_id=workspace_id)
        insert = bulk.dialect_insert(session)
        session.execute(
            insert(HelpdeskSync).values(workspace_id=workspace_id, source=source)
            .on_conflict_do_nothing()
        )  # fmt: skip
        taken = session.execute(
            update(HelpdeskSync)
            .where(
                col(HelpdeskSync.workspace_id) == workspace_id,
                col(HelpdeskSync.source) == source,
                or_(col(HelpdeskSync.lease_until).is_(None), col(HelpdeskSync.lease_until) < now),
            )
            .values(lease_until=now + LEASE)
            .returning(col(HelpdeskSync.source))
        ).first()
        session.commit()
    if taken is None:
        raise SyncBusy(f"a {source} sync is already running for {workspace_id}")


def _finish(
    sessions: Callable[[], Session], workspace_id: str, source: str, now: datetime,
    error: str | None,
) -> None:  # fmt: skip
    with sessions() as session:
        session.execute(
            update(HelpdeskSync)
            .where(col(HelpdeskSync.workspace_id) == workspace_id,
                   col(HelpdeskSync.source) == source)
            .values(lease_until=None, last_run_at=now,
                    last_error=error[:300] if error else None)
        )  # fmt: skip
        session.commit()


def problems(*, session: Session, workspace_id: str) -> list[HelpdeskSync]:
    """Syncs whose last run failed (for the admins' App Home)."""
    return list(
        session.exec(
            select(HelpdeskSync).where(
                HelpdeskSync.workspace_id == workspace_id,
                col(HelpdeskSync.last_error).is_not(None),
            )
        ).all()
    )
