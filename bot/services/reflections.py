"""Saving reflections: one per agent and shift date; a second submit updates the first."""

import json
from datetime import date, datetime
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from bot.services.templates import DEFAULT, Question, questions_for
from bot.store import repos
from bot.store.models import Person, Reflection, ReflectionStatus, TeamRole


def get(*, session: Session, person: Person, shift_date: date) -> Reflection | None:
    """The person's reflection for a shift, if any."""
    return session.exec(
        select(Reflection).where(
            Reflection.person_id == person.id, Reflection.shift_date == shift_date
        )
    ).first()


def save(
    *, session: Session, person: Person, shift_date: date, answers: dict[str, Any],
    now: datetime, skipped: bool = False,
) -> Reflection:  # fmt: skip
    """Create or update the reflection (the caller commits). Two submissions racing each other
    end as one row: the unique key decides, the loser's insert is undone to a savepoint and it
    updates instead. A skip never overwrites answers: an answered reflection is returned as it
    is (its status tells the caller)."""
    assert person.id is not None
    for _ in range(2):
        # Locked while deciding: a skip racing an answer must see the answer (Postgres).
        row = session.exec(
            select(Reflection)
            .where(Reflection.person_id == person.id, Reflection.shift_date == shift_date)
            .with_for_update()
        ).first()
        if row is None:
            row = Reflection(
                workspace_id=person.workspace_id, person_id=person.id, shift_date=shift_date,
                submitted_at=now,
            )  # fmt: skip
        elif skipped and row.status == ReflectionStatus.ANSWERED:
            return row  # a stale Skip button (Slack keeps old messages' buttons)
        row.status = ReflectionStatus.SKIPPED if skipped else ReflectionStatus.ANSWERED
        row.answers = json.dumps({k: v for k, v in answers.items() if k != "confidence"})
        row.confidence = answers.get("confidence")
        row.updated_at = now
        try:
            with session.begin_nested():
                session.add(row)
                session.flush()
            return row
        except IntegrityError:
            continue  # the other submission won the insert: update it instead
    raise RuntimeError("could not save the reflection")  # pragma: no cover


def answers_of(row: Reflection) -> dict[str, Any]:
    """The stored answers, with the confidence score."""
    answers: dict[str, Any] = json.loads(row.answers or "{}")
    if row.confidence is not None:
        answers["confidence"] = row.confidence
    return answers


def template_of(*, session: Session, person: Person) -> tuple[tuple[Question, ...], bool]:
    """The questions the person answers (their first team's, as an agent) and whether that
    team's leads read the answers."""
    assert person.id is not None
    memberships = repos.teams_of(
        session=session, workspace_id=person.workspace_id, person_id=person.id
    )
    teams = [t for t, role in memberships if role == TeamRole.AGENT] or [t for t, _ in memberships]
    if not teams:
        return DEFAULT, True
    team = teams[0]
    return questions_for(
        team.reflection_template, team.custom_questions
    ), team.leads_read_reflections
