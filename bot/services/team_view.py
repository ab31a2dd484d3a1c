"""What a lead sees about their team on the App Home, and what admins see about delivery.
Shown to them only; never posted to a channel."""

import json
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlmodel import Session, col, select

from bot.services import schedule, team_items, themes
from bot.services.prompt_claims import ANSWER_WINDOW, PROMPT
from bot.services.team_items import TeamItems
from bot.store.models import (
    HelpdeskSync,
    Membership,
    Outbox,
    OutboxStatus,
    Person,
    Reflection,
    ReflectionStatus,
    Team,
    TeamRole,
)

QUIET_AFTER = 3  # unanswered shifts in a row before a lead hears about it
TRAINING_DAYS = 30
TOP_NEEDS = 5
LOOK_BACK = timedelta(days=45)  # rows read: this week, 3 closed shifts, 30 days of needs


@dataclass(frozen=True)
class TeamWeek:
    """One team's check-ins this week, for its leads."""

    team: Team
    prompts: int
    answered: int
    quiet: list[str]  # Slack IDs with QUIET_AFTER+ unanswered shifts in a row
    training_needs: list[tuple[str, int]]  # (need, how many mentioned it), most first
    items: TeamItems | None = None  # the team's action items (bot.services.team_items)

    @property
    def participation_pct(self) -> float | None:
        """Answered ÷ prompts sent this week × 100, or None with no prompts yet."""
        return self.answered / self.prompts * 100 if self.prompts else None


def team_week(*, session: Session, team: Team, now: datetime) -> TeamWeek:
    """This week (Monday on, the team's zone) for the team's current agents."""
    agents = session.exec(
        select(Person)
        .join(Membership, col(Membership.person_id) == Person.id)
        .where(Membership.team_id == team.id, Membership.role == TeamRole.AGENT.value)
    ).all()
    ids = [agent.id for agent in agents]
    # What this week, the quiet streaks and 30 days of training needs can use — not the years
    # of history a team builds up — as plain columns (no ORM objects: a lead's home is read
    # on every visit).
    prompts = session.execute(
        select(col(Outbox.person_id), col(Outbox.due_at), col(Outbox.shift_date),
               col(Outbox.payload))
        .where(
            col(Outbox.person_id).in_(ids),
            Outbox.kind == PROMPT,
            Outbox.status == OutboxStatus.SENT.value,
            col(Outbox.due_at) >= now - LOOK_BACK,
        )
        .order_by(col(Outbox.due_at).desc())
    ).all()  # fmt: skip
    reflections = session.execute(
        select(col(Reflection.person_id), col(Reflection.shift_date), col(Reflection.status),
               col(Reflection.answers))
        .where(
            col(Reflection.person_id).in_(ids),
            col(Reflection.shift_date) >= (now - LOOK_BACK).date() - timedelta(days=1),
        )
    ).all()  # fmt: skip
    answered_on = {
        (person, day)
        for person, day, status, _ in reflections
        if status == ReflectionStatus.ANSWERED
    }
    sent: dict[int, list[tuple[datetime, date]]] = {}
    for person, due_at, shift_date, payload in prompts:  # newest first
        day = shift_date or date.fromisoformat(json.loads(payload)["shift_date"])
        sent.setdefault(person, []).append((due_at, day))

    local_today = now.astimezone(schedule.zone_named(team.timezone)).date()
    monday = local_today - timedelta(days=local_today.weekday())
    this_week = [(p, day) for p, shifts in sent.items() for _, day in shifts if day >= monday]
    answered = sum(1 for key in this_week if key in answered_on)
    quiet = []
    for agent in agents:
        closed = [
            day for due_at, day in sent.get(agent.id or 0, []) if now - due_at >= ANSWER_WINDOW
        ]
        if len(closed) >= QUIET_AFTER and not any(
            (agent.id, day) in answered_on for day in closed[:QUIET_AFTER]
        ):
            quiet.append(agent.slack_user_id)
    since = local_today - timedelta(days=TRAINING_DAYS)
    readable = reflections if team.leads_read_reflections else []  # the team's own setting
    needs = [
        need
        for _, day, status, answers in readable
        if day >= since and status == ReflectionStatus.ANSWERED
        for need in training_needs_in(json.loads(answers or "{}").get("training", ""))
    ]
    return TeamWeek(
        team=team,
        prompts=len(this_week),
        answered=answered,
        quiet=sorted(quiet),
        training_needs=themes.group_needs(needs, top=TOP_NEEDS),  # grouped by meaning
        items=team_items.for_team(
            session=session, team=team, now=now, own_items=team.leads_read_reflections
        ),
    )


def training_needs_in(text: str) -> set[str]:
    """One answer's training needs, grouped loosely: split on commas and "and", lower-cased,
    punctuation dropped ("Billing system!" and "billing system" count as one)."""
    parts = re.split(r",|;|\n|\band\b", text.lower())
    cleaned = {re.sub(r"[^\w\s-]", "", part).strip() for part in parts}
    return {part for part in cleaned if part and part not in {"none", "nothing", "n/a", "no"}}


@dataclass(frozen=True)
class DeliveryProblem:
    """A message Slack refused for good."""

    channel: str
    kind: str
    error: str
    due_at: datetime


def delivery_problems(
    *, session: Session, workspace_id: str, now: datetime, days: int = 7
) -> list[DeliveryProblem]:
    """Helpdesk syncs whose last run failed (a refused API token, an unreachable helpdesk:
    channel empty, kind "<source> sync"), then failed sends of the last `days` days, newest
    first, for admins."""
    rows = session.exec(
        select(Outbox)
        .where(
            Outbox.workspace_id == workspace_id,
            Outbox.status == OutboxStatus.FAILED.value,
            Outbox.due_at >= now - timedelta(days=days),
        )
        .order_by(col(Outbox.due_at).desc())
        .limit(50)
    ).all()
    syncs = session.exec(
        select(HelpdeskSync).where(
            HelpdeskSync.workspace_id == workspace_id, col(HelpdeskSync.last_error).is_not(None)
        )
    ).all()
    return [
        DeliveryProblem("", f"{s.source} sync", s.last_error or "", s.last_run_at or now)
        for s in syncs
    ] + [DeliveryProblem(r.channel, r.kind, r.last_error or "unknown", r.due_at) for r in rows]
