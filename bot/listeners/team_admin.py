"""Team administration in Slack: the App Home buttons, the team modal, and `/cx-team` beyond
`list` (create, show, edit, add, remove, delete)."""

import re
from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient
from sqlalchemy.exc import SQLAlchemyError

from bot.blocks import team_admin as blocks
from bot.blocks.common import escape
from bot.deps import Defer, Deps
from bot.listeners.home import publish_home
from bot.listeners.profiles import known_person
from bot.services import people, teams
from bot.services.permissions import Action, Actor, may, refusal
from bot.store import repos

MENTION = re.compile(r"^<@([UW][A-Z0-9]+)(?:\|[^>]*)?>$")
NOT_SAVED = "Not saved: CX Coach can't reach its database. Your entries are still here; try again."


def actor_of(deps: Deps, client: WebClient, workspace_id: str, user_id: str) -> Actor:
    """The asker as the permission rules see them (a stranger to Slack is nobody)."""
    person = known_person(deps, client, workspace_id, user_id)
    if person is None:
        return Actor(slack_user_id=user_id)
    with deps.session() as session:
        return people.actor(
            session=session, person=session.merge(person), admins=deps.settings.cx_admins
        )


def open_team_modal(
    deps: Deps,
    client: WebClient,
    workspace_id: str,
    user_id: str,
    trigger_id: str,
    team_id: int | None,
    name: str = "",
) -> None:
    """Open the team modal the asker may use: full for admins, members-only for the team's
    leads, or a notice saying who may."""
    actor = actor_of(deps, client, workspace_id, user_id)
    action = Action.CREATE_TEAM if team_id is None else Action.MANAGE_MEMBERS
    if not may(actor, action, team_id=team_id):
        view = blocks.notice_modal("Teams", refusal(action))
    else:
        with deps.session() as session:
            detail = None
            if team_id is not None:
                team = teams.get(session=session, workspace_id=workspace_id, team_id=team_id)
                detail = teams.detail(session=session, team=team)
        view = blocks.team_modal(detail, full=actor.is_admin, name=name)
    client.views_open(trigger_id=trigger_id, view=view)


def handle_create_button(
    ack: Ack, body: dict[str, Any], client: WebClient, context: BoltContext, deps: Deps
) -> None:
    """The "Create team" button on the App Home."""
    ack()
    open_team_modal(
        deps, client, str(context.team_id), body["user"]["id"], body["trigger_id"], None
    )


def handle_edit_button(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    client: WebClient,
    context: BoltContext,
    deps: Deps,
) -> None:
    """The "Edit" button beside a team on the App Home."""
    ack()
    open_team_modal(
        deps,
        client,
        str(context.team_id),
        body["user"]["id"],
        body["trigger_id"],
        int(action["value"]),
    )


def handle_delete_button(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    client: WebClient,
    context: BoltContext,
    deps: Deps,
    defer: Defer,
    respond: Respond,
) -> None:
    """The "Delete" button (after Slack's confirmation): delete, refresh where it was."""
    ack()
    workspace_id, user_id = str(context.team_id), body["user"]["id"]
    from_home = body.get("container", {}).get("type") == "view"

    def delete() -> None:
        actor = actor_of(deps, client, workspace_id, user_id)
        try:
            with deps.session() as session:
                name = teams.delete_team(
                    session=session,
                    workspace_id=workspace_id,
                    actor=actor,
                    team_id=int(action["value"]),
                )
                session.commit()
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
) -> None:
    """Team modal submitted: check every field, save, and only then let the modal close."""
    form, errors = blocks.read_team_modal(view["state"]["values"])
    if errors:
        ack(response_action="errors", errors=errors)
        return
    workspace_id, user_id = str(context.team_id), body["user"]["id"]
    team_id = int(view["private_metadata"]) if view.get("private_metadata") else None
    first_block = blocks.NAME if form.name is not None else blocks.MEMBERS
    try:
        actor = actor_of(deps, client, workspace_id, user_id)
        with deps.session() as session:
            teams.save(
                session=session,
                workspace_id=workspace_id,
                actor=actor,
                team_id=team_id,
                form=form,
            )
            session.commit()
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
    app.action(blocks.CREATE_TEAM)(handle_create_button)
    app.action(blocks.EDIT_TEAM)(handle_edit_button)
    app.action(blocks.DELETE_TEAM)(handle_delete_button)
    app.view(blocks.TEAM_MODAL)(handle_team_modal)


