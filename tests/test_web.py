"""The HTTP server: health check, setup page, routing."""

import json
import urllib.error
import urllib.request
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
import yaml
from sqlalchemy import Engine

from bot.config import Settings
from bot.manifest import MANIFEST_PATH
from bot.store.db import make_engine
from bot.web import HttpServer, WebApp


def _get(url: str, method: str = "GET") -> tuple[int, str]:
    request = urllib.request.Request(url, method=method)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


@pytest.fixture
def setup_server(engine: Engine) -> Iterator[HttpServer]:
    """CX Coach started without any Slack settings."""
    settings = Settings(_env_file=None)
    server = HttpServer(
        WebApp(settings=settings, engine=engine, app=None), host="127.0.0.1", port=0
    )
    server.start()
    yield server
    server.close()


def test_healthz_is_ok_when_the_database_answers(server: HttpServer) -> None:
    """GET /healthz answers 200 {"status": "ok"} while the database answers."""
    status, body = _get(f"{server.url}/healthz")
    assert status == 200
    assert json.loads(body) == {"status": "ok"}


def test_healthz_is_503_when_the_database_is_down() -> None:
    """GET /healthz answers 503 when the database does not answer."""
    dead = make_engine(
        "postgresql+psycopg://nobody@127.0.0.1:1/none", connect_args={"connect_timeout": 1}
    )
    server = HttpServer(
        WebApp(settings=Settings(_env_file=None), engine=dead, app=None), host="127.0.0.1", port=0
    )
    server.start()
    try:
        status, body = _get(f"{server.url}/healthz")
    finally:
        server.close()
    assert status == 503
    assert json.loads(body)["status"] == "unavailable"


def test_setup_page_lists_missing_settings(setup_server: HttpServer) -> None:
    """Without credentials, / names each missing setting and the steps to fill .env."""
    status, page = _get(f"{setup_server.url}/")
    assert status == 200
    assert "SLACK_BOT_TOKEN" in page
    assert "SLACK_SIGNING_SECRET" in page
    assert "SLACK_APP_TOKEN" in page
    assert ".env" in page


def _links(page: str) -> list[str]:
    return [part.split('"')[0].replace("&amp;", "&") for part in page.split('href="')[1:]]


def test_setup_page_links_to_slack_with_our_manifest(setup_server: HttpServer) -> None:
    """The setup page's create-app link carries manifest.yml, so Slack fills everything in."""
    _, page = _get(f"{setup_server.url}/")
    link = next(link for link in _links(page) if link.startswith("https://api.slack.com/apps"))
    query = parse_qs(urlsplit(link).query)
    assert query["new_app"] == ["1"]
    with MANIFEST_PATH.open() as handle:
        assert json.loads(query["manifest_json"][0]) == yaml.safe_load(handle)


def test_setup_page_builds_an_http_mode_link(setup_server: HttpServer) -> None:
    """Given a public URL, the setup page links to an HTTP-mode manifest using it everywhere."""
    _, page = _get(f"{setup_server.url}/?public_url=https%3A%2F%2Fcx.example.com")
    http_links = [
        link for link in _links(page) if "slack%2Fevents" in link or "slack/events" in unquote(link)
    ]
    manifest = json.loads(parse_qs(urlsplit(http_links[0]).query)["manifest_json"][0])
    assert manifest["settings"]["socket_mode_enabled"] is False
    assert (
        manifest["settings"]["interactivity"]["request_url"]
        == "https://cx.example.com/slack/events"
    )
    assert {c["url"] for c in manifest["features"]["slash_commands"]} == {
        "https://cx.example.com/slack/events"
    }


