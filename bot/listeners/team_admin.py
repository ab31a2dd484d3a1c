"""Team administration in Slack: the App Home buttons and the team modal."""

from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient
from sqlalchemy.exc import SQLAlchemyError

from bot.blocks import team_admin as blocks
from bot.blocks import teams as team_blocks
from bot.blocks.common import NOT_SAVED, escape, notice_modal
from bot.blocks.team_form import read_team_modal
from bot.blocks.team_modal import team_modal
from bot.deps import Defer, Deps
from bot.listeners.caller import Caller
from bot.listeners.home import publish_home
from bot.listeners.modal_meta import OUT_OF_DATE, Stale, as_int
from bot.listeners.profiles import known_person
from bot.services import teams
from bot.services.permissions import Action, may, refusal


def open_team_modal(
    deps: Deps,
    client: WebClient,
    caller: Caller,
    trigger_id: str,
    team_id: int | None,
    name: str = "",
) -> None:
    """Open the team modal the asker may use: full for admins, members-only for the team's
    leads, or a notice saying who may."""
    actor = caller.actor()
    action = Action.CREATE_TEAM if team_id is None else Action.MANAGE_MEMBERS
    if not may(actor, action, team_id=team_id):
        view = notice_modal("Teams", refusal(action))
    else:
        with deps.session() as session:
            detail = None
            if team_id is not None:
                team = teams.get(session=session, workspace_id=caller.workspace_id, team_id=team_id)
                detail = teams.detail(session=session, team=team)
        view = team_modal(detail, full=actor.is_admin, name=name)
    client.views_open(trigger_id=trigger_id, view=view)


def handle_create_button(
    ack: Ack, body: dict[str, Any], client: WebClient, deps: Deps, caller: Caller
) -> None:
    """The "Create team" button on the App Home."""
    ack()
    open_team_modal(deps, client, caller, body["trigger_id"], None)


def handle_edit_button(
    ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient, deps: Deps,
    caller: Caller,
) -> None:  # fmt: skip
    """The "Edit" button beside a team on the App Home."""
    ack()
    open_team_modal(deps, client, caller, body["trigger_id"], int(action["value"]))


def handle_delete_button(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    client: WebClient,
    context: BoltContext,
    deps: Deps,
    defer: Defer,
    respond: Respond,
    caller: Caller,
) -> None:
    """The "Delete" button (after Slack's confirmation): delete, refresh where it was."""
    ack()
    workspace_id, user_id = str(context["workspace_id"]), body["user"]["id"]
    from_home = body.get("container", {}).get("type") == "view"

    def delete() -> None:
        actor = caller.actor()
        try:
            with deps.transaction() as session:
                name = teams.delete_team(
                    session=session,
                    workspace_id=workspace_id,
                    actor=actor,
                    team_id=int(action["value"]),
                )
            message = f"Deleted the team {escape(name)}."
        except teams.TeamError as error:
            message = escape(str(error))
        if from_home:
            publish_home(deps, client, workspace_id, user_id)
        else:
            respond(text=message, response_type="ephemeral", replace_original=True)

    defer(delete)


def handle_team_modal(
    ack: Ack,
    view: dict[str, Any],
    body: dict[str, Any],
    client: WebClient,
    context: BoltContext,
    deps: Deps,
    defer: Defer,
    caller: Caller,
) -> None:
    """Team modal submitted: check every field, save, and only then let the modal close."""
    form, errors = read_team_modal(view["state"]["values"])
    if errors:
        ack(response_action="errors", errors=errors)
        return
    workspace_id, user_id = str(context["workspace_id"]), body["user"]["id"]
    first_block = blocks.NAME if form.name is not None else blocks.MEMBERS
    try:
        team_id = as_int(view["private_metadata"]) if view.get("private_metadata") else None
    except Stale:
        ack(response_action="errors", errors={first_block: OUT_OF_DATE})
        return
    try:
        actor = caller.actor(on_ack_path=True)
        with deps.transaction() as session:
            teams.save(
                session=session,
                workspace_id=workspace_id,
                actor=actor,
                team_id=team_id,
                form=form,
            )
    except teams.TeamError as error:
        ack(response_action="errors", errors={first_block: str(error)[:150]})
        return
    except SQLAlchemyError:
        ack(response_action="errors", errors={first_block: NOT_SAVED})
        return
    ack()
    newcomers = sorted((form.members or frozenset()) | (form.leads or frozenset()))

    def after() -> None:
        for member in newcomers:  # fill in the profiles (time zones) of people just added
            known_person(deps, client, workspace_id, member)
        publish_home(deps, client, workspace_id, user_id)

    defer(after)


def register(app: App) -> None:
    """The team buttons and modal."""
    app.action(team_blocks.CREATE_TEAM)(handle_create_button)
    app.action(team_blocks.EDIT_TEAM)(handle_edit_button)
    app.action(team_blocks.DELETE_TEAM)(handle_delete_button)
    app.view(blocks.TEAM_MODAL)(handle_team_modal)
