"""Block Kit for kudos: the channel shout-out, the DM to each person thanked, the leaderboard,
and milestone shout-outs. User text is escaped, so a reason cannot ping anyone."""

from zoneinfo import ZoneInfo

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    HeaderBlock,
    MarkdownTextObject,
)

from bot.blocks.common import (
    escape,
    fit,
    mention,
    message_blocks,
    plural,
    section,
    short_date,
)
from bot.delivery import Rendered, Renderer, payload_of
from bot.services import payloads
from bot.services.kudos import Board, Thanks
from bot.services.payloads import OutboxKind
from bot.store.models import Person

OPT = "kudos_opt"  # App Home buttons; value "leaderboard:on", "milestones:off", …


def _names(users: list[str]) -> str:
    mentions = [mention(u) for u in users]
    return mentions[0] if len(mentions) == 1 else ", ".join(mentions[:-1]) + " and " + mentions[-1]


def post_message(payload: payloads.Kudos) -> Rendered:
    """The shout-out in the celebration channel."""
    value = f"  #{escape(payload['value'] or '')}" if payload.get("value") else ""
    text = f":tada: {_names(payload['to'])} — kudos from <@{payload['giver']}>"
    blocks: list[Block] = [section(f"{text}\n> {escape(payload['reason'])}{value}")]
    return text, message_blocks(blocks)


def dm_message(payload: payloads.Kudos) -> Rendered:
    """The DM to someone thanked."""
    text = f":tada: <@{payload['giver']}> gave you kudos"
    value = f" (#{escape(payload['value'] or '')})" if payload.get("value") else ""
    return text, message_blocks([section(f"{text}{value}:\n> {escape(payload['reason'])}")])


def board_blocks(board: Board, label: str) -> list[Block]:
    """The leaderboard: kudos received and given."""

    def lines(rows: list[tuple[str, int]]) -> str:
        return "\n".join(
            f"{n}. {mention(u)} — {count}" for n, (u, count) in enumerate(rows, 1)
        ) or ("Nobody yet.")

    blocks: list[Block] = [
        section(f"*Kudos {escape(label)}*"),
        section(f"*Received*\n{lines(board.received)}"),
        section(f"*Given*\n{lines(board.given)}"),
    ]
    note = (
        "Leaderboards count visibility, not performance. `/cx-kudos leaderboard off` leaves them."
    )
    if board.hidden:
        note = f"{plural(board.hidden, 'person', 'people')} chose to stay off leaderboards. " + note
    blocks.append(ContextBlock(elements=[MarkdownTextObject(text=note)]))
    return blocks


def home_kudos_blocks(person: Person, total: int, latest: list[Thanks]) -> list[Block]:
    """The App Home's kudos section: what you were thanked for, and your celebration choices."""
    blocks: list[Block] = [HeaderBlock(text="Kudos")]
    zone = ZoneInfo(person.timezone_override or person.timezone or "UTC")
    if latest:
        lines = [f"*Received: {total}* (latest first)"]
        for thanks in latest:
            value = f" #{escape(thanks.value)}" if thanks.value else ""
            day = thanks.created_at.astimezone(zone)
            said = f"\n> {escape(thanks.reason)}" if thanks.reason else ""
            lines.append(f"{mention(thanks.giver)} · {short_date(day)}{value}{said}")
        blocks.append(section("\n".join(lines)))
    else:
        blocks.append(section("No kudos received yet."))
    on_board, named = not person.leaderboard_opt_out, not person.milestones_opt_out
    choices = [
        "You're on the kudos leaderboards." if on_board else "You're off the kudos leaderboards.",
        "Milestone shout-outs may name you." if named else "Milestone shout-outs won't name you.",
        "Give kudos with `/cx-kudos @name for <reason> [#value]`.",
    ]
    blocks.append(ContextBlock(elements=[MarkdownTextObject(text=" ".join(choices))]))
    blocks.append(
        ActionsBlock(
            elements=[
                ButtonElement(
                    text="Leave leaderboards" if on_board else "Join leaderboards",
                    action_id=f"{OPT}_leaderboard",
                    value="leaderboard:off" if on_board else "leaderboard:on",
                ),
                ButtonElement(
                    text="Don't name me in milestones" if named else "Name me in milestones",
                    action_id=f"{OPT}_milestones",
                    value="milestones:off" if named else "milestones:on",
                ),
            ]
        )
    )
    return blocks


def _milestone_line(payload: payloads.Milestone) -> str:
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
    return text


def milestone_message(payload: payloads.Milestone) -> Rendered:
    """A milestone shout-out of old (one post each; claimed before an upgrade)."""
    text = _milestone_line(payload)
    return text, message_blocks([section(f":trophy: {text}")])


def celebration_message(payload: payloads.Celebration) -> Rendered:
    """A team's one celebration post of the day: every milestone it reached, a line each."""
    lines = [_milestone_line(item) for item in payload["items"]]
    head = f"Celebrating {escape(payload['team'])} today"
    text = fit(f"{head}: " + " · ".join(lines))
    body = "\n".join(f"• {line}" for line in lines)
    return text, message_blocks([section(f":trophy: *{head}*"), section(fit(body))])


RENDERERS: dict[str, Renderer] = {
    OutboxKind.KUDOS_POST: lambda row: post_message(payload_of(row)),
    OutboxKind.KUDOS_DM: lambda row: dm_message(payload_of(row)),
    OutboxKind.MILESTONE: lambda row: milestone_message(payload_of(row)),
    OutboxKind.CELEBRATION: lambda row: celebration_message(payload_of(row)),
}
