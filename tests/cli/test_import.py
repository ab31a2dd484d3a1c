"""`python -m bot import tickets|surveys`: helpdesk CSVs in, line-by-line errors, idempotent."""

import io
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from bot.__main__ import main
from bot.services import people
from bot.store.models import HelpdeskTicket, Person, SurveyResponse
from tests.fakeslack import FakeSlack

TICKETS = "ticket_id,agent,created_at,first_response_at,solved_at,agent_replies,reopened,channel\n"
SURVEYS = "response_id,ticket_id,agent,kind,score,comment,submitted_at\n"


@pytest.fixture
def env(
    engine: Engine, db_url: str, fake_slack: FakeSlack, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The CLI pointed at the test database and the fake Slack."""
    monkeypatch.setenv("DATABASE_URL", db_url)
    monkeypatch.setenv("SLACK_BOT_TOKEN", fake_slack.bot_token)
    monkeypatch.setenv("SLACK_API_BASE_URL", fake_slack.api_url)


def _csv(tmp_path: Path, text: str, name: str = "data.csv") -> str:
    path = tmp_path / name
    path.write_text(text)
    return str(path)


def _tickets(engine: Engine) -> dict[str, HelpdeskTicket]:
    with Session(engine) as session:
        return {t.ticket_id: t for t in session.exec(select(HelpdeskTicket)).all()}


def test_tickets_import_and_reimport_updates(
    env: None, engine: Engine, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Good rows land with UTC times (no offset means UTC); the same ids again update them."""
    rows = (
        "T1,U0AGENT,2026-03-01T10:00:00,2026-03-01T10:30:00,2026-03-01T12:00:00,1,false,email\n"
        "T2,ana@example.com,2026-03-02T09:00:00-05:00,,2026-03-02T15:00:00Z,2,yes,chat\n"
    )
    assert main(["import", "tickets", _csv(tmp_path, TICKETS + rows)]) == 0
    assert "2 inserted, 0 updated, 0 rejected" in capsys.readouterr().out
    t2 = _tickets(engine)["T2"]
    assert t2.created_at == datetime(2026, 3, 2, 14, 0, tzinfo=UTC)
    assert (t2.reopened, t2.agent_replies, t2.person_id is not None) == (True, 2, True)
    again = rows.replace(",1,false,email", ",3,false,email")
    assert main(["import", "tickets", _csv(tmp_path, TICKETS + again)]) == 0
    assert "0 inserted, 2 updated" in capsys.readouterr().out
    assert _tickets(engine)["T1"].agent_replies == 3


def test_bad_ticket_lines_are_reported_and_good_ones_land(
    env: None, engine: Engine, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Each bad line is named with its reason; exit code 1; the good line is imported."""
    rows = (
        "T1,U0AGENT,2026-03-01T10:00:00,,,1,false,\n"
        "T2,U0AGENT,yesterday,,,1,false,\n"
        "T3,U0AGENT,2026-03-01T10:00:00,2026-03-01T09:00:00,,1,false,\n"
        "T4,U0AGENT,2026-03-01T10:00:00,,,x,false,\n"
        "T5,U0AGENT,2026-03-01T10:00:00,,,1,maybe,\n"
        "T1,U0AGENT,2026-03-01T10:00:00,,,1,false,\n"
    )
    assert main(["import", "tickets", _csv(tmp_path, TICKETS + rows)]) == 1
    err = capsys.readouterr().err
    assert "line 3: created_at `yesterday` is not an ISO 8601 time" in err
    assert "line 4: first_response_at is before created_at" in err
    assert "line 5: agent_replies `x` is not a number" in err
    assert "line 6: reopened `maybe` is not true, false or a count" in err
    assert "line 7: ticket_id T1 already on line 2" in err
    assert set(_tickets(engine)) == {"T1"}


def test_strict_and_dry_run_write_nothing(
    env: None, engine: Engine, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--strict refuses the file for one bad line; --dry-run only counts."""
    rows = "T1,U0AGENT,2026-03-01T10:00:00,,,1,false,\nT2,U0AGENT,never,,,1,false,\n"
    assert main(["import", "tickets", _csv(tmp_path, TICKETS + rows), "--strict"]) == 2
    assert main(["import", "tickets", _csv(tmp_path, TICKETS + rows[:40]), "--dry-run"]) == 0
    assert "Would do: 1 inserted" in capsys.readouterr().out
    assert _tickets(engine) == {}


def test_surveys_check_kind_and_score_and_keep_unknown_agents(
    env: None, engine: Engine, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Scores outside 1-5 (CSAT) or 0-10 (NPS) and unknown kinds are refused; an email Slack
    does not know is kept, to count once the person appears."""
    rows = (
        "R1,T1,U0AGENT,csat,5,Great help,2026-03-03T08:00:00Z\n"
        "R2,T1,U0AGENT,csat,6,,2026-03-03T08:00:00Z\n"
        "R3,T1,U0AGENT,ces,3,,2026-03-03T08:00:00Z\n"
        "R4,T1,nobody@example.com,nps,10,,2026-03-03T08:00:00Z\n"
    )
    assert main(["import", "surveys", _csv(tmp_path, SURVEYS + rows)]) == 1
    err = capsys.readouterr().err
    assert "line 3: a csat score is 1 to 5, not 6" in err
    assert "line 4: kind `ces` must be csat or nps" in err
    assert "line 5: no Slack user with the email `nobody@example.com` yet (kept)" in err
    with Session(engine) as session:
        kept = {r.response_id: r.person_id for r in session.exec(select(SurveyResponse)).all()}
    assert set(kept) == {"R1", "R4"}
    assert kept["R4"] is None


def test_map_renames_an_exports_columns(
    env: None, engine: Engine, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--map 'Ticket ID=ticket_id' reads a helpdesk's own column names."""
    text = "Ticket ID,Assignee,Created\nT9,U0AGENT,2026-03-01T10:00:00\n"
    args = [
        "--map",
        "Ticket ID=ticket_id",
        "--map",
        "Assignee=agent",
        "--map",
        "Created=created_at",
    ]
    assert main(["import", "tickets", _csv(tmp_path, text), *args]) == 0
    assert set(_tickets(engine)) == {"T9"}


@pytest.mark.parametrize(("text", "message"), [("", "the header lacks"), ("a,b\n1,2\n", "lacks")])
def test_a_file_without_the_columns_is_a_usage_error(
    env: None, tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, message: str
) -> None:
    """An empty file or a wrong header exits 2 and names the expected columns."""
    assert main(["import", "tickets", _csv(tmp_path, text)]) == 2
    assert message in capsys.readouterr().err


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_terminal_sees_a_progress_bar(
    env: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On a terminal the import draws a bar that ends at the file's record count."""
    rows = "".join(
        f"B{n},U0AGENT,2026-03-01T10:00:00,,2026-03-01T12:00:00,1,false,\n" for n in range(2500)
    )
    terminal = _Terminal()
    monkeypatch.setattr("sys.stderr", terminal)
    assert main(["import", "tickets", _csv(tmp_path, TICKETS + rows)]) == 0
    assert "2500/2500" in terminal.getvalue()


def test_kept_rows_count_once_slack_knows_their_agent(
    env: None, engine: Engine, fake_slack: FakeSlack, tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    """A row kept for an unknown email counts for that agent after a later import finds them."""
    late = "L1,late@example.com,2026-03-01T10:00:00,,2026-03-01T12:00:00,1,false,\n"
    assert main(["import", "tickets", _csv(tmp_path, TICKETS + late, "a.csv")]) == 0
    assert "kept for agents not yet known" in capsys.readouterr().out
    fake_slack.add_user("U0LATE", email="late@example.com")
    other = "L2,U0AGENT,2026-03-01T10:00:00,,2026-03-01T12:00:00,1,false,\n"
    assert main(["import", "tickets", _csv(tmp_path, TICKETS + other, "b.csv")]) == 0
    assert "1 rows kept from earlier imports now count" in capsys.readouterr().out
    assert main(["metrics", "--agent", "U0LATE", "--period", "2026-03", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["tickets_solved"] == 1


def _known(engine: Engine, user: str, real_name: str, display: str | None = None) -> None:
    """Someone CX Coach has met, with their Slack names."""
    with Session(engine) as session:
        people.record_profile(
            session=session, workspace_id="T0001", now=datetime(2026, 3, 1, tzinfo=UTC),
            profile=people.SlackProfile(user_id=user, display_name=display or real_name,
                                        timezone="UTC", is_admin=False, deleted=False,
                                        real_name=real_name),
        )  # fmt: skip
        session.commit()


def _people(engine: Engine) -> set[str]:
    with Session(engine) as session:
        return set(session.exec(select(Person.slack_user_id)).all())


def test_agents_named_not_emailed_never_become_people(
    env: None, engine: Engine, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A name matches the one person with that Slack real or display name (case, accents and
    spacing aside); an unknown or shared name is kept unmatched and reported; no person is
    ever made from a name."""
    _known(engine, "U0WANDA", "Wanda Park")
    _known(engine, "U0SAM1", "Sam Lee")
    _known(engine, "U0SAM2", "Samuel Lee", display="sam lee")
    rows = (
        "T1,Wanda Park,2026-03-01T10:00:00Z,,2026-03-01T12:00:00Z,1,false,email\n"
        "T2,  wánda   PARK ,2026-03-01T10:00:00Z,,2026-03-01T12:00:00Z,1,false,email\n"
        "T3,Ghost Agent,2026-03-01T10:00:00Z,,2026-03-01T12:00:00Z,1,false,email\n"
        "T4,Sam Lee,2026-03-01T10:00:00Z,,2026-03-01T12:00:00Z,1,false,email\n"
    )
    before = _people(engine)
    assert main(["import", "tickets", _csv(tmp_path, TICKETS + rows)]) == 0
    err = capsys.readouterr().err
    assert "line 4: nobody known as `Ghost Agent`" in err
    assert "line 5: 2 people are called `Sam Lee`" in err
    assert _people(engine) == before
    tickets = _tickets(engine)
    with Session(engine) as session:
        wanda = session.exec(select(Person.id).where(Person.slack_user_id == "U0WANDA")).one()
    assert (tickets["T1"].person_id, tickets["T2"].person_id) == (wanda, wanda)
    assert (tickets["T3"].person_id, tickets["T4"].person_id) == (None, None)


def test_an_agents_map_credits_kept_rows_and_later_imports(
    env: None, engine: Engine, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`import agents` maps a helpdesk name or id to a Slack user (by ID or email): rows kept
    for it count at once, and later imports use the map; bad lines are reported."""
    _known(engine, "U0SAM1", "Sam Lee")
    _known(engine, "U0SAM2", "Sam Lee")
    rows = (
        "T1,Sam Lee,2026-03-01T10:00:00Z,,2026-03-01T12:00:00Z,1,false,email\n"
        "T2,48213,2026-03-01T10:00:00Z,,2026-03-01T12:00:00Z,1,false,email\n"
    )
    assert main(["import", "tickets", _csv(tmp_path, TICKETS + rows)]) == 0
    capsys.readouterr()
    agents = (
        "helpdesk_agent,slack\nSam Lee,U0SAM2\n48213,ana@example.com\n,U0SAM1\n"
        "Nobody,someone\nGhost,ghost@example.com\n"
    )
    assert main(["import", "agents", _csv(tmp_path, agents, "agents.csv")]) == 1
    out, err = capsys.readouterr()
    assert "2 mapped, 0 changed" in out
    assert "2 rows kept from earlier imports now count" in out
    assert "line 4: helpdesk_agent is empty" in err
    assert "line 5: slack `someone` is neither a Slack user ID" in err
    assert "line 6: no Slack user has the email ghost@example.com" in err
    with Session(engine) as session:
        ids = dict(session.exec(select(Person.slack_user_id, Person.id)).all())
    tickets = _tickets(engine)
    assert (tickets["T1"].person_id, tickets["T2"].person_id) == (ids["U0SAM2"], ids["U0AGENT"])
    later = "T3,48213,2026-03-02T10:00:00Z,,2026-03-02T12:00:00Z,1,false,email\n"
    assert main(["import", "tickets", _csv(tmp_path, TICKETS + later)]) == 0
    assert _tickets(engine)["T3"].person_id == ids["U0AGENT"]


def test_files_as_excel_writes_them(
    env: None, engine: Engine, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Semicolons in Windows-1252 (said on stderr), UTF-16 with tabs, and UTF-8 with a BOM all
    import; a column mapped twice is a clear error."""
    semicolons = TICKETS.replace(",", ";") + (
        "T1;José Núñez;2026-03-01T10:00:00Z;;2026-03-01T12:00:00Z;1;false;email\n"
    )
    (tmp_path / "cp1252.csv").write_bytes(semicolons.encode("cp1252"))
    assert main(["import", "tickets", str(tmp_path / "cp1252.csv")]) == 0
    out, err = capsys.readouterr()
    assert "read as Windows-1252" in err
    assert "1 inserted" in out
    assert _tickets(engine)["T1"].agent == "José Núñez"
    tabs = TICKETS.replace(",", "\t") + (
        "T2\tU0AGENT\t2026-03-01T10:00:00Z\t\t2026-03-01T12:00:00Z\t1\tfalse\temail\n"
    )
    (tmp_path / "utf16.csv").write_bytes(tabs.encode("utf-16"))
    (tmp_path / "bom.csv").write_bytes(("\ufeff" + TICKETS + "T3,U0AGENT,2026-03-01T10:00:00Z,"
                                        ",,1,false,email\n").encode())  # fmt: skip
    assert main(["import", "tickets", str(tmp_path / "utf16.csv")]) == 0
    assert main(["import", "tickets", str(tmp_path / "bom.csv")]) == 0
    assert {"T2", "T3"} <= set(_tickets(engine))
    capsys.readouterr()
    twice = ["--map", "Id=ticket_id", "--map", "Ticket=ticket_id"]
    assert main(["import", "tickets", str(tmp_path / "bom.csv"), *twice]) == 2
    assert "--map maps both `Id` and `Ticket` to ticket_id" in capsys.readouterr().err
    onto = ["--map", "agent=ticket_id"]
    assert main(["import", "tickets", str(tmp_path / "bom.csv"), *onto]) == 2
    assert "column ticket_id would come from `ticket_id` and `agent`" in capsys.readouterr().err


def test_our_format_takes_a_zone_and_a_kind_when_told(
    env: None, engine: Engine, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Our own format keeps "no offset is UTC", unless --timezone says where the times are;
    a survey file without a kind column takes --kind."""
    rows = "T1,U0AGENT,2026-07-01 09:00,,2026-07-01T10:00:00+02:00,1,0,email\n"
    assert main(["import", "tickets", _csv(tmp_path, TICKETS + rows),
                 "--timezone", "Europe/Paris"]) == 0  # fmt: skip
    ticket = _tickets(engine)["T1"]
    assert ticket.created_at == datetime(2026, 7, 1, 7, 0, tzinfo=UTC)
    assert ticket.solved_at == datetime(2026, 7, 1, 8, 0, tzinfo=UTC)  # its own offset wins
    surveys = "response_id,agent,score,submitted_at\nS1,U0AGENT,9,2026-07-01T10:00:00Z\n"
    path = _csv(tmp_path, surveys, "nps.csv")
    assert main(["import", "surveys", path]) == 2
    assert "the header lacks kind" in capsys.readouterr().err
    assert main(["import", "surveys", path, "--kind", "nps"]) == 0
    with Session(engine) as session:
        survey = session.exec(select(SurveyResponse)).one()
    assert (survey.kind, survey.score) == ("nps", 9)
