"""Action items: from a reflection to a due-date DM, done or snoozed, and on the App Home."""

import dataclasses
import json
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

from freezegun import freeze_time
from sqlalchemy import Engine
from sqlmodel import Session, select

from bot.blocks import action_items as blocks
from bot.blocks import checkins as checkin_blocks
from bot.deps import Deps
from bot.store.models import ActionItem
from tests.checkin_helpers import clock_pass
from tests.fakeslack import FakeSlack, SlackDriver
from tests.listeners.test_checkins import _answers, _meta, prompt, slack_at

__all__ = ["prompt", "slack_at"]  # fixtures used below


def _values(text: str, due: str) -> dict[str, dict[str, dict[str, object]]]:
    return {
        blocks.TEXT: {blocks.TEXT: {"type": "plain_text_input", "value": text}},
        blocks.DUE: {blocks.DUE: {"type": "datepicker", "selected_date": due}},
    }


def _items(engine: Engine) -> list[ActionItem]:
    with Session(engine) as session:
        return list(session.exec(select(ActionItem)).all())


def test_a_reflection_becomes_an_action_item(
    prompt: tuple[str, str], slack_at: Callable[[timedelta], SlackDriver],
    fake_slack: FakeSlack, engine: Engine,
) -> None:  # fmt: skip
    """The saved-reflection DM offers the button; its modal starts from "what I'd change"."""
    slack = slack_at(timedelta(minutes=5))
    slack.view_submission(checkin_blocks.REFLECT_MODAL, _answers(), private_metadata=_meta(prompt))
    fake_slack.wait_for("chat.update")
    assert blocks.ADD_ACTION in json.dumps(fake_slack.messages_to("U0AGENT")[0]["blocks"])
    slack.block_action(blocks.ADD_ACTION, "2026-11-24", message=prompt)
    modal = fake_slack.wait_for("views.open")[0].params["view"]
    assert modal["blocks"][0]["element"]["initial_value"] == "Escalate sooner"
    reply = slack.view_submission(
        blocks.ACTION_MODAL, _values("Escalate billing cases in 10 min", "2026-11-30"),
        private_metadata="2026-11-24",
    )  # fmt: skip
    assert reply.body == ""
    (item,) = _items(engine)
    assert (item.text, item.due_date, item.status) == (
        "Escalate billing cases in 10 min", date(2026, 11, 30), "open"
    )  # fmt: skip
    assert item.reflection_id is not None


def test_bad_items_are_explained_in_the_modal(
    prompt: tuple[str, str], slack_at: Callable[[timedelta], SlackDriver], engine: Engine
) -> None:
    """An empty text or a past date keeps the modal open with the reason beside the field."""
    slack = slack_at(timedelta(minutes=5))
    empty = slack.view_submission(blocks.ACTION_MODAL, _values("  ", "2026-11-30")).json()
    assert blocks.TEXT in empty["errors"]
    past = slack.view_submission(blocks.ACTION_MODAL, _values("Do it", "2026-11-01")).json()
    assert "from today on" in past["errors"][blocks.DUE]
    assert _items(engine) == []


def test_due_date_dm_then_done_and_snooze(
    prompt: tuple[str, str], slack_at: Callable[[timedelta], SlackDriver], deps: Deps,
    fake_slack: FakeSlack, engine: Engine,
) -> None:  # fmt: skip
    """From 09:00 local on the due date one DM comes; Snooze moves it a week; Done closes it."""
    slack = slack_at(timedelta(minutes=5))
    slack.view_submission(blocks.ACTION_MODAL, _values("Read the refund guide", "2026-11-26"))
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and not any(  # the "saved" DM, sent after the ack
        "Action item saved" in (m["text"] or "") for m in fake_slack.messages_to("U0AGENT")
    ):
        time.sleep(0.01)
    before = len(fake_slack.messages_to("U0AGENT"))
    # U0AGENT is in New York (their Slack profile): 09:00 there is 14:00 UTC.
    for hour, minute in ((13, 59), (14, 1), (17, 0)):
        with freeze_time(datetime(2026, 11, 26, hour, minute, tzinfo=UTC)):
            clock_pass(deps)
    messages = fake_slack.messages_to("U0AGENT")
    assert len(messages) == before + 1
    due = [m for m in messages if "Action item due" in m["text"]]
    assert "Read the refund guide" in due[0]["text"]
    message = ("DU0AGENT", due[0]["ts"])
    (item,) = _items(engine)
    later = slack_at(timedelta(days=2))  # Thursday 26th, 12:30 in New York
    later.block_action(blocks.ACTION_SNOOZE, str(item.id), message=message)
    later.block_action(blocks.ACTION_SNOOZE, str(item.id), message=message)  # a double click
    fake_slack.wait_for("chat.update", 2)
    assert _items(engine)[0].due_date == date(2026, 12, 3)
    later.block_action(blocks.ACTION_DONE, str(item.id), message=message)
    fake_slack.wait_for("chat.update", 3)
    assert _items(engine)[0].status == "done"
    texts = [m["text"] for m in fake_slack.messages_to("U0AGENT")]
    assert any("Done: Read the refund guide" in text for text in texts)


def test_the_modal_submitted_twice_makes_one_item(
    prompt: tuple[str, str], slack_at: Callable[[timedelta], SlackDriver], engine: Engine
) -> None:
    """The same modal (one view id) submitted twice, as a double click on Save does: one
    item."""
    slack = slack_at(timedelta(minutes=5))
    slack.view_submission(blocks.ACTION_MODAL, _values("Read the refund guide", "2026-11-26"))
    slack.send(*slack.last_request)
    assert [item.text for item in _items(engine)] == ["Read the refund guide"]


def test_open_items_are_on_the_home_tab(
    prompt: tuple[str, str], slack_at: Callable[[timedelta], SlackDriver], fake_slack: FakeSlack
) -> None:
    """Saving an item confirms it in the DM (with Done / Snooze); the App Home lists open items
    with their due dates, labelled, and buttons. The same modal sent twice confirms once."""
    slack = slack_at(timedelta(minutes=5))
    before = len(fake_slack.messages_to("U0AGENT"))
    for _ in range(2):
        slack.view_submission(blocks.ACTION_MODAL, _values("Shadow a senior agent", "2026-12-01"),
                              view_id="V0ITEM")  # fmt: skip
    fake_slack.wait_for("views.publish", 2)
    home = json.dumps(fake_slack.home_views["U0AGENT"])
    assert "Shadow a senior agent" in home
    assert "*Due Tue 1 Dec*" in home
    assert blocks.ACTION_DONE in home
    confirmations = fake_slack.messages_to("U0AGENT")[before:]
    assert [m["text"] for m in confirmations] == [
        ":pushpin: Action item saved, due Tue 1 Dec: Shadow a senior agent. I'll remind you "
        "that morning."
    ]


_ = dataclasses
