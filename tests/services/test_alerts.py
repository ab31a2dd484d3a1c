"""Same-day alerts: a CSAT of 1-2 or an NPS of 0-6 with a comment reaches the agent's leads in
one DM, once; held back 21:00-08:00 in the lead's zone; the team decides who hears; a lead can
put the rating on the next 1:1's agenda."""

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlmodel import Session

from bot.blocks import one_on_one
from bot.deps import Deps
from bot.services import alerts, helpdesk, teams
from bot.services.helpdesk_agents import Resolved
from bot.services.permissions import OPERATOR
from bot.store import repos
from tests.checkin_helpers import add_agents, claim_and_deliver
from tests.fakeslack import FakeSlack, SlackDriver

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


def _button(message: dict[str, Any], action_id: str) -> str:
    """The value of the message's first button with this action id."""
    for block in message["blocks"]:
        for element in block.get("elements", []):
            if element.get("action_id") == action_id:
                return str(element["value"])
    raise AssertionError(f"no {action_id} button")


def test_discuss_in_1on1_puts_the_rating_on_the_next_agenda_until_it_is_held(
    team: None, engine: Engine, deps: Deps, fake_slack: FakeSlack, slack: SlackDriver
) -> None:
    """The lead's *Discuss in 1:1* under an alert: a line confirms it, `/cx-1on1` lists the
    rating and its words (escaped) under "Marked to discuss", *Mark as held* clears it. Someone
    who is not the agent's lead is refused; the agent's own alert has no such button."""
    _set(engine, alerts="leads_agent")
    _surveys(engine, [("R1", "csat", 1, "Rude <agent>", NOON - timedelta(minutes=1))])
    _run(engine, deps, NOON)
    (alert,) = fake_slack.messages_to("U0LEAD")
    survey_id = _button(alert, one_on_one.DISCUSS_RATING)
    assert one_on_one.DISCUSS_RATING not in str(fake_slack.messages_to("U0AGENT")[0]["blocks"])

    fake_slack.add_user("U0OTHER", name="other", tz="UTC")
    slack.block_action(one_on_one.DISCUSS_RATING, survey_id, user_id="U0OTHER",
                       message=("D0OTHER", "1.000001"))  # fmt: skip
    (refused,) = fake_slack.wait_for("response_url")
    assert "lead" in refused.params["text"]
    slack.block_action(one_on_one.DISCUSS_RATING, survey_id, user_id="U0LEAD",
                       message=("D0LEAD", "1.000001"))  # fmt: skip
    confirmed = fake_slack.wait_for("response_url", count=2)[-1].params
    assert confirmed["text"].startswith("On the agenda of your next 1:1 with <@U0AGENT>")
    assert confirmed["response_type"] == "ephemeral"

    def agenda() -> str:
        before = len(fake_slack.messages_to("U0LEAD"))
        slack.command("/cx-1on1", "<@U0AGENT|agent>", user_id="U0LEAD")
        fake_slack.wait_for("chat.postMessage", count=len(fake_slack.calls_to(
            "chat.postMessage")) + 1)  # fmt: skip
        assert len(fake_slack.messages_to("U0LEAD")) == before + 1
        return json.dumps(fake_slack.messages_to("U0LEAD")[-1]["blocks"])

    listed = agenda()
    assert "Marked to discuss" in listed
    assert "*1/5* (CSAT) on ticket T-R1" in listed
    assert "Rude &lt;agent&gt;" in listed
    notes = {one_on_one.NOTES: {one_on_one.NOTES: {"type": "plain_text_input", "value": ""}}}
    slack.view_submission(one_on_one.HELD_MODAL, notes, user_id="U0LEAD",
                          private_metadata="U0AGENT")  # fmt: skip
    assert "Rude" not in agenda()
