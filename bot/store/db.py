"""Engines and sessions for SQLite (the embedded default) and Postgres (production)."""

from collections.abc import Callable
from typing import Any

from sqlalchemy import Engine, create_engine, event, make_url, text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import sessionmaker
from sqlmodel import Session

SessionFactory = Callable[[], Session]


def make_engine(url: str, **engine_kwargs: Any) -> Engine:
    """Create an engine for `url`, tuned for a long-lived, multi-threaded bot."""
    if url.startswith("sqlite"):
        engine = create_engine(
            url,
            connect_args={"check_same_thread": False, "timeout": 5},
            **engine_kwargs,
        )
        event.listen(engine, "connect", _sqlite_on_connect)
        event.listen(engine, "begin", _sqlite_on_begin)
        return engine
    # connect_timeout: a down database must fail a health check quickly, not hang it.
    # prepare_threshold None: psycopg would otherwise prepare a statement run 5 times and PG may
    # keep a generic plan made while a table was empty (a big first import then scanned the
    # whole table for every batch: 2.4 s per 1,000 rows after 300,000).
    connect_args = {
        "connect_timeout": 5, "prepare_threshold": None, **engine_kwargs.pop("connect_args", {}),
    }  # fmt: skip
    return create_engine(url, pool_pre_ping=True, connect_args=connect_args, **engine_kwargs)


def _sqlite_on_connect(dbapi_connection: Any, _record: Any) -> None:
    # Take transaction control away from pysqlite (which never BEGINs before a SELECT) and
    # emit BEGIN ourselves in _sqlite_on_begin, as SQLAlchemy's SQLite docs recommend.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")  # readers never block the one writer
    cursor.execute("PRAGMA synchronous=NORMAL")  # safe with WAL, much faster than FULL
    cursor.execute("PRAGMA foreign_keys=ON")  # off by default in SQLite
    cursor.execute("PRAGMA busy_timeout=5000")  # wait for a busy writer instead of failing
    cursor.execute("PRAGMA secure_delete=ON")  # deleted rows are overwritten, not left in pages
    cursor.close()


def let_go_of_deleted(engine: Engine) -> bool:
    """After deleting what must not be readable (docs/PRIVACY.md): on SQLite, copy the WAL into
    the database (where secure_delete has zeroed the deleted rows) and empty it, so the old
    row versions are in neither file. True when the WAL was emptied (a long reader can keep
    it for now; the next call finishes the job). Postgres keeps dead rows until VACUUM reuses
    their space: nothing to do here."""
    if engine.dialect.name != "sqlite":
        return True
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        busy, _log, _done = cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        cursor.close()
        return not busy
    finally:
        raw.close()


READ_ONLY = {"cx_read_only": True}  # execution options of a read-only engine (read_only())


def _sqlite_on_begin(connection: Any) -> None:
    # IMMEDIATE: take the write lock at the start, so busy_timeout queues concurrent writers.
    # A plain (deferred) BEGIN that reads and then writes fails at once with "database is
    # locked" when another writer got in between (SQLITE_BUSY_SNAPSHOT); WAL readers are
    # never blocked either way. Django 5.1 offers the same choice for the same reason.
    # A transaction that only reads (read_only()) takes a plain BEGIN: a snapshot, no lock.
    if connection.get_execution_options().get("cx_read_only"):
        connection.exec_driver_sql("BEGIN")
    else:
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def read_only(engine: Engine) -> Engine:
    """The same database for transactions that only read: on SQLite they hold no lock, so a
    long read (the clock's pass over every agent) never keeps a writer waiting."""
    return engine.execution_options(**READ_ONLY)


def make_session_factory(engine: Engine, *, reads_only: bool = False) -> SessionFactory:
    """Return a callable that opens a new session; the caller owns the transaction. With
    `reads_only`, sessions that never write (on SQLite: no write lock; see read_only())."""
    bind = read_only(engine) if reads_only else engine
    return sessionmaker(bind=bind, class_=Session, expire_on_commit=False)


def database_answers(engine: Engine) -> bool:
    """Tell whether the database accepts a trivial query right now (a read: on SQLite it does
    not wait for the write lock, so a busy writer does not make the health check fail)."""
    try:
        with read_only(engine).connect() as connection:
            connection.execute(text("SELECT 1"))
    except SQLAlchemyError:
        return False
    return True


def describe_url(url: str) -> str:
    """Render a database URL for messages and logs, with the password hidden."""
    return make_url(url).render_as_string(hide_password=True)