def test_a_pasted_events_url_is_not_doubled(setup_server: HttpServer) -> None:
    """Pasting the full https://host/slack/events (with a slash after it) gives the same app
    as pasting the host."""
    pasted = "https%3A%2F%2Fcx.example.com%2Fslack%2Fevents%2F"
    _, page = _get(f"{setup_server.url}/?public_url={pasted}")
    http_links = [link for link in _links(page) if "slack/events" in unquote(link)]
    manifest = json.loads(parse_qs(urlsplit(http_links[0]).query)["manifest_json"][0])
    assert manifest["settings"]["event_subscriptions"]["request_url"] == (
        "https://cx.example.com/slack/events"
    )
    assert "requests to https://cx.example.com/slack/events)" in page


@pytest.mark.parametrize(
    ("pasted", "said"),
    [("http%3A%2F%2Fcx.example.com", "Slack sends requests only to https://"),
     ("cx.example.com", "is not a web address"),
     ("%3Cscript%3E", "&lt;script&gt; is not a web address")],
)  # fmt: skip
def test_a_url_slack_cannot_reach_is_explained_on_the_page(
    setup_server: HttpServer, pasted: str, said: str
) -> None:
    """No HTTP-mode link for it, and a visible line saying why (escaped)."""
    _, page = _get(f"{setup_server.url}/?public_url={pasted}")
    assert said in page
    assert 'role="alert"' in page
    assert not [link for link in _links(page) if "slack/events" in unquote(link)]
    assert "<script>" not in page  # also where the field shows what was pasted


def test_with_public_url_set_the_setup_page_offers_http_mode_links_at_once(
    engine: Engine,
) -> None:
    """The operator set PUBLIC_URL already: the HTTP-mode and Add to Slack links use it, with
    nothing to paste."""
    settings = Settings(_env_file=None, public_url="https://cx.example.com")
    server = HttpServer(WebApp(settings=settings, engine=engine, app=None), host="127.0.0.1",
                        port=0).start()  # fmt: skip
    try:
        _, page = _get(f"{server.url}/")
    finally:
        server.close()
    http_links = [link for link in _links(page) if "slack/events" in unquote(link)]
    assert len(http_links) == 2  # HTTP mode, and Add to Slack
    manifest = json.loads(parse_qs(urlsplit(http_links[0]).query)["manifest_json"][0])
    assert manifest["settings"]["event_subscriptions"]["request_url"] == (
        "https://cx.example.com/slack/events"
    )
    assert 'value="https://cx.example.com"' in page


def test_slack_endpoint_in_setup_mode_is_unavailable(setup_server: HttpServer) -> None:
    """Before Slack is configured, POST /slack/events answers 503 instead of crashing."""
    status, _ = _get(f"{setup_server.url}/slack/events", method="POST")
    assert status == 503


def test_unknown_path_is_404(server: HttpServer) -> None:
    """Paths the app does not serve answer 404."""
    assert _get(f"{server.url}/nope")[0] == 404


def test_index_once_configured_says_running(server: HttpServer) -> None:
    """With Slack configured, / says CX Coach is running and how Slack reaches it."""
    status, page = _get(f"{server.url}/")
    assert status == 200
    assert "HTTP mode on /slack/events" in page


def test_healthz_is_ok_while_a_long_write_holds_the_database(
    server: HttpServer, engine: Engine
) -> None:
    """A writer holding SQLite's lock (the clock's claim) does not make /healthz say 503."""
    with engine.connect() as holder:
        holder.exec_driver_sql("SELECT 1")  # on SQLite: BEGIN IMMEDIATE, the write lock
        status, _ = _get(f"{server.url}/healthz")
        holder.rollback()
    assert status == 200


def test_the_server_stops_even_when_its_wake_up_pipe_was_closed(server: HttpServer) -> None:
    """If something in the process closed the serving loop's wake-up pipe (a flaky teardown
    showed it), close() still stops the loop and frees the port."""
    import os
    import time

    internal: Any = server._server  # waitress's server: its trigger's write end
    os.close(internal.trigger.trigger)
    time.sleep(0.3)  # the loop notices the pipe's end
    server.close()
    assert not server._thread or not server._thread.is_alive()
    with pytest.raises(urllib.error.URLError, match="refused"):
        urllib.request.urlopen(f"{server.url}/healthz", timeout=2)
