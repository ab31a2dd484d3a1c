"""Replies to reflections (issue 15): a lead answers an agent's reflection, in the DM thread of
that shift's prompt; the agent answers back; the thread is kept with the reflection. A lead may
also mark a reflection "Discuss in 1:1" for the next agenda."""

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from bot.services import reading
from bot.services.permissions import Action, Actor
from bot.services.prompt_claims import PROMPT
from bot.store import repos
from bot.store.models import Outbox, OutboxStatus, Person, Reflection, ReflectionReply

MAX_REPLY = 2000


class ReplyError(ValueError):
    """A reply that cannot be sent; the message says why."""


@dataclass(frozen=True)
class Delivery:
    """Where one reply goes: a DM channel (or user id), in a thread when there is one."""

    to: str  # the Slack user id it is for
    channel: str
    thread_ts: str | None


@dataclass(frozen=True)
class Sent:
    """A stored reply, and the DMs that carry it."""

    reflection: Reflection
    author: str  # Slack user id
    subject: str  # the agent whose reflection it is
    text: str
    deliveries: list[Delivery]


def reply(
    *, session: Session, actor: Actor, author: Person, reflection_id: int, text: str,
    now: datetime, once: str | None = None,
) -> Sent | None:  # fmt: skip
    """Store a reply and say where it goes: a lead's to the agent (in the prompt's thread), the
    agent's to the leads who wrote in the thread. ReplyError for an empty or unknown one,
    reading.ReadingDenied for someone who may not. With `once` (the modal's view id), the same
    modal submitted again stores and sends nothing: None. The caller commits."""
    text = text.strip()
    if not text:
        raise ReplyError("Write a reply first.")
    if len(text) > MAX_REPLY:
        raise ReplyError(f"Keep it under {MAX_REPLY} characters.")
    reflection = session.get(Reflection, reflection_id)
    subject = session.get(Person, reflection.person_id) if reflection else None
    if reflection is None or subject is None or subject.workspace_id != author.workspace_id:
        raise ReplyError("That reflection no longer exists.")
    assert author.id is not None
    if author.id == subject.id:
        leads = _thread_leads(session, reflection)
        if not leads:
            raise ReplyError("No lead has replied to this reflection yet.")
        deliveries = [Delivery(lead, lead, None) for lead in leads]
    else:
        reading.check(session=session, actor=actor, subject=subject,
                      action=Action.REPLY_REFLECTION)  # fmt: skip
        deliveries = [_to_agent(session, subject, reflection)]
    if once is not None and not repos.first_sight(session=session, event_id=once, now=now):
        return None
    session.add(
        ReflectionReply(reflection_id=reflection_id, author_id=author.id, text=text, created_at=now)
    )
    return Sent(reflection, author.slack_user_id, subject.slack_user_id, text, deliveries)


def mark_discuss(
    *, session: Session, actor: Actor, reflection_id: int, on: bool = True
) -> Reflection:
    """Mark (or unmark) a reflection for the next 1:1; a lead who may reply may mark it."""
    reflection = session.get(Reflection, reflection_id)
    subject = session.get(Person, reflection.person_id) if reflection else None
    if reflection is None or subject is None:
        raise ReplyError("That reflection no longer exists.")
    reading.check(session=session, actor=actor, subject=subject, action=Action.REPLY_REFLECTION)
    reflection.discuss = on
    session.add(reflection)
    return reflection


def _to_agent(session: Session, subject: Person, reflection: Reflection) -> Delivery:
    """The thread of the shift's prompt DM, or a new DM when there was no prompt (/cx-reflect)."""
    prompt = session.exec(
        select(Outbox).where(
            Outbox.person_id == subject.id,
            Outbox.kind == PROMPT,
            Outbox.shift_date == reflection.shift_date,
            Outbox.status == OutboxStatus.SENT.value,
            col(Outbox.message_ts).is_not(None),
        )
    ).first()
    if prompt is None:
        return Delivery(subject.slack_user_id, subject.slack_user_id, None)
    return Delivery(subject.slack_user_id, prompt.channel, prompt.message_ts)


def _thread_leads(session: Session, reflection: Reflection) -> list[str]:
    """The people other than the agent who wrote in the reflection's thread."""
    rows = session.exec(
        select(Person.slack_user_id)
        .join(ReflectionReply, col(ReflectionReply.author_id) == Person.id)
        .where(
            ReflectionReply.reflection_id == reflection.id,
            ReflectionReply.author_id != reflection.person_id,
        )
        .distinct()
    ).all()
    return sorted(rows)
