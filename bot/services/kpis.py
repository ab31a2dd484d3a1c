"""The KPI definitions (docs/ARCHITECTURE.md §5): the one module every surface computes them with.

Pure: records in, figures out. "No data" is None, never 0.

Counts and ratios are exact. Durations (first response, resolution) go into a DDSketch
(Masson, Rim and Lee, VLDB 2019; the `ddsketch` package's logarithmic mapping): each value is
kept as the bucket it falls in, buckets of one period merge by adding counts, and any quantile
read back is within 1 % (RELATIVE_ACCURACY) of the true value. That is what lets per-day rollups
(bot.services.rollups) answer a year as cheaply as a week. Ranks are the definitions'
own: the median is the middle value (the mean of the two middle values for an even count); p90
is the nearest-rank 90th percentile (the smallest value with at least 90 % of values at or
below it).
"""

import math
import struct
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
from ddsketch.mapping import LogarithmicMapping

from bot.services.periods import Period

RELATIVE_ACCURACY = 0.01
_MAPPING = LogarithmicMapping(RELATIVE_ACCURACY)
ZERO_KEY = -(2**31)  # the bucket of exact zeros (a logarithm has no bucket for them)


@dataclass(frozen=True)
class Ticket:
    """One helpdesk ticket, as imported."""

    created_at: datetime
    first_response_at: datetime | None
    solved_at: datetime | None
    agent_replies: int
    reopened: bool
    frt_business_s: float | None = None  # the helpdesk's business-hours figures, if any
    resolution_business_s: float | None = None


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


