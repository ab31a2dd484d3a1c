"""Storage on SQLite and Postgres: migrations, UTC datetimes, constraints, workspace scoping."""

from datetime import UTC, datetime, timedelta, timezone

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, text
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, SQLModel

from bot.store import migrate, repos
from bot.store.db import database_answers, describe_url, make_engine
from bot.store.models import Membership, Person, Team

pytestmark = pytest.mark.migrations  # these run the migrations themselves, on empty databases


def test_migrations_match_the_models(engine: Engine) -> None:
    """After `migrate`, the schema is exactly what the SQLModel tables describe."""
    with engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), SQLModel.metadata)
    assert diff == []
    assert migrate.is_current(engine)


def test_migrating_twice_changes_nothing(engine: Engine) -> None:
    """Running migrate again on a current database is a no-op."""
    migrate.upgrade(engine)
    assert migrate.is_current(engine)


def test_an_empty_database_is_not_current(db_url: str) -> None:
    """A database that was never migrated is reported as out of date."""
    engine = make_engine(db_url)
    assert not migrate.is_current(engine)
    engine.dispose()


def test_datetimes_come_back_as_aware_utc(engine: Engine) -> None:
    """A datetime stored in any zone is read back as the same instant, in UTC."""
    new_york = timezone(timedelta(hours=-5))
    with Session(engine) as session:
        repos.ensure_workspace(session=session, workspace_id="T1")
        session.add(
            Person(
                workspace_id="T1",
                slack_user_id="U1",
                profile_refreshed_at=datetime(2026, 3, 8, 1, 30, tzinfo=new_york),
            )
        )
        session.commit()
    with Session(engine) as session:
        person = repos.get_person(session=session, workspace_id="T1", slack_user_id="U1")
        assert person is not None
        assert person.profile_refreshed_at is not None
        assert person.profile_refreshed_at == datetime(2026, 3, 8, 6, 30, tzinfo=UTC)
        assert person.profile_refreshed_at.utcoffset() == timedelta(0)


def test_naive_datetimes_are_refused(engine: Engine) -> None:
    """Storing a datetime without a zone fails loudly instead of guessing."""
    with Session(engine) as session:
        repos.ensure_workspace(session=session, workspace_id="T1")
        session.add(
            Person(workspace_id="T1", slack_user_id="U1", profile_refreshed_at=datetime(2026, 1, 1))  # noqa: DTZ001
        )
        with pytest.raises(Exception, match="timezone"):
            session.commit()


def test_a_slack_user_is_one_person_per_workspace(engine: Engine) -> None:
    """The same Slack user id cannot be stored twice in one workspace, but can in another."""
    with Session(engine) as session:
        for workspace in ("T1", "T2"):
            repos.ensure_workspace(session=session, workspace_id=workspace)
            session.add(Person(workspace_id=workspace, slack_user_id="U1"))
        session.commit()
        session.add(Person(workspace_id="T1", slack_user_id="U1"))
        with pytest.raises(IntegrityError):
            session.commit()


def test_ensure_workspace_is_idempotent(engine: Engine) -> None:
    """Seeing a workspace again neither fails nor duplicates it."""
    with Session(engine) as session:
        repos.ensure_workspace(session=session, workspace_id="T1")
        repos.ensure_workspace(session=session, workspace_id="T1")
        session.commit()
        assert session.execute(text("SELECT count(*) FROM workspace")).scalar() == 1


def test_foreign_keys_are_enforced(engine: Engine) -> None:
    """A membership must point at a real team and person (SQLite too, where it is opt-in)."""
    with Session(engine) as session:
        session.add(Membership(team_id=999, person_id=999))
        with pytest.raises(IntegrityError):
            session.commit()


