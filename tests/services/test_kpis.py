"""The KPI definitions of docs/ARCHITECTURE.md §5 against hand-computed cases."""

import random
import statistics
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

import pytest

from bot.services.kpis import RELATIVE_ACCURACY, Sketch, Survey, Tally, Ticket, compute
from bot.services.periods import parse

MARCH = parse("2026-03", now=datetime(2026, 4, 15, tzinfo=UTC), zone="UTC")


def _at(day: int, hour: int = 0, minute: int = 0, month: int = 3) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=UTC)


def _ticket(created: datetime, first_response_s: int | None, solved_s: int | None,
            replies: int = 1, reopened: bool = False) -> Ticket:  # fmt: skip
    return Ticket(
        created_at=created,
        first_response_at=created + timedelta(seconds=first_response_s)
        if first_response_s is not None else None,
        solved_at=created + timedelta(seconds=solved_s) if solved_s is not None else None,
        agent_replies=replies,
        reopened=reopened,
    )  # fmt: skip


TICKETS = [
    _ticket(_at(1, 10), 1800, 7200),  # first contact
    _ticket(_at(2, 9), 600, 86400, replies=2),  # two replies: not first contact
    _ticket(_at(5, 8), None, 3600, replies=0),  # no agent reply: outside FCR, no FRT
    _ticket(_at(6, 8), 3600, 5400, reopened=True),  # reopened: not first contact
    _ticket(_at(31, 23), 60, 3600),  # solved 1 April 00:00: outside March (end excluded)
    _ticket(_at(10, 8), 60, None),  # not solved
]
SURVEYS = [
    *(Survey("csat", score, _at(10)) for score in (5, 4, 3, 1)),
    *(Survey("nps", score, _at(11)) for score in (10, 9, 8, 6, 0)),
    Survey("csat", 1, _at(1, month=4)),  # April
]


def test_every_kpi_of_a_month() -> None:
    """Hand-computed: 4 solved, FCR 1/3, CSAT 2/4, NPS (2-2)/5, FRT 1800/3600, resolution 6300."""
    kpis = compute(MARCH, TICKETS, SURVEYS, prompts_sent=4, reflections_answered=3)
    assert kpis.tickets_solved == 4
    assert kpis.fcr_pct == pytest.approx(100 / 3)
    assert (kpis.csat_pct, kpis.csat_n) == (50.0, 4)
    assert (kpis.nps, kpis.nps_n) == (0.0, 5)
    assert kpis.frt_median_s == pytest.approx(1800, rel=RELATIVE_ACCURACY)
    assert kpis.frt_p90_s == pytest.approx(3600, rel=RELATIVE_ACCURACY)
    assert kpis.resolution_median_s == pytest.approx(6300, rel=RELATIVE_ACCURACY)
    assert kpis.participation_pct == 75.0


def test_no_data_is_none_not_zero() -> None:
    """An empty period reports "no data" for every ratio and time."""
    kpis = compute(MARCH, [], [])
    assert kpis.tickets_solved == 0
    assert kpis.csat_n == kpis.nps_n == 0
    assert None is kpis.fcr_pct is kpis.csat_pct is kpis.nps is kpis.frt_median_s
    assert None is kpis.frt_p90_s is kpis.resolution_median_s is kpis.participation_pct


def test_all_detractors_is_minus_100() -> None:
    """NPS runs from -100 (all 0-6) to 100 (all 9-10); passives only count in the total."""
    assert compute(MARCH, [], [Survey("nps", s, _at(2)) for s in (0, 3, 6)]).nps == -100.0
    assert compute(MARCH, [], [Survey("nps", s, _at(2)) for s in (9, 10)]).nps == 100.0
    assert compute(MARCH, [], [Survey("nps", s, _at(2)) for s in (7, 8)]).nps == 0.0


def _sketch(values: Sequence[float]) -> Sketch:
    sketch = Sketch()
    for value in values:
        sketch.add(value)
    return sketch


def test_median_ties_and_p90_nearest_rank() -> None:
    """An even count takes the mean of the middle two; p90 is a value that occurred."""
    close = RELATIVE_ACCURACY
    assert _sketch([10, 10, 20, 20]).median() == pytest.approx(15, rel=close)
    assert _sketch([5, 1, 3]).median() == pytest.approx(3, rel=close)
    assert _sketch(range(1, 11)).p90() == pytest.approx(9, rel=close)
    assert _sketch([7]).p90() == pytest.approx(7, rel=close)
    assert _sketch([0, 0, 30]).median() == 0.0
    assert _sketch([]).median() is None


def test_sketch_quantiles_stay_within_one_percent() -> None:
    """20,000 skewed durations: the sketch's median and p90 are within 1 % of the exact ones."""
    rng = random.Random(7)
    values = [round(rng.lognormvariate(6, 1.5)) for _ in range(20_000)]
    ordered = sorted(values)
    exact_p90 = ordered[-(-9 * len(values) // 10) - 1]
    sketch = _sketch(values)
    assert sketch.median() == pytest.approx(statistics.median(values), rel=RELATIVE_ACCURACY)
    assert sketch.p90() == pytest.approx(exact_p90, rel=RELATIVE_ACCURACY)


def test_tallies_merge_to_the_tally_of_all_records() -> None:
    """Two days' tallies merged give exactly the figures of both days read together."""
    march_1, march_2 = Tally(), Tally()
    for ticket in TICKETS[:2]:
        march_1.add_ticket(ticket)
    for ticket in TICKETS[2:]:
        march_2.add_ticket(ticket)
    for survey in SURVEYS:
        (march_1 if survey.score % 2 else march_2).add_survey(survey)
    together = Tally()
    for ticket in TICKETS:
        together.add_ticket(ticket)
    for survey in SURVEYS:
        together.add_survey(survey)
    march_1.merge(march_2)
    assert march_1 == together


def test_period_boundaries_follow_the_team_zone() -> None:
    """Solved at 04:30 UTC on 1 March is still February in New York."""
    ticket = _ticket(_at(1, 4, 30) - timedelta(hours=1), 60, 3600)  # solved 04:30 UTC
    new_york = parse("2026-03", now=_at(15, month=4), zone="America/New_York")
    utc = parse("2026-03", now=_at(15, month=4), zone="UTC")
    assert compute(new_york, [ticket], []).tickets_solved == 0
    assert compute(utc, [ticket], []).tickets_solved == 1