class Sketch:
    """Non-negative durations as bucket counts. Stored as bytes: little-endian int32 pairs
    (bucket key, count), keys ascending, exact zeros under ZERO_KEY. Stored sketches are merged
    lazily, all at once with numpy, which is what keeps a year of a team's rollups cheap."""

    def __init__(self, counts: dict[int, int] | None = None) -> None:
        self.counts: dict[int, int] = dict(counts or {})
        self._stored: list[npt.NDArray[np.int32]] = []

    def add(self, seconds: float) -> None:
        """Count one value."""
        key = ZERO_KEY if seconds <= 0 else _MAPPING.key(seconds)
        self.counts[key] = self.counts.get(key, 0) + 1

    def merge(self, other: "Sketch") -> None:
        """Add another sketch's counts to this one."""
        self._stored.extend(other._stored)
        for key, n in other.counts.items():
            self.counts[key] = self.counts.get(key, 0) + n

    def merge_bytes(self, stored: bytes) -> None:
        """Add a stored sketch (see to_bytes)."""
        if stored:
            self._stored.append(np.frombuffer(stored, dtype="<i4"))

    def to_bytes(self) -> bytes:
        """The stored form."""
        if not self._stored:  # counted here only (a day's rollup): no merge needed
            pairs = [number for bucket in sorted(self.counts.items()) for number in bucket]
            return struct.pack(f"<{len(pairs)}i", *pairs)
        keys, counts = self._buckets()
        return np.column_stack((keys, counts)).astype("<i4").tobytes()

    def _buckets(self) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
        """Every bucket once: keys ascending and their counts."""
        parts: list[npt.NDArray[Any]] = [pairs.reshape(-1, 2) for pairs in self._stored]
        if self.counts:
            parts.append(np.array(list(self.counts.items()), dtype=np.int64).reshape(-1, 2))
        if not parts:
            return np.zeros(0, np.int64), np.zeros(0, np.int64)
        pairs = np.concatenate(parts).astype(np.int64)
        keys, where = np.unique(pairs[:, 0], return_inverse=True)
        counts = np.bincount(where, weights=pairs[:, 1], minlength=len(keys)).astype(np.int64)
        self.counts, self._stored = dict(zip(keys.tolist(), counts.tolist(), strict=True)), []
        return keys, counts

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Sketch):
            return NotImplemented
        mine, theirs = self._buckets(), other._buckets()
        return bool(np.array_equal(mine[0], theirs[0]) and np.array_equal(mine[1], theirs[1]))

    def __repr__(self) -> str:
        return f"Sketch({self.counts!r})"

    @property
    def n(self) -> int:
        """How many values."""
        return int(self._buckets()[1].sum())

    def median(self) -> float | None:
        """The middle value, or the mean of the middle two; None when empty."""
        n = self.n
        if n == 0:
            return None
        if n % 2:
            return self._at_ranks((n + 1) // 2)[0]
        low, high = self._at_ranks(n // 2, n // 2 + 1)
        return (low + high) / 2

    def p90(self) -> float | None:
        """Nearest-rank 90th percentile; None when empty."""
        n = self.n
        return self._at_ranks(math.ceil(0.9 * n))[0] if n else None

    def _at_ranks(self, *ranks: int) -> list[float]:
        """The values at 1-based ranks, each within RELATIVE_ACCURACY."""
        keys, counts = self._buckets()
        at = np.searchsorted(np.cumsum(counts), ranks)  # first bucket reaching each rank
        return [0.0 if keys[i] == ZERO_KEY else float(_MAPPING.value(int(keys[i]))) for i in at]


@dataclass
class Tally:
    """Everything the KPIs need, in a form that adds up: per day, per agent, per team."""

    solved: int = 0
    replied: int = 0  # solved with agent_replies >= 1: the FCR denominator
    first_contact: int = 0  # ... of which exactly one reply and not reopened
    frt: Sketch = field(default_factory=Sketch)
    resolution: Sketch = field(default_factory=Sketch)
    frt_business: Sketch = field(default_factory=Sketch)  # business hours, where given
    resolution_business: Sketch = field(default_factory=Sketch)
    csat_n: int = 0
    csat_good: int = 0  # scores 4 and 5
    nps_n: int = 0
    promoters: int = 0  # 9 and 10
    detractors: int = 0  # 0 to 6

    def add_ticket(self, ticket: Ticket) -> None:
        """Count a solved ticket (unsolved ones count nowhere)."""
        if ticket.solved_at is None:
            return
        self.solved += 1
        if ticket.agent_replies >= 1:
            self.replied += 1
            if ticket.agent_replies == 1 and not ticket.reopened:
                self.first_contact += 1
        if ticket.first_response_at is not None:
            self.frt.add((ticket.first_response_at - ticket.created_at).total_seconds())
        self.resolution.add((ticket.solved_at - ticket.created_at).total_seconds())
        if ticket.frt_business_s is not None:
            self.frt_business.add(float(ticket.frt_business_s))
        if ticket.resolution_business_s is not None:
            self.resolution_business.add(float(ticket.resolution_business_s))

    def add_survey(self, survey: Survey) -> None:
        """Count a CSAT or NPS response."""
        if survey.kind == "csat":
            self.csat_n += 1
            self.csat_good += survey.score >= 4
        else:
            self.nps_n += 1
            self.promoters += survey.score >= 9
            self.detractors += survey.score <= 6

    def merge(self, other: "Tally") -> None:
        """Add another tally (another day, another agent) to this one."""
        for name in COUNTS:
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.frt.merge(other.frt)
        self.resolution.merge(other.resolution)
        self.frt_business.merge(other.frt_business)
        self.resolution_business.merge(other.resolution_business)


COUNTS = (
    "solved", "replied", "first_contact", "csat_n", "csat_good", "nps_n", "promoters",
    "detractors",
)  # fmt: skip


def figures(
    tally: Tally, *, prompts_sent: int = 0, reflections_answered: int = 0,
    business_hours: bool = False,
) -> Kpis:  # fmt: skip
    """The KPIs of a tally, by the definitions of docs/ARCHITECTURE.md §5; with `business_hours`,
    the first response and resolution times are the helpdesk's business-hours figures."""
    frt = tally.frt_business if business_hours else tally.frt
    resolution = tally.resolution_business if business_hours else tally.resolution
    return Kpis(
        tickets_solved=tally.solved,
        fcr_pct=_pct(tally.first_contact, tally.replied),
        csat_pct=_pct(tally.csat_good, tally.csat_n),
        csat_n=tally.csat_n,
        nps=_pct(tally.promoters - tally.detractors, tally.nps_n),
        nps_n=tally.nps_n,
        frt_median_s=frt.median(),
        frt_p90_s=frt.p90(),
        resolution_median_s=resolution.median(),
        participation_pct=_pct(reflections_answered, prompts_sent),
    )


def compute(
    period: Period,
    tickets: Iterable[Ticket],
    surveys: Iterable[Survey],
    *,
    prompts_sent: int = 0,
    reflections_answered: int = 0,
) -> Kpis:
    """Every KPI for `period`: ticket figures by `solved_at`, survey figures by `submitted_at`."""
    tally = Tally()
    for ticket in tickets:
        if ticket.solved_at is not None and period.contains(ticket.solved_at):
            tally.add_ticket(ticket)
    for survey in surveys:
        if period.contains(survey.submitted_at):
            tally.add_survey(survey)
    return figures(tally, prompts_sent=prompts_sent, reflections_answered=reflections_answered)


def _pct(part: int, whole: int) -> float | None:
    return part / whole * 100 if whole else None
