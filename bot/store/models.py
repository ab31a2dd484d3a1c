"""SQLModel tables. Every row belongs to one Slack workspace; datetimes are aware UTC.

No `from __future__ import annotations` here: it breaks SQLModel's relationship mapping
(fastapi/sqlmodel #196).
"""

from datetime import UTC, date, datetime
from enum import StrEnum

from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore
from sqlalchemy import CheckConstraint, Index, LargeBinary, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from bot.store.crypto import SecretText

# Named constraints let Alembic's batch mode (SQLite) alter and drop them in later migrations.
SQLModel.metadata.naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    """Return the current time as an aware UTC datetime."""
    return datetime.now(UTC)


class TeamRole(StrEnum):
    """A person's role inside one team (admins are decided by Slack and CX_ADMINS)."""

    AGENT = "agent"
    LEAD = "lead"


class Workspace(SQLModel, table=True):
    """A Slack workspace that installed CX Coach; `id` is Slack's team_id."""

    id: str = Field(primary_key=True, max_length=32)
    name: str | None = Field(default=None, max_length=200)
    created_at: datetime = Field(default_factory=utcnow)
    # docs/PRIVACY.md: texts older than this many months are deleted (None: kept);
    # people deactivated in Slack this many days are forgotten (None: never automatically).
    retention_months: int | None = None
    forget_deactivated_days: int | None = None
    # Installed with Add to Slack (bot.oauth): the org of an org-wide install (its id is then
    # this row's id), who installed it (an admin of it), and when it was uninstalled (sends
    # stop at once; its data goes after UNINSTALL_GRACE_DAYS unless it is installed again).
    enterprise_id: str | None = Field(default=None, max_length=32)
    installer_user_id: str | None = Field(default=None, max_length=32)
    installed_at: datetime | None = None
    uninstalled_at: datetime | None = None
    # Its own ingestion keys (bot.services.ingest_keys): the bearer token's SHA-256 (the token
    # is shown once), and the Zendesk webhook's signing secret (encrypted at rest with a key).
    ingest_token_sha256: str | None = Field(default=None, max_length=64, index=True)
    zendesk_secret: str | None = Field(default=None, sa_type=SecretText)


class Person(SQLModel, table=True):
    """Someone in a workspace, as Slack describes them (cached from users.info)."""

    __table_args__ = (UniqueConstraint("workspace_id", "slack_user_id"),)

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: str = Field(foreign_key="workspace.id", index=True, max_length=32)
    slack_user_id: str = Field(max_length=32)
    display_name: str | None = Field(default=None, max_length=200)
    real_name: str | None = Field(default=None, max_length=200)  # Slack's full name
    # IANA zone from the Slack profile (`tz`), e.g. "America/New_York".
    timezone: str | None = Field(default=None, max_length=64)
    is_slack_admin: bool = False
    active: bool = True
    profile_refreshed_at: datetime | None = None
    # Set by the roster or an admin; wins over the Slack profile's zone.
    timezone_override: str | None = Field(default=None, max_length=64)
    # The shift: weekdays as "mon,tue,wed" and a local end time "HH:MM" (None: no check-ins).
    shift_days: str | None = Field(default=None, max_length=32)
    shift_end: str | None = Field(default=None, max_length=5)
    # Away through this local date inclusive (vacation); check-ins resume the day after.
    away_until: date | None = None
    # A Slack status that means "not working" (people.away_status), and when Slack clears it.
    slack_away_status: str | None = Field(default=None, max_length=200)
    slack_away_until: datetime | None = None
    # Celebrations: left off kudos leaderboards; not named in milestone shout-outs.
    leaderboard_opt_out: bool = False
    milestones_opt_out: bool = False
    summary_opt_out: bool = False  # no weekly summary DM for them
    created_at: datetime = Field(default_factory=utcnow)
    deactivated_at: datetime | None = None  # when Slack first said they were deactivated
    forgotten_at: datetime | None = None  # forgotten: a pseudonym keeps their team's figures
    # When their last "Export my data" began (bot.services.data_export.claim): one at a time.
    export_started_at: datetime | None = None


