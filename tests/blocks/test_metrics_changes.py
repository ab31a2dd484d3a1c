"""How /cx-metrics and the digest show a KPI's change: with its unit, judged by which way is
better for that KPI, plain when nothing moved, and not judged on too few survey answers."""

from dataclasses import replace

from bot.blocks.metrics import change
from bot.services.kpis import Kpis

BASE = Kpis(tickets_solved=40, fcr_pct=70.0, csat_pct=80.0, csat_n=50, nps=20.0, nps_n=40,
            frt_median_s=1800.0, frt_p90_s=3600.0, resolution_median_s=7200.0,
            participation_pct=90.0)  # fmt: skip


def test_no_change_is_said_plainly() -> None:
    """Same figure, same words: no arrow, no colour."""
    assert {change(field, BASE, BASE) for field in ("fcr_pct", "nps", "frt_median_s")} == {
        "no change"
    }


def test_each_change_carries_its_unit_and_knows_which_way_is_better() -> None:
    """Percentages move in points; a shorter first response is better; fewer tickets is
    neither better nor worse."""
    now = replace(BASE, tickets_solved=35, csat_pct=84.0, frt_median_s=1500.0, nps=14.0)
    assert change("tickets_solved", now, BASE) == "▼ 5 tickets"
    assert change("csat_pct", now, BASE) == "▲ 4 pts, better"
    assert change("frt_median_s", now, BASE) == "▼ 5 min, better"
    assert change("nps", now, BASE) == "▼ 6 pts, worse"
    assert change("tickets_solved", replace(BASE, tickets_solved=41), BASE) == "▲ 1 ticket"


def test_a_survey_change_on_few_answers_is_not_read() -> None:
    """NPS on 29 answers in either period: the move is not called better or worse."""
    few = replace(BASE, nps=60.0, nps_n=29)
    assert change("nps", few, BASE) == "too few answers to read a change (under 30 in a period)"
    assert change("nps", BASE, few).startswith("too few answers")


def test_no_figure_in_either_period_shows_no_change_at_all() -> None:
    """No data before (or now): nothing to compare."""
    assert change("csat_pct", BASE, replace(BASE, csat_pct=None, csat_n=0)) == ""
