"""Same-day alerts (issue 15): a CSAT of 1-2 or an NPS of 0-6 that arrives with a comment —
from an import, a webhook or a sync — reaches the agent's leads (and, if the team says so, the
agent) within minutes. Several arriving together share one DM; none arrives between 21:00 and
08:00 in the reader's zone (they wait for the morning); each survey alerts each person once,
claimed in the database (SurveyAlert), so two clocks send one DM."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from sqlalchemy import and_, func, or_
from sqlmodel import Session, col, select

from bot.services import outbox, schedule, shifts
from bot.services.payloads import OutboxKind
from bot.services.schedule import ScheduleError
from bot.store import bulk, repos
from bot.store.models import Membership, Person, SurveyAlert, SurveyResponse, Team, TeamRole

ALERT = OutboxKind.SURVEY_ALERT
SAME_DAY = timedelta(days=1)  # older ratings (a backfill) alert nobody
QUIET_FROM, QUIET_UNTIL = time(21, 0), time(8, 0)
SETTINGS = ("off", "leads", "leads_agent")


@dataclass(frozen=True)
class Low:
    """One low rating, as an alert shows it."""

    survey_id: int
    agent: str  # Slack user id
    ticket_id: str | None
    kind: str
    score: int
    comment: str


def quiet(person: Person, session: Session, now: datetime) -> bool:
    """Whether it is 21:00-08:00 where the person is."""
    try:
        zone = schedule.zone_named(
            shifts.timezone_of(person, repos.team_list_of(session=session, person=person))
        )
    except ScheduleError:
        return False
    local = now.astimezone(zone).time()
    return local >= QUIET_FROM or local < QUIET_UNTIL


def _low_surveys(session: Session, now: datetime) -> list[tuple[SurveyResponse, Person]]:
    # The comment is checked again once read: encrypted at rest, blank text has a length too.
    return [(survey, person) for survey, person in _low_rows(session, now)
            if (survey.comment or "").strip()]  # fmt: skip


def _low_rows(session: Session, now: datetime) -> list[tuple[SurveyResponse, Person]]:
    return list(
        session.exec(
            select(SurveyResponse, Person)
            .join(Person, col(Person.id) == SurveyResponse.person_id)
            .where(
                col(SurveyResponse.submitted_at) >= now - SAME_DAY,
                or_(
                    and_(col(SurveyResponse.kind) == "csat", col(SurveyResponse.score) <= 2),
                    and_(col(SurveyResponse.kind) == "nps", col(SurveyResponse.score) <= 6),
                ),
                func.length(func.trim(func.coalesce(SurveyResponse.comment, ""))) > 0,
            )
        ).all()
    )


def _readers(session: Session, agent: Person) -> list[Person]:
    """Whom a low rating of the agent's is for: the leads of the agent's teams that alert, and
    the agent where a team says so."""
    rows = session.exec(
        select(Team)
        .join(Membership, col(Membership.team_id) == Team.id)
        .where(
            Membership.person_id == agent.id,
            Membership.role == TeamRole.AGENT.value,
            Team.alerts != "off",
        )
    ).all()
    readers: dict[int, Person] = {}
    for team in rows:
        leads = session.exec(
            select(Person)
            .join(Membership, col(Membership.person_id) == Person.id)
            .where(Membership.team_id == team.id, Membership.role == TeamRole.LEAD.value)
        ).all()
        for lead in leads:
            if lead.id is not None and lead.active and lead.id != agent.id:
                readers[lead.id] = lead
        if team.alerts == "leads_agent" and agent.id is not None:
            readers[agent.id] = agent
    return list(readers.values())


def claim_due(*, session: Session, now: datetime) -> int:
    """Claim the alerts that are due: for each reader outside quiet hours, the low ratings not
    yet claimed for them, in one DM. Returns how many DMs were claimed. The caller commits."""
    waiting: dict[int, tuple[Person, list[Low]]] = {}
    readers_of: dict[int | None, list[Person]] = {}
    found = _low_surveys(session, now)
    told = set(  # (survey, reader) pairs claimed by an earlier pass: not offered again
        session.execute(
            select(col(SurveyAlert.survey_id), col(SurveyAlert.recipient_id)).where(
                col(SurveyAlert.survey_id).in_([survey.id for survey, _ in found])
            )
        ).all()
    )
    for survey, agent in found:
        if agent.id not in readers_of:
            readers_of[agent.id] = _readers(session, agent)
        assert survey.id is not None
        low = Low(survey.id, agent.slack_user_id, survey.ticket_id, survey.kind, survey.score,
                  survey.comment or "")  # fmt: skip
        for reader in readers_of[agent.id]:
            assert reader.id is not None
            if (survey.id, reader.id) not in told:
                waiting.setdefault(reader.id, (reader, []))[1].append(low)
    insert = bulk.dialect_insert(session)
    claimed = 0
    for reader_id, (reader, lows) in waiting.items():
        if quiet(reader, session, now):
            continue
        taken = {
            survey_id
            for (survey_id,) in session.execute(
                insert(SurveyAlert)
                .values(
                    [
                        {"survey_id": low.survey_id, "recipient_id": reader_id, "claimed_at": now}
                        for low in lows
                    ]
                )
                .on_conflict_do_nothing()
                .returning(col(SurveyAlert.survey_id))
            ).all()
        }
        mine = [low for low in lows if low.survey_id in taken]
        if not mine:
            continue
        by_agent: dict[str, list[Low]] = defaultdict(list)
        for low in mine:
            by_agent[low.agent].append(low)
        payload = {
            "for_agent": all(agent == reader.slack_user_id for agent in by_agent),
            "lows": [low.__dict__ for low in sorted(mine, key=lambda low: low.survey_id)],
        }
        claimed += len(outbox.claim(
            session, key=f"{ALERT}:{reader_id}:{min(taken)}:{len(taken)}", kind=ALERT,
            workspace_id=reader.workspace_id, channel=reader.slack_user_id,
            person_id=reader_id, payload=payload, due=now, now=now,
        ))  # fmt: skip
    return claimed