class Team(SQLModel, table=True):
    """A customer-service team: members, leads, channels and a home time zone."""

    __table_args__ = (UniqueConstraint("workspace_id", "name"),)

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: str = Field(foreign_key="workspace.id", index=True, max_length=32)
    name: str = Field(max_length=80)
    timezone: str = Field(default="UTC", max_length=64)
    digest_channel_id: str | None = Field(default=None, max_length=32)
    celebration_channel_id: str | None = Field(default=None, max_length=32)
    # Public holidays from the `holidays` package: a country code and optional subdivision.
    holiday_country: str | None = Field(default=None, max_length=8)
    holiday_subdivision: str | None = Field(default=None, max_length=16)
    # KPI targets; defaults and their sources in bot/services/team_settings.py (DEFAULT_TARGETS).
    csat_target_pct: float = 85.0
    top_csat_scores: int = 5  # top CSAT scores (5 of 5) in a week that make a milestone
    kudos_emoji: str = Field(default="star2", max_length=64)  # reacting with it gives kudos
    announce_360: bool = True  # the agent hears when a 360 about them starts
    leads_configure: bool = True  # leads set the team's channels, targets and reminder delay
    nps_target: float = 30.0
    fcr_target_pct: float = 70.0
    frt_target_minutes: int = 240
    # One reminder this long after an unanswered prompt (0: no reminders).
    reminder_delay_minutes: int = 120
    # Reflection questions: "default", "postmortem" or "custom" (custom_questions, one a line).
    reflection_template: str = Field(default="default", max_length=16)
    custom_questions: str | None = Field(default=None, sa_type=Text)
    leads_read_reflections: bool = True
    # Peer feedback (bot.services.feedback): scheduled rounds "off", "weekly", "biweekly" or
    # "monthly"; requests expire after this many days; a lead's 360 also goes to the agent.
    feedback_rounds: str = Field(default="off", max_length=16)
    feedback_expiry_days: int = 7
    share_360_with_agent: bool = True
    # Response and resolution times in business hours (the helpdesk's figures) for this team.
    business_hours: bool = False
    # A low rating with a comment tells: "off", "leads", or "leads_agent" (the agent too).
    alerts: str = Field(default="leads", max_length=16)
    weekly_summary: bool = True  # each agent's own week in DM, at the digest time
    # Recurring 1:1s: "off" | "weekly" | "biweekly" (even ISO weeks), on this weekday (0 Monday)
    # at this team-local time; the agenda comes the working day before.
    one_on_ones: str = Field(default="off", max_length=16)
    one_on_one_weekday: int = 3
    one_on_one_time: str = Field(default="10:00", max_length=5)
    one_on_one_to_agent: bool = False  # the agent gets a note the day before too
    # Themes (bot.services.theme_report): a section in the weekly digest; a representative
    # answer quoted under a theme (only themes from 3 people or more are ever shown).
    digest_themes: bool = False
    themes_quote: bool = False
    # Kudos values (comma-separated, without "#") and how many kudos one person gives a day.
    kudos_values: str = Field(default="empathy,ownership,teamwork,expertise", max_length=300)
    kudos_daily_cap: int = 5
    # The weekly digest: team-local weekday (0 Monday) and time "HH:MM".
    digest_weekday: int = 0
    digest_time: str = Field(default="09:00", max_length=5)
    created_at: datetime = Field(default_factory=utcnow)


class TeamHoliday(SQLModel, table=True):
    """A team's own day off (company holiday, office closure) besides the public ones."""

    team_id: int = Field(foreign_key="team.id", primary_key=True, ondelete="CASCADE")
    day: date = Field(primary_key=True)
    name: str = Field(default="Team holiday", max_length=80)


class Membership(SQLModel, table=True):
    """A person's place in a team, as agent or lead."""

    __table_args__ = (CheckConstraint("role IN ('agent', 'lead')", name="role"),)

    team_id: int = Field(foreign_key="team.id", primary_key=True, ondelete="CASCADE")
    person_id: int = Field(
        foreign_key="person.id", primary_key=True, ondelete="CASCADE", index=True
    )
    role: str = Field(default=TeamRole.AGENT.value, max_length=16)
    created_at: datetime = Field(default_factory=utcnow)


class ClockHeartbeat(SQLModel, table=True):
    """The last time a scheduler process showed it was alive."""

    name: str = Field(primary_key=True, max_length=64)
    beat_at: datetime
    host: str = Field(max_length=200)