def test_membership_role_is_agent_or_lead(engine: Engine) -> None:
    """A membership role other than agent or lead is refused by the database."""
    with Session(engine) as session:
        repos.ensure_workspace(session=session, workspace_id="T1")
        team, person = (
            Team(workspace_id="T1", name="A"),
            Person(workspace_id="T1", slack_user_id="U1"),
        )
        session.add_all([team, person])
        session.flush()
        assert team.id is not None
        assert person.id is not None
        session.add(Membership(team_id=team.id, person_id=person.id, role="boss"))
        with pytest.raises(IntegrityError):
            session.commit()


def test_deleting_a_team_removes_its_memberships(engine: Engine) -> None:
    """Memberships go with their team."""
    with Session(engine) as session:
        repos.ensure_workspace(session=session, workspace_id="T1")
        team, person = (
            Team(workspace_id="T1", name="A"),
            Person(workspace_id="T1", slack_user_id="U1"),
        )
        session.add_all([team, person])
        session.flush()
        assert team.id is not None
        assert person.id is not None
        session.add(Membership(team_id=team.id, person_id=person.id))
        session.commit()
        session.execute(text("DELETE FROM team"))
        session.commit()
        assert session.execute(text("SELECT count(*) FROM membership")).scalar() == 0


def test_sqlite_runs_in_wal_mode(tmp_path: object) -> None:
    """SQLite files use WAL, so readers never wait for the scheduler's writes."""
    engine = make_engine(f"sqlite:///{tmp_path}/wal.db")
    with engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert connection.execute(text("PRAGMA busy_timeout")).scalar() == 5000
    engine.dispose()


def test_database_answers_reports_a_dead_database() -> None:
    """The health probe says no, quickly, when nothing listens."""
    dead = make_engine(
        "postgresql+psycopg://nobody@127.0.0.1:1/none", connect_args={"connect_timeout": 1}
    )
    assert database_answers(dead) is False


def test_describe_url_hides_the_password() -> None:
    """Database URLs in messages never show the password."""
    shown = describe_url("postgresql+psycopg://cx:s3cret@db.internal:5432/cx")
    assert "s3cret" not in shown
    assert "db.internal" in shown


def test_a_stale_copy_of_a_person_does_not_undo_a_newer_change(engine: Engine) -> None:
    """`repos.fresh` reads the person as saved now: a change made since the copy was read stays."""
    with Session(engine) as session:
        repos.ensure_workspace(session=session, workspace_id="T1")
        session.add(Person(workspace_id="T1", slack_user_id="U1"))
        session.commit()
    with Session(engine, expire_on_commit=False) as session:
        stale = repos.get_person(session=session, workspace_id="T1", slack_user_id="U1")
    assert stale is not None
    with Session(engine) as session:
        person = repos.fresh(session, stale)
        person.leaderboard_opt_out = True
        session.add(person)
        session.commit()
    with Session(engine) as session:
        person = repos.fresh(session, stale)
        person.display_name = "Ana"
        session.add(person)
        session.commit()
        session.refresh(person)
        assert (person.display_name, person.leaderboard_opt_out) == ("Ana", True)


def test_milestones_celebrated_before_the_daily_post_are_not_celebrated_again(
    db_url: str,
) -> None:
    """Upgrading from one post per milestone: each milestone already posted is recorded as
    reached and posted, so the new daily post never repeats it."""
    engine = make_engine(db_url)
    migrate.upgrade(engine, "0014")
    now = datetime(2026, 11, 24, 12, tzinfo=UTC)
    with engine.begin() as connection:
        connection.execute(text("INSERT INTO workspace (id, created_at) VALUES ('T0001', :now)"),
                           {"now": now})  # fmt: skip
        connection.execute(
            text(
                "INSERT INTO outbox (workspace_id, key, kind, channel, payload, due_at, status, "
                "attempts, next_attempt_at, created_at) VALUES ('T0001', 'milestone:7:streak:10', "
                "'milestone', 'C0CELEB', '{}', :now, 'sent', 1, :now, :now)"
            ),
            {"now": now},
        )
    migrate.upgrade(engine)
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT key, post_key FROM milestone")).all()
    engine.dispose()
    assert [tuple(row) for row in rows] == [("milestone:7:streak:10", "milestone:7:streak:10")]
