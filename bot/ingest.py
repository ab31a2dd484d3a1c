"""Helpdesk records over HTTP: `POST /ingest/tickets` and `POST /ingest/surveys`
(docs/ARCHITECTURE.md §3, bearer token), `POST /ingest/zendesk` (a Zendesk trigger's webhook,
signed), and the Slack-aware agent resolver the CSV import shares."""

import base64
import hashlib
import hmac
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy import Engine
from sqlmodel import Session

from bot.config import Settings
from bot.services import helpdesk, helpdesk_agents, ingest_keys, installs, teams
from bot.store.db import make_session_factory

if TYPE_CHECKING:
    from wsgiref.types import WSGIEnvironment

MAX_BODY = 10 * 2**20  # 10 MiB per request; bigger batches go through the CSV import
Answer = tuple[int, dict[str, Any]]


def resolver(session: Session, workspace_id: str, client: WebClient | None) -> helpdesk.Resolve:
    """Helpdesk agent cells → person ids (bot.services.helpdesk_agents: the agent map, Slack
    user IDs, emails through users.lookupByEmail, names of known people; never a new person
    from a name)."""

    def person_for(user_id: str) -> int | None:
        return teams.person_stub(
            session=session, workspace_id=workspace_id, slack_user_id=user_id
        ).id

    def email_to_slack(email: str) -> str | None:
        if client is None:
            return None
        try:
            return str(client.users_lookupByEmail(email=email)["user"]["id"])
        except SlackApiError as error:
            if error.response.get("error") != "users_not_found":
                raise
            return None

    return helpdesk_agents.resolve_with(
        session=session, workspace_id=workspace_id, person_for=person_for,
        email_to_slack=email_to_slack,
    )  # fmt: skip


Clients = Callable[[str], WebClient | None]  # a workspace's Slack client (bot.workspaces)
ONE_WORKSPACE = ("{what} is the whole installation's, and {count} workspaces are installed: "
                 "use the workspace's own keys (App Home → Helpdesk keys)")  # fmt: skip


def _workspace_of(given: str, settings: Settings, engine: Engine) -> str | Answer:
    """The workspace a bearer token is for: its own token, or INGEST_TOKEN where one workspace
    is installed; else the answer to give."""
    with make_session_factory(engine, reads_only=True)() as session:
        own = ingest_keys.workspace_of_token(session, given)
        if own is not None:
            return own
        installed = installs.installed(session)
        keyed = ingest_keys.any_keys(session)
    token = settings.ingest_token
    if token is None:
        if not keyed:
            return 404, {
                "error": "ingestion is disabled; set INGEST_TOKEN, or make a "
                "workspace's keys on its App Home (Helpdesk keys)"
            }
        return 401, {"error": "missing or wrong bearer token"}
    if not hmac.compare_digest(given.encode(), token.get_secret_value().encode()):
        return 401, {"error": "missing or wrong bearer token"}
    if len(installed) != 1:
        return 409, {"error": ONE_WORKSPACE.format(what="INGEST_TOKEN", count=len(installed))}
    return installed[0]


def ingest(
    kind: helpdesk.Kind, environ: "WSGIEnvironment", settings: Settings, engine: Engine,
    clients: Clients,
) -> Answer:  # fmt: skip
    """Check the bearer token, read a JSON object or list, store it in the token's workspace;
    the status and body."""
    given = str(environ.get("HTTP_AUTHORIZATION", "")).removeprefix("Bearer ").strip()
    workspace_id = _workspace_of(given, settings, engine)
    if isinstance(workspace_id, tuple):
        return workspace_id
    body = _body(environ)
    if isinstance(body, tuple):
        return body
    try:
        payload = json.loads(body or b"null")
    except (ValueError, UnicodeDecodeError, RecursionError):  # RecursionError: [[[[…
        return 400, {"error": "the body is not JSON"}
    items = payload if isinstance(payload, list) else [payload]
    if not items or not all(isinstance(item, dict) for item in items):
        return 400, {"error": "send one JSON object or a list of objects"}
    return _store(kind, items, engine, workspace_id, clients)


ZENDESK_SKEW = timedelta(minutes=5)  # signatures older (or newer) than this are replays


@dataclass(frozen=True)
class _Signing:
    workspace_id: str
    secret: str


