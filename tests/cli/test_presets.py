"""`import tickets|surveys --source zendesk|freshdesk|intercom`: exports laid out exactly as the
helpdesks write them — agent names, local times, minutes, reopen counts, rating words."""

from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from bot.__main__ import main
from bot.services import people
from bot.store.models import HelpdeskTicket, Person, SurveyResponse
from tests.cli.test_import import env

__all__ = ["env"]  # fixture used by `wanda`

ZENDESK = (
    "Summation column,Id,Requester,Requester id,Requester external id,Requester email,"
    "Requester domain,Submitter,Assignee,Group,Subject,Tags,Status,Priority,Via,Ticket type,"
    "Created at,Updated at,Assigned at,Organization,Due date,Initially assigned at,Solved at,"
    "Resolution time,Satisfaction Score,Group stations,Assignee stations,Reopens,Replies,"
    "First reply time in minutes,First reply time in minutes within business hours,"
    "First resolution time in minutes,First resolution time in minutes within business hours,"
    "Full resolution time in minutes,Full resolution time in minutes within business hours,"
    "Agent wait time in minutes,Agent wait time in minutes within business hours,"
    "Requester wait time in minutes,Requester wait time in minutes within business hours,"
    "On hold time in minutes,On hold time in minutes within business hours\n"
)


def _zendesk_row(ticket: int, agent: str, created: str, solved: str, score: str, reopens: int,
                 replies: int, first_reply: str) -> str:  # fmt: skip
    cells = ["1", str(ticket), "Cus Tomer", "1", "", "c@example.com", "example.com", "Cus Tomer",
             agent, "Support", "Refund", "", "Solved", "Normal", "Mail", "Question", created,
             solved, created, "", "", created, solved, "", score, "1", "1", str(reopens),
             str(replies), first_reply, first_reply, "", "", "", "", "0", "0", "0", "0", "0",
             "0"]  # fmt: skip
    return ",".join(cells) + "\n"


@pytest.fixture
def wanda(env: None, engine: Engine) -> None:
    """The CLI on the test database and the fake Slack, with Wanda Park known to CX Coach."""
    with Session(engine) as session:
        people.record_profile(
            session=session, workspace_id="T0001", now=datetime(2026, 3, 1, tzinfo=UTC),
            profile=people.SlackProfile(user_id="U0WANDA", display_name="wanda",
                                        timezone="UTC", is_admin=False, deleted=False,
                                        real_name="Wanda Park"),
        )  # fmt: skip
        session.commit()


def _file(tmp_path: Path, text: str) -> str:
    path = tmp_path / "export.csv"
    path.write_text(text)
    return str(path)


def _wanda(engine: Engine) -> int:
    with Session(engine) as session:
        found = session.exec(select(Person.id).where(Person.slack_user_id == "U0WANDA")).one()
        assert found is not None
        return found


