"""`python -m bot import tickets|surveys FILE`: helpdesk records from CSV, streamed."""

import argparse
import sys

from slack_sdk import WebClient
from sqlalchemy import Engine
from tqdm import tqdm

from bot.cli import UsageError
from bot.cli.roster import workspace_of
from bot.ingest import resolver
from bot.services import helpdesk
from bot.store import repos
from bot.store.db import make_session_factory

EXIT_OK, EXIT_ROWS_REJECTED = 0, 1


def add_parser(commands: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    """Register `import tickets` and `import surveys`."""
    parser = commands.add_parser(
        "import",
        help="import helpdesk tickets or CSAT/NPS surveys (CSV)",
        description="Create or update helpdesk records by id (README → Helpdesk data).",
    )
    parser.add_argument("kind", choices=["tickets", "surveys"])
    parser.add_argument("file", help="the CSV file")
    parser.add_argument("--dry-run", action="store_true", help="check and count; write nothing")
    parser.add_argument("--strict", action="store_true", help="import nothing if a line is bad")
    parser.add_argument(
        "--map", action="append", default=[], metavar="OLD=NEW",
        help="rename a column of your helpdesk's export, e.g. --map 'Ticket ID=ticket_id'",
    )  # fmt: skip
    parser.add_argument("--workspace", help="Slack team ID (default: the bot token's workspace)")


def _renames(pairs: list[str]) -> dict[str, str]:
    renames = {}
    for pair in pairs:
        old, sep, new = pair.partition("=")
        if not sep or not old.strip() or not new.strip():
            raise UsageError(f"--map takes OLD=NEW, not {pair!r}")
        renames[old.strip()] = new.strip()
    return renames


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


def run(args: argparse.Namespace, engine: Engine, client: WebClient | None) -> int:
    """Import the file; print problems, progress and the summary; return the exit code."""
    renames = _renames(args.map)
    workspace_id = workspace_of(args, client, engine)
    try:
        source = open(args.file, encoding="utf-8-sig", newline="")  # noqa: SIM115 (streamed)
    except OSError as error:
        raise UsageError(f"cannot read {args.file}: {error.strerror}") from None
    bar = tqdm(total=_lines(args.file), unit=" records", file=sys.stderr, disable=None)

    def progress(done: int) -> None:
        bar.update(done - bar.n)

    with source, bar, make_session_factory(engine)() as session:
        repos.ensure_workspace(session=session, workspace_id=workspace_id)
        resolve = resolver(session, workspace_id, client)
        try:
            report = helpdesk.store(
                session=session, workspace_id=workspace_id, kind=args.kind,
                records=helpdesk.read_csv(args.kind, source, renames),
                resolve=resolve, progress=progress,
            )  # fmt: skip
        except helpdesk.RecordError as error:
            raise UsageError(str(error)) from None
        except UnicodeDecodeError:
            raise UsageError(f"{args.file} is not UTF-8 text") from None
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
