"""Each workspace's own keys for sending helpdesk data (issue 19): a bearer token for
`/ingest/tickets|surveys` and a signing secret for the Zendesk webhook. The token is shown once
and kept as its SHA-256; making a new one retires the old at once."""

import hashlib
import secrets
from dataclasses import dataclass

from sqlmodel import Session, col, select

from bot.store import repos
from bot.store.models import Workspace


@dataclass(frozen=True)
class Keys:
    workspace_id: str
    token: str  # only now: afterwards only its hash is kept
    zendesk_secret: str


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def rotate(*, session: Session, workspace_id: str) -> Keys:
    """New keys for the workspace (the old stop working). The caller commits."""
    workspace = repos.ensure_workspace(session=session, workspace_id=workspace_id)
    token = "cxi_" + secrets.token_urlsafe(32)
    secret = secrets.token_urlsafe(32)
    workspace.ingest_token_sha256, workspace.zendesk_secret = digest(token), secret
    session.add(workspace)
    return Keys(workspace_id, token, secret)


def workspace_of_token(session: Session, token: str) -> str | None:
    """The (installed) workspace whose ingest token this is."""
    if not token:
        return None
    return session.exec(
        select(Workspace.id).where(
            col(Workspace.ingest_token_sha256) == digest(token),
            col(Workspace.uninstalled_at).is_(None),
        )
    ).first()


def zendesk_secret_of(session: Session, workspace_id: str) -> str | None:
    workspace = session.get(Workspace, workspace_id)
    if workspace is None or workspace.uninstalled_at is not None:
        return None
    return workspace.zendesk_secret


def any_keys(session: Session) -> bool:
    """Whether any installed workspace has made its own ingest token."""
    return (
        session.exec(
            select(Workspace.id)
            .where(
                col(Workspace.ingest_token_sha256).is_not(None),
                col(Workspace.uninstalled_at).is_(None),
            )
            .limit(1)
        ).first()
        is not None
    )
