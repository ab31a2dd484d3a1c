"""A lead's App Home counts the team's action items, overdue ones first, and *All action
items* opens every one of them; an agent pressing a forged button is told who may look."""

import json
from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session, select

from bot.blocks import reading as reading_blocks
from bot.blocks import team_items as blocks
from bot.store.models import Team
from tests.fakeslack import FakeSlack, SlackDriver
from tests.listeners.test_checkins import prompt, slack_at
from tests.listeners.test_reading import _home, answered

__all__ = ["answered", "prompt", "slack_at"]  # fixtures used below


def _assign(slack: SlackDriver, text: str, due: str) -> None:
    item: dict[str, Any] = {
        reading_blocks.TEXT: {reading_blocks.TEXT: {"type": "plain_text_input", "value": text}},
        reading_blocks.DUE: {reading_blocks.DUE: {"type": "datepicker", "selected_date": due}},
    }
    slack.view_submission(reading_blocks.ASSIGN_MODAL, item, user_id="U0LEAD",
                          private_metadata="U0AGENT")  # fmt: skip


def test_the_lead_sees_the_teams_items_and_opens_them_all(
    answered: SlackDriver, fake_slack: FakeSlack, engine: Engine
) -> None:
    """Two items set by the lead: the home counts them and names the next due (escaped); the
    modal lists each with who set it."""
    _assign(answered, "Shadow a <tier 2> call", "2026-12-04")
    _assign(answered, "Refund course", "2026-12-09")
    home = _home(answered, fake_slack, "U0LEAD")
    assert "Action items: 2 open action items, 0 done in 30 days" in home
    assert "Next due: <@U0AGENT>: Shadow a &lt;tier 2&gt; call (due Fri 4 Dec)" in home
    with Session(engine) as session:
        team = session.exec(select(Team)).one()
    answered.block_action(blocks.TEAM_ITEMS, str(team.id), user_id="U0LEAD",
                          view={"id": "V0HOME", "type": "home"})  # fmt: skip
    modal = json.dumps(fake_slack.wait_for("views.open")[-1].params["view"])
    assert "*Open (2)*" in modal
    assert "Refund course (due Wed 9 Dec, set by <@U0LEAD>)" in modal


def test_an_agent_is_not_shown_the_teams_items(
    answered: SlackDriver, fake_slack: FakeSlack, engine: Engine
) -> None:
    """A forged *All action items* from an agent opens a modal that says who may look."""
    _assign(answered, "Refund course", "2026-12-09")
    with Session(engine) as session:
        team = session.exec(select(Team)).one()
    answered.block_action(blocks.TEAM_ITEMS, str(team.id), user_id="U0AGENT",
                          view={"id": "V0HOME", "type": "home"})  # fmt: skip
    modal = json.dumps(fake_slack.wait_for("views.open")[-1].params["view"])
    assert "Only the team's leads and admins can see a team's action items." in modal
    assert "Refund course" not in modal
