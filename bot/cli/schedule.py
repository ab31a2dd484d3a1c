"""`python -m bot schedule --agent ID`: coming check-ins, UTC and local, with skipped days."""

import argparse
import json
from datetime import date, datetime

from sqlalchemy import Engine

from bot.cli import UsageError
from bot.services import shifts
from bot.services.schedule import PlannedDay, ScheduleError
from bot.store import repos
from bot.store.db import make_session_factory


def _iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date like 2027-03-10") from None


def run(args: argparse.Namespace, engine: Engine, now: datetime) -> str:
    """The text to print; UsageError for an unknown or ambiguous agent."""
    if not 1 <= args.days <= 366:
        raise UsageError("--days must be between 1 and 366")
    with make_session_factory(engine)() as session:
        found = [
            person
            for person in repos.people_with_slack_id(session=session, slack_user_id=args.agent)
            if args.workspace in (None, person.workspace_id)
        ]
        if not found:
            raise UsageError(f"no agent {args.agent} is known: import a roster or set a shift")
        if len(found) > 1:
            spaces = ", ".join(person.workspace_id for person in found)
            raise UsageError(f"{args.agent} is in several workspaces ({spaces}); add --workspace")
        try:
            agent, days = shifts.planned_days(
                session=session, person=found[0], start=args.start, days=args.days, now=now
            )
        except ScheduleError as error:
            raise UsageError(str(error)) from None
    if args.json:
        return json.dumps(
            {
                "agent": args.agent,
                "timezone": agent.timezone,
                "shift": agent.shift.describe() if agent.shift else None,
                "days": [_as_json(day) for day in days],
            },
            indent=2,
        )
    header = f"{args.agent} · {agent.timezone} · shift: "
    header += agent.shift.describe() if agent.shift else "not set"
    return "\n".join([header, *(_as_line(day) for day in days)])


def _as_json(day: PlannedDay) -> dict[str, str | None]:
    return {
        "date": day.day.isoformat(),
        "status": day.status.value,
        "at_utc": day.at.isoformat() if day.at else None,
        "at_local": day.local.isoformat() if day.local else None,
        "reason": day.reason or None,
    }


def _as_line(day: PlannedDay) -> str:
    if day.at is not None and day.local is not None:
        when = f"{day.at:%H:%M} UTC = {day.local:%H:%M} {day.local.tzname()}"
        return f"{day.day:%Y-%m-%d %a}  check-in  {when}"
    return f"{day.day:%Y-%m-%d %a}  skipped   {day.status.value}: {day.reason}"
