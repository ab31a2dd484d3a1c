"""The ask DM's buttons, the give and ask modals, and the App Home's feedback buttons. Answers
are saved before the modal closes; anything sent goes through the outbox, delivered after the ack.

Nothing here logs or stores who gave an anonymous answer: the submission's user id is used to
check the ask belongs to them, and is then dropped with the ask itself."""

import json
from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient

from bot.blocks import feedback as blocks
from bot.blocks.common import notice_modal
from bot.deps import Defer, Deps
from bot.listeners.caller import Caller
from bot.listeners.feedback_command import ask_360, ask_colleagues
from bot.listeners.home import publish_home
from bot.listeners.in_time import Unsaved, save_or_explain
from bot.listeners.modal_meta import OUT_OF_DATE, Stale, as_int, meta_object
from bot.listeners.sending import deliver_now
from bot.services import feedback, feedback_life
from bot.store import repos
from bot.store.db import let_go_of_deleted
from bot.store.models import FeedbackRequest, Person

USAGE = "Try `/cx-feedback @colleague [@colleague2 …] [what you'd like feedback on]`."


def handle_give(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    client: WebClient,
    deps: Deps,
    caller: Caller,
) -> None:
    """ "Give feedback": the modal, or why this ask is closed."""
    ack()
    me = caller.person(on_ack_path=True)
    try:
        if me is None:
            raise feedback.FeedbackError("I can't find you in this workspace.")
        with deps.session() as session:
            entry = feedback.open_ask(session, int(action["value"]), me, deps.clock())
            request = session.get(FeedbackRequest, entry.request_id)
            assert request is not None
            subject = session.get(Person, request.subject_id)
            view = blocks.give_modal(subject.slack_user_id if subject else "", request.topic,
                                     request.kind)  # fmt: skip
    except feedback.FeedbackError as error:
        client.views_open(trigger_id=body["trigger_id"], view=notice_modal("Feedback", str(error)))
        return
    container = body.get("container") or {}
    view.private_metadata = json.dumps(
        {
            "ask": int(action["value"]),
            "channel": container.get("channel_id"),
            "ts": container.get("message_ts"),
        }
    )
    client.views_open(trigger_id=body["trigger_id"], view=view)


def handle_give_modal(
    ack: Ack,
    view: dict[str, Any],
    body: dict[str, Any],
    client: WebClient,
    context: BoltContext,
    deps: Deps,
    defer: Defer,
    caller: Caller,
) -> None:
    """Feedback submitted: validate, save, and only then let the modal close."""
    try:
        meta = meta_object(view)
        ask_id = as_int(meta.get("ask"))
    except Stale:
        ack(response_action="errors", errors={blocks.WELL: OUT_OF_DATE})
        return
    given, errors = blocks.read_give_modal(view["state"]["values"])
    if errors:
        ack(response_action="errors", errors=errors)
        return

    def save() -> list[int]:
        me = caller.person(on_ack_path=True)
        if me is None:
            raise feedback.FeedbackError("I can't find you in this workspace.")
        with deps.transaction() as session:
            ids = feedback.answer(
                session=session,
                ask_id=ask_id,
                reviewer=repos.fresh(session, me),
                given=given,
                now=deps.clock(),
            )
        return ids

    ids = save_or_explain(
        ack, save, what="feedback", field=blocks.WELL, refusals=(feedback.FeedbackError,)
    )
    if ids is Unsaved.UNSAVED:
        return
    if given.anonymous:
        # No chat.update of the ask DM: even an API call's debug log would tie them to it.
        ack(response_action="update", view=notice_modal("Feedback", blocks.SENT_ANONYMOUSLY))
        deliver_now(deps, defer, ids)
        # The ask that tied them to it is deleted: out of the SQLite WAL too (docs/PRIVACY.md).
        defer(lambda: let_go_of_deleted(deps.engine))
        return
    ack()
    deliver_now(deps, defer, ids)
    if isinstance(meta.get("channel"), str) and isinstance(meta.get("ts"), str):
        text, message = blocks.done_message(":white_check_mark: Feedback sent. Thank you!")
        defer(
            lambda: client.chat_update(
                channel=meta["channel"], ts=meta["ts"], text=text, blocks=message
            )
        )
    else:  # given from the App Home
        workspace_id, user_id = str(context["workspace_id"]), body["user"]["id"]
        defer(lambda: publish_home(deps, client, workspace_id, user_id))


