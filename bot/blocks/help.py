"""Usage texts for every slash command (docs/ARCHITECTURE.md §6), shown for `help` and for bad
input."""

import functools
from dataclasses import dataclass
from typing import Any

from slack_sdk.models.blocks import Block, HeaderBlock

from bot.blocks.common import escape, section
from bot.services.wording import EXAMPLE, example_date


@dataclass(frozen=True)
class CommandHelp:
    """What one slash command does and how to call it."""

    command: str
    summary: str
    usage: tuple[tuple[str, str], ...]  # (arguments, what they do)
    # First words that start a valid call; anything else is an unknown subcommand.
    keywords: frozenset[str]
    # Whether a first word that is a @mention (or free text, for team names) is valid.
    accepts_mentions: bool = False
    accepts_free_text: bool = False
    ready: frozenset[str] = frozenset()  # keywords that already work; the rest are coming soon


PERIODS = (
    "`7d` `30d` `90d` `this-week` `last-week` `this-month` `last-month` "
    "`YYYY-MM` `YYYY-Www` `YYYY-MM-DD..YYYY-MM-DD`"
)

COMMANDS: dict[str, CommandHelp] = {
    help_.command: help_
    for help_ in (
        CommandHelp(
            command="/cx-metrics",
            summary="Customer-service KPIs: CSAT, NPS, FCR, response and resolution times.",
            usage=(
                (
                    "",
                    "your own numbers (agents), your team's (leads) or every team's (admins), "
                    "last 7 days",
                ),
                ("@agent [period]", "one agent's numbers (leads and admins)"),
                ("team name [period]", "a team's numbers"),
                ("[period]", f"any period: {PERIODS}"),
                ("… csv", "the same as a CSV file in your DM (leads and admins: a row per agent)"),
            ),
            keywords=frozenset(
                {"", "7d", "30d", "90d", "this-week", "last-week", "this-month", "last-month"}
            ),
            accepts_mentions=True,
            accepts_free_text=True,
            ready=frozenset(
                {"", "7d", "30d", "90d", "this-week", "last-week", "this-month", "last-month"}
            ),
        ),
        CommandHelp(
            command="/cx-reflect",
            summary="Reflect on your shift: what went well, what to change, what would help.",
            usage=(("", "open today's reflection (or yesterday's, while it is still open)"),),
            keywords=frozenset({""}),
            ready=frozenset({""}),
        ),
        CommandHelp(
            command="/cx-feedback",
            summary="Ask colleagues for feedback, or send your leads a suggestion.",
            usage=(
                ("@peer [@peer2 …] [what you'd like feedback on]", "ask up to 5 colleagues"),
                ("about @agent from @peer [@peer2 …] [topic]", "leads: a 360 about an agent"),
                ("suggest [anonymously] <idea>", "send a process suggestion to your team's leads"),
                ("status", "see who has answered your requests, and cancel them"),
            ),
            keywords=frozenset({"suggest", "status", "about"}),
            accepts_mentions=True,
        ),
        CommandHelp(
            command="/cx-kudos",
            summary="Give a colleague a shout-out in your team's celebration channel.",
            usage=(
                (
                    "@agent [@agent2] for <reason> [#value]",
                    "celebrate someone (reason: 10+ characters)",
                ),
                (
                    "top [week|month|ever] [all]",
                    "your teams' recognition leaderboard (`all`: every team)",
                ),
                ("leaderboard off|on", "leave (or rejoin) the leaderboards"),
                ("milestones off|on", "not be named (or be named) in milestone shout-outs"),
            ),
            keywords=frozenset({"top", "leaderboard", "milestones"}),
            accepts_mentions=True,
        ),
        CommandHelp(
            command="/cx-shift",
            summary="See and set when your shift ends, so your check-in arrives at the right time.",
            usage=(
                ("", "your schedule and the next 3 check-in times"),
                ("mon-fri 17:30", "set your shift days and end time (your local time)"),
                (f"away until {EXAMPLE}", "pause check-ins until a date"),
                ("back", "resume check-ins"),
                ("tz Europe/London | tz slack", "use another time zone, or your Slack one again"),
                ("@agent [mon-fri 17:30 | away until … | back]", "leads: see or set a member's"),
            ),
            keywords=frozenset({"", "show", "away", "back", "tz", "timezone", "zone"}),
            accepts_mentions=True,
            accepts_free_text=True,  # day lists such as mon-fri or mon,wed,fri
            ready=frozenset({"", "show", "away", "back", "tz", "timezone", "zone"}),
        ),
        CommandHelp(
            command="/cx-themes",
            summary="Leads: what your team keeps saying — themes of reflections and customer "
            "comments, from at least 3 people each, never attributed.",
            usage=(
                ("", "your first team's themes of the last 30 days"),
                ("<team> [period]", "a team's themes for a period (last-month, 2026-11, 7d, …)"),
            ),
            keywords=frozenset({""}),
            accepts_free_text=True,
        ),
        CommandHelp(
            command="/cx-1on1",
            summary="Leads: the agenda for a 1:1 with one of your agents, in your DM.",
            usage=(
                (
                    "@agent",
                    "reflections marked to discuss and since your last 1:1, confidence, "
                    "action items, KPIs, kudos and named feedback; then Mark as held",
                ),
            ),
            keywords=frozenset(),
            accepts_mentions=True,
        ),
        CommandHelp(
            command="/cx-team",
            summary="Set up teams: members, leads, channels, time zone, holidays and KPI targets.",
            usage=(
                ("list", "the teams in this workspace"),
                ("create <name>", "create a team (admins)"),
                ("show <name>", "a team's members, leads, channels and targets"),
                ("edit <name>", "members, leads, channels, time zone, holidays, targets"),
                ("add <name> @person [lead]", "add members or leads"),
                ("remove <name> @person", "remove someone from a team"),
                ("delete <name>", "delete a team, after you confirm (admins)"),
            ),
            keywords=frozenset(
                {"", "list", "create", "show", "edit", "add", "remove", "rename", "delete", "set"}
            ),
            ready=frozenset(
                {"", "list", "create", "show", "edit", "add", "remove", "rename", "delete", "set"}
            ),
        ),
    )
}


