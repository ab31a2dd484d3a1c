"""`python -m bot roster import FILE | export`: people, teams, roles and shifts in bulk."""

import argparse
import sys

from slack_sdk import WebClient
from sqlalchemy import Engine

from bot.cli import UsageError
from bot.listeners.profiles import slack_resolver
from bot.services import roster
from bot.store import repos
from bot.store.db import make_session_factory

EXIT_OK, EXIT_ROWS_REJECTED = 0, 1
PROGRESS_EVERY = 100


def workspace_of(args: argparse.Namespace, client: WebClient | None, engine: Engine) -> str:
    """--workspace, else the bot token's workspace, else the only one in the database."""
    if args.workspace:
        return str(args.workspace)
    if client is not None and client.token:
        return str(client.auth_test()["team_id"])
    with make_session_factory(engine)() as session:
        known = repos.workspace_ids(session=session)
    if len(known) == 1:
        return known[0]
    raise UsageError("say which Slack workspace with --workspace T…")


def run_import(args: argparse.Namespace, engine: Engine, client: WebClient | None) -> int:
    """`roster import`: print progress and the report; return the exit code."""
    if client is None:
        raise UsageError(
            "the import looks people up in Slack: set SLACK_BOT_TOKEN, or (installed "
            "with Add to Slack) name the workspace with --workspace T…"
        )
    try:
        text = args.file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise UsageError(f"cannot read {args.file}: {error}") from None
    workspace_id = workspace_of(args, client, engine)

    def progress(done: int, total: int) -> None:
        if done % PROGRESS_EVERY == 0 or done == total:
            print(f"… {done}/{total} rows", file=sys.stderr)

    with make_session_factory(engine)() as session:
        report, readable = roster.import_text(
            session=session, workspace_id=workspace_id, text=text,
            resolve=slack_resolver(client), progress=progress,
        )  # fmt: skip
        for problem in report.errors:
            print(problem, file=sys.stderr)
        if not readable:
            session.rollback()
            return 2
        rejected = bool(report.errors)
        if rejected and args.strict:
            session.rollback()
            print(
                f"--strict: {len(report.errors)} of {report.rows} rows rejected, nothing "
                "imported.", file=sys.stderr,
            )  # fmt: skip
            return 2
        if args.dry_run:
            session.rollback()
            print(f"Dry run, nothing written. Would do: {report.summary()}")
            return EXIT_ROWS_REJECTED if rejected else EXIT_OK
        session.commit()
    print(report.summary())
    return EXIT_ROWS_REJECTED if rejected else EXIT_OK


def run_export(args: argparse.Namespace, engine: Engine, client: WebClient | None) -> int:
    """`roster export`: the roster as CSV on stdout."""
    workspace_id = workspace_of(args, client, engine)
    with make_session_factory(engine)() as session:
        sys.stdout.write(roster.export(session=session, workspace_id=workspace_id))
    return EXIT_OK
