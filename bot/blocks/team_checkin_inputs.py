"""Block Kit for the team modal's check-in and peer-feedback inputs (bot.blocks.team_admin
assembles every input; bot.blocks.team_form reads them back), and the labelled input every
section of the modal uses. Owns these inputs' block ids."""

from slack_sdk.models.blocks import (
    Block,
    CheckboxesElement,
    InputBlock,
    InputInteractiveElement,
    NumberInputElement,
    Option,
    PlainTextInputElement,
    StaticSelectElement,
)

from bot.services.templates import CUSTOM_HELP
from bot.store.models import Team

TEMPLATE, QUESTIONS, LEADS_READ = "template", "questions", "leads_read"
FB_ROUNDS, FB_EXPIRY, FB_SHARE = "feedback_rounds", "feedback_expiry", "feedback_share"
ROUND_NAMES = {
    "off": "No scheduled rounds",
    "weekly": "Every week",
    "biweekly": "Every two weeks",
    "monthly": "Every month",
}
TEMPLATE_NAMES = {
    "default": "Default: went well, do differently, training, confidence",
    "postmortem": "Post-mortem: what happened, root cause, what I'll change",
    "custom": "Our own questions (below)",
}


def labelled(
    block_id: str,
    label: str,
    element: InputInteractiveElement,
    *,
    optional: bool = False,
    hint: str = "",
) -> InputBlock:
    return InputBlock(
        block_id=block_id,
        label=label,
        element=element,
        optional=optional,
        hint=hint or None,
    )


def question_blocks(team: Team | None) -> list[Block]:
    """Which questions the team's agents answer, and whether its leads read the answers."""
    options = [Option(value=key, text=label) for key, label in TEMPLATE_NAMES.items()]
    current = team.reflection_template if team else "default"
    reads = Option(value="yes", text="Team leads can read the reflections")
    return [
        labelled(
            TEMPLATE,
            "Reflection questions",
            StaticSelectElement(
                action_id=TEMPLATE,
                options=options,
                initial_option=next(o for o in options if o.value == current),
            ),
        ),
        labelled(
            QUESTIONS,
            "Our own questions",
            PlainTextInputElement(
                action_id=QUESTIONS,
                multiline=True,
                initial_value=(team.custom_questions if team else None) or None,
                placeholder="[scale] How busy was today?",
            ),
            optional=True,
            hint=CUSTOM_HELP,
        ),
        labelled(
            LEADS_READ,
            "Who reads the answers",
            CheckboxesElement(
                action_id=LEADS_READ,
                options=[reads],
                initial_options=[reads] if (team is None or team.leads_read_reflections) else None,
            ),
            optional=True,
        ),
    ]


def feedback_blocks(team: Team | None) -> list[Block]:
    """Peer feedback: scheduled rounds, how long requests stay open, who sees a 360."""
    options = [Option(value=key, text=label) for key, label in ROUND_NAMES.items()]
    current = team.feedback_rounds if team else "off"
    share = Option(value="yes", text="Agents also get the 360 feedback their lead asked for")
    tell = Option(value="announce", text="Agents are told when a 360 about them starts")
    return [
        labelled(
            FB_ROUNDS,
            "Peer feedback rounds",
            StaticSelectElement(
                action_id=FB_ROUNDS,
                options=options,
                initial_option=next(o for o in options if o.value == current),
            ),
            hint="Each round gives every agent two reviewers from the team.",
        ),
        labelled(
            FB_EXPIRY,
            "Feedback requests stay open for (days)",
            NumberInputElement(
                action_id=FB_EXPIRY,
                is_decimal_allowed=False,
                initial_value=str(team.feedback_expiry_days if team else 7),
                min_value="1",
                max_value="30",
            ),
        ),
        labelled(
            FB_SHARE,
            "360 feedback",
            CheckboxesElement(
                action_id=FB_SHARE,
                options=[share, tell],
                initial_options=[
                    option
                    for option, on in (
                        (share, team is None or team.share_360_with_agent),
                        (tell, team is None or team.announce_360),
                    )
                    if on
                ]
                or None,
            ),
            optional=True,
        ),
    ]
