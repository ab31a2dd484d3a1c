"""How long texts live, and forgetting people Slack deactivated (docs/PRIVACY.md): a workspace's
two settings and the hourly job's work, in small batches so no run holds the database long.
Aggregates stay: a reflection keeps its date, status and confidence (participation), a
feedback answer its ratings, a kudos its count; only the words go."""

from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, update
from sqlmodel import Session, col, or_, select

from bot.services import forget
from bot.store import repos
from bot.store.models import (
    FeedbackAnswer,
    FeedbackRequest,
    OneOnOne,
    Outbox,
    OutboxStatus,
    Person,
    Reflection,
    ReflectionReply,
    Workspace,
)

BATCH = 500
MIN_MONTHS, MAX_MONTHS = 1, 120
MIN_DAYS, MAX_DAYS = 1, 3650
RANGES = {"months": (MIN_MONTHS, MAX_MONTHS), "days": (MIN_DAYS, MAX_DAYS)}
EMPTY = "{}"


class SettingError(ValueError):
    """A setting out of range; the message gives the range."""


@dataclass(frozen=True)
class PrivacySettings:
    retention_months: int | None  # None: texts are kept
    forget_deactivated_days: int | None  # None: deactivated people are not forgotten


def settings_of(session: Session, workspace_id: str) -> PrivacySettings:
    workspace = session.get(Workspace, workspace_id)
    if workspace is None:
        return PrivacySettings(None, None)
    return PrivacySettings(workspace.retention_months, workspace.forget_deactivated_days)


def parse_setting(text: str, *, unit: str) -> int | None:
    """ "off" (or nothing) → None; a whole number of `unit` (months, days) in its range; else
    SettingError."""
    low, high = RANGES[unit]
    word = text.strip().lower()
    if word in {"", "off", "keep", "never"}:
        return None
    if not word.isdigit() or not low <= int(word) <= high:
        raise SettingError(f"Give a whole number of {unit} from {low} to {high}, or `off`.")
    return int(word)


def configure(*, session: Session, workspace_id: str, retention_months: int | None,
              forget_deactivated_days: int | None) -> PrivacySettings:  # fmt: skip
    """Set both settings (None: off); SettingError out of range. The caller commits."""
    if retention_months is not None and not MIN_MONTHS <= retention_months <= MAX_MONTHS:
        raise SettingError(f"Keep texts from {MIN_MONTHS} to {MAX_MONTHS} months, or `off`.")
    if forget_deactivated_days is not None and not MIN_DAYS <= forget_deactivated_days <= MAX_DAYS:
        raise SettingError(f"Forget after {MIN_DAYS} to {MAX_DAYS} days, or `off`.")
    workspace = repos.ensure_workspace(session=session, workspace_id=workspace_id)
    workspace.retention_months = retention_months
    workspace.forget_deactivated_days = forget_deactivated_days
    session.add(workspace)
    return PrivacySettings(retention_months, forget_deactivated_days)


def cutoff(now: datetime, months: int) -> datetime:
    """`months` months before now (a month taken as 30 days: a little longer is kept)."""
    return now - timedelta(days=30 * months)


def purge_batch(*, session: Session, workspace_id: str, months: int, now: datetime,
                batch: int = BATCH) -> Counter[str]:  # fmt: skip
    """Empty up to `batch` rows of each kind older than the retention; what it emptied, by
    table (all zero: nothing left to do). The caller commits."""
    before = cutoff(now, months)
    done: Counter[str] = Counter()
    people = select(Person.id).where(Person.workspace_id == workspace_id)
    old = _ids(session, select(Reflection.id).where(
        Reflection.workspace_id == workspace_id, col(Reflection.submitted_at) < before,
        col(Reflection.answers) != EMPTY), batch)  # fmt: skip
    if old:
        session.execute(delete(ReflectionReply).where(col(ReflectionReply.reflection_id).in_(old)))
        session.execute(update(Reflection).where(col(Reflection.id).in_(old)).values(answers=EMPTY))
        done["reflection"] = len(old)
    replies = _ids(session, select(ReflectionReply.id).where(
        col(ReflectionReply.author_id).in_(people), col(ReflectionReply.created_at) < before
    ), batch)  # fmt: skip
    if replies:
        session.execute(delete(ReflectionReply).where(col(ReflectionReply.id).in_(replies)))
        done["reflectionreply"] = len(replies)
    about = select(FeedbackRequest.id).where(FeedbackRequest.workspace_id == workspace_id)
    answers = _ids(session, select(FeedbackAnswer.id).where(
        col(FeedbackAnswer.request_id).in_(about), col(FeedbackAnswer.given_on) < before.date(),
        or_(col(FeedbackAnswer.well).is_not(None), col(FeedbackAnswer.differently).is_not(None)),
    ), batch)  # fmt: skip
    if answers:
        session.execute(update(FeedbackAnswer).where(col(FeedbackAnswer.id).in_(answers))
                        .values(well=None, differently=None))  # fmt: skip
        done["feedbackanswer"] = len(answers)
    notes = _ids(session, select(OneOnOne.id).where(
        col(OneOnOne.agent_id).in_(people), col(OneOnOne.held_at) < before,
        col(OneOnOne.notes) != ""), batch)  # fmt: skip
    if notes:
        session.execute(update(OneOnOne).where(col(OneOnOne.id).in_(notes)).values(notes=""))
        done["oneonone"] = len(notes)
    sent = _ids(session, select(Outbox.id).where(
        Outbox.workspace_id == workspace_id, col(Outbox.created_at) < before,
        col(Outbox.payload) != EMPTY), batch)  # fmt: skip
    if sent:  # a message still waiting after that long is never worth sending
        session.execute(update(Outbox).where(col(Outbox.id).in_(sent)).values(payload=EMPTY))
        session.execute(update(Outbox).where(
            col(Outbox.id).in_(sent), col(Outbox.status).not_in(_FINISHED),
        ).values(status=OutboxStatus.MISSED.value, last_error="past the retention"))  # fmt: skip
        done["outbox"] = len(sent)
    return done


def _ids(session: Session, statement: Any, batch: int) -> list[int]:
    return [row_id for row_id in session.exec(statement.limit(batch)) if row_id is not None]


_FINISHED = (OutboxStatus.SENT.value, OutboxStatus.FAILED.value, OutboxStatus.MISSED.value)


def deactivated_due(*, session: Session, workspace_id: str, days: int, now: datetime,
                    batch: int = 20) -> list[str]:  # fmt: skip
    """Slack ids of people deactivated in Slack at least `days` days ago, not yet forgotten."""
    return list(session.exec(
        select(Person.slack_user_id).where(
            Person.workspace_id == workspace_id, col(Person.forgotten_at).is_(None),
            col(Person.deactivated_at) <= now - timedelta(days=days),
        ).limit(batch)
    ))  # fmt: skip


def forget_deactivated(*, session: Session, workspace_id: str, days: int, now: datetime
                       ) -> list[forget.ForgetReport]:  # fmt: skip
    """Forget those deactivated_due finds. The caller commits."""
    due = deactivated_due(session=session, workspace_id=workspace_id, days=days, now=now)
    return [
        forget.forget(session=session, workspace_id=workspace_id, slack_user_id=user, now=now)
        for user in due
    ]
