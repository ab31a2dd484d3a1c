"""`python -m bot import tickets|surveys FILE`: helpdesk records from CSV, streamed."""

import argparse
import sys
from contextlib import closing

from slack_sdk import WebClient
from sqlalchemy import Engine
from tqdm import tqdm

from bot.cli import UsageError, agents_import
from bot.cli.roster import workspace_of
from bot.ingest import resolver
from bot.services import csv_files, helpdesk, helpdesk_files, presets
from bot.store import repos
from bot.store.db import make_session_factory

EXIT_OK, EXIT_ROWS_REJECTED = 0, 1


def _renames(pairs: list[str]) -> dict[str, str]:
    renames: dict[str, str] = {}
    for pair in pairs:
        old, sep, new = pair.partition("=")
        if not sep or not old.strip() or not new.strip():
            raise UsageError(f"--map takes OLD=NEW, not {pair!r}")
        twice = [was for was, now in renames.items() if now == new.strip()]
        if twice:
            raise UsageError(f"--map maps both `{twice[0]}` and `{old.strip()}` to {new.strip()}")
        renames[old.strip()] = new.strip()
    return renames


def open_file(args: argparse.Namespace) -> csv_files.Table:
    """The file as a table, saying on stderr when it was read as Windows-1252."""
    try:
        table = csv_files.open_table(args.file, args.encoding)
    except csv_files.FileError as error:
        raise UsageError(str(error)) from None
    if table.encoding == "cp1252" and not args.encoding:
        print(f"{args.file} is not UTF-8: read as Windows-1252 (choose with --encoding)",
              file=sys.stderr)  # fmt: skip
    return table


def _lines(path: str) -> int | None:
    """Records in the file, for the progress bar (lines after the header; a quoted field over
    several lines makes it an overestimate), or None when it cannot be read."""
    try:
        with open(path, "rb") as raw:
            return max(
                sum(chunk.count(b"\n") for chunk in iter(lambda: raw.read(2**20), b"")) - 1, 0
            )
    except OSError:
        return None


def _records(
    args: argparse.Namespace, table: csv_files.Table, renames: dict[str, str]
) -> helpdesk.Records:
    """The file's rows in our own format (bot.services.helpdesk_files, as an upload in Slack)."""
    return helpdesk_files.records_of(kind=args.kind_of, table=table, source=args.source,
                                     timezone=args.timezone, survey_kind=args.kind,
                                     renames=renames)  # fmt: skip


def run(args: argparse.Namespace, engine: Engine, client: WebClient | None) -> int:
    """Import the file; print problems, progress and the summary; return the exit code."""
    if args.kind_of == "agents":
        return agents_import.run(args, engine, client, open_file(args))
    renames = _renames(args.map)
    workspace_id = workspace_of(args, client, engine)
    table = open_file(args)
    bar = tqdm(total=_lines(args.file), unit=" records", file=sys.stderr, disable=None)

    def progress(done: int) -> None:
        bar.update(done - bar.n)

    with closing(table), bar, make_session_factory(engine)() as session:
        repos.ensure_workspace(session=session, workspace_id=workspace_id)
        resolve = resolver(session, workspace_id, client)
        try:
            report = helpdesk.store(
                session=session, workspace_id=workspace_id, kind=args.kind_of,
                records=_records(args, table, renames), resolve=resolve, progress=progress,
            )  # fmt: skip
        except (helpdesk.RecordError, presets.PresetError) as error:
            raise UsageError(str(error)) from None
        except UnicodeDecodeError:
            raise UsageError(
                f"{args.file} is not {table.encoding} text; pass --encoding (e.g. cp1252)"
            ) from None
        for problem in [*report.rejected, *report.unmatched]:
            print(problem, file=sys.stderr)
        if report.rejected and args.strict:
            session.rollback()
            print(f"--strict: {len(report.rejected)} bad lines, nothing imported.", file=sys.stderr)
            return 2
        if args.dry_run:
            session.rollback()
            print(f"Dry run, nothing written. Would do: {report.summary()}")
        else:
            attached = helpdesk.attach_unmatched(
                session=session, workspace_id=workspace_id, resolve=resolve
            )
            session.commit()
            print(report.summary())
            if attached:
                print(f"{attached} rows kept from earlier imports now count for their agents.")
    return EXIT_ROWS_REJECTED if report.rejected else EXIT_OK
