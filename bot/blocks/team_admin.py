"""Block Kit for team administration: every input of the team modal (bot.blocks.team_modal
groups them and picks those the asker may set), and the notice modal. Owns the modal's block
and callback ids."""

from slack_sdk.models.blocks import (
    Block,
    ChannelSelectElement,
    CheckboxesElement,
    InputBlock,
    InputInteractiveElement,
    NumberInputElement,
    Option,
    PlainTextInputElement,
    StaticSelectElement,
    TimePickerElement,
    UserMultiSelectElement,
)
from slack_sdk.models.views import View

from bot.blocks.common import section
from bot.blocks.team_coaching import coaching_setting_blocks
from bot.services.kudos import DEFAULT_VALUES
from bot.services.team_settings import DEFAULT_TARGETS, Targets, TeamDetail
from bot.services.templates import CUSTOM_HELP
from bot.services.wording import example_date
from bot.store.models import Team

TEAM_MODAL = "team_modal"  # private_metadata: team id, or "" for a new team

NAME, MEMBERS, LEADS = "name", "members", "leads"
DIGEST, CELEBRATE, ZONE = "digest", "celebrate", "timezone"
HOLIDAYS, DAYS_OFF = "holidays", "days_off"
CSAT, NPS, FCR, FRT = "csat", "nps", "fcr", "frt"
DIGEST_DAY, DIGEST_TIME = "digest_day", "digest_time"
KUDOS_VALUES, KUDOS_CAP, TOP_CSAT = "kudos_values", "kudos_cap", "top_csat"
KUDOS_EMOJI = "kudos_emoji"
LEADS_CONFIGURE = "leads_configure"  # checkbox (admins): leads set channels, targets, reminder
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
TARGET_FIELDS = (CSAT, NPS, FCR, FRT)
TEMPLATE, QUESTIONS, LEADS_READ = "template", "questions", "leads_read"
REMINDER = "reminder"
FB_ROUNDS, FB_EXPIRY, FB_SHARE = "feedback_rounds", "feedback_expiry", "feedback_share"
BUSINESS = "business_hours"  # checkbox: response times in business hours
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


