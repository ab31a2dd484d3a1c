"""A person's own data (docs/PRIVACY.md): everything CX Coach keeps about them, as a ZIP of one
JSON file and one CSV per section. Anonymous feedback about them comes as it was delivered —
batches, shuffled, with no giver, date or id that could point at who wrote it; anonymous
feedback they gave cannot be found (nothing ties it to them), so it is not in it."""

import csv
import io
import json
import random
import zipfile
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import update
from sqlmodel import Session, col, or_, select

from bot.services import metrics, people, rollups
from bot.services.csv_cells import defuse
from bot.services.periods import Period
from bot.store import repos
from bot.store.models import (
    ActionItem,
    FeedbackAnswer,
    FeedbackRequest,
    HelpdeskTicket,
    Kudos,
    KudosRecipient,
    OneOnOne,
    Person,
    Reflection,
    ReflectionReply,
    SurveyResponse,
)

Rows = list[dict[str, Any]]
FORMER_COLLEAGUE = "a former colleague"


def _who(session: Session, person_id: int | None) -> str | None:
    if person_id is None:
        return None
    person = session.get(Person, person_id)
    if person is None or people.is_former(person.slack_user_id):
        return FORMER_COLLEAGUE
    return person.slack_user_id


def sections(*, session: Session, person: Person, now: datetime) -> dict[str, Rows]:
    """Every section of the person's export, by name."""
    pid = person.id
    assert pid is not None
    teams = repos.teams_of(session=session, workspace_id=person.workspace_id, person_id=pid)
    return {
        "profile": [{
            "slack_user_id": person.slack_user_id, "real_name": person.real_name,
            "display_name": person.display_name, "timezone": person.timezone,
            "teams": ", ".join(f"{team.name} ({role})" for team, role in teams),
            "leaderboard_opt_out": person.leaderboard_opt_out,
            "milestones_opt_out": person.milestones_opt_out,
            "summary_opt_out": person.summary_opt_out, "since": person.created_at,
        }],
        "shifts_and_time_away": [{
            "timezone_override": person.timezone_override, "shift_days": person.shift_days,
            "shift_end": person.shift_end, "away_until": person.away_until,
            "slack_status": person.slack_away_status,
            "slack_status_until": person.slack_away_until,
        }],
        "reflections": [
            {"shift_date": r.shift_date, "status": r.status, "confidence": r.confidence,
             **{f"answer_{key}": value for key, value in json.loads(r.answers or "{}").items()},
             "submitted_at": r.submitted_at, "updated_at": r.updated_at}
            for r in session.exec(select(Reflection).where(Reflection.person_id == pid)
                                  .order_by(col(Reflection.shift_date))).all()
        ],
        "replies": _replies(session, pid),
        "action_items": [
            {"text": i.text, "due": i.due_date, "status": i.status,
             "assigned_by": _who(session, i.assigned_by_id), "created_at": i.created_at,
             "done_at": i.done_at}
            for i in session.exec(select(ActionItem).where(ActionItem.person_id == pid)
                                  .order_by(col(ActionItem.created_at))).all()
        ],
        "one_on_ones": [
            {"held_at": o.held_at, "lead": _who(session, o.lead_id), "notes": o.notes}
            for o in session.exec(select(OneOnOne).where(OneOnOne.agent_id == pid)).all()
        ],
        "feedback_received": _received(session, pid),
        "feedback_given": _given(session, pid),
        "kudos_received": _kudos_received(session, pid),
        "kudos_given": [
            {"to": ", ".join(filter(None, (_who(session, r.person_id) for r in session.exec(
                select(KudosRecipient).where(KudosRecipient.kudos_id == k.id)).all()))),
             "reason": k.reason, "value": k.value, "given_on": k.given_on}
            for k in session.exec(select(Kudos).where(Kudos.giver_id == pid)).all()
        ],
        "kpis_by_month": _kpis(session, person, now),
    }  # fmt: skip


def _replies(session: Session, pid: int) -> Rows:
    rows = session.exec(
        select(ReflectionReply, Reflection)
        .join(Reflection, col(Reflection.id) == ReflectionReply.reflection_id)
        .where(or_(col(Reflection.person_id) == pid, col(ReflectionReply.author_id) == pid))
        .order_by(col(ReflectionReply.created_at))
    ).all()
    return [
        {"on_reflection_of": _who(session, reflection.person_id),
         "shift_date": reflection.shift_date, "from": _who(session, reply.author_id),
         "text": reply.text, "at": reply.created_at}
        for reply, reflection in rows
    ]  # fmt: skip


