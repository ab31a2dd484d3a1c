"""The weekly digest of one team: the previous Monday–Sunday in the team's zone — KPIs with their
change and targets, participation, peer feedback and kudos, the week's training needs (counted,
never attributed), its themes where the team wants them, an 8-week trend, and a one-line "what
changed most". Team aggregates only:
no agent's own figures ever go to a channel."""

import json
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlmodel import Session, col, select

from bot.services import kpis, kudos, metrics, periods, rollups, teams, theme_report, themes
from bot.services.periods import Period, PeriodError
from bot.services.team_view import training_needs_in
from bot.services.wording import plural, short_date
from bot.store.models import (
    FeedbackAnswer,
    FeedbackRequest,
    Kudos,
    KudosRecipient,
    Membership,
    Person,
    Reflection,
    ReflectionStatus,
    Team,
    TeamRole,
)

TREND_WEEKS = 8
SKIP_AFTER = timedelta(days=3)  # a digest this late is recorded as skipped, not sent
TOP_NEEDS = 5
TOP_THEMES = 5


class DigestError(ValueError):
    """An unknown team or a week that has not ended; the message says which."""


@dataclass(frozen=True)
class TrendPoint:
    """One week of the trend chart."""

    label: str  # "W47"
    csat_pct: float | None
    fcr_pct: float | None
    frt_median_min: float | None


@dataclass(frozen=True)
class Digest:
    """Everything the digest shows."""

    team: str
    week: str  # "2026-W47"
    label: str  # "16–22 Nov 2026"
    now: kpis.Kpis
    before: kpis.Kpis
    targets: teams.Targets
    feedback_given: int
    kudos_given: int
    shout_outs: list[dict[str, Any]]
    training_needs: list[tuple[str, int]]
    trend: list[TrendPoint] = field(default_factory=list)
    headline: str = ""
    business_hours: bool = False  # response times are the helpdesk's business-hours figures
    # The week's themes where the team wants them (Team.digest_themes): ShownTheme as dicts,
    # each with its "source"; training needs are not among them (they have their own line).
    themes: list[dict[str, Any]] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        """Nothing at all happened this week."""
        n = self.now
        return (n.tickets_solved, n.csat_n, n.nps_n, self.feedback_given, self.kudos_given) == (
            0, 0, 0, 0, 0
        ) and n.participation_pct is None  # fmt: skip

    def to_json(self) -> dict[str, Any]:
        """Plain data (for the outbox and --dry-run)."""
        return asdict(self)


def week_of(text: str | None, *, team: Team, now: datetime) -> Period:
    """`2026-W47`, or the last whole week; a week not over yet is refused."""
    try:
        week = periods.parse(text or "last-week", now=now, zone=team.timezone)
    except PeriodError as error:
        raise DigestError(str(error)) from None
    if week.days != 7 or week.first.weekday() != 0:
        raise DigestError(f"A digest covers one ISO week, like 2026-W47, not {text}.")
    if week.end > now:
        raise DigestError(f"Week {week.label} has not ended yet; its digest comes after Sunday.")
    return week


def subject_of(session: Session, team: Team) -> metrics.Subject:
    """The team's current agents."""
    ids = session.exec(
        select(Membership.person_id).where(
            Membership.team_id == team.id, Membership.role == TeamRole.AGENT.value
        )
    ).all()
    return metrics.Subject(team.name, tuple(ids), team.timezone, team.id, team.business_hours)


def build(*, session: Session, team: Team, week: Period) -> Digest:
    """The team's digest for the week."""
    subject = subject_of(session, team)
    points, weekly = _series(
        session, subject, week
    )  # the last two are this week and the one before
    before_counts, now_counts = metrics.participation(
        session=session, person_ids=subject.person_ids, periods=[week.previous(), week]
    )
    hours = team.business_hours
    now = kpis.figures(weekly[-1], prompts_sent=now_counts[0], reflections_answered=now_counts[1],
                       business_hours=hours)  # fmt: skip
    before = kpis.figures(weekly[-2], prompts_sent=before_counts[0],
                          reflections_answered=before_counts[1], business_hours=hours)  # fmt: skip
    count, latest = kudos.week_count(session=session, team=team, period=week)
    digest = Digest(
        team=team.name, week=_iso(week), label=_label(week), now=now, before=before,
        targets=teams.detail(session=session, team=team).targets,
        feedback_given=_feedback_given(session, subject, week), kudos_given=count,
        shout_outs=_shout_outs(session, latest),
        training_needs=_training(session, team, subject, week), trend=points,
        business_hours=team.business_hours, themes=_themes(session, team, week),
    )  # fmt: skip
    return Digest(**{**digest.__dict__, "headline": headline(digest)})


def _iso(week: Period) -> str:
    year, number, _ = week.first.isocalendar()
    return f"{year}-W{number:02d}"


def _label(week: Period) -> str:
    return f"{short_date(week.first)}–{short_date(week.last, year=True)}".lstrip("0")


def trend(*, session: Session, subject: metrics.Subject, week: Period) -> list[TrendPoint]:
    """CSAT, FCR and median first response for the TREND_WEEKS weeks ending with `week`."""
    return _series(session, subject, week)[0]


