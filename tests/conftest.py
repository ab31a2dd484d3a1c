"""Fixtures: a clean environment, the fake Slack, both databases, and the app over real HTTP."""

import functools
import os
import uuid
from collections.abc import Iterator
from typing import Any

import psycopg
import pytest
from slack_bolt import App
from sqlalchemy import Engine, create_engine, text

from bot.app import create_app
from bot.config import Settings
from bot.deps import Deps
from bot.store import crypto, migrate
from bot.store.db import make_engine
from bot.web import HttpServer, WebApp
from tests.fakeslack import FakeSlack, SlackDriver
from tests.fakeslack.driver import dispatch_sender, http_sender
from tests.oauth_world import Installed, add_to_slack_settings, serve
from tests.schema_templates import Templates

SIGNING_SECRET = "test-signing-secret"
ADMIN = "U0ADMIN"

# Variables that would change what the app under test does, or where its HTTP goes:
# slack_sdk honours proxy variables but not NO_PROXY, so the fake on 127.0.0.1 would be missed.
_ISOLATED_VARIABLES = (
    "HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy", "ALL_PROXY", "all_proxy",
    "SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN", "SLACK_API_BASE_URL",
    "DATABASE_URL", "PORT", "INGEST_TOKEN", "CX_ADMINS", "CX_ENCRYPTION_KEY",
    "CX_ENCRYPTION_OLD_KEYS", "SLACK_CLIENT_ID", "SLACK_CLIENT_SECRET", "SLACK_STATE_SECRET",
)  # fmt: skip


