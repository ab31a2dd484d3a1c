"""Settings for CX Coach: every environment variable of docs/ARCHITECTURE.md §2, validated in one
place.

There is no module-level instance: `bot.__main__` builds one from the environment (and `.env`),
tests build their own with keyword arguments.
"""

import re
from typing import Annotated, Literal

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

_SLACK_USER_ID = re.compile(r"^[UW][A-Z0-9]{2,}$")

# Field name -> environment variable, for messages that name what the operator has to fix.
ENV_NAMES = {
    "slack_bot_token": "SLACK_BOT_TOKEN",
    "slack_signing_secret": "SLACK_SIGNING_SECRET",
    "slack_app_token": "SLACK_APP_TOKEN",
    "slack_api_base_url": "SLACK_API_BASE_URL",
    "database_url": "DATABASE_URL",
    "port": "PORT",
    "ingest_token": "INGEST_TOKEN",
    "zendesk_webhook_secret": "ZENDESK_WEBHOOK_SECRET",
    "zendesk_url": "ZENDESK_URL",
    "zendesk_email": "ZENDESK_EMAIL",
    "zendesk_api_token": "ZENDESK_API_TOKEN",
    "freshdesk_url": "FRESHDESK_URL",
    "freshdesk_api_key": "FRESHDESK_API_KEY",
    "helpdesk_sync_minutes": "HELPDESK_SYNC_MINUTES",
    "cx_admins": "CX_ADMINS",
    "slack_client_id": "SLACK_CLIENT_ID",
    "slack_client_secret": "SLACK_CLIENT_SECRET",
    "slack_state_secret": "SLACK_STATE_SECRET",
    "uninstall_grace_days": "UNINSTALL_GRACE_DAYS",
    "public_url": "PUBLIC_URL",
    "cx_encryption_key": "CX_ENCRYPTION_KEY",
    "cx_encryption_old_keys": "CX_ENCRYPTION_OLD_KEYS",
}


