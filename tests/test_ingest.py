"""POST /ingest/tickets and /ingest/surveys: a bearer token, JSON in, counts and errors out."""

import base64
import hashlib
import hmac
import json
import urllib.error
import urllib.request
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
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
    [(None, TICKET, 401), ("wrong", TICKET, 401), (TOKEN, b"{not json", 400), (TOKEN, [1, 2], 400),
     (TOKEN, b"[" * 100_000 + b"]" * 100_000, 400)],
    ids=["no token", "wrong token", "not json", "not objects", "nested 100,000 deep"],
)  # fmt: skip
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


SECRET = "zendesk-signing-secret"
NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
ZENDESK_VALUES = {
    "ticket.id": "4321", "ticket.assignee.email": "ana@example.com",
    "ticket.created_at_with_timestamp": "2026-03-01T10:00Z",
    "ticket.updated_at_with_timestamp": "2026-03-01T11:30Z", "ticket.via": "Mail",
    "satisfaction.current_rating": "Good",
}  # fmt: skip


@pytest.fixture
def zendesk_url(settings: Settings, engine: Engine) -> Iterator[str]:
    """The web app with ZENDESK_WEBHOOK_SECRET set, its clock at NOW, one workspace."""
    with Session(engine) as session:
        repos.ensure_workspace(session=session, workspace_id="T0001")
        session.commit()
    secret = Settings(_env_file=None, zendesk_webhook_secret=SECRET).zendesk_webhook_secret
    configured = settings.model_copy(update={"zendesk_webhook_secret": secret})
    app = WebApp(settings=configured, engine=engine, app=None, clock=lambda: NOW)
    server = HttpServer(app, host="127.0.0.1", port=0).start()
    yield f"{server.url}/ingest/zendesk"
    server.close()


def _template(name: str, **values: str) -> bytes:
    """The README's trigger body, with the placeholders filled as Zendesk would."""
    readme = (Path(__file__).parent.parent / "README.md").read_text()
    block = readme.split(f"<!-- zendesk-{name}-template -->")[1].split("```json")[1]
    body = block.split("```")[0]
    for placeholder, value in {**ZENDESK_VALUES, **values}.items():
        body = body.replace("{{" + placeholder + "}}", value)
    return body.encode()


def _zendesk(url: str, body: bytes, *, secret: str = SECRET, at: datetime = NOW,
             signature: str | None = None) -> tuple[int, dict[str, Any]]:  # fmt: skip
    stamp = at.strftime("%Y-%m-%dT%H:%M:%SZ")
    digest = hmac.new(secret.encode(), stamp.encode() + body, hashlib.sha256).digest()
    headers = {
        "Content-Type": "application/json",
        "X-Zendesk-Webhook-Signature": signature or base64.b64encode(digest).decode(),
        "X-Zendesk-Webhook-Signature-Timestamp": stamp,
    }
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.load(response)
    except urllib.error.HTTPError as error:
        return error.code, json.load(error)


def test_zendesk_solved_trigger_stores_the_ticket(zendesk_url: str, engine: Engine) -> None:
    """The README's trigger body, signed, lands as a solved ticket; a re-send updates it."""
    assert _zendesk(zendesk_url, _template("ticket"))[0] == 200
    with Session(engine) as session:
        ticket = session.exec(select(HelpdeskTicket)).one()
    assert (ticket.ticket_id, ticket.agent, ticket.channel) == ("4321", "ana@example.com", "Mail")
    assert ticket.solved_at == datetime(2026, 3, 1, 11, 30, tzinfo=UTC)
    assert _zendesk(zendesk_url, _template("ticket"))[1]["updated"] == 1


def test_zendesk_does_not_wipe_what_an_export_imported(zendesk_url: str, engine: Engine) -> None:
    """Reply counts a CSV import set survive a webhook that does not carry them."""
    with Session(engine) as session:
        ticket = HelpdeskTicket(
            workspace_id="T0001", ticket_id="4321", agent="ana@example.com",
            created_at=NOW - timedelta(hours=2), agent_replies=1, reopened=False,
            first_response_at=NOW - timedelta(hours=1),
        )  # fmt: skip
        session.add(ticket)
        session.commit()
    assert _zendesk(zendesk_url, _template("ticket"))[0] == 200
    with Session(engine) as session:
        ticket = session.exec(select(HelpdeskTicket)).one()
    assert (ticket.agent_replies, ticket.first_response_at) == (1, NOW - timedelta(hours=1))
    assert ticket.solved_at == datetime(2026, 3, 1, 11, 30, tzinfo=UTC)


