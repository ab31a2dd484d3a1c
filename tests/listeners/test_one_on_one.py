"""/cx-1on1: a lead's agenda lists the reflection marked to discuss and the open item; Mark as
held closes it and the next agenda starts from there; nobody else gets one."""

import json
import time
from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session, select

from bot.blocks import one_on_one as blocks
from bot.blocks import reading as reading_blocks
from bot.store.models import OneOnOne, Reflection
from tests.conftest import ADMIN
from tests.fakeslack import FakeSlack, SlackDriver
from tests.listeners.test_checkins import prompt, slack_at
from tests.listeners.test_reading import HOME, answered

__all__ = ["answered", "prompt", "slack_at"]  # fixtures used below


def _agenda(slack: SlackDriver, fake: FakeSlack, user: str = "U0LEAD") -> str:
    before = len(fake.messages_to(user))
    assert slack.command("/cx-1on1", "<@U0AGENT|ana>", user_id=user).status == 200
    deadline = time.monotonic() + 5
    while len(fake.messages_to(user)) == before and time.monotonic() < deadline:
        time.sleep(0.01)  # the agenda is posted after the ack
    return json.dumps(fake.messages_to(user)[-1])


def _reflection(engine: Engine) -> Reflection:
    with Session(engine) as session:
        return session.exec(select(Reflection)).one()


def test_the_agenda_lists_what_to_discuss_and_restarts_after_the_1on1(
    answered: SlackDriver, fake_slack: FakeSlack, engine: Engine
) -> None:
    """Flagged reflection and open item in the lead's DM; Mark as held with notes clears the
    flag, and the next agenda counts from the 1:1."""
    slack = answered
    slack.block_action(reading_blocks.DISCUSS, str(_reflection(engine).id), user_id="U0LEAD",
                       view=HOME)  # fmt: skip
    fake_slack.wait_for("views.publish")
    item: dict[str, Any] = {
        reading_blocks.TEXT: {reading_blocks.TEXT: {"type": "plain_text_input",
                                                    "value": "Shadow a tier 2 call"}},
        reading_blocks.DUE: {reading_blocks.DUE: {"type": "datepicker",
                                                  "selected_date": "2026-12-04"}},
    }  # fmt: skip
    slack.view_submission(reading_blocks.ASSIGN_MODAL, item, user_id="U0LEAD",
                          private_metadata="U0AGENT")  # fmt: skip
    agenda = _agenda(slack, fake_slack)
    assert "Marked to discuss" in agenda
    assert "Escalate sooner" in agenda
    assert "Shadow a tier 2 call" in agenda
    assert "no 1:1 recorded yet" in agenda

    slack.block_action(blocks.HELD, "U0AGENT", user_id="U0LEAD")
    modal = fake_slack.wait_for("views.open")[-1].params["view"]
    assert modal["callback_id"] == blocks.HELD_MODAL
    notes = {blocks.NOTES: {blocks.NOTES: {"type": "plain_text_input", "value": "Good talk"}}}
    for _ in range(2):  # Save pressed twice: one 1:1 held
        held_reply = slack.view_submission(
            blocks.HELD_MODAL, notes, user_id="U0LEAD", private_metadata="U0AGENT",
            view_id="V0HELD",
        )  # fmt: skip
        assert held_reply.body == ""
    with Session(engine) as session:
        (held,) = session.exec(select(OneOnOne)).all()
    assert held.notes == "Good talk"
    assert not _reflection(engine).discuss
    again = _agenda(slack, fake_slack)
    assert "since your last 1:1" in again
    assert "Marked to discuss" not in again
    assert "Good talk" in again


def test_only_the_agents_leads_and_admins_get_an_agenda(
    answered: SlackDriver, fake_slack: FakeSlack
) -> None:
    """The agent (about themself) gets a refusal; a missing mention gets the usage; an admin
    who does not lead the team gets the agenda without a word of the reflections."""
    slack = answered
    assert slack.command("/cx-1on1", "<@U0AGENT|ana>", user_id="U0AGENT").status == 200
    refusal = fake_slack.wait_for("response_url")[-1].params["text"]
    assert "Only the agent's team leads and admins" in refusal
    usage = slack.command("/cx-1on1", "ana", user_id="U0LEAD").json()
    assert "/cx-1on1" in usage["text"]
    admin = _agenda(slack, fake_slack, user=ADMIN)
    assert "Open action items" in admin
    assert "Escalate sooner" not in admin
