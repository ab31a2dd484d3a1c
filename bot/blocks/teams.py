"""Team messages and the App Home teams section: `/cx-team list` and `show`, the delete
confirmation, and the Create / Edit / Delete buttons (whose ids this module owns)."""

from collections.abc import Sequence

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ConfirmObject,
    ContextBlock,
    HeaderBlock,
    MarkdownTextObject,
)

from bot.blocks.common import escape, section, short_date
from bot.services.team_settings import TeamDetail
from bot.store.models import Team

CREATE_TEAM = "team_create"  # button → TEAM_MODAL for a new team
EDIT_TEAM = "team_edit"  # button (value: team id) → TEAM_MODAL
DELETE_TEAM = "team_delete"  # button with a confirmation (value: team id)


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


def detail_blocks(detail: TeamDetail) -> list[Block]:
    """`/cx-team show`: a team's people and settings."""
    team, targets = detail.team, detail.targets

    def people(ids: Sequence[str]) -> str:
        return ", ".join(f"<@{user}>" for user in ids) or "nobody yet"

    def channel(channel_id: str | None) -> str:
        return f"<#{channel_id}>" if channel_id else "not set"

    holidays = team.holiday_country or "none"
    if team.holiday_subdivision:
        holidays += f"-{team.holiday_subdivision}"
    days_off = (
        ", ".join(f"{short_date(day, year=True)}" for day in detail.custom_holidays) or "none"
    )
    lines = [
        f"*Leads:* {people(detail.leads)}",
        f"*Agents ({len(detail.members)}):* {people(detail.members)}",
        f"*Digest:* {channel(team.digest_channel_id)} · "
        f"*Celebrations:* {channel(team.celebration_channel_id)}",
        f"*Time zone:* {escape(team.timezone)} · *Holidays:* {holidays} · *Days off:* {days_off}",
        f"*Targets:* CSAT {targets.csat_pct:g} % · NPS {targets.nps:g} · "
        f"FCR {targets.fcr_pct:g} % · first response {targets.frt_minutes} min",
    ]
    return [HeaderBlock(text=team.name[:150]), section("\n".join(lines))]


def delete_button(team: Team) -> ButtonElement:
    """A danger button that asks before deleting."""
    return ButtonElement(
        text="Delete",
        action_id=DELETE_TEAM,
        value=str(team.id),
        style="danger",
        confirm=ConfirmObject(
            title="Delete this team?",
            text=f"*{escape(team.name)}* and its memberships, holidays and settings go. "
            "People, their reflections and their shifts stay.",
            confirm="Delete",
            deny="Keep it",
            style="danger",
        ),
    )


def delete_confirmation_blocks(team: Team) -> list[Block]:
    """`/cx-team delete`: what goes, and the (confirming) button."""
    return [
        section(f"Delete *{escape(team.name)}*? Its people, reflections and shifts stay."),
        ActionsBlock(elements=[delete_button(team)]),
    ]


def home_teams_blocks(teams: Sequence[Team], *, admin: bool) -> list[Block]:
    """The App Home section where admins and leads manage teams."""
    blocks: list[Block] = [HeaderBlock(text="Teams you manage" if not admin else "Teams")]
    if not teams:
        blocks.append(section("No teams yet." if admin else "You don't lead a team yet."))
    for team in teams[:20]:  # a home tab holds 100 blocks; more teams: /cx-team list
        buttons = [ButtonElement(text="Edit", action_id=EDIT_TEAM, value=str(team.id))]
        if admin:
            buttons.append(delete_button(team))
        blocks.append(section(f"*{escape(team.name)}* · {escape(team.timezone)}"))
        blocks.append(ActionsBlock(block_id=f"team-{team.id}", elements=buttons))
    if len(teams) > 20:
        blocks.append(
            ContextBlock(
                elements=[MarkdownTextObject(text=f"{len(teams) - 20} more: `/cx-team list`")]
            )
        )
    if admin:
        blocks.append(
            ActionsBlock(
                elements=[ButtonElement(text="Create team", action_id=CREATE_TEAM, style="primary")]
            )
        )
    return blocks