def _zendesk_secret(environ: "WSGIEnvironment", settings: Settings,
                    engine: Engine) -> _Signing | Answer:  # fmt: skip
    """The workspace a Zendesk webhook is for (`?workspace=T…` in its URL, else the one
    installed) and the secret it is signed with; else the answer to give."""
    named = parse_qs(str(environ.get("QUERY_STRING", ""))).get("workspace", [""])[0]
    with make_session_factory(engine)() as session:
        if named:
            secret = ingest_keys.zendesk_secret_of(session, named)
            if secret is None:
                return 404, {
                    "error": f"workspace {named} has no Zendesk webhook secret; make "
                    "its keys on its App Home (Helpdesk keys)"
                }
            return _Signing(named, secret)
        installed = installs.installed(session)
    if settings.zendesk_webhook_secret is None:
        return 404, {
            "error": "the Zendesk webhook is off; set ZENDESK_WEBHOOK_SECRET, or add "
            "?workspace=T… with that workspace's own secret"
        }
    if len(installed) != 1:
        return 409, {
            "error": ONE_WORKSPACE.format(what="ZENDESK_WEBHOOK_SECRET", count=len(installed))
        }
    return _Signing(installed[0], settings.zendesk_webhook_secret.get_secret_value())


def zendesk(
    environ: "WSGIEnvironment", settings: Settings, engine: Engine, clients: Clients,
    now: datetime,
) -> Answer:  # fmt: skip
    """A Zendesk trigger's webhook: check its signature (base64 HMAC-SHA256 of timestamp + body
    with the webhook's signing secret), then store the ticket or satisfaction rating it carries
    (README → Zendesk)."""
    found = _zendesk_secret(environ, settings, engine)
    if not isinstance(found, _Signing):
        return found
    workspace_id, secret_text = found.workspace_id, found.secret
    body = _body(environ)
    if isinstance(body, tuple):
        return body
    stamp = str(environ.get("HTTP_X_ZENDESK_WEBHOOK_SIGNATURE_TIMESTAMP", ""))
    given = str(environ.get("HTTP_X_ZENDESK_WEBHOOK_SIGNATURE", ""))
    secret = str(secret_text).encode()
    expected = base64.b64encode(hmac.new(secret, stamp.encode() + body, hashlib.sha256).digest())
    if not stamp or not hmac.compare_digest(given.encode(), expected):
        return 401, {"error": "missing or wrong X-Zendesk-Webhook-Signature"}
    try:
        signed_at = helpdesk.timestamp(stamp, "timestamp")
    except helpdesk.RecordError:
        return 401, {"error": "X-Zendesk-Webhook-Signature-Timestamp is not a time"}
    if abs(now - signed_at) > ZENDESK_SKEW:
        return 401, {"error": "the signature timestamp is more than 5 minutes off; replay refused"}
    try:
        item = json.loads(body)
    except (ValueError, UnicodeDecodeError, RecursionError):  # RecursionError: [[[[…
        return 400, {"error": "the body is not JSON"}
    if not isinstance(item, dict):
        return 400, {"error": "the body must be one JSON object (README → Zendesk)"}
    kind = str(item.pop("type", "ticket")).strip().lower()
    if kind == "ticket":
        return _store("tickets", [item], engine, workspace_id, clients)
    if kind != "survey":
        return 400, {"error": f"type `{kind}` must be ticket or survey"}
    rating = " ".join(str(item.get("score", "")).strip().lower().split())
    if rating in helpdesk.NOT_RATED:
        return 200, {"inserted": 0, "updated": 0, "rejected": [], "unmatched": [],
                     "note": "no rating yet; nothing stored"}  # fmt: skip
    item.setdefault("kind", "csat")
    return _store("surveys", [item], engine, workspace_id, clients)


def _body(environ: "WSGIEnvironment") -> bytes | Answer:
    """The request body, or the 413 to answer."""
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > MAX_BODY:
        return 413, {"error": f"at most {MAX_BODY // 2**20} MiB per request"}
    body: bytes = environ["wsgi.input"].read(length) if length else b""
    return body


def _store(
    kind: helpdesk.Kind, items: list[dict[str, Any]], engine: Engine, workspace_id: str,
    clients: Clients,
) -> Answer:  # fmt: skip
    records: Iterable[tuple[int, dict[str, Any]]] = enumerate(items, start=1)
    with make_session_factory(engine)() as session:
        report = helpdesk.store(
            session=session, workspace_id=workspace_id, kind=kind, records=records,
            resolve=resolver(session, workspace_id, clients(workspace_id)),
        )  # fmt: skip
        session.commit()
    body: dict[str, Any] = {
        "inserted": report.inserted,
        "updated": report.updated,
        "rejected": [{"item": p.line, "error": p.reason} for p in report.rejected],
        "unmatched": [{"item": p.line, "note": p.reason} for p in report.unmatched],
    }
    return (422 if report.rejected else 200), body
