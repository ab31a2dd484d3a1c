"""Settings: defaults, normalisation, and one clear line for every bad value."""

import pytest
from pydantic import ValidationError

from bot.config import Settings, describe_settings_error


def _error_line(**values: object) -> str:
    with pytest.raises(ValidationError) as caught:
        Settings(_env_file=None, **values)  # type: ignore[arg-type]
    return describe_settings_error(caught.value)


def test_defaults_match_the_contract() -> None:
    """With nothing set, CX Coach uses SQLite, port 3000 and Slack's real API."""
    settings = Settings(_env_file=None)
    assert settings.database_url == "sqlite:///cx_coach.db"
    assert settings.port == 3000
    assert settings.slack_api_base_url == "https://slack.com/api/"
    assert settings.cx_admins == ()


@pytest.mark.parametrize(
    "given",
    [
        "postgres://u:p@db:5432/cx",
        "postgresql://u:p@db:5432/cx",
        "postgresql+psycopg://u:p@db:5432/cx",
    ],
)
def test_postgres_urls_are_normalised_to_psycopg3(given: str) -> None:
    """Heroku-style and plain Postgres URLs become postgresql+psycopg:// URLs."""
    assert (
        Settings(_env_file=None, database_url=given).database_url
        == "postgresql+psycopg://u:p@db:5432/cx"
    )


def test_settings_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Environment variables fill the settings; CX_ADMINS is a comma-separated list."""
    monkeypatch.setenv("PORT", "8080")
    monkeypatch.setenv("CX_ADMINS", "U012ABC, W0456DEF")
    monkeypatch.setenv("SLACK_API_BASE_URL", "http://127.0.0.1:9999/api")
    settings = Settings(_env_file=None)
    assert settings.port == 8080
    assert settings.cx_admins == ("U012ABC", "W0456DEF")
    assert settings.slack_api_base_url == "http://127.0.0.1:9999/api/"


@pytest.mark.parametrize(
    ("values", "names"),
    [
        (
            {"slack_bot_token": "xoxp-user-token"},
            "SLACK_BOT_TOKEN must be a bot token starting with xoxb-",
        ),
        ({"slack_app_token": "xoxb-wrong-kind"}, "SLACK_APP_TOKEN must be an app-level token"),
        ({"port": "eighty"}, "PORT"),
        ({"port": 70000}, "PORT"),
        (
            {"database_url": "mysql://db/cx"},
            "DATABASE_URL must be sqlite:///FILE.db or postgresql://",
        ),
        ({"cx_admins": "alice,bob"}, "CX_ADMINS 'alice' is not a Slack user ID"),
        ({"ingest_token": "short"}, "INGEST_TOKEN must be at least 16 characters"),
        ({"slack_api_base_url": "slack.com/api"}, "SLACK_API_BASE_URL must be an http(s) URL"),
        ({"slack_signing_secret": "has a space"}, "SLACK_SIGNING_SECRET must not contain spaces"),
        ({"public_url": "http://cx.example.com"}, "PUBLIC_URL must be CX Coach's own https"),
        ({"public_url": "cx.example.com"}, "PUBLIC_URL must be CX Coach's own https"),
    ],
)
def test_bad_values_give_one_line_naming_the_variable(
    values: dict[str, object], names: str
) -> None:
    """Each malformed setting is named, with what to do, on a single line."""
    line = _error_line(**values)
    assert line.startswith("CX Coach cannot start: ")
    assert names in line
    assert "\n" not in line


def test_error_lines_never_echo_secrets() -> None:
    """A rejected token is described without repeating its value."""
    line = _error_line(slack_bot_token="xoxp-super-secret-value", ingest_token="tiny-secret")
    assert "super-secret" not in line
    assert "tiny-secret" not in line


def test_secrets_are_hidden_in_repr() -> None:
    """Printing or logging the settings never shows a token."""
    settings = Settings(
        _env_file=None, slack_bot_token="xoxb-hidden-123", slack_signing_secret="sig-hidden-456"
    )
    assert "hidden" not in repr(settings)
    assert "hidden" not in str(settings)


def test_missing_slack_settings_depend_on_the_mode() -> None:
    """Socket Mode needs the bot and app tokens; HTTP mode the bot token and signing secret."""
    assert Settings(_env_file=None).missing_slack_settings()[0].startswith("SLACK_BOT_TOKEN")
    http = Settings(_env_file=None, slack_bot_token="xoxb-1")
    assert http.missing_slack_settings() == [
        "SLACK_APP_TOKEN (Socket Mode) or SLACK_SIGNING_SECRET (HTTP mode)"
    ]
    assert (
        Settings(
            _env_file=None, slack_bot_token="xoxb-1", slack_app_token="xapp-1"
        ).missing_slack_settings()
        == []
    )
    assert (
        Settings(
            _env_file=None, slack_bot_token="xoxb-1", slack_signing_secret="s"
        ).missing_slack_settings()
        == []
    )


@pytest.mark.parametrize(
    "given",
    ["https://cx.example.com", "https://cx.example.com/", "https://cx.example.com/slack/events/"],
)
def test_public_url_is_cx_coachs_own_address_however_it_was_pasted(given: str) -> None:
    """The events URL pasted in place of the address is what the setup page takes too: the
    keys modal must not show https://cx.example.com/slack/events/ingest/tickets."""
    assert Settings(_env_file=None, public_url=given).public_url == "https://cx.example.com"
