"""manifest.yml: the Slack app definition operators create the app from."""

import json
from pathlib import Path
from typing import Any
from urllib.parse import quote

import yaml

MANIFEST_PATH = Path(__file__).resolve().parent.parent / "manifest.yml"
NEW_APP_URL = "https://api.slack.com/apps?new_app=1&manifest_json="


def load_manifest(path: Path = MANIFEST_PATH) -> dict[str, Any]:
    """Read manifest.yml as a dict."""
    with path.open(encoding="utf-8") as handle:
        manifest: dict[str, Any] = yaml.safe_load(handle)
    return manifest


def base_url(public_url: str) -> str:
    """The app's address as operators paste it (with or without a trailing slash or the
    `/slack/events` path itself), reduced to what comes before that path."""
    url = public_url.strip().rstrip("/")
    if url.endswith("/slack/events"):
        url = url[: -len("/slack/events")].rstrip("/")
    return url


def for_http_mode(manifest: dict[str, Any], public_url: str) -> dict[str, Any]:
    """The same app, receiving requests at `public_url`/slack/events instead of over Socket Mode."""
    endpoint = base_url(public_url) + "/slack/events"
    http: dict[str, Any] = json.loads(json.dumps(manifest))  # a deep copy
    http["settings"]["socket_mode_enabled"] = False
    http["settings"]["event_subscriptions"]["request_url"] = endpoint
    http["settings"]["interactivity"]["request_url"] = endpoint
    for command in http["features"]["slash_commands"]:
        command["url"] = endpoint
    return http


def new_app_link(manifest: dict[str, Any]) -> str:
    """Slack's 'create an app from this manifest' link, everything filled in."""
    return NEW_APP_URL + quote(json.dumps(manifest, separators=(",", ":")))


def for_distribution(manifest: dict[str, Any], public_url: str) -> dict[str, Any]:
    """The HTTP-mode app, installed with Add to Slack in many workspaces and Enterprise Grid
    orgs (bot.oauth): Slack sends people back to `public_url`/slack/oauth_redirect."""
    app = for_http_mode(manifest, public_url)
    app["oauth_config"]["redirect_urls"] = [base_url(public_url) + "/slack/oauth_redirect"]
    app["settings"]["org_deploy_enabled"] = True
    app["settings"]["token_rotation_enabled"] = True
    return app