# ---- /cx-team subcommands ----------------------------------------------------------------


def split_name_and_people(words: list[str]) -> tuple[str, list[str], list[str]]:
    """Split `Tier 1 <@U1> <@U2|bo> lead` into ("Tier 1", ["U1", "U2"], ["lead"])."""
    name_words: list[str] = []
    users: list[str] = []
    rest: list[str] = []
    for word in words:
        mention = MENTION.match(word)
        if mention:
            users.append(mention[1])
        elif users:
            rest.append(word.lower())
        else:
            name_words.append(word)
    return " ".join(name_words), users, rest


def team_subcommand(
    deps: Deps,
    client: WebClient,
    respond: Respond,
    workspace_id: str,
    user_id: str,
    trigger_id: str,
    verb: str,
    words: list[str],
) -> None:
    """Carry out `/cx-team VERB …` after the ack; answers go to the response_url."""
    name, users, rest = split_name_and_people(words)

    def say(text: str, **extra: Any) -> None:
        respond(text=text, response_type="ephemeral", **extra)

    if verb == "create":
        open_team_modal(deps, client, workspace_id, user_id, trigger_id, None, name=name)
        return
    if not name:
        say(f"Which team? Try `/cx-team {verb} Tier 1`.")
        return
    with deps.session() as session:
        team = teams.find(session=session, workspace_id=workspace_id, name=name)
        if team is None:
            known = ", ".join(
                t.name for t in repos.list_teams(session=session, workspace_id=workspace_id)
            )
            say(
                f"There is no team called {escape(name)}."
                + (f" Teams: {escape(known)}." if known else "")
            )
            return
        detail = teams.detail(session=session, team=team)
    assert team.id is not None
    actor = actor_of(deps, client, workspace_id, user_id)
    if verb == "show":
        if not may(actor, Action.VIEW_TEAM, team_id=team.id):
            say(refusal(Action.VIEW_TEAM))
            return
        say(f"Team {escape(team.name)}", blocks=blocks.detail_blocks(detail))
    elif verb in ("edit", "rename", "set"):
        open_team_modal(deps, client, workspace_id, user_id, trigger_id, team.id)
    elif verb == "delete":
        if not may(actor, Action.DELETE_TEAM, team_id=team.id):
            say(refusal(Action.DELETE_TEAM))
            return
        say(f"Delete {escape(team.name)}?", blocks=blocks.delete_confirmation_blocks(team))
    elif verb in ("add", "remove"):
        change_people(deps, say, workspace_id, actor, detail, verb, users, rest)


def change_people(
    deps: Deps,
    say: Any,
    workspace_id: str,
    actor: Actor,
    detail: teams.TeamDetail,
    verb: str,
    users: list[str],
    rest: list[str],
) -> None:
    """`/cx-team add|remove TEAM @a @b [lead]`."""
    if not users:
        say(f"Whom? Try `/cx-team {verb} {escape(detail.team.name)} @someone`.")
        return
    as_lead = "lead" in rest or "leads" in rest
    leads, members = set(detail.leads), set(detail.members)
    if verb == "add" and as_lead:
        leads |= set(users)
        form = teams.TeamForm(leads=frozenset(leads))
    elif verb == "add":
        members |= set(users) - leads
        form = teams.TeamForm(members=frozenset(members))
    else:
        gone_leads = leads & set(users)
        form = teams.TeamForm(
            members=frozenset(members - set(users)),
            leads=frozenset(leads - set(users)) if gone_leads else None,
        )
    try:
        with deps.session() as session:
            teams.save(
                session=session,
                workspace_id=workspace_id,
                actor=actor,
                team_id=detail.team.id,
                form=form,
            )
            session.commit()
    except teams.TeamError as error:
        say(escape(str(error)))
        return
    who = ", ".join(f"<@{user}>" for user in users)
    role = " as leads" if as_lead else ""
    done = "Added" if verb == "add" else "Removed"
    say(f"{done} {who}{role} {'to' if verb == 'add' else 'from'} {escape(detail.team.name)}.")
