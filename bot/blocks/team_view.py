"""The lead's team section and the admins' delivery problems, on the App Home."""

from collections.abc import Sequence

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    HeaderBlock,
    MarkdownTextObject,
    UserSelectElement,
)

from bot.blocks import team_items
from bot.blocks.common import escape, section
from bot.services.team_view import DeliveryProblem, TeamWeek
from bot.services.wording import short_date

MEMBER_SHIFT = "member_shift"  # pick a team member → the shift modal, for them
WEEKS_SHOWN = 8  # teams shown in full: a home tab holds at most 100 blocks


def team_week_blocks(weeks: Sequence[TeamWeek]) -> list[Block]:
    """For each team the person leads: participation this week, quiet agents, training needs."""
    blocks: list[Block] = []
    for week in weeks[:WEEKS_SHOWN]:
        pct = week.participation_pct
        participation = (
            f"{pct:.0f} % ({week.answered} of {week.prompts})" if pct is not None else "no data yet"
        )
        lines = [f"Reflections this week: {participation}"]
        if week.quiet:
            people = ", ".join(f"<@{user}>" for user in week.quiet)
            lines.append(f"No answer for 3+ shifts: {people} (only you see this)")
        if week.training_needs:
            needs = ", ".join(f"{escape(need)} ({count})" for need, count in week.training_needs)
            lines.append(f"Training asked for (30 days): {needs}")
        if week.items is not None:
            lines.append(team_items.summary(week.items))
        blocks.append(HeaderBlock(text=f"Your team: {week.team.name}"[:150]))
        blocks.append(section("\n".join(lines)))
        blocks.append(
            ActionsBlock(
                elements=[
                    UserSelectElement(action_id=MEMBER_SHIFT, placeholder="Set a member's shift…"),
                    ButtonElement(
                        text="All action items",
                        action_id=team_items.TEAM_ITEMS,
                        value=str(week.team.id),
                    ),
                ]
            )
        )
    if len(weeks) > WEEKS_SHOWN:
        hidden = len(weeks) - WEEKS_SHOWN
        note = f"{hidden} more teams you lead: `/cx-metrics <team>` for each."
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=note)]))
    return blocks


def delivery_problem_blocks(problems: Sequence[DeliveryProblem]) -> list[Block]:
    """Messages Slack refused in the last week (admins only)."""
    if not problems:
        return []

    def where(channel: str) -> str:
        return f"<@{channel}>" if channel.startswith(("U", "W")) else f"<#{channel}>"

    lines = [
        f"• {short_date(p.due_at)} {p.due_at:%H:%M} UTC, {p.kind}"
        + (f" to {where(p.channel)}" if p.channel else " failed (retried at its next run)")
        + f": `{escape(p.error)}`"
        for p in problems[:10]
    ]
    more = f"\n…and {len(problems) - 10} more." if len(problems) > 10 else ""
    return [
        HeaderBlock(text="Delivery problems (7 days)"),
        section(
            f"{len(problems)} problems (messages not delivered are not retried):\n"
            + "\n".join(lines)
            + more
        ),
    ]
