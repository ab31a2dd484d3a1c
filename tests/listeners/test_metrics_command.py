"""/cx-metrics through signed requests: the numbers, their change and targets, and who may see
what."""

import csv
import io
import json

import pytest
from sqlalchemy import Engine
from sqlmodel import Session

from bot.store import repos
from tests.cli.test_metrics import data, env
from tests.fakeslack import FakeSlack, SlackDriver

__all__ = ["data", "env"]  # fixtures used below


def _ask(slack: SlackDriver, fake: FakeSlack, text: str, user: str) -> str:
    answered = len(fake.calls_to("response_url"))
    reply = slack.command("/cx-metrics", text, user_id=user)
    assert (reply.status, reply.body) == (200, "")  # the numbers come after the ack
    posted = fake.wait_for("response_url", answered + 1)[-1].params
    assert posted["response_type"] == "ephemeral"
    return json.dumps(posted, ensure_ascii=False)


def test_an_admin_sees_a_team_month_with_changes_and_targets(
    data: None, dispatch: SlackDriver, fake_slack: FakeSlack
) -> None:
    """March for Tier 1: 2 tickets (▲1 on the 31 days before), CSAT 50 % of 2 below target."""
    shown = _ask(dispatch, fake_slack, "Tier 1 2026-03", "U0ADMIN")
    assert "*Tickets solved:* 2 ▲1" in shown
    assert "*CSAT:* 50 % (n=2)" in shown
    assert "target 85 not met" in shown
    assert "*First response, median:* 20 min" in shown
    assert "*Reflections answered:* no data" in shown


def test_an_agent_sees_their_own_numbers_by_default(
    data: None, dispatch: SlackDriver, fake_slack: FakeSlack
) -> None:
    """With no subject, an agent gets their own figures."""
    shown = _ask(dispatch, fake_slack, "2026-03", "U0AGENT")
    assert "<@U0AGENT>" in shown
    assert "*Tickets solved:* 2" in shown


def test_outsiders_are_told_what_they_can_see(
    data: None, dispatch: SlackDriver, fake_slack: FakeSlack
) -> None:
    """Someone not on the team cannot read its numbers, nor its agents'."""
    assert "numbers of your own teams" in _ask(dispatch, fake_slack, "Tier 1", "U0LEAD")
    assert "your own numbers" in _ask(dispatch, fake_slack, "<@U0AGENT|ana>", "U0LEAD")


@pytest.mark.parametrize("text", ["Tier 9", "5 weeks"])
def test_unknown_teams_and_periods_are_explained(
    data: None, dispatch: SlackDriver, fake_slack: FakeSlack, text: str
) -> None:
    """An unknown subject names what it could not find and the periods that work."""
    shown = _ask(dispatch, fake_slack, text, "U0ADMIN")
    assert "There is no team called" in shown
    assert "this-week" in shown


def test_round_trip_over_http(data: None, slack: SlackDriver, fake_slack: FakeSlack) -> None:
    """Through the real endpoint: empty ack, then the numbers on the response_url."""
    assert "Tickets solved" in _ask(slack, fake_slack, "Tier 1 2026-03", "U0ADMIN")


def _csv_rows(fake: FakeSlack) -> list[dict[str, str]]:
    (complete,) = fake.calls_to("files.completeUploadExternal")
    (upload,) = fake.uploads.values()
    assert complete.params["channel_id"].startswith("D")  # the asker's DM with CX Coach
    return list(csv.DictReader(io.StringIO(upload.decode())))


def test_a_csv_of_a_team_with_a_row_per_agent_reaches_the_admins_dm(
    data: None, dispatch: SlackDriver, fake_slack: FakeSlack, engine: Engine
) -> None:
    """`Tier 1 2026-03 csv`: the team's row and each agent's, the --json columns, no data left
    empty; a name a spreadsheet would run as a formula is defused."""
    with Session(engine) as session:
        agent = repos.get_person(session=session, workspace_id="T0001", slack_user_id="U0AGENT")
        assert agent is not None
        agent.display_name = '=HYPERLINK("http://evil")'
        session.add(agent)
        session.commit()
    shown = _ask(dispatch, fake_slack, "Tier 1 2026-03 csv", "U0ADMIN")
    assert "Sent `tier-1_2026-03-01_2026-03-31.csv` (a row per agent and the team's)" in shown
    team, agent_row = _csv_rows(fake_slack)
    assert (team["scope"], team["name"], team["tickets_solved"]) == ("team", "Tier 1", "2")
    assert (team["csat_pct"], team["csat_n"], team["participation_pct"]) == ("50.0", "2", "")
    assert (agent_row["scope"], agent_row["agent"]) == ("agent", "U0AGENT")
    assert agent_row["name"] == '\'=HYPERLINK("http://evil")'
    assert agent_row["period_start"] == "2026-03-01T00:00:00+00:00"


def test_an_agent_gets_only_the_teams_row(
    data: None, dispatch: SlackDriver, fake_slack: FakeSlack
) -> None:
    """An agent may export their team's figures, never a colleague's."""
    shown = _ask(dispatch, fake_slack, "csv Tier 1 2026-03", "U0AGENT")
    assert "(one row)" in shown
    (team,) = _csv_rows(fake_slack)
    assert team["scope"] == "team"
