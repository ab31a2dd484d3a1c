"""The KPI definitions (ARCHITECTURE §5): the one module every surface computes them with.

Pure: records in, figures out. "No data" is None, never 0. Percentiles: the median is the
middle value (the mean of the two middle values for an even count); p90 is the nearest-rank
90th percentile (the smallest value with at least 90 % of values at or below it).
"""

import math
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from bot.services.periods import Period


@dataclass(frozen=True)
class Ticket:
    """One helpdesk ticket, as imported."""

    created_at: datetime
    first_response_at: datetime | None
    solved_at: datetime | None
    agent_replies: int
    reopened: bool


@dataclass(frozen=True)
class Survey:
    """One CSAT (1-5) or NPS (0-10) response."""

    kind: Literal["csat", "nps"]
    score: int
    submitted_at: datetime


@dataclass(frozen=True)
class Kpis:
    """The figures of one period; None where there is no data."""

    tickets_solved: int
    fcr_pct: float | None
    csat_pct: float | None
    csat_n: int
    nps: float | None
    nps_n: int
    frt_median_s: float | None
    frt_p90_s: float | None
    resolution_median_s: float | None
    participation_pct: float | None


def compute(
    period: Period,
    tickets: Iterable[Ticket],
    surveys: Iterable[Survey],
    *,
    prompts_sent: int = 0,
    reflections_answered: int = 0,
) -> Kpis:
    """Every KPI for `period`: ticket figures by `solved_at`, survey figures by `submitted_at`."""
    solved = [t for t in tickets if t.solved_at is not None and period.contains(t.solved_at)]
    replied = [t for t in solved if t.agent_replies >= 1]
    first_contact = [t for t in replied if t.agent_replies == 1 and not t.reopened]
    frt = [
        (t.first_response_at - t.created_at).total_seconds()
        for t in solved
        if t.first_response_at is not None
    ]
    resolution = [(t.solved_at - t.created_at).total_seconds() for t in solved if t.solved_at]
    in_period = [s for s in surveys if period.contains(s.submitted_at)]
    csat = [s.score for s in in_period if s.kind == "csat"]
    nps = [s.score for s in in_period if s.kind == "nps"]
    return Kpis(
        tickets_solved=len(solved),
        fcr_pct=_pct(len(first_contact), len(replied)),
        csat_pct=_pct(sum(1 for score in csat if score >= 4), len(csat)),
        csat_n=len(csat),
        nps=_nps(nps),
        nps_n=len(nps),
        frt_median_s=median(frt),
        frt_p90_s=p90(frt),
        resolution_median_s=median(resolution),
        participation_pct=_pct(reflections_answered, prompts_sent),
    )


def _pct(part: int, whole: int) -> float | None:
    return part / whole * 100 if whole else None


def _nps(scores: Sequence[int]) -> float | None:
    if not scores:
        return None
    promoters = sum(1 for score in scores if score >= 9)
    detractors = sum(1 for score in scores if score <= 6)
    return (promoters - detractors) / len(scores) * 100


def median(values: Sequence[float]) -> float | None:
    """The middle value (mean of the two middle ones for an even count); None when empty."""
    return float(statistics.median(values)) if values else None


def p90(values: Sequence[float]) -> float | None:
    """Nearest-rank 90th percentile; None when empty."""
    if not values:
        return None
    ordered = sorted(values)
    return float(ordered[math.ceil(0.9 * len(ordered)) - 1])
