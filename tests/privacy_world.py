"""A team whose agent Ana has left traces everywhere CX Coach keeps something: reflections, a
lead's reply, action items, feedback about her and from her (named and anonymous), kudos both
ways, helpdesk tickets and ratings, messages in the outbox, a helpdesk agent map. Every text
of hers (or about her) is unique, so a scan of the database can look for it."""

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import Engine, Text, type_coerce
from sqlmodel import Session, SQLModel, select

from bot.services import action_items, feedback, helpdesk, kudos, reflections, replies
from bot.services.helpdesk_agents import Resolved
from bot.services.permissions import Actor
from bot.store.crypto import SecretText
from bot.store.models import HelpdeskAgent, Membership, Person, Team, TeamRole, Workspace

NOW = datetime(2026, 11, 24, 18, 0, tzinfo=UTC)
ANA = "U0ANA"
ANA_NAMES = ("Anastasia Quilliam", "anaq")
ANA_EMAIL = "anastasia.quilliam@example.com"
# What Ana wrote, or was written about her: none of it may survive forgetting her.
ANA_TEXTS = (
    "Zanzibar refund escalation went smoothly",  # her reflection
    "Quokka invoices confused me",
    "Lead reply about the zanzibar escalation",  # a lead's reply to it
    "Shadow the quokka billing desk",  # her action item
    "Cat says Ana handles angry callers with platypus calm",  # named feedback about her
    "Anonymous: Ana could narwhal her handovers",  # anonymous feedback about her
    "Ana says Cat writes axolotl-clear macros",  # named feedback she gave
    "Thanks Cat for the wombat weekend cover",  # kudos she gave
    "Thanks Ana for the capybara queue rescue",  # kudos she received
    "The agent Anastasia was a pangolin of patience",  # a customer's comment on her
)
OTHERS_TEXTS = ("Dan's own reflection about kiwi chargebacks",)


@dataclass
class World:
    team_id: int
    ana: int
    ben: int  # the lead
    cat: int
    dan: int


def _person(session: Session, user: str, real: str, display: str) -> Person:
    person = Person(
        workspace_id="T1",
        slack_user_id=user,
        real_name=real,
        display_name=display,
        timezone="Europe/Lisbon",
        shift_days="mon,tue,wed,thu,fri",
        shift_end="17:00",
    )
    session.add(person)
    session.flush()
    return person


