"""Block Kit for an agent's weekly summary (issue 15): private to them — their week against
the team's median and the target, reflections, kudos, feedback, and what is due."""

from typing import Any

from slack_sdk.models.blocks import ActionsBlock, Block, ButtonElement, HeaderBlock

from bot.blocks.action_items import item_buttons
from bot.blocks.common import escape, message_blocks, section
from bot.blocks.metrics import show
from bot.delivery import Rendered, Renderer, payload_of
from bot.services.summaries import SUMMARY
from bot.services.wording import plural

SUMMARY_OFF = "summary_off"  # button: no more weekly summaries
SUMMARY_ON = "summary_on"  # button: weekly summaries again
ROWS = (
    ("csat_pct", "CSAT", "%"), ("fcr_pct", "First-contact resolution", "%"), ("nps", "NPS", ""),
    ("frt_median_s", "First response, median", "time"),
)  # fmt: skip


def summary_message(payload: dict[str, Any]) -> Rendered:
    """The summary DM, with its items' buttons and a way to stop it."""
    text = f"Your week {payload['from']} to {payload['to']} ({escape(payload['team'])})"
    lines = [f"*Tickets solved:* {payload['solved']}"]
    for field, name, unit in ROWS:
        mine, median = payload["mine"][field], payload["median"][field]
        target = payload["targets"][field]
        lines.append(
            f"*{name}:* {show(mine, unit)} · team median {show(median, unit)} · "
            f"target {show(target, unit)}"
        )
    answered = show(payload["participation_pct"], "%")
    lines.append(
        f"*Reflections answered:* {answered} · streak {plural(payload['streak'], 'shift')}"
    )
    lines.append(
        f"*Kudos received:* {payload['kudos']} · *feedback received:* {payload['feedback']}"
    )
    blocks: list[Block] = [HeaderBlock(text="Your week"), section(text), section("\n".join(lines))]
    overdue = f" ({payload['overdue']} overdue)" if payload["overdue"] else ""
    blocks.append(
        section(f"*Action items due this week{overdue}:*" + ("" if payload["due"] else " none"))
    )
    for item in payload["due"][:5]:
        blocks.append(section(f"{item['due']} — {escape(item['text'])}"))
        blocks.append(item_buttons(item["id"]))
    blocks.append(ActionsBlock(elements=[
        ButtonElement(text="Stop weekly summaries", action_id=SUMMARY_OFF, value="off")
    ]))  # fmt: skip
    return f"{text}: only you see this.", message_blocks(blocks)


def settled(off: bool) -> Rendered:
    """What the summary DM becomes after Stop (or Start again)."""
    if off:
        text = "No more weekly summaries. You can start them again here."
        button = ButtonElement(text="Start them again", action_id=SUMMARY_ON, value="on")
    else:
        text = "Weekly summaries are on again: the next comes at your team's digest time."
        button = ButtonElement(text="Stop weekly summaries", action_id=SUMMARY_OFF, value="off")
    return text, message_blocks([section(text), ActionsBlock(elements=[button])])


RENDERERS: dict[str, Renderer] = {SUMMARY: lambda row: summary_message(payload_of(row))}