@pytest.fixture(autouse=True)
def _isolated_environment(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Every test starts without proxies or CX Coach settings from the machine, and without
    an encryption key left configured by the test before (the keys are process-wide)."""
    for name in _ISOLATED_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    crypto.configure(None)
    yield
    crypto.configure(None)


@pytest.fixture
def fake_slack() -> Iterator[FakeSlack]:
    """A fake Slack Web API on loopback with an agent, a lead and an admin."""
    fake = FakeSlack().start()
    fake.add_user("U0AGENT", name="ana", tz="America/New_York", email="ana@example.com")
    fake.add_user("U0LEAD", name="lee", tz="Europe/London", email="lee@example.com")
    fake.add_user(ADMIN, name="ada", tz="UTC", email="ada@example.com")
    fake.add_channel("C0GENERAL")
    yield fake
    fake.stop()
    # Every message any test made CX Coach send, checked: names and user text are escaped in
    # the fallback text as in the blocks, so nothing notifies a whole channel.
    assert fake.pings == [], f"unescaped channel-wide mention sent to Slack: {fake.pings}"


LOCAL_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
SKIPPED_POSTGRES = "no PostgreSQL for the Postgres variants"


@functools.cache
def _postgres_url() -> str | None:
    """TEST_DATABASE_URL (empty: no Postgres), else the local PostgreSQL if it answers at the
    default address (user postgres, database test), else None."""
    given = os.environ.get("TEST_DATABASE_URL")
    if given is not None:
        return given or None
    try:
        psycopg.connect("host=127.0.0.1 port=5432 user=postgres dbname=test connect_timeout=1",
                        autocommit=True).close()  # fmt: skip
    except psycopg.Error:
        return None
    return LOCAL_POSTGRES


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """Say it in one line when the Postgres variants did not run, and how to run them."""
    skipped = [
        report for report in terminalreporter.stats.get("skipped", [])
        if SKIPPED_POSTGRES in str(getattr(report, "longrepr", ""))
    ]  # fmt: skip
    if skipped:
        terminalreporter.write_line(
            f"{len(skipped)} Postgres variants skipped: no PostgreSQL answered at 127.0.0.1:5432 "
            "(user postgres, database test). Start one, or set TEST_DATABASE_URL, to run them.",
            yellow=True,
        )


@pytest.fixture(scope="session")
def schema_templates(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Templates]:
    """Migrated templates (made once, when first needed) that `engine` databases copy."""
    templates = Templates(tmp_path_factory.mktemp("templates"))
    yield templates
    templates.drop(_postgres_url())


_MIGRATED: set[str] = set()  # URLs of databases made from a migrated template


@pytest.fixture(params=["sqlite", "postgres"])
def db_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory,
    schema_templates: Templates,
) -> Iterator[str]:  # fmt: skip
    """A fresh database: a SQLite file, or a new schema on TEST_DATABASE_URL's Postgres —
    empty, or (for a test that asks for `engine`) a copy of the migrated template."""
    migrated = "engine" in request.fixturenames and not request.node.get_closest_marker(
        "migrations"
    )
    if request.param == "sqlite":
        path = tmp_path_factory.mktemp("db") / "cx.db"
        url = f"sqlite:///{path}"
        if migrated:
            schema_templates.sqlite_copy(path)
            _MIGRATED.add(url)
        yield url
        _MIGRATED.discard(url)
        return
    base = _postgres_url()
    if base is None:
        pytest.skip(f"{SKIPPED_POSTGRES}: none at 127.0.0.1:5432 and no TEST_DATABASE_URL")
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    separator = "&" if "?" in base else "?"
    url = f"{base}{separator}options=-csearch_path%3D{schema}"
    try:
        if migrated:
            schema_templates.postgres_tables(base, url)
            _MIGRATED.add(url)
        yield url
    finally:
        _MIGRATED.discard(url)
        with admin.connect() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    """An engine on a fresh database at the newest schema (a copy of the migrated template)."""
    engine = make_engine(db_url)
    if db_url not in _MIGRATED:
        migrate.upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def settings(fake_slack: FakeSlack, db_url: str) -> Settings:
    """Settings for HTTP mode, pointed at the fake Slack and the test database."""
    return Settings(
        _env_file=None,
        slack_bot_token=fake_slack.bot_token,
        slack_signing_secret=SIGNING_SECRET,
        slack_api_base_url=fake_slack.api_url,
        database_url=db_url,
        cx_admins=(ADMIN,),
    )


@pytest.fixture
def deps(settings: Settings, engine: Engine) -> Iterator[Deps]:
    """Real parts: the test database, a WebClient on the fake, the system clock. Work queued
    after an ack finishes before the database and the fake go away."""
    made = Deps.from_settings(settings, engine=engine)
    yield made
    if made.after_ack is not None:
        made.after_ack.shutdown()


@pytest.fixture
def app(deps: Deps) -> App:
    """The Bolt app under test."""
    return create_app(deps)


@pytest.fixture
def server(settings: Settings, engine: Engine, deps: Deps, app: App) -> Iterator[HttpServer]:
    """The app behind its real HTTP server on a random loopback port."""
    web = WebApp(settings=settings, engine=engine, app=app, after_ack=deps.after_ack)
    http = HttpServer(web, host="127.0.0.1", port=0)
    http.start()
    yield http
    http.close()


@pytest.fixture
def slack(fake_slack: FakeSlack, server: HttpServer) -> SlackDriver:
    """Slack's side, talking to the app over real HTTP."""
    return SlackDriver(fake=fake_slack, signing_secret=SIGNING_SECRET, send=http_sender(server.url))


@pytest.fixture
def dispatch(fake_slack: FakeSlack, app: App) -> SlackDriver:
    """Slack's side, handing requests straight to app.dispatch."""
    return SlackDriver(fake=fake_slack, signing_secret=SIGNING_SECRET, send=dispatch_sender(app))


@pytest.fixture
def oauth(fake_slack: FakeSlack, db_url: str, engine: Engine) -> Iterator[Installed]:
    """CX Coach set up for Add to Slack (no bot token), behind its HTTP server."""
    yield from serve(add_to_slack_settings(fake_slack, db_url, SIGNING_SECRET), engine)
