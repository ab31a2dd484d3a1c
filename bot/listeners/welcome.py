"""The welcome DM's *Send me a test check-in* (issue 16): a test prompt in DM, the real modal
with the person's own questions, and nothing saved or counted when it is sent."""

from datetime import date
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.blocks import checkins as checkin_blocks
from bot.blocks import welcome as blocks
from bot.deps import Defer, Deps
from bot.listeners.caller import Caller
from bot.services import action_items, reflections


def handle_test_checkin(ack: Ack, body: dict[str, Any], client: WebClient,
                        deps: Deps, defer: Defer, caller: Caller) -> None:  # fmt: skip
    """Send me a test check-in: the test prompt, in the person's DM."""
    ack()
    user_id = body["user"]["id"]

    def send() -> None:
        person = caller.person()
        if person is None:
            return
        with deps.read_session() as session:
            today = action_items.local_today(session, person, deps.clock())
        text, message = blocks.test_prompt(today)
        client.chat_postMessage(channel=user_id, text=text, blocks=message)

    defer(send)


def handle_test_reflect(ack: Ack, body: dict[str, Any], action: dict[str, Any],
                        client: WebClient, deps: Deps, caller: Caller) -> None:  # fmt: skip
    """The test prompt's *Reflect now*: the real modal, marked as a test."""
    ack()
    person = caller.person(on_ack_path=True)  # fmt: skip
    try:
        day = date.fromisoformat(str(action.get("value")))
    except ValueError:
        day = deps.clock().date()
    if person is None:
        view = checkin_blocks.reflect_modal(day, test=True)
    else:
        with deps.read_session() as session:
            questions, leads_read = reflections.template_of(session=session, person=person)
        view = checkin_blocks.reflect_modal(day, questions, leads_read=leads_read, test=True)
    client.views_open(trigger_id=body["trigger_id"], view=view)


def handle_test_modal(ack: Ack) -> None:
    """Sent: nothing is saved; the modal says so."""
    ack(response_action="update", view=blocks.test_done())


def register(app: App) -> None:
    """The welcome DM's button and the test check-in."""
    app.action(blocks.TEST_CHECKIN)(handle_test_checkin)
    app.action(blocks.TEST_REFLECT)(handle_test_reflect)
    app.view(checkin_blocks.TEST_MODAL)(handle_test_modal)