def usage_blocks(command: str, problem: str | None = None) -> list[Block]:
    """The usage of `command`, led by what was wrong with the last call if anything was."""
    help_ = COMMANDS[command]
    example = example_date()
    blocks: list[Block] = []
    if problem:
        blocks.append(section(f":warning: {problem}"))
    blocks.append(HeaderBlock(text=help_.command))
    blocks.append(section(help_.summary))
    lines = [
        f"• `{help_.command}{' ' + args.replace(EXAMPLE, example) if args else ''}` — {what}"
        for args, what in help_.usage
    ]
    lines.append(f"• `{help_.command} help` — this message")
    blocks.append(section("\n".join(lines)))
    return blocks


def help_blocks_json(command: str) -> tuple[dict[str, Any], ...]:
    """`usage_blocks(command)` as JSON dicts, built and validated once a day (its example date
    moves with today): `help` is answered in the ack, where every tenth of a millisecond
    counts."""
    return _help_json(command, example_date())


@functools.lru_cache(maxsize=64)
def _help_json(command: str, _example: str) -> tuple[dict[str, Any], ...]:
    return tuple(block.to_dict() for block in usage_blocks(command))


def usage_text(command: str, problem: str | None = None) -> str:
    """Plain-text fallback of `usage_blocks` for notifications and screen readers."""
    help_ = COMMANDS[command]
    prefix = f"{problem} " if problem else ""
    return f"{prefix}{help_.command}: {help_.summary} Try `{help_.command} help`."


def unknown_subcommand(command: str, word: str) -> str:
    """Say which word was not understood, escaped so it cannot ping anyone."""
    return f"I don't know `{escape(word)}` for `{command}`. Here is what it can do:"