def handle_decline(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    client: WebClient,
    context: BoltContext,
    deps: Deps,
    defer: Defer,
    caller: Caller,
) -> None:
    """ "Decline": record it and say so in place of the buttons."""
    ack()
    workspace_id, user_id = str(context["workspace_id"]), body["user"]["id"]
    container = body.get("container") or {}

    def run() -> None:
        me = caller.person()
        try:
            if me is None:
                raise feedback.FeedbackError("I can't find you in this workspace.")
            with deps.transaction() as session:
                feedback.decline(
                    session=session,
                    ask_id=int(action["value"]),
                    reviewer=repos.fresh(session, me),
                    now=deps.clock(),
                )
            note = "Declined — no problem. They'll see you couldn't this time."
        except feedback.FeedbackError as error:
            note = str(error)
        if container.get("type") == "message":
            text, message = blocks.done_message(note)
            client.chat_update(
                channel=container["channel_id"],
                ts=container["message_ts"],
                text=text,
                blocks=message,
            )
        else:  # the App Home
            publish_home(deps, client, workspace_id, user_id)

    defer(run)


def handle_cancel(
    ack: Ack,
    action: dict[str, Any],
    client: WebClient,
    respond: Respond,
    deps: Deps,
    defer: Defer,
    caller: Caller,
) -> None:
    """ "Cancel request": close it and turn the reviewers' DMs into a note."""
    ack()

    def run() -> None:
        me = caller.person()
        try:
            if me is None:
                raise feedback.FeedbackError("I can't find you in this workspace.")
            with deps.session() as session:
                sent = feedback_life.cancel(
                    session=session,
                    request_id=int(action["value"]),
                    by=repos.fresh(session, me),
                    now=deps.clock(),
                )
                session.commit()
                messages = [(row.channel, row.message_ts) for row in sent if row.message_ts]
        except feedback.FeedbackError as error:
            respond(text=str(error), response_type="ephemeral", replace_original=False)
            return
        respond(
            text="Request cancelled; the people you asked have been told.",
            response_type="ephemeral",
            replace_original=False,
        )
        text, note = blocks.done_message("This feedback request was cancelled; no answer needed.")
        for channel, ts in messages:  # a sent row keeps its DM's channel id
            client.chat_update(channel=channel, ts=ts, text=text, blocks=note)

    defer(run)


def handle_ask_button(
    ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient
) -> None:
    """App Home "Ask for feedback" / "Ask for a 360": the ask modal."""
    ack()
    modal = blocks.ask_modal(for_360=action.get("value") == "360")
    client.views_open(trigger_id=body["trigger_id"], view=modal)


def handle_ask_modal(
    ack: Ack,
    view: dict[str, Any],
    body: dict[str, Any],
    client: WebClient,
    context: BoltContext,
    deps: Deps,
    defer: Defer,
    caller: Caller,
) -> None:
    """The ask modal: close it at once; the request is made (or refused, by DM) after."""
    values = view["state"]["values"]
    reviewers = list(values[blocks.REVIEWERS][blocks.REVIEWERS].get("selected_users") or [])
    topic = str(values.get(blocks.TOPIC, {}).get(blocks.TOPIC, {}).get("value") or "").strip()
    about = values.get(blocks.SUBJECT, {}).get(blocks.SUBJECT, {}).get("selected_user")
    workspace_id, user_id = str(context["workspace_id"]), body["user"]["id"]
    try:  # the same rules as the command, beside the field
        feedback.check_names(asker=user_id, subject=str(about or user_id), reviewers=reviewers)
    except feedback.FeedbackError as error:
        ack(response_action="errors", errors={blocks.REVIEWERS: str(error)[:150]})
        return
    ack()

    def say(message: str, **_extra: Any) -> None:
        client.chat_postMessage(channel=user_id, text=message)

    def run() -> None:
        me = caller.person()
        if me is None:
            return
        if about:
            ask_360(deps, client, defer, workspace_id, me, str(about), reviewers, topic or None,
                    say)  # fmt: skip
        else:
            ask_colleagues(deps, client, defer, workspace_id, me, me, reviewers, topic or None,
                           "request", say)  # fmt: skip

    defer(run)


def register(app: App) -> None:
    """The ask DM's buttons, the modals and the App Home buttons."""
    app.action(blocks.GIVE)(handle_give)
    app.action(blocks.DECLINE)(handle_decline)
    app.action(blocks.CANCEL)(handle_cancel)
    app.action(blocks.ASK_BUTTON)(handle_ask_button)
    app.view(blocks.GIVE_MODAL)(handle_give_modal)
    app.view(blocks.ASK_MODAL)(handle_ask_modal)
