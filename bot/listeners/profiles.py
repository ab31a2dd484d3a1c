"""Knowing who someone is: the cached Slack profile, refreshed from users.info when stale."""

from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.deps import Deps
from bot.services import people, roster
from bot.services.people import SlackProfile
from bot.services.permissions import Actor
from bot.store import repos
from bot.store.models import Person

UNKNOWN_USER_ERRORS = {"user_not_found", "user_not_visible"}


def profile_from_users_info(user: dict[str, Any]) -> people.SlackProfile:
    """Keep what CX Coach needs from a users.info `user` object."""
    profile = user.get("profile") or {}
    name = profile.get("display_name") or profile.get("real_name") or user.get("real_name")
    status, until = people.away_status(
        str(profile.get("status_text") or ""),
        str(profile.get("status_emoji") or ""),
        int(profile.get("status_expiration") or 0),
    )
    return people.SlackProfile(
        user_id=user["id"],
        display_name=str(name or user.get("name") or user["id"]),
        timezone=user.get("tz"),
        is_admin=bool(user.get("is_admin") or user.get("is_owner") or user.get("is_primary_owner")),
        deleted=bool(user.get("deleted")),
        away_status=status,
        away_status_until=until,
        real_name=str(profile.get("real_name") or user.get("real_name") or "") or None,
    )


def known_person(
    deps: Deps, client: WebClient, workspace_id: str, user_id: str, *, on_ack_path: bool = False
) -> Person | None:
    """The person, with a profile at most a day old; None if Slack does not know them.
    `on_ack_path`: Slack is waiting for our answer, so a stale profile will do and Slack is
    asked only about someone never seen (a 429's Retry-After must not hold up the ack)."""
    now = deps.clock()
    with deps.read_session() as session:  # on SQLite: no write lock for a read
        person = repos.get_person(session=session, workspace_id=workspace_id, slack_user_id=user_id)
    if person is not None and (on_ack_path or not people.profile_is_stale(person, now)):
        return person
    try:
        user = client.users_info(user=user_id)["user"]
    except SlackApiError as error:
        if error.response.get("error") in UNKNOWN_USER_ERRORS:
            return None
        raise
    with deps.transaction() as session:
        person = people.record_profile(
            session=session,
            workspace_id=workspace_id,
            profile=profile_from_users_info(user),
            now=now,
        )
    return person


def actor_of(
    deps: Deps, client: WebClient, workspace_id: str, user_id: str, *, on_ack_path: bool = False
) -> Actor:
    """The asker as the permission rules see them (a stranger to Slack is nobody)."""
    person = known_person(deps, client, workspace_id, user_id, on_ack_path=on_ack_path)
    if person is None:
        return Actor(slack_user_id=user_id)
    with deps.read_session() as session:
        return people.actor(
            session=session, person=repos.fresh(session, person), admins=deps.settings.cx_admins
        )


def slack_resolver(client: WebClient) -> roster.Resolve:
    """Look agents up in Slack by ID (users.info) or email (users.lookupByEmail), once each."""
    cache: dict[str, SlackProfile | None] = {}

    def resolve(agent: str) -> SlackProfile | None:
        if agent not in cache:
            try:
                if "@" in agent:
                    user = client.users_lookupByEmail(email=agent)["user"]
                else:
                    user = client.users_info(user=agent)["user"]
                cache[agent] = profile_from_users_info(user)
            except SlackApiError as error:
                if error.response.get("error") not in UNKNOWN_USER_ERRORS | {"users_not_found"}:
                    raise
                cache[agent] = None
        return cache[agent]

    return resolve


def colleague_or_problem(
    deps: Deps, client: WebClient, workspace_id: str, user_id: str
) -> Person | str:
    """A colleague named in a command or a reaction, as a person, or why they cannot take part
    (unknown, a bot, deactivated, outside the workspace)."""
    try:
        user = client.users_info(user=user_id)["user"]
    except SlackApiError as error:
        if error.response.get("error") in UNKNOWN_USER_ERRORS:
            return f"I can't find <@{user_id}> in this workspace."
        raise
    if user.get("is_bot") or user_id == "USLACKBOT":
        return f"<@{user_id}> is a bot; only people can take part."
    if user.get("deleted"):
        return f"<@{user_id}>'s account is deactivated."
    if user.get("team_id") not in (None, workspace_id) and not user.get("enterprise_user"):
        return f"<@{user_id}> is outside this workspace."
    with deps.transaction() as session:
        person = people.record_profile(
            session=session,
            workspace_id=workspace_id,
            profile=profile_from_users_info(user),
            now=deps.clock(),
        )
    return person
