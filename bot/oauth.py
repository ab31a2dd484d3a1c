"""Add to Slack (issue 19): installing CX Coach to many workspaces with Slack's OAuth v2, through
Bolt's OAuth flow and slack_sdk's SQLAlchemy installation and state stores on our database
(tables from our migrations). Used when SLACK_CLIENT_ID is set and SLACK_BOT_TOKEN is not.

`GET /slack/install` shows the Add to Slack button; `GET /slack/oauth_redirect` completes the
flow. The state Slack hands back is signed with SLACK_STATE_SECRET and can be used once: a forged
or replayed one gets a page saying so and installs nothing."""

import hashlib
import hmac
import html
import logging
from typing import Any

from slack_bolt import BoltResponse
from slack_bolt.oauth.callback_options import CallbackOptions, FailureArgs, SuccessArgs
from slack_bolt.oauth.oauth_settings import OAuthSettings
from slack_sdk.oauth.installation_store import Installation
from slack_sdk.oauth.state_store import OAuthStateStore
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore
from sqlalchemy import Engine

from bot.config import Settings
from bot.manifest import load_manifest
from bot.store import repos
from bot.store.db import make_session_factory
from bot.store.models import utcnow
from bot.store.slack_installs import InstallationStore

logger = logging.getLogger(__name__)

STATE_SECONDS = 600  # an install must be finished within ten minutes of starting it


class SignedStateStore(OAuthStateStore):
    """slack_sdk's SQL state store, with each state signed: a state that is not ours is refused
    before the database is asked; one of ours is good once."""

    def __init__(self, secret: str, engine: Engine) -> None:
        self._secret = secret.encode()
        self._store = SQLAlchemyOAuthStateStore(expiration_seconds=STATE_SECONDS, engine=engine)

    @property
    def logger(self) -> logging.Logger:
        return logger

    def _sign(self, raw: str) -> str:
        return hmac.new(self._secret, raw.encode(), hashlib.sha256).hexdigest()[:32]

    def issue(self, *args: Any, **kwargs: Any) -> str:  # noqa: ARG002 (the interface's)
        raw = self._store.issue()
        return f"{raw}.{self._sign(raw)}"

    def consume(self, state: str) -> bool:
        raw, _, signature = state.rpartition(".")
        if not raw or not hmac.compare_digest(signature, self._sign(raw)):
            logger.warning("refused an OAuth state that CX Coach did not sign")
            return False
        return bool(self._store.consume(raw))


def installation_store(settings: Settings, engine: Engine) -> InstallationStore:
    assert settings.slack_client_id is not None
    return InstallationStore(client_id=settings.slack_client_id, engine=engine)


def workspace_key(*, enterprise_id: str | None, team_id: str | None,
                  is_enterprise_install: bool) -> str | None:  # fmt: skip
    """Whose data a request or an install belongs to: the org for an org-wide install or any
    workspace of an Enterprise Grid org (a person in two of its workspaces is one person),
    else the workspace. None: Slack named neither (a payload to refuse)."""
    if enterprise_id and (is_enterprise_install or team_id):
        return enterprise_id
    return team_id or None


def settings_for(settings: Settings, engine: Engine) -> OAuthSettings:
    """Bolt's OAuth settings: our scopes, stores and pages."""
    assert settings.slack_client_secret is not None
    assert settings.slack_state_secret is not None
    scopes = load_manifest()["oauth_config"]["scopes"]["bot"]

    def success(args: SuccessArgs) -> BoltResponse:
        key = _record(engine, args.installation)
        logger.info("installed in %s", key)
        return _page(
            200,
            "CX Coach is installed",
            "CX Coach is in your Slack now. Open it from Slack's sidebar (Apps → CX "
            "Coach): its App Home walks you through setting up your first team.",
        )

    def failure(args: FailureArgs) -> BoltResponse:
        logger.info("an install did not complete: %s", args.reason)
        if args.reason == "access_denied" or "denied" in str(args.reason):
            return _page(
                200,
                "Nothing was installed",
                "The install was cancelled in Slack, so nothing was installed. You "
                "can start again from the Add to Slack button.",
            )
        return _page(
            400,
            "The install could not be completed",
            "This link is not valid any more (it was used already, it expired, or it "
            "was not made by this CX Coach). Nothing was installed. Start again from "
            "the Add to Slack button.",
        )

    return OAuthSettings(
        client_id=settings.slack_client_id,
        client_secret=settings.slack_client_secret.get_secret_value(),
        scopes=scopes,
        installation_store=installation_store(settings, engine),
        state_store=SignedStateStore(settings.slack_state_secret.get_secret_value(), engine),
        state_validation_enabled=True,
        callback_options=CallbackOptions(success=success, failure=failure),
    )


def _record(engine: Engine, installation: Installation) -> str:
    """The workspace row of a new (or repeated) install: its org, its installer (an admin of
    it), installed now and no longer uninstalled."""
    key = workspace_key(
        enterprise_id=installation.enterprise_id,
        team_id=installation.team_id,
        is_enterprise_install=bool(installation.is_enterprise_install),
    )
    assert key is not None
    with make_session_factory(engine)() as session:
        workspace = repos.ensure_workspace(session=session, workspace_id=key)
        workspace.name = installation.enterprise_name if key == installation.enterprise_id else (
            installation.team_name)  # fmt: skip
        workspace.enterprise_id = installation.enterprise_id
        workspace.installer_user_id = installation.user_id
        workspace.installed_at, workspace.uninstalled_at = utcnow(), None
        session.add(workspace)
        session.commit()
    return key


def _page(status: int, title: str, text: str) -> BoltResponse:
    body = (f"<!doctype html><meta charset=utf-8><title>{html.escape(title)}</title>"
            f"<body style='font-family:sans-serif;max-width:40em;margin:3em auto'>"
            f"<h1>{html.escape(title)}</h1><p>{html.escape(text)}</p></body>")  # fmt: skip
    return BoltResponse(status=status, body=body,
                        headers={"Content-Type": "text/html; charset=utf-8"})  # fmt: skip
