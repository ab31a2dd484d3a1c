"""POST /ingest/tickets and /ingest/surveys: a bearer token, JSON in, counts and errors out."""

import json
import urllib.error
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from bot.config import Settings
from bot.store import repos
from bot.store.models import HelpdeskTicket, SurveyResponse
from bot.web import HttpServer, WebApp

TOKEN = "ingest-token-0123456789"


@pytest.fixture
def ingest_url(settings: Settings, engine: Engine) -> Iterator[str]:
    """The web app with INGEST_TOKEN set, one workspace installed."""
    with Session(engine) as session:
        repos.ensure_workspace(session=session, workspace_id="T0001")
        session.commit()
    configured = settings.model_copy(update={"ingest_token": Settings(
        _env_file=None, ingest_token=TOKEN).ingest_token})  # fmt: skip
    server = HttpServer(
        WebApp(settings=configured, engine=engine, app=None), host="127.0.0.1", port=0
    ).start()
    yield server.url
    server.close()


def _post(url: str, body: Any, token: str | None = TOKEN) -> tuple[int, dict[str, Any]]:
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    request = urllib.request.Request(url, data=data, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.load(response)
    except urllib.error.HTTPError as error:
        return error.code, json.load(error)


TICKET = {
    "ticket_id": "Z1", "agent": "U0AGENT", "created_at": "2026-03-01T10:00:00Z",
    "first_response_at": "2026-03-01T10:05:00Z", "solved_at": "2026-03-01T11:00:00Z",
    "agent_replies": 1, "reopened": False, "channel": "email",
}  # fmt: skip


def test_tickets_are_stored_and_counted(ingest_url: str, engine: Engine) -> None:
    """One object or a list: 200 with counts; the same id again is an update."""
    assert _post(f"{ingest_url}/ingest/tickets", TICKET) == (
        200, {"inserted": 1, "updated": 0, "rejected": [], "unmatched": []}
    )  # fmt: skip
    status, body = _post(f"{ingest_url}/ingest/tickets", [TICKET, {**TICKET, "ticket_id": "Z2"}])
    assert (status, body["inserted"], body["updated"]) == (200, 1, 1)
    with Session(engine) as session:
        assert len(session.exec(select(HelpdeskTicket)).all()) == 2


def test_bad_items_get_422_with_reasons(ingest_url: str, engine: Engine) -> None:
    """Bad items are listed by position with their reason; the good ones are stored."""
    items = [
        {"response_id": "S1", "agent": "U0AGENT", "kind": "nps", "score": 11,
         "submitted_at": "2026-03-01T10:00:00Z"},
        {"response_id": "S2", "agent": "U0AGENT", "kind": "csat", "score": 5,
         "submitted_at": "2026-03-01T10:00:00Z"},
    ]  # fmt: skip
    status, body = _post(f"{ingest_url}/ingest/surveys", items)
    assert status == 422
    assert body["rejected"] == [{"item": 1, "error": "a nps score is 0 to 10, not 11"}]
    with Session(engine) as session:
        assert [r.response_id for r in session.exec(select(SurveyResponse)).all()] == ["S2"]


@pytest.mark.parametrize(
    ("token", "body", "status"),
    [(None, TICKET, 401), ("wrong", TICKET, 401), (TOKEN, b"{not json", 400), (TOKEN, [1, 2], 400)],
)
def test_bad_requests_are_refused(
    ingest_url: str, token: str | None, body: Any, status: int
) -> None:
    """No or a wrong token is 401; a body that is not JSON objects is 400."""
    assert _post(f"{ingest_url}/ingest/tickets", body, token)[0] == status


def test_ingestion_is_off_without_a_token(server: HttpServer) -> None:
    """While INGEST_TOKEN is unset the endpoints say so (404)."""
    status, body = _post(f"{server.url}/ingest/tickets", TICKET)
    assert status == 404
    assert "INGEST_TOKEN" in body["error"]
