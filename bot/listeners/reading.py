"""Reading and answering reflections (issue 15): Open a person, page back, Reply, Discuss in
1:1, and a lead's action item for an agent. Every button checks again who may; a refusal is a
modal that says who may, never anyone's text."""

import logging
from datetime import date
from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.models.views import View

from bot.blocks import reading as blocks
from bot.blocks.action_items import field_of as item_field
from bot.blocks.common import notice_modal
from bot.deps import Defer, Deps
from bot.listeners.caller import Caller
from bot.listeners.home import publish_home
from bot.listeners.in_time import Unsaved, save_or_explain
from bot.listeners.modal_meta import OUT_OF_DATE, Stale, as_date, as_int, value_of
from bot.services import action_items, reading, replies
from bot.services.permissions import Action
from bot.services.reading import ReadingDenied
from bot.services.wording import short_date
from bot.store import repos
from bot.store.models import ActionItem, Person, Reflection

logger = logging.getLogger(__name__)


def _show(client: WebClient, body: dict[str, Any], view: View) -> None:
    """Open a modal, or push it onto the one the click came from."""
    if (body.get("view") or {}).get("type") == "modal":
        client.views_push(trigger_id=body["trigger_id"], view=view)
    else:
        client.views_open(trigger_id=body["trigger_id"], view=view)


def _file_view(
    deps: Deps, caller: Caller, subject_id: str, before: date | None = None,
) -> View:  # fmt: skip
    """The person modal for the asker, or a refusal; a lead's look is recorded."""
    actor = caller.actor(on_ack_path=True)
    with deps.session() as session:
        subject = repos.get_person(
            session=session, workspace_id=caller.workspace_id, slack_user_id=subject_id
        )
        if subject is None:
            return notice_modal("Reflections", "CX Coach does not know that person.")
        try:
            file = reading.person_file(session=session, actor=actor, subject=subject,
                                       now=deps.clock(), before=before)  # fmt: skip
        except ReadingDenied as error:
            return notice_modal("Reflections", str(error))
        today = action_items.local_today(session, subject, deps.clock())
        view = blocks.person_modal(file, today)
        session.commit()  # the read receipt
    return view


def handle_open(ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient,
                deps: Deps, caller: Caller) -> None:  # fmt: skip
    """Open: the person's reflections, items, KPIs and kudos."""
    ack()
    subject_id = str(action.get("value") or "")
    view = _file_view(deps, caller, subject_id)
    _show(client, body, view)


def handle_older(ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient,
                 deps: Deps, caller: Caller) -> None:  # fmt: skip
    """Older: the next page back, in the same modal."""
    ack()
    subject_id, _, before = str(action.get("value") or "").partition("|")
    try:
        day = as_date(before)
    except Stale:
        return
    view = _file_view(deps, caller, subject_id, day)
    client.views_update(view_id=body["view"]["id"], view=view)


def _reflection(deps: Deps, reflection_id: int) -> tuple[Reflection, Person] | None:
    with deps.read_session() as session:
        reflection = session.get(Reflection, reflection_id)
        person = session.get(Person, reflection.person_id) if reflection else None
    return (reflection, person) if reflection and person else None


def handle_reply_button(ack: Ack, body: dict[str, Any], action: dict[str, Any],
                        client: WebClient, deps: Deps, caller: Caller) -> None:  # fmt: skip
    """Reply: the reply modal, for a lead who may reply or the agent answering back."""
    ack()
    try:
        found = _reflection(deps, as_int(action.get("value")))
    except Stale:
        found = None
    if found is None:
        _show(client, body, notice_modal("Reply", "That reflection no longer exists."))
        return
    reflection, subject = found
    user_id = body["user"]["id"]
    if user_id != subject.slack_user_id:
        actor = caller.actor(on_ack_path=True)
        try:
            with deps.read_session() as session:
                reading.check(session=session, actor=actor, subject=subject,
                              action=Action.REPLY_REFLECTION)  # fmt: skip
        except ReadingDenied as error:
            _show(client, body, notice_modal("Reply", str(error)))
            return
    about = f"<@{subject.slack_user_id}>'s reflection of {short_date(reflection.shift_date)}"
    assert reflection.id is not None
    _show(client, body, blocks.reply_modal(reflection.id, about))


def handle_reply_modal(ack: Ack, view: dict[str, Any], body: dict[str, Any], client: WebClient,
                       deps: Deps, defer: Defer, caller: Caller) -> None:  # fmt: skip
    """Send: store the reply before the modal closes, then deliver it."""
    text = str(value_of(view["state"]["values"], blocks.TEXT).get("value") or "")
    try:
        reflection_id = as_int(view.get("private_metadata"))
    except Stale:
        ack(response_action="errors", errors={blocks.TEXT: OUT_OF_DATE})
        return
    user_id = body["user"]["id"]

    def save() -> tuple[bool, replies.Sent | None]:
        author = caller.person(on_ack_path=True)
        if author is None:
            return False, None
        actor = caller.actor(on_ack_path=True)
        once = f"view:{view.get('id')}" if view.get("id") else None
        with deps.session() as session:
            sent = replies.reply(session=session, actor=actor, author=repos.fresh(session, author),
                                 reflection_id=reflection_id, text=text, now=deps.clock(),
                                 once=once)  # fmt: skip
            session.commit()
            return True, sent

    saved = save_or_explain(
        ack, save, what="reply", field=blocks.TEXT, refusals=(replies.ReplyError, ReadingDenied)
    )
    if saved is Unsaved.UNSAVED:
        return
    known, sent = saved
    if not known:
        ack(response_action="errors", errors={blocks.TEXT: "Slack does not know you."})
        return
    ack()
    if sent is not None:  # None: this modal was sent already (a second submission)
        defer(lambda: _deliver(client, sent, user_id))


