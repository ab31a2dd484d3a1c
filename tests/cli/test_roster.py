"""`python -m bot roster`: operators load people, teams, roles and shifts from CSV, on SQLite and
Postgres, with Slack lookups going to the fake over real HTTP."""

from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from bot.__main__ import main
from bot.store.models import Membership, Person, Team
from tests.fakeslack import FakeSlack

HEADER = "agent,team,role,timezone,shift_days,shift_end\n"


@pytest.fixture
def env(
    engine: Engine, db_url: str, fake_slack: FakeSlack, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The CLI pointed at the test database and the fake Slack."""
    monkeypatch.setenv("DATABASE_URL", db_url)
    monkeypatch.setenv("SLACK_BOT_TOKEN", fake_slack.bot_token)
    monkeypatch.setenv("SLACK_API_BASE_URL", fake_slack.api_url)


def _file(tmp_path: Path, body: str) -> str:
    path = tmp_path / "roster.csv"
    path.write_text(HEADER + body)
    return str(path)


def _people(engine: Engine) -> dict[str, Person]:
    with Session(engine) as session:
        return {p.slack_user_id: p for p in session.exec(select(Person)).all()}


def _teams(engine: Engine) -> dict[str, Team]:
    with Session(engine) as session:
        return {t.name: t for t in session.exec(select(Team)).all()}


def test_import_creates_people_teams_and_shifts(
    env: None, engine: Engine, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """IDs and emails resolve through Slack; a new team takes its lead's zone; shifts are saved."""
    roster = _file(
        tmp_path,
        "U0LEAD,Tier 1,lead,,mon-fri,18:00\n"
        'ana@example.com,Tier 1,agent,Asia/Kolkata,"mon,wed,fri",22:00\n',
    )
    assert main(["roster", "import", roster]) == 0
    assert "2 people created, 0 updated, 1 team created (Tier 1)" in capsys.readouterr().out
    people = _people(engine)
    assert people["U0AGENT"].timezone_override == "Asia/Kolkata"
    assert (people["U0AGENT"].shift_days, people["U0AGENT"].shift_end) == ("mon,wed,fri", "22:00")
    assert people["U0LEAD"].timezone == "Europe/London"  # from the Slack profile
    assert _teams(engine)["Tier 1"].timezone == "Europe/London"  # the lead's


def test_reimporting_the_same_file_changes_nothing(
    env: None, engine: Engine, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A second import of the same file creates and updates nothing."""
    roster = _file(tmp_path, "U0LEAD,Tier 1,lead,,mon-fri,18:00\nU0AGENT,Tier 1,,,,\n")
    assert main(["roster", "import", roster]) == 0
    capsys.readouterr()
    assert main(["roster", "import", roster]) == 0
    assert "0 people created, 0 updated, 0 teams created, 0 memberships" in capsys.readouterr().out
    with Session(engine) as session:
        assert len(session.exec(select(Membership)).all()) == 2


def test_bad_lines_are_reported_and_good_ones_land(
    env: None, engine: Engine, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Each bad line is named with every reason it has, in line order; the good lines are
    imported; the report counts every line; exit code 1."""
    roster = _file(
        tmp_path,
        "U0AGENT,Tier 1,agent,,mon-fri,17:30\n"
        "U0LEAD,Tier 1,boss,Mars/Base,,\n"
        "U0ADMIN,Tier 1,agent,Mars/Base,,\n"
        "U0ADMIN,Tier 1,agent,,mon-fri,25:00\n"
        "U0GHOST,Tier 1,agent,,,\n"
        "U0ADMIN,Tier 1,agent,,mon-fri,\n",
    )
    assert main(["roster", "import", roster]) == 1
    out, err = capsys.readouterr()
    assert "line 3: role `boss` must be `agent` or `lead`; `Mars/Base` is not a time zone" in err
    assert "line 4: `Mars/Base` is not a time zone" in err
    assert "line 5: `25:00` is not a time" in err
    assert "line 6: Slack has no user `U0GHOST`" in err
    assert "line 7: give both shift_days and shift_end" in err
    assert err.index("line 5:") < err.index("line 6:") < err.index("line 7:")
    assert out.startswith("6 rows: 1 person created")
    assert "5 rows with errors" in out
    assert set(_people(engine)) == {"U0AGENT"}


def test_strict_rejects_the_whole_file(
    env: None, engine: Engine, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """With --strict one unknown Slack user keeps every line out; exit code 2."""
    roster = _file(tmp_path, "U0AGENT,Tier 1,agent,,,\nU0GHOST,Tier 1,agent,,,\n")
    assert main(["roster", "import", roster, "--strict"]) == 2
    assert "nothing imported" in capsys.readouterr().err
    assert _people(engine) == {}
    assert _teams(engine) == {}


def test_dry_run_writes_nothing(
    env: None, engine: Engine, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--dry-run reports what would change and leaves the database alone."""
    assert (
        main(["roster", "import", _file(tmp_path, "U0AGENT,Tier 1,agent,,,\n"), "--dry-run"]) == 0
    )
    assert "Would do: 1 row: 1 person created" in capsys.readouterr().out
    assert _people(engine) == {}


def test_export_round_trips(
    env: None, engine: Engine, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """What export prints imports again without changing anything."""
    body = "U0LEAD,Tier 1,lead,,mon-fri,18:00\nU0AGENT,Tier 1,agent,Asia/Kolkata,sat-mon,07:00\n"
    assert main(["roster", "import", _file(tmp_path, body)]) == 0
    capsys.readouterr()
    assert main(["roster", "export"]) == 0
    exported = capsys.readouterr().out
    assert 'U0AGENT,Tier 1,agent,Asia/Kolkata,"mon,sat,sun",07:00' in exported
    (tmp_path / "again.csv").write_text(exported)
    assert main(["roster", "import", str(tmp_path / "again.csv")]) == 0
    assert "2 already up to date" in capsys.readouterr().out


def test_a_missing_file_is_a_usage_error(env: None, capsys: pytest.CaptureFixture[str]) -> None:
    """A file that is not there exits 2 with one line."""
    assert main(["roster", "import", "/nonexistent/roster.csv"]) == 2
    assert "cannot read /nonexistent/roster.csv" in capsys.readouterr().err


def test_five_hundred_people_in_one_command(
    env: None, engine: Engine, fake_slack: FakeSlack, tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    """An operator loads 500 agents in 10 teams from one file, with progress on stderr."""
    lines = []
    for n in range(500):
        user = f"U9{n:05d}"
        fake_slack.add_user(user, name=f"agent{n}", tz="Europe/Berlin", email=f"a{n}@example.com")
        lines.append(f"{user},Team {n % 10},{'lead' if n < 10 else 'agent'},,mon-fri,17:00\n")
    assert main(["roster", "import", _file(tmp_path, "".join(lines))]) == 0
    output = capsys.readouterr()
    assert "500 people created" in output.out
    assert "… 500/500 rows" in output.err
    assert len(_teams(engine)) == 10


def test_export_defuses_formula_team_names_and_imports_them_back(
    env: None, engine: Engine, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A team named `=HYPERLINK(…)` is exported as text a spreadsheet will not run, and the
    exported file imports back onto the same team."""
    body = 'U0LEAD,"=HYPERLINK(""http://x"",""y"")",lead,,mon-fri,18:00\n'
    assert main(["roster", "import", _file(tmp_path, body)]) == 0
    capsys.readouterr()
    assert main(["roster", "export"]) == 0
    exported = capsys.readouterr().out
    assert '"\'=HYPERLINK(""http://x"",""y"")"' in exported
    (tmp_path / "again.csv").write_text(exported)
    assert main(["roster", "import", str(tmp_path / "again.csv")]) == 0
    assert "0 memberships added or changed, 1 already up to date" in capsys.readouterr().out
