"""The Bolt app behind its real HTTP endpoint: signing, wiring, help texts, failures."""

import json
import time
from typing import Any

import pytest
from sqlalchemy import Engine

from bot.blocks.help import COMMANDS
from bot.store.models import Team
from tests.conftest import SIGNING_SECRET
from tests.fakeslack import FakeSlack, SlackDriver
from tests.fakeslack.driver import dispatch_sender, http_sender


def _text_of(reply_json: dict[str, Any]) -> str:
    """Everything a person would read in a message: its text and all its blocks."""
    return json.dumps(reply_json.get("blocks", [])) + str(reply_json.get("text", ""))


def test_metrics_help_round_trip_over_http(slack: SlackDriver) -> None:
    """/cx-metrics help is answered at once, ephemerally, with the command's usage."""
    reply = slack.command("/cx-metrics", "help")
    assert reply.status == 200
    body = reply.json()
    assert body.get("response_type", "ephemeral") == "ephemeral"
    text = _text_of(body)
    assert "/cx-metrics @agent [period]" in text
    assert "this-month" in text


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_every_command_answers_help(dispatch: SlackDriver, command: str) -> None:
    """Every slash command answers `help` with its own usage text."""
    reply = dispatch.command(command, "help")
    assert reply.status == 200
    text = _text_of(reply.json())
    assert f"{command} help" in text
    assert COMMANDS[command].summary.split(":")[0] in text


def test_unknown_subcommand_gets_usage_and_is_escaped(dispatch: SlackDriver) -> None:
    """An unknown subcommand is named back (escaped, so it pings nobody) above the usage."""
    reply = dispatch.command("/cx-team", "<!channel> please")
    text = _text_of(reply.json())
    assert "I don't know" in text
    assert "&lt;!channel&gt;" in text
    assert "<!channel>" not in text
    assert "/cx-team list" in text


def test_command_missing_its_argument_explains(dispatch: SlackDriver) -> None:
    """/cx-kudos with nothing after it says it needs more and shows how to use it."""
    text = _text_of(dispatch.command("/cx-kudos", "").json())
    assert "needs a little more" in text
    assert "/cx-kudos @agent" in text


def test_team_list_answers_via_response_url(
    slack: SlackDriver, fake_slack: FakeSlack, engine: Engine
) -> None:
    """/cx-team list acks at once, then lists the workspace's teams through the response_url."""
    from sqlmodel import Session

    from bot.store import repos

    with Session(engine) as session:
        repos.ensure_workspace(session=session, workspace_id="T0001")
        repos.ensure_workspace(session=session, workspace_id="T0OTHER")
        session.add(Team(workspace_id="T0001", name="Tier 1 <EMEA>", timezone="Europe/Berlin"))
        session.add(Team(workspace_id="T0OTHER", name="Someone else's team"))
        session.commit()
    reply = slack.command("/cx-team", "list")
    assert reply.status == 200
    assert reply.body == ""
    posted = fake_slack.wait_for("response_url")[0].params
    text = _text_of(posted)
    assert "Tier 1 &lt;EMEA&gt;" in text
    assert "Europe/Berlin" in text
    assert "Someone else" not in text  # never another workspace's rows
    assert posted["response_type"] == "ephemeral"


def test_team_list_when_empty_says_how_to_start(slack: SlackDriver, fake_slack: FakeSlack) -> None:
    """With no teams yet, /cx-team tells the person how to create the first one."""
    slack.command("/cx-team")
    assert "/cx-team create" in _text_of(fake_slack.wait_for("response_url")[0].params)


def test_unregistered_command_is_not_handled(dispatch: SlackDriver) -> None:
    """A command the app does not know gets Bolt's 404, not a silent 200."""
    assert dispatch.command("/cx-unknown", "").status == 404


def test_bad_signature_is_rejected(fake_slack: FakeSlack, server: Any) -> None:
    """A request signed with the wrong secret gets 401 and no listener runs."""
    impostor = SlackDriver(
        fake=fake_slack, signing_secret="not-the-secret", send=http_sender(server.url)
    )
    assert impostor.command("/cx-team", "list").status == 401
    time.sleep(0.2)
    assert fake_slack.calls_to("response_url") == []


def test_stale_timestamp_is_rejected(slack: SlackDriver) -> None:
    """A correctly signed request older than five minutes is refused (replay protection)."""
    body = "command=%2Fcx-metrics&text=help&team_id=T0001&user_id=U0AGENT"
    headers = slack.signed_headers(
        body, "application/x-www-form-urlencoded", int(time.time()) - 400
    )
    assert slack.send(body, headers).status == 401


def test_database_down_tells_the_user_to_try_again(
    fake_slack: FakeSlack, settings: Any, engine: Engine
) -> None:
    """When the database stops answering, /cx-team list gets a short "try again", not a 500."""
    from bot.app import create_app
    from bot.deps import Deps
    from bot.store.db import make_engine

    dead = make_engine(
        "postgresql+psycopg://nobody@127.0.0.1:1/none", connect_args={"connect_timeout": 1}
    )
    app = create_app(Deps.from_settings(settings, engine=dead))
    driver = SlackDriver(fake=fake_slack, signing_secret=SIGNING_SECRET, send=dispatch_sender(app))
    assert driver.command("/cx-team", "list").status == 200
    posted = fake_slack.wait_for("response_url")[0].params
    assert "try again" in posted["text"]
    assert posted["response_type"] == "ephemeral"