def _deliver(client: WebClient, sent: replies.Sent, author: str) -> None:
    for delivery in sent.deliveries:
        text, message = blocks.reply_dm(sent, delivery.to)
        try:
            client.chat_postMessage(channel=delivery.channel, thread_ts=delivery.thread_ts,
                                    text=text, blocks=message)  # fmt: skip
        except SlackApiError as error:
            logger.warning("reply not delivered: %s", error.response.get("error"))
            client.chat_postMessage(
                channel=author,
                text=f"Your reply is saved, but Slack would not deliver it to <@{delivery.to}> "
                f"({error.response.get('error')}).",
            )


def handle_discuss(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    client: WebClient,
    context: BoltContext,
    deps: Deps,
    defer: Defer,
    caller: Caller,
) -> None:
    """Discuss in 1:1: marked for the next agenda; the page it was clicked on follows."""
    ack()
    workspace_id, user_id = str(context["workspace_id"]), body["user"]["id"]

    def mark() -> None:
        try:
            reflection_id = as_int(action.get("value"))
        except Stale:
            return
        actor = caller.actor()
        with deps.session() as session:
            try:
                reflection = replies.mark_discuss(session=session, actor=actor,
                                                  reflection_id=reflection_id)  # fmt: skip
            except (replies.ReplyError, ReadingDenied):
                return  # a forged or stale button: nothing to mark
            subject = session.get(Person, reflection.person_id)
            session.commit()
        container = body.get("container") or {}
        if container.get("type") == "view" and (body.get("view") or {}).get("type") == "modal":
            view = _file_view(deps, caller, subject.slack_user_id if subject else "")
            client.views_update(view_id=body["view"]["id"], view=view)
        else:
            publish_home(deps, client, workspace_id, user_id)

    defer(mark)


def handle_assign_button(ack: Ack, body: dict[str, Any], action: dict[str, Any],
                         client: WebClient, context: BoltContext, deps: Deps) -> None:  # fmt: skip
    """Give an action item: the modal, for a lead of the agent (or an admin)."""
    ack()
    subject_id = str(action.get("value") or "")
    with deps.read_session() as session:
        subject = repos.get_person(
            session=session, workspace_id=str(context["workspace_id"]), slack_user_id=subject_id
        )
        today = action_items.local_today(session, subject, deps.clock()) if subject else None
    if subject is None or today is None:
        _show(client, body, notice_modal("Action item", "CX Coach does not know that person."))
        return
    _show(client, body, blocks.assign_modal(subject_id, today))


def handle_assign_modal(
    ack: Ack,
    view: dict[str, Any],
    body: dict[str, Any],
    client: WebClient,
    context: BoltContext,
    deps: Deps,
    defer: Defer,
    caller: Caller,
) -> None:
    """Assign: saved before the modal closes; the agent is told."""
    values = view["state"]["values"]
    text = str(value_of(values, blocks.TEXT).get("value") or "")
    due_text = value_of(values, blocks.DUE).get("selected_date")
    try:
        due = as_date(due_text) if due_text else None
    except Stale:
        ack(response_action="errors", errors={blocks.TEXT: OUT_OF_DATE})
        return
    if due is None:
        ack(response_action="errors", errors={blocks.DUE: "Pick a date."})
        return
    workspace_id, user_id = str(context["workspace_id"]), body["user"]["id"]
    agent_id = str(view.get("private_metadata") or "")

    def save() -> ActionItem | None:
        lead = caller.person(on_ack_path=True)
        actor = caller.actor(on_ack_path=True)
        with deps.session() as session:
            agent = repos.get_person(
                session=session, workspace_id=workspace_id, slack_user_id=agent_id
            )
            if lead is None or agent is None:
                raise action_items.ActionError("CX Coach does not know that person.")
            once = f"view:{view.get('id')}" if view.get("id") else None
            item = action_items.assign(
                session=session, actor=actor, lead=repos.fresh(session, lead), agent=agent,
                text=text, due=due, now=deps.clock(), once=once,
            )  # fmt: skip
            session.commit()
            return item

    item = save_or_explain(
        ack,
        save,
        what="action item",
        field=blocks.TEXT,
        refusals=(action_items.ActionError,),
        field_of=item_field,
    )
    if item is Unsaved.UNSAVED:
        return
    ack()
    if item is not None:
        text_, message = blocks.assigned_dm(user_id, item)
        defer(lambda: client.chat_postMessage(channel=agent_id, text=text_, blocks=message))


def register(app: App) -> None:
    """The reading buttons and modals."""
    app.action(blocks.OPEN_PERSON)(handle_open)
    app.action(blocks.OLDER)(handle_older)
    app.action(blocks.REPLY)(handle_reply_button)
    app.action(blocks.DISCUSS)(handle_discuss)
    app.action(blocks.ASSIGN)(handle_assign_button)
    app.view(blocks.REPLY_MODAL)(handle_reply_modal)
    app.view(blocks.ASSIGN_MODAL)(handle_assign_modal)
