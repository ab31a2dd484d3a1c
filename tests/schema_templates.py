"""Migrated databases for the tests, fast: the migrations run once per test session into a
template — a SQLite file, a Postgres schema — and each test that asks for `engine` gets a copy
(the file copied; the schema's tables created by one script compiled from the template's
reflected definitions). The
migrations themselves stay tested where a test migrates an empty database (tests/store,
tests/test_main.py) and where the migrated schema is compared with the models."""

import shutil
import sqlite3
import uuid
from contextlib import closing
from pathlib import Path

from sqlalchemy import Engine, MetaData, create_engine, select, text
from sqlalchemy.dialects import postgresql
from sqlalchemy.schema import CreateIndex, CreateTable

from bot.store import migrate
from bot.store.db import make_engine


class Templates:
    """The session's templates, made when first needed."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._sqlite: Path | None = None
        self._postgres: tuple[str, MetaData, str] | None = None  # (schema, tables, version)
        self._postgres_script = ""  # the DDL that makes those tables, and the version row

    def sqlite_copy(self, path: Path) -> None:
        """A migrated SQLite database at `path`."""
        if self._sqlite is None:
            template = self.folder / "template.db"
            engine = make_engine(f"sqlite:///{template}")
            migrate.upgrade(engine)
            engine.dispose()
            with closing(sqlite3.connect(template)) as connection:  # all in the file, no -wal
                connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            self._sqlite = template
        shutil.copyfile(self._sqlite, path)

    def postgres_tables(self, base: str, url: str) -> None:
        """The migrated tables in the (empty) schema `url` points at."""
        if self._postgres is None:
            schema = f"t_template_{uuid.uuid4().hex[:8]}"
            admin = create_engine(base, isolation_level="AUTOCOMMIT")
            with admin.connect() as connection:
                connection.execute(text(f'CREATE SCHEMA "{schema}"'))
            admin.dispose()
            template = make_engine(_in_schema(base, schema))
            migrate.upgrade(template)
            tables = MetaData()
            tables.reflect(template)
            for table in tables.tables.values():
                for column in table.columns:  # serial ids: their own sequence in each schema
                    default = column.server_default
                    if default is not None and "nextval(" in str(getattr(default, "arg", "")):
                        column.server_default = None
            with template.connect() as connection:
                version = str(connection.execute(select(tables.tables["alembic_version"])).scalar())
            template.dispose()
            self._postgres = (schema, tables, version)
            self._postgres_script = _ddl(tables, version)
        engine: Engine = make_engine(url)
        with engine.begin() as connection:  # one round trip, not create_all's one per table
            connection.exec_driver_sql(self._postgres_script)
        engine.dispose()

    def drop(self, base: str | None) -> None:
        """Remove the Postgres template schema (the SQLite file goes with pytest's tmp dir)."""
        if self._postgres is None or base is None:
            return
        admin = create_engine(base, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f'DROP SCHEMA "{self._postgres[0]}" CASCADE'))
        admin.dispose()


def _in_schema(base: str, schema: str) -> str:
    separator = "&" if "?" in base else "?"
    return f"{base}{separator}options=-csearch_path%3D{schema}"


def _ddl(tables: MetaData, version: str) -> str:
    """CREATE TABLE and CREATE INDEX for every table, in dependency order, and the migration
    version's row: one script, compiled once for the session."""
    dialect = postgresql.dialect()  # type: ignore[no-untyped-call]
    statements = []
    for table in tables.sorted_tables:
        statements.append(str(CreateTable(table).compile(dialect=dialect)).strip())
        statements += [str(CreateIndex(index).compile(dialect=dialect)).strip()
                       for index in table.indexes]  # fmt: skip
    statements.append(f"INSERT INTO alembic_version (version_num) VALUES ('{version}')")
    return ";\n".join(statements) + ";"
