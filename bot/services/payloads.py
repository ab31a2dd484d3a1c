"""What each outbox kind carries: one kind (OutboxKind), one typed payload, checked when it is
stored (encode) and when it is read back to be rendered (decode). A payload holds what its
message shows as it stood when it was claimed (docs/ARCHITECTURE.md §11); ids of people are
Slack user ids, dates ISO strings.

Fields marked NotRequired are absent from rows written by older versions; renderers treat them
as empty."""

import json
from enum import StrEnum
from functools import cache
from typing import Any, NotRequired

from pydantic import TypeAdapter, ValidationError
from typing_extensions import TypedDict


class OutboxKind(StrEnum):
    """Every kind of scheduled send (the outbox row's `kind`)."""

    PROMPT = "prompt"
    REMINDER = "reminder"
    ACTION_DUE = "action_due"
    FEEDBACK_ASK = "feedback_ask"
    FEEDBACK_REMINDER = "feedback_reminder"
    FEEDBACK_RECEIVED = "feedback_received"
    FEEDBACK_BATCH = "feedback_batch"
    FEEDBACK_CLOSED = "feedback_closed"
    FEEDBACK_STARTED = "feedback_360_started"
    SUGGESTION = "suggestion"
    KUDOS_POST = "kudos_post"
    KUDOS_DM = "kudos_dm"
    MILESTONE = "milestone"  # one post per milestone, from before the daily celebration post
    CELEBRATION = "celebration"
    DIGEST = "digest"
    DIGEST_CHART = "digest_chart"
    SURVEY_ALERT = "survey_alert"
    WEEKLY_SUMMARY = "weekly_summary"
    WELCOME = "welcome"
    AGENDA = "one_on_one_agenda"


class ShiftPrompt(TypedDict):
    """prompt, reminder: the check-in for one shift."""

    shift_date: str


class ActionDue(TypedDict):
    item_id: int
    text: str
    due: str


class FeedbackAsk(TypedDict):
    """feedback_ask, feedback_reminder: please give feedback on `subject`."""

    ask: int
    kind: str  # the request's kind: request | 360 | round
    subject: str
    asked_by: str
    topic: str | None
    expires: str
    reminder: NotRequired[bool]


class Answer(TypedDict):
    giver: str | None  # None: anonymous
    well: str | None
    differently: str | None
    ratings: dict[str, Any]


class FeedbackAnswers(TypedDict):
    """feedback_received (one named answer), feedback_batch (shuffled anonymous answers)."""

    kind: str
    subject: str
    topic: str | None
    answers: list[Answer]


class FeedbackClosed(TypedDict):
    subject: NotRequired[str]
    topic: str | None
    asked: int
    answered: int
    declined: int
    unanswered: int | list[str]  # a count (a list of Slack ids in rows made before)
    withheld: int


class FeedbackStarted(TypedDict):
    lead: str
    asked: int
    topic: str | None
    shared: bool
    until: str


# "from" is a keyword: the functional form keeps the stored name.
Suggestion = TypedDict(
    "Suggestion", {"text": str, "from": str | None, "teams": NotRequired[list[str]]}
)


class Kudos(TypedDict):
    """kudos_post, kudos_dm."""

    giver: str
    to: list[str]
    reason: str
    value: str | None


class Milestone(TypedDict):
    team: str
    what: str  # target | top_csat | streak
    kpi: NotRequired[str]
    value: NotRequired[float]
    target: NotRequired[float]
    user: NotRequired[str]
    count: NotRequired[int]


class Celebration(TypedDict):
    team: str
    items: list[Milestone]


class Digest(TypedDict):
    digest: dict[str, Any]  # services.digest.Digest.to_json()


class Chart(TypedDict):
    week: str
    title: str
    points: list[dict[str, Any]]  # services.digest.TrendPoint, as a dict
    targets: dict[str, Any]  # store.models.Targets, as a dict


class DigestChart(TypedDict):
    """The trend chart, drawn when it is sent, into the digest's thread."""

    chart: Chart
    thread_of: str  # the digest's outbox key


class Low(TypedDict):
    survey_id: int
    agent: str
    ticket_id: str | None
    kind: str
    score: int
    comment: str


class SurveyAlert(TypedDict):
    for_agent: bool
    lows: list[Low]


class Welcome(TypedDict):
    teams: list[str]
    leads: list[str]
    shift: str | None
    zone: str | None
    next_checkin: str | None
    questions: list[str]
    leads_read: NotRequired[bool]


class Rendered(TypedDict):
    """one_on_one_agenda, weekly_summary: a message or its figures, built when claimed."""

    text: str
    blocks: NotRequired[list[dict[str, Any]]]


PAYLOADS: dict[OutboxKind, Any] = {
    OutboxKind.PROMPT: ShiftPrompt,
    OutboxKind.REMINDER: ShiftPrompt,
    OutboxKind.ACTION_DUE: ActionDue,
    OutboxKind.FEEDBACK_ASK: FeedbackAsk,
    OutboxKind.FEEDBACK_REMINDER: FeedbackAsk,
    OutboxKind.FEEDBACK_RECEIVED: FeedbackAnswers,
    OutboxKind.FEEDBACK_BATCH: FeedbackAnswers,
    OutboxKind.FEEDBACK_CLOSED: FeedbackClosed,
    OutboxKind.FEEDBACK_STARTED: FeedbackStarted,
    OutboxKind.SUGGESTION: Suggestion,
    OutboxKind.KUDOS_POST: Kudos,
    OutboxKind.KUDOS_DM: Kudos,
    OutboxKind.MILESTONE: Milestone,
    OutboxKind.CELEBRATION: Celebration,
    OutboxKind.DIGEST: Digest,
    OutboxKind.DIGEST_CHART: DigestChart,
    OutboxKind.SURVEY_ALERT: SurveyAlert,
    OutboxKind.WEEKLY_SUMMARY: dict[str, Any],  # services.summaries: the week's figures
    OutboxKind.WELCOME: Welcome,
    OutboxKind.AGENDA: Rendered,
}


class PayloadError(ValueError):
    """A payload that does not match its kind (a bug where it was built, or a damaged row)."""


def _error(kind: str, error: ValidationError) -> PayloadError:
    wrong = "; ".join(
        f"{'.'.join(str(part) for part in e['loc']) or '(payload)'}: {e['msg']}"
        for e in error.errors()[:3]
    )
    return PayloadError(f"{kind} payload: {wrong}")


@cache
def _adapter(kind: OutboxKind) -> TypeAdapter[Any]:
    return TypeAdapter(PAYLOADS[kind])


def encode(kind: str, payload: object) -> str:
    """The payload as stored (JSON), after checking it against its kind."""
    try:
        checked = _adapter(OutboxKind(kind)).validate_python(payload, strict=True)
    except ValidationError as error:
        raise _error(kind, error) from error
    if checked != payload:  # validation drops keys the kind does not name
        raise PayloadError(f"{kind} payload has fields its kind does not name")
    return json.dumps(payload)


def decode(kind: str, stored: str | None) -> Any:
    """The stored payload, checked against its kind; PayloadError if it does not match."""
    try:
        adapter = _adapter(OutboxKind(kind))
    except ValueError as error:
        raise PayloadError(f"no such outbox kind: {kind}") from error
    try:
        return adapter.validate_json(stored or "{}")
    except ValidationError as error:
        raise _error(kind, error) from error
