"""App Home and direct messages, driven by signed events through the real HTTP endpoint."""

import json
import logging
import time

import pytest
from sqlalchemy import Engine
from sqlmodel import Session

from bot.services.people import SlackProfile, record_profile
from bot.store import repos
from bot.store.models import Membership, Team, TeamRole, utcnow
from tests.conftest import ADMIN
from tests.fakeslack import FakeSlack, SlackDriver


def _home_text(fake: FakeSlack, user_id: str) -> str:
    fake.wait_for("views.publish")
    return json.dumps(fake.home_views[user_id]["blocks"])


def _open_home(slack: SlackDriver, user_id: str) -> None:
    reply = slack.event(
        {"type": "app_home_opened", "user": user_id, "channel": "D1", "tab": "home"}
    )
    assert reply.status == 200


def test_home_tab_introduces_a_newcomer(slack: SlackDriver, fake_slack: FakeSlack) -> None:
    """Someone on no team sees who they are, that they're not on a team, and what is coming."""
    _open_home(slack, "U0AGENT")
    text = _home_text(fake_slack, "U0AGENT")
    assert "<@U0AGENT>" in text
    assert "not on a team yet" in text
    assert "America/New_York" in text
    assert "At the end of each shift" in text


def test_home_tab_shows_a_lead_their_teams(
    slack: SlackDriver, fake_slack: FakeSlack, engine: Engine
) -> None:
    """A lead sees the teams they lead and the lead's part of what CX Coach will do."""
    with Session(engine) as session:
        lead = record_profile(
            session=session,
            workspace_id="T0001",
            profile=SlackProfile("U0LEAD", "lee", "Europe/London", is_admin=False, deleted=False),
            now=utcnow(),
        )
        team = Team(workspace_id="T0001", name="Billing & Refunds")
        session.add(team)
        session.flush()
        assert team.id is not None
        assert lead.id is not None
        session.add(Membership(team_id=team.id, person_id=lead.id, role=TeamRole.LEAD))
        session.commit()
    _open_home(slack, "U0LEAD")
    text = _home_text(fake_slack, "U0LEAD")
    assert "You lead *Billing &amp; Refunds*" in text
    assert "As a lead" in text


def test_home_tab_recognises_admins_from_cx_admins(
    slack: SlackDriver, fake_slack: FakeSlack
) -> None:
    """A user listed in CX_ADMINS is told they are an admin and where to start."""
    _open_home(slack, ADMIN)
    text = _home_text(fake_slack, ADMIN)
    assert "You're an *admin*" in text
    assert "/cx-team" in text


def test_home_tab_recognises_slack_workspace_admins(
    slack: SlackDriver, fake_slack: FakeSlack
) -> None:
    """A Slack workspace admin is a CX Coach admin without being listed in CX_ADMINS."""
    fake_slack.add_user("U0OWNER", name="olga", is_admin=True)
    _open_home(slack, "U0OWNER")
    assert "You're an *admin*" in _home_text(fake_slack, "U0OWNER")


def test_profile_is_cached_between_visits(slack: SlackDriver, fake_slack: FakeSlack) -> None:
    """Opening the home tab twice asks Slack for the profile once."""
    _open_home(slack, "U0AGENT")
    fake_slack.wait_for("views.publish", 1)
    _open_home(slack, "U0AGENT")
    fake_slack.wait_for("views.publish", 2)
    assert len(fake_slack.calls_to("users.info")) == 1


def test_messages_tab_does_not_publish_home(slack: SlackDriver, fake_slack: FakeSlack) -> None:
    """Opening the Messages tab publishes nothing."""
    slack.event({"type": "app_home_opened", "user": "U0AGENT", "channel": "D1", "tab": "messages"})
    time.sleep(0.3)
    assert fake_slack.calls_to("views.publish") == []


def test_home_tab_when_database_is_down(fake_slack: FakeSlack, settings: object) -> None:
    """With the database down, the home tab says to try again instead of staying blank."""
    from bot.app import create_app
    from bot.config import Settings
    from bot.deps import Deps
    from bot.store.db import make_engine
    from tests.conftest import SIGNING_SECRET
    from tests.fakeslack.driver import dispatch_sender

    assert isinstance(settings, Settings)
    dead = make_engine(
        "postgresql+psycopg://nobody@127.0.0.1:1/none", connect_args={"connect_timeout": 1}
    )
    app = create_app(Deps.from_settings(settings, engine=dead))
    driver = SlackDriver(fake=fake_slack, signing_secret=SIGNING_SECRET, send=dispatch_sender(app))
    _open_home(driver, "U0AGENT")
    assert "can't reach its database" in _home_text(fake_slack, "U0AGENT")