class OutboxSender(SQLModel, table=True):
    """A process sending the outbox, while it lives: with many workspaces, the live senders
    share the workspaces between them (bot.sender_share)."""

    id: str = Field(primary_key=True, max_length=32)
    seen_at: datetime
    host: str = Field(max_length=200)
    # When it began sending: one that started beside others begins a little after it showed up,
    # and they leave it its workspaces then (None: a row from before this column, begun).
    begins_at: datetime | None = None


class WorkspacePace(SQLModel, table=True):
    """The pace the outbox sender learnt for a workspace from Slack's 429s (seconds between
    sends): a sender that takes the workspace over, or starts again, begins at it."""

    workspace_id: str = Field(primary_key=True, max_length=32)
    interval: float
    learned_at: datetime


class SlackEvent(SQLModel, table=True):
    """An Events API event already handled: Slack retries an event it thinks we missed, with the
    same `event_id`, and Bolt does not drop the copy. Rows older than a day are pruned."""

    event_id: str = Field(primary_key=True, max_length=64)
    received_at: datetime = Field(index=True)


class ReflectionStatus(StrEnum):
    """A reflection's answers, or the shift's "skip"."""

    ANSWERED = "answered"
    SKIPPED = "skipped"


class ItemStatus(StrEnum):
    """Where an action item stands."""

    OPEN = "open"
    DONE = "done"


class RequestState(StrEnum):
    """Where a feedback request stands."""

    OPEN = "open"
    CANCELLED = "cancelled"  # by its asker
    CLOSED = "closed"  # its days were up


class AskStatus(StrEnum):
    """Where one colleague's ask of a feedback request stands."""

    PENDING = "pending"
    ANSWERED = "answered"  # named (an anonymous answer deletes its ask)
    DECLINED = "declined"
    EXPIRED = "expired"
    CANCELLED = "cancelled"


class OutboxStatus(StrEnum):
    """Where one scheduled send stands."""

    PENDING = "pending"  # waiting for its time (or its next attempt)
    SENDING = "sending"  # leased by one sender until lease_until
    SENT = "sent"
    FAILED = "failed"  # a permanent error, or retries exhausted: shown to admins
    MISSED = "missed"  # claimed too late to be worth sending (the clock was down)
    CANCELLED = "cancelled"  # the workspace uninstalled CX Coach (last_error says so)


