"""The argument parsers of `python -m bot`: only the standard library and plain constants, so
`--help` answers at once (the commands import what they use when they run)."""

import argparse
from datetime import date
from pathlib import Path

from bot.services.formats import (
    AGENT_MAP_COLUMNS,
    ROSTER_COLUMNS,
    SOURCES,
    SURVEY_COLUMNS,
    SURVEY_HEADER,
    TICKET_COLUMNS,
    TICKET_HEADER,
)
from bot.services.periods import GRAMMAR


def _columns(columns: tuple[str, ...], required: tuple[str, ...]) -> str:
    """ "ticket_id*, agent*, …": the columns, those the header must have starred."""
    return ", ".join(f"{name}*" if name in required else name for name in columns) + (
        " (* the header must have it)"
    )


def _iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date like 2027-03-10") from None


def _schedule(commands: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    """Register `schedule` on the top-level parser."""
    parser = commands.add_parser(
        "schedule",
        help="coming check-ins of one agent, with skipped days and why",
        description="List one agent's check-in times (UTC and their local time) for the coming "
        "days, and the days skipped: day off, holiday, away. The scheduler uses the same function.",
    )
    parser.add_argument("--agent", required=True, help="Slack user ID, e.g. U012ABCDEF")
    parser.add_argument("--workspace", help="Slack team ID, if the agent is in several")
    parser.add_argument(
        "--from", dest="start", type=_iso_date, help="first local date (default: today)"
    )
    parser.add_argument("--days", type=int, default=14, help="how many days (default 14)")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")


def _roster(commands: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    """Register `roster import` and `roster export` on the top-level parser."""
    parser = commands.add_parser(
        "roster",
        help="import or export people, teams, roles and shifts (CSV)",
        description=f"Columns: {', '.join(ROSTER_COLUMNS)} (README → Roster). `agent` is a "
        "Slack user ID or an email.",
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


def _helpdesk_import(commands: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    """Register `import tickets` and `import surveys`."""
    parser = commands.add_parser(
        "import",
        help="import helpdesk tickets or CSAT/NPS surveys (CSV)",
        description="Create or update helpdesk records by id (README → Helpdesk data). "
        "With --source csv (CX Coach's own format) the columns are — tickets: "
        f"{_columns(TICKET_COLUMNS, TICKET_HEADER)}; surveys: "
        f"{_columns(SURVEY_COLUMNS, SURVEY_HEADER)}; agents (the map from helpdesk names to "
        f"Slack people): {', '.join(AGENT_MAP_COLUMNS)}. Times are ISO 8601. With --source "
        "zendesk, freshdesk or intercom the file is read as that helpdesk exports it; "
        "--map OLD=NEW renames any other column.",
    )
    parser.add_argument("kind_of", metavar="kind", choices=["tickets", "surveys", "agents"],
                        help="tickets, surveys or agents")  # fmt: skip
    parser.add_argument("file", help="the CSV file")
    parser.add_argument("--dry-run", action="store_true", help="check and count; write nothing")
    parser.add_argument("--strict", action="store_true", help="import nothing if a line is bad")
    parser.add_argument(
        "--map", action="append", default=[], metavar="OLD=NEW",
        help="rename a column of your helpdesk's export, e.g. --map 'Ticket ID=ticket_id'",
    )  # fmt: skip
    parser.add_argument("--workspace", help="Slack team ID (default: the bot token's workspace)")
    parser.add_argument(
        "--source", choices=SOURCES, default="csv",
        help="whose export the file is (README → Helpdesk exports); csv: CX Coach's own format",
    )  # fmt: skip
    parser.add_argument(
        "--timezone", metavar="ZONE",
        help="the IANA zone of times written without an offset (zendesk and freshdesk exports "
        "need it; csv default: UTC)",
    )  # fmt: skip
    parser.add_argument(
        "--kind", choices=["csat", "nps"], help="surveys: their kind, if no column says it"
    )
    parser.add_argument(
        "--encoding", help="the file's encoding (default: UTF-8 with or without BOM, UTF-16, "
        "else Windows-1252, said on stderr)",
    )  # fmt: skip


def _metrics(commands: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    """Register `metrics`."""
    parser = commands.add_parser(
        "metrics",
        help="KPIs of a team or an agent for a period",
        description="CSAT, NPS, FCR, first response and resolution times, tickets solved and "
        "reflection participation, as defined in docs/ARCHITECTURE.md §5.",
    )
    who = parser.add_mutually_exclusive_group(required=True)
    who.add_argument("--team", help="team name")
    who.add_argument("--agent", help="Slack user ID")
    parser.add_argument("--period", help=f"one of {GRAMMAR} (default 7d)")
    parser.add_argument("--from", dest="start", help="first day, YYYY-MM-DD (with --to)")
    parser.add_argument("--to", dest="end", help="last day, YYYY-MM-DD (included)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--workspace", help="Slack team ID (default: the bot token's workspace)")


def _themes(commands: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    """Register `themes`."""
    parser = commands.add_parser(
        "themes", help="what a team keeps saying: themes of its reflections and survey comments",
        description="Groups training needs, what agents would do differently, customer stories "
        "and survey comments by meaning, on this machine; a theme shows only when at least 3 "
        "people wrote into it.",
    )  # fmt: skip
    parser.add_argument("--team", required=True, help="team name")
    parser.add_argument("--period", help=f"one of {GRAMMAR} (default 30d)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--workspace", help="Slack team ID (default: the bot token's workspace)")


def _digest(commands: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    """Register `digest`."""
    parser = commands.add_parser(
        "digest",
        help="a team's weekly digest: show it locally, or post it now",
        description="The weekly KPI digest of a team (README → Weekly digests).",
    )
    parser.add_argument("--team", required=True, help="team name")
    parser.add_argument("--week", help="ISO week like 2026-W47 (default: last week)")
    how = parser.add_mutually_exclusive_group()
    how.add_argument(
        "--dry-run", action="store_true",
        help="print it, write digest.json and trend.png; post nothing (the default)",
    )  # fmt: skip
    how.add_argument("--post", action="store_true", help="post it to the team's digest channel")
    parser.add_argument("--out", default=".", help="folder for --dry-run's files (default: .)")
    parser.add_argument("--force", action="store_true", help="with --post: post again")
    parser.add_argument("--workspace", help="Slack team ID (default: the bot token's workspace)")


def _sync(commands: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    """Register `sync`."""
    parser = commands.add_parser(
        "sync",
        help="pull tickets and satisfaction ratings from Zendesk's or Freshdesk's API",
        description="Incremental: resumes where the last sync stopped (the cursor is kept in "
        "the database). Needs ZENDESK_URL, ZENDESK_EMAIL and ZENDESK_API_TOKEN, or "
        "FRESHDESK_URL and FRESHDESK_API_KEY.",
    )
    parser.add_argument("source", choices=["zendesk", "freshdesk"])
    parser.add_argument(
        "--since", type=date.fromisoformat, metavar="YYYY-MM-DD",
        help="where a first sync starts (default: 90 days ago); later syncs resume instead",
    )  # fmt: skip
    parser.add_argument("--workspace", help="Slack team ID (default: the bot token's workspace)")


def _repair(commands: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    """Register `repair`."""
    parser = commands.add_parser(
        "repair",
        help="give tickets held by people made up from agent names to the right person",
        description="Older imports turned an agent's name into a person. This finds them (a "
        "Slack user id that is no Slack id, found in nothing but helpdesk rows), hands their "
        "tickets and ratings to the person the agent map or the name proves, keeps the rest "
        "waiting for a map entry, and removes the made-up people.",
    )
    parser.add_argument("what", choices=["agents"])
    parser.add_argument("--workspace", help="Slack team ID (default: the bot token's workspace)")
    parser.add_argument("--dry-run", action="store_true", help="show, change nothing")


def _privacy(commands: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    """Register `privacy forget|export|settings|rotate-key|new-key`."""
    parser = commands.add_parser(
        "privacy",
        help="forget a person, export a person's data, retention, encryption keys",
        description="What CX Coach keeps and for how long: docs/PRIVACY.md.",
    )
    actions = parser.add_subparsers(dest="privacy_action", metavar="ACTION", required=True)
    forget = actions.add_parser(
        "forget",
        help="delete what a person wrote and what was written about them",
        description="Deletes their reflections, replies, action items, feedback about them and "
        "named feedback they gave, kudos texts, shifts, time away and profile; their tickets and "
        "ratings stay under a pseudonym so team figures do not change. Prints what it removed.",
    )
    forget.add_argument("--user", required=True, help="their Slack user ID, e.g. U012ABCDEF")
    forget.add_argument("--workspace", help="Slack team ID (default: the bot token's workspace)")
    forget.add_argument("--dry-run", action="store_true", help="show what would go, change nothing")
    export = actions.add_parser(
        "export",
        help="a person's data as a ZIP of JSON and CSV (what Export my data sends them)",
    )
    export.add_argument("--user", required=True, help="their Slack user ID")
    export.add_argument("--out", required=True, type=Path, help="the ZIP file to write")
    export.add_argument("--workspace", help="Slack team ID (default: the bot token's workspace)")
    settings = actions.add_parser(
        "settings",
        help="show or set how long texts are kept and when deactivated people are forgotten",
    )
    settings.add_argument(
        "--retention-months",
        metavar="N|off",
        help="delete reflection, reply and feedback texts older than N months",
    )
    settings.add_argument(
        "--forget-deactivated-days",
        metavar="N|off",
        help="forget people N days after Slack deactivates them",
    )
    settings.add_argument("--workspace", help="Slack team ID (default: the bot token's workspace)")
    actions.add_parser(
        "rotate-key",
        help="re-encrypt stored text with CX_ENCRYPTION_KEY (old keys in CX_ENCRYPTION_OLD_KEYS)",
    )
    actions.add_parser("new-key", help="print a new encryption key")


def add_all(commands: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    """Register every data command."""
    for add in (_schedule, _roster, _helpdesk_import, _metrics, _themes, _digest, _sync, _repair,
                _privacy):  # fmt: skip
        add(commands)
