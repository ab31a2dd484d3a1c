"""Recurring 1:1s (issue 15): a team that holds them weekly or every two weeks (even ISO weeks)
on a weekday at a team-local time gets each agenda in the lead's DM the working day before,
from 09:00 team time — and, if the team says so, a note to the agent. Claimed in the outbox by
(lead, agent, date): one DM each, whatever the number of clocks."""

from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from bot.services import one_on_ones, outbox, people
from bot.services.one_on_ones import Agenda
from bot.services.payloads import OutboxKind
from bot.services.reading import ReadingDenied
from bot.services.wording import short_date
from bot.store.models import Membership, Outbox, Person, Team, TeamRole

AGENDA = OutboxKind.AGENDA  # an outbox kind whose payload is the rendered message
SEND_FROM = time(9, 0)
CADENCES = ("off", "weekly", "biweekly")

Rendered = tuple[str, list[dict[str, Any]]]
RenderLead = Callable[[Agenda, str], Rendered]  # (agenda, "Thu 03 Dec at 10:00 (zone)")
RenderAgent = Callable[[str, str, Agenda], Rendered]  # (lead's Slack id, when, agenda)


def next_meeting(team: Team, today: date) -> date | None:
    """The team's next 1:1 date after `today`, or None when it holds none."""
    if team.one_on_ones not in ("weekly", "biweekly"):
        return None
    day = today + timedelta(days=1)
    for _ in range(15):
        if day.weekday() == team.one_on_one_weekday and (
            team.one_on_ones == "weekly" or day.isocalendar()[1] % 2 == 0
        ):
            return day
        day += timedelta(days=1)
    return None


def working_day_before(day: date) -> date:
    """The Monday-to-Friday day before `day` (Friday before a Monday)."""
    before = day - timedelta(days=1)
    while before.weekday() >= 5:
        before -= timedelta(days=1)
    return before


def claim_due(
    *, session: Session, now: datetime, lead_message: RenderLead, agent_message: RenderAgent,
    admins: tuple[str, ...] = (),
) -> int:  # fmt: skip
    """Claim the next 1:1s' agendas of every team that holds them, from 09:00 team time on the
    working day before, rendered as they are claimed (the agenda of that morning). How many
    DMs. The caller commits."""
    claimed = 0
    for team in session.exec(select(Team).where(col(Team.one_on_ones) != "off")).all():
        local = now.astimezone(ZoneInfo(team.timezone))
        meeting = next_meeting(team, local.date())
        if meeting is None or working_day_before(meeting) != local.date():
            continue
        if local.time() >= SEND_FROM:
            claimed += _claim_team(session, team, meeting, now, admins, lead_message,
                                   agent_message)  # fmt: skip
    return claimed


def _claim_team(
    session: Session, team: Team, meeting: date, now: datetime, admins: tuple[str, ...],
    lead_message: RenderLead, agent_message: RenderAgent,
) -> int:  # fmt: skip
    rows = session.exec(
        select(Person, Membership.role)
        .join(Membership, col(Membership.person_id) == Person.id)
        .where(Membership.team_id == team.id, col(Person.active))
    ).all()
    leads = [p for p, role in rows if role == TeamRole.LEAD.value]
    agents = [p for p, role in rows if role == TeamRole.AGENT.value]
    when = f"{short_date(meeting)} at {team.one_on_one_time} ({team.timezone})"
    # The job runs every minute all day: agendas already claimed are not built again.
    taken = set(
        session.exec(
            select(Outbox.key).where(
                Outbox.workspace_id == team.workspace_id,
                col(Outbox.key).like(f"{AGENDA}:%:{meeting}"),
                col(Outbox.person_id).in_([lead.id for lead in leads]),
            )
        ).all()
    )
    claimed = 0
    for lead in leads:
        actor = people.actor(session=session, person=lead, admins=admins)
        for agent in agents:
            if agent.id == lead.id or f"{AGENDA}:{lead.id}:{agent.id}:{meeting}" in taken:
                continue
            try:
                agenda = one_on_ones.agenda(session=session, actor=actor, agent=agent, now=now)
            except ReadingDenied:
                continue
            text, blocks = lead_message(agenda, when)
            claimed += len(outbox.claim(
                session, key=f"{AGENDA}:{lead.id}:{agent.id}:{meeting}", kind=AGENDA,
                workspace_id=team.workspace_id, channel=lead.slack_user_id, person_id=lead.id,
                payload={"text": text, "blocks": blocks}, due=now, now=now,
            ))  # fmt: skip
            if team.one_on_one_to_agent:
                text, blocks = agent_message(lead.slack_user_id, when, agenda)
                claimed += len(outbox.claim(
                    session, key=f"{AGENDA}:agent:{lead.id}:{agent.id}:{meeting}", kind=AGENDA,
                    workspace_id=team.workspace_id, channel=agent.slack_user_id,
                    person_id=agent.id, payload={"text": text, "blocks": blocks}, due=now,
                    now=now,
                ))  # fmt: skip
    return claimed