def test_a_zendesk_ticket_export_imports_with_its_zone(
    wanda: None, engine: Engine, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Local times need --timezone (one line says so, nothing imported); with it, times are
    read in that zone, first reply minutes become the first response, a reopen count marks the
    ticket reopened, and the agent's name finds Wanda."""
    export = _file(tmp_path, ZENDESK
                   + _zendesk_row(101, "Wanda Park", "2026-03-02 09:15", "2026-03-02 11:00",
                                  "Good", 0, 1, "30")
                   + _zendesk_row(102, "Wanda Park", "2026-03-08 01:30", "2026-03-09 10:00",
                                  "Offered", 2, 4, ""))  # fmt: skip
    assert main(["import", "tickets", export, "--source", "zendesk"]) == 2
    assert "add --timezone" in capsys.readouterr().err
    assert main(["import", "tickets", export, "--source", "zendesk",
                 "--timezone", "America/New_York"]) == 0  # fmt: skip
    assert "2 inserted" in capsys.readouterr().out
    with Session(engine) as session:
        tickets = {t.ticket_id: t for t in session.exec(select(HelpdeskTicket)).all()}
    first, second = tickets["101"], tickets["102"]
    assert first.created_at == datetime(2026, 3, 2, 14, 15, tzinfo=UTC)  # EST, UTC-5
    assert first.first_response_at == first.created_at + timedelta(minutes=30)
    assert (first.reopened, first.agent_replies, first.channel) == (False, 1, "Mail")
    assert second.created_at == datetime(2026, 3, 8, 6, 30, tzinfo=UTC)
    assert second.solved_at == datetime(2026, 3, 9, 14, 0, tzinfo=UTC)  # EDT from 8 March
    assert (second.reopened, second.agent_replies, second.first_response_at) == (True, 4, None)
    assert {first.person_id, second.person_id} == {_wanda(engine)}


def test_zendesk_satisfaction_from_the_same_export(
    wanda: None, engine: Engine, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Good is a CSAT 5 and Bad a 1, under the webhook's response ids; Offered is skipped and
    counted, not rejected."""
    export = _file(tmp_path, ZENDESK
                   + _zendesk_row(101, "Wanda Park", "2026-03-02 09:15", "2026-03-02 11:00",
                                  "Good", 0, 1, "30")
                   + _zendesk_row(102, "wanda park", "2026-03-03 09:15", "2026-03-03 11:00",
                                  "Bad", 0, 1, "30")
                   + _zendesk_row(103, "Wanda Park", "2026-03-04 09:15", "2026-03-04 11:00",
                                  "Offered", 0, 1, "30"))  # fmt: skip
    assert main(["import", "surveys", export, "--source", "zendesk",
                 "--timezone", "America/New_York"]) == 0  # fmt: skip
    assert "2 inserted, 0 updated, 0 rejected, 1 offered but not rated" in capsys.readouterr().out
    with Session(engine) as session:
        rows = {(r.response_id, r.kind, r.score, r.person_id)
                for r in session.exec(select(SurveyResponse))}  # fmt: skip
    her = _wanda(engine)
    assert rows == {("zendesk-csat-101", "csat", 5, her), ("zendesk-csat-102", "csat", 1, her)}


FRESHDESK = (
    "Ticket ID,Subject,Status,Priority,Source,Type,Agent,Group,Created time,Due by Time,"
    "Resolved time,Closed time,Last update time,Initial response time,Time tracked,"
    "First response time (in hrs),Resolution time (in hrs),Agent interactions,"
    "Customer interactions,Resolution status,First response status,Tags,Survey results\n"
    "77,Refund,Closed,Low,Email,Question,Wanda Park,Billing,2026-06-01 10:00:00,"
    "2026-06-02 10:00:00,2026-06-01 12:30:00,2026-06-01 13:00:00,2026-06-01 13:00:00,"
    "2026-06-01 10:45:00,00:20:00,00:45:00,02:30:00,2,1,Within SLA,Within SLA,,Extremely Happy\n"
)


def test_a_freshdesk_export_with_survey_results(
    wanda: None, engine: Engine, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Freshdesk's ticket export: local times in the given zone, the initial response time as
    the first response, agent interactions as replies; its survey result word as a CSAT."""
    export = _file(tmp_path, FRESHDESK)
    zone = ["--timezone", "Europe/London"]
    assert main(["import", "tickets", export, "--source", "freshdesk", *zone]) == 0
    assert main(["import", "surveys", export, "--source", "freshdesk", *zone]) == 0
    with Session(engine) as session:
        ticket = session.exec(select(HelpdeskTicket)).one()
        survey = session.exec(select(SurveyResponse)).one()
    assert ticket.created_at == datetime(2026, 6, 1, 9, 0, tzinfo=UTC)  # BST
    assert ticket.first_response_at == datetime(2026, 6, 1, 9, 45, tzinfo=UTC)
    assert (ticket.solved_at, ticket.agent_replies) == (datetime(2026, 6, 1, 11, 30, tzinfo=UTC), 2)
    assert (survey.response_id, survey.score, survey.person_id) == (
        "freshdesk-csat-77", 5, _wanda(engine))  # fmt: skip


INTERCOM = (
    "Conversation ID,Conversation started at (Europe/Berlin),"
    "Conversation first replied at (Europe/Berlin),Conversation first closed at (Europe/Berlin),"
    "Teammate currently assigned,Last teammate rated,Last teammate rating,"
    "Last teammate rating remark,Updated at (Europe/Berlin),Channel\n"
    "9001,2026-01-05 10:00:00,2026-01-05 10:04:00,2026-01-05 11:00:00,Wanda Park,Wanda Park,4,"
    "Quick and kind,2026-01-05 12:00:00,Chat\n"
)


def test_an_intercom_export_reads_its_zone_from_the_header(
    wanda: None, engine: Engine, tmp_path: Path
) -> None:
    """Intercom writes the zone in each time column's header: no --timezone needed."""
    export = _file(tmp_path, INTERCOM)
    assert main(["import", "tickets", export, "--source", "intercom"]) == 0
    assert main(["import", "surveys", export, "--source", "intercom"]) == 0
    with Session(engine) as session:
        ticket = session.exec(select(HelpdeskTicket)).one()
        survey = session.exec(select(SurveyResponse)).one()
    assert ticket.created_at == datetime(2026, 1, 5, 9, 0, tzinfo=UTC)  # CET
    assert ticket.first_response_at == datetime(2026, 1, 5, 9, 4, tzinfo=UTC)
    assert (survey.score, survey.comment) == (4, "Quick and kind")
    assert survey.submitted_at == datetime(2026, 1, 5, 11, 0, tzinfo=UTC)


def test_an_export_that_does_not_fit_its_preset_is_named(
    wanda: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Our own format given as Zendesk's names the missing column; an unknown source lists the
    known ones."""
    ours = _file(tmp_path, "ticket_id,agent,created_at\nT1,U0WANDA,2026-03-01T10:00:00Z\n")
    assert main(["import", "tickets", ours, "--source", "zendesk", "--timezone", "UTC"]) == 2
    assert "not a zendesk tickets export as expected: no column `Id`" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["import", "tickets", ours, "--source", "helpscout"])
    assert "choose from 'csv', 'zendesk', 'freshdesk', 'intercom'" in capsys.readouterr().err


def test_a_zendesk_hand_over_gives_the_exact_figures(
    wanda: None, engine: Engine, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A lead hands over Zendesk's ticket export (agent names, New York times, minutes, reopen
    counts) and an agents map for a name Slack does not know: `metrics --json` shows what an
    exact computation over those tickets gives, with no invented people."""
    import json
    import random

    from bot.services import teams
    from bot.services.kpis import RELATIVE_ACCURACY
    from bot.services.permissions import OPERATOR

    with Session(engine) as session:
        teams.save(
            session=session, workspace_id="T0001", actor=OPERATOR, team_id=None,
            form=teams.TeamForm(name="Tier 1", members=frozenset({"U0WANDA", "U0AGENT"})),
        )  # fmt: skip
        team = teams.find(session=session, workspace_id="T0001", name="Tier 1")
        assert team is not None
        team.timezone = "America/New_York"
        session.add(team)
        session.commit()
    rng = random.Random(14)
    zone = ZoneInfo("America/New_York")
    rows, expected = [], []
    for n in range(60):
        created = datetime(2026, 3, 1, 8, tzinfo=zone) + timedelta(hours=11 * n)
        solved = created + timedelta(minutes=rng.randrange(20, 900))
        reply, replies, reopens = rng.randrange(1, 240), rng.choice((1, 1, 2, 3)), rng.choice(
            (0, 0, 0, 1, 2))  # fmt: skip
        score = rng.choice(("Good", "Good", "Bad", "Offered", "Not Offered"))
        agent = rng.choice(("Wanda Park", "Ana (Tier 1)"))
        rows.append(
            _zendesk_row(
                n + 1,
                agent,
                f"{created:%Y-%m-%d %H:%M}",
                f"{solved:%Y-%m-%d %H:%M}",
                score,
                reopens,
                replies,
                str(reply),
            )
        )
        if datetime(2026, 3, 1, tzinfo=zone) <= solved < datetime(2026, 4, 1, tzinfo=zone):
            expected.append((reply, replies, reopens, score))
    export = _file(tmp_path, ZENDESK + "".join(rows))
    agents = tmp_path / "agents.csv"
    agents.write_text("helpdesk_agent,slack\nAna (Tier 1),ana@example.com\n")
    zone_flag = ["--timezone", "America/New_York"]
    assert main(["import", "agents", str(agents)]) == 0
    assert main(["import", "tickets", export, "--source", "zendesk", *zone_flag]) == 0
    assert main(["import", "surveys", export, "--source", "zendesk", *zone_flag]) == 0
    assert _people(engine) == {"U0WANDA", "U0AGENT"}  # the team; nobody made from a name
    capsys.readouterr()
    assert main(["metrics", "--team", "Tier 1", "--period", "2026-03", "--json"]) == 0
    figures = json.loads(capsys.readouterr().out)
    replied = [e for e in expected if e[1] >= 1]
    first_contact = [e for e in replied if e[1] == 1 and e[2] == 0]
    rated = [e for e in expected if e[3] in ("Good", "Bad")]
    minutes = sorted(e[0] for e in expected)
    assert figures["tickets_solved"] == len(expected)
    assert figures["fcr_pct"] == pytest.approx(100 * len(first_contact) / len(replied))
    assert figures["csat_n"] == len(rated)
    assert figures["csat_pct"] == pytest.approx(
        100 * sum(e[3] == "Good" for e in rated) / len(rated))  # fmt: skip
    middle = (minutes[(len(minutes) - 1) // 2] + minutes[len(minutes) // 2]) / 2 * 60
    assert figures["frt_median_s"] == pytest.approx(middle, rel=2 * RELATIVE_ACCURACY)


def _people(engine: Engine) -> set[str]:
    with Session(engine) as session:
        return set(session.exec(select(Person.slack_user_id)).all())


def test_business_hours_figures_when_the_team_counts_them(
    wanda: None, engine: Engine, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Zendesk's "… within business hours" minutes are kept beside the calendar times; a team
    that counts business hours gets them in `metrics` (which says so), one that does not gets
    calendar times."""
    import json

    from bot.services import teams
    from bot.services.kpis import RELATIVE_ACCURACY
    from bot.services.permissions import OPERATOR

    with Session(engine) as session:
        teams.save(
            session=session, workspace_id="T0001", actor=OPERATOR, team_id=None,
            form=teams.TeamForm(name="Tier 1", members=frozenset({"U0WANDA"})),
        )  # fmt: skip
        session.commit()
    row = _zendesk_row(7, "Wanda Park", "2026-03-02 09:00", "2026-03-02 18:00", "Good", 0, 1,
                       "300")  # fmt: skip
    cells = row.rstrip("\n").split(",")
    cells[30], cells[34] = "45", "120"  # business-hours first reply and full resolution
    export = _file(tmp_path, ZENDESK + ",".join(cells) + "\n")
    assert main(["import", "tickets", export, "--source", "zendesk", "--timezone", "UTC"]) == 0
    capsys.readouterr()

    def figures() -> dict[str, object]:
        assert main(["metrics", "--team", "Tier 1", "--period", "2026-03", "--json"]) == 0
        found: dict[str, object] = json.loads(capsys.readouterr().out)
        return found

    calendar = figures()
    assert calendar["response_times"] == "calendar"
    assert calendar["frt_median_s"] == pytest.approx(300 * 60, rel=RELATIVE_ACCURACY)
    with Session(engine) as session:
        team = teams.find(session=session, workspace_id="T0001", name="Tier 1")
        assert team is not None
        team.business_hours = True
        session.add(team)
        session.commit()
    business = figures()
    assert business["response_times"] == "business hours"
    assert business["frt_median_s"] == pytest.approx(45 * 60, rel=RELATIVE_ACCURACY)
    assert business["resolution_median_s"] == pytest.approx(120 * 60, rel=RELATIVE_ACCURACY)
