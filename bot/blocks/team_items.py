"""Block Kit for a team's action items (issue 15): the line on a lead's App Home and the
*All action items* modal — overdue first, then open, then done lately; who set each."""

from slack_sdk.models.blocks import Block, ContextBlock, MarkdownTextObject
from slack_sdk.models.views import View

from bot.blocks.common import escape, fit, plural, section
from bot.services.team_items import DONE_DAYS, TeamItem, TeamItems
from bot.services.wording import short_date

SHOWN_ON_HOME = 5
TEAM_ITEMS = "team_items"  # button (value: the team's id) → the modal
PER_SECTION = 25  # items in one section of the modal (a section holds 3,000 characters)
MAX_SECTIONS = 90  # a modal holds 100 blocks


def _line(item: TeamItem, *, overdue: bool = False, done: bool = False) -> str:
    by = f", set by <@{item.assigned_by}>" if item.assigned_by else ", their own"
    if done and item.done_at:
        when = f"done {short_date(item.done_at)}"
    else:
        when = f"{'was due' if overdue else 'due'} {short_date(item.due)}"
    return f"• <@{item.agent}>: {escape(item.text)} ({when}{by})"


def counts(items: TeamItems) -> str:
    """ "3 open action items (1 overdue), 2 done in 30 days" """
    text = plural(len(items.open), "open action item")
    if items.overdue:
        text += f" ({len(items.overdue):,} overdue)"
    return text + f", {len(items.done):,} done in {DONE_DAYS} days"


def summary(items: TeamItems) -> str:
    """One line for the App Home: how many are open, overdue and done lately, and the first
    overdue (or next due) ones."""
    overdue = items.overdue
    first = overdue or items.open
    if not first:
        return f"Action items: {counts(items)}"
    late = {item.id for item in overdue}
    shown = "; ".join(
        f"<@{i.agent}>: {escape(i.text)} ({'was due' if i.id in late else 'due'} "
        f"{short_date(i.due)})"
        for i in first[:SHOWN_ON_HOME]
    )
    label = "Overdue" if overdue else "Next due"
    return f"Action items: {counts(items)}. {label}: {shown}"


def _sections(title: str, lines: list[str]) -> list[Block]:
    if not lines:
        return []
    chunks = [lines[at : at + PER_SECTION] for at in range(0, len(lines), PER_SECTION)]
    chunks[0] = [f"*{title}*", *chunks[0]]
    return [section(fit("\n".join(chunk))) for chunk in chunks]


def modal(items: TeamItems) -> View:
    """Every action item of the team: overdue, open, done in the last DONE_DAYS days."""
    overdue = items.overdue
    upcoming = [i for i in items.open if i not in overdue]
    blocks: list[Block] = [section(f"*{escape(items.team.name)}*: {counts(items)}")]
    blocks += _sections(f"Overdue ({len(overdue):,})", [_line(i, overdue=True) for i in overdue])
    blocks += _sections(f"Open ({len(upcoming):,})", [_line(i) for i in upcoming])
    blocks += _sections(f"Done in {DONE_DAYS} days ({len(items.done):,})",
                        [_line(i, done=True) for i in items.done])  # fmt: skip
    if len(blocks) > MAX_SECTIONS:
        blocks = [*blocks[:MAX_SECTIONS], section("…and more than a modal can hold.")]
    if not (items.open or items.done):
        blocks.append(ContextBlock(elements=[MarkdownTextObject(
            text="No action items yet: *Make an action item* under a reflection or an alert, "
            "or `/cx-1on1 @agent`.")]))  # fmt: skip
    return View(type="modal", title="Action items", close="Close", blocks=blocks)
