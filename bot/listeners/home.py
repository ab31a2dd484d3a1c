"""The App Home tab: publishing it, and its schedule buttons and modals."""

from datetime import date, time
from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient
from sqlalchemy.exc import SQLAlchemyError

from bot.blocks import home
from bot.blocks import shifts as shift_blocks
from bot.blocks.common import NOT_SAVED, notice_modal
from bot.blocks.team_view import MEMBER_SHIFT
from bot.deps import Defer, Deps
from bot.listeners.caller import Caller
from bot.listeners.profiles import known_person
from bot.services import (
    home_page,
    people,
    schedule,
    shifts,
)
from bot.services.permissions import Action, refusal
from bot.services.schedule import ScheduleError
from bot.store import repos


def publish_home(deps: Deps, client: WebClient, workspace_id: str, user_id: str) -> None:
    """Refresh the person's Slack profile if stale, read their page, render it, publish it."""
    person = known_person(deps, client, workspace_id, user_id)
    if person is None:
        return  # Slack no longer knows them (deleted, or not visible to the app)
    with deps.read_session() as session:
        page = home_page.build(session=session, person=person, admins=deps.settings.cx_admins,
                               now=deps.clock())  # fmt: skip
    client.views_publish(user_id=user_id, view=home.page_view(page))


def handle_edit_shift(
    ack: Ack, body: dict[str, Any], client: WebClient, context: BoltContext, deps: Deps
) -> None:
    """The "Set my shift" button: open the shift modal with the current shift filled in."""
    ack()
    user_id = body["user"]["id"]
    with deps.session() as session:
        person = repos.get_person(
            session=session, workspace_id=str(context["workspace_id"]), slack_user_id=user_id
        )
        current = shifts.shift_of(person) if person else None
    client.views_open(
        trigger_id=body["trigger_id"], view=shift_blocks.shift_modal(user_id, current)
    )


def handle_member_shift(
    ack: Ack,
    body: dict[str, Any],
    client: WebClient,
    context: BoltContext,
    deps: Deps,
    caller: Caller,
) -> None:
    """A lead picked a team member on the App Home: open the shift modal for them, filled in —
    only if they may set that person's shift (a forged click shows nothing of anyone's shift);
    saving checks again."""
    ack()
    member_id = body["actions"][0].get("selected_user")
    if not isinstance(member_id, str) or not member_id:
        return
    workspace_id = str(context["workspace_id"])
    actor = caller.actor()
    with deps.session() as session:
        member = repos.get_person(
            session=session, workspace_id=workspace_id, slack_user_id=member_id
        )
        allowed = member is not None and shifts.may_set(session=session, actor=actor, person=member)
        current = shifts.shift_of(member) if member and allowed else None
        name = (member.display_name if member else None) or member_id
    if not allowed:
        client.views_open(
            trigger_id=body["trigger_id"],
            view=notice_modal("A member's shift", refusal(Action.SET_SCHEDULE)),
        )
        return
    client.views_open(
        trigger_id=body["trigger_id"],
        view=shift_blocks.shift_modal(member_id, current, member=name),
    )


def handle_set_away(ack: Ack, body: dict[str, Any], client: WebClient, deps: Deps) -> None:
    """The "I'm away" button: open the time-away modal."""
    ack()
    user_id = body["user"]["id"]
    client.views_open(
        trigger_id=body["trigger_id"],
        view=shift_blocks.away_modal(user_id, deps.clock().date()),
    )


def handle_set_back(
    ack: Ack,
    body: dict[str, Any],
    client: WebClient,
    context: BoltContext,
    deps: Deps,
    defer: Defer,
    caller: Caller,
) -> None:
    """The "I'm back" button: resume check-ins and refresh the tab."""
    ack()
    workspace_id, user_id = str(context["workspace_id"]), body["user"]["id"]

    def back() -> None:
        _save(deps, client, workspace_id, user_id, user_id, shifts.ShiftRequest("back"), caller)
        publish_home(deps, client, workspace_id, user_id)

    defer(back)


