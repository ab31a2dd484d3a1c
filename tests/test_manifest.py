"""manifest.yml is valid for Slack, and it lists exactly what the app handles."""

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from bot.listeners.commands import COMMAND_HANDLERS
from bot.listeners.events import EVENT_HANDLERS
from bot.manifest import MANIFEST_PATH, for_distribution, for_http_mode, load_manifest
from tests.fakeslack import SlackDriver

# Slack's manifest schema (slackapi/manifest-schema, MIT: tests/data/LICENSE-slack-manifest-schema),
# vendored so the test runs in any clone.
SCHEMA_PATH = Path(__file__).resolve().parent / "data" / "slack-app-manifest.schema.1.0.0.json"


@pytest.fixture(scope="module")
def manifest() -> dict[str, Any]:
    """manifest.yml as a dict."""
    return load_manifest(MANIFEST_PATH)


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    """Slack's app-manifest JSON schema 1.0.0."""
    loaded: dict[str, Any] = json.loads(SCHEMA_PATH.read_text())
    return loaded


def test_manifest_is_valid_for_slack(manifest: dict[str, Any], schema: dict[str, Any]) -> None:
    """manifest.yml validates against Slack's app-manifest schema."""
    jsonschema.validate(manifest, schema)


def test_http_mode_variant_is_valid_for_slack(
    manifest: dict[str, Any], schema: dict[str, Any]
) -> None:
    """The HTTP-mode manifest the setup page builds validates too."""
    jsonschema.validate(for_http_mode(manifest, "https://cx.example.com"), schema)
    many = for_distribution(manifest, "https://cx.example.com/")
    jsonschema.validate(many, schema)
    assert many["oauth_config"]["redirect_urls"] == ["https://cx.example.com/slack/oauth_redirect"]


def test_manifest_commands_are_exactly_the_registered_ones(manifest: dict[str, Any]) -> None:
    """Every slash command in the manifest has a handler, and every handler is in the manifest."""
    assert {c["command"] for c in manifest["features"]["slash_commands"]} == set(COMMAND_HANDLERS)


def test_manifest_events_are_exactly_the_registered_ones(manifest: dict[str, Any]) -> None:
    """Every bot event in the manifest has a handler, and every handler is in the manifest."""
    assert set(manifest["settings"]["event_subscriptions"]["bot_events"]) == set(EVENT_HANDLERS)


def test_every_manifest_command_reaches_a_listener(
    manifest: dict[str, Any], dispatch: SlackDriver
) -> None:
    """Dispatching each manifest command is handled (not Bolt's 404 for unknown requests)."""
    for command in manifest["features"]["slash_commands"]:
        assert dispatch.command(command["command"], "help").status == 200, command["command"]


def test_every_manifest_event_reaches_a_listener(
    manifest: dict[str, Any], dispatch: SlackDriver
) -> None:
    """Dispatching each manifest event is handled (not Bolt's 404 for unknown requests)."""
    samples: dict[str, dict[str, Any]] = {
        "app_home_opened": {"type": "app_home_opened", "user": "U0AGENT", "tab": "messages"},
        "message.im": {
            "type": "message",
            "channel_type": "im",
            "channel": "D1",
            "user": "U0AGENT",
            "subtype": "message_changed",
        },
        "user_change": {"type": "user_change", "user": {"id": "U0NOBODY", "tz": "UTC"}},
        **{
            name: {
                "type": name,
                "user": "U0AGENT",
                "reaction": "thumbsup",
                "item_user": "U0LEAD",
                "item": {"type": "message", "channel": "C0GENERAL", "ts": "1.000001"},
            }
            for name in ("reaction_added", "reaction_removed")
        },
        "app_uninstalled": {"type": "app_uninstalled"},
        "tokens_revoked": {"type": "tokens_revoked", "tokens": {"oauth": ["U0AGENT"]}},
    }
    for name in manifest["settings"]["event_subscriptions"]["bot_events"]:
        assert dispatch.event(samples[name]).status == 200, name


def test_manifest_has_what_the_app_needs(manifest: dict[str, Any]) -> None:
    """Home tab, DMs, interactivity, Socket Mode and the scopes for DMs, users and files are on."""
    assert manifest["features"]["app_home"]["home_tab_enabled"] is True
    assert manifest["features"]["app_home"]["messages_tab_read_only_enabled"] is False
    assert manifest["settings"]["interactivity"]["is_enabled"] is True
    assert manifest["settings"]["socket_mode_enabled"] is True
    scopes = set(manifest["oauth_config"]["scopes"]["bot"])
    assert {
        "commands",
        "chat:write",
        "im:write",
        "im:history",
        "channels:history",  # bot.posted looks for a message before sending it again
        "groups:history",
        "users:read",
        "users:read.email",
        "files:write",
    } <= scopes
