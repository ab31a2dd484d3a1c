"""A workspace uninstalling CX Coach (issue 19): every send to it stops at once (what was waiting
is cancelled, saying why), and after the grace period everything kept about it is deleted —
unless it installs CX Coach again first."""

from collections import Counter
from datetime import datetime, timedelta

from sqlalchemy import Executable, delete, update
from sqlmodel import Session, SQLModel, col, select

from bot.store import repos
from bot.store.models import (
    ActionItem,
    FeedbackAnswer,
    FeedbackAsk,
    FeedbackRequest,
    FeedbackRound,
    HelpdeskAgent,
    HelpdeskSync,
    HelpdeskTicket,
    KpiRollup,
    Kudos,
    KudosRecipient,
    Membership,
    Milestone,
    OneOnOne,
    Outbox,
    OutboxStatus,
    Person,
    Reflection,
    ReflectionRead,
    ReflectionReply,
    SlackBots,
    SlackInstallations,
    SurveyAlert,
    SurveyResponse,
    Team,
    TeamHoliday,
    Workspace,
    WorkspacePace,
)

UNINSTALLED = "CX Coach was uninstalled from this workspace"
WAITING = (OutboxStatus.PENDING.value, OutboxStatus.SENDING.value)


def uninstall(*, session: Session, workspace_id: str, now: datetime) -> int:
    """Record the uninstall and cancel every send still waiting; how many were cancelled. The
    caller commits."""
    workspace = repos.ensure_workspace(session=session, workspace_id=workspace_id)
    workspace.uninstalled_at = workspace.uninstalled_at or now
    session.add(workspace)
    cancelled = session.execute(
        update(Outbox)
        .where(col(Outbox.workspace_id) == workspace_id, col(Outbox.status).in_(WAITING))
        .values(status=OutboxStatus.CANCELLED.value, last_error=UNINSTALLED, lease_until=None)
    )
    return int(getattr(cancelled, "rowcount", 0) or 0)


def reinstalled(*, session: Session, workspace_id: str) -> bool:
    """Clear a recorded uninstall (the app works in the workspace again); whether there was
    one. The caller commits."""
    workspace = session.get(Workspace, workspace_id)
    if workspace is None or workspace.uninstalled_at is None:
        return False
    workspace.uninstalled_at = None
    session.add(workspace)
    return True


def installed(session: Session) -> list[str]:
    """The workspaces CX Coach serves now (not uninstalled)."""
    return list(session.exec(
        select(Workspace.id).where(col(Workspace.uninstalled_at).is_(None))
    ).all())  # fmt: skip


def past_grace(session: Session, now: datetime, days: int) -> list[str]:
    """Workspaces uninstalled more than `days` days ago (and not installed again)."""
    return list(session.exec(select(Workspace.id).where(
        col(Workspace.uninstalled_at) <= now - timedelta(days=days))).all())  # fmt: skip


def purge(*, session: Session, workspace_id: str) -> Counter[str]:
    """Delete everything kept about an uninstalled workspace, table by table. The caller
    commits."""
    done: Counter[str] = Counter()

    def gone(table: str, statement: Executable) -> None:
        done[table] += int(getattr(session.execute(statement), "rowcount", 0) or 0)

    people = select(Person.id).where(Person.workspace_id == workspace_id)
    teams = select(Team.id).where(Team.workspace_id == workspace_id)
    requests = select(FeedbackRequest.id).where(FeedbackRequest.workspace_id == workspace_id)
    reflections = select(Reflection.id).where(Reflection.workspace_id == workspace_id)
    gone(
        "reflectionreply",
        delete(ReflectionReply).where(col(ReflectionReply.reflection_id).in_(reflections)),
    )
    gone("reflectionread", delete(ReflectionRead).where(col(ReflectionRead.reader_id).in_(people)))
    gone("oneonone", delete(OneOnOne).where(col(OneOnOne.agent_id).in_(people)))
    gone("kudosrecipient", delete(KudosRecipient).where(col(KudosRecipient.person_id).in_(people)))
    gone("surveyalert", delete(SurveyAlert).where(col(SurveyAlert.recipient_id).in_(people)))
    gone("kpirollup", delete(KpiRollup).where(col(KpiRollup.person_id).in_(people)))
    gone(
        "feedbackanswer", delete(FeedbackAnswer).where(col(FeedbackAnswer.request_id).in_(requests))
    )
    gone("feedbackask", delete(FeedbackAsk).where(col(FeedbackAsk.request_id).in_(requests)))
    gone("membership", delete(Membership).where(col(Membership.team_id).in_(teams)))
    gone("teamholiday", delete(TeamHoliday).where(col(TeamHoliday.team_id).in_(teams)))
    for model in (Outbox, Milestone, ActionItem, Reflection, HelpdeskTicket, SurveyResponse,
                  HelpdeskAgent, HelpdeskSync, FeedbackRequest, FeedbackRound, Kudos, Team,
                  Person, WorkspacePace):  # fmt: skip
        table = SQLModel.metadata.tables[str(model.__tablename__)]
        gone(table.name, delete(table).where(table.c.workspace_id == workspace_id))
    for table in (SlackBots, SlackInstallations):
        gone(
            table.name,
            delete(table).where(
                (table.c.team_id == workspace_id) | (table.c.enterprise_id == workspace_id)
            ),
        )
    gone("workspace", delete(Workspace).where(col(Workspace.id) == workspace_id))
    return done
