"""Reflection questions per team: default, post-mortem or the team's own, chosen by leads."""

import json
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from bot.blocks import checkins as checkin_blocks
from bot.blocks import team_admin as team_blocks
from bot.blocks import team_checkin_inputs as checkin_ids
from bot.store.models import Reflection, Team
from tests.fakeslack import FakeSlack, SlackDriver
from tests.listeners.test_checkins import _meta, prompt, slack_at

__all__ = ["prompt", "slack_at"]  # fixtures used below


def _choose(
    slack: SlackDriver, engine: Engine, template: str, questions: str = "", leads_read: bool = True
) -> Any:
    """An admin picks the questions in the team modal (the team's leads may too)."""
    with Session(engine) as session:
        team = session.exec(select(Team)).one()
        session.add(team)
    values: dict[str, Any] = {
        team_blocks.MEMBERS: {team_blocks.MEMBERS: {"selected_users": ["U0AGENT"]}},
        checkin_ids.TEMPLATE: {checkin_ids.TEMPLATE: {"selected_option": {"value": template}}},
        checkin_ids.QUESTIONS: {checkin_ids.QUESTIONS: {"value": questions or None}},
        checkin_ids.LEADS_READ: {
            checkin_ids.LEADS_READ: {"selected_options": [{"value": "yes"}] if leads_read else []}
        },
    }
    return slack.view_submission(
        team_blocks.TEAM_MODAL, values, user_id="U0ADMIN", private_metadata=str(team.id)
    )


def _open_modal(slack: SlackDriver, fake: FakeSlack, message: tuple[str, str]) -> dict[str, Any]:
    opened = len(fake.calls_to("views.open"))
    slack.block_action(checkin_blocks.REFLECT_NOW, "2026-11-24", message=message)
    view: dict[str, Any] = fake.wait_for("views.open", opened + 1)[-1].params["view"]
    return view


def test_post_mortem_questions(
    prompt: tuple[str, str], slack_at: Callable[[timedelta], SlackDriver],
    fake_slack: FakeSlack, engine: Engine,
) -> None:  # fmt: skip
    """With the post-mortem template, agents are asked what happened, why, and what changes."""
    slack = slack_at(timedelta(minutes=5))
    assert _choose(slack, engine, "postmortem").body == ""
    view = _open_modal(slack, fake_slack, prompt)
    assert [b["label"]["text"] for b in view["blocks"][1:4]] == [
        "What happened?", "What was the root cause?", "What will I change?"
    ]  # fmt: skip
    values = {
        qid: {qid: {"value": f"{qid} answer"}} for qid in ("happened", "root_cause", "change")
    }
    reply = slack.view_submission(
        checkin_blocks.REFLECT_MODAL, values, private_metadata=_meta(prompt)
    )
    assert reply.body == ""
    with Session(engine) as session:
        saved = json.loads(session.exec(select(Reflection)).one().answers)
    assert saved == {"happened": "happened answer", "root_cause": "root_cause answer",
                     "change": "change answer"}  # fmt: skip


def test_the_teams_own_questions(
    prompt: tuple[str, str], slack_at: Callable[[timedelta], SlackDriver],
    fake_slack: FakeSlack, engine: Engine,
) -> None:  # fmt: skip
    """Own questions: text, a 1-5 scale and a single choice; the modal says who reads them."""
    slack = slack_at(timedelta(minutes=5))
    own = (
        "What was hardest?\n[scale] How busy was it?\n[choice: chat | email | phone] Main channel?"
    )
    assert _choose(slack, engine, "custom", own, leads_read=False).body == ""
    view = _open_modal(slack, fake_slack, prompt)
    kinds = [b["element"]["type"] for b in view["blocks"] if b["type"] == "input"]
    assert kinds == ["plain_text_input", "static_select", "static_select"]
    assert "Your answers are private to you." in json.dumps(view)
    values: dict[str, dict[str, Any]] = {
        "q1": {"q1": {"value": "The outage"}},
        "q2": {"q2": {"selected_option": {"value": "5"}}},
        "q3": {"q3": {"selected_option": {"value": "phone"}}},
    }
    slack.view_submission(checkin_blocks.REFLECT_MODAL, values, private_metadata=_meta(prompt))
    with Session(engine) as session:
        saved = json.loads(session.exec(select(Reflection)).one().answers)
    assert saved == {"q1": "The outage", "q2": 5, "q3": "phone"}


@pytest.mark.parametrize(
    ("questions", "message"),
    [("", "at least one question"), ("[stars] Rate it", "is not [scale]"),
     ("[choice: yes] Sure?", "at least two choices")],
)  # fmt: skip
def test_unusable_own_questions_are_explained(
    prompt: tuple[str, str], slack_at: Callable[[timedelta], SlackDriver], engine: Engine,
    questions: str, message: str,
) -> None:  # fmt: skip
    """Bad question lines keep the team modal open with the line and the reason."""
    reply = _choose(slack_at(timedelta(minutes=5)), engine, "custom", questions).json()
    assert message in reply["errors"][checkin_ids.QUESTIONS]
