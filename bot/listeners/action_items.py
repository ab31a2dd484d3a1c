"""Action items in Slack: the modal (from a reflection or the App Home), Done / Snooze, and a
team's items for its leads."""

import json
from datetime import date
from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot.blocks import action_items as blocks
from bot.blocks import team_items as team_blocks
from bot.blocks.common import notice_modal
from bot.deps import Defer, Deps
from bot.listeners.caller import Caller
from bot.listeners.home import publish_home
from bot.listeners.in_time import Unsaved, save_or_explain
from bot.listeners.modal_meta import OUT_OF_DATE, Stale, as_date, as_int, value_of
from bot.services import action_items, reflections, team_items
from bot.services.reading import ReadingDenied
from bot.store import repos
from bot.store.models import ActionItem


def handle_add(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    client: WebClient,
    deps: Deps,
    caller: Caller,
) -> None:
    """Open the action item modal, prefilled from the reflection's "differently" answer."""
    ack()
    person = caller.person(on_ack_path=True)
    if person is None:
        return
    shift_date = date.fromisoformat(action["value"]) if action.get("value") else None
    text = ""
    with deps.session() as session:
        today = action_items.local_today(session, person, deps.clock())
        if shift_date is not None:
            row = reflections.get(session=session, person=person, shift_date=shift_date)
            text = json.loads(row.answers or "{}").get("differently", "") if row else ""
    view = blocks.action_modal(today, shift_date, text)
    client.views_open(trigger_id=body["trigger_id"], view=view)


def handle_action_modal(
    ack: Ack,
    view: dict[str, Any],
    body: dict[str, Any],
    client: WebClient,
    context: BoltContext,
    deps: Deps,
    defer: Defer,
    caller: Caller,
) -> None:
    """Save the item before the modal closes; errors stay beside their field."""
    values = view["state"]["values"]
    text = str(value_of(values, blocks.TEXT).get("value") or "")
    due_text = value_of(values, blocks.DUE).get("selected_date")
    try:
        shift = as_date(view["private_metadata"]) if view.get("private_metadata") else None
        due = as_date(due_text) if due_text else None
    except Stale:
        ack(response_action="errors", errors={blocks.TEXT: OUT_OF_DATE})
        return
    if due is None:
        ack(response_action="errors", errors={blocks.DUE: "Pick a date."})
        return
    workspace_id, user_id = str(context["workspace_id"]), body["user"]["id"]

    def save() -> bool:
        person = caller.person(on_ack_path=True)
        if person is None:
            return False
        with deps.transaction() as session:
            source = (
                reflections.get(session=session, person=person, shift_date=shift) if shift else None
            )
            saved[0] = action_items.create(
                session=session,
                person=person,
                text=text,
                due=due,
                now=deps.clock(),
                reflection_id=source.id if source else None,
                once=f"view:{view.get('id')}" if view.get("id") else None,
            )
        return True

    saved: list[ActionItem | None] = [None]
    known = save_or_explain(
        ack,
        save,
        what="action item",
        field=blocks.TEXT,
        refusals=(action_items.ActionError,),
        field_of=blocks.field_of,
    )
    if known is Unsaved.UNSAVED:
        return
    if not known:
        ack(response_action="errors", errors={blocks.TEXT: "Slack does not know you."})
        return
    ack()
    item = saved[0]  # None: the same modal sent twice, saved the first time

    def confirm() -> None:
        if item is not None:
            text, message = blocks.saved_message(item)
            client.chat_postMessage(channel=user_id, text=text, blocks=message)
        publish_home(deps, client, workspace_id, user_id)

    defer(confirm)


def _settle(
    kind: str,
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    client: WebClient,
    context: BoltContext,
    deps: Deps,
    defer: Defer,
    caller: Caller,
) -> None:
    ack()
    workspace_id, user_id = str(context["workspace_id"]), body["user"]["id"]
    container = body.get("container") or {}

    def settle() -> None:
        person = caller.person()
        if person is None:
            return
        change = action_items.complete if kind == "done" else action_items.snooze
        with deps.session() as session:
            try:
                item = change(
                    session=session,
                    person=repos.fresh(session, person),
                    item_id=int(action["value"]),
                    now=deps.clock(),
                )
            except action_items.ActionError:
                return  # someone else's button, or gone: nothing to change
            session.commit()
        if container.get("type") == "message":
            text, message = blocks.settled_message(item)
            client.chat_update(
                channel=container["channel_id"],
                ts=container["message_ts"],
                text=text,
                blocks=message,
            )
        else:
            publish_home(deps, client, workspace_id, user_id)

    defer(settle)


def handle_done(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    client: WebClient,
    context: BoltContext,
    deps: Deps,
    defer: Defer,
    caller: Caller,
) -> None:
    """Done: the item is closed; the DM or the home tab says so."""
    _settle("done", ack, body, action, client, context, deps, defer, caller)


def handle_snooze(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    client: WebClient,
    context: BoltContext,
    deps: Deps,
    defer: Defer,
    caller: Caller,
) -> None:
    """Snooze: due a week later, with a new DM then."""
    _settle("snooze", ack, body, action, client, context, deps, defer, caller)


def handle_team_items(ack: Ack, body: dict[str, Any], action: dict[str, Any],
                      client: WebClient, deps: Deps, caller: Caller) -> None:  # fmt: skip
    """All action items: the team's items in a modal, for its leads and admins."""
    ack()
    actor = caller.actor(on_ack_path=True)
    try:
        team_id = as_int(action.get("value"))
        with deps.read_session() as session:
            view = team_blocks.modal(
                team_items.for_actor(
                    session=session, actor=actor, team_id=team_id, now=deps.clock()
                )
            )
    except Stale:
        view = notice_modal("Action items", OUT_OF_DATE)
    except (LookupError, ReadingDenied) as error:
        view = notice_modal("Action items", str(error))
    client.views_open(trigger_id=body["trigger_id"], view=view)


def register(app: App) -> None:
    """The action item buttons and modals."""
    app.action(team_blocks.TEAM_ITEMS)(handle_team_items)
    app.action(blocks.ADD_ACTION)(handle_add)
    app.action(blocks.ACTION_DONE)(handle_done)
    app.action(blocks.ACTION_SNOOZE)(handle_snooze)
    app.view(blocks.ACTION_MODAL)(handle_action_modal)
