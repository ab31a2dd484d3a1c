"""Block Kit for /cx-metrics: each KPI with its change against the previous period and the
team's target."""

from enum import StrEnum

from slack_sdk.models.blocks import Block, ContextBlock, HeaderBlock, MarkdownTextObject

from bot.blocks.common import escape, plural, section
from bot.services import metrics
from bot.services.kpis import Kpis
from bot.services.periods import Period
from bot.services.team_settings import Targets
from bot.services.wording import short_date


class Better(StrEnum):
    """Which way a KPI's change is good."""

    UP = "up"
    DOWN = "down"
    NEITHER = "neither"  # more or fewer tickets is neither good nor bad in itself


# (field, label, unit, which way is better)
ROWS = (
    ("tickets_solved", "Tickets solved", "", Better.NEITHER),
    ("fcr_pct", "First-contact resolution", "%", Better.UP),
    ("csat_pct", "CSAT", "%", Better.UP),
    ("nps", "NPS", "", Better.UP),
    ("frt_median_s", "First response, median", "time", Better.DOWN),
    ("frt_p90_s", "First response, p90", "time", Better.DOWN),
    ("resolution_median_s", "Resolution, median", "time", Better.DOWN),
    ("participation_pct", "Reflections answered", "%", Better.UP),
)
# Survey KPIs move by chance on few answers: below these counts (in either period) a change is
# not shown as better or worse. 30 is the usual floor for reading an NPS; CSAT's share of good
# answers is steadier, 20 keeps a swing of one answer under 5 points.
FEW_ANSWERS = {"csat_pct": ("csat_n", 20), "nps": ("nps_n", 30)}


def show(value: float | int | None, unit: str) -> str:
    """A KPI value as people read it: "no data", "87 %", "45 min", "3.5 h"."""
    if value is None:
        return "no data"
    if unit == "time":
        minutes = value / 60
        return f"{minutes:.0f} min" if minutes < 120 else f"{minutes / 60:.1f} h"
    return f"{value:.0f}{' %' if unit == '%' else ''}" if isinstance(value, float) else str(value)


def change(field: str, now: Kpis, before: Kpis) -> str:
    """How the KPI moved against the previous period, with its unit ("▲ 4 pts, better",
    "▼ 3 min, better", "▲ 12 tickets", "no change"); "" when either period has no figure."""
    _, _, unit, better = next(row for row in ROWS if row[0] == field)
    value, previous = getattr(now, field), getattr(before, field)
    if value is None or previous is None:
        return ""
    if field in FEW_ANSWERS:
        count, floor = FEW_ANSWERS[field]
        if min(getattr(now, count), getattr(before, count)) < floor:
            return f"too few answers to read a change (under {floor} in a period)"
    if unit == "time":
        moved = round(abs(value - previous) / 60)
        amount = f"{moved} min" if moved < 120 else f"{moved / 60:.1f} h"
    elif unit == "%" or field == "nps":
        moved = round(abs(value - previous))
        amount = f"{moved} pt{'s' if moved != 1 else ''}"
    else:
        moved = round(abs(value - previous))
        amount = plural(moved, "ticket")
    if moved == 0:
        return "no change"
    arrow = "▲" if value > previous else "▼"
    if better == Better.NEITHER:
        return f"{arrow} {amount}"
    good = (value > previous) == (better == Better.UP)
    return f"{arrow} {amount}, {'better' if good else 'worse'}"


def _target(field: str, value: float | int | None, targets: Targets | None) -> str:
    met = None if targets is None else metrics.meets(field, value, targets)
    if met is None or targets is None:
        return ""
    wanted = metrics.goal(field, targets)
    assert wanted is not None
    unit = next(row[2] for row in ROWS if row[0] == field)
    return " · target met" if met else f" · target {show(wanted[0], unit)} not met"


BUSINESS_TIMED = ("frt_median_s", "frt_p90_s", "resolution_median_s")


def kpi_lines(
    now: Kpis, before: Kpis, targets: Targets | None, *, business_hours: bool = False
) -> str:
    """Each KPI with its change and target, one a line (mrkdwn); times say when they count
    business hours only."""
    lines = []
    for field, plain_name, unit, _ in ROWS:
        name = f"{plain_name} (business hours)" if business_hours and field in BUSINESS_TIMED else (
            plain_name)  # fmt: skip
        value = getattr(now, field)
        counted = ""
        if field == "csat_pct" and now.csat_n:
            counted = f" (n={now.csat_n})"
        if field == "nps" and now.nps_n:
            counted = f" (n={now.nps_n})"
        moved = change(field, now, before)
        lines.append(
            f"*{name}:* {show(value, unit)}{counted}{f' · {moved}' if moved else ''}"
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
                    text=f"{short_date(period.first)} – {short_date(period.last, year=True)} "
                    f"({escape(period.zone)}); changes against the previous period of the same "
                    "length."
                )
            ]
        ),
    ]
