"""Agents with shifts, for the check-in tests."""

from collections.abc import Callable
from datetime import UTC, datetime

from sqlalchemy import Engine
from sqlmodel import Session, select

from bot.deps import Deps
from bot.services import teams
from bot.services.permissions import OPERATOR
from bot.store import repos
from bot.store.models import Membership
from tests.fakeslack import FakeSlack

LONG_AGO = datetime(2025, 1, 1, tzinfo=UTC)


def add_agents(
    engine: Engine, fake: FakeSlack, agents: dict[str, str], *, days: str = "mon,tue,wed,thu,fri",
    end: str = "17:30", team: str = "Tier 1", joined: datetime = LONG_AGO,
) -> None:  # fmt: skip
    """Put `agents` (Slack ID → zone) on a team with the same shift, known to the fake Slack,
    as members since `joined` (shifts before it are none of CX Coach's business)."""
    for user, zone in agents.items():
        if user not in fake.users:
            fake.add_user(user, name=user.lower(), tz=zone, email=f"{user.lower()}@example.com")
    with Session(engine) as session:
        teams.save(
            session=session, workspace_id="T0001", actor=OPERATOR, team_id=None,
            form=teams.TeamForm(name=team, members=frozenset(agents)),
        )  # fmt: skip
        # The team existed since its members joined: figures that depend on the team's age
        # (a summary, a celebration) must not depend on the real clock.
        found = teams.find(session=session, workspace_id="T0001", name=team)
        if found is not None and found.created_at > joined:
            found.created_at = joined
            session.add(found)
        for user, zone in agents.items():
            person = repos.get_person(session=session, workspace_id="T0001", slack_user_id=user)
            assert person is not None
            person.timezone, person.shift_days, person.shift_end = zone, days, end
            session.add(person)
            for membership in session.exec(
                select(Membership).where(Membership.person_id == person.id)
            ).all():
                membership.created_at = joined
                session.add(membership)
        session.commit()


def claim_and_deliver(
    engine: Engine, deps: Deps, at: datetime, claim: Callable[[Session, datetime], int]
) -> int:
    """Run one clock job's claim at `at` and commit, then deliver what it claimed (through the
    fake Slack, as the clock's sender does); how many it claimed."""
    import dataclasses

    from bot import delivery
    from bot.blocks.renderers import RENDERERS

    with Session(engine) as session:
        claimed = claim(session, at)
        session.commit()
    delivery.deliver_due(dataclasses.replace(deps, clock=lambda: at), RENDERERS)
    return claimed


def clock_pass(deps: Deps) -> None:
    """One pass of the clock's check-in job and then its outbox job, as a running clock does
    each minute."""
    from bot.scheduler import run_checkins, run_outbox

    run_checkins(deps)
    run_outbox(deps)
