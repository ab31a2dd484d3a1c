"""The team modal's coaching settings (issue 15): who hears of a low rating the same day, and
whether each agent gets a weekly summary. Admins set them with the team's other settings."""

from typing import Any

from slack_sdk.models.blocks import (
    Block,
    CheckboxesElement,
    InputBlock,
    Option,
    StaticSelectElement,
)

from bot.store.models import Team

ALERTS = "alerts"  # static select: off | leads | leads_agent
SUMMARY = "weekly_summary"  # checkbox: each agent's own week in DM
ALERT_OPTIONS = {
    "off": "Nobody",
    "leads": "The agent's leads",
    "leads_agent": "The agent's leads and the agent",
}


def coaching_setting_blocks(team: Team | None) -> list[Block]:
    """The two inputs, showing the team's current choice (new teams: leads, summaries on)."""
    options = [Option(value=value, text=text) for value, text in ALERT_OPTIONS.items()]
    current = team.alerts if team is not None else "leads"
    weekly = Option(value="yes", text="Each agent gets their own week in DM, at the digest time")
    return [
        InputBlock(
            block_id=ALERTS,
            label="A CSAT of 1–2 or an NPS of 0–6 with a comment: who hears the same day",
            element=StaticSelectElement(
                action_id=ALERTS,
                options=options,
                initial_option=next(o for o in options if o.value == current),
            ),
        ),
        InputBlock(
            block_id=SUMMARY,
            label="Weekly summary",
            optional=True,
            element=CheckboxesElement(
                action_id=SUMMARY,
                options=[weekly],
                initial_options=[weekly] if team is None or team.weekly_summary else None,
            ),
        ),
    ]


def coaching_settings(values: dict[str, dict[str, dict[str, Any]]]) -> dict[str, Any]:
    """TeamForm fields from a submitted modal that had the inputs (none otherwise)."""
    if ALERTS not in values:
        return {}
    chosen = (values[ALERTS].get(ALERTS, {}).get("selected_option") or {}).get("value")
    summary = values.get(SUMMARY, {}).get(SUMMARY, {}).get("selected_options")
    return {"alerts": str(chosen) if chosen else None, "weekly_summary": bool(summary)}
