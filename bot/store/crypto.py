"""Free text encrypted at rest (docs/PRIVACY.md): with CX_ENCRYPTION_KEY set, the columns typed
SecretText (reflection answers, replies, 1:1 notes, action items, feedback, kudos reasons,
survey comments, outbox payloads) are stored as Fernet tokens (AES-128-CBC with HMAC-SHA256,
from the `cryptography` package) behind a `cx1:` prefix; rows written before the key was set
stay readable as they are until `python -m bot privacy rotate-key` encrypts them.

The keys are process-wide (configure() at start): the column type has no other way to reach
them. Reading a token without a key, or with keys that do not open it, raises KeyProblem with
what to do — never a silent empty value."""

import threading
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from sqlalchemy import Column, Engine, Table, Text, select, type_coerce, update
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator

PREFIX = "cx1:"


class KeyProblem(RuntimeError):
    """Encrypted text that cannot be read: no key set, or not the key it was written with."""


class _Keys:
    def __init__(self) -> None:
        self.cipher: MultiFernet | None = None
        self.lock = threading.Lock()


_KEYS = _Keys()


def check_key(key: str) -> Fernet:
    """A Fernet for `key`, or KeyProblem saying what a key must look like."""
    try:
        return Fernet(key.strip().encode())
    except (ValueError, TypeError):
        raise KeyProblem(
            "CX_ENCRYPTION_KEY is not a key: it must be 32 bytes in URL-safe base64 (44 "
            "characters); make one with `python -m bot privacy new-key`"
        ) from None


def configure(key: str | None, old_keys: tuple[str, ...] = ()) -> None:
    """Encrypt with `key` from now on (None: store text as it is); `old_keys` still open rows
    written with them, until rotate-key has rewritten those rows."""
    with _KEYS.lock:
        if not key:
            _KEYS.cipher = None
            return
        _KEYS.cipher = MultiFernet([check_key(key), *(check_key(old) for old in old_keys)])


def enabled() -> bool:
    return _KEYS.cipher is not None


def new_key() -> str:
    return Fernet.generate_key().decode()


PLAIN = frozenset({"", "{}"})  # empty: stored as is, so SQL can still find emptied rows


def encrypt(text: str) -> str:
    cipher = _KEYS.cipher
    if cipher is None or text in PLAIN:
        return text
    return PREFIX + cipher.encrypt(text.encode()).decode()


def is_encrypted(stored: str | None) -> bool:
    return bool(stored) and str(stored).startswith(PREFIX)


def decrypt(stored: str) -> str:
    if not stored.startswith(PREFIX):
        return stored  # written before encryption was turned on
    cipher = _KEYS.cipher
    if cipher is None:
        raise KeyProblem(
            "this text is encrypted and CX_ENCRYPTION_KEY is not set: set the key it was "
            "written with"
        )
    try:
        return cipher.decrypt(stored[len(PREFIX) :].encode()).decode()
    except InvalidToken:
        raise KeyProblem(
            "CX_ENCRYPTION_KEY does not open this text: it was written with another key (put "
            "that one in CX_ENCRYPTION_OLD_KEYS, then run `python -m bot privacy rotate-key`)"
        ) from None


def rotate(stored: str) -> str:
    """The same text under the current key (plain text gets encrypted)."""
    return encrypt(decrypt(stored))


class SecretText(TypeDecorator[str]):
    """Text that is encrypted when a key is configured (see the module's docstring)."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:  # noqa: ARG002
        return None if value is None else encrypt(str(value))

    def process_result_value(self, value: Any, dialect: Dialect) -> Any:  # noqa: ARG002
        return None if value is None else decrypt(str(value))


def secret_columns() -> list[tuple[Table, Column[Any]]]:
    """Every (table, column) stored as SecretText."""
    from sqlmodel import SQLModel

    return [
        (table, column)
        for table in SQLModel.metadata.sorted_tables
        for column in table.columns
        if isinstance(column.type, SecretText)
    ]


def rotate_all(engine: Engine, batch: int = 500) -> dict[str, int]:
    """Rewrite every SecretText value under the current key, in one transaction: a value no
    key opens raises KeyProblem and nothing is changed. How many values, by table.column."""
    counts: dict[str, int] = {}
    with engine.begin() as connection:
        for table, column in secret_columns():
            key = table.primary_key.columns.values()[0]
            raw = type_coerce(column, Text)
            done, last = 0, None
            while True:
                query = select(key, raw).where(column.isnot(None)).order_by(key).limit(batch)
                if last is not None:
                    query = query.where(key > last)
                rows = connection.execute(query).all()
                if not rows:
                    break
                for row_id, stored in rows:
                    new = rotate(stored)
                    if new != stored:
                        connection.execute(
                            update(table).where(key == row_id)
                            .values({column.name: type_coerce(new, Text)})
                        )  # fmt: skip
                        done += 1
                last = rows[-1][0]
            counts[f"{table.name}.{column.name}"] = done
    return counts


def probe(engine: Engine) -> str | None:
    """Check the configured keys against what is stored, at start: KeyProblem when the key
    opens none of it (nothing would be readable), a warning when encrypted text is stored and
    no key is set (those rows cannot be read), else None."""
    from sqlalchemy.exc import SQLAlchemyError

    sample = None
    try:  # the newest rows of each table (by primary key: no scan of a big table)
        with engine.connect() as connection:
            for table, column in secret_columns():
                key = table.primary_key.columns.values()[0]
                newest = connection.execute(
                    select(type_coerce(column, Text)).order_by(key.desc()).limit(20)
                ).scalars()
                sample = next((value for value in newest if is_encrypted(value)), None)
                if sample:
                    break
    except SQLAlchemyError:
        return None  # no schema yet: nothing stored
    if not sample:
        return None
    if _KEYS.cipher is None:
        return ("the database holds encrypted text and CX_ENCRYPTION_KEY is not set: that text "
                "cannot be read until the key is set")  # fmt: skip
    decrypt(sample)  # KeyProblem: not the key it was written with
    return None
