"""Alembic environment: migrates the connection bot.store.migrate hands over, or DATABASE_URL."""

from alembic import context
from sqlalchemy import Connection
from sqlmodel import SQLModel

from bot.store import models  # noqa: F401  (registers every table on SQLModel.metadata)

config = context.config
target_metadata = SQLModel.metadata


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=True,  # SQLite lacks most ALTER TABLE; batch mode is a no-op on Postgres
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    """Migrate the connection we were given, or the database named by DATABASE_URL."""
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    from bot.config import Settings
    from bot.store.db import make_engine

    engine = make_engine(Settings().database_url)
    with engine.connect() as new_connection:
        _run(new_connection)
    engine.dispose()


run_migrations_online()
