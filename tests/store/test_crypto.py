"""Free text encrypted at rest: with CX_ENCRYPTION_KEY set no text is readable in the database
(its tables or its files), everything still reads and groups as before; without the key, or
with another one, CX Coach says so instead of showing garbage or nothing."""

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from bot.__main__ import main
from bot.services import digest
from bot.store import crypto
from bot.store.db import let_go_of_deleted, make_engine
from bot.store.models import Reflection, Team
from tests.cli.test_import import env
from tests.privacy_world import ANA_TEXTS, NOW, OTHERS_TEXTS, build, found_in_tables
from tests.schema_templates import Templates

__all__ = ["env"]
TEXTS = (*ANA_TEXTS, *OTHERS_TEXTS)


@pytest.fixture
def key() -> Iterator[str]:
    """Encryption on for this test (the keys are process-wide), off again after it."""
    chosen = crypto.new_key()
    crypto.configure(chosen)
    yield chosen
    crypto.configure(None)


def _build_encrypted(engine: Engine) -> None:
    """The world, written under a key nobody keeps."""
    crypto.configure(crypto.new_key())
    try:
        build(engine)
    finally:
        crypto.configure(None)


def test_with_a_key_no_table_holds_readable_text(key: str, engine: Engine) -> None:
    build(engine)
    assert found_in_tables(engine, TEXTS) == []
    with Session(engine) as session:  # read through CX Coach, the words are all there
        answers = [r.answers for r in session.exec(select(Reflection)).all()]
    assert any(ANA_TEXTS[0] in text for text in answers)


def test_with_a_key_the_sqlite_files_hold_no_text(
    key: str, tmp_path: Path, schema_templates: Templates
) -> None:
    path = tmp_path / "cx.db"
    schema_templates.sqlite_copy(path)
    engine = make_engine(f"sqlite:///{path}")
    build(engine)
    let_go_of_deleted(engine)
    engine.dispose()
    stored = path.read_bytes() + (path.with_name("cx.db-wal").read_bytes()
                                  if path.with_name("cx.db-wal").exists() else b"")  # fmt: skip
    assert [text for text in TEXTS if text.encode() in stored] == []


def test_training_needs_are_still_grouped_from_encrypted_answers(key: str, engine: Engine) -> None:
    build(engine)
    with Session(engine) as session:
        team = session.exec(select(Team)).one()
        week = digest.week_of("2026-W48", team=team, now=NOW + timedelta(days=7))
        built = digest.build(session=session, team=team, week=week)
    assert ("refunds", 1) in [tuple(need) for need in built.training_needs]


def test_without_the_key_encrypted_text_is_refused_with_what_to_do(engine: Engine) -> None:
    _build_encrypted(engine)
    with Session(engine) as session, pytest.raises(crypto.KeyProblem, match="not set"):
        session.exec(select(Reflection)).all()
    assert "CX_ENCRYPTION_KEY is not set" in (crypto.probe(engine) or "")


def test_start_with_another_key_is_refused_and_changes_nothing(
    env: None, engine: Engine, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _build_encrypted(engine)
    monkeypatch.setenv("CX_ENCRYPTION_KEY", crypto.new_key())
    assert main(["privacy", "settings", "--workspace", "T1", "--retention-months", "6"]) != 0
    assert "does not open this text" in capsys.readouterr().err
    monkeypatch.setenv("CX_ENCRYPTION_KEY", "not-a-key")
    assert main(["privacy", "settings", "--workspace", "T1"]) == 2
    assert "CX_ENCRYPTION_KEY" in capsys.readouterr().err
    crypto.configure(None)


def test_rotate_key_rewrites_everything_under_the_new_key(
    env: None, engine: Engine, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Rows written before encryption and rows under the old key both end up under the new
    key alone: after rotation, the old key can go."""
    build(engine)  # no key yet: plain text
    old, new = crypto.new_key(), crypto.new_key()
    crypto.configure(old)
    with Session(engine) as session:
        row = session.exec(select(Reflection)).first()
        assert row is not None
        row.answers = row.answers.replace("smoothly", "smoothly again")
        session.add(row)
        session.commit()
    monkeypatch.setenv("CX_ENCRYPTION_KEY", new)
    monkeypatch.setenv("CX_ENCRYPTION_OLD_KEYS", old)
    assert main(["privacy", "rotate-key"]) == 0
    assert "reflection.answers" in capsys.readouterr().out
    crypto.configure(new)
    try:
        assert found_in_tables(engine, TEXTS) == []
        with Session(engine) as session:
            answers = " ".join(r.answers for r in session.exec(select(Reflection)).all())
        assert "smoothly again" in answers
        assert OTHERS_TEXTS[0] in answers
    finally:
        crypto.configure(None)


def test_start_without_the_key_says_the_text_is_encrypted(
    env: None, engine: Engine, capsys: pytest.CaptureFixture[str]
) -> None:
    _build_encrypted(engine)
    assert main(["privacy", "settings", "--workspace", "T1"]) == 0  # settings hold no text
    assert "holds encrypted text and CX_ENCRYPTION_KEY is not set" in capsys.readouterr().err
