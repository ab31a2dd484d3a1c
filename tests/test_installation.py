"""One workspace per install: requests signed by Slack for another team (Slack Connect, another
workspace of an org, an org-wide payload without a team) are refused politely and create
nothing, so ingestion keeps working."""

import json
import time

from sqlalchemy import Engine
from sqlmodel import Session, select

from bot.deps import Deps
from bot.store.models import Person, Workspace
from tests.conftest import SIGNING_SECRET
from tests.fakeslack import FakeSlack, SlackDriver


def _workspaces(engine: Engine) -> list[str]:
    with Session(engine) as session:
        return sorted(session.exec(select(Workspace.id)).all())


def test_a_command_from_another_workspace_is_refused_and_creates_nothing(
    slack: SlackDriver, fake_slack: FakeSlack, engine: Engine
) -> None:
    """/cx-shift from team T0OTHER: an ephemeral "installed elsewhere", no workspace or
    person stored; our own workspace's command still works."""
    other = SlackDriver(fake=fake_slack, signing_secret=SIGNING_SECRET, send=slack.send,
                        team_id="T0OTHER")  # fmt: skip
    reply = other.command("/cx-shift", "")
    assert reply.status == 200
    assert "set up for another Slack workspace" in reply.json()["text"]
    assert _workspaces(engine) == []
    slack.command("/cx-shift", "")
    fake_slack.wait_for("response_url")
    assert _workspaces(engine) == ["T0001"]


def test_an_org_wide_event_without_a_team_creates_no_workspace_called_none(
    slack: SlackDriver, fake_slack: FakeSlack, engine: Engine, deps: Deps
) -> None:
    """An event whose authorizations carry team_id null (an org-wide install) and no team_id
    is acknowledged and dropped: nothing named "None" appears."""
    body = json.dumps({
        "type": "event_callback", "api_app_id": "A0CXCOACH", "event_id": "Ev0ORG",
        "event": {"type": "app_home_opened", "user": "U0AGENT", "tab": "home",
                  "event_ts": f"{time.time():.6f}"},
        "authorizations": [{"team_id": None, "enterprise_id": "E0ORG", "user_id": "UBOT",
                            "is_enterprise_install": True}],
        "is_enterprise_install": True, "enterprise_id": "E0ORG", "event_time": int(time.time()),
    })  # fmt: skip
    assert slack.post(body, "application/json").status == 200
    assert deps.after_ack.drain(timeout=10)  # whatever the ack left to do has run
    assert fake_slack.calls_to("views.publish") == []
    assert _workspaces(engine) == []
    with Session(engine) as session:
        assert session.exec(select(Person)).all() == []
