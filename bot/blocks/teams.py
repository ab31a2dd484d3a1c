"""Team setup messages (`/cx-team`)."""

from collections.abc import Sequence

from slack_sdk.models.blocks import Block

from bot.blocks.common import escape, section
from bot.store.models import Team


def team_list_blocks(teams: Sequence[Team]) -> list[Block]:
    """The teams of a workspace, or how to create the first one."""
    if not teams:
        return [
            section(
                "There are no teams yet. An admin can create one with `/cx-team create <name>`."
            )
        ]
    lines = []
    for team in teams:
        channel = (
            f"digest in <#{team.digest_channel_id}>"
            if team.digest_channel_id
            else "no digest channel yet"
        )
        lines.append(f"• *{escape(team.name)}* — {escape(team.timezone)}, {channel}")
    return [section(f"*Teams in this workspace ({len(teams)})*\n" + "\n".join(lines))]
