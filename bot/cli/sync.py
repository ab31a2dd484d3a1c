"""`python -m bot sync zendesk|freshdesk`: pull tickets and ratings through the helpdesk's API,
from where the last sync stopped (README → Live sync)."""

import argparse
import sys
from datetime import UTC, datetime, time

from slack_sdk import WebClient
from sqlalchemy import Engine

from bot.cli import UsageError
from bot.cli.roster import workspace_of
from bot.config import Settings
from bot.store.models import utcnow
from bot.sync import runner
from bot.sync.api import ApiError, AuthRejected

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def run(
    args: argparse.Namespace, settings: Settings, engine: Engine, client: WebClient | None
) -> int:
    """Run one sync and print its summary; one line on stderr when it cannot."""
    api = runner.api_for(settings, args.source)
    if api is None:
        names = ("ZENDESK_URL, ZENDESK_EMAIL and ZENDESK_API_TOKEN" if args.source == "zendesk"
                 else "FRESHDESK_URL and FRESHDESK_API_KEY")  # fmt: skip
        raise UsageError(f"set {names} to sync {args.source}")
    since = datetime.combine(args.since, time(0), UTC) if args.since else None
    try:
        report = runner.sync(
            engine=engine, api=api, source=args.source,
            workspace_id=workspace_of(args, client, engine), client=client, now=utcnow(),
            since=since,
        )  # fmt: skip
    except AuthRejected as error:
        print(f"python -m bot sync {args.source}: {error}; check the API credentials",
              file=sys.stderr)  # fmt: skip
        return EXIT_USAGE
    except (ApiError, runner.SyncBusy) as error:
        print(f"python -m bot sync {args.source}: {error}", file=sys.stderr)
        return EXIT_FAILED
    for problem in [*report.tickets.rejected, *report.ratings.rejected]:
        print(problem, file=sys.stderr)
    print(report.summary())
    return EXIT_FAILED if report.tickets.rejected or report.ratings.rejected else EXIT_OK
