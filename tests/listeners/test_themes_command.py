"""/cx-themes: a lead sees their team's themes (3 people or more, never a name); an agent is
told who may; an empty period says there is not enough yet."""

import json
from datetime import UTC, date, datetime

from sqlalchemy import Engine
from sqlmodel import Session

from bot.services import reflections, teams
from bot.services.permissions import OPERATOR
from bot.store import repos
from tests.checkin_helpers import add_agents
from tests.fakeslack import FakeSlack, SlackDriver

AGENTS = ("U0ANA", "U0BEN", "U0CAT")


def _team(engine: Engine, fake: FakeSlack) -> None:
    add_agents(engine, fake, dict.fromkeys(AGENTS, "UTC"))
    fake.add_user("U0LEAD", tz="UTC")
    with Session(engine) as session:
        tier1 = teams.find(session=session, workspace_id="T0001", name="Tier 1")
        assert tier1 is not None
        teams.save(session=session, workspace_id="T0001", actor=OPERATOR, team_id=tier1.id,
                   form=teams.TeamForm(leads=frozenset({"U0LEAD"})))  # fmt: skip
        for user in AGENTS:
            person = repos.get_person(session=session, workspace_id="T0001", slack_user_id=user)
            assert person is not None
            reflections.save(session=session, person=person, shift_date=date(2026, 11, 23),
                             answers={"training": "refund policy for annual plans"},
                             now=datetime(2026, 11, 23, 18, tzinfo=UTC))  # fmt: skip
        session.commit()


def test_a_lead_sees_the_teams_themes_and_an_agent_does_not(
    engine: Engine, fake_slack: FakeSlack, slack: SlackDriver
) -> None:
    _team(engine, fake_slack)
    assert slack.command("/cx-themes", "Tier 1 2026-11", user_id="U0LEAD").status == 200
    answer = json.dumps(fake_slack.wait_for("response_url")[-1].params)
    assert "Training they asked for" in answer
    assert "3 people" in answer
    assert not any(user in answer for user in AGENTS)  # never attributed
    slack.command("/cx-themes", "Tier 1", user_id="U0ANA")
    assert "Only the team's leads and admins" in str(
        fake_slack.wait_for("response_url", 2)[-1].params.get("text"))  # fmt: skip
    slack.command("/cx-themes", "2026-10", user_id="U0LEAD")  # their team, an empty month
    assert "Not enough answers yet" in json.dumps(fake_slack.wait_for("response_url", 3)[-1].params)
