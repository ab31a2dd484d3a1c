"""Every modal that saves a person's words: when the database cannot take them, the modal stays
open with the words in it and says "Not saved … press Save again" beside the field."""

import json
from typing import Any

import pytest

from bot.app import create_app
from bot.blocks import action_items, checkins, feedback, one_on_one, reading
from bot.deps import Deps
from bot.store.db import make_engine
from tests.conftest import SIGNING_SECRET
from tests.fakeslack import FakeSlack, SlackDriver
from tests.fakeslack.driver import dispatch_sender


def _text(block: str, value: str) -> dict[str, Any]:
    return {block: {block: {"type": "plain_text_input", "value": value}}}


def _date(block: str, value: str) -> dict[str, Any]:
    return {block: {block: {"type": "datepicker", "selected_date": value}}}


MODALS = {
    "reflection": (checkins.REFLECT_MODAL, "well",
                   _text("well", "Calmed down an angry customer")
                   | {"confidence": {"confidence": {"selected_option": {"value": "4"}}}},
                   json.dumps({"date": "2026-11-24", "channel": "D1", "ts": "1.0"})),
    "feedback": (feedback.GIVE_MODAL, feedback.WELL,
                 _text(feedback.WELL, "Great with upset customers")
                 | _text(feedback.DIFFERENTLY, "")
                 | {feedback.ANONYMOUS: {feedback.ANONYMOUS: {"selected_options": []}}},
                 json.dumps({"ask": 1, "channel": "D1", "ts": "1.0"})),
    "action item": (action_items.ACTION_MODAL, action_items.TEXT,
                    _text(action_items.TEXT, "Read the refund guide")
                    | _date(action_items.DUE, "2026-12-30"), ""),
    "reply": (reading.REPLY_MODAL, reading.TEXT, _text(reading.TEXT, "Great save"), "1"),
    "assigned item": (reading.ASSIGN_MODAL, reading.TEXT,
                      _text(reading.TEXT, "Shadow a tier 2 call")
                      | _date(reading.DUE, "2026-12-30"), "U0AGENT"),
    "1:1 notes": (one_on_one.HELD_MODAL, one_on_one.NOTES,
                  _text(one_on_one.NOTES, "Good talk"), "U0AGENT"),
}  # fmt: skip


@pytest.mark.parametrize("modal", list(MODALS))
def test_a_database_that_cannot_save_leaves_the_modal_open_saying_so(
    modal: str, deps: Deps, fake_slack: FakeSlack
) -> None:
    callback, field, values, meta = MODALS[modal]
    dead = make_engine(
        "postgresql+psycopg://nobody@127.0.0.1:1/none", connect_args={"connect_timeout": 1}
    )
    moved = Deps.from_settings(deps.settings, engine=dead)
    app = create_app(Deps(**{**deps.__dict__, "engine": dead, "session": moved.session,
                             "reader": moved.reader}))  # fmt: skip
    slack = SlackDriver(fake=fake_slack, signing_secret=SIGNING_SECRET, send=dispatch_sender(app))
    reply = slack.view_submission(callback, values, user_id="U0LEAD", private_metadata=meta)
    assert reply.status == 200
    answer = reply.json()
    assert answer["response_action"] == "errors"
    assert "Not saved" in answer["errors"][field]
