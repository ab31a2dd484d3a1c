"""Kudos: `/cx-kudos @agent [@agent2] for <reason> [#value]` — a shout-out in the team's
celebration channel and a DM to each person thanked; a daily cap per giver, a minimum reason,
the team's own values; and a leaderboard people can leave."""

import re
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, func, select

from bot.services import outbox
from bot.services.feedback import claim
from bot.services.payloads import OutboxKind
from bot.services.people import MENTIONS
from bot.services.periods import Period
from bot.store import repos
from bot.store.models import Kudos, KudosRecipient, Membership, Person, Team

MIN_REASON = 10
MAX_REASON = 500
VALUE = re.compile(r"(?<![\w&])#([A-Za-z][\w-]{0,39})")
POST, DM = OutboxKind.KUDOS_POST, OutboxKind.KUDOS_DM
DEFAULT_VALUES = "empathy,ownership,teamwork,expertise"
CHANNEL = re.compile(r"<#([CG][A-Z0-9]+)(?:\|([^>]*))?>")
LINK = re.compile(r"<((?:https?|mailto):[^|>]+)(?:\|([^>]*))?>")
PLACEHOLDER = re.compile(r"\x00(\d+)\x00")


class KudosError(ValueError):
    """Why these kudos cannot be given; the message says so."""


@dataclass(frozen=True)
class Parsed:
    """What `/cx-kudos` was asked."""

    user_ids: tuple[str, ...]
    reason: str
    value: str | None


def _plain(text: str, channels: list[str]) -> str:
    """Slack's markup in a reason as the words a person typed: a link as its label, a channel
    as #name (shown inert, never a value), and &amp; &lt; &gt; as the characters. Mentions of
    people and <!here>-style specials stay as typed; rendering escapes them."""
    text = LINK.sub(lambda found: found[2] or found[1], text)
    text = text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    return PLACEHOLDER.sub(lambda found: channels[int(found[1])], text)


def _channels_aside(text: str) -> tuple[str, list[str]]:
    """Slack writes a channel mention as <#C…|name>: not a #value. Set them aside first (as
    placeholders `_plain` puts back as #name)."""
    channels: list[str] = []

    def aside(found: re.Match[str]) -> str:
        channels.append(f"#{found[2] or found[1]}")
        return f"\x00{len(channels) - 1}\x00"

    return CHANNEL.sub(aside, text), channels


def from_message(text: str) -> tuple[str, list[str]]:
    """A Slack message as a kudos reason (the words people see, cut to MAX_REASON) and the
    #values written in it (channel names are not values)."""
    rest, channels = _channels_aside(text)
    values = [value.lower() for value in VALUE.findall(rest)]
    reason = " ".join(_plain(rest, channels).split())
    if len(reason) > MAX_REASON:
        reason = reason[: MAX_REASON - 1].rstrip() + "…"
    return reason or "(a message with no text)", values


def parse(text: str) -> Parsed:
    """`@a @b for <reason> #value` → the people, the reason and the value (or KudosError)."""
    rest = text.strip()
    users: list[str] = []
    while found := MENTIONS.match(rest):
        users.append(found[1])
        rest = rest[found.end() :].strip()
    if not users:
        raise KudosError("Say who you're thanking: `/cx-kudos @agent for <reason> [#value]`.")
    rest, channels = _channels_aside(rest)
    values = VALUE.findall(rest)
    reason = _plain(VALUE.sub("", rest), channels).strip()
    reason = re.sub(r"^for\b", "", reason, flags=re.IGNORECASE).strip(" :-—")
    if len(reason) < MIN_REASON:
        raise KudosError(
            f"Say what for, in at least {MIN_REASON} characters: "
            "`/cx-kudos @agent for staying late to fix a refund #ownership`."
        )
    if len(reason) > MAX_REASON:
        raise KudosError(f"Keep the reason under {MAX_REASON} characters.")
    if len(values) > 1:
        raise KudosError("Pick one value per kudos.")
    return Parsed(tuple(dict.fromkeys(users)), reason, values[0].lower() if values else None)


def values_of(team: Team | None) -> list[str]:
    """The team's kudos values (the defaults without a team)."""
    raw = team.kudos_values if team else DEFAULT_VALUES
    return [v.strip().lstrip("#").lower() for v in raw.split(",") if v.strip()]


