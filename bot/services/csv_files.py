"""Opening a CSV file as spreadsheets and helpdesks really write it: UTF-8 with or without a
BOM, UTF-16 (Excel's "Unicode text"), or Windows-1252 (European Excel) — said, never silent —
and `,`, `;` or tab between fields, told by the header line."""

import codecs
import csv
import itertools
from dataclasses import dataclass
from typing import TextIO

DELIMITERS = (",", ";", "\t")
SAMPLE = 2**16


class FileError(ValueError):
    """The file cannot be read as text; the message says what to do."""


@dataclass
class Table:
    """An open CSV file: its rows as dicts (line numbers from `line_num`), and how it was read."""

    reader: "csv.DictReader[str]"
    encoding: str
    delimiter: str
    handle: TextIO

    def close(self) -> None:
        """Close the file."""
        self.handle.close()


def open_table(path: str, encoding: str | None = None) -> Table:
    """Open `path` for csv.DictReader, finding its encoding (unless given) and delimiter."""
    try:
        with open(path, "rb") as raw:
            head = raw.read(SAMPLE)
    except OSError as error:
        raise FileError(f"cannot read {path}: {error.strerror}") from None
    chosen = encoding or _encoding(path, head)
    try:
        codecs.lookup(chosen)
    except LookupError:
        raise FileError(f"--encoding {chosen} is not an encoding Python knows") from None
    handle = open(path, encoding=chosen, newline="", errors="strict")  # noqa: SIM115 (streamed)
    try:
        first = handle.readline()
    except UnicodeDecodeError:
        handle.close()
        raise FileError(f"{path} is not {chosen} text; pass --encoding (e.g. cp1252)") from None
    delimiter = max(DELIMITERS, key=first.count) if first else ","
    lines = itertools.chain([first], iter(handle.readline, ""))  # the header was read already
    return Table(csv.DictReader(lines, delimiter=delimiter), chosen, delimiter, handle)


def _encoding(path: str, head: bytes) -> str:
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        with open(path, "rb") as raw:
            for chunk in iter(lambda: raw.read(2**20), b""):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return "cp1252"  # Excel's "CSV" in Western Europe; the caller says so
    return "utf-8"