def test_zendesk_ratings_become_csat(zendesk_url: str, engine: Engine) -> None:
    """Good is a CSAT 5, Bad a 1 (same response id: updated); Offered stores nothing."""
    assert _zendesk(zendesk_url, _template("survey", **{"ticket.id": "7"}))[0] == 200
    assert _zendesk(zendesk_url, _template("survey", **{
        "ticket.id": "8", "satisfaction.current_rating": "Offered"}))[0] == 200  # fmt: skip
    assert _zendesk(zendesk_url, _template("survey", **{
        "ticket.id": "9", "satisfaction.current_rating": "Good"}))[0] == 200  # fmt: skip
    assert _zendesk(zendesk_url, _template("survey", **{
        "ticket.id": "9", "satisfaction.current_rating": "Bad"}))[1]["updated"] == 1  # fmt: skip
    with Session(engine) as session:
        scores = {(r.response_id, r.kind, r.score) for r in session.exec(select(SurveyResponse))}
    assert scores == {("zendesk-csat-7", "csat", 5), ("zendesk-csat-9", "csat", 1)}


@pytest.mark.parametrize(
    ("change", "status"),
    [
        ({"secret": "someone-else"}, 401),
        ({"signature": "bm90IGEgc2lnbmF0dXJl"}, 401),
        ({"at": NOW - timedelta(minutes=6)}, 401),
        ({"at": NOW + timedelta(minutes=6)}, 401),
        ({"at": NOW - timedelta(minutes=4)}, 200),
    ],
)
def test_zendesk_signature_and_replays(
    zendesk_url: str, engine: Engine, change: dict[str, Any], status: int
) -> None:
    """A wrong secret or signature, or a timestamp 5+ minutes off, is refused; nothing stored."""
    assert _zendesk(zendesk_url, _template("ticket"), **change)[0] == status
    with Session(engine) as session:
        assert len(session.exec(select(HelpdeskTicket)).all()) == (status == 200)


def test_zendesk_bad_bodies_are_explained(zendesk_url: str) -> None:
    """Unknown types and non-objects get a specific error."""
    assert _zendesk(zendesk_url, b'{"type": "user"}') == (
        400, {"error": "type `user` must be ticket or survey"})  # fmt: skip
    assert _zendesk(zendesk_url, b"[1]")[0] == 400
    deep = b"[" * 100_000 + b"]" * 100_000  # RecursionError in json: a 400, not a 500
    assert _zendesk(zendesk_url, deep) == (400, {"error": "the body is not JSON"})


def test_an_unassigned_solved_ticket_is_kept_and_counts_once_assigned(
    zendesk_url: str, engine: Engine
) -> None:
    """Zendesk sends a solved ticket nobody is assigned to: 200 (not a failed delivery), kept
    without an agent; the same ticket again with an assignee counts for them. Ratings are
    read in any case."""
    status, body = _zendesk(zendesk_url, _template("ticket", **{"ticket.assignee.email": ""}))
    assert (status, body["inserted"], body["rejected"]) == (200, 1, [])
    assert "no agent assigned" in json.dumps(body["unmatched"])
    assert _zendesk(zendesk_url, _template("ticket"))[1]["updated"] == 1
    assert _zendesk(zendesk_url, _template("survey", **{
        "ticket.id": "7", "satisfaction.current_rating": "GOOD"}))[0] == 200  # fmt: skip
    with Session(engine) as session:
        ticket = session.exec(select(HelpdeskTicket)).one()
        survey = session.exec(select(SurveyResponse)).one()
    assert ticket.person_id is not None
    assert survey.score == 5


def test_zendesk_is_off_without_a_secret(server: HttpServer) -> None:
    """While ZENDESK_WEBHOOK_SECRET is unset the endpoint says so (404)."""
    status, body = _zendesk(f"{server.url}/ingest/zendesk", _template("ticket"))
    assert status == 404
    assert "ZENDESK_WEBHOOK_SECRET" in body["error"]