def handle_shift_modal(
    ack: Ack,
    view: dict[str, Any],
    body: dict[str, Any],
    client: WebClient,
    context: BoltContext,
    deps: Deps,
    defer: Defer,
    caller: Caller,
) -> None:
    """Shift modal submitted: save before closing it, or keep it open with what went wrong."""
    values = view["state"]["values"]
    days = frozenset(
        int(option["value"])
        for option in values[shift_blocks.DAYS_BLOCK][shift_blocks.DAYS_ACTION]["selected_options"]
    )
    if not days:
        ack(response_action="errors", errors={shift_blocks.DAYS_BLOCK: "Pick at least one day."})
        return
    end_text = values[shift_blocks.END_BLOCK][shift_blocks.END_ACTION].get("selected_time") or ""
    end = time.fromisoformat(end_text) if end_text else None
    if end is None:
        ack(response_action="errors", errors={shift_blocks.END_BLOCK: "Pick the time it ends."})
        return
    request = shifts.ShiftRequest("set", shift=schedule.Shift(days, end))
    _submit(ack, body, client, context, deps, defer, request, shift_blocks.END_BLOCK, caller)


def handle_away_modal(
    ack: Ack,
    view: dict[str, Any],
    body: dict[str, Any],
    client: WebClient,
    context: BoltContext,
    deps: Deps,
    defer: Defer,
    caller: Caller,
) -> None:
    """Time-away modal submitted: save the date, or say why it cannot be used."""
    picked = view["state"]["values"][shift_blocks.UNTIL_BLOCK][shift_blocks.UNTIL_ACTION]
    if not picked.get("selected_date"):
        ack(response_action="errors", errors={shift_blocks.UNTIL_BLOCK: "Pick a date."})
        return
    request = shifts.ShiftRequest("away", away_until=date.fromisoformat(picked["selected_date"]))
    _submit(ack, body, client, context, deps, defer, request, shift_blocks.UNTIL_BLOCK, caller)


def _submit(
    ack: Ack,
    body: dict[str, Any],
    client: WebClient,
    context: BoltContext,
    deps: Deps,
    defer: Defer,
    request: shifts.ShiftRequest,
    error_block: str,
    caller: Caller,
) -> None:
    workspace_id, user_id = str(context["workspace_id"]), body["user"]["id"]
    target = body["view"].get("private_metadata") or user_id
    try:
        _save(deps, client, workspace_id, user_id, target, request, caller)
    except (ScheduleError, shifts.PermissionDenied) as error:
        ack(response_action="errors", errors={error_block: str(error)[:150]})
        return
    except SQLAlchemyError:
        ack(response_action="errors", errors={error_block: NOT_SAVED})
        return
    ack()  # saved: now the modal may close
    defer(lambda: publish_home(deps, client, workspace_id, user_id))


def _save(
    deps: Deps,
    client: WebClient,
    workspace_id: str,
    user_id: str,
    target_id: str,
    request: shifts.ShiftRequest,
    caller: Caller,
) -> None:
    # Runs on the ack path of modal submissions: profiles are refreshed by publish_home after.
    asker = caller.person(on_ack_path=True)
    target = (
        asker
        if target_id == user_id
        else known_person(deps, client, workspace_id, target_id, on_ack_path=True)
    )
    if asker is None or target is None:
        raise ScheduleError("Slack does not know that person any more.")
    with deps.transaction() as session:
        asker, target = repos.fresh(session, asker), repos.fresh(session, target)
        actor = people.actor(session=session, person=asker, admins=deps.settings.cx_admins)
        shifts.perform(
            session=session, actor=actor, person=target, request=request, now=deps.clock()
        )


def register(app: App) -> None:
    """The App Home's buttons and modals."""
    app.action(shift_blocks.EDIT_SHIFT)(handle_edit_shift)
    app.action(MEMBER_SHIFT)(handle_member_shift)
    app.action(shift_blocks.SET_AWAY)(handle_set_away)
    app.action(shift_blocks.SET_BACK)(handle_set_back)
    app.view(shift_blocks.SHIFT_MODAL)(handle_shift_modal)
    app.view(shift_blocks.AWAY_MODAL)(handle_away_modal)
