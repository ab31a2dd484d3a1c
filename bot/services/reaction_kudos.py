"""Kudos by reaction (issue 16): reacting with the team's kudos emoji (default :star2:) to a
colleague's message gives its author kudos with the message as the reason — once per person,
message and emoji; the same daily cap, values and escaping as `/cx-kudos`. Taking the reaction
away within ten minutes takes the kudos back (its post and DMs are removed)."""

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session, col, select

from bot.services import kudos
from bot.store import repos
from bot.store.models import Kudos, KudosRecipient, Outbox, OutboxStatus, Person

UNDO_WINDOW = timedelta(minutes=10)


def source_key(channel: str, ts: str, reactor: str) -> str:
    """What makes a reaction's kudos unique."""
    return f"reaction:{channel}:{ts}:{reactor}"[:120]


def wants_kudos(session: Session, reactor: Person, emoji: str) -> bool:
    """Whether `emoji` is the kudos emoji of one of the reactor's teams (skin tones aside)."""
    name = emoji.split("::", 1)[0].strip(":").lower()
    return any(team.kudos_emoji.strip(":").lower() == name
               for team in repos.team_list_of(session=session, person=reactor))  # fmt: skip


@dataclass(frozen=True)
class Given:
    """A reaction's kudos and the outbox rows to send now."""

    kudos: Kudos
    outbox_ids: list[int]


def give(*, session: Session, reactor: Person, author: Person, text: str, channel: str,
         ts: str, now: datetime) -> Given | None:  # fmt: skip
    """Kudos from `reactor` to `author` for their message (KudosError for the cap, yourself, or
    no celebration channel); None when this reaction already gave them. The caller commits."""
    key = source_key(channel, ts, reactor.slack_user_id)
    if session.exec(select(Kudos.id).where(Kudos.workspace_id == reactor.workspace_id,
                                           Kudos.source_key == key)).first():  # fmt: skip
        return None
    reason, values = kudos.from_message(text)
    mine = repos.team_list_of(session=session, person=reactor)
    allowed = kudos.values_of(mine[0] if mine else None)
    value = next((v for v in values if v in allowed), None)  # another #word is just a word
    if value is not None:  # shown beside the reason, as for /cx-kudos, not twice
        reason = " ".join(re.sub(rf"(?<![\w&])#{re.escape(value)}\b", "", reason, count=1,
                                 flags=re.IGNORECASE).split()) or reason  # fmt: skip
    parsed = kudos.Parsed((author.slack_user_id,), reason, value)
    given, _, ids = kudos.give(session=session, giver=reactor, recipients=[author],
                               parsed=parsed, now=now)  # fmt: skip
    given.source_key = key
    session.add(given)
    return Given(given, ids)


@dataclass(frozen=True)
class TakenBack:
    """Messages of a kudos taken back that Slack already shows: (channel, ts) to delete."""

    posted: list[tuple[str, str]]


def take_back(*, session: Session, reactor: str, workspace_id: str, channel: str, ts: str,
              now: datetime) -> TakenBack | None:  # fmt: skip
    """Undo the reaction's kudos if it is at most UNDO_WINDOW old: the kudos goes, its unsent
    messages are dropped, and the sent ones are returned for deleting. None: nothing to undo
    (no such kudos, or older: a kudos given stays given). The caller commits."""
    found = session.exec(
        select(Kudos).where(
            Kudos.workspace_id == workspace_id,
            Kudos.source_key == source_key(channel, ts, reactor),
        )
    ).first()
    if found is None or now - found.created_at > UNDO_WINDOW:
        return None
    rows = session.exec(
        select(Outbox).where(
            Outbox.workspace_id == workspace_id,
            col(Outbox.key).in_(
                [f"{kudos.POST}:{found.id}"]
                + [f"{kudos.DM}:{found.id}:{pid}" for pid in _recipient_ids(session, found)]
            ),
        )
    ).all()
    posted = []
    for row in rows:
        if row.status == OutboxStatus.SENT.value and row.message_ts:
            posted.append((row.channel, row.message_ts))
        session.delete(row)
    session.delete(found)
    return TakenBack(posted)


def _recipient_ids(session: Session, given: Kudos) -> list[int]:
    return list(
        session.exec(
            select(KudosRecipient.person_id).where(KudosRecipient.kudos_id == given.id)
        ).all()
    )
