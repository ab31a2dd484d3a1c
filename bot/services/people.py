"""Who someone is in CX Coach: their cached Slack profile and their role."""

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from sqlmodel import Session

from bot.services.permissions import Actor
from bot.store import repos
from bot.store.models import Person, TeamRole, Workspace

# A user mention as Slack escapes it in command text: <@U123ABC> or <@U123ABC|name>.
MENTIONS = re.compile(r"<@([UW][A-Z0-9]+)(?:\|[^>]*)?>")  # anywhere in a text
MENTION = re.compile(f"^{MENTIONS.pattern}$")  # a whole word

# users.info is Tier 4, but a profile barely changes: refresh it at most daily on our own
# initiative (issue #3 adds refreshes on Slack's user_change event).
PROFILE_MAX_AGE = timedelta(hours=24)


# A Slack status that means "not working": Slack's own presets (:palm_tree: Vacationing,
# :face_with_thermometer: Out sick) and the words people type. Meetings and commutes don't count.
AWAY_EMOJI = frozenset(
    {":palm_tree:", ":face_with_thermometer:", ":desert_island:", ":beach_with_umbrella:"}
)
AWAY_WORDS = re.compile(
    r"\b(vacation(ing)?|holidays?|ooo|out of (the )?office|out sick|sick|pto|annual leave|"
    r"parental leave|on leave|day off)\b",
    re.IGNORECASE,
)


def away_status(text: str, emoji: str, expiration: int) -> tuple[str | None, datetime | None]:
    """A Slack status that pauses check-ins (shown as the person set it), and when it ends
    (None: when they clear it); (None, None) for any other status."""
    if emoji not in AWAY_EMOJI and not AWAY_WORDS.search(text):
        return None, None
    shown = " ".join(part for part in (emoji, text) if part)[:200]
    return shown, datetime.fromtimestamp(expiration, UTC) if expiration > 0 else None


FORMER = "former-"  # a forgotten person's pseudonym starts so (bot.services.forget)


def is_former(slack_user_id: str) -> bool:
    """Whether the id is a forgotten person's pseudonym (never a Slack user id)."""
    return slack_user_id.startswith(FORMER)


def name_of(person: Person) -> str:
    """How people read someone where a mention cannot render (a header, a CSV, the CLI): their
    Slack full name, else their display name, else their Slack user ID."""
    return person.real_name or person.display_name or person.slack_user_id


class Role(StrEnum):
    """What a person may do in CX Coach, strongest first."""

    ADMIN = "admin"
    LEAD = "lead"
    AGENT = "agent"
    NEWCOMER = "newcomer"  # known to Slack, not yet on any team


@dataclass(frozen=True)
class SlackProfile:
    """The parts of a Slack users.info answer that CX Coach keeps."""

    user_id: str
    display_name: str
    timezone: str | None
    is_admin: bool
    deleted: bool
    away_status: str | None = None  # a Slack status that pauses check-ins (see away_status)
    away_status_until: datetime | None = None
    real_name: str | None = None  # the full name (helpdesk exports name agents by it)


@dataclass(frozen=True)
class Standing:
    """A person's role and teams, as their App Home shows them."""

    slack_user_id: str
    display_name: str
    timezone: str | None
    role: Role
    leads: tuple[str, ...]
    member_of: tuple[str, ...]


def profile_is_stale(person: Person | None, now: datetime) -> bool:
    """Tell whether we should ask Slack for this person's profile again."""
    if person is None or person.profile_refreshed_at is None:
        return True
    return now - person.profile_refreshed_at > PROFILE_MAX_AGE


def record_profile(
    *, session: Session, workspace_id: str, profile: SlackProfile, now: datetime
) -> Person:
    """Create or update the person behind `profile`."""
    repos.ensure_workspace(session=session, workspace_id=workspace_id)
    person = repos.get_person(
        session=session, workspace_id=workspace_id, slack_user_id=profile.user_id
    )
    if person is None:
        person = Person(workspace_id=workspace_id, slack_user_id=profile.user_id)
    person.display_name = profile.display_name
    person.real_name = profile.real_name
    person.timezone = profile.timezone
    person.is_slack_admin = profile.is_admin
    person.active = not profile.deleted
    if profile.deleted and person.deactivated_at is None:
        person.deactivated_at = now  # forgotten after the workspace's days, if it says so
    elif not profile.deleted:
        person.deactivated_at = None
    person.slack_away_status = profile.away_status
    person.slack_away_until = profile.away_status_until
    person.profile_refreshed_at = now
    session.add(person)
    session.flush()
    return person


def refresh_known_profile(
    *, session: Session, workspace_id: str, profile: SlackProfile, now: datetime
) -> bool:
    """Update someone CX Coach already knows (Slack's user_change); tell whether they were known.
    A deactivated user is marked inactive and gets no more check-ins."""
    if repos.get_person(session=session, workspace_id=workspace_id, slack_user_id=profile.user_id):
        record_profile(session=session, workspace_id=workspace_id, profile=profile, now=now)
        return True
    return False


def is_admin(session: Session, person: Person, admins: tuple[str, ...]) -> bool:
    """A Slack admin or owner, in CX_ADMINS, or who installed CX Coach in the workspace."""
    if person.is_slack_admin or person.slack_user_id in admins:
        return True
    workspace = session.get(Workspace, person.workspace_id)
    return workspace is not None and workspace.installer_user_id == person.slack_user_id


def standing(*, session: Session, person: Person, admins: tuple[str, ...]) -> Standing:
    """Work out a person's role from Slack admin status, CX_ADMINS and team memberships."""
    assert person.id is not None
    memberships = repos.teams_of(
        session=session, workspace_id=person.workspace_id, person_id=person.id
    )
    leads = tuple(team.name for team, role in memberships if role == TeamRole.LEAD)
    member_of = tuple(team.name for team, role in memberships if role == TeamRole.AGENT)
    if is_admin(session, person, admins):
        role = Role.ADMIN
    elif leads:
        role = Role.LEAD
    elif member_of:
        role = Role.AGENT
    else:
        role = Role.NEWCOMER
    return Standing(
        slack_user_id=person.slack_user_id,
        display_name=person.display_name or person.slack_user_id,
        timezone=person.timezone,
        role=role,
        leads=leads,
        member_of=member_of,
    )


def actor(*, session: Session, person: Person, admins: tuple[str, ...]) -> Actor:
    """The person as the permission rules see them."""
    assert person.id is not None
    memberships = repos.teams_of(
        session=session, workspace_id=person.workspace_id, person_id=person.id
    )
    return Actor(
        slack_user_id=person.slack_user_id,
        is_admin=is_admin(session, person, admins),
        leads=frozenset(team.id for team, role in memberships if role == TeamRole.LEAD and team.id),
        member_of=frozenset(team.id for team, _ in memberships if team.id is not None),
    )
