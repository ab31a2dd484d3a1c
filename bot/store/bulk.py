"""Many new rows at once: Postgres's COPY where it runs (four times the rows per second of an
executemany INSERT, which psycopg sends as one statement per row), a plain executemany on
SQLite. Inside the caller's transaction, like any other statement; the caller commits."""

from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, Table, any_, bindparam, insert, text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session

from bot.store import crypto
from bot.store.crypto import SecretText


def insert_rows(session: Session, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """Insert these rows (every row naming the same columns) into `table`."""
    if not rows:
        return
    connection = session.connection()
    if connection.dialect.name != "postgresql":
        session.execute(insert(table), rows)
        return
    names = list(rows[0])
    columns = ", ".join(connection.dialect.identifier_preparer.quote(name) for name in names)
    driver = connection.connection.driver_connection
    assert driver is not None
    statement = f"COPY {table.name} ({columns}) FROM STDIN"
    # COPY takes values as they are stored: encrypt what the column type would have.
    secret = [isinstance(table.c[name].type, SecretText) for name in names]
    with driver.cursor() as cursor, cursor.copy(statement) as copy:
        for row in rows:
            copy.write_row([
                crypto.encrypt(row[name]) if hidden and row[name] is not None else row[name]
                for name, hidden in zip(names, secret, strict=True)
            ])  # fmt: skip


ANALYZE_AFTER = 5_000  # rows a table may gain before its first statistics are taken


class Statistics:
    """Keeps Postgres's planner statistics of a table in step with a big load into it: ANALYZE
    (which counts this transaction's own new rows) each time the table has gained more rows than
    it held at its last ANALYZE — a handful of times for a year's import. Without it the planner
    keeps the figures of the empty table autovacuum last saw, and a lookup of 1,000 ticket ids
    scanned every ticket of the workspace (100 ms instead of 3 at 270,000 tickets). SQLite's
    planner needs no figures to use the index; there this does nothing."""

    def __init__(self, session: Session, table: Table) -> None:
        self.table = table
        self.postgres = session.connection().dialect.name == "postgresql"
        self.rows, self.gained = self._read(session) if self.postgres else (0.0, 0)

    def inserted(self, session: Session, count: int) -> None:
        """Note `count` new rows; ANALYZE when they outnumber what the statistics know of."""
        if not self.postgres:
            return
        self.gained += count
        if self.gained > max(ANALYZE_AFTER, self.rows):
            session.execute(text(f"ANALYZE {self.table.name}"))
            self.rows, _ = self._read(session)
            self.gained = 0

    def _read(self, session: Session) -> tuple[float, int]:
        rows, gained = session.execute(
            text(
                "SELECT c.reltuples, coalesce(s.n_mod_since_analyze, 0) FROM pg_class c "
                "LEFT JOIN pg_stat_user_tables s ON s.relid = c.oid "
                "WHERE c.oid = CAST(:name AS regclass)"
            ),
            {"name": self.table.name},
        ).one()
        return max(float(rows), 0.0), int(gained)


def one_of(session: Session, column: ColumnElement[Any], values: Sequence[Any]) -> Any:
    """`column IN values` — on Postgres as `= ANY(array)`: one parameter instead of a thousand,
    which psycopg would otherwise parse into the statement for every batch."""
    if session.connection().dialect.name == "postgresql":
        return column == any_(bindparam(None, list(values), type_=ARRAY(column.type)))
    return column.in_(values)


def dialect_insert(session: Session) -> Any:
    """The INSERT construct of the session's database, the one with ON CONFLICT (DO NOTHING or
    DO UPDATE): Postgres's or SQLite's — the insert-or-skip every claim is built on."""
    return pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
