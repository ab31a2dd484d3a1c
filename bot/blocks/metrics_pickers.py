"""Block Kit for /cx-metrics beyond one subject's figures: the period picker and (for leads and
admins) the subject picker that update the answer in place, and an admin's overview of every
team. The answer's current subject and period ride in the pickers' block id."""

from collections.abc import Sequence

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ContextBlock,
    HeaderBlock,
    MarkdownTextObject,
    Option,
    StaticSelectElement,
)

from bot.blocks.common import escape, fit, plural, section
from bot.blocks.metrics import show
from bot.services.metrics import TeamLine

PERIOD = "metrics_period"  # static select (value: a period in the grammar)
SUBJECT = "metrics_subject"  # static select (value: a subject key)
STATE = "metrics"  # block id prefix: metrics|<subject key>|<period>
OVERVIEW = "overview"  # subject key: every team (admins)
PERIODS = (
    ("7d", "Last 7 days"), ("30d", "Last 30 days"), ("90d", "Last 90 days"),
    ("this-week", "This week"), ("last-week", "Last week"),
    ("this-month", "This month"), ("last-month", "Last month"),
)  # fmt: skip
MAX_OPTIONS = 100  # Slack's limit for a static select
TEAMS_PER_SECTION = 20


def state_of(block_id: str) -> tuple[str, str] | None:
    """The (subject key, period) an answer's pickers carry, or None for a block id not ours."""
    parts = block_id.split("|", 2)
    if len(parts) != 3 or parts[0] != STATE:
        return None
    return parts[1], parts[2]


def pickers(
    subject_key: str, period_text: str, period_label: str, subjects: Sequence[tuple[str, str]]
) -> ActionsBlock:
    """The period picker, and the subject picker when there is more than one to pick from
    (`subjects`: key and label)."""
    known = [(value, label) for value, label in PERIODS]
    if period_text not in {value for value, _ in known}:
        known.insert(0, (period_text[:150], period_label[:75]))
    periods = [Option(value=value, text=label) for value, label in known]
    current = next(o for o in periods if o.value == period_text[:150])
    elements: list[StaticSelectElement] = [
        StaticSelectElement(
            action_id=PERIOD, placeholder="Period", options=periods, initial_option=current
        )
    ]
    if len(subjects) > 1:
        options = [Option(value=key[:150], text=label[:75]) for key, label in subjects]
        options = options[:MAX_OPTIONS]
        chosen = next((o for o in options if o.value == subject_key), None)
        elements.append(StaticSelectElement(action_id=SUBJECT, placeholder="Whose numbers",
                                            options=options, initial_option=chosen))  # fmt: skip
    return ActionsBlock(block_id=f"{STATE}|{subject_key}|{period_text}"[:255], elements=elements)


def _line(line: TeamLine) -> str:
    shown = line.figures
    parts = [
        plural(shown.tickets_solved, "ticket") + " solved",
        f"CSAT {show(shown.csat_pct, '%')}",
        f"FCR {show(shown.fcr_pct, '%')}",
        f"first response {show(shown.frt_median_s, 'time')}",
        f"{line.met} of {line.judged} targets met" if line.judged else "no targets to judge yet",
    ]
    return f"*{escape(line.team)}*: " + " · ".join(parts)


def overview_blocks(lines: Sequence[TeamLine], period_label: str) -> list[Block]:
    """An admin's bare /cx-metrics: one line per team."""
    blocks: list[Block] = [HeaderBlock(text=f"All teams · {period_label}"[:150])]
    if not lines:
        blocks.append(section("No teams yet: `/cx-team` creates one."))
        return blocks
    rows = [_line(line) for line in lines]
    for at in range(0, min(len(rows), TEAMS_PER_SECTION * 40), TEAMS_PER_SECTION):
        blocks.append(section(fit("\n".join(rows[at : at + TEAMS_PER_SECTION]))))
    blocks.append(ContextBlock(elements=[MarkdownTextObject(
        text="Each team's period is read in its own time zone. `/cx-metrics <team>` for one "
        "team's figures with their changes.")]))  # fmt: skip
    return blocks
