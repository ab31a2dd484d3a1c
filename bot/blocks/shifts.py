"""Block Kit for schedules: /cx-shift answers and the App Home's schedule section."""

from slack_sdk.models.blocks import Block, ContextBlock, MarkdownTextObject

from bot.blocks.common import section
from bot.services.schedule import PlannedDay
from bot.services.shifts import ShiftOverview


def when(day: PlannedDay) -> str:
    """ "Mon 30 Nov, 17:30 EST" in the agent's zone."""
    assert day.local is not None
    return f"{day.local:%a %d %b, %H:%M} {day.local.tzname()}"


def overview_text(view: ShiftOverview, *, own: bool) -> str:
    """One-paragraph summary, also the notification text."""
    who = "Your" if own else f"<@{view.slack_user_id}>'s"
    if view.shift is None:
        return f"{who} shift is not set yet, so no check-ins are scheduled."
    return f"{who} shift: {view.shift.describe()} ({view.timezone})."


def overview_blocks(view: ShiftOverview, *, own: bool, changed: str | None = None) -> list[Block]:
    """The schedule, next check-ins and skipped days; `changed` leads with what was saved."""
    blocks: list[Block] = []
    if changed:
        blocks.append(section(f":white_check_mark: {changed}"))
    blocks.append(section(f"*{overview_text(view, own=own)}*"))
    if view.away_until is not None:
        blocks.append(section(f":palm_tree: Away until {view.away_until:%a %d %b %Y}."))
    if view.upcoming:
        lines = "\n".join(f"• {when(day)}" for day in view.upcoming)
        blocks.append(section(f"*Next check-ins*\n{lines}"))
    elif view.shift is not None:
        blocks.append(section("No check-ins in the coming year."))
    if view.skipped:
        lines = "\n".join(f"• {day.day:%a %d %b}: {day.reason}" for day in view.skipped)
        blocks.append(section(f"*Skipped this week*\n{lines}"))
    if own:
        hint = (
            "Change it: `/cx-shift mon-fri 17:30` · `/cx-shift away until 2026-12-02` · "
            "`/cx-shift back`"
        )
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=hint)]))
    return blocks
