"""A team's settings as admins and leads submit them: the form, the KPI targets and their
checks. bot.services.teams saves them (and checks who may).

Default KPI targets (published CX benchmarks, as below), which admins change per team:
- CSAT 85 %: SQM's world-class top box is ≥ 85 %; 75–85 % is "good for most industries".
- NPS 30: the bottom of the "good" band (30–50); above 0 is good, 50 excellent.
- FCR 70 %: SQM's "good" band starts at 70 % (world-class ≥ 80 %, average centre 67 %).
- First response, median 4 h: email benchmarks call < 4 h "good" (< 1 h best-in-class).
"""

from dataclasses import dataclass, field
from datetime import date

from bot.services.wording import example_date
from bot.store.models import Team

MAX_NAME = 80


class TeamError(Exception):
    """A team request that cannot be carried out; the message says why."""


class PermissionDenied(TeamError):
    """The asker may not do this; the message says who may."""


@dataclass(frozen=True)
class Targets:
    """A team's KPI targets."""

    csat_pct: float = 85.0
    nps: float = 30.0
    fcr_pct: float = 70.0
    frt_minutes: int = 240


DEFAULT_TARGETS = Targets()


@dataclass(frozen=True)
class TeamForm:
    """A team's settings as submitted. `None` fields are left as they are (a lead's form only
    carries members)."""

    name: str | None = None
    members: frozenset[str] | None = None  # Slack user IDs of agents
    leads: frozenset[str] | None = None
    digest_channel_id: str | None = None
    celebration_channel_id: str | None = None
    timezone: str | None = None
    holidays: str | None = None  # "US", "DE-BY"; "" clears
    custom_holidays: tuple[date, ...] | None = None
    targets: Targets | None = None
    channels_given: bool = False  # whether the channel fields were on the form
    template: str | None = None  # "default" | "postmortem" | "custom"
    custom_questions: str | None = None
    leads_read: bool | None = None
    reminder_minutes: int | None = None
    feedback_rounds: str | None = None  # "off" | "weekly" | "biweekly" | "monthly"
    feedback_expiry_days: int | None = None
    share_360: bool | None = None
    announce_360: bool | None = None  # the agent is told when a 360 about them starts
    leads_configure: bool | None = None  # leads may set channels, targets, reminder (admins)
    business_hours: bool | None = None  # response times in business hours (admin form)
    digest_weekday: int | None = None  # 0 Monday
    digest_time: str | None = None  # "HH:MM"
    kudos_values: str | None = None  # "empathy,ownership"
    kudos_cap: int | None = None
    top_csat_scores: int | None = None  # top CSAT scores in a week that make a milestone
    kudos_emoji: str | None = None  # its name, without colons
    alerts: str | None = None  # "off" | "leads" | "leads_agent" (admin form)
    weekly_summary: bool | None = None
    one_on_ones: str | None = None  # "off" | "weekly" | "biweekly"
    one_on_one_weekday: int | None = None  # 0 Monday … 4 Friday
    one_on_one_time: str | None = None  # "HH:MM"
    one_on_one_to_agent: bool | None = None
    digest_themes: bool | None = None  # the week's themes in the digest
    themes_quote: bool | None = None  # a representative answer quoted under a theme


@dataclass(frozen=True)
class TeamDetail:
    """A team with its people and days off, as `/cx-team show` and the modal show it."""

    team: Team
    leads: tuple[str, ...]
    members: tuple[str, ...]
    custom_holidays: tuple[date, ...] = field(default_factory=tuple)

    @property
    def targets(self) -> Targets:
        """The team's KPI targets."""
        return Targets(
            self.team.csat_target_pct,
            self.team.nps_target,
            self.team.fcr_target_pct,
            self.team.frt_target_minutes,
        )


def check_name(name: str) -> str:
    """A usable team name, trimmed; TeamError otherwise."""
    name = " ".join(name.split())
    if not name or len(name) > MAX_NAME:
        raise TeamError(f"A team name needs 1 to {MAX_NAME} characters.")
    return name


def check_targets(csat: float, nps: float, fcr: float, frt_minutes: float) -> Targets:
    """Targets within their scales; TeamError naming the first one out of range."""
    if not 0 <= csat <= 100:
        raise TeamError("The CSAT target is a percentage from 0 to 100.")
    if not -100 <= nps <= 100:
        raise TeamError("The NPS target is between -100 and 100.")
    if not 0 <= fcr <= 100:
        raise TeamError("The FCR target is a percentage from 0 to 100.")
    if not 1 <= frt_minutes <= 7 * 24 * 60:
        raise TeamError("The first-response target is 1 minute to 7 days, in minutes.")
    return Targets(csat, nps, fcr, int(frt_minutes))


def parse_dates(text: str) -> tuple[date, ...]:
    """ "2026-12-24, 2026-12-31" → dates; TeamError naming the first bad one."""
    days = []
    for part in text.replace(";", ",").split(","):
        if part.strip():
            try:
                days.append(date.fromisoformat(part.strip()))
            except ValueError:
                raise TeamError(
                    f"`{part.strip()}` is not a date. Write days off as YYYY-MM-DD, "
                    f"separated by commas: `{example_date(10)}, {example_date(17)}`."
                ) from None
    return tuple(sorted(set(days)))
