"""/cx-reflect: open the latest reflection still open (the same modal as the prompt's
*Reflect now*), or say when the next one comes."""

import json
from datetime import date
from typing import Any

from slack_bolt import Ack, Respond
from slack_sdk import WebClient

from bot.blocks import checkins as blocks
from bot.delivery import payload_of
from bot.deps import Deps
from bot.listeners.caller import Caller
from bot.listeners.checkins import NOTHING_OPEN
from bot.listeners.usage import answered_help_or_bad_input
from bot.services import checkins, reflections
from bot.store.models import ReflectionStatus


def handle_reflect_command(
    ack: Ack,
    command: dict[str, Any],
    respond: Respond,
    client: WebClient,
    deps: Deps,
    caller: Caller,
) -> None:
    """/cx-reflect: open the latest reflection still open, or say when the next one comes."""
    if answered_help_or_bad_input(ack, command):
        return
    ack()
    person = caller.person(on_ack_path=True)
    prompt = None
    if person is not None:
        with deps.session() as session:
            prompt = checkins.latest_open_prompt(session=session, person=person, now=deps.clock())
            earlier = None
            questions, leads_read = reflections.template_of(session=session, person=person)
            if prompt is not None:
                shift_date = date.fromisoformat(payload_of(prompt)["shift_date"])
                earlier = reflections.get(session=session, person=person, shift_date=shift_date)
    if person is None or prompt is None:
        respond(text=NOTHING_OPEN, response_type="ephemeral")
        return
    answers = (
        reflections.answers_of(earlier)
        if earlier and earlier.status == ReflectionStatus.ANSWERED
        else None
    )
    view = blocks.reflect_modal(shift_date, questions, answers, leads_read=leads_read)
    view.private_metadata = json.dumps(
        {"date": str(shift_date), "channel": prompt.channel, "ts": prompt.message_ts}
    )
    client.views_open(trigger_id=command["trigger_id"], view=view)
