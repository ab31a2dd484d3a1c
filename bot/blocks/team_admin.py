"""Block Kit for team administration: every input of the team modal (bot.blocks.team_modal
groups them and picks those the asker may set; the check-in and feedback inputs are built in
bot.blocks.team_checkin_inputs). Owns the modal's callback id and the other block ids."""

from slack_sdk.models.blocks import (
    Block,
    ChannelSelectElement,
    CheckboxesElement,
    InputBlock,
    NumberInputElement,
    Option,
    PlainTextInputElement,
    StaticSelectElement,
    TimePickerElement,
    UserMultiSelectElement,
)

from bot.blocks.team_checkin_inputs import feedback_blocks, labelled, question_blocks
from bot.blocks.team_coaching import coaching_setting_blocks
from bot.services.kudos import DEFAULT_VALUES
from bot.services.team_settings import DEFAULT_TARGETS, Targets, TeamDetail
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
REMINDER = "reminder"
BUSINESS = "business_hours"  # checkbox: response times in business hours


def all_inputs(detail: TeamDetail | None, *, name: str = "") -> list[InputBlock]:
    """Every input of the team modal, filled with the team's settings (bot.blocks.team_modal
    groups them and picks those the asker may set)."""
    team = detail.team if detail else None
    targets = detail.targets if detail else DEFAULT_TARGETS
    members = list(detail.members) if detail else []
    inputs: list[InputBlock] = [
        labelled(
            NAME, "Team name",
            PlainTextInputElement(action_id=NAME, initial_value=team.name if team else name or None,
                                  max_length=80),
        ),
        labelled(
            LEADS, "Leads",
            UserMultiSelectElement(action_id=LEADS,
                                   initial_users=list(detail.leads) if detail else None),
            optional=True,
        ),
        labelled(
            MEMBERS, "Agents",
            UserMultiSelectElement(action_id=MEMBERS, initial_users=members or None),
            optional=True,
        ),
    ]  # fmt: skip
    blocks: list[Block] = [
        *inputs,
        *question_blocks(team),
        *feedback_blocks(team),
        *_settings_blocks(team, targets, detail),
    ]
    return [block for block in blocks if isinstance(block, InputBlock)]


def _settings_blocks(team: Team | None, targets: Targets, detail: TeamDetail | None) -> list[Block]:
    days_off = ", ".join(f"{day}" for day in detail.custom_holidays) if detail else ""
    hours = Option(value="yes", text="In business hours (the helpdesk's figures, as in Explore)")
    code = ""
    if team and team.holiday_country:
        code = team.holiday_country + (
            f"-{team.holiday_subdivision}" if team.holiday_subdivision else ""
        )
    return [
        labelled(
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
        labelled(
            DIGEST,
            "Weekly KPI digest goes to",
            ChannelSelectElement(
                action_id=DIGEST, initial_channel=team.digest_channel_id if team else None
            ),
            optional=True,
        ),
        labelled(
            DIGEST_DAY,
            "Digest day",
            StaticSelectElement(
                action_id=DIGEST_DAY,
                options=(days := [Option(value=str(n), text=d) for n, d in enumerate(WEEKDAYS)]),
                initial_option=days[team.digest_weekday if team else 0],
            ),
        ),
        labelled(
            DIGEST_TIME,
            "Digest time (team time zone)",
            TimePickerElement(
                action_id=DIGEST_TIME, initial_time=team.digest_time if team else "09:00"
            ),
        ),
        labelled(
            CELEBRATE,
            "Kudos and celebrations go to",
            ChannelSelectElement(
                action_id=CELEBRATE, initial_channel=team.celebration_channel_id if team else None
            ),
            optional=True,
        ),
        labelled(
            KUDOS_VALUES,
            "Kudos values",
            PlainTextInputElement(
                action_id=KUDOS_VALUES,
                initial_value=(team.kudos_values if team else DEFAULT_VALUES).replace(",", ", "),
            ),
            hint="Comma-separated; people add one to a kudos as #value.",
        ),
        labelled(
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
        labelled(
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
        labelled(
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
        labelled(
            ZONE,
            "Team time zone",
            PlainTextInputElement(action_id=ZONE, initial_value=team.timezone if team else "UTC"),
            hint="An IANA name, e.g. America/New_York. Used for digests and for agents "
            "whose Slack profile has no time zone.",
        ),
        labelled(
            HOLIDAYS,
            "Public holidays",
            PlainTextInputElement(
                action_id=HOLIDAYS, initial_value=code or None, placeholder="US, GB, DE-BY"
            ),
            optional=True,
            hint="A country code, optionally with a region. No check-ins on these days.",
        ),
        labelled(
            DAYS_OFF,
            "Team days off",
            PlainTextInputElement(
                action_id=DAYS_OFF,
                initial_value=days_off or None,
                placeholder=f"{example_date(10)}, {example_date(17)}",
            ),
            optional=True,
        ),
        labelled(
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
        labelled(
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
        labelled(
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
        labelled(
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
        labelled(
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
