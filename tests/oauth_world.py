"""CX Coach installed with Add to Slack through the fake's oauth.v2.access (issue 19): its
server, installing a workspace as a person would, and agents in a workspace."""

import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from http.cookies import SimpleCookie

from sqlalchemy import Engine
from sqlmodel import Session, col, select

from bot import delivery
from bot.app import create_app
from bot.blocks.renderers import RENDERERS
from bot.config import Settings
from bot.deps import Deps
from bot.services import checkins, teams
from bot.services.permissions import OPERATOR
from bot.store import repos
from bot.store.models import Membership, Outbox
from bot.web import HttpServer, WebApp
from tests.checkin_helpers import LONG_AGO
from tests.fakeslack import FakeSlack, SlackDriver
from tests.fakeslack.driver import http_sender


@dataclass
class Installed:
    deps: Deps
    server: HttpServer


def add_to_slack_settings(fake: FakeSlack, db_url: str, signing_secret: str) -> Settings:
    """Settings for Add to Slack: a client id, secret and state secret, no bot token."""
    return Settings(
        _env_file=None, slack_client_id=fake.client_id,
        slack_client_secret=fake.client_secret, slack_state_secret="s" * 32,
        slack_signing_secret=signing_secret, slack_api_base_url=fake.api_url,
        database_url=db_url,
    )  # fmt: skip


def serve(settings: Settings, engine: Engine) -> Iterator[Installed]:
    """CX Coach behind its HTTP server, until the generator is closed."""
    deps = Deps.from_settings(settings, engine=engine)
    web = WebApp(settings=settings, engine=engine, app=create_app(deps), after_ack=deps.after_ack)
    server = HttpServer(web, host="127.0.0.1", port=0).start()
    yield Installed(deps, server)
    server.close()
    deps.after_ack.shutdown()


def get_page(url: str, cookie: str = "") -> tuple[int, str, str]:
    """Status, body and the state cookie set, of a GET."""
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            status, body, headers = answer.status, answer.read().decode(), answer.headers
    except urllib.error.HTTPError as error:
        status, body, headers = error.code, error.read().decode(), error.headers
    jar = SimpleCookie()
    for value in headers.get_all("Set-Cookie") or []:
        jar.load(value)
    state = jar["slack-app-oauth-state"].value if "slack-app-oauth-state" in jar else ""
    return status, body, state


def install(oauth: Installed, fake: FakeSlack, *, team_id: str | None, installer: str = "U0BOSS",
            enterprise_id: str | None = None, org_wide: bool = False,
            expires_in: int | None = None) -> str:  # fmt: skip
    """Add to Slack, as a person would: the install page, Slack's consent, the redirect back."""
    status, page, state = get_page(f"{oauth.server.url}/slack/install")
    assert status == 200
    assert "slack.com/oauth/v2/authorize" in page
    code = f"code-{team_id or enterprise_id}"
    fake.grant(
        code,
        team_id=team_id,
        enterprise_id=enterprise_id,
        is_enterprise_install=org_wide,
        user_id=installer,
        expires_in=expires_in,
    )
    status, page, _ = get_page(
        f"{oauth.server.url}/slack/oauth_redirect?code={code}&state={state}",
        cookie=f"slack-app-oauth-state={state}",
    )
    assert (status, "CX Coach is installed" in page) == (200, True), page
    return state


def agent(engine: Engine, fake: FakeSlack, workspace: str, user: str, team: str) -> None:
    """`user` an agent of `team` in `workspace`, known to that workspace's Slack."""
    fake.add_user(user, tz="UTC", team=workspace)
    with Session(engine) as session:
        teams.save(session=session, workspace_id=workspace, actor=OPERATOR, team_id=None,
                   form=teams.TeamForm(name=team, members=frozenset({user})))  # fmt: skip
        person = repos.get_person(session=session, workspace_id=workspace, slack_user_id=user)
        assert person is not None
        person.timezone, person.shift_days, person.shift_end = "UTC", "tue", "17:30"
        session.add(person)
        for membership in session.exec(
            select(Membership).where(Membership.person_id == person.id)
        ).all():  # a member since long before the shift
            membership.created_at = LONG_AGO
            session.add(membership)
        session.commit()


DUE = datetime(2026, 11, 24, 17, 30, tzinfo=UTC)  # the shift end `agent` gives (a Tuesday)


def two_workspaces(oauth: Installed, fake: FakeSlack, engine: Engine) -> None:
    """T0AAA and T0BBB installed, U0SAME an agent in each (Tier 1 there, Billing here)."""
    install(oauth, fake, team_id="T0AAA")
    install(oauth, fake, team_id="T0BBB")
    agent(engine, fake, "T0AAA", "U0SAME", "Tier 1")
    agent(engine, fake, "T0BBB", "U0SAME", "Billing")


def claim_prompts(engine: Engine) -> None:
    """The clock's claim a minute after DUE: a prompt for each agent whose shift ended."""
    with Session(engine) as session:
        checkins.claim_due_prompts(session=session, now=DUE + timedelta(minutes=1))
        session.commit()


def prompts_and_send(oauth: Installed) -> None:
    claim_prompts(oauth.deps.engine)
    delivery.deliver_due(oauth.deps, RENDERERS, now=DUE + timedelta(minutes=1))


def statuses(engine: Engine) -> dict[str, list[str]]:
    """Each workspace's outbox rows' statuses."""
    found: dict[str, list[str]] = {}
    with Session(engine) as session:
        for row in session.exec(select(Outbox).order_by(col(Outbox.workspace_id))).all():
            found.setdefault(row.workspace_id, []).append(row.status)
    return found


def wait_until(condition: Callable[[], bool], seconds: float = 5) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def driver(oauth: Installed, fake: FakeSlack, team: str, enterprise_id: str | None = None
           ) -> SlackDriver:  # fmt: skip
    """Slack sending `team`'s requests to CX Coach's HTTP server."""
    secret = oauth.deps.settings.slack_signing_secret
    return SlackDriver(fake=fake, signing_secret=secret.get_secret_value() if secret else "",
                       team_id=team, enterprise_id=enterprise_id,
                       send=http_sender(oauth.server.url))  # fmt: skip
