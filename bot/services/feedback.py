"""Peer feedback: requests (by an agent about themself, or a lead's 360), answers, anonymity.

Anonymity is structural, not a display option. An anonymous answer is stored without its giver,
with only the day it came; the ask that linked that reviewer to the request is deleted, and so
are the outbox rows of the DMs that asked and reminded them. Anonymous answers reach their
readers only in batches of at least ANONYMITY_MINIMUM (per request, or per round for scheduled
rounds), shuffled, so neither the text nor the timing tells who wrote which.

Every DM goes through the outbox (bot.delivery) with a unique key: claimed once, sent once.
"""

import json
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete
from sqlmodel import Session, col, select

from bot.services import outbox
from bot.services.payloads import OutboxKind
from bot.store import repos
from bot.store.models import (
    AskStatus,
    FeedbackAnswer,
    FeedbackAsk,
    FeedbackRequest,
    Outbox,
    Person,
    RequestState,
)

ANONYMITY_MINIMUM = 3
MAX_PEOPLE = 5
MAX_TOPIC = 300
REMIND_AFTER = timedelta(hours=24)
SKILLS = ("empathy", "product knowledge", "communication", "problem solving")
ASK, REMINDER = OutboxKind.FEEDBACK_ASK, OutboxKind.FEEDBACK_REMINDER
RECEIVED, BATCH = OutboxKind.FEEDBACK_RECEIVED, OutboxKind.FEEDBACK_BATCH
CLOSED, SUGGESTION = OutboxKind.FEEDBACK_CLOSED, OutboxKind.SUGGESTION
STARTED = OutboxKind.FEEDBACK_STARTED  # the subject of a 360 hears it began (team setting)


class FeedbackError(ValueError):
    """Something the user asked for that cannot be done; the message says why."""


@dataclass(frozen=True)
class Answer:
    """What a reviewer wrote."""

    well: str | None
    differently: str | None
    ratings: dict[str, int] = field(default_factory=dict)
    anonymous: bool = False


def expiry_days(session: Session, subject: Person) -> int:
    """The subject's (first) team's setting, else 7 days."""
    assert subject.id is not None
    teams = repos.teams_of(session=session, workspace_id=subject.workspace_id, person_id=subject.id)
    return teams[0][0].feedback_expiry_days if teams else 7


def check_names(*, asker: str, subject: str, reviewers: Sequence[str]) -> tuple[str, ...]:
    """The rules of asking, on Slack user ids (checked before anyone is looked up, and again by
    `ask`): at least one colleague, at most MAX_PEOPLE, nobody about themself. The reviewers,
    once each, in order; FeedbackError naming what is wrong."""
    unique = tuple(dict.fromkeys(reviewers))
    if not unique:
        raise FeedbackError("Name at least one colleague to ask.")
    if len(unique) > MAX_PEOPLE:
        raise FeedbackError(
            f"You can ask at most {MAX_PEOPLE} people at a time; you named {len(unique)}."
        )
    if subject in unique:
        raise FeedbackError(
            "You can't ask yourself for feedback."
            if subject == asker
            else f"<@{subject}> can't review themself."
        )
    return unique


def ask(
    *,
    session: Session,
    asked_by: Person,
    subject: Person,
    reviewers: Sequence[Person],
    topic: str | None,
    now: datetime,
    kind: str = "request",
    round_id: int | None = None,
    share: bool = False,
    due: dict[int, datetime] | None = None,
    expires: datetime | None = None,
) -> tuple[FeedbackRequest, list[int]]:
    """Create a request and claim one "please give feedback" DM per reviewer; the request and
    the outbox ids to deliver. The caller commits."""
    check_names(asker=asked_by.slack_user_id, subject=subject.slack_user_id,
                reviewers=[r.slack_user_id for r in reviewers])  # fmt: skip
    if topic and len(topic) > MAX_TOPIC:
        raise FeedbackError(f"Keep what you'd like feedback on under {MAX_TOPIC} characters.")
    assert subject.id is not None
    assert asked_by.id is not None
    if kind != "round":  # the same ask sent twice (a repeated command) asks nobody twice
        waiting = _still_asked(session, asked_by, subject, reviewers)
        reviewers = [r for r in reviewers if r.id not in waiting]
        if not reviewers:
            raise FeedbackError(
                "You already asked "
                + ", ".join(sorted(f"<@{r}>" for r in waiting.values()))
                + " and they haven't answered yet. See `/cx-feedback status`."
            )
    request = FeedbackRequest(
        workspace_id=subject.workspace_id,
        subject_id=subject.id,
        asked_by_id=asked_by.id,
        kind=kind,
        round_id=round_id,
        topic=topic or None,
        share_with_subject=share,
        asked=len(reviewers),
        created_at=now,
        expires_at=expires or now + timedelta(days=expiry_days(session, subject)),
    )
    session.add(request)
    session.flush()
    outbox_ids = []
    for reviewer in {r.id: r for r in reviewers}.values():
        assert reviewer.id is not None
        entry = FeedbackAsk(request_id=request.id or 0, reviewer_id=reviewer.id, created_at=now)
        session.add(entry)
        session.flush()
        payload = _ask_payload(request, subject, asked_by, entry)
        when = (due or {}).get(reviewer.id, now)
        outbox_ids += claim(session, f"{ASK}:{entry.id}", ASK, reviewer, payload, when, now)
    if kind == "360" and _announces(session, subject):
        told = {"lead": asked_by.slack_user_id, "asked": request.asked, "topic": topic,
                "shared": share, "until": request.expires_at.isoformat()}  # fmt: skip
        outbox_ids += claim(session, f"{STARTED}:{request.id}", STARTED, subject, told, now, now)
    return request, outbox_ids


