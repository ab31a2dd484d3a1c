"""Block Kit for kudos: the channel shout-out, the DM to each person thanked, the leaderboard,
and milestone shout-outs. User text is escaped, so a reason cannot ping anyone."""

from typing import Any

from slack_sdk.models.blocks import Block, ContextBlock, MarkdownTextObject

from bot.blocks.common import escape, message_blocks, section
from bot.delivery import Rendered, Renderer, payload_of
from bot.services.kudos import Board


def _names(users: list[str]) -> str:
    mentions = [f"<@{u}>" for u in users]
    return mentions[0] if len(mentions) == 1 else ", ".join(mentions[:-1]) + " and " + mentions[-1]


def post_message(payload: dict[str, Any]) -> Rendered:
    """The shout-out in the celebration channel."""
    value = f"  #{escape(payload['value'])}" if payload.get("value") else ""
    text = f":tada: {_names(payload['to'])} — kudos from <@{payload['giver']}>"
    blocks: list[Block] = [section(f"{text}\n> {escape(payload['reason'])}{value}")]
    return text, message_blocks(blocks)


def dm_message(payload: dict[str, Any]) -> Rendered:
    """The DM to someone thanked."""
    text = f":tada: <@{payload['giver']}> gave you kudos"
    value = f" (#{escape(payload['value'])})" if payload.get("value") else ""
    return text, message_blocks([section(f"{text}{value}:\n> {escape(payload['reason'])}")])


def board_blocks(board: Board, label: str) -> list[Block]:
    """The leaderboard: kudos received and given."""

    def lines(rows: list[tuple[str, int]]) -> str:
        return "\n".join(f"{n}. <@{u}> — {count}" for n, (u, count) in enumerate(rows, 1)) or (
            "Nobody yet."
        )

    blocks: list[Block] = [
        section(f"*Kudos {escape(label)}*"),
        section(f"*Received*\n{lines(board.received)}"),
        section(f"*Given*\n{lines(board.given)}"),
    ]
    note = (
        "Leaderboards count visibility, not performance. `/cx-kudos leaderboard off` leaves them."
    )
    if board.hidden:
        note = f"{board.hidden} people chose to stay off leaderboards. " + note
    blocks.append(ContextBlock(elements=[MarkdownTextObject(text=note)]))
    return blocks


def milestone_message(payload: dict[str, Any]) -> Rendered:
    """A milestone shout-out."""
    team = escape(payload["team"])
    if payload["what"] == "target":
        text = (
            f"{team} met its {payload['kpi']} target last week: {payload['value']:.0f} % "
            f"(target {payload['target']:g} %)."
        )
    elif payload["what"] == "top_csat":
        text = (
            f"<@{payload['user']}> collected {payload['count']} top CSAT scores (5 of 5) last week!"
        )
    else:
        text = f"<@{payload['user']}> has reflected on {payload['count']} shifts in a row. :fire:"
    return text, message_blocks([section(f":trophy: {text}")])


RENDERERS: dict[str, Renderer] = {
    "kudos_post": lambda row: post_message(payload_of(row)),
    "kudos_dm": lambda row: dm_message(payload_of(row)),
    "milestone": lambda row: milestone_message(payload_of(row)),
}
