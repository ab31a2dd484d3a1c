"""/cx-metrics through signed requests: the numbers, their change and targets, and who may see
what."""

import csv
import io
import json
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlmodel import Session

from bot.blocks import metrics_pickers
from bot.services import teams
from bot.services.permissions import OPERATOR
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
    """March for Tier 1 against the 31 days before: one ticket more (neither better nor worse),
    FCR down 50 points (worse), first response up 10 minutes (worse, though the target is met);
    CSAT 50 % of 2 below its 85 % target, with no change to read (no CSAT before)."""
    shown = _lines(_ask(dispatch, fake_slack, "Tier 1 2026-03", "U0ADMIN"))
    assert "*Tickets solved:* 2 · ▲ 1 ticket" in shown
    assert "*First-contact resolution:* 50 % · ▼ 50 pts, worse · target 70 % not met" in shown
    assert "*CSAT:* 50 % (n=2) · target 85 % not met" in shown
    assert "*First response, median:* 20 min · ▲ 10 min, worse · target met" in shown
    assert "*Resolution, median:* 13.1 h · ▼ 11.0 h, better" in shown
    assert "*Reflections answered:* no data" in shown
    assert ":small_red_triangle" not in shown


def test_an_agent_sees_their_own_numbers_by_default(
    data: None, dispatch: SlackDriver, fake_slack: FakeSlack
) -> None:
    """With no subject, an agent gets their own figures, headed by their name (a header cannot
    show a mention), and a period picker but no subject picker."""
    posted = json.loads(_ask(dispatch, fake_slack, "2026-03", "U0AGENT"))
    assert posted["blocks"][0]["text"]["text"] == "Ana · 2026-03"
    assert "*Tickets solved:* 2" in posted["blocks"][1]["text"]["text"]
    (pickers,) = [b for b in posted["blocks"] if b["type"] == "actions"]
    assert [e["action_id"] for e in pickers["elements"]] == [metrics_pickers.PERIOD]


def test_outsiders_are_told_what_they_can_see(
    data: None, dispatch: SlackDriver, fake_slack: FakeSlack
) -> None:
    """Someone not on the team cannot read its numbers, nor its agents'."""
    team = _ask(dispatch, fake_slack, "Tier 1", "U0LEAD")
    assert "Only the team's members and leads, and admins can see a team's numbers." in team
    agent = _ask(dispatch, fake_slack, "<@U0AGENT|ana>", "U0LEAD")
    assert "Only the person themself, their team's leads and admins can see someone's" in agent


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


def _lines(shown: str) -> list[str]:
    """The KPI lines of an answer."""
    return str(json.loads(shown)["blocks"][1]["text"]["text"]).splitlines()


@pytest.mark.parametrize(
    ("words", "header"),
    [("Tier 1 last month", "Tier 1 · last month"), ("Tier 1 month", "Tier 1 · this month"),
     ("tier 1 last 30 days", "Tier 1 · last 30 days"), ("Tier 1 this week", "Tier 1 · this week")],
)  # fmt: skip
def test_periods_said_in_words_are_periods_not_team_names(
    data: None, dispatch: SlackDriver, fake_slack: FakeSlack, words: str, header: str
) -> None:
    """ "last month", "month", "last 30 days": the period, and the team is the rest."""
    posted = json.loads(_ask(dispatch, fake_slack, words, "U0ADMIN"))
    assert posted["blocks"][0]["text"]["text"] == header


def test_an_admins_bare_command_shows_every_team(
    data: None, dispatch: SlackDriver, fake_slack: FakeSlack, engine: Engine
) -> None:
    """One line per team: solved, CSAT, FCR, first response and targets met; a team with no
    data says so instead of zeros."""
    with Session(engine) as session:
        teams.save(session=session, workspace_id="T0001", actor=OPERATOR, team_id=None,
                   form=teams.TeamForm(name="Billing <VIP>"))  # fmt: skip
        session.commit()
    posted = json.loads(_ask(dispatch, fake_slack, "2026-03", "U0ADMIN"))
    assert posted["blocks"][0]["text"]["text"] == "All teams · 2026-03"
    lines = posted["blocks"][1]["text"]["text"].splitlines()
    assert lines == [
        "*Billing &lt;VIP&gt;*: 0 tickets solved · CSAT no data · FCR no data · "
        "first response no data · no targets to judge yet",
        "*Tier 1*: 2 tickets solved · CSAT 50 % · FCR 50 % · first response 20 min · "
        "2 of 4 targets met",
    ]


def test_the_pickers_redo_the_answer_in_place_within_what_the_asker_may_see(
    data: None, dispatch: SlackDriver, fake_slack: FakeSlack
) -> None:
    """An admin picks Tier 1 from the overview, then last month: the same message is
    replaced each time. An agent's forged pick of a team they are not on is refused."""
    posted = json.loads(_ask(dispatch, fake_slack, "2026-03", "U0ADMIN"))
    (pickers,) = [b for b in posted["blocks"] if b["type"] == "actions"]
    subject = next(e for e in pickers["elements"] if e["action_id"] == metrics_pickers.SUBJECT)
    tier_1 = next(o["value"] for o in subject["options"] if o["text"]["text"] == "Team: Tier 1")

    def pick(action: str, value: str, block_id: str, user: str = "U0ADMIN") -> dict[str, Any]:
        before = len(fake_slack.calls_to("response_url"))
        dispatch.block_action(action, block_id=block_id, selected_option=value, user_id=user)
        return dict(fake_slack.wait_for("response_url", before + 1)[-1].params)

    team = pick(metrics_pickers.SUBJECT, tier_1, pickers["block_id"])
    assert team["replace_original"] is True
    assert team["blocks"][0]["text"]["text"] == "Tier 1 · 2026-03"
    (again,) = [b for b in team["blocks"] if b["type"] == "actions"]
    month = pick(metrics_pickers.PERIOD, "last-month", again["block_id"])
    assert month["blocks"][0]["text"]["text"] == "Tier 1 · last month"
    odd = pick(metrics_pickers.PERIOD, "someday", again["block_id"])  # a forged period
    assert "`someday` is not a period I know" in odd["text"]
    fake_slack.add_user("U0OTHER", name="olly", tz="UTC")
    forged = pick(metrics_pickers.PERIOD, "7d", again["block_id"], user="U0OTHER")
    assert "can see a team's numbers" in forged["text"]
    assert "blocks" not in forged or not forged["blocks"]


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