def _announces(session: Session, subject: Person) -> bool:
    """Whether the subject's (first) team tells agents when a 360 about them starts."""
    assert subject.id is not None
    teams = repos.teams_of(session=session, workspace_id=subject.workspace_id, person_id=subject.id)
    return teams[0][0].announce_360 if teams else True


def _still_asked(
    session: Session, asked_by: Person, subject: Person, reviewers: Sequence[Person]
) -> dict[int, str]:
    """Reviewers (id → Slack id) with a pending ask on an open request from the same asker
    about the same person."""
    ids = [r.id for r in reviewers if r.id is not None]
    pending = session.exec(
        select(FeedbackAsk.reviewer_id)
        .join(FeedbackRequest, col(FeedbackRequest.id) == FeedbackAsk.request_id)
        .where(
            FeedbackRequest.asked_by_id == asked_by.id,
            FeedbackRequest.subject_id == subject.id,
            FeedbackRequest.status == RequestState.OPEN,
            FeedbackAsk.status == AskStatus.PENDING,
            col(FeedbackAsk.reviewer_id).in_(ids),
        )
    ).all()
    return {r.id: r.slack_user_id for r in reviewers if r.id in set(pending) and r.id}


def _ask_payload(
    request: FeedbackRequest, subject: Person, asked_by: Person, entry: FeedbackAsk
) -> dict[str, Any]:
    return {
        "ask": entry.id,
        "kind": request.kind,
        "subject": subject.slack_user_id,
        "asked_by": asked_by.slack_user_id,
        "topic": request.topic,
        "expires": request.expires_at.date().isoformat(),
    }


def open_ask(session: Session, ask_id: int, reviewer: Person, now: datetime) -> FeedbackAsk:
    """The reviewer's pending ask, or FeedbackError saying why it cannot be answered."""
    entry = session.get(FeedbackAsk, ask_id)
    if entry is None or entry.reviewer_id != reviewer.id:
        raise FeedbackError("This request has been answered or is no longer open.")
    request = session.get(FeedbackRequest, entry.request_id)
    if request is None or request.status == RequestState.CANCELLED:
        raise FeedbackError("This request was cancelled; no answer is needed.")
    if request.status == RequestState.CLOSED or request.expires_at <= now:
        raise FeedbackError("This request has expired; answers are no longer collected.")
    if entry.status != AskStatus.PENDING:
        raise FeedbackError(f"You have already {entry.status} this request.")
    return entry


def decline(*, session: Session, ask_id: int, reviewer: Person, now: datetime) -> None:
    """The reviewer says no; the asker sees it in their status. The caller commits."""
    entry = open_ask(session, ask_id, reviewer, now)
    entry.status = AskStatus.DECLINED
    session.add(entry)


