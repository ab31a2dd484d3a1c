"""Each workspace's own helpdesk API credentials for the live sync (issue 19): installed in many
workspaces, one company's ZENDESK_* or FRESHDESK_* settings cannot serve them all."""

import re
from dataclasses import dataclass

from sqlmodel import Session

from bot.store import repos
from bot.store.models import HelpdeskSync

SOURCES = ("zendesk", "freshdesk")
URL = re.compile(r"^https?://[^/\s]+$")


class CredentialError(ValueError):
    """Credentials that cannot work; `field` is the input to show it beside."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class Credentials:
    url: str
    user: str | None  # Zendesk: the agent's email; Freshdesk: none (the key is the user)
    secret: str  # Zendesk: an API token; Freshdesk: an API key


def save(*, session: Session, workspace_id: str, source: str, url: str, user: str | None,
         secret: str) -> Credentials:  # fmt: skip
    """Check and keep the workspace's credentials for `source`. The caller commits."""
    if source not in SOURCES:
        raise CredentialError("source", "Pick Zendesk or Freshdesk.")
    url = url.strip().rstrip("/")
    if not URL.match(url):
        raise CredentialError("url", "Your helpdesk's address, like https://acme.zendesk.com")
    if source == "zendesk" and not (user and "@" in user):
        raise CredentialError("user", "The email of the Zendesk agent whose API token this is.")
    if not secret.strip():
        raise CredentialError("secret", "Paste the API token (Zendesk) or API key (Freshdesk).")
    repos.ensure_workspace(session=session, workspace_id=workspace_id)
    state = session.get(HelpdeskSync, (workspace_id, source)) or HelpdeskSync(
        workspace_id=workspace_id, source=source)  # fmt: skip
    state.api_url, state.api_user = url, (user or "").strip() or None
    state.api_secret, state.last_error = secret.strip(), None
    session.add(state)
    return Credentials(url, state.api_user, secret.strip())


def of(session: Session, workspace_id: str, source: str) -> Credentials | None:
    """The workspace's own credentials for `source`, if it has any."""
    state = session.get(HelpdeskSync, (workspace_id, source))
    if state is None or not state.api_url or not state.api_secret:
        return None
    return Credentials(state.api_url, state.api_user, state.api_secret)