class Outbox(SQLModel, table=True):
    """A scheduled message: claimed once (unique key), then delivered once by bot.delivery."""

    __table_args__ = (
        UniqueConstraint("workspace_id", "key"),
        # Participation over a period reads one agent's prompts by time (bot.services.metrics).
        Index("ix_outbox_person_kind_due", "person_id", "kind", "status", "due_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: str = Field(foreign_key="workspace.id", max_length=32)
    # What makes it unique, e.g. "prompt:U123:2026-11-23": a second claim is skipped.
    key: str = Field(max_length=200)
    kind: str = Field(max_length=32)
    person_id: int | None = Field(default=None, foreign_key="person.id", ondelete="CASCADE")
    channel: str = Field(max_length=32)  # a Slack user ID (their DM with the app) or channel
    payload: str = Field(default="{}", sa_type=SecretText)  # JSON for the kind's renderer
    shift_date: date | None = None  # the shift a prompt or reminder is about (also in payload)
    due_at: datetime
    status: str = Field(default=OutboxStatus.PENDING.value, max_length=16, index=True)
    attempts: int = 0
    next_attempt_at: datetime = Field(index=True)
    lease_until: datetime | None = None
    last_error: str | None = Field(default=None, max_length=200)
    sent_at: datetime | None = None
    message_ts: str | None = Field(default=None, max_length=32)
    created_at: datetime = Field(default_factory=utcnow)


class Milestone(SQLModel, table=True):
    """A milestone reached (once, ever: its key), waiting for or part of its team's day's
    celebration post (`post_key`: that post's outbox key; "skipped": recorded, never posted)."""

    __table_args__ = (UniqueConstraint("workspace_id", "key"),)

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: str = Field(foreign_key="workspace.id", max_length=32)
    team_id: int | None = Field(default=None, foreign_key="team.id", ondelete="CASCADE",
                                index=True)  # fmt: skip
    key: str = Field(max_length=200)
    payload: str = Field(default="{}", sa_type=Text)  # JSON, as bot.blocks.kudos shows it
    reached_at: datetime
    post_key: str | None = Field(default=None, max_length=200)


class Reflection(SQLModel, table=True):
    """An agent's answers about one shift (or their "skip"), one per person and shift date."""

    __table_args__ = (UniqueConstraint("person_id", "shift_date"),)

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: str = Field(foreign_key="workspace.id", index=True, max_length=32)
    person_id: int = Field(foreign_key="person.id", ondelete="CASCADE")
    shift_date: date
    status: str = Field(default=ReflectionStatus.ANSWERED.value, max_length=16)
    answers: str = Field(default="{}", sa_type=SecretText)  # JSON: question id -> answer
    confidence: int | None = None  # 1-5
    submitted_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    discuss: bool = False  # a lead marked it "Discuss in 1:1" (until the 1:1 is held)


class ReflectionReply(SQLModel, table=True):
    """A lead's reply to a reflection, or the agent's answer back: the thread kept with it."""

    id: int | None = Field(default=None, primary_key=True)
    reflection_id: int = Field(foreign_key="reflection.id", ondelete="CASCADE", index=True)
    author_id: int = Field(foreign_key="person.id", ondelete="CASCADE")
    text: str = Field(sa_type=SecretText)
    created_at: datetime


class ReflectionRead(SQLModel, table=True):
    """A lead opened someone's reflections: the agent's App Home shows who looked, and when."""

    id: int | None = Field(default=None, primary_key=True)
    reader_id: int = Field(foreign_key="person.id", ondelete="CASCADE")
    subject_id: int = Field(foreign_key="person.id", ondelete="CASCADE", index=True)
    read_at: datetime


class OneOnOne(SQLModel, table=True):
    """A 1:1 a lead held with an agent, with the lead's notes; the next agenda starts here."""

    id: int | None = Field(default=None, primary_key=True)
    lead_id: int = Field(foreign_key="person.id", ondelete="CASCADE")
    agent_id: int = Field(foreign_key="person.id", ondelete="CASCADE", index=True)
    held_at: datetime
    notes: str = Field(default="", sa_type=SecretText)


class ActionItem(SQLModel, table=True):
    """Something an agent means to do, often born from a reflection; due on a local date."""

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: str = Field(foreign_key="workspace.id", index=True, max_length=32)
    person_id: int = Field(foreign_key="person.id", ondelete="CASCADE", index=True)
    reflection_id: int | None = Field(
        default=None, foreign_key="reflection.id", ondelete="SET NULL"
    )
    text: str = Field(sa_type=SecretText)  # at most 300 characters (services.action_items)
    due_date: date
    status: str = Field(default=ItemStatus.OPEN.value, max_length=16)
    # The lead who assigned it (None: the agent's own item).
    assigned_by_id: int | None = Field(default=None, foreign_key="person.id", ondelete="SET NULL")
    created_at: datetime = Field(default_factory=utcnow)
    done_at: datetime | None = None


class HelpdeskAgent(SQLModel, table=True):
    """How a helpdesk names an agent (a name, an agent id, an email), mapped to a Slack user:
    `python -m bot import agents`. Used by every import, webhook and sync."""

    __table_args__ = (UniqueConstraint("workspace_id", "key"),)

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: str = Field(foreign_key="workspace.id", max_length=32)
    key: str = Field(max_length=200)  # the helpdesk's value, normalised (helpdesk_agents.key_of)
    helpdesk_agent: str = Field(max_length=200)  # as written in the map
    slack_user_id: str = Field(max_length=32)
    updated_at: datetime


class HelpdeskSync(SQLModel, table=True):
    """Where the live sync with one helpdesk stands (bot.sync): its cursor, who holds it now,
    and the last error (an admin sees it on the App Home)."""

    workspace_id: str = Field(foreign_key="workspace.id", primary_key=True, max_length=32)
    source: str = Field(primary_key=True, max_length=16)  # zendesk | freshdesk
    tickets_cursor: str | None = Field(default=None, max_length=500)
    ratings_cursor: str | None = Field(default=None, max_length=500)
    lease_until: datetime | None = None
    last_run_at: datetime | None = None
    last_error: str | None = Field(default=None, max_length=300)
    # The workspace's own API credentials (bot.services.helpdesk_credentials; issue 19): the
    # helpdesk's address, the Zendesk agent's email, the API token or key (encrypted with a key).
    api_url: str | None = Field(default=None, max_length=200)
    api_user: str | None = Field(default=None, max_length=200)
    api_secret: str | None = Field(default=None, sa_type=SecretText)


class HelpdeskTicket(SQLModel, table=True):
    """A ticket from the helpdesk (CSV import or /ingest); re-importing its id updates it."""

    __table_args__ = (
        UniqueConstraint("workspace_id", "ticket_id"),
        Index("ix_helpdeskticket_person_solved", "person_id", "solved_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: str = Field(foreign_key="workspace.id", max_length=32)
    ticket_id: str = Field(max_length=100)
    agent: str = Field(max_length=200)  # as given: a Slack user ID, an email, a name, an id
    person_id: int | None = Field(default=None, foreign_key="person.id")
    created_at: datetime
    first_response_at: datetime | None = None
    solved_at: datetime | None = Field(default=None, index=True)
    agent_replies: int = 0
    reopened: bool = False
    channel: str | None = Field(default=None, max_length=32)
    imported_at: datetime = Field(default_factory=utcnow)
    # The helpdesk's own figures counting business hours only (Zendesk's "… within business
    # hours", Freshdesk's "(in hrs)" columns), in seconds; None where it gives none.
    frt_business_s: int | None = None
    resolution_business_s: int | None = None


class SurveyResponse(SQLModel, table=True):
    """A CSAT (1-5) or NPS (0-10) answer; re-importing its id updates it."""

    __table_args__ = (
        UniqueConstraint("workspace_id", "response_id"),
        Index("ix_surveyresponse_person_submitted", "person_id", "submitted_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: str = Field(foreign_key="workspace.id", max_length=32)
    response_id: str = Field(max_length=100)
    ticket_id: str | None = Field(default=None, max_length=100)
    agent: str = Field(max_length=200)
    person_id: int | None = Field(default=None, foreign_key="person.id")
    kind: str = Field(max_length=8)
    score: int
    comment: str | None = Field(default=None, sa_type=SecretText)
    submitted_at: datetime = Field(index=True)
    imported_at: datetime = Field(default_factory=utcnow)
    discuss: bool = False  # a lead marked it "Discuss in 1:1" from its alert (until held)


class SurveyAlert(SQLModel, table=True):
    """A low rating someone was (or is being) told about: each survey alerts each person once."""

    survey_id: int = Field(foreign_key="surveyresponse.id", primary_key=True, ondelete="CASCADE")
    recipient_id: int = Field(foreign_key="person.id", primary_key=True, ondelete="CASCADE")
    claimed_at: datetime


class KpiRollup(SQLModel, table=True):
    """One agent's helpdesk tallies for one UTC day (grain "d") or calendar month ("m", the sum
    of its days), by bot.services.rollups: a pure function of the raw rows above, recomputed
    whenever an import or /ingest touches that agent and day."""

    person_id: int = Field(foreign_key="person.id", primary_key=True, ondelete="CASCADE")
    grain: str = Field(primary_key=True, max_length=1)
    day: date = Field(primary_key=True)  # the day, or the month's first day
    solved: int = 0
    replied: int = 0
    first_contact: int = 0
    csat_n: int = 0
    csat_good: int = 0
    nps_n: int = 0
    promoters: int = 0
    detractors: int = 0
    frt: bytes = Field(default=b"", sa_type=LargeBinary)  # kpis.Sketch.to_bytes()
    resolution: bytes = Field(default=b"", sa_type=LargeBinary)
    frt_business: bytes | None = Field(default=None, sa_type=LargeBinary)  # business hours
    resolution_business: bytes | None = Field(default=None, sa_type=LargeBinary)


class FeedbackRound(SQLModel, table=True):
    """One scheduled feedback round of a team, claimed once by its period (unique key)."""

    __table_args__ = (UniqueConstraint("team_id", "period"),)

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: str = Field(foreign_key="workspace.id", max_length=32)
    team_id: int = Field(foreign_key="team.id", ondelete="CASCADE")
    period: str = Field(max_length=16)  # e.g. "2026-W48", "2026-W48/2", "2026-11"
    created_at: datetime
    closes_at: datetime


class FeedbackRequest(SQLModel, table=True):
    """Feedback wanted about `subject`: asked by the subject (a request), by a lead (a 360), or
    by a round. Answers go to the asker (and, for a shared 360, to the subject)."""

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: str = Field(foreign_key="workspace.id", index=True, max_length=32)
    subject_id: int = Field(foreign_key="person.id", ondelete="CASCADE", index=True)
    asked_by_id: int = Field(foreign_key="person.id", ondelete="CASCADE", index=True)
    kind: str = Field(max_length=8)  # request | 360 | round
    round_id: int | None = Field(
        default=None, foreign_key="feedbackround.id", ondelete="CASCADE", index=True
    )
    topic: str | None = Field(default=None, sa_type=SecretText)  # at most 300 characters
    share_with_subject: bool = False
    asked: int = 0  # how many people were asked (asks of anonymous answers are deleted)
    status: str = Field(default=RequestState.OPEN.value, max_length=16)
    created_at: datetime
    expires_at: datetime = Field(index=True)


class FeedbackAsk(SQLModel, table=True):
    """One reviewer asked for one request. Deleted, with its DMs' outbox rows, when its answer
    is anonymous: nothing then links that reviewer to that request."""

    __table_args__ = (UniqueConstraint("request_id", "reviewer_id"),)

    id: int | None = Field(default=None, primary_key=True)
    request_id: int = Field(foreign_key="feedbackrequest.id", ondelete="CASCADE")
    reviewer_id: int = Field(foreign_key="person.id", ondelete="CASCADE", index=True)
    status: str = Field(default=AskStatus.PENDING.value, max_length=16)
    created_at: datetime


class FeedbackAnswer(SQLModel, table=True):
    """An answer. Anonymous ones carry no giver, no ask and only the day they came; they are
    shared in batches of at least three (bot.services.feedback.ANONYMITY_MINIMUM)."""

    __table_args__ = (UniqueConstraint("request_id", "giver_id"),)

    id: int | None = Field(default=None, primary_key=True)
    request_id: int = Field(foreign_key="feedbackrequest.id", ondelete="CASCADE", index=True)
    giver_id: int | None = Field(default=None, foreign_key="person.id", ondelete="SET NULL")
    anonymous: bool = False
    well: str | None = Field(default=None, sa_type=SecretText)
    differently: str | None = Field(default=None, sa_type=SecretText)
    ratings: str = Field(default="{}", max_length=200)  # JSON: skill -> 1..5
    given_on: date
    shared_at: datetime | None = None  # when it went to its readers


class Kudos(SQLModel, table=True):
    """A shout-out: who thanked whom (KudosRecipient), for what, with which team value."""

    __table_args__ = (UniqueConstraint("workspace_id", "source_key"),)

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: str = Field(foreign_key="workspace.id", index=True, max_length=32)
    giver_id: int = Field(foreign_key="person.id", ondelete="CASCADE", index=True)
    team_id: int | None = Field(default=None, foreign_key="team.id", ondelete="SET NULL")
    reason: str = Field(sa_type=SecretText)
    value: str | None = Field(default=None, max_length=40)
    given_on: date  # the giver's local date, for the daily cap
    created_at: datetime = Field(index=True)
    # A kudos given by reacting to a message: "reaction:<channel>:<ts>:<reactor>" (once each).
    source_key: str | None = Field(default=None, max_length=120)


class KudosRecipient(SQLModel, table=True):
    """One person thanked by a kudos."""

    kudos_id: int = Field(foreign_key="kudos.id", primary_key=True, ondelete="CASCADE")
    person_id: int = Field(
        foreign_key="person.id", primary_key=True, ondelete="CASCADE", index=True
    )


# slack_sdk's installation and OAuth state stores (bot.oauth), on our database: their tables as
# slack_sdk defines them, created by our migrations (0017) and compared with them like ours.
SlackInstallations = SQLAlchemyInstallationStore.build_installations_table(
    SQLModel.metadata, "slack_installations"
)
SlackBots = SQLAlchemyInstallationStore.build_bots_table(SQLModel.metadata, "slack_bots")
# Their tokens (and the webhook address, which posts as the app) are SecretText: encrypted at
# rest with CX_ENCRYPTION_KEY, read back decrypted by slack_sdk's store (bot.store.slack_installs).
SLACK_SECRETS = frozenset(
    {"bot_token", "bot_refresh_token", "user_token", "user_refresh_token", "incoming_webhook_url"}
)
for _column in (*SlackInstallations.columns, *SlackBots.columns):
    if _column.name in SLACK_SECRETS:
        _column.type = SecretText()
SlackOAuthStates = SQLAlchemyOAuthStateStore.build_oauth_states_table(
    SQLModel.metadata, "slack_oauth_states"
)
