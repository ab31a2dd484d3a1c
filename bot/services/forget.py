"""Forgetting a person (docs/PRIVACY.md): what they wrote and what was written about them goes;
their Slack id and names become a pseudonym wherever a row must stay for others (their tickets
and ratings keep the team's figures right, a kudos they gave stays counted for its receiver as
"from a former colleague"). The caller commits, then makes the database let go of the deleted
bytes (bot.store.scrub)."""

import json
import secrets
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Executable, delete, func, update
from sqlmodel import Session, col, or_, select

from bot.services.people import FORMER
from bot.store.models import (
    ActionItem,
    FeedbackAnswer,
    FeedbackAsk,
    FeedbackRequest,
    HelpdeskAgent,
    HelpdeskTicket,
    Kudos,
    KudosRecipient,
    Membership,
    Milestone,
    OneOnOne,
    Outbox,
    Person,
    Reflection,
    ReflectionRead,
    ReflectionReply,
    SurveyAlert,
    SurveyResponse,
    TeamRole,
)

REMOVED = "(removed)"


class ForgetError(ValueError):
    """Nobody to forget; the message says why."""


@dataclass
class ForgetReport:
    """What forgetting someone removed and changed, table by table."""

    pseudonym: str
    removed: Counter[str] = field(default_factory=Counter)
    changed: Counter[str] = field(default_factory=Counter)

    def lines(self) -> list[str]:
        out = [f"{table}: {n:,} removed" for table, n in sorted(self.removed.items()) if n]
        out += [f"{table}: {n:,} kept under the pseudonym or emptied"
                for table, n in sorted(self.changed.items()) if n]  # fmt: skip
        return out


def find(session: Session, workspace_id: str, slack_user_id: str) -> Person:
    """The person, locked until the caller commits: a second forget of them waits, then finds
    only the pseudonym (Postgres; SQLite's writers take turns already)."""
    person = session.exec(
        select(Person).where(Person.workspace_id == workspace_id,
                             Person.slack_user_id == slack_user_id).with_for_update()
    ).first()  # fmt: skip
    if person is None or person.id is None:
        raise ForgetError(f"Nobody known as {slack_user_id} in workspace {workspace_id}.")
    return person


def forget(*, session: Session, workspace_id: str, slack_user_id: str, now: datetime
           ) -> ForgetReport:  # fmt: skip
    """Forget the person; ForgetError if nobody has that id here. The caller commits."""
    person = find(session, workspace_id, slack_user_id)
    pid = person.id
    assert pid is not None
    report = ForgetReport(pseudonym=f"{FORMER}{secrets.token_hex(5)}")
    texts = _their_texts(session, person)
    removed, changed = report.removed, report.changed

    def gone(table: str, statement: Executable) -> None:
        removed[table] += _rows(session, statement)

    def kept(table: str, statement: Executable) -> None:
        changed[table] += _rows(session, statement)

    theirs = select(Reflection.id).where(Reflection.person_id == pid)
    gone("reflectionreply", delete(ReflectionReply).where(
        or_(col(ReflectionReply.author_id) == pid, col(ReflectionReply.reflection_id).in_(theirs))
    ))  # fmt: skip
    gone("reflectionread", delete(ReflectionRead).where(
        or_(col(ReflectionRead.reader_id) == pid, col(ReflectionRead.subject_id) == pid)
    ))  # fmt: skip
    gone("actionitem", delete(ActionItem).where(col(ActionItem.person_id) == pid))
    kept("actionitem", update(ActionItem).where(col(ActionItem.assigned_by_id) == pid)
         .values(assigned_by_id=None))  # fmt: skip
    gone("reflection", delete(Reflection).where(col(Reflection.person_id) == pid))
    gone("oneonone", delete(OneOnOne).where(col(OneOnOne.agent_id) == pid))
    about = select(FeedbackRequest.id).where(FeedbackRequest.subject_id == pid)
    gone("feedbackanswer", delete(FeedbackAnswer).where(
        or_(col(FeedbackAnswer.request_id).in_(about), col(FeedbackAnswer.giver_id) == pid)
    ))  # fmt: skip
    gone("feedbackask", delete(FeedbackAsk).where(
        or_(col(FeedbackAsk.request_id).in_(about), col(FeedbackAsk.reviewer_id) == pid)
    ))  # fmt: skip
    gone("feedbackrequest", delete(FeedbackRequest).where(col(FeedbackRequest.subject_id) == pid))
    received = list(session.exec(
        select(KudosRecipient.kudos_id).where(KudosRecipient.person_id == pid)))  # fmt: skip
    gone("kudosrecipient", delete(KudosRecipient).where(col(KudosRecipient.person_id) == pid))
    gone("kudos", delete(Kudos).where(  # thanked no one else
        col(Kudos.id).in_(received), col(Kudos.id).not_in(select(KudosRecipient.kudos_id))
    ))  # fmt: skip
    kept("kudos", update(Kudos).where(col(Kudos.giver_id) == pid).values(reason=""))
    gone("surveyalert", delete(SurveyAlert).where(col(SurveyAlert.recipient_id) == pid))
    names = _identifiers(session, person)
    gone("helpdeskagent", delete(HelpdeskAgent).where(
        col(HelpdeskAgent.workspace_id) == workspace_id,
        col(HelpdeskAgent.slack_user_id) == slack_user_id,
    ))  # fmt: skip
    kept("helpdeskticket", update(HelpdeskTicket).where(
        col(HelpdeskTicket.workspace_id) == workspace_id,
        or_(col(HelpdeskTicket.person_id) == pid, func.lower(HelpdeskTicket.agent).in_(names)),
    ).values(agent=report.pseudonym))  # fmt: skip
    kept("surveyresponse", update(SurveyResponse).where(
        col(SurveyResponse.workspace_id) == workspace_id,
        or_(col(SurveyResponse.person_id) == pid, func.lower(SurveyResponse.agent).in_(names)),
    ).values(agent=report.pseudonym, comment=None))  # fmt: skip
    gone("membership", delete(Membership).where(
        col(Membership.person_id) == pid, col(Membership.role) != TeamRole.AGENT.value
    ))  # fmt: skip
    _scrub_sends(session, person, report, texts)
    _pseudonymise(session, person, report.pseudonym, now)
    changed["person"] += 1
    return report