def test_direct_message_gets_a_pointer_to_the_commands(
    slack: SlackDriver, fake_slack: FakeSlack
) -> None:
    """A person who DMs the bot gets a short reply listing what to try."""
    slack.event(
        {
            "type": "message",
            "channel_type": "im",
            "channel": "D0AGENT",
            "user": "U0AGENT",
            "text": "hi",
        }
    )
    posted = fake_slack.wait_for("chat.postMessage")[0].params
    assert posted["channel"] == "D0AGENT"
    assert "/cx-reflect" in json.dumps(posted["blocks"])


def test_bot_messages_and_edits_get_no_reply(slack: SlackDriver, fake_slack: FakeSlack) -> None:
    """Our own messages, other bots' messages and edits are never answered (no loops)."""
    slack.event(
        {
            "type": "message",
            "channel_type": "im",
            "channel": "D0AGENT",
            "user": "UBOT",
            "bot_id": "B0001",
            "text": "x",
        }
    )
    slack.event(
        {
            "type": "message",
            "channel_type": "im",
            "channel": "D0AGENT",
            "user": "U9",
            "bot_id": "B9",
            "text": "x",
        }
    )
    slack.event(
        {
            "type": "message",
            "subtype": "message_changed",
            "channel_type": "im",
            "channel": "D0AGENT",
        }
    )
    time.sleep(0.3)
    assert fake_slack.calls_to("chat.postMessage") == []


def test_user_change_updates_a_known_persons_zone_and_deactivation(
    slack: SlackDriver, fake_slack: FakeSlack, engine: Engine
) -> None:
    """A new Slack zone is stored, a deactivated user becomes inactive, strangers are ignored."""
    with Session(engine) as session:
        profile = SlackProfile("U0AGENT", "ana", "America/New_York", is_admin=False, deleted=False)
        record_profile(session=session, workspace_id="T0001", profile=profile, now=utcnow())
        session.commit()

    fake_slack.add_user("U0STRANGER", name="stranger", tz="UTC", email="s@example.com")

    def changed(user_id: str, **fields: object) -> None:
        fake_slack.users[user_id].update(fields)  # Slack changes the user, then tells us
        user = {"id": user_id, **fake_slack.users[user_id]}
        assert slack.event({"type": "user_change", "user": user}).status == 200

    changed("U0AGENT", tz="Europe/Lisbon")
    changed("U0STRANGER", tz="Asia/Tokyo")
    changed("U0AGENT", deleted=True)
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        with Session(engine) as session:
            ana = repos.get_person(session=session, workspace_id="T0001", slack_user_id="U0AGENT")
            stranger = repos.get_person(
                session=session, workspace_id="T0001", slack_user_id="U0STRANGER"
            )
        assert ana is not None
        if not ana.active:
            break
        time.sleep(0.05)
    assert ana is not None
    assert ana.timezone == "Europe/Lisbon"
    assert ana.active is False
    assert stranger is None


def test_a_retried_event_is_handled_once(
    slack: SlackDriver, fake_slack: FakeSlack, caplog: pytest.LogCaptureFixture
) -> None:
    """Slack's retries of a DM (same event_id) get no second reply; a new DM gets its own."""
    caplog.set_level(logging.INFO, logger="bot.app")
    dm = {"type": "message", "channel_type": "im", "channel": "D0AGENT", "user": "U0AGENT"}
    assert slack.event({**dm, "text": "hi"}, event_id="Ev0FIRST").status == 200
    fake_slack.wait_for("chat.postMessage", 1)
    for retry in (1, 2):
        assert slack.event({**dm, "text": "hi"}, event_id="Ev0FIRST", retry_num=retry).status == 200
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and caplog.text.count("already handled") < 2:
        time.sleep(0.01)
    assert caplog.text.count("already handled") == 2
    assert slack.event({**dm, "text": "hello?"}, event_id="Ev0SECOND").status == 200
    fake_slack.wait_for("chat.postMessage", 2)
    assert len(fake_slack.calls_to("chat.postMessage")) == 2