def build(engine: Engine) -> World:
    with Session(engine) as session:
        session.add(Workspace(id="T1"))
        session.flush()
        team = Team(
            workspace_id="T1",
            name="Tier 1",
            celebration_channel_id="C0CELEBRATE",
            digest_channel_id="C0DIGEST",
        )
        session.add(team)
        session.flush()
        ana = _person(session, ANA, *ANA_NAMES)
        ben = _person(session, "U0BEN", "Ben Lead", "ben")
        cat = _person(session, "U0CAT", "Cat Agent", "cat")
        dan = _person(session, "U0DAN", "Dan Agent", "dan")
        assert team.id is not None
        assert ana.id is not None
        assert ben.id is not None
        assert cat.id is not None
        assert dan.id is not None
        for who, role in (
            (ana, TeamRole.AGENT),
            (cat, TeamRole.AGENT),
            (dan, TeamRole.AGENT),
            (ben, TeamRole.LEAD),
        ):
            session.add(Membership(team_id=team.id, person_id=who.id or 0, role=role.value))
        session.flush()
        day = NOW.date() - timedelta(days=1)
        mine = reflections.save(
            session=session,
            person=ana,
            shift_date=day,
            now=NOW,
            answers={"well": ANA_TEXTS[0], "differently": ANA_TEXTS[1], "training": "refunds"},
        )
        reflections.save(
            session=session, person=dan, shift_date=day, now=NOW, answers={"well": OTHERS_TEXTS[0]}
        )
        lead = Actor(
            slack_user_id="U0BEN", leads=frozenset({team.id}), member_of=frozenset({team.id})
        )
        replies.reply(
            session=session,
            actor=lead,
            author=ben,
            reflection_id=mine.id or 0,
            text=ANA_TEXTS[2],
            now=NOW,
        )
        action_items.create(
            session=session,
            person=ana,
            text=ANA_TEXTS[3],
            due=day + timedelta(days=7),
            now=NOW,
            reflection_id=mine.id,
        )
        about_ana, _ = feedback.ask(
            session=session, asked_by=ana, subject=ana, reviewers=[cat, dan], topic=None, now=NOW
        )
        asks = _asks(session, about_ana.id or 0)
        feedback.answer(
            session=session,
            ask_id=asks[cat.id],
            reviewer=cat,
            now=NOW,
            given=feedback.Answer(well=ANA_TEXTS[4], differently=None),
        )
        feedback.answer(
            session=session,
            ask_id=asks[dan.id],
            reviewer=dan,
            now=NOW,
            given=feedback.Answer(well=ANA_TEXTS[5], differently=None, anonymous=True),
        )
        about_cat, _ = feedback.ask(
            session=session, asked_by=cat, subject=cat, reviewers=[ana], topic=None, now=NOW
        )
        feedback.answer(
            session=session,
            ask_id=_asks(session, about_cat.id or 0)[ana.id],
            reviewer=ana,
            now=NOW,
            given=feedback.Answer(well=ANA_TEXTS[6], differently=None),
        )
        kudos.give(
            session=session,
            giver=ana,
            recipients=[cat],
            now=NOW,
            parsed=kudos.Parsed(("U0CAT",), ANA_TEXTS[7], None),
        )
        kudos.give(
            session=session,
            giver=cat,
            recipients=[ana],
            now=NOW,
            parsed=kudos.Parsed((ANA,), ANA_TEXTS[8], None),
        )
        session.add(
            HelpdeskAgent(
                workspace_id="T1",
                key=ANA_EMAIL,
                helpdesk_agent=ANA_EMAIL,
                slack_user_id=ANA,
                updated_at=NOW,
            )
        )
        people = {ANA_EMAIL: ana.id, "U0CAT": cat.id}
        helpdesk.store(
            session=session,
            workspace_id="T1",
            kind="tickets",
            records=enumerate(
                [
                    {
                        "ticket_id": f"T{n}",
                        "agent": agent,
                        "created_at": f"2026-11-2{n % 3}T10:00:00Z",
                        "first_response_at": f"2026-11-2{n % 3}T10:{10 + n}:00Z",
                        "solved_at": f"2026-11-2{n % 3}T12:00:00Z",
                        "agent_replies": 1 + n % 2,
                    }
                    for n, agent in enumerate([ANA_EMAIL, ANA_EMAIL, "U0CAT", ANA_EMAIL, "U0CAT"])
                ],
                start=2,
            ),
            resolve=lambda agent: Resolved(people[agent]),
        )
        helpdesk.store(
            session=session,
            workspace_id="T1",
            kind="surveys",
            records=enumerate(
                [
                    {
                        "response_id": "R1",
                        "ticket_id": "T0",
                        "agent": ANA_EMAIL,
                        "kind": "csat",
                        "score": 5,
                        "comment": ANA_TEXTS[9],
                        "submitted_at": "2026-11-21T13:00:00Z",
                    },
                    {
                        "response_id": "R2",
                        "ticket_id": "T2",
                        "agent": "U0CAT",
                        "kind": "csat",
                        "score": 2,
                        "comment": "slow",
                        "submitted_at": "2026-11-21T13:00:00Z",
                    },
                ],
                start=2,
            ),
            resolve=lambda agent: Resolved(people[agent]),
        )
        session.commit()
        return World(team.id, ana.id, ben.id, cat.id, dan.id)


def _asks(session: Session, request_id: int) -> dict[int | None, int]:
    from bot.store.models import FeedbackAsk

    return {
        a.reviewer_id: a.id or 0
        for a in session.exec(select(FeedbackAsk).where(FeedbackAsk.request_id == request_id)).all()
    }


def found_in_tables(engine: Engine, needles: tuple[str, ...]) -> list[str]:
    """`table: needle` for every needle found in any column of any row (read as stored)."""
    found = []
    with engine.connect() as connection:
        for table in SQLModel.metadata.sorted_tables:
            columns = [
                type_coerce(c, Text) if isinstance(c.type, SecretText) else c for c in table.columns
            ]
            for row in connection.execute(select(*columns)).all():
                text = json.dumps([str(value) for value in row], ensure_ascii=False).lower()
                found += [
                    f"{table.name}: {needle}"
                    for needle in needles
                    if needle.lower() in text or json.dumps(needle)[1:-1].lower() in text
                ]
    return sorted(set(found))


def today() -> date:
    return NOW.date()
