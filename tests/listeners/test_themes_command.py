"""/cx-themes and the lead's App Home: a lead sees their team's themes (3 people or more, never a
name, a quote only where the team allows it); an agent is told who may and sees none on their
App Home; an empty period says there is not enough yet."""

import json
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import Engine
from sqlmodel import Session

from bot.deps import Deps
from bot.services import reflections, teams
from bot.services.permissions import OPERATOR
from bot.store import repos
from tests.checkin_helpers import add_agents
from tests.fakeslack import FakeSlack, SlackDriver

AGENTS = ("U0ANA", "U0BEN", "U0CAT")


def _team(engine: Engine, fake: FakeSlack, day: date = date(2026, 11, 23)) -> None:
    """Tier 1: three agents who asked for the same training on `day`, and U0LEAD, its lead."""
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
            reflections.save(session=session, person=person, shift_date=day,
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


def _quoting(engine: Engine, allowed: bool) -> None:
    with Session(engine) as session:
        tier1 = teams.find(session=session, workspace_id="T0001", name="Tier 1")
        assert tier1 is not None
        teams.save(session=session, workspace_id="T0001", actor=OPERATOR, team_id=tier1.id,
                   form=teams.TeamForm(themes_quote=allowed))  # fmt: skip
        session.commit()


def test_a_theme_quotes_an_answer_only_where_the_team_allows_it(
    engine: Engine, fake_slack: FakeSlack, slack: SlackDriver
) -> None:
    _team(engine, fake_slack)
    slack.command("/cx-themes", "Tier 1 2026-11", user_id="U0LEAD")
    assert "“" not in json.dumps(fake_slack.wait_for("response_url")[-1].params)
    _quoting(engine, allowed=True)
    slack.command("/cx-themes", "Tier 1 2026-11", user_id="U0LEAD")
    answer = json.dumps(fake_slack.wait_for("response_url", 2)[-1].params, ensure_ascii=False)
    assert "“refund policy for annual plans”" in answer
    assert not any(user in answer for user in AGENTS)


def _home(slack: SlackDriver, fake: FakeSlack, user: str) -> str:
    published = len(fake.calls_to("views.publish"))
    slack.event({"type": "app_home_opened", "user": user, "channel": "D1", "tab": "home"})
    return json.dumps(fake.wait_for("views.publish", published + 1)[-1].params)


def test_a_leads_app_home_shows_the_teams_themes_of_the_last_30_days(
    engine: Engine, fake_slack: FakeSlack, slack: SlackDriver, deps: Deps
) -> None:
    """Three agents asked for the same training this week: their lead's App Home shows it
    with its counts; an agent's App Home shows no themes."""
    _team(engine, fake_slack, day=deps.clock().date() - timedelta(days=2))
    home = _home(slack, fake_slack, "U0LEAD")
    assert "What Tier 1 keeps saying" in home
    assert "refund policy" in home
    assert "3 people, 3 answers (+3 on the period before)" in home
    assert "Training they asked for" in home
    assert "/cx-themes Tier 1" in home
    assert "keeps saying" not in _home(slack, fake_slack, "U0ANA")
