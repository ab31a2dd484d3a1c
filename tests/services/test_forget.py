"""Forgetting a person: nothing of theirs is left in any table or database file, the team's
figures do not move, and a kudos they gave still counts for the one who received it."""

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from bot.blocks.kudos import home_kudos_blocks
from bot.services import forget, kudos, metrics
from bot.services.periods import parse
from bot.store.db import let_go_of_deleted, make_engine
from bot.store.models import Kudos, Membership, Person
from tests.privacy_world import (
    ANA,
    ANA_EMAIL,
    ANA_NAMES,
    ANA_TEXTS,
    NOW,
    OTHERS_TEXTS,
    build,
    found_in_tables,
)
from tests.schema_templates import Templates

NEEDLES = (ANA, ANA_EMAIL, *ANA_NAMES, *ANA_TEXTS)


def _team_figures(engine: Engine) -> object:
    with Session(engine) as session:
        subject = metrics.team_subject(session=session, workspace_id="T1", name="Tier 1")
        period = parse("2026-11", now=NOW, zone="UTC")
        return metrics.figures(session=session, subject=subject, period=period)


def _forget(engine: Engine, user: str = ANA) -> forget.ForgetReport:
    with Session(engine) as session:
        report = forget.forget(session=session, workspace_id="T1", slack_user_id=user, now=NOW)
        session.commit()
    let_go_of_deleted(engine)
    return report


def test_the_world_holds_everything_the_scan_looks_for(engine: Engine) -> None:
    """Before: the scan finds each of her traces (so the scan after means something)."""
    build(engine)
    found = {hit.split(": ", 1)[1] for hit in found_in_tables(engine, NEEDLES)}
    assert found == set(NEEDLES)


def test_after_forgetting_no_table_holds_her_id_names_or_words(engine: Engine) -> None:
    build(engine)
    report = _forget(engine)
    assert found_in_tables(engine, NEEDLES) == []
    assert found_in_tables(engine, OTHERS_TEXTS) != []  # someone else's words stay
    assert report.removed["reflection"] == 1
    assert report.removed["actionitem"] == 1
    assert report.changed["helpdeskticket"] == 3


def test_the_teams_figures_do_not_change(engine: Engine) -> None:
    world = build(engine)
    before = _team_figures(engine)
    _forget(engine)
    assert _team_figures(engine) == before
    with Session(engine) as session:  # her place in the team stays, under a pseudonym
        kept = session.get(Person, world.ana)
        assert kept is not None
        assert kept.slack_user_id.startswith("former-")
        assert kept.active is False
        assert kept.forgotten_at is not None
        assert session.get(Membership, (world.team_id, world.ana)) is not None


def test_a_kudos_she_gave_still_counts_for_its_receiver(engine: Engine) -> None:
    world = build(engine)
    _forget(engine)
    with Session(engine) as session:
        cat = session.get(Person, world.cat)
        assert cat is not None
        total, latest = kudos.received(session=session, person=cat)
        assert total == 1
        assert latest[0].reason == ""
        shown = json.dumps([b.to_dict() for b in home_kudos_blocks(cat, total, latest)])
        assert "a former colleague" in shown
        assert "<@former-" not in shown
        (given,) = session.exec(select(Kudos).where(Kudos.giver_id == world.ana)).all()
        assert given.reason == ""


@pytest.fixture
def sqlite_file(tmp_path: Path, schema_templates: Templates) -> Iterator[tuple[Engine, Path]]:
    """A migrated SQLite database file (whatever database the other tests run on)."""
    path = tmp_path / "cx.db"
    schema_templates.sqlite_copy(path)
    engine = make_engine(f"sqlite:///{path}")
    yield engine, path
    engine.dispose()


def test_sqlite_files_hold_nothing_of_hers(sqlite_file: tuple[Engine, Path]) -> None:
    """The database file and its WAL, read as bytes: no id, name or text of hers (deleted
    rows are overwritten, and the WAL with their old versions is emptied)."""
    engine, path = sqlite_file
    build(engine)
    before = path.read_bytes() + _wal(path)
    assert ANA_TEXTS[0].encode() in before
    _forget(engine)
    after = path.read_bytes() + _wal(path)
    assert [n for n in NEEDLES if n.encode() in after or n.lower().encode() in after] == []


def _wal(path: Path) -> bytes:
    wal = path.with_name(path.name + "-wal")
    return wal.read_bytes() if wal.exists() else b""


def test_forgetting_nobody_says_so_and_changes_nothing(engine: Engine) -> None:
    build(engine)
    with Session(engine) as session, pytest.raises(forget.ForgetError, match="Nobody known"):
        forget.forget(session=session, workspace_id="T1", slack_user_id="U0NOBODY", now=NOW)
    assert {hit.split(": ", 1)[1] for hit in found_in_tables(engine, NEEDLES)} == set(NEEDLES)
