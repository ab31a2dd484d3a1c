"""Same-day alerts: a CSAT of 1-2 or an NPS of 0-6 with a comment reaches the agent's leads in
one DM, once; held back 21:00-08:00 in the lead's zone; the team decides who hears."""

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlmodel import Session

from bot.deps import Deps
from bot.services import alerts, helpdesk, teams
from bot.services.helpdesk_agents import Resolved
from bot.services.permissions import OPERATOR
from bot.store import repos
from tests.checkin_helpers import add_agents, claim_and_deliver
from tests.fakeslack import FakeSlack

NOON = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


@pytest.fixture
def team(engine: Engine, fake_slack: FakeSlack) -> None:
    """U0AGENT is an agent of Tier 1 (UTC), U0LEAD (London) its lead."""
    add_agents(engine, fake_slack, {"U0AGENT": "UTC"})
    _set(engine, leads=frozenset({"U0LEAD"}))
    with Session(engine) as session:
        lead = repos.get_person(session=session, workspace_id="T0001", slack_user_id="U0LEAD")
        assert lead is not None
        lead.timezone = "Europe/London"
        session.add(lead)
        session.commit()


def _set(engine: Engine, **form: Any) -> None:
    with Session(engine) as session:
        found = teams.find(session=session, workspace_id="T0001", name="Tier 1")
        assert found is not None
        teams.save(session=session, workspace_id="T0001", actor=OPERATOR, team_id=found.id,
                   form=teams.TeamForm(**form))  # fmt: skip
        session.commit()


def _surveys(engine: Engine, rows: list[tuple[str, str, int, str, datetime]]) -> None:
    """Surveys as an import stores them: (id, kind, score, comment, submitted)."""
    with Session(engine) as session:
        agent = repos.get_person(session=session, workspace_id="T0001", slack_user_id="U0AGENT")
        assert agent is not None
        records = [
            {"response_id": rid, "ticket_id": f"T-{rid}", "agent": "U0AGENT", "kind": kind,
             "score": str(score), "comment": comment, "submitted_at": at.isoformat()}
            for rid, kind, score, comment, at in rows
        ]  # fmt: skip
        helpdesk.store(session=session, workspace_id="T0001", kind="surveys",
                       records=enumerate(records, start=2),
                       resolve=lambda _agent: Resolved(agent.id))  # fmt: skip
        session.commit()


def _run(engine: Engine, deps: Deps, at: datetime) -> int:
    return claim_and_deliver(
        engine, deps, at, lambda session, now: alerts.claim_due(session=session, now=now)
    )


def test_low_ratings_with_comments_reach_the_lead_once_in_one_dm(
    team: None, engine: Engine, deps: Deps, fake_slack: FakeSlack
) -> None:
    """Two low ratings with comments share one DM (escaped, with the ticket and a button to
    make an action item); a low one without a comment, a good one and last week's stay out."""
    _surveys(engine, [
        ("R1", "csat", 1, "Rude agent <!channel>", NOON - timedelta(minutes=3)),
        ("R2", "nps", 3, "Slow refund", NOON - timedelta(minutes=2)),
        ("R3", "csat", 2, "", NOON - timedelta(minutes=2)),
        ("R4", "csat", 5, "Lovely", NOON - timedelta(minutes=1)),
        ("R5", "csat", 1, "Old news", NOON - timedelta(days=3)),
    ])  # fmt: skip
    assert _run(engine, deps, NOON) == 1
    (dm,) = fake_slack.messages_to("U0LEAD")
    assert "2 unhappy customers today" in dm["text"]
    shown = str(dm["blocks"])
    assert "Rude agent &lt;!channel&gt;" in shown
    assert "ticket T-R1" in shown
    assert "Slow refund" in shown
    assert "Lovely" not in shown
    assert "Old news" not in shown
    assert "Make an action item" in shown
    assert _run(engine, deps, NOON + timedelta(minutes=1)) == 0
    assert fake_slack.messages_to("U0AGENT") == []  # the team says: leads only


def test_quiet_hours_hold_an_alert_until_the_morning(
    team: None, engine: Engine, deps: Deps, fake_slack: FakeSlack
) -> None:
    """At 22:00 in London nothing goes; at 08:00 it does."""
    late = datetime(2026, 11, 25, 22, 0, tzinfo=UTC)
    _surveys(engine, [("R1", "csat", 1, "Never again", late - timedelta(minutes=1))])
    assert _run(engine, deps, late) == 0
    assert _run(engine, deps, late + timedelta(hours=10, minutes=1)) == 1
    assert "Never again" in str(fake_slack.messages_to("U0LEAD")[0]["blocks"])


def test_the_team_chooses_who_hears(
    team: None, engine: Engine, deps: Deps, fake_slack: FakeSlack
) -> None:
    """Leads and the agent: the agent gets their own DM, worded to them; off: nobody."""
    _set(engine, alerts="leads_agent")
    _surveys(engine, [("R1", "csat", 2, "Too slow", NOON - timedelta(minutes=1))])
    assert _run(engine, deps, NOON) == 2
    assert "A customer rated you" in fake_slack.messages_to("U0AGENT")[0]["text"]
    _set(engine, alerts="off")
    _surveys(engine, [("R2", "csat", 1, "Awful", NOON)])
    assert _run(engine, deps, NOON + timedelta(minutes=1)) == 0
