"""A feedback request's life after it is asked: reminders, expiry, cancelling, and what each
person sees of it (their requests' status, what waits for them, what they received)."""

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import String, cast, literal
from sqlmodel import Session, col, select

from bot.services.feedback import (
    ASK,
    CLOSED,
    REMIND_AFTER,
    REMINDER,
    FeedbackError,
    claim,
)
from bot.store.models import (
    AskStatus,
    FeedbackAnswer,
    FeedbackAsk,
    FeedbackRequest,
    Outbox,
    OutboxStatus,
    Person,
    RequestState,
)

RECENT = timedelta(days=30)


@dataclass(frozen=True)
class RequestStatus:
    """One of my requests as I may see it: names only where the reviewers were named to me."""

    request: FeedbackRequest
    subject: str  # Slack user ID
    answered: tuple[str, ...]  # named answers
    declined: tuple[str, ...]
    pending: tuple[str, ...]
    anonymous_waiting: int  # anonymous answers not yet shared (fewer than three so far)
    anonymous_shared: int


@dataclass(frozen=True)
class Waiting:
    """An ask waiting for me."""

    ask_id: int
    request: FeedbackRequest
    subject: str
    asked_by: str


@dataclass(frozen=True)
class Received:
    """An answer that was shared with me."""

    request: FeedbackRequest
    subject: str
    giver: str | None  # None: anonymous
    well: str | None
    differently: str | None
    ratings: dict[str, int]
    shared_at: datetime


def _digest(answer: FeedbackAnswer) -> str:
    return hashlib.sha256(f"{answer.well}|{answer.differently}".encode()).hexdigest()


