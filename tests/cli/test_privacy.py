"""`python -m bot privacy …`: forget a person, export a person's data, the workspace's retention
settings and encryption keys — each with a clear message for bad input and nothing changed."""

import json
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlmodel import Session

from bot.__main__ import main
from bot.store.models import Workspace
from tests.cli.test_import import env
from tests.privacy_world import ANA, ANA_TEXTS, build, found_in_tables

__all__ = ["env"]


def test_forget_dry_run_says_what_would_go_and_changes_nothing(
    env: None, engine: Engine, capsys: pytest.CaptureFixture[str]
) -> None:
    build(engine)
    assert main(["privacy", "forget", "--user", ANA, "--workspace", "T1", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "Dry run, nothing changed" in out
    assert "reflection: 1 removed" in out
    assert found_in_tables(engine, (ANA_TEXTS[0],)) != []


def test_forget_removes_and_prints_table_by_table(
    env: None, engine: Engine, capsys: pytest.CaptureFixture[str]
) -> None:
    build(engine)
    assert main(["privacy", "forget", "--user", ANA, "--workspace", "T1"]) == 0
    out = capsys.readouterr().out
    assert f"Forgot {ANA}" in out
    assert "actionitem: 1 removed" in out
    assert "helpdeskticket: 3 kept under the pseudonym" in out
    assert found_in_tables(engine, (ANA, *ANA_TEXTS)) == []


def test_forgetting_someone_unknown_is_refused(
    env: None, engine: Engine, capsys: pytest.CaptureFixture[str]
) -> None:
    build(engine)
    assert main(["privacy", "forget", "--user", "U0NOBODY", "--workspace", "T1"]) == 2
    assert "Nobody known as U0NOBODY" in capsys.readouterr().err


def test_export_writes_her_data_and_nothing_that_points_at_an_anonymous_giver(
    env: None, engine: Engine, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    build(engine)
    out = tmp_path / "ana.zip"
    assert main(["privacy", "export", "--user", ANA, "--workspace", "T1", "--out", str(out)]) == 0
    assert f"Wrote {out}" in capsys.readouterr().out
    with zipfile.ZipFile(out) as archive:
        names = set(archive.namelist())
        data = json.loads(archive.read("cx-coach-data.json"))
        every = "".join(archive.read(name).decode() for name in names)
    assert {"cx-coach-data.json", "reflections.csv", "feedback_received.csv",
            "kudos_given.csv", "kpis_by_month.csv"} <= names  # fmt: skip
    assert data["reflections"][0]["answer_well"] == ANA_TEXTS[0]
    assert data["action_items"][0]["text"] == ANA_TEXTS[3]
    assert [r["from"] for r in data["feedback_received"]] == ["U0CAT"]  # named, shared
    assert data["feedback_given"][0]["well"] == ANA_TEXTS[6]
    assert data["kudos_received"][0]["reason"] == ANA_TEXTS[8]
    assert data["kpis_by_month"][0]["tickets_solved"] == 3
    assert ANA_TEXTS[5] not in every  # an anonymous answer still waiting for its batch
    assert "U0DAN" not in every  # nothing ties its giver to it


def test_export_for_someone_unknown_or_to_a_bad_file_is_refused(
    env: None, engine: Engine, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    build(engine)
    zip_out = str(tmp_path / "x.zip")
    assert main(["privacy", "export", "--user", "U0NOBODY", "--workspace", "T1",
                 "--out", zip_out]) == 2  # fmt: skip
    assert "Nobody known as U0NOBODY" in capsys.readouterr().err
    assert main(["privacy", "export", "--user", ANA, "--workspace", "T1",
                 "--out", str(tmp_path / "x.csv")]) == 2  # fmt: skip
    assert "should end in .zip" in capsys.readouterr().err
    assert not Path(zip_out).exists()


def test_settings_refuse_a_retention_below_a_month_and_keep_what_was_set(
    env: None, engine: Engine, capsys: pytest.CaptureFixture[str]
) -> None:
    build(engine)
    assert main(["privacy", "settings", "--workspace", "T1", "--retention-months", "6",
                 "--forget-deactivated-days", "30"]) == 0  # fmt: skip
    assert "deleted after 6 months" in capsys.readouterr().out
    assert main(["privacy", "settings", "--workspace", "T1", "--retention-months", "0"]) == 2
    assert "from 1 to 120" in capsys.readouterr().err
    with Session(engine) as session:
        workspace = session.get(Workspace, "T1")
        assert workspace is not None
        assert (workspace.retention_months, workspace.forget_deactivated_days) == (6, 30)
    assert main(["privacy", "settings", "--workspace", "T1", "--retention-months", "off"]) == 0
    assert "texts are kept; people deactivated in Slack are forgotten after 30 days" in (
        capsys.readouterr().out
    )


def test_new_key_prints_a_key_and_rotate_key_needs_one(
    env: None, engine: Engine, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["privacy", "new-key"]) == 0
    key = capsys.readouterr().out.strip()
    assert len(key) == 44
    assert main(["privacy", "rotate-key"]) == 2
    assert "set CX_ENCRYPTION_KEY" in capsys.readouterr().err
