"""`python -m bot metrics`: a team's or an agent's KPIs for a period (docs/ARCHITECTURE.md §7)."""

import argparse
import dataclasses
import json

from slack_sdk import WebClient
from sqlalchemy import Engine

from bot.cli import UsageError
from bot.cli.roster import workspace_of
from bot.services import metrics, periods
from bot.store.db import make_session_factory
from bot.store.models import utcnow


def run(args: argparse.Namespace, engine: Engine, client: WebClient | None) -> str:
    """The text (or JSON) to print; UsageError for an unknown subject or a bad period."""
    if (args.start is None) != (args.end is None):
        raise UsageError("--from and --to go together")
    if args.start and args.period:
        raise UsageError("give --period or --from/--to, not both")
    text = f"{args.start}..{args.end}" if args.start else (args.period or "7d")
    workspace_id = workspace_of(args, client, engine)
    with make_session_factory(engine)() as session:
        try:
            subject = (
                metrics.team_subject(session=session, workspace_id=workspace_id, name=args.team)
                if args.team
                else metrics.agent_subject(
                    session=session, workspace_id=workspace_id, slack_user_id=args.agent
                )
            )
            period = periods.parse(text, now=utcnow(), zone=subject.zone)
        except (metrics.SubjectError, periods.PeriodError) as error:
            raise UsageError(str(error).replace("`", "")) from None
        figures = metrics.figures(session=session, subject=subject, period=period)
    values = dataclasses.asdict(figures)
    if args.json:
        return json.dumps(
            {
                **values,
                "period_start": period.start.isoformat(),
                "period_end": period.end.isoformat(),
                "response_times": "business hours" if subject.business_hours else "calendar",
            }
        )
    lines = [f"{subject.label} · {period.first}..{period.last} ({subject.zone})"]
    if subject.business_hours:
        lines.append("  (first response and resolution times in business hours)")
    for name, value in values.items():
        shown = (
            "no data" if value is None else f"{value:.1f}" if isinstance(value, float) else value
        )
        lines.append(f"  {name:<22}{shown}")
    return "\n".join(lines)