def _input(
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


def all_inputs(detail: TeamDetail | None, *, name: str = "") -> list[InputBlock]:
    """Every input of the team modal, filled with the team's settings (bot.blocks.team_modal
    groups them and picks those the asker may set)."""
    team = detail.team if detail else None
    targets = detail.targets if detail else DEFAULT_TARGETS
    members = list(detail.members) if detail else []
    inputs: list[InputBlock] = [
        _input(
            NAME, "Team name",
            PlainTextInputElement(action_id=NAME, initial_value=team.name if team else name or None,
                                  max_length=80),
        ),
        _input(
            LEADS, "Leads",
            UserMultiSelectElement(action_id=LEADS,
                                   initial_users=list(detail.leads) if detail else None),
            optional=True,
        ),
        _input(
            MEMBERS, "Agents",
            UserMultiSelectElement(action_id=MEMBERS, initial_users=members or None),
            optional=True,
        ),
    ]  # fmt: skip
    blocks: list[Block] = [
        *inputs,
        *_question_blocks(team),
        *_feedback_blocks(team),
        *_settings_blocks(team, targets, detail),
    ]
    return [block for block in blocks if isinstance(block, InputBlock)]


def _question_blocks(team: Team | None) -> list[Block]:
    """Which questions the team's agents answer, and whether its leads read the answers."""
    options = [Option(value=key, text=label) for key, label in TEMPLATE_NAMES.items()]
    current = team.reflection_template if team else "default"
    reads = Option(value="yes", text="Team leads can read the reflections")
    return [
        _input(
            TEMPLATE,
            "Reflection questions",
            StaticSelectElement(
                action_id=TEMPLATE,
                options=options,
                initial_option=next(o for o in options if o.value == current),
            ),
        ),
        _input(
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
        _input(
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


def _feedback_blocks(team: Team | None) -> list[Block]:
    """Peer feedback: scheduled rounds, how long requests stay open, who sees a 360."""
    options = [Option(value=key, text=label) for key, label in ROUND_NAMES.items()]
    current = team.feedback_rounds if team else "off"
    share = Option(value="yes", text="Agents also get the 360 feedback their lead asked for")
    tell = Option(value="announce", text="Agents are told when a 360 about them starts")
    return [
        _input(
            FB_ROUNDS,
            "Peer feedback rounds",
            StaticSelectElement(
                action_id=FB_ROUNDS,
                options=options,
                initial_option=next(o for o in options if o.value == current),
            ),
            hint="Each round gives every agent two reviewers from the team.",
        ),
        _input(
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
        _input(
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


def _settings_blocks(team: Team | None, targets: Targets, detail: TeamDetail | None) -> list[Block]:
    days_off = ", ".join(f"{day}" for day in detail.custom_holidays) if detail else ""
    hours = Option(value="yes", text="In business hours (the helpdesk's figures, as in Explore)")
    code = ""
    if team and team.holiday_country:
        code = team.holiday_country + (
            f"-{team.holiday_subdivision}" if team.holiday_subdivision else ""
        )
    return [
        _input(
            REMINDER,
            "Remind unanswered check-ins after (minutes; 0 for no reminder)",
            NumberInputElement(
                action_id=REMINDER,
                is_decimal_allowed=False,
                initial_value=str(team.reminder_delay_minutes if team else 120),
                min_value="0",
                max_value="720",
            ),
        ),
        _input(
            DIGEST,
            "Weekly KPI digest goes to",
            ChannelSelectElement(
                action_id=DIGEST, initial_channel=team.digest_channel_id if team else None
            ),
            optional=True,
        ),
        _input(
            DIGEST_DAY,
            "Digest day",
            StaticSelectElement(
                action_id=DIGEST_DAY,
                options=(days := [Option(value=str(n), text=d) for n, d in enumerate(WEEKDAYS)]),
                initial_option=days[team.digest_weekday if team else 0],
            ),
        ),
        _input(
            DIGEST_TIME,
            "Digest time (team time zone)",
            TimePickerElement(
                action_id=DIGEST_TIME, initial_time=team.digest_time if team else "09:00"
            ),
        ),
        _input(
            CELEBRATE,
            "Kudos and celebrations go to",
            ChannelSelectElement(
                action_id=CELEBRATE, initial_channel=team.celebration_channel_id if team else None
            ),
            optional=True,
        ),
        _input(
            KUDOS_VALUES,
            "Kudos values",
            PlainTextInputElement(
                action_id=KUDOS_VALUES,
                initial_value=(team.kudos_values if team else DEFAULT_VALUES).replace(",", ", "),
            ),
            hint="Comma-separated; people add one to a kudos as #value.",
        ),
        _input(
            KUDOS_CAP,
            "Kudos one person can give a day",
            NumberInputElement(
                action_id=KUDOS_CAP,
                is_decimal_allowed=False,
                initial_value=str(team.kudos_daily_cap if team else 5),
                min_value="1",
                max_value="50",
            ),
        ),
        _input(
            KUDOS_EMOJI,
            "Kudos by reaction: the emoji",
            PlainTextInputElement(
                action_id=KUDOS_EMOJI,
                initial_value=f":{team.kudos_emoji if team else 'star2'}:",
                max_length=66,
            ),
            hint="Reacting with it to a colleague's message gives them kudos, the message as "
            "the reason.",
        ),
        _input(
            TOP_CSAT,
            "Top CSAT scores in a week worth celebrating",
            NumberInputElement(
                action_id=TOP_CSAT,
                is_decimal_allowed=False,
                initial_value=str(team.top_csat_scores if team else 5),
                min_value="1",
                max_value="100",
            ),
            hint="An agent with this many 5-of-5 CSAT answers in a week is celebrated.",
        ),
        _input(
            ZONE,
            "Team time zone",
            PlainTextInputElement(action_id=ZONE, initial_value=team.timezone if team else "UTC"),
            hint="An IANA name, e.g. America/New_York. Used for digests and for agents "
            "whose Slack profile has no time zone.",
        ),
        _input(
            HOLIDAYS,
            "Public holidays",
            PlainTextInputElement(
                action_id=HOLIDAYS, initial_value=code or None, placeholder="US, GB, DE-BY"
            ),
            optional=True,
            hint="A country code, optionally with a region. No check-ins on these days.",
        ),
        _input(
            DAYS_OFF,
            "Team days off",
            PlainTextInputElement(
                action_id=DAYS_OFF,
                initial_value=days_off or None,
                placeholder=f"{example_date(10)}, {example_date(17)}",
            ),
            optional=True,
        ),
        _input(
            CSAT,
            "CSAT target (%)",
            NumberInputElement(
                action_id=CSAT,
                is_decimal_allowed=True,
                initial_value=f"{targets.csat_pct:g}",
                min_value="0",
                max_value="100",
            ),
        ),
        _input(
            NPS,
            "NPS target",
            NumberInputElement(
                action_id=NPS,
                is_decimal_allowed=True,
                initial_value=f"{targets.nps:g}",
                min_value="-100",
                max_value="100",
            ),
        ),
        _input(
            FCR,
            "First-contact resolution target (%)",
            NumberInputElement(
                action_id=FCR,
                is_decimal_allowed=True,
                initial_value=f"{targets.fcr_pct:g}",
                min_value="0",
                max_value="100",
            ),
        ),
        _input(
            FRT,
            "Median first response target (minutes)",
            NumberInputElement(
                action_id=FRT,
                is_decimal_allowed=False,
                initial_value=str(targets.frt_minutes),
                min_value="1",
                max_value=str(7 * 24 * 60),
            ),
            hint="Defaults: CSAT 85 %, NPS 30, FCR 70 %, first response 240 min (4 h), "
            "from published CX benchmarks; set your own.",
        ),
        _input(
            BUSINESS,
            "Response times",
            CheckboxesElement(
                action_id=BUSINESS,
                options=[hours],
                initial_options=[hours] if team is not None and team.business_hours else None,
            ),
            optional=True,
        ),
        *coaching_setting_blocks(team),
    ]


def notice_modal(title: str, text: str) -> View:
    """A modal that only tells something (e.g. why the button does nothing for you)."""
    return View(type="modal", title=title[:24], close="OK", blocks=[section(text)])
