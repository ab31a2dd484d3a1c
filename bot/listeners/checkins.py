"""The end-of-shift prompt's buttons and the reflection modal. Answers are saved before the
modal closes; a failed save keeps the modal, and the text, open."""

import json
from datetime import date
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.blocks import checkins as blocks
from bot.blocks.common import notice_modal, section
from bot.deps import Defer, Deps
from bot.listeners.caller import Caller
from bot.listeners.in_time import Unsaved, save_or_explain
from bot.listeners.modal_meta import OUT_OF_DATE, Stale, as_date, meta_object
from bot.services import checkins, reflections
from bot.store import repos
from bot.store.models import Person, ReflectionStatus

CLOSED = (
    "This reflection is closed: answers are open for 24 hours after your shift ends. "
    "Your next prompt comes at the end of your next shift."
)
NOTHING_OPEN = (
    "No reflection is open right now. Each one opens when your shift ends and stays open for "
    "24 hours; see when yours end with `/cx-shift`."
)


def _open_prompt_for(deps: Deps, person: Person, shift_date: date) -> bool:
    with deps.read_session() as session:
        return (
            checkins.open_prompt(
                session=session, person=person, shift_date=shift_date, now=deps.clock()
            )
            is not None
        )


def _mark_answered(
    deps: Deps, client: WebClient, person: Person, shift_date: date, *, skipped: bool
) -> None:
    """Replace the buttons of every DM about this shift (prompt and reminder) with the outcome."""
    with deps.session() as session:
        messages = checkins.shift_messages(session=session, person=person, shift_date=shift_date)
    text, message = blocks.answered_message(shift_date, skipped=skipped)
    for channel, ts in messages:
        client.chat_update(channel=channel, ts=ts, text=text, blocks=message)


def handle_reflect_now(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    client: WebClient,
    deps: Deps,
    caller: Caller,
) -> None:
    """The "Reflect now" button: the modal (earlier answers filled in), or why it is closed."""
    ack()
    shift_date = date.fromisoformat(action["value"])
    person = caller.person(on_ack_path=True)
    if person is None or not _open_prompt_for(deps, person, shift_date):
        client.views_open(trigger_id=body["trigger_id"], view=notice_modal("Reflection", CLOSED))
        return
    with deps.session() as session:
        earlier = reflections.get(session=session, person=person, shift_date=shift_date)
        questions, leads_read = reflections.template_of(session=session, person=person)
    answers = (
        reflections.answers_of(earlier)
        if earlier and earlier.status == ReflectionStatus.ANSWERED
        else None
    )
    view = blocks.reflect_modal(shift_date, questions, answers, leads_read=leads_read)
    # Remember the prompt message, to mark it answered once saved.
    container = body.get("container") or {}
    view.private_metadata = json.dumps(
        {
            "date": str(shift_date),
            "channel": container.get("channel_id"),
            "ts": container.get("message_ts"),
        }
    )
    client.views_open(trigger_id=body["trigger_id"], view=view)


def handle_skip_today(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    client: WebClient,
    deps: Deps,
    defer: Defer,
    caller: Caller,
) -> None:
    """The "Skip today" button: record the skip and replace the buttons with a short note."""
    ack()
    shift_date = date.fromisoformat(action["value"])
    container = body.get("container") or {}

    def skip() -> None:
        person = caller.person()
        if person is None or not _open_prompt_for(deps, person, shift_date):
            client.chat_update(
                channel=container["channel_id"], ts=container["message_ts"], text=CLOSED,
                blocks=[section(CLOSED).to_dict()],
            )  # fmt: skip
            return
        with deps.transaction() as session:
            row = reflections.save(
                session=session,
                person=repos.fresh(session, person),
                shift_date=shift_date,
                answers={},
                now=deps.clock(),
                skipped=True,
            )
        # Already answered (a stale button): the answer stands and every DM says so.
        _mark_answered(
            deps, client, person, shift_date, skipped=row.status == ReflectionStatus.SKIPPED
        )

    defer(skip)


def handle_reflect_modal(
    ack: Ack,
    view: dict[str, Any],
    client: WebClient,
    deps: Deps,
    defer: Defer,
    caller: Caller,
) -> None:
    """Reflection submitted: validate, save, and only then let the modal close."""
    values = view["state"]["values"]
    first = next(iter(values), "well")
    try:
        shift_date = as_date(meta_object(view).get("date"))
    except Stale:
        ack(response_action="errors", errors={first: OUT_OF_DATE})
        return

    def save() -> tuple[Person | None, dict[str, str]]:
        person = caller.person(on_ack_path=True)
        if person is None or not _open_prompt_for(deps, person, shift_date):
            return None, {first: CLOSED}
        with deps.read_session() as session:
            questions, _ = reflections.template_of(session=session, person=person)
        answers, errors = blocks.read_reflect_modal(values, questions)
        if errors:
            return None, errors
        with deps.transaction() as session:
            reflections.save(
                session=session,
                person=repos.fresh(session, person),
                shift_date=shift_date,
                answers=answers,
                now=deps.clock(),
            )
        return person, {}

    saved = save_or_explain(ack, save, what="reflection", field=first)
    if saved is Unsaved.UNSAVED:
        return
    person, errors = saved
    if person is None:
        ack(response_action="errors", errors=errors)
        return
    ack()  # saved: the modal may close now
    defer(lambda: _mark_answered(deps, client, person, shift_date, skipped=False))


def register(app: App) -> None:
    """The prompt's buttons and the reflection modal."""
    app.action(blocks.REFLECT_NOW)(handle_reflect_now)
    app.action(blocks.SKIP_TODAY)(handle_skip_today)
    app.view(blocks.REFLECT_MODAL)(handle_reflect_modal)
