"""Each workspace's Slack client (issue 19): with one bot token, that token's client for all;
installed with Add to Slack, the bot token slack_sdk's installation store keeps for the
workspace (or its org), looked up when first needed and again after a while (a reinstall
brings a new token). An uninstalled workspace has no client: nothing is sent to it."""

import threading
import time
from collections.abc import Callable
from typing import Any

from slack_sdk import WebClient
from slack_sdk.oauth.installation_store import Bot
from slack_sdk.oauth.token_rotation import TokenRotator
from sqlalchemy import Engine, desc, or_, select
from sqlmodel import col

from bot.config import Settings
from bot.slack_client import make_web_client
from bot.store.models import SlackBots, Workspace
from bot.store.slack_installs import InstallationStore

FRESH_FOR = 300.0  # seconds a token found is used before the store is asked again
ROTATE_BEFORE = 120  # minutes before a rotated token expires that it is refreshed (as Bolt)


class Workspaces:
    """The Slack client of each workspace, for work that no Slack request carries (the clock,
    the outbox sender, commands)."""

    def __init__(self, settings: Settings, engine: Engine, *, default: WebClient,
                 sender: WebClient | None = None,
                 monotonic: Callable[[], float] = time.monotonic) -> None:  # fmt: skip
        self._settings = settings
        self._engine = engine
        self._default = default
        self._sender = sender
        self._monotonic = monotonic
        self._found: dict[tuple[str, bool], tuple[WebClient, float]] = {}
        self._forgotten: dict[str, int] = {}  # how often each workspace was forgotten
        self._lock = threading.Lock()

    @property
    def many(self) -> bool:
        """Installed with Add to Slack: each workspace has its own token."""
        return self._settings.oauth_mode

    def client_for(self, workspace_id: str, *, sender: bool = False) -> WebClient | None:
        """The workspace's client (`sender`: the outbox sender's, which retries nothing
        itself); None when it is not installed or was uninstalled."""
        if not self.many:
            return (self._sender or self._default) if sender else self._default
        now = self._monotonic()
        with self._lock:
            found = self._found.get((workspace_id, sender))
            if found is not None and now - found[1] < FRESH_FOR:
                return found[0]
            forgotten = self._forgotten.get(workspace_id, 0)
        token = self.token_of(workspace_id)
        if token is None:
            # Not remembered: a workspace installed again must get its sends at once.
            return None
        client = make_web_client(self._settings, retries=not sender)
        client.token = token
        with self._lock:
            # A token read before the workspace was forgotten (uninstalled meanwhile) is used
            # this once, not kept.
            if self._forgotten.get(workspace_id, 0) == forgotten:
                self._found[(workspace_id, sender)] = (client, now)
        return client

    def forget(self, workspace_id: str) -> None:
        """Drop what is known of the workspace's token (uninstalled, or revoked)."""
        with self._lock:
            for key in [key for key in self._found if key[0] == workspace_id]:
                del self._found[key]
            self._forgotten[workspace_id] = self._forgotten.get(workspace_id, 0) + 1

    def token_of(self, workspace_id: str) -> str | None:
        """The newest bot token installed for the workspace or org, unless it was uninstalled."""
        with self._engine.connect() as connection:
            gone = connection.execute(
                select(col(Workspace.uninstalled_at)).where(col(Workspace.id) == workspace_id)
            ).scalar()
            if gone is not None:
                return None
        row = self._newest_bot(workspace_id)
        if row is None:
            return None
        bot = InstallationStore.build_bot_entity(row)
        return self._rotated(bot).bot_token

    def installed(self, workspace_id: str) -> bool:
        """Whether any installation of the workspace (or of a workspace of the org) remains."""
        return self._newest_bot(workspace_id) is not None

    def _newest_bot(self, workspace_id: str) -> Any:
        bots = SlackBots.c
        with self._engine.connect() as connection:
            return connection.execute(
                select(SlackBots)
                .where(bots.client_id == self._settings.slack_client_id,
                       or_(bots.team_id == workspace_id, bots.enterprise_id == workspace_id),
                       bots.bot_token.is_not(None))
                .order_by(desc(bots.installed_at))
                .limit(1)
            ).mappings().first()  # fmt: skip

    def _rotated(self, bot: Bot) -> Bot:
        """The bot with a token good for a while yet: an expiring rotated token is refreshed
        (slack_sdk's TokenRotator) and the new one saved, as Bolt does for requests."""
        if bot.bot_token_expires_at is None or self._settings.slack_client_secret is None:
            return bot
        assert self._settings.slack_client_id is not None
        rotator = TokenRotator(client_id=self._settings.slack_client_id,
                               client_secret=self._settings.slack_client_secret.get_secret_value(),
                               client=make_web_client(self._settings))  # fmt: skip
        refreshed = rotator.perform_bot_token_rotation(
            bot=bot, minutes_before_expiration=ROTATE_BEFORE
        )
        if refreshed is None:
            return bot
        InstallationStore(client_id=self._settings.slack_client_id,
                          engine=self._engine).save_bot(refreshed)  # fmt: skip
        return refreshed
