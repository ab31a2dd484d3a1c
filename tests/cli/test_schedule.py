"""`python -m bot schedule`: an operator lists one agent's coming check-ins, UTC and local."""

import json
from datetime import UTC, date, datetime

import pytest
from freezegun import freeze_time
from sqlalchemy import Engine
from sqlmodel import Session

from bot.__main__ import main
from bot.store import repos
from bot.store.models import Membership, Person, Team


@pytest.fixture
def agent(engine: Engine, db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Ana in New York, mon-fri until 17:30, on a US-calendar team, away 2027-03-10..11."""
    monkeypatch.setenv("DATABASE_URL", db_url)
    with Session(engine) as session:
        repos.ensure_workspace(session=session, workspace_id="T0001")
        ana = Person(
            workspace_id="T0001", slack_user_id="U0ANA", timezone="America/New_York",
            shift_days="mon,tue,wed,thu,fri", shift_end="17:30", away_until=date(2027, 3, 11),
        )  # fmt: skip
        team = Team(workspace_id="T0001", name="Tier 1", holiday_country="US")
        session.add_all([ana, team])
        session.flush()
        assert ana.id is not None
        assert team.id is not None
        session.add(Membership(team_id=team.id, person_id=ana.id))
        session.commit()


def test_lists_checkins_and_skipped_days_across_dst(
    agent: None, capsys: pytest.CaptureFixture[str]
) -> None:
    """From 2027-03-10: away twice, then check-ins at 17:30 local moving from 22:30 to 21:30 UTC."""
    assert main(["schedule", "--agent", "U0ANA", "--from", "2027-03-10", "--days", "6"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "U0ANA · America/New_York · shift: mon-fri at 17:30"
    assert lines[1:] == [
        "2027-03-10 Wed  skipped   away: away until 2027-03-11",
        "2027-03-11 Thu  skipped   away: away until 2027-03-11",
        "2027-03-12 Fri  check-in  22:30 UTC = 17:30 EST",
        "2027-03-13 Sat  skipped   day off: not a shift day",
        "2027-03-14 Sun  skipped   day off: not a shift day",
        "2027-03-15 Mon  check-in  21:30 UTC = 17:30 EDT",
    ]


def test_json_output_names_holidays(agent: None, capsys: pytest.CaptureFixture[str]) -> None:
    """--json gives each day's status, UTC and local instants, and the holiday's name."""
    assert (
        main(["schedule", "--agent", "U0ANA", "--from", "2027-05-28", "--days", "4", "--json"]) == 0
    )
    output = json.loads(capsys.readouterr().out)
    assert output["timezone"] == "America/New_York"
    friday, _, _, memorial_day = output["days"]
    assert friday["at_utc"] == "2027-05-28T21:30:00+00:00"
    assert friday["at_local"] == "2027-05-28T17:30:00-04:00"
    assert (memorial_day["status"], memorial_day["reason"]) == ("holiday", "Memorial Day")


def test_defaults_to_today_in_the_agents_zone(
    agent: None, capsys: pytest.CaptureFixture[str]
) -> None:
    """Without --from, the list starts on the agent's local today (still Monday in New York)."""
    with freeze_time(datetime(2027, 4, 6, 2, 0, tzinfo=UTC)):  # Tuesday 02:00 UTC
        assert main(["schedule", "--agent", "U0ANA", "--days", "1"]) == 0
    assert "2027-04-05 Mon  check-in" in capsys.readouterr().out


def test_unknown_agent_is_a_usage_error(agent: None, capsys: pytest.CaptureFixture[str]) -> None:
    """An agent nobody imported exits 2 with one line saying so."""
    assert main(["schedule", "--agent", "U0NOBODY"]) == 2
    assert "no agent U0NOBODY is known" in capsys.readouterr().err


def test_bad_date_is_a_usage_error(agent: None, capsys: pytest.CaptureFixture[str]) -> None:
    """--from must be an ISO date."""
    with pytest.raises(SystemExit) as stopped:
        main(["schedule", "--agent", "U0ANA", "--from", "next tuesday"])
    assert stopped.value.code == 2
    assert "is not a date like 2027-03-10" in capsys.readouterr().err
