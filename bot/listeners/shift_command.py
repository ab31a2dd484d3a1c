"""/cx-shift: see and set shift days, end time and time away (yours, or a member's as a lead)."""

from typing import Any

from slack_bolt import Ack, BoltContext, Respond
from slack_sdk import WebClient

from bot.blocks.common import escape
from bot.blocks.shifts import overview_blocks, overview_text
from bot.deps import Defer, Deps
from bot.listeners.caller import Caller
from bot.listeners.profiles import known_person
from bot.listeners.usage import answered_help_or_bad_input
from bot.services import people, shifts
from bot.services.schedule import ScheduleError
from bot.store import repos


def handle_shift_command(
    ack: Ack,
    command: dict[str, Any],
    respond: Respond,
    context: BoltContext,
    client: WebClient,
    deps: Deps,
    defer: Defer,
    caller: Caller,
) -> None:
    """Parse in the ack (bad input is answered at once); read and write after it."""
    if answered_help_or_bad_input(ack, command):
        return
    try:
        request = shifts.parse_request(str(command.get("text") or ""))
    except ScheduleError as error:
        ack(text=escape(str(error)), response_type="ephemeral")
        return
    ack()
    workspace_id, user_id = str(context["workspace_id"]), command["user_id"]
    defer(lambda: run_shift_request(deps, client, respond, workspace_id, user_id, request,
                                    caller))  # fmt: skip


def run_shift_request(
    deps: Deps,
    client: WebClient,
    respond: Respond,
    workspace_id: str,
    user_id: str,
    request: shifts.ShiftRequest,
    caller: Caller,
) -> None:
    """Carry out a parsed /cx-shift request and answer through the response_url."""
    asker = caller.person()
    target_id = request.target or user_id
    target = asker if target_id == user_id else known_person(deps, client, workspace_id, target_id)
    if asker is None or target is None:
        respond(text=f"I can't find <@{target_id}> in this workspace.", response_type="ephemeral")
        return
    with deps.session() as session:
        asker, target = repos.fresh(session, asker), repos.fresh(session, target)
        actor = people.actor(session=session, person=asker, admins=deps.settings.cx_admins)
        try:
            view = shifts.perform(
                session=session, actor=actor, person=target, request=request, now=deps.clock()
            )
        except (shifts.PermissionDenied, ScheduleError) as error:
            respond(text=escape(str(error)), response_type="ephemeral")
            return
        session.commit()
    own = target_id == user_id
    respond(
        text=overview_text(view, own=own),
        blocks=overview_blocks(view, own=own, changed=_what_changed(request, view)),
        response_type="ephemeral",
    )


def _what_changed(request: shifts.ShiftRequest, view: shifts.ShiftOverview) -> str | None:
    match request.kind:
        case "set" if view.shift is not None:
            return f"Saved: {view.shift.describe()} ({view.timezone})."
        case "away":
            return f"Check-ins paused through {request.away_until}."
        case "back":
            return "Welcome back — check-ins are on again."
        case "timezone" if request.timezone:
            return f"Time zone set to {request.timezone}; check-ins follow it."
        case "timezone":
            return f"Time zone follows Slack again ({view.timezone})."
    return None
