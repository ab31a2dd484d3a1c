""" "Your data" on the App Home (docs/PRIVACY.md): what CX Coach keeps about a person and who
can read each part, worked out from their teams' settings and the workspace's retention."""

from dataclasses import dataclass

from sqlalchemy import func
from sqlmodel import Session, select

from bot.services import reading, retention
from bot.services.wording import plural
from bot.store import crypto, repos
from bot.store.models import (
    ActionItem,
    FeedbackAnswer,
    FeedbackRequest,
    KudosRecipient,
    Person,
    Reflection,
)


@dataclass(frozen=True)
class Kept:
    """One kind of thing kept about the person: what, and who can read it."""

    what: str
    readers: str


@dataclass(frozen=True)
class YourData:
    kept: list[Kept]
    retention: str  # how long texts live
    encrypted: bool  # free text encrypted at rest


def _count(session: Session, statement: object) -> int:
    return int(session.exec(statement).one() or 0)  # type: ignore[call-overload]


def summary(*, session: Session, person: Person) -> YourData:
    """What is kept about `person`, part by part."""
    pid = person.id
    teams = repos.team_list_of(session=session, person=person)
    readable = reading.readable_teams(session=session, subject=person)
    leads_read = [t.name for t in teams if t.id in readable]
    reflections = _count(session, select(func.count()).select_from(Reflection)
                         .where(Reflection.person_id == pid))  # fmt: skip
    about = _count(session, select(func.count()).select_from(FeedbackAnswer).join(
        FeedbackRequest, FeedbackRequest.id == FeedbackAnswer.request_id  # type: ignore[arg-type]
    ).where(FeedbackRequest.subject_id == pid))  # fmt: skip
    items = _count(session, select(func.count()).select_from(ActionItem)
                   .where(ActionItem.person_id == pid))  # fmt: skip
    thanked = _count(session, select(func.count()).select_from(KudosRecipient)
                     .where(KudosRecipient.person_id == pid))  # fmt: skip
    team_names = ", ".join(t.name for t in teams) or "your teams"
    kept = [
        Kept(plural(reflections, "reflection"),
             "you and the leads of " + ", ".join(leads_read) if leads_read else "only you"),
        Kept(plural(about, "feedback answer") + " about you",
             "whoever asked for it (you, or for a 360 your lead; you too if the team shares "
             "360s); anonymous answers are never tied to their givers"),
        Kept(plural(items, "action item"), f"you and the leads of {team_names}"),
        Kept(plural(thanked, "kudos", "kudos") + " received",
             "everyone in the team's celebration channel"),
        Kept("your helpdesk figures (tickets, ratings)",
             f"you, the leads of {team_names}, and admins"),
        Kept("your shift, time zone and time away", "you, your leads and admins"),
    ]  # fmt: skip
    months = retention.settings_of(session, person.workspace_id).retention_months
    kept_for = (f"deleted after {plural(months, 'month')}; counts and figures stay" if months
                else "kept until you or an admin delete them")  # fmt: skip
    return YourData(kept, f"Reflection, reply and feedback texts are {kept_for}.",
                    crypto.enabled())  # fmt: skip
