"""`python -m bot import agents FILE.csv`: who a helpdesk means by each agent name or id.

Header `helpdesk_agent,slack`: `helpdesk_agent` as the helpdesk writes it (a name like
"Wanda Park", an agent id, an email), `slack` a Slack user ID or an email (looked up in Slack).
Stored in the database and used by every import, webhook and sync; rows kept for unknown agents
count as soon as their agent is mapped.
"""

import argparse
import sys
from contextlib import closing

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy import Engine

from bot.cli import UsageError
from bot.cli.roster import workspace_of
from bot.ingest import resolver
from bot.services import csv_files, helpdesk, helpdesk_agents
from bot.services.formats import AGENT_MAP_COLUMNS
from bot.services.helpdesk_agents import SLACK_ID, MapRow
from bot.store import repos
from bot.store.db import make_session_factory
from bot.store.models import utcnow

HEADER = AGENT_MAP_COLUMNS


def run(
    args: argparse.Namespace, engine: Engine, client: WebClient | None, table: csv_files.Table
) -> int:
    """Read, check and store the map; print problems and the summary; the exit code."""
    workspace_id = workspace_of(args, client, engine)
    with closing(table):
        header = [name.strip() for name in table.reader.fieldnames or []]
        if any(name not in header for name in HEADER):
            raise UsageError(
                f"the header must have {', '.join(HEADER)} (found {', '.join(header)})"
            )
        rows, problems = _rows(table, client)
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems and args.strict:
        print(f"--strict: {len(problems)} bad lines, nothing imported.", file=sys.stderr)
        return 2
    with make_session_factory(engine)() as session:
        repos.ensure_workspace(session=session, workspace_id=workspace_id)
        added, changed = helpdesk_agents.save_map(
            session=session, workspace_id=workspace_id, rows=rows, now=utcnow()
        )
        if args.dry_run:
            session.rollback()
            print(f"Dry run, nothing written. Would map {added} new, change {changed}.")
            return 1 if problems else 0
        attached = helpdesk.attach_unmatched(
            session=session, workspace_id=workspace_id,
            resolve=resolver(session, workspace_id, client),
        )  # fmt: skip
        session.commit()
    unchanged = len(rows) - added - changed
    print(f"{added} mapped, {changed} changed, {unchanged} already up to date, "
          f"{len(problems)} rejected")  # fmt: skip
    if attached:
        print(f"{attached} rows kept from earlier imports now count for their agents.")
    return 1 if problems else 0


def _rows(table: csv_files.Table, client: WebClient | None) -> tuple[list[MapRow], list[str]]:
    rows: list[MapRow] = []
    problems: list[str] = []
    seen: dict[str, int] = {}
    for record in table.reader:
        line = table.reader.line_num
        agent = (record.get("helpdesk_agent") or "").strip()
        slack = (record.get("slack") or "").strip()
        if not agent:
            problems.append(f"line {line}: helpdesk_agent is empty")
            continue
        key = helpdesk_agents.key_of(agent)
        if key in seen:
            problems.append(f"line {line}: `{agent}` is already mapped on line {seen[key]}")
            continue
        user_id = _slack_user(slack, client)
        if isinstance(user_id, str) and user_id.startswith("line:"):
            problems.append(f"line {line}: {user_id.removeprefix('line:')}")
            continue
        seen[key] = line
        rows.append(MapRow(line, agent, user_id))
    return rows, problems


def _slack_user(slack: str, client: WebClient | None) -> str:
    """The Slack user ID `slack` names, or "line:<why not>"."""
    if SLACK_ID.match(slack):
        return slack
    if "@" not in slack:
        return f"line:slack `{slack}` is neither a Slack user ID (U…) nor an email"
    if client is None:
        return "line:an email needs SLACK_BOT_TOKEN, to look it up in Slack"
    try:
        return str(client.users_lookupByEmail(email=slack)["user"]["id"])
    except SlackApiError as error:
        if error.response.get("error") == "users_not_found":
            return f"line:no Slack user has the email {slack}"
        raise
