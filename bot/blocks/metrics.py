"""Block Kit for /cx-metrics: each KPI with its change against the previous period and the
team's target."""

from slack_sdk.models.blocks import Block, ContextBlock, HeaderBlock, MarkdownTextObject

from bot.blocks.common import escape, section
from bot.services.kpis import Kpis
from bot.services.periods import Period
from bot.services.team_settings import Targets

# (field, label, unit, higher is better)
ROWS = (
    ("tickets_solved", "Tickets solved", "", True),
    ("fcr_pct", "First-contact resolution", "%", True),
    ("csat_pct", "CSAT", "%", True),
    ("nps", "NPS", "", True),
    ("frt_median_s", "First response, median", "time", False),
    ("frt_p90_s", "First response, p90", "time", False),
    ("resolution_median_s", "Resolution, median", "time", False),
    ("participation_pct", "Reflections answered", "%", True),
)


def show(value: float | int | None, unit: str) -> str:
    """A KPI value as people read it: "no data", "87 %", "45 min", "3.5 h"."""
    if value is None:
        return "no data"
    if unit == "time":
        minutes = value / 60
        return f"{minutes:.0f} min" if minutes < 120 else f"{minutes / 60:.1f} h"
    return f"{value:.0f}{' %' if unit == '%' else ''}" if isinstance(value, float) else str(value)


def _change(now: float | int | None, before: float | int | None, unit: str, up_good: bool) -> str:
    if now is None or before is None or now == before:
        return ""
    arrow = "▲" if now > before else "▼"
    good = (now > before) == up_good
    delta = show(abs(now - before), unit) if unit == "time" else f"{abs(now - before):.0f}"
    return f" {arrow}{delta}{'' if good else ' :small_red_triangle_down:'}"


def _target(field: str, value: float | int | None, targets: Targets | None) -> str:
    if targets is None or value is None:
        return ""
    goals = {
        "csat_pct": (targets.csat_pct, True),
        "nps": (targets.nps, True),
        "fcr_pct": (targets.fcr_pct, True),
        "frt_median_s": (targets.frt_minutes * 60, False),
    }
    if field not in goals:
        return ""
    goal, up_good = goals[field]
    met = value >= goal if up_good else value <= goal
    return (
        " · target met" if met else f" · target {show(goal, 'time' if not up_good else '')} not met"
    )


BUSINESS_TIMED = ("frt_median_s", "frt_p90_s", "resolution_median_s")


def kpi_lines(
    now: Kpis, before: Kpis, targets: Targets | None, *, business_hours: bool = False
) -> str:
    """Each KPI with its change and target, one a line (mrkdwn); times say when they count
    business hours only."""
    lines = []
    for field, plain_name, unit, up_good in ROWS:
        name = f"{plain_name} (business hours)" if business_hours and field in BUSINESS_TIMED else (
            plain_name)  # fmt: skip
        value, previous = getattr(now, field), getattr(before, field)
        counted = ""
        if field == "csat_pct" and now.csat_n:
            counted = f" (n={now.csat_n})"
        if field == "nps" and now.nps_n:
            counted = f" (n={now.nps_n})"
        lines.append(
            f"*{name}:* {show(value, unit)}{counted}{_change(value, previous, unit, up_good)}"
            f"{_target(field, value, targets)}"
        )
    return "\n".join(lines)


def metrics_blocks(
    label: str, period: Period, now: Kpis, before: Kpis, targets: Targets | None,
    *, business_hours: bool = False,
) -> list[Block]:  # fmt: skip
    """The answer to /cx-metrics."""
    return [
        HeaderBlock(text=f"{label} · {period.label}"[:150]),
        section(kpi_lines(now, before, targets, business_hours=business_hours)),
        ContextBlock(
            elements=[
                MarkdownTextObject(
                    text=f"{period.first:%d %b} – {period.last:%d %b %Y} ({escape(period.zone)}); "
                    "changes against the previous period of the same length."
                )
            ]
        ),
    ]