def _rows(session: Session, statement: Executable) -> int:
    """Run a DELETE or UPDATE; how many rows it touched."""
    return int(getattr(session.execute(statement), "rowcount", 0) or 0)


def _their_texts(session: Session, person: Person) -> set[str]:
    """Everything they wrote or was written about them that a copy (a sent message's payload)
    may hold, to find those copies."""
    pid = person.id
    found: set[str] = set()
    for (answers,) in session.execute(
        select(Reflection.answers).where(Reflection.person_id == pid)
    ):
        found.update(str(v) for v in json.loads(answers or "{}").values() if v)
    found.update(session.exec(select(ReflectionReply.text).where(
        ReflectionReply.author_id == pid)))  # fmt: skip
    found.update(session.exec(select(ActionItem.text).where(ActionItem.person_id == pid)))
    found.update(session.exec(select(OneOnOne.notes).where(OneOnOne.agent_id == pid)))
    for well, differently in session.execute(
        select(FeedbackAnswer.well, FeedbackAnswer.differently).where(or_(
            col(FeedbackAnswer.giver_id) == pid,
            col(FeedbackAnswer.request_id).in_(
                select(FeedbackRequest.id).where(FeedbackRequest.subject_id == pid)),
        ))
    ):  # fmt: skip
        found.update(t for t in (well, differently) if t)
    found.update(session.exec(select(Kudos.reason).where(Kudos.giver_id == pid)))
    found.update(session.exec(select(Kudos.reason).join(
        KudosRecipient, col(KudosRecipient.kudos_id) == Kudos.id
    ).where(KudosRecipient.person_id == pid)))  # fmt: skip
    found.update(session.exec(select(ReflectionReply.text).join(
        Reflection, col(Reflection.id) == ReflectionReply.reflection_id
    ).where(Reflection.person_id == pid)))  # fmt: skip
    found.update(c for c in session.exec(
        select(SurveyResponse.comment).where(SurveyResponse.person_id == pid)) if c)  # fmt: skip
    found.update(n for n in (person.real_name, person.display_name) if n)
    return {text for text in found if len(text.strip()) >= 3}


def _identifiers(session: Session, person: Person) -> list[str]:
    """How helpdesk rows may name them: their Slack id, names and mapped helpdesk agents."""
    mapped = session.exec(select(HelpdeskAgent.helpdesk_agent).where(
        HelpdeskAgent.workspace_id == person.workspace_id,
        HelpdeskAgent.slack_user_id == person.slack_user_id)).all()  # fmt: skip
    names = [person.slack_user_id, person.real_name, person.display_name, *mapped]
    return sorted({name.strip().lower() for name in names if name and name.strip()})


def _scrub_sends(session: Session, person: Person, report: ForgetReport, texts: set[str]) -> None:
    """Their own messages go; others that mention them or quote them keep their key (so nothing
    is sent twice) with the mention made a pseudonym and the quote removed."""
    sid, pid = person.slack_user_id, person.id
    report.removed["outbox"] += _rows(session, delete(Outbox).where(
        col(Outbox.workspace_id) == person.workspace_id,
        or_(col(Outbox.person_id) == pid, col(Outbox.channel) == sid),
    ))  # fmt: skip
    quoted = [json.dumps(text)[1:-1] for text in sorted(texts, key=len, reverse=True)]
    rows = session.exec(select(Outbox).where(Outbox.workspace_id == person.workspace_id)
                        .execution_options(yield_per=500))  # fmt: skip
    for row in rows:
        payload, key = (
            _scrubbed(row.payload, sid, report.pseudonym, quoted),
            row.key.replace(sid, report.pseudonym),
        )
        if (payload, key) != (row.payload, row.key):
            row.payload, row.key = payload, key
            session.add(row)
            report.changed["outbox"] += 1
    for milestone in session.exec(select(Milestone).where(
            Milestone.workspace_id == person.workspace_id)).all():  # fmt: skip
        if sid in milestone.payload:
            session.delete(milestone)
            report.removed["milestone"] += 1


def _scrubbed(payload: str, sid: str, pseudonym: str, quoted: list[str]) -> str:
    out = payload.replace(sid, pseudonym)
    for text in quoted:
        out = out.replace(text, REMOVED)
    return out


def _pseudonymise(session: Session, person: Person, pseudonym: str, now: datetime) -> None:
    person.slack_user_id = pseudonym
    person.display_name = person.real_name = person.timezone = None
    person.timezone_override = person.shift_days = person.shift_end = None
    person.away_until = person.slack_away_status = person.slack_away_until = None
    person.is_slack_admin = person.active = False
    person.leaderboard_opt_out = person.milestones_opt_out = person.summary_opt_out = False
    person.profile_refreshed_at = person.deactivated_at = None
    person.forgotten_at = now
    session.add(person)
