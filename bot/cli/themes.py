"""`python -m bot themes`: what a team keeps saying in a period (issue 20), computed here."""

import argparse
import dataclasses
import json

from slack_sdk import WebClient
from sqlalchemy import Engine

from bot.cli import UsageError
from bot.cli.roster import workspace_of
from bot.services import periods, teams, theme_report
from bot.store.db import make_session_factory
from bot.store.models import utcnow


def run(args: argparse.Namespace, engine: Engine, client: WebClient | None) -> int:
    """Print the team's themes (or JSON); UsageError for an unknown team or a bad period."""
    workspace_id = workspace_of(args, client, engine)
    with make_session_factory(engine, reads_only=True)() as session:
        team = teams.find(session=session, workspace_id=workspace_id, name=args.team)
        if team is None:
            raise UsageError(f"no team called {args.team}")
        try:
            period = periods.parse(args.period or "30d", now=utcnow(), zone=team.timezone)
        except periods.PeriodError as error:
            raise UsageError(str(error).replace("`", "")) from None
        found = theme_report.report(session=session, team=team, period=period)
    if args.json:
        print(json.dumps({"team": found.team, "period": found.period,
                          "themes": {source: [dataclasses.asdict(t) for t in shown]
                                     for source, shown in found.by_source.items()}}))  # fmt: skip
        return 0
    print(f"{found.team}, {found.period}")
    if found.reflections_private:
        print("  (the team keeps reflections from its leads: customer comments only)")
    if found.empty:
        print("  Not enough answers yet: a theme needs at least 3 different people.")
    for source, shown in found.by_source.items():
        if shown:
            print(f"  {theme_report.SOURCES[source]}:")
        for theme in shown:
            print(f"    {theme.label} — {theme.people} people, {theme.texts} texts "
                  f"({theme.change:+d} on the period before)")  # fmt: skip
    return 0
