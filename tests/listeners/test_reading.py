"""The coaching loop through the fake Slack: a lead reads an agent's reflection, replies in the
prompt's thread, the agent answers back and sees who read; a lead gives an action item; a team
that keeps reflections private shows leads none of the text."""

import json
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from bot.blocks import checkins as checkin_blocks
from bot.blocks import reading as blocks
from bot.services import teams
from bot.services.permissions import OPERATOR
from bot.store.models import ActionItem, Reflection, ReflectionRead, ReflectionReply
from tests.conftest import ADMIN
from tests.fakeslack import FakeSlack, SlackDriver
from tests.listeners.test_checkins import _answers, _meta, prompt, slack_at

__all__ = ["prompt", "slack_at"]  # fixtures used below

HOME = {"id": "V0HOME", "type": "home"}


def _lead_team(engine: Engine, *, leads_read: bool = True) -> None:
    with Session(engine) as session:
        team = teams.find(session=session, workspace_id="T0001", name="Tier 1")
        assert team is not None
        form = teams.TeamForm(leads=frozenset({"U0LEAD"}), leads_read=leads_read)
        teams.save(session=session, workspace_id="T0001", actor=OPERATOR, team_id=team.id,
                   form=form)  # fmt: skip
        session.commit()


@pytest.fixture
def answered(
    prompt: tuple[str, str], slack_at: Callable[[timedelta], SlackDriver], fake_slack: FakeSlack,
    engine: Engine,
) -> SlackDriver:  # fmt: skip
    """U0AGENT answered the prompt (with a would-be ping in it); U0LEAD leads their team."""
    slack = slack_at(timedelta(minutes=5))
    answers = _answers(well="Calmed down an angry customer <!channel>")
    slack.view_submission(checkin_blocks.REFLECT_MODAL, answers, private_metadata=_meta(prompt))
    fake_slack.wait_for("chat.update")
    _lead_team(engine)
    return slack


def _home(slack: SlackDriver, fake: FakeSlack, user: str) -> str:
    published = len(fake.calls_to("views.publish"))
    slack.event({"type": "app_home_opened", "user": user, "channel": "D1", "tab": "home"})
    fake.wait_for("views.publish", published + 1)
    return json.dumps(fake.home_views[user]["blocks"])


def _reflection(engine: Engine) -> Reflection:
    with Session(engine) as session:
        return session.exec(select(Reflection)).one()


def _text(value: str) -> dict[str, dict[str, Any]]:
    return {blocks.TEXT: {blocks.TEXT: {"type": "plain_text_input", "value": value}}}


def _last_view(fake: FakeSlack, method: str) -> str:
    return json.dumps(fake.wait_for(method, len(fake.calls_to(method)) or 1)[-1].params["view"])


def test_a_lead_reads_replies_and_the_agent_answers(
    answered: SlackDriver, prompt: tuple[str, str], fake_slack: FakeSlack, engine: Engine
) -> None:
    """The lead's home lists the reflection; Open shows it (and is recorded); the reply lands
    in the prompt's thread; the agent's answer reaches the lead; the agent sees who read."""
    slack = answered
    home = _home(slack, fake_slack, "U0LEAD")
    assert "Latest reflections" in home
    assert "Calmed down an angry customer" in home
    assert "<!channel>" not in home  # the agent's words, escaped

    slack.block_action(blocks.OPEN_PERSON, "U0AGENT", user_id="U0LEAD", view=HOME)
    modal = _last_view(fake_slack, "views.open")
    assert "Escalate sooner" in modal
    assert "Give an action item" in modal
    with Session(engine) as session:
        (read,) = session.exec(select(ReflectionRead)).all()

    reflection = _reflection(engine)
    inside = {"id": "V0FILE", "type": "modal"}
    slack.block_action(blocks.REPLY, str(reflection.id), user_id="U0LEAD", view=inside)
    assert fake_slack.wait_for("views.push")[0].params["view"]["callback_id"] == blocks.REPLY_MODAL
    posted = len(fake_slack.calls_to("chat.postMessage"))
    sent = slack.view_submission(blocks.REPLY_MODAL, _text("Great save <!here>, keep it up"),
                                 user_id="U0LEAD", private_metadata=str(reflection.id))  # fmt: skip
    assert sent.body == ""
    fake_slack.wait_for("chat.postMessage", posted + 1)
    to_agent = fake_slack.messages_to("U0AGENT")[-1]
    assert to_agent["thread_ts"] == prompt[1]
    assert "Great save &lt;!here&gt;, keep it up" in to_agent["text"]

    back = slack.view_submission(blocks.REPLY_MODAL, _text("Thanks, will do!"), user_id="U0AGENT",
                                 private_metadata=str(reflection.id))  # fmt: skip
    assert back.body == ""
    fake_slack.wait_for("chat.postMessage", posted + 2)
    assert "Thanks, will do!" in fake_slack.messages_to("U0LEAD")[-1]["text"]
    with Session(engine) as session:
        thread = session.exec(select(ReflectionReply).order_by(col(ReflectionReply.id))).all()
    assert [r.text for r in thread] == ["Great save <!here>, keep it up", "Thanks, will do!"]

    agent_home = _home(slack, fake_slack, "U0AGENT")
    assert "Read by your leads in the last 30 days: <@U0LEAD>" in agent_home
    assert read.read_at is not None


