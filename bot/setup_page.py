"""The page served at / while Slack credentials are missing: what to set, and how."""

from html import escape
from urllib.parse import urlsplit

from bot.config import Settings
from bot.manifest import (
    MANIFEST_PATH,
    base_url,
    for_distribution,
    for_http_mode,
    load_manifest,
    new_app_link,
)

STEPS = (
    "Open the link above, pick your workspace, review and click <b>Create</b>.",
    "Click <b>Install to Workspace</b> and allow.",
    "Copy <b>OAuth &amp; Permissions → Bot User OAuth Token</b> (<code>xoxb-…</code>) into "
    "<code>.env</code> as <code>SLACK_BOT_TOKEN=…</code>.",
    "Socket Mode (no public URL needed): under <b>Basic Information → App-Level Tokens</b> create "
    "a token with the <code>connections:write</code> scope and set "
    "<code>SLACK_APP_TOKEN=xapp-…</code>. "
    "HTTP mode instead: set <code>SLACK_SIGNING_SECRET</code> from <b>Basic Information</b>.",
    "Restart CX Coach (<code>make run</code>).",
)


def url_problem(public_url: str) -> str | None:
    """Why a pasted public URL cannot receive Slack's requests, or None when it can."""
    parts = urlsplit(public_url.strip())
    if parts.scheme == "http":
        return (f"{public_url} starts with http://: Slack sends requests only to https:// "
                "addresses. Put CX Coach behind HTTPS, or use Socket Mode.")  # fmt: skip
    if parts.scheme != "https" or not parts.hostname or " " in public_url.strip():
        return (f"{public_url} is not a web address; paste it as https://your-host "
                "(for example https://cx.example.com).")  # fmt: skip
    return None


def render(settings: Settings, public_url: str | None = None) -> str:
    """HTML listing the missing settings with a one-click app-creation link."""
    missing = "".join(
        f"<li><code>{escape(name)}</code></li>" for name in settings.missing_slack_settings()
    )
    try:
        manifest = load_manifest()
    except OSError:
        link_html = f"<p>manifest.yml was not found at {escape(str(MANIFEST_PATH))}.</p>"
    else:
        links = [
            f'<a href="{escape(new_app_link(manifest))}">Create the Slack app (Socket Mode)</a>'
        ]
        problem = url_problem(public_url) if public_url else None
        if public_url and problem is None:
            http_link = new_app_link(for_http_mode(manifest, public_url))
            links.append(
                f'<a href="{escape(http_link)}">Create the Slack app (HTTP mode, '
                f"requests to {escape(base_url(public_url))}/slack/events)</a>"
            )
            many_link = new_app_link(for_distribution(manifest, public_url))
            links.append(
                f'<a href="{escape(many_link)}">Create the Slack app for Add to Slack (many '
                "workspaces or an Enterprise Grid org; then set SLACK_CLIENT_ID, "
                "SLACK_CLIENT_SECRET, SLACK_STATE_SECRET and SLACK_SIGNING_SECRET instead of a "
                f"bot token, and send people to {escape(base_url(public_url))}/slack/install)</a>"
            )
        link_html = "<p>" + "<br>".join(links) + "</p>"
        if problem:
            link_html += f'<p role="alert"><b>{escape(problem)}</b></p>'
    steps = "".join(f"<li>{step}</li>" for step in STEPS)
    shown = f' value="{escape(public_url)}"' if public_url else ""
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>CX Coach — setup</title>
<style>body{{font-family:system-ui,sans-serif;max-width:44rem;margin:2rem auto;line-height:1.5}}
code{{background:#f3f3f3;padding:0 .2em}}</style></head>
<body>
<h1>CX Coach is almost ready</h1>
<p>It is running, but it cannot talk to Slack yet. Missing settings:</p>
<ul>{missing}</ul>
<h2>1. Create the Slack app from our manifest</h2>
{link_html}
<form method="get" action="/"><label>Public HTTPS URL for HTTP mode (optional):
<input name="public_url" placeholder="https://cx.example.com"{shown}></label>
<button>Make HTTP-mode link</button></form>
<h2>2. Copy the tokens into <code>.env</code></h2>
<ol>{steps}</ol>
<p>Health check: <a href="/healthz">/healthz</a></p>
</body></html>
"""
