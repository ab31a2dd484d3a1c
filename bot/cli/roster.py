"""`python -m bot roster import FILE | export`: people, teams, roles and shifts in bulk."""

import argparse
import sys
from pathlib import Path

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy import Engine

from bot.cli import UsageError
from bot.listeners.profiles import UNKNOWN_USER_ERRORS, profile_from_users_info
from bot.services import roster
from bot.services.people import SlackProfile
from bot.store import repos
from bot.store.db import make_session_factory

EXIT_OK, EXIT_ROWS_REJECTED = 0, 1
PROGRESS_EVERY = 100


def add_parser(commands: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    """Register `roster import` and `roster export` on the top-level parser."""
    parser = commands.add_parser(
        "roster",
        help="import or export people, teams, roles and shifts (CSV)",
        description="Columns: agent, team, role, timezone, shift_days, shift_end (README → "
        "Roster). `agent` is a Slack user ID or an email.",
    )
    actions = parser.add_subparsers(dest="roster_action", metavar="ACTION", required=True)
    load = actions.add_parser(
        "import",
        help="create or update everyone in a CSV file",
        description="Create or update people, teams and memberships from FILE. Re-importing the "
        "same file changes nothing. Bad lines are reported with their line number; the good ones "
        "land (exit code 1 if any line was rejected) unless --strict.",
    )
    load.add_argument("file", type=Path, help="the roster CSV")
    load.add_argument("--dry-run", action="store_true", help="show what would change; write none")
    load.add_argument("--strict", action="store_true", help="reject the whole file on any bad line")
    load.add_argument("--workspace", help="Slack team ID (default: the bot token's workspace)")
    dump = actions.add_parser(
        "export", help="print the roster as CSV", description="Print every membership as CSV."
    )
    dump.add_argument("--workspace", help="Slack team ID (default: the bot token's workspace)")


def workspace_of(args: argparse.Namespace, client: WebClient | None, engine: Engine) -> str:
    """--workspace, else the bot token's workspace, else the only one in the database."""
    if args.workspace:
        return str(args.workspace)
    if client is not None:
        return str(client.auth_test()["team_id"])
    with make_session_factory(engine)() as session:
        known = repos.workspace_ids(session=session)
    if len(known) == 1:
        return known[0]
    raise UsageError("say which Slack workspace with --workspace T…")


def slack_resolver(client: WebClient) -> roster.Resolve:
    """Look agents up in Slack by ID (users.info) or email (users.lookupByEmail), once each."""
    cache: dict[str, SlackProfile | None] = {}

    def resolve(agent: str) -> SlackProfile | None:
        if agent not in cache:
            try:
                if "@" in agent:
                    user = client.users_lookupByEmail(email=agent)["user"]
                else:
                    user = client.users_info(user=agent)["user"]
                cache[agent] = profile_from_users_info(user)
            except SlackApiError as error:
                if error.response.get("error") not in UNKNOWN_USER_ERRORS | {"users_not_found"}:
                    raise
                cache[agent] = None
        return cache[agent]

    return resolve


def run_import(args: argparse.Namespace, engine: Engine, client: WebClient | None) -> int:
    """`roster import`: print progress and the report; return the exit code."""
    if client is None:
        raise UsageError("SLACK_BOT_TOKEN is needed: the import looks people up in Slack")
    try:
        text = args.file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise UsageError(f"cannot read {args.file}: {error}") from None
    rows, errors = roster.read(text)
    for problem in errors:
        print(problem, file=sys.stderr)
    if errors and args.strict:
        print(f"--strict: {len(errors)} bad lines, nothing imported.", file=sys.stderr)
        return 2
    workspace_id = workspace_of(args, client, engine)
    total = len(rows)

    def progress(done: int) -> None:
        if done % PROGRESS_EVERY == 0 or done == total:
            print(f"… {done}/{total} rows", file=sys.stderr)

    with make_session_factory(engine)() as session:
        report = roster.apply(
            session=session,
            workspace_id=workspace_id,
            rows=rows,
            resolve=slack_resolver(client),
            progress=progress,
        )
        for problem in report.errors:
            print(problem, file=sys.stderr)
        report.errors = errors + report.errors
        rejected = bool(report.errors)
        if rejected and args.strict:
            session.rollback()
            print(
                f"--strict: {len(report.errors)} rows rejected, nothing imported.", file=sys.stderr
            )
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