def test_a_lead_marks_for_a_1on1_and_gives_an_action_item(
    answered: SlackDriver, fake_slack: FakeSlack, engine: Engine
) -> None:
    """Discuss in 1:1 marks the reflection; the lead's item reaches the agent's DM, theirs to
    close; a past due date is refused in the modal."""
    slack = answered
    reflection = _reflection(engine)
    slack.block_action(blocks.DISCUSS, str(reflection.id), user_id="U0LEAD", view=HOME)
    fake_slack.wait_for("views.publish")
    assert _reflection(engine).discuss

    values: dict[str, dict[str, Any]] = {
        **_text("Shadow a tier 2 call"),
        blocks.DUE: {blocks.DUE: {"type": "datepicker", "selected_date": "2020-01-01"}},
    }
    past = slack.view_submission(blocks.ASSIGN_MODAL, values, user_id="U0LEAD",
                                 private_metadata="U0AGENT").json()  # fmt: skip
    assert "from today on" in past["errors"][blocks.DUE]
    values[blocks.DUE][blocks.DUE]["selected_date"] = "2026-12-04"
    posted = len(fake_slack.calls_to("chat.postMessage"))
    assert slack.view_submission(blocks.ASSIGN_MODAL, values, user_id="U0LEAD",
                                 private_metadata="U0AGENT").body == ""  # fmt: skip
    fake_slack.wait_for("chat.postMessage", posted + 1)
    assert "<@U0LEAD> gave you an action item" in fake_slack.messages_to("U0AGENT")[-1]["text"]
    with Session(engine) as session:
        (item,) = session.exec(select(ActionItem)).all()
    assert (item.text, item.assigned_by_id is not None) == ("Shadow a tier 2 call", True)
    assert "Shadow a tier 2 call" in _home(slack, fake_slack, "U0AGENT")


def test_a_team_that_keeps_reflections_private_shows_no_text(
    answered: SlackDriver, fake_slack: FakeSlack, engine: Engine
) -> None:
    """Leads see no answer on their home, Open and Reply are refused — and an admin who does
    not lead the team reads nothing either; the agent is told nobody can read them."""
    slack = answered
    _lead_team(engine, leads_read=False)
    home = _home(slack, fake_slack, "U0LEAD")
    assert "keeps reflections private" in home
    assert "Calmed down" not in home
    slack.block_action(blocks.OPEN_PERSON, "U0AGENT", user_id="U0LEAD", view=HOME)
    refused = _last_view(fake_slack, "views.open")
    assert "Only the person themself" in refused
    assert "Escalate sooner" not in refused
    reflection = _reflection(engine)
    reply = slack.view_submission(blocks.REPLY_MODAL, _text("Hi"), user_id="U0LEAD",
                                  private_metadata=str(reflection.id)).json()  # fmt: skip
    assert "Only the leads" in reply["errors"][blocks.TEXT]
    _lead_team(engine, leads_read=True)
    slack.block_action(blocks.OPEN_PERSON, "U0AGENT", user_id=ADMIN, view=HOME)
    assert "Escalate sooner" not in _last_view(fake_slack, "views.open")
    _lead_team(engine, leads_read=False)
    assert "no lead can read them" in _home(slack, fake_slack, "U0AGENT")
    with Session(engine) as session:
        assert session.exec(select(ReflectionRead)).all() == []


def test_an_empty_reply_is_refused_beside_the_field(answered: SlackDriver, engine: Engine) -> None:
    """An empty reply keeps the modal open; nothing is stored."""
    reflection = _reflection(engine)
    empty = answered.view_submission(blocks.REPLY_MODAL, _text("   "), user_id="U0LEAD",
                                     private_metadata=str(reflection.id)).json()  # fmt: skip
    assert empty["errors"][blocks.TEXT] == "Write a reply first."
    with Session(engine) as session:
        assert session.exec(select(ReflectionReply)).all() == []


def test_a_reply_sent_twice_from_one_modal_is_kept_and_sent_once(
    answered: SlackDriver, fake_slack: FakeSlack, engine: Engine
) -> None:
    """Send pressed twice (the same modal submitted again): one reply, one DM."""
    reflection = _reflection(engine)
    posted = len(fake_slack.calls_to("chat.postMessage"))
    for _ in range(2):
        answered.view_submission(blocks.REPLY_MODAL, _text("Nice work"), user_id="U0LEAD",
                                 private_metadata=str(reflection.id),
                                 view_id="V0REPLY")  # fmt: skip
    fake_slack.wait_for("chat.postMessage", posted + 1)
    time.sleep(0.3)  # a second DM, if one were coming, would be on its way by now
    assert len(fake_slack.calls_to("chat.postMessage")) == posted + 1
    with Session(engine) as session:
        assert [r.text for r in session.exec(select(ReflectionReply)).all()] == ["Nice work"]