def _series(
    session: Session, subject: metrics.Subject, week: Period
) -> tuple[list[TrendPoint], list[kpis.Tally]]:
    firsts = [week.first - timedelta(weeks=back) for back in range(TREND_WEEKS - 1, -1, -1)]
    bounds = [Period(first, first, week.zone, "").start for first in firsts] + [week.end]
    tallies = rollups.tally_series(session=session, person_ids=subject.person_ids, bounds=bounds)
    points = []
    for first, tally in zip(firsts, tallies, strict=True):
        figures = kpis.figures(tally, business_hours=subject.business_hours)
        frt = figures.frt_median_s / 60 if figures.frt_median_s is not None else None
        label = f"W{first.isocalendar()[1]:02d}"
        points.append(TrendPoint(label, figures.csat_pct, figures.fcr_pct, frt))
    return points, tallies


def _feedback_given(session: Session, subject: metrics.Subject, week: Period) -> int:
    """Peer-feedback answers about the team's agents that came in during the week."""
    return len(
        session.exec(
            select(FeedbackAnswer.id)
            .join(FeedbackRequest, col(FeedbackRequest.id) == FeedbackAnswer.request_id)
            .where(
                col(FeedbackRequest.subject_id).in_(subject.person_ids),
                col(FeedbackAnswer.given_on) >= week.first,
                col(FeedbackAnswer.given_on) <= week.last,
            )
        ).all()
    )


def _shout_outs(session: Session, latest: list[Kudos]) -> list[dict[str, Any]]:
    thanked = {
        k.id: session.exec(
            select(KudosRecipient.person_id).where(KudosRecipient.kudos_id == k.id)
        ).all()
        for k in latest
    }
    ids = {k.giver_id for k in latest} | {p for to in thanked.values() for p in to}
    names = {
        p.id: p.slack_user_id for p in session.exec(select(Person).where(col(Person.id).in_(ids)))
    }
    found = []
    for item in latest:
        to = thanked[item.id]
        found.append({"giver": names.get(item.giver_id), "to": [names.get(p) for p in to],
                      "reason": item.reason, "value": item.value})  # fmt: skip
    return found


def _training(session: Session, team: Team, subject: metrics.Subject,
              week: Period) -> list[tuple[str, int]]:  # fmt: skip
    """The week's training needs, grouped and counted; none when the team keeps reflections
    private to each agent."""
    if not team.leads_read_reflections:
        return []
    answers = session.exec(
        select(Reflection.answers).where(
            col(Reflection.person_id).in_(subject.person_ids),
            Reflection.status == ReflectionStatus.ANSWERED,
            col(Reflection.shift_date) >= week.first,
            col(Reflection.shift_date) <= week.last,
        )
    ).all()
    needs = [
        need
        for text in answers
        for need in training_needs_in(json.loads(text or "{}").get("training", ""))
    ]
    return themes.group_needs(needs, top=TOP_NEEDS)  # grouped by meaning


def _themes(session: Session, team: Team, week: Period) -> list[dict[str, Any]]:
    """The week's biggest themes (bot.services.theme_report), if the team wants them; never a
    quote (the digest goes to a channel, wider than the leads who may see quotes)."""
    if not team.digest_themes:
        return []
    found = theme_report.report(session=session, team=team, period=week)
    ranked = sorted(
        ({"source": source, **asdict(theme), "quote": None}
         for source, shown in found.by_source.items() if source != "training"
         for theme in shown),
        key=lambda theme: (-theme["people"], -theme["texts"]),
    )  # fmt: skip
    return ranked[:TOP_THEMES]


def headline(digest: Digest) -> str:
    """The one change most worth saying, or how quiet the week was."""
    if digest.empty:
        return "A quiet week: no tickets, surveys, reflections, feedback or kudos."
    now, before = digest.now, digest.before
    changes: list[tuple[float, str]] = []

    def points(name: str, a: float | None, b: float | None, unit: str) -> None:
        if a is not None and b is not None and a != b:
            verb = "rose" if a > b else "fell"
            changes.append((abs(a - b) / 10, f"{name} {verb} {abs(a - b):.1f} {unit} to {a:.0f}"))

    points("CSAT", now.csat_pct, before.csat_pct, "points")
    points("FCR", now.fcr_pct, before.fcr_pct, "points")
    points("NPS", now.nps, before.nps, "points")
    a, b = now.frt_median_s, before.frt_median_s
    if a is not None and b is not None and b > 0 and a != b:
        pct = (a - b) / b * 100
        verb = "slowed" if pct > 0 else "sped up"
        changes.append((abs(pct) / 20, f"Median first response {verb} by {abs(pct):.0f} %"))
    if before.tickets_solved and now.tickets_solved != before.tickets_solved:
        pct = (now.tickets_solved - before.tickets_solved) / before.tickets_solved * 100
        changes.append((abs(pct) / 50, f"Tickets solved {'up' if pct > 0 else 'down'} "
                                       f"{abs(pct):.0f} % to {now.tickets_solved}"))  # fmt: skip
    if not changes:
        return f"{plural(now.tickets_solved, 'ticket')} solved; no change worth calling out."
    return max(changes)[1] + "."
