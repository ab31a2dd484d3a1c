"""`python -m bot repair agents`: undo what imports before agent-name matching did — people
made up from a helpdesk agent's name ("Wanda Park" as a Slack user id) who took that agent's
tickets. Their tickets and ratings go back through the import's rules (the agent map from
`import agents`, then exactly one person by Slack real or display name) and the made-up people
are removed. `--dry-run` shows what would change."""

import argparse

from slack_sdk import WebClient
from sqlalchemy import Engine

from bot.cli.roster import workspace_of
from bot.ingest import resolver
from bot.services import invented_people
from bot.services.wording import plural
from bot.store.db import make_session_factory


def run(args: argparse.Namespace, engine: Engine, client: WebClient | None) -> int:
    """Repair, print each made-up person and the outcome; 0, or 1 when rows still wait."""
    workspace_id = workspace_of(args, client, engine)
    with make_session_factory(engine)() as session:
        report = invented_people.repair(
            session=session, workspace_id=workspace_id,
            resolve=resolver(session, workspace_id, client),
        )  # fmt: skip
        if args.dry_run:
            session.rollback()
        else:
            session.commit()
    if not report.invented:
        print("No people made up from agent names; nothing to repair.")
        return 0
    for invented in report.invented:
        held = (
            f"; left alone: also in {', '.join(invented.held_elsewhere)}"
            if invented.held_elsewhere
            else ""
        )
        print(f"`{invented.name}`: {plural(invented.tickets, 'ticket')}, "
              f"{plural(invented.surveys, 'rating')}{held}")  # fmt: skip
    removed = sum(1 for invented in report.invented if not invented.held_elsewhere)
    print(
        ("Dry run, nothing written. Would remove" if args.dry_run else "Removed")
        + f" {plural(removed, 'made-up person', 'made-up people')}; "
        f"{plural(report.attached, 'row')} count for their agents, "
        f"{report.waiting:,} wait for an agent (map them: python -m bot import agents FILE.csv)."
    )
    return 1 if report.waiting else 0
