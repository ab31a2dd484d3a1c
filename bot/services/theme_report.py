"""A team's themes for a period (issue 20): what its agents wrote (training needs, what they would
do differently, customer stories) and what its customers wrote (survey comments, low and high
scores apart), each grouped by bot.services.themes, with the change from the period before.

Privacy by construction: a theme needs MIN_PEOPLE different writers (a customer counts as one);
nothing is attributed; one answer is quoted under a theme only when the team allows quoting
(Team.themes_quote); nothing from reflections when the team keeps them from its leads."""

import json
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session, col, select

from bot.services import themes
from bot.services.periods import Period
from bot.store.models import (
    Membership,
    Reflection,
    ReflectionStatus,
    SurveyResponse,
    Team,
    TeamRole,
)

SOURCES = {
    "training": "Training they asked for",
    "differently": "What they would do differently",
    "story": "Customer stories",
    "low": "Customers who scored low",
    "high": "Customers who scored high",
}
TOP = 5  # themes shown per source


@dataclass(frozen=True)
class ShownTheme:
    label: str
    people: int
    texts: int
    change: int  # texts now minus texts in the period before
    quote: str | None = None  # one of its answers, when the team allows quoting


@dataclass(frozen=True)
class ThemeReport:
    team: str
    period: str
    by_source: dict[str, list[ShownTheme]]
    reflections_private: bool  # the team keeps reflections from its leads: none of them here

    @property
    def empty(self) -> bool:
        return not any(self.by_source.values())


def _before(period: Period) -> Period:
    days = (period.last - period.first).days + 1
    return Period(period.first - timedelta(days=days), period.first - timedelta(days=1),
                  period.zone, "the period before")  # fmt: skip


def _texts(session: Session, team: Team, period: Period) -> dict[str, list[themes.Text]]:
    agents = select(Membership.person_id).where(
        Membership.team_id == team.id, Membership.role == TeamRole.AGENT.value)  # fmt: skip
    found: dict[str, list[themes.Text]] = {source: [] for source in SOURCES}
    if team.leads_read_reflections:
        rows = session.execute(
            select(col(Reflection.person_id), col(Reflection.answers)).where(
                col(Reflection.person_id).in_(agents),
                Reflection.status == ReflectionStatus.ANSWERED,
                col(Reflection.shift_date) >= period.first,
                col(Reflection.shift_date) <= period.last,
            )
        ).all()
        for person_id, answers in rows:
            for source, text in json.loads(answers or "{}").items():
                if source in ("training", "differently", "story") and isinstance(text, str):
                    found[source].append(themes.Text(f"p{person_id}", text))
    surveys = session.execute(
        select(col(SurveyResponse.response_id), col(SurveyResponse.kind),
               col(SurveyResponse.score), col(SurveyResponse.comment)).where(
            col(SurveyResponse.person_id).in_(agents),
            col(SurveyResponse.submitted_at) >= period.start,
            col(SurveyResponse.submitted_at) < period.end,
        )
    ).all()  # fmt: skip
    for response_id, kind, score, comment in surveys:
        if comment:
            low = score <= (2 if kind == "csat" else 6)
            found["low" if low else "high"].append(themes.Text(f"c{response_id}", comment))
    return found


def report(*, session: Session, team: Team, period: Period) -> ThemeReport:
    """The team's themes for the period, with the change from the period before."""
    now, before = _texts(session, team, period), _texts(session, team, _before(period))
    by_source: dict[str, list[ShownTheme]] = {}
    for source in SOURCES:
        current, earlier = now[source], before[source]
        if len({t.author for t in current}) < themes.MIN_PEOPLE:
            by_source[source] = []
            continue
        found = themes.find(current + earlier, min_people=1)
        shown = []
        for theme in found:
            fresh = [i for i in theme.members if i < len(current)]
            people = {current[i].author for i in fresh}
            if len(people) < themes.MIN_PEOPLE:
                continue
            quote = (themes.representative([current[i].text for i in fresh], theme.label)
                     if team.themes_quote else None)  # fmt: skip
            change = len(fresh) - (len(theme.members) - len(fresh))
            shown.append(ShownTheme(theme.label, len(people), len(fresh), change, quote))
        by_source[source] = sorted(shown, key=lambda t: (-t.people, -t.texts))[:TOP]
    return ThemeReport(team.name, period.label, by_source, not team.leads_read_reflections)


def cached(*, session: Session, team: Team, period: Period, now: datetime) -> ThemeReport:
    """The report, computed at most once per CACHE_FOR per team, period and settings that
    change it (a lead's App Home asks on each visit, /cx-themes on each command)."""
    key = (str(session.get_bind().engine.url), team.id, period.first, period.last, period.label,
           team.leads_read_reflections, team.themes_quote)  # fmt: skip
    with _lock:
        found = _cache.get(key)
        if found is not None and now - found[0] < CACHE_FOR:
            return found[1]
    fresh = report(session=session, team=team, period=period)
    with _lock:
        for old in [k for k, (at, _) in _cache.items() if now - at >= CACHE_FOR]:
            del _cache[old]
        _cache[key] = (now, fresh)
    return fresh


CACHE_FOR = timedelta(minutes=10)
_cache: dict[tuple[object, ...], tuple[datetime, ThemeReport]] = {}
_lock = threading.Lock()
