"""`python -m bot repair agents`: people an older import made up from agent names give their
tickets to the person the agent map or the name proves, and disappear."""

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from bot.__main__ import main
from bot.services import helpdesk, kpis, people, rollups, teams
from bot.services.helpdesk_agents import Resolved
from bot.store.models import HelpdeskTicket, Membership, Person, Team
from tests.cli.test_import import env

__all__ = ["env"]

WORKSPACE = "T0001"


def _profile(session: Session, user_id: str, real_name: str) -> None:
    people.record_profile(
        session=session, workspace_id=WORKSPACE, now=datetime(2026, 3, 1, tzinfo=UTC),
        profile=people.SlackProfile(user_id=user_id, display_name=real_name.split()[0].lower(),
                                    timezone="UTC", is_admin=False, deleted=False,
                                    real_name=real_name),
    )  # fmt: skip


def _as_older_imports_did(session: Session, rows: list[tuple[str, str, str]]) -> None:
    """Tickets whose agent name became a person of that "Slack id" (the old rule)."""
    records = [
        {"ticket_id": ticket, "agent": agent, "created_at": f"{day}T09:00:00Z",
         "solved_at": f"{day}T10:00:00Z", "agent_replies": "1"}
        for ticket, agent, day in rows
    ]  # fmt: skip

    def invent(agent: str) -> Resolved:
        return Resolved(
            teams.person_stub(session=session, workspace_id=WORKSPACE, slack_user_id=agent).id
        )

    helpdesk.store(session=session, workspace_id=WORKSPACE, kind="tickets",
                   records=enumerate(records, start=2), resolve=invent)  # fmt: skip


@pytest.fixture
def invented(env: None, engine: Engine) -> None:
    with Session(engine) as session:
        _profile(session, "U0WANDA", "Wanda Park")
        _profile(session, "U0SAM1", "Sam Lee")
        _profile(session, "U0SAM2", "Sam Lee")
        _as_older_imports_did(session, [
            ("T1", "Wanda Park", "2026-03-02"), ("T2", "Wanda Park", "2026-03-03"),
            ("T3", "Sam Lee", "2026-03-02"), ("T4", "Desk Bot", "2026-03-02"),
        ])  # fmt: skip
        # "Desk Bot" was also put in a team: it is more than a made-up agent; left alone.
        team = Team(workspace_id=WORKSPACE, name="Support")
        session.add(team)
        session.flush()
        desk_bot = session.exec(select(Person).where(Person.slack_user_id == "Desk Bot")).one()
        session.add(Membership(team_id=team.id or 0, person_id=desk_bot.id or 0))
        session.commit()


def _owners(engine: Engine) -> dict[str, str | None]:
    with Session(engine) as session:
        ids = {p.id: p.slack_user_id for p in session.exec(select(Person)).all()}
        return {t.ticket_id: ids.get(t.person_id) for t in session.exec(select(HelpdeskTicket))}


def _solved(engine: Engine, slack_user_id: str) -> int:
    with Session(engine) as session:
        person = session.exec(select(Person).where(Person.slack_user_id == slack_user_id)).one()
        tally = rollups.tally(session=session, person_ids=[person.id or 0],
                              start=datetime(2026, 3, 1, tzinfo=UTC),
                              end=datetime(2026, 4, 1, tzinfo=UTC))  # fmt: skip
    return kpis.figures(tally).tickets_solved


def test_made_up_people_give_their_tickets_back(
    invented: None, engine: Engine, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A dry run shows and changes nothing; the repair gives Wanda her tickets (and her
    month's figures), keeps the ambiguous Sam Lee's waiting, leaves the team member alone."""
    before = _owners(engine)
    assert before["T1"] == "Wanda Park"
    assert main(["repair", "agents", "--dry-run"]) == 1
    out = capsys.readouterr().out
    assert "`Wanda Park`: 2 tickets, 0 ratings" in out
    assert "`Desk Bot`: 1 ticket, 0 ratings; left alone: also in membership" in out
    assert "Dry run, nothing written. Would remove 2 made-up people" in out
    assert _owners(engine) == before

    assert main(["repair", "agents"]) == 1
    out = capsys.readouterr().out
    assert "Removed 2 made-up people; 2 rows count for their agents, 1 wait for an agent" in out
    assert _owners(engine) == {"T1": "U0WANDA", "T2": "U0WANDA", "T3": None, "T4": "Desk Bot"}
    assert _solved(engine, "U0WANDA") == 2
    with Session(engine) as session:
        names = set(session.exec(select(Person.slack_user_id)).all())
    assert names == {"U0WANDA", "U0SAM1", "U0SAM2", "Desk Bot"}

    agents = tmp_path / "agents.csv"
    agents.write_text("helpdesk_agent,slack\nSam Lee,U0SAM2\n")
    assert main(["import", "agents", str(agents)]) == 0
    assert _owners(engine)["T3"] == "U0SAM2"
    assert _solved(engine, "U0SAM2") == 1
    assert main(["repair", "agents"]) == 0
    assert "`Desk Bot`" in capsys.readouterr().out  # still reported, still left alone