def answer(
    *, session: Session, ask_id: int, reviewer: Person, given: Answer, now: datetime
) -> list[int]:
    """Save an answer; return the outbox ids to deliver now. Named answers go to their readers
    at once; anonymous ones wait for a batch. The caller commits."""
    entry = open_ask(session, ask_id, reviewer, now)
    request = session.get(FeedbackRequest, entry.request_id)
    assert request is not None
    assert request.id is not None
    if not (given.well or given.differently):
        raise FeedbackError("Write at least one of the two answers.")
    row = FeedbackAnswer(
        id=_unordered_id(session),
        request_id=request.id,
        well=given.well or None,
        differently=given.differently or None,
        ratings=json.dumps(given.ratings),
        given_on=now.date(),
        anonymous=given.anonymous,
    )
    if not given.anonymous:
        entry.status = AskStatus.ANSWERED
        row.giver_id, row.shared_at = reviewer.id, now
        session.add_all([entry, row])
        session.flush()
        return _share_named(session, request, row, reviewer, now)
    keys = [f"{ASK}:{entry.id}", f"{REMINDER}:{entry.id}"]
    session.execute(delete(Outbox).where(col(Outbox.key).in_(keys)))
    gone = session.execute(
        delete(FeedbackAsk).where(
            col(FeedbackAsk.id) == entry.id, col(FeedbackAsk.status) == AskStatus.PENDING
        )
    )
    if not gone.rowcount:  # type: ignore[attr-defined]
        raise FeedbackError("You have already answered this request.")
    session.expunge(entry)
    session.add(row)
    session.flush()
    return release(session=session, request=request, now=now)


def _unordered_id(session: Session) -> int:
    """A random free id: answers' ids say nothing about which came first, so an anonymous one
    cannot be placed between named ones (docs/PRIVACY.md)."""
    while True:
        candidate = random.SystemRandom().randrange(1, 2**31 - 1)
        if session.get(FeedbackAnswer, candidate) is None:
            return candidate


def readers(session: Session, request: FeedbackRequest) -> list[Person]:
    """Who reads the answers: the asker; for a shared 360 the agent too; for a round the agent."""
    ids = [request.subject_id] if request.kind == "round" else [request.asked_by_id]
    if request.kind == "360" and request.share_with_subject:
        ids.append(request.subject_id)
    return [p for p in (session.get(Person, i) for i in ids) if p is not None]


def _share_named(
    session: Session, request: FeedbackRequest, row: FeedbackAnswer, giver: Person, now: datetime
) -> list[int]:
    subject = session.get(Person, request.subject_id)
    assert subject is not None
    payload = {
        "kind": request.kind,
        "subject": subject.slack_user_id,
        "topic": request.topic,
        "answers": [_answer_json(row, giver.slack_user_id)],
    }
    ids = []
    for reader in readers(session, request):
        key = f"{RECEIVED}:{row.id}:{reader.id}"
        ids += claim(session, key, RECEIVED, reader, payload, now, now)
    return ids


def _answer_json(row: FeedbackAnswer, giver: str | None) -> dict[str, Any]:
    return {
        "giver": giver,
        "well": row.well,
        "differently": row.differently,
        "ratings": json.loads(row.ratings),
    }


def release(*, session: Session, request: FeedbackRequest, now: datetime) -> list[int]:
    """Share the waiting anonymous answers of the request's pool (the request, or its whole
    round) if there are at least ANONYMITY_MINIMUM of them: one shuffled DM per reader."""
    pool = [request]
    if request.round_id is not None:
        pool = list(
            session.exec(
                select(FeedbackRequest).where(FeedbackRequest.round_id == request.round_id)
            ).all()
        )
    by_request = {r.id: r for r in pool}
    waiting = session.exec(
        select(FeedbackAnswer).where(
            col(FeedbackAnswer.request_id).in_(list(by_request)),
            col(FeedbackAnswer.anonymous).is_(True),
            col(FeedbackAnswer.shared_at).is_(None),
        )
    ).all()
    if len(waiting) < ANONYMITY_MINIMUM:
        return []
    shuffler = random.SystemRandom()
    ids: list[int] = []
    for request_id, target in by_request.items():
        mine = [a for a in waiting if a.request_id == request_id]
        if not mine:
            continue
        shuffler.shuffle(mine)
        subject = session.get(Person, target.subject_id)
        assert subject is not None
        payload = {
            "kind": target.kind,
            "subject": subject.slack_user_id,
            "topic": target.topic,
            "answers": [_answer_json(a, None) for a in mine],
        }
        batch = min(a.id or 0 for a in mine)
        for reader in readers(session, target):
            key = f"{BATCH}:{request_id}:{batch}:{reader.id}"
            ids += claim(session, key, BATCH, reader, payload, now, now)
    for row in waiting:
        row.shared_at = now
        session.add(row)
    return ids


def claim(
    session: Session,
    key: str,
    kind: OutboxKind,
    to: Person,
    payload: object,
    due: datetime,
    now: datetime,
) -> list[int]:
    """A DM to a person through the outbox, once per key (see outbox.claim)."""
    assert to.id is not None
    return outbox.claim(
        session,
        key=key,
        kind=kind,
        workspace_id=to.workspace_id,
        channel=to.slack_user_id,
        person_id=to.id,
        payload=payload,
        due=due,
        now=now,
    )
