"""`python -m bot metrics`: a team's KPIs from imported data, as a table or JSON."""

import json
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlmodel import Session

from bot.__main__ import main
from bot.services import teams
from bot.services.kpis import RELATIVE_ACCURACY
from bot.services.permissions import OPERATOR
from tests.cli.test_import import SURVEYS, TICKETS, _csv, env

__all__ = ["env"]  # fixture used below

KEYS = {
    "tickets_solved", "fcr_pct", "csat_pct", "csat_n", "nps", "nps_n", "frt_median_s",
    "frt_p90_s", "resolution_median_s", "participation_pct", "period_start", "period_end",
    "response_times",
}  # fmt: skip


@pytest.fixture
def data(env: None, engine: Engine, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Tier 1 (UTC) with U0AGENT; two March tickets and three surveys imported by the CLI."""
    with Session(engine) as session:
        teams.save(
            session=session, workspace_id="T0001", actor=OPERATOR, team_id=None,
            form=teams.TeamForm(name="Tier 1", members=frozenset({"U0AGENT"})),
        )  # fmt: skip
        session.commit()
    tickets = (
        "T1,U0AGENT,2026-03-01T10:00:00,2026-03-01T10:30:00,2026-03-01T12:00:00,1,false,\n"
        "T2,U0AGENT,2026-03-02T09:00:00,2026-03-02T09:10:00,2026-03-03T09:00:00,2,false,\n"
        "T3,U0AGENT,2026-02-02T09:00:00,2026-02-02T09:10:00,2026-02-03T09:00:00,1,false,\n"
    )
    surveys = (
        "R1,T1,U0AGENT,csat,5,,2026-03-03T08:00:00Z\n"
        "R2,T2,U0AGENT,csat,2,,2026-03-04T08:00:00Z\n"
        "R3,T2,U0AGENT,nps,10,,2026-03-04T08:00:00Z\n"
    )
    assert main(["import", "tickets", _csv(tmp_path, TICKETS + tickets, "t.csv")]) == 0
    assert main(["import", "surveys", _csv(tmp_path, SURVEYS + surveys, "s.csv")]) == 0
    capsys.readouterr()


def test_team_metrics_as_json(data: None, capsys: pytest.CaptureFixture[str]) -> None:
    """March for Tier 1: 2 solved, FCR 50 %, CSAT 50 % of 2, NPS 100 of 1, FRT median 20 min."""
    assert main(["metrics", "--team", "tier 1", "--period", "2026-03", "--json"]) == 0
    figures = json.loads(capsys.readouterr().out)
    assert set(figures) == KEYS
    assert figures["tickets_solved"] == 2
    assert figures["fcr_pct"] == 50.0
    assert (figures["csat_pct"], figures["csat_n"]) == (50.0, 2)
    assert (figures["nps"], figures["nps_n"]) == (100.0, 1)
    # (1800 + 600) / 2 and 1800, read from the sketch (within 1 %)
    assert figures["frt_median_s"] == pytest.approx(1200, rel=RELATIVE_ACCURACY)
    assert figures["frt_p90_s"] == pytest.approx(1800, rel=RELATIVE_ACCURACY)
    assert figures["participation_pct"] is None  # no prompts: no data, not 0
    assert figures["period_start"] == "2026-03-01T00:00:00+00:00"


def test_agent_metrics_as_a_table(data: None, capsys: pytest.CaptureFixture[str]) -> None:
    """An agent's figures print one per line, with "no data" where there is none."""
    assert (
        main(["metrics", "--agent", "U0AGENT", "--from", "2026-02-01", "--to", "2026-02-28"]) == 0
    )
    out = capsys.readouterr().out
    assert "tickets_solved        1" in out
    assert "csat_pct              no data" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--team", "Tier 9"], "There is no team called Tier 9"),
        (["--team", "Tier 1", "--period", "2026-13"], "months are 01 to 12"),
        (["--team", "Tier 1", "--from", "2026-03-01"], "--from and --to go together"),
    ],
)
def test_bad_arguments_are_explained(
    data: None, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    """Unknown teams, impossible periods and half ranges exit 2 with one line."""
    assert main(["metrics", *args]) == 2
    assert message in capsys.readouterr().err
