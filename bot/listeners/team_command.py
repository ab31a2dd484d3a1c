"""`/cx-team` beyond `list`: create, show, edit, add, remove and delete, after the ack."""

from typing import Any

from slack_bolt import Ack, BoltContext, Respond
from slack_sdk import WebClient

from bot.blocks import teams as team_blocks
from bot.blocks.common import escape
from bot.blocks.teams import team_list_blocks
from bot.deps import Defer, Deps
from bot.listeners.caller import Caller
from bot.listeners.profiles import known_person
from bot.listeners.team_admin import open_team_modal
from bot.listeners.usage import answered_help_or_bad_input, first_word
from bot.services import teams
from bot.services.people import MENTION
from bot.services.permissions import Action, Actor, may, refusal
from bot.services.wording import plural
from bot.store import repos


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
    trigger_id: str,
    verb: str,
    words: list[str],
    caller: Caller,
) -> None:
    """Carry out `/cx-team VERB …` after the ack; answers go to the response_url."""
    name, users, rest = split_name_and_people(words)

    def say(text: str, **extra: Any) -> None:
        respond(text=text, response_type="ephemeral", **extra)

    plain = [word for word in words if word.startswith("@")]
    if plain:
        say(f"I can't find {escape(plain[0])}. Pick people from Slack's @ menu so they turn blue.")
        return
    unknown = [user for user in users if known_person(deps, client, workspace_id, user) is None]
    if unknown:
        say(f"I can't find <@{unknown[0]}> in this workspace.")
        return

    if verb == "create":
        open_team_modal(deps, client, caller, trigger_id, None, name=name)
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
    actor = caller.actor()
    if verb == "show":
        if not may(actor, Action.VIEW_TEAM, team_id=team.id):
            say(refusal(Action.VIEW_TEAM))
            return
        say(f"Team {escape(team.name)}", blocks=team_blocks.detail_blocks(detail))
    elif verb in ("edit", "rename", "set"):
        open_team_modal(deps, client, caller, trigger_id, team.id)
    elif verb == "delete":
        if not may(actor, Action.DELETE_TEAM, team_id=team.id):
            say(refusal(Action.DELETE_TEAM))
            return
        say(f"Delete {escape(team.name)}?", blocks=team_blocks.delete_confirmation_blocks(team))
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
        with deps.transaction() as session:
            teams.save(
                session=session,
                workspace_id=workspace_id,
                actor=actor,
                team_id=detail.team.id,
                form=form,
            )
    except teams.TeamError as error:
        say(escape(str(error)))
        return
    who = ", ".join(f"<@{user}>" for user in users)
    role = " as leads" if as_lead else ""
    done = "Added" if verb == "add" else "Removed"
    say(f"{done} {who}{role} {'to' if verb == 'add' else 'from'} {escape(detail.team.name)}.")


def handle_team_command(
    ack: Ack,
    command: dict[str, Any],
    respond: Respond,
    context: BoltContext,
    deps: Deps,
    defer: Defer,
    client: WebClient,
    caller: Caller,
) -> None:
    """/cx-team: list the teams, or create, show, edit, add, remove, delete (after the ack)."""
    if answered_help_or_bad_input(ack, command):
        return
    ack()  # the database work happens after Slack has its 200
    workspace_id = str(context["workspace_id"])
    verb = first_word(command)
    if verb not in ("", "list"):
        words = str(command.get("text") or "").split()[1:]
        trigger_id = command["trigger_id"]
        defer(
            lambda: team_subcommand(
                deps, client, respond, workspace_id, trigger_id, verb, words, caller
            )
        )
        return

    def list_teams() -> None:
        with deps.session() as session:
            teams = repos.list_teams(session=session, workspace_id=workspace_id)
        respond(text=plural(len(teams), "team"), blocks=team_list_blocks(teams),
                response_type="ephemeral")  # fmt: skip

    defer(list_teams)