def _slack_ids(session: Session, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    rows = session.exec(select(Person.id, Person.slack_user_id).where(col(Person.id).in_(ids)))
    return {pid: slack for pid, slack in rows.all() if pid is not None}


def cancel(*, session: Session, request_id: int, by: Person, now: datetime) -> list[Outbox]:
    """The asker withdraws a request; returns the sent "please answer" DMs of those who had not
    answered yet, to update them.
    The caller commits."""
    request = session.get(FeedbackRequest, request_id)
    if request is None or request.asked_by_id != by.id:
        raise FeedbackError("Only the person who asked can cancel a request.")
    if request.status != RequestState.OPEN or request.expires_at <= now:
        raise FeedbackError("This request is already closed.")
    request.status = RequestState.CANCELLED
    session.add(request)
    asks = session.exec(
        select(FeedbackAsk).where(
            FeedbackAsk.request_id == request_id, FeedbackAsk.status == AskStatus.PENDING
        )
    ).all()  # those who answered or declined need no note
    for entry in asks:
        entry.status = AskStatus.CANCELLED
        session.add(entry)
    keys = [f"{ASK}:{entry.id}" for entry in asks] + [f"{REMINDER}:{entry.id}" for entry in asks]
    rows = session.exec(select(Outbox).where(col(Outbox.key).in_(keys))).all()
    for row in rows:
        if row.status == OutboxStatus.PENDING.value:  # not sent yet: never send it
            row.status, row.last_error = OutboxStatus.MISSED.value, "request cancelled"
            session.add(row)
    return [row for row in rows if row.status == OutboxStatus.SENT.value]


def claim_reminders(*, session: Session, now: datetime) -> int:
    """One reminder per ask still pending a day after its DM went out. The caller commits."""
    rows = session.exec(
        select(FeedbackAsk, FeedbackRequest, Person, Outbox)
        .join(FeedbackRequest, col(FeedbackRequest.id) == FeedbackAsk.request_id)
        .join(Person, col(Person.id) == FeedbackAsk.reviewer_id)
        .join(Outbox, col(Outbox.key) == literal(f"{ASK}:") + cast(FeedbackAsk.id, String))
        .where(
            FeedbackAsk.status == AskStatus.PENDING,
            FeedbackRequest.status == RequestState.OPEN,
            col(FeedbackRequest.expires_at) > now,
            Outbox.status == OutboxStatus.SENT.value,
            col(Outbox.sent_at) <= now - REMIND_AFTER,
        )
    ).all()
    claimed = 0
    for entry, request, reviewer, sent in rows:
        payload: dict[str, Any] = json.loads(sent.payload)
        payload |= {"reminder": True, "kind": request.kind}
        key = f"{REMINDER}:{entry.id}"
        claimed += len(claim(session, key, REMINDER, reviewer, payload, now, now))
    return claimed


def expire(*, session: Session, now: datetime) -> int:
    """Close the requests past their expiry; tell each asker how it went. The caller commits."""
    due = session.exec(
        select(FeedbackRequest).where(
            FeedbackRequest.status == RequestState.OPEN, col(FeedbackRequest.expires_at) <= now
        )
    ).all()
    for request in due:
        request.status = RequestState.CLOSED
        session.add(request)
        status = status_of(session, request)
        for entry in session.exec(
            select(FeedbackAsk).where(
                FeedbackAsk.request_id == request.id, FeedbackAsk.status == AskStatus.PENDING
            )
        ).all():
            entry.status = AskStatus.EXPIRED
            session.add(entry)
        asker = session.get(Person, request.asked_by_id)
        if asker is None or request.kind == "round":
            continue
        payload = {
            "subject": status.subject,
            "topic": request.topic,
            "asked": request.asked,
            "answered": len(status.answered) + status.anonymous_shared,
            "declined": len(status.declined),
            "unanswered": len(status.pending),  # a count: names would point at anonymous givers
            "withheld": status.anonymous_waiting,
        }
        claim(session, f"{CLOSED}:{request.id}", CLOSED, asker, payload, now, now)
    return len(due)


def status_of(session: Session, request: FeedbackRequest) -> RequestStatus:
    """Where one request stands."""
    asks = session.exec(select(FeedbackAsk).where(FeedbackAsk.request_id == request.id)).all()
    answers = session.exec(
        select(FeedbackAnswer).where(FeedbackAnswer.request_id == request.id)
    ).all()
    names = _slack_ids(session, {a.reviewer_id for a in asks} | {request.subject_id})

    def named(state: str) -> tuple[str, ...]:
        if request.kind == "round":  # a round's reviewers are not named to the agent
            return ()
        return tuple(names[a.reviewer_id] for a in asks if a.status == state)

    anonymous = [a for a in answers if a.anonymous]
    return RequestStatus(
        request=request,
        subject=names[request.subject_id],
        answered=named(AskStatus.ANSWERED),
        declined=named(AskStatus.DECLINED),
        pending=named(AskStatus.PENDING),
        anonymous_waiting=sum(1 for a in anonymous if a.shared_at is None),
        anonymous_shared=sum(1 for a in anonymous if a.shared_at is not None),
    )


def my_requests(*, session: Session, person: Person, now: datetime) -> list[RequestStatus]:
    """Requests I asked (open, or closed in the last 30 days), newest first."""
    requests = session.exec(
        select(FeedbackRequest)
        .where(
            FeedbackRequest.asked_by_id == person.id,
            FeedbackRequest.kind != "round",
            col(FeedbackRequest.created_at) >= now - RECENT,
        )
        .order_by(col(FeedbackRequest.created_at).desc())
    ).all()
    return [status_of(session, request) for request in requests]


def waiting_for(*, session: Session, person: Person, now: datetime) -> list[Waiting]:
    """Asks I have not answered yet, oldest first."""
    rows = session.exec(
        select(FeedbackAsk, FeedbackRequest)
        .join(FeedbackRequest, col(FeedbackRequest.id) == FeedbackAsk.request_id)
        .where(
            FeedbackAsk.reviewer_id == person.id,
            FeedbackAsk.status == AskStatus.PENDING,
            FeedbackRequest.status == RequestState.OPEN,
            col(FeedbackRequest.expires_at) > now,
        )
        .order_by(col(FeedbackAsk.created_at))
    ).all()
    names = _slack_ids(session, {r.subject_id for _, r in rows} | {r.asked_by_id for _, r in rows})
    return [
        Waiting(entry.id or 0, request, names[request.subject_id], names[request.asked_by_id])
        for entry, request in rows
    ]


def received_counts(
    *, session: Session, person_ids: list[int], start: datetime, end: datetime
) -> dict[int, int]:
    """How many answers were shared with each of these people in [start, end) — the rule of
    `received`, counted for many people in two queries (the weekly summaries)."""
    requests = session.exec(
        select(FeedbackRequest).where(
            col(FeedbackRequest.asked_by_id).in_(person_ids)
            | col(FeedbackRequest.subject_id).in_(person_ids)
        )
    ).all()
    owners: dict[int, set[int]] = {}
    for r in requests:
        mine = owners.setdefault(r.id or 0, set())
        if r.kind == "round" or (r.kind == "360" and r.share_with_subject):
            mine.add(r.subject_id)
        if r.kind != "round" and r.asked_by_id is not None:
            mine.add(r.asked_by_id)
    counts: dict[int, int] = {}
    if not owners:
        return counts
    for (request_id,) in session.execute(
        select(col(FeedbackAnswer.request_id)).where(
            col(FeedbackAnswer.request_id).in_(list(owners)),
            col(FeedbackAnswer.shared_at) >= start,
            col(FeedbackAnswer.shared_at) < end,
        )
    ).all():
        for person in owners[request_id]:
            counts[person] = counts.get(person, 0) + 1
    return counts


def received(*, session: Session, person: Person, limit: int = 5) -> list[Received]:
    """The answers shared with me, latest first."""
    requests = session.exec(
        select(FeedbackRequest).where(
            (col(FeedbackRequest.asked_by_id) == person.id)
            | (col(FeedbackRequest.subject_id) == person.id)
        )
    ).all()
    mine = {
        r.id: r
        for r in requests
        if (r.kind == "round" and r.subject_id == person.id)
        or (r.kind != "round" and r.asked_by_id == person.id)
        or (r.kind == "360" and r.share_with_subject and r.subject_id == person.id)
    }
    if not mine:
        return []
    shared = session.exec(
        select(FeedbackAnswer).where(
            col(FeedbackAnswer.request_id).in_(list(mine)),
            col(FeedbackAnswer.shared_at).is_not(None),
        )
    ).all()
    # Latest first; inside one batch by a digest of the text, never by arrival (the row id).
    answers = sorted(shared, key=lambda a: (a.shared_at, _digest(a)), reverse=True)[:limit]
    names = _slack_ids(
        session,
        {a.giver_id for a in answers if a.giver_id} | {r.subject_id for r in mine.values()},
    )
    return [
        Received(
            request=mine[a.request_id],
            subject=names[mine[a.request_id].subject_id],
            giver=names.get(a.giver_id) if a.giver_id else None,
            well=a.well,
            differently=a.differently,
            ratings=json.loads(a.ratings),
            shared_at=a.shared_at or mine[a.request_id].created_at,
        )
        for a in answers
    ]
