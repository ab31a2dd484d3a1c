"""The set-up checklist an admin sees on the App Home until CX Coach is set up (issue 16):
each step ticks itself from what the database holds."""

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, exists
from sqlmodel import Session, col, select

from bot.services.prompt_claims import PROMPT
from bot.store.models import (
    HelpdeskSync,
    HelpdeskTicket,
    Membership,
    Outbox,
    OutboxStatus,
    SurveyResponse,
    Team,
    TeamRole,
)


@dataclass(frozen=True)
class Step:
    """One step: what to do, whether it is done, and how."""

    what: str
    done: bool
    how: str


def steps(*, session: Session, workspace_id: str) -> list[Step]:
    """The steps, in the order to take them."""

    def any_of(query: Select[Any]) -> bool:
        return bool(session.scalar(select(exists(query))))

    teams = select(Team.id).where(Team.workspace_id == workspace_id)
    return [
        Step("Create a team", any_of(teams), "`/cx-team create Tier 1`, or *Create a team* below"),
        Step(
            "Add people",
            any_of(
                select(Membership.person_id).where(
                    col(Membership.team_id).in_(teams), Membership.role == TeamRole.AGENT.value
                )
            ),
            "the team modal's *Agents*, `/cx-team add`, or a roster upload",
        ),
        Step(
            "Set a digest channel",
            any_of(teams.where(col(Team.digest_channel_id).is_not(None))),
            "the team modal's *Weekly KPI digest goes to*",
        ),
        Step(
            "Set a celebration channel",
            any_of(teams.where(col(Team.celebration_channel_id).is_not(None))),
            "the team modal's *Kudos and celebrations go to*",
        ),
        Step(
            "Connect helpdesk data",
            any_of(select(HelpdeskTicket.id).where(HelpdeskTicket.workspace_id == workspace_id))
            or any_of(select(SurveyResponse.id).where(SurveyResponse.workspace_id == workspace_id))
            or any_of(select(HelpdeskSync.source).where(HelpdeskSync.workspace_id == workspace_id)),
            "*Upload helpdesk export* below, `python -m bot import`, the webhook or a live sync",
        ),
        Step(
            "Send the first check-in",
            any_of(
                select(Outbox.id).where(
                    Outbox.workspace_id == workspace_id,
                    Outbox.kind == PROMPT,
                    Outbox.status == OutboxStatus.SENT.value,
                )
            ),
            "it goes at the end of each agent's shift; *Send me a test check-in* shows one now",
        ),
    ]