class Settings(BaseSettings):
    """Validated configuration of one CX Coach process."""

    model_config = SettingsConfigDict(
        env_file=".env",
        env_file_encoding="utf-8",
        env_ignore_empty=True,
        extra="ignore",
        frozen=True,
    )

    slack_bot_token: SecretStr | None = None
    slack_signing_secret: SecretStr | None = None
    slack_app_token: SecretStr | None = None
    slack_api_base_url: str = "https://slack.com/api/"
    # Installing to many workspaces with "Add to Slack" (bot.oauth): used when no bot token is set.
    slack_client_id: str | None = None
    slack_client_secret: SecretStr | None = None
    slack_state_secret: SecretStr | None = None
    # Days an uninstalled workspace's data is kept in case it is installed again.
    uninstall_grace_days: int = Field(default=30, ge=1, le=365)
    # CX Coach's own https address (its load balancer's): shown to admins where their helpdesk
    # must send data, since the admin of a workspace hosted by someone else cannot know it.
    public_url: str | None = None
    database_url: str = "sqlite:///cx_coach.db"
    port: int = Field(default=3000, ge=1, le=65535)
    ingest_token: SecretStr | None = None
    zendesk_webhook_secret: SecretStr | None = None
    # Live sync of helpdesk data (bot.sync): Zendesk's API (an agent's email and API token) and
    # Freshdesk's (an API key); the clock syncs every HELPDESK_SYNC_MINUTES when configured.
    zendesk_url: str | None = None
    zendesk_email: str | None = None
    zendesk_api_token: SecretStr | None = None
    freshdesk_url: str | None = None
    freshdesk_api_key: SecretStr | None = None
    helpdesk_sync_minutes: int = Field(default=15, ge=1, le=1440)
    cx_admins: Annotated[tuple[str, ...], NoDecode] = ()
    log_format: Literal["text", "json"] = "text"  # json: one JSON object per log line
    # Free text encrypted at rest (bot.store.crypto, docs/PRIVACY.md); old keys still open rows
    # written with them until `python -m bot privacy rotate-key`.
    cx_encryption_key: SecretStr | None = None
    cx_encryption_old_keys: Annotated[tuple[SecretStr, ...], NoDecode] = ()

    @field_validator("cx_encryption_key")
    @classmethod
    def _encryption_key_shape(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None:
            from bot.store.crypto import KeyProblem, check_key

            try:
                check_key(value.get_secret_value())
            except KeyProblem as error:
                raise ValueError(str(error).removeprefix("CX_ENCRYPTION_KEY ")) from None
        return value

    @field_validator("cx_encryption_old_keys", mode="before")
    @classmethod
    def _split_old_keys(cls, value: object) -> tuple[SecretStr, ...]:
        from bot.store.crypto import KeyProblem, check_key

        if isinstance(value, str):
            parts: list[object] = list(value.split(","))
        elif isinstance(value, list | tuple):
            parts = list(value)
        else:
            raise ValueError("must be a comma-separated list of keys")
        texts = [p.get_secret_value() if isinstance(p, SecretStr) else str(p) for p in parts]
        keys = tuple(SecretStr(text.strip()) for text in texts if text.strip())
        for number, key in enumerate(keys, start=1):
            try:
                check_key(key.get_secret_value())
            except KeyProblem:
                raise ValueError(
                    f"key {number} is not a key (44 characters, URL-safe base64)"
                ) from None
        return keys

    def encryption_keys(self) -> tuple[str | None, tuple[str, ...]]:
        """The key to write with, and the older ones that still read."""
        key = self.cx_encryption_key.get_secret_value() if self.cx_encryption_key else None
        return key, tuple(old.get_secret_value() for old in self.cx_encryption_old_keys)

    @field_validator("slack_bot_token")
    @classmethod
    def _bot_token_shape(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not value.get_secret_value().startswith("xoxb-"):
            raise ValueError(
                "must be a bot token starting with xoxb- "
                "(Slack app → OAuth & Permissions → Bot User OAuth Token)"
            )
        return value

    @field_validator("slack_app_token")
    @classmethod
    def _app_token_shape(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not value.get_secret_value().startswith("xapp-"):
            raise ValueError(
                "must be an app-level token starting with xapp- "
                "(Slack app → Basic Information → App-Level Tokens, scope connections:write)"
            )
        return value

    @field_validator("slack_signing_secret")
    @classmethod
    def _signing_secret_shape(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and re.search(r"\s", value.get_secret_value()):
            raise ValueError(
                "must not contain spaces (Slack app → Basic Information → Signing Secret)"
            )
        return value

    @field_validator("ingest_token")
    @classmethod
    def _ingest_token_strength(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and len(value.get_secret_value()) < 16:
            raise ValueError(
                "must be at least 16 characters; generate one with "
                "`python -c 'import secrets; print(secrets.token_urlsafe(32))'`"
            )
        return value

    @field_validator("zendesk_url", "freshdesk_url")
    @classmethod
    def _helpdesk_url_shape(cls, value: str | None) -> str | None:
        if value is not None and not re.match(r"^https?://[^/\s]+$", value.rstrip("/")):
            raise ValueError("must be your helpdesk's address, like https://acme.zendesk.com")
        return value.rstrip("/") if value else value

    def zendesk_sync(self) -> tuple[str, str, str] | None:
        """(URL, email, API token) when Zendesk's API is configured."""
        if self.zendesk_url and self.zendesk_email and self.zendesk_api_token:
            return self.zendesk_url, self.zendesk_email, self.zendesk_api_token.get_secret_value()
        return None

    def freshdesk_sync(self) -> tuple[str, str] | None:
        """(URL, API key) when Freshdesk's API is configured."""
        if self.freshdesk_url and self.freshdesk_api_key:
            return self.freshdesk_url, self.freshdesk_api_key.get_secret_value()
        return None

    @field_validator("public_url")
    @classmethod
    def _public_url_shape(cls, value: str | None) -> str | None:
        from bot.manifest import base_url  # (the setup page reads a pasted address so too)

        if value is not None and not re.match(r"^https://[^/\s]+(/\S*)?$", value.strip()):
            raise ValueError("must be CX Coach's own https address, like https://cx.example.com")
        return base_url(value) if value else value

    @field_validator("slack_api_base_url")
    @classmethod
    def _base_url_shape(cls, value: str) -> str:
        if not re.match(r"^https?://[^/\s]+", value):
            raise ValueError("must be an http(s) URL such as https://slack.com/api/")
        return value if value.endswith("/") else value + "/"

    @field_validator("database_url")
    @classmethod
    def _normalise_database_url(cls, value: str) -> str:
        for prefix in ("postgres://", "postgresql://"):
            if value.startswith(prefix):
                return "postgresql+psycopg://" + value.removeprefix(prefix)
        if value.startswith(("postgresql+psycopg://", "sqlite://")):
            return value
        raise ValueError(
            "must be sqlite:///FILE.db or postgresql://USER:PASSWORD@HOST:PORT/DB "
            "(postgres:// and postgresql+psycopg:// are accepted too)"
        )

    @field_validator("cx_admins", mode="before")
    @classmethod
    def _split_admins(cls, value: object) -> tuple[str, ...]:
        if isinstance(value, str):
            items = [part.strip() for part in value.split(",") if part.strip()]
        elif isinstance(value, list | tuple):
            items = [str(part).strip() for part in value]
        else:
            raise ValueError("must be a comma-separated list of Slack user IDs like U012ABCDEF")
        bad = [item for item in items if not _SLACK_USER_ID.match(item)]
        if bad:
            raise ValueError(
                f"{bad[0]!r} is not a Slack user ID; use IDs like U012ABCDEF, separated by commas"
            )
        return tuple(items)

    @property
    def socket_mode(self) -> bool:
        """True when an app-level token is set: Slack reaches us over a WebSocket."""
        return self.slack_app_token is not None

    @property
    def oauth_mode(self) -> bool:
        """True when CX Coach is installed with Add to Slack (many workspaces), not a token."""
        return self.slack_bot_token is None and self.slack_client_id is not None

    def missing_slack_settings(self) -> list[str]:
        """Name the Slack settings still needed to talk to Slack in the chosen mode."""
        missing = []
        if self.oauth_mode:
            missing += [name for name, value in (
                ("SLACK_CLIENT_SECRET", self.slack_client_secret),
                ("SLACK_STATE_SECRET", self.slack_state_secret),
                ("SLACK_SIGNING_SECRET (Add to Slack needs HTTP mode)", self.slack_signing_secret),
            ) if value is None]  # fmt: skip
            return missing
        if self.slack_bot_token is None:
            missing.append("SLACK_BOT_TOKEN (one workspace) or SLACK_CLIENT_ID (Add to Slack)")
        if not self.socket_mode and self.slack_signing_secret is None:
            missing.append("SLACK_APP_TOKEN (Socket Mode) or SLACK_SIGNING_SECRET (HTTP mode)")
        return missing


def describe_settings_error(error: ValidationError) -> str:
    """Turn a validation error into one line naming each bad variable, without its value."""
    parts = []
    for item in error.errors():
        field = str(item["loc"][0]) if item["loc"] else ""
        name = ENV_NAMES.get(field, field.upper())
        message = str(item["msg"]).removeprefix("Value error, ")
        parts.append(f"{name} {message}")
    return "CX Coach cannot start: " + "; ".join(parts)
