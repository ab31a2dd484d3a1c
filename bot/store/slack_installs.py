"""slack_sdk's SQLAlchemy installation store on our own tables (bot.store.models), whose token
columns are SecretText: with CX_ENCRYPTION_KEY set every Slack token an install gives (bot,
user, rotating and refresh tokens) is stored encrypted like the free text (docs/PRIVACY.md),
and read back decrypted by the store, Bolt and the clock alike; `privacy rotate-key` covers
them with the rest."""

from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from sqlalchemy import Engine

from bot.store.models import SlackBots, SlackInstallations


class InstallationStore(SQLAlchemyInstallationStore):
    """slack_sdk's store, reading and writing our tables (slack_sdk builds its own copies)."""

    def __init__(self, client_id: str, engine: Engine) -> None:
        super().__init__(client_id=client_id, engine=engine)
        self.bots, self.installations = SlackBots, SlackInstallations
