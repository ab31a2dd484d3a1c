"""Add to Slack's bad input (issue 19): a token Slack revoked while the sender was using it, a
tokens_revoked event (the bot's token, or only a person's), and events and commands from a
workspace that uninstalled — nothing sent, nothing lost, nothing crashing, and the other
workspace served all along."""

import logging
import time
from datetime import timedelta

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from bot import delivery
from bot.blocks.renderers import RENDERERS
from bot.store.models import Outbox
from tests.fakeslack import FakeSlack
from tests.oauth_world import (
    DUE,
    Installed,
    claim_prompts,
    driver,
    statuses,
    two_workspaces,
    wait_until,
)


def _token_of(fake: FakeSlack, team: str) -> str:
    return next(token for token, install in fake.installs.items() if install["team_id"] == team)


def test_a_token_revoked_while_sending_sends_nothing_and_keeps_the_row_until_the_uninstall(
    oauth: Installed, fake_slack: FakeSlack, engine: Engine, caplog: pytest.LogCaptureFixture
) -> None:
    """Slack revokes the token before its app_uninstalled event arrives: the send is refused
    (token_revoked), the row waits rather than being lost or failed, and the event cancels it."""
    two_workspaces(oauth, fake_slack, engine)
    claim_prompts(engine)
    fake_slack.revoke(_token_of(fake_slack, "T0AAA"))
    with caplog.at_level(logging.WARNING, logger="bot"):
        report = delivery.deliver_due(oauth.deps, RENDERERS, now=DUE + timedelta(minutes=1))
    assert (report.sent, report.retrying, report.failed) == (1, 1, 0)
    assert fake_slack.messages_to("U0SAME", team="T0AAA") == []
    assert len(fake_slack.messages_to("U0SAME", team="T0BBB")) == 1
    assert "refused the workspace's token (token_revoked)" in caplog.text
    with Session(engine) as session:
        row = session.exec(select(Outbox).where(Outbox.workspace_id == "T0AAA")).one()
        assert (row.status, row.last_error) == ("pending", "token_revoked")
    assert driver(oauth, fake_slack, "T0AAA").event({"type": "app_uninstalled"}).status == 200
    wait_until(lambda: statuses(engine)["T0AAA"] == ["cancelled"])


def test_tokens_revoked_stops_sends_for_the_bots_token_and_not_for_a_persons_alone(
    oauth: Installed, fake_slack: FakeSlack, engine: Engine
) -> None:
    two_workspaces(oauth, fake_slack, engine)
    claim_prompts(engine)
    slack_a = driver(oauth, fake_slack, "T0AAA")
    person_only = {"type": "tokens_revoked", "tokens": {"oauth": ["U0BOSS"]}}
    assert slack_a.event(person_only, event_id="Evperson").status == 200
    time.sleep(0.3)  # the work after the ack, were there any
    assert statuses(engine)["T0AAA"] == ["pending"]
    assert oauth.deps.client_for("T0AAA") is not None
    bot = {"type": "tokens_revoked", "tokens": {"bot": [fake_slack.bot_user_id]}}
    assert slack_a.event(bot, event_id="Evbot").status == 200
    wait_until(lambda: statuses(engine)["T0AAA"] == ["cancelled"])
    assert oauth.deps.client_for("T0AAA") is None
    delivery.deliver_due(oauth.deps, RENDERERS, now=DUE + timedelta(minutes=2))
    assert fake_slack.messages_to("U0SAME", team="T0AAA") == []
    assert len(fake_slack.messages_to("U0SAME", team="T0BBB")) == 1


def test_events_and_commands_from_a_workspace_that_uninstalled_get_no_error_and_no_answer(
    oauth: Installed, fake_slack: FakeSlack, engine: Engine
) -> None:
    """Slack may still deliver what was on its way: it is answered without a 5xx, and nothing
    is sent into the workspace but the command's own answer (Bolt's: install the app again);
    the other workspace's requests are served as before."""
    two_workspaces(oauth, fake_slack, engine)
    claim_prompts(engine)
    slack_a = driver(oauth, fake_slack, "T0AAA")
    assert slack_a.event({"type": "app_uninstalled"}).status == 200
    wait_until(lambda: oauth.deps.client_for("T0AAA") is None)
    before = len(fake_slack.calls)
    home = slack_a.event({"type": "app_home_opened", "user": "U0SAME", "tab": "home"})
    command = slack_a.command("/cx-metrics", user_id="U0SAME")
    time.sleep(0.3)  # the work after the ack, were there any
    assert home.status < 500
    assert command.status < 500
    (answer,) = fake_slack.calls[before:]
    assert answer.method == "response_url"
    assert "reinstall this app" in str(answer.params["text"])
    driver(oauth, fake_slack, "T0BBB").event(
        {"type": "app_home_opened", "user": "U0SAME", "tab": "home"}, event_id="EvB"
    )
    (published,) = fake_slack.wait_for("views.publish")
    assert published.team == "T0BBB"