def give(
    *, session: Session, giver: Person, recipients: list[Person], parsed: Parsed, now: datetime
) -> tuple[Kudos, Team, list[int]]:
    """Record the kudos and claim the channel post and the DMs; the caller commits."""
    assert giver.id is not None
    if any(r.id == giver.id for r in recipients):
        raise KudosError("Kudos are for others — you can't give them to yourself.")
    mine = repos.team_list_of(session=session, person=giver)
    theirs = [t for r in recipients for t in repos.team_list_of(session=session, person=r)]
    team = next((t for t in [*mine, *theirs] if t.celebration_channel_id), None)
    if team is None or team.celebration_channel_id is None:
        raise KudosError(
            "No celebration channel is set for your team yet; an admin can choose one with "
            "`/cx-team edit`."
        )
    allowed = values_of(mine[0] if mine else team)
    if parsed.value is not None and parsed.value not in allowed:
        raise KudosError(
            f"#{parsed.value} is not one of your team's values: "
            + ", ".join(f"#{v}" for v in allowed) + "."
        )  # fmt: skip
    zone = ZoneInfo(giver.timezone_override or giver.timezone or team.timezone)
    today = now.astimezone(zone).date()
    cap = (mine[0] if mine else team).kudos_daily_cap
    # Lock the giver's row first, so three quick /cx-kudos cannot all count the same past kudos
    # and all pass the cap (Postgres; SQLite's writers take turns already).
    session.exec(select(Person.id).where(Person.id == giver.id).with_for_update()).one()
    given = session.exec(
        select(Kudos.id).where(Kudos.giver_id == giver.id, Kudos.given_on == today)
    ).all()
    if len(given) >= cap:
        raise KudosError(f"You've given {cap} kudos today, the team's daily limit. More tomorrow!")
    kudos = Kudos(
        workspace_id=giver.workspace_id, giver_id=giver.id, team_id=team.id,
        reason=parsed.reason, value=parsed.value, given_on=today, created_at=now,
    )  # fmt: skip
    session.add(kudos)
    session.flush()
    session.add_all(KudosRecipient(kudos_id=kudos.id or 0, person_id=r.id or 0) for r in recipients)
    payload = {
        "giver": giver.slack_user_id, "to": [r.slack_user_id for r in recipients],
        "reason": parsed.reason, "value": parsed.value,
    }  # fmt: skip
    ids = outbox.claim(
        session,
        key=f"{POST}:{kudos.id}",
        kind=POST,
        workspace_id=giver.workspace_id,
        channel=team.celebration_channel_id,
        person_id=None,
        payload=payload,
        due=now,
        now=now,
    )
    for person in recipients:
        ids += claim(session, f"{DM}:{kudos.id}:{person.id}", DM, person, payload, now, now)
    return kudos, team, ids


@dataclass(frozen=True)
class Board:
    """Kudos received and given in a period, most first; who stays off it."""

    received: list[tuple[str, int]]
    given: list[tuple[str, int]]
    hidden: int  # people with kudos who chose to stay off leaderboards


def leaderboard(*, session: Session, workspace_id: str, period: Period | None,
                top: int = 10, team_ids: list[int] | None = None) -> Board:  # fmt: skip
    """The leaderboard for a period (None: all time): of the people on `team_ids` (kudos they
    received and gave), or of the whole workspace (None)."""
    query = select(Kudos).where(Kudos.workspace_id == workspace_id)
    if period is not None:
        query = query.where(col(Kudos.created_at) >= period.start,
                            col(Kudos.created_at) < period.end)  # fmt: skip
    found = session.exec(query).all()
    ids = [k.id for k in found]
    recipients = session.exec(
        select(KudosRecipient).where(col(KudosRecipient.kudos_id).in_(ids))
    ).all()
    people = {
        p.id: p
        for p in session.exec(
            select(Person).where(
                col(Person.id).in_({k.giver_id for k in found} | {r.person_id for r in recipients})
            )
        ).all()
    }
    hidden = {pid for pid, p in people.items() if p.leaderboard_opt_out}
    if team_ids is not None:
        members = set(
            session.exec(
                select(Membership.person_id).where(col(Membership.team_id).in_(team_ids))
            ).all()
        )
        hidden_here = {pid for pid in hidden if pid in members}
        counted = members - hidden
        received = Counter(people[r.person_id].slack_user_id for r in recipients
                           if r.person_id in counted)  # fmt: skip
        given = Counter(people[k.giver_id].slack_user_id for k in found if k.giver_id in counted)
        return Board(received.most_common(top), given.most_common(top), len(hidden_here))
    received = Counter(people[r.person_id].slack_user_id for r in recipients
                       if r.person_id not in hidden)  # fmt: skip
    given = Counter(people[k.giver_id].slack_user_id for k in found if k.giver_id not in hidden)
    return Board(received.most_common(top), given.most_common(top), len(hidden))


@dataclass(frozen=True)
class Thanks:
    """One kudos someone received."""

    giver: str  # Slack user id
    reason: str
    value: str | None
    created_at: datetime


def received(*, session: Session, person: Person, latest: int = 5) -> tuple[int, list[Thanks]]:
    """How many kudos the person has received, and the latest few."""
    query = (
        select(Kudos, Person.slack_user_id)
        .join(KudosRecipient, col(KudosRecipient.kudos_id) == Kudos.id)
        .join(Person, col(Person.id) == Kudos.giver_id)
        .where(KudosRecipient.person_id == person.id)
    )
    total = session.exec(select(func.count()).where(KudosRecipient.person_id == person.id)).one()
    rows = session.exec(query.order_by(col(Kudos.created_at).desc()).limit(latest)).all()
    return total, [Thanks(giver, k.reason, k.value, k.created_at) for k, giver in rows]


OPTIONS = ("leaderboard", "milestones")


def opt(*, session: Session, person: Person, what: str, on: bool) -> None:
    """Join or leave the leaderboards ("leaderboard") or milestone names ("milestones")."""
    if what == "leaderboard":
        person.leaderboard_opt_out = not on
    elif what == "milestones":
        person.milestones_opt_out = not on
    else:
        raise ValueError(what)
    session.add(person)


def week_count(*, session: Session, team: Team, period: Period) -> tuple[int, list[Kudos]]:
    """How many kudos were given to the team's channel in the period, and the latest ones."""
    found = session.exec(
        select(Kudos)
        .where(
            Kudos.team_id == team.id,
            col(Kudos.created_at) >= period.start,
            col(Kudos.created_at) < period.end,
        )
        .order_by(col(Kudos.created_at).desc())
    ).all()
    return len(found), list(found[:5])
