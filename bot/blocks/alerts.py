"""Block Kit for same-day alerts (issue 15): low ratings with their comments, escaped, and
*Make an action item* and *Discuss in 1:1* for a lead."""

from slack_sdk.models.blocks import ActionsBlock, Block, ButtonElement

from bot.blocks.common import MAX_BLOCKS_PER_MESSAGE, escape, fit, message_blocks, section
from bot.blocks.one_on_one import DISCUSS_RATING
from bot.blocks.reading import ASSIGN
from bot.delivery import Rendered, Renderer, payload_of
from bot.services import payloads
from bot.services.alerts import ALERT

SHOWN = 10  # ratings shown in one DM (the rest are counted)


def _line(low: payloads.Low, *, for_agent: bool) -> str:
    scale = "5" if low["kind"] == "csat" else "10"
    whom = "you" if for_agent else f"<@{low['agent']}>"
    ticket = f" on ticket {escape(str(low['ticket_id']))}" if low.get("ticket_id") else ""
    return (
        f"A customer rated {whom} *{low['score']}/{scale}* ({low['kind'].upper()}){ticket}: "
        f"“{escape(low['comment'][:500])}”"
    )


def alert_message(payload: payloads.SurveyAlert) -> Rendered:
    """One DM for the low ratings claimed together."""
    lows, for_agent = payload["lows"], bool(payload["for_agent"])
    head = f"{len(lows)} unhappy customers today" if len(lows) > 1 else "An unhappy customer today"
    text = fit(f"{head}: " + " · ".join(_line(low, for_agent=for_agent) for low in lows[:3]))
    blocks: list[Block] = [section(f":rotating_light: *{head}*")]
    for low in lows[:SHOWN]:
        blocks.append(section(_line(low, for_agent=for_agent)))
        if not for_agent:
            blocks.append(ActionsBlock(elements=[
                ButtonElement(text="Make an action item", action_id=ASSIGN, value=low["agent"]),
                ButtonElement(text="Discuss in 1:1", action_id=DISCUSS_RATING,
                              value=str(low["survey_id"])),
            ]))  # fmt: skip
    if len(lows) > SHOWN:
        blocks.append(section(f"…and {len(lows) - SHOWN} more."))
    return text, message_blocks(blocks[:MAX_BLOCKS_PER_MESSAGE])


RENDERERS: dict[str, Renderer] = {ALERT: lambda row: alert_message(payload_of(row))}
