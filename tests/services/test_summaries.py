"""The weekly summary: each agent's own week in DM at the team's digest time, against the
team's median and the target; once per person and week; an agent can stop theirs."""

from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session

from bot.blocks import summary as blocks
from bot.deps import Deps
from bot.services import action_items, helpdesk, summaries
from bot.services.helpdesk_agents import Resolved
from bot.store import repos
from tests.checkin_helpers import add_agents, claim_and_deliver
from tests.fakeslack import FakeSlack, SlackDriver

MONDAY_9 = datetime(2026, 11, 30, 9, 1, tzinfo=UTC)  # Tier 1's digest time (UTC), default


def _tickets(engine: Engine, agent: str, replies: list[int]) -> None:
    """Tickets solved last week: one per entry, with that many agent replies."""
    with Session(engine) as session:
        person = repos.get_person(session=session, workspace_id="T0001", slack_user_id=agent)
        assert person is not None
        records: list[dict[str, Any]] = [
            {"ticket_id": f"{agent}-{n}", "agent": agent, "created_at": "2026-11-24T10:00:00Z",
             "first_response_at": "2026-11-24T10:30:00Z", "solved_at": "2026-11-24T12:00:00Z",
             "agent_replies": str(count)}
            for n, count in enumerate(replies)
        ]  # fmt: skip
        helpdesk.store(session=session, workspace_id="T0001", kind="tickets",
                       records=enumerate(records, start=2),
                       resolve=lambda _a: Resolved(person.id))  # fmt: skip
        session.commit()


def _run(engine: Engine, deps: Deps, at: datetime) -> int:
    return claim_and_deliver(
        engine, deps, at, lambda session, now: summaries.claim_due(session=session, now=now)
    )


def test_each_agent_gets_their_own_week_once(
    engine: Engine, deps: Deps, fake_slack: FakeSlack
) -> None:
    """Nothing before the digest time; then one DM each, with their FCR against the team's
    median and the target and the item due this week; the next hour claims nothing."""
    add_agents(engine, fake_slack, {"U0AGENT": "UTC", "U0BEA": "UTC"})
    _tickets(engine, "U0AGENT", [1, 1, 1, 2])  # FCR 75 %
    _tickets(engine, "U0BEA", [1, 2])  # FCR 50 %
    with Session(engine) as session:
        agent = repos.get_person(session=session, workspace_id="T0001", slack_user_id="U0AGENT")
        assert agent is not None
        action_items.create(session=session, person=agent, text="Read the <!here> refund guide",
                       due=date(2026, 12, 2), now=MONDAY_9)  # fmt: skip
        session.commit()
    assert _run(engine, deps, MONDAY_9 - timedelta(minutes=2)) == 0
    assert _run(engine, deps, MONDAY_9) == 2
    (mine,) = fake_slack.messages_to("U0AGENT")
    shown = str(mine["blocks"])
    assert "2026-11-23 to 2026-11-29" in mine["text"]
    assert "*Tickets solved:* 4" in shown
    assert "*First-contact resolution:* 75 % · team median 62 % · target 70 %" in shown
    assert "Read the &lt;!here&gt; refund guide" in shown
    assert _run(engine, deps, MONDAY_9 + timedelta(hours=1)) == 0
    assert len(fake_slack.messages_to("U0BEA")) == 1


def test_an_agent_stops_theirs(
    engine: Engine, deps: Deps, fake_slack: FakeSlack, dispatch: SlackDriver
) -> None:
    """Stop weekly summaries: the DM says so, and the next week brings none."""
    add_agents(engine, fake_slack, {"U0AGENT": "UTC"})
    assert _run(engine, deps, MONDAY_9) == 1
    (message,) = fake_slack.messages_to("U0AGENT")
    dispatch.block_action(blocks.SUMMARY_OFF, "off", message=("DU0AGENT", message["ts"]))
    fake_slack.wait_for("chat.update")
    assert "No more weekly summaries" in str(fake_slack.messages_to("U0AGENT")[0]["text"])
    assert _run(engine, deps, MONDAY_9 + timedelta(weeks=1)) == 0
