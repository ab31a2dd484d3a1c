"""Process suggestions: an agent's idea for their team's leads, by DM through the outbox, with
no trace of the author when they ask to stay anonymous."""

import random
from collections.abc import Sequence
from datetime import datetime

from sqlmodel import Session, col, select

from bot.services.feedback import SUGGESTION, FeedbackError, claim
from bot.store import repos
from bot.store.models import Membership, Person, Team, TeamRole


def suggest(
    *, session: Session, author: Person, text: str, anonymous: bool, now: datetime
) -> tuple[list[Team], list[int]]:
    """A process suggestion to the leads of the author's teams (without the author's name when
    anonymous): the teams it went to and the outbox ids. The caller commits."""
    text = text.strip()
    if len(text) < 10:
        raise FeedbackError("Say a little more: a suggestion needs at least 10 characters.")
    if len(text) > 2000:
        raise FeedbackError("Keep a suggestion under 2,000 characters.")
    assert author.id is not None
    teams = repos.teams_of(session=session, workspace_id=author.workspace_id, person_id=author.id)
    if not teams:
        raise FeedbackError("You're not in a team yet, so there are no leads to send it to.")
    leads = {
        lead.id: lead for team, _ in teams for lead in _leads(session, team) if lead.id != author.id
    }
    if not leads:
        raise FeedbackError("Your team has no lead yet; an admin can add one with `/cx-team edit`.")
    payload = {
        "text": text,
        "from": None if anonymous else author.slack_user_id,
        "teams": [team.name for team, _ in teams],
    }
    token = random.SystemRandom().getrandbits(64)
    ids: list[int] = []
    for lead in leads.values():
        ids += claim(
            session, f"{SUGGESTION}:{token:x}:{lead.id}", SUGGESTION, lead, payload, now, now
        )
    return [team for team, _ in teams], ids


def _leads(session: Session, team: Team) -> Sequence[Person]:
    return session.exec(
        select(Person)
        .join(Membership, col(Membership.person_id) == Person.id)
        .where(Membership.team_id == team.id, Membership.role == TeamRole.LEAD.value)
    ).all()