def _received(session: Session, pid: int) -> Rows:
    """Named answers as they are; anonymous ones as delivered: shared only, shuffled, with
    neither giver nor date. A 360 the lead did not share counts its answers, nothing more."""
    found: Rows = []
    shuffler = random.SystemRandom()
    for request in session.exec(
        select(FeedbackRequest).where(FeedbackRequest.subject_id == pid)
        .order_by(col(FeedbackRequest.created_at))
    ).all():  # fmt: skip
        answers = session.exec(
            select(FeedbackAnswer).where(FeedbackAnswer.request_id == request.id)
        ).all()
        about = {"request": request.kind, "topic": request.topic,
                 "asked_on": request.created_at.date()}  # fmt: skip
        if request.kind == "360" and not request.share_with_subject:
            if answers:
                found.append({**about, "from": f"{len(answers)} answers kept for your lead"})
            continue
        for a in answers:
            if not a.anonymous:
                found.append({**about, "from": _who(session, a.giver_id), "well": a.well,
                              "differently": a.differently, "ratings": a.ratings,
                              "given_on": a.given_on})  # fmt: skip
        shared = [a for a in answers if a.anonymous and a.shared_at is not None]
        shuffler.shuffle(shared)
        found += [{**about, "from": "anonymous", "well": a.well, "differently": a.differently,
                   "ratings": a.ratings} for a in shared]  # fmt: skip
    return found


def _given(session: Session, pid: int) -> Rows:
    rows = session.exec(
        select(FeedbackAnswer, FeedbackRequest)
        .join(FeedbackRequest, col(FeedbackRequest.id) == FeedbackAnswer.request_id)
        .where(FeedbackAnswer.giver_id == pid)
    ).all()
    return [
        {"about": _who(session, request.subject_id), "topic": request.topic, "well": a.well,
         "differently": a.differently, "ratings": a.ratings, "given_on": a.given_on}
        for a, request in rows
    ]  # fmt: skip


def _kudos_received(session: Session, pid: int) -> Rows:
    rows = session.exec(
        select(Kudos)
        .join(KudosRecipient, col(KudosRecipient.kudos_id) == Kudos.id)
        .where(KudosRecipient.person_id == pid)
        .order_by(col(Kudos.created_at))
    ).all()
    return [
        {"from": _who(session, k.giver_id), "reason": k.reason or None, "value": k.value,
         "given_on": k.given_on}
        for k in rows
    ]  # fmt: skip


def _kpis(session: Session, person: Person, now: datetime) -> Rows:
    """Their own helpdesk figures, month by month since their first ticket or rating."""
    pid = person.id
    assert pid is not None
    firsts = [
        session.exec(select(HelpdeskTicket.created_at).where(HelpdeskTicket.person_id == pid)
                     .order_by(col(HelpdeskTicket.created_at)).limit(1)).first(),
        session.exec(select(SurveyResponse.submitted_at).where(SurveyResponse.person_id == pid)
                     .order_by(col(SurveyResponse.submitted_at)).limit(1)).first(),
    ]  # fmt: skip
    known = [moment for moment in firsts if moment is not None]
    if not known:
        return []
    subject = metrics.agent_subject(session=session, workspace_id=person.workspace_id,
                                    slack_user_id=person.slack_user_id)  # fmt: skip
    rows: Rows = []
    for first in _months(min(known).astimezone(UTC).date(), now.date()):
        last = rollups.next_month(first) - timedelta(days=1)
        period = Period(first, last, subject.zone, f"{first:%Y-%m}")
        figures = metrics.figures(session=session, subject=subject, period=period)
        rows.append({"month": period.label, **figures.__dict__})
    return rows


def _months(first: date, last: date) -> Iterator[date]:
    month = first.replace(day=1)
    while month <= last:
        yield month
        month = rollups.next_month(month)


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime | date):
        return value.isoformat()
    return defuse(str(value))


def to_zip(found: dict[str, Rows], *, person_label: str, now: datetime) -> bytes:
    """The export as a ZIP: cx-coach-data.json (everything) and one CSV per section."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("cx-coach-data.json", json.dumps(
            {"person": person_label, "exported_at": now.isoformat(), **found},
            default=_cell, indent=2, ensure_ascii=False))  # fmt: skip
        for name, rows in found.items():
            columns: list[str] = []
            for row in rows:
                columns += [key for key in row if key not in columns]
            out = io.StringIO()
            writer = csv.writer(out)
            writer.writerow(columns)
            writer.writerows([[_cell(row.get(key)) for key in columns] for row in rows])
            archive.writestr(f"{name}.csv", out.getvalue())
    return buffer.getvalue()


# A second "Export my data" this soon after one began is the same request (a double click, a
# click again while the first ZIP is on its way): it sends nothing more.
AGAIN_AFTER = timedelta(minutes=1)


def claim(*, session: Session, person_id: int, now: datetime) -> bool:
    """Whether this request sends the person's export: not when one began within AGAIN_AFTER.
    A conditional UPDATE, so of two at once (two web replicas) one wins."""
    began = col(Person.export_started_at)
    won = session.execute(
        update(Person)
        .where(col(Person.id) == person_id, or_(began.is_(None), began <= now - AGAIN_AFTER))
        .values(export_started_at=now)
    )
    return bool(won.rowcount)  # type: ignore[attr-defined]


def release(*, session: Session, person_id: int, began: datetime) -> None:
    """The export that began at `began` did not reach Slack: the person may ask again at once."""
    session.execute(
        update(Person)
        .where(col(Person.id) == person_id, col(Person.export_started_at) == began)
        .values(export_started_at=None)
    )
