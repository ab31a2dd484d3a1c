"""Helpdesk records over HTTP: `POST /ingest/tickets` and `POST /ingest/surveys` (ARCHITECTURE
§3), and the Slack-aware agent resolver the CSV import shares."""

import hmac
import json
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy import Engine
from sqlmodel import Session

from bot.config import Settings
from bot.services import helpdesk, teams
from bot.store import repos
from bot.store.db import make_session_factory

if TYPE_CHECKING:
    from wsgiref.types import WSGIEnvironment

MAX_BODY = 10 * 2**20  # 10 MiB per request; bigger batches go through the CSV import
Answer = tuple[int, dict[str, Any]]


def resolver(session: Session, workspace_id: str, client: WebClient | None) -> helpdesk.Resolve:
    """Slack user IDs and emails → person ids (emails through users.lookupByEmail, cached)."""
    cache: dict[str, int | None] = {}

    def resolve(agent: str) -> int | None:
        if agent not in cache:
            user_id: str | None = agent
            if "@" in agent:
                user_id = None
                if client is not None:
                    try:
                        user_id = client.users_lookupByEmail(email=agent)["user"]["id"]
                    except SlackApiError as error:
                        if error.response.get("error") != "users_not_found":
                            raise
            person = (
                teams.person_stub(session=session, workspace_id=workspace_id, slack_user_id=user_id)
                if user_id
                else None
            )
            cache[agent] = person.id if person else None
        return cache[agent]

    return resolve


def ingest(
    kind: helpdesk.Kind, environ: "WSGIEnvironment", settings: Settings, engine: Engine,
    client_factory: Callable[[], WebClient | None],
) -> Answer:  # fmt: skip
    """Check the bearer token, read a JSON object or list, store it; the status and body."""
    if settings.ingest_token is None:
        return 404, {"error": "ingestion is disabled; set INGEST_TOKEN to enable it"}
    given = str(environ.get("HTTP_AUTHORIZATION", "")).removeprefix("Bearer ").strip()
    if not hmac.compare_digest(given.encode(), settings.ingest_token.get_secret_value().encode()):
        return 401, {"error": "missing or wrong bearer token"}
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > MAX_BODY:
        return 413, {"error": f"at most {MAX_BODY // 2**20} MiB per request"}
    try:
        payload = json.loads(environ["wsgi.input"].read(length) or b"null")
    except (ValueError, UnicodeDecodeError):
        return 400, {"error": "the body is not JSON"}
    items = payload if isinstance(payload, list) else [payload]
    if not items or not all(isinstance(item, dict) for item in items):
        return 400, {"error": "send one JSON object or a list of objects"}
    records: Iterable[tuple[int, dict[str, Any]]] = enumerate(items, start=1)
    with make_session_factory(engine)() as session:
        workspace_ids = repos.workspace_ids(session=session)
        if len(workspace_ids) != 1:
            return 409, {"error": "ingestion needs exactly one workspace installed"}
        report = helpdesk.store(
            session=session, workspace_id=workspace_ids[0], kind=kind, records=records,
            resolve=resolver(session, workspace_ids[0], client_factory()),
        )  # fmt: skip
        session.commit()
    body: dict[str, Any] = {
        "inserted": report.inserted,
        "updated": report.updated,
        "rejected": [{"item": p.line, "error": p.reason} for p in report.rejected],
        "unmatched": [{"item": p.line, "note": p.reason} for p in report.unmatched],
    }
    return (422 if report.rejected else 200), body
