"""The digest's trend chart: 8 weeks of CSAT, FCR and median first response, each with its
target as a dashed line, as a PNG (matplotlib, no display needed), with alt text saying the
same in words."""

import io
import threading
from collections.abc import Sequence
from typing import Any

# matplotlib is imported when the first chart is drawn (in _Chart): it is half a second of
# every process's start-up (each CLI command, each web worker) that only the digest needs.


PANELS = (
    ("csat_pct", "CSAT %", "csat_pct"),
    ("fcr_pct", "FCR %", "fcr_pct"),
    ("frt_median_min", "Median first response (min)", "frt_minutes"),
)


class _Chart:
    """One figure, drawn once per thread and re-used: only the data, labels and title change
    between charts (building matplotlib's artists was most of a chart's cost)."""

    def __init__(self) -> None:
        import matplotlib
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure

        matplotlib.use("Agg")  # before pyplot: render to memory, never a window
        self.figure = Figure(figsize=(7, 6), dpi=80)
        FigureCanvasAgg(self.figure)
        self.axes = self.figure.subplots(3, 1, sharex=True)
        # A fixed layout: tight_layout measured every tick label and doubled the drawing time.
        self.figure.subplots_adjust(left=0.1, right=0.97, top=0.93, bottom=0.06, hspace=0.15)
        self.lines, self.targets = [], []
        for axis, (_, name, _) in zip(self.axes, PANELS, strict=True):
            (line,) = axis.plot([], [], marker="o", color="#2364aa")
            target = axis.axhline(0, linestyle="--", color="#c0392b", linewidth=1, label="target")
            axis.set_ylabel(name, fontsize=8)
            axis.tick_params(labelsize=8)
            axis.grid(alpha=0.3)
            self.lines.append(line)
            self.targets.append(target)
        self.axes[0].legend(loc="lower left", fontsize=7)
        self.title = self.figure.suptitle("", fontsize=10)

    def render(self, points: Sequence[dict[str, Any]], targets: dict[str, Any],
               title: str) -> bytes:  # fmt: skip
        xs = list(range(len(points)))
        for axis, line, target_line, (key, _, target_key) in zip(
            self.axes, self.lines, self.targets, PANELS, strict=True
        ):
            values = [p[key] if p[key] is not None else float("nan") for p in points]
            line.set_data(xs, values)
            target = targets.get(target_key)
            target_line.set_visible(target is not None)
            if target is not None:
                target_line.set_ydata([target, target])
            known = [v for v in values if v == v] + ([target] if target is not None else [])
            low, high = (min(known), max(known)) if known else (0.0, 1.0)
            pad = (high - low) * 0.1 or 1.0
            axis.set_ylim(low - pad, high + pad)
        self.axes[-1].set_xlim(-0.5, len(points) - 0.5)
        self.axes[-1].set_xticks(xs, [p["label"] for p in points])
        self.title.set_text(title)
        out = io.BytesIO()
        self.figure.savefig(out, format="png", pil_kwargs={"compress_level": 3})
        return out.getvalue()


_local = threading.local()


def render(points: Sequence[dict[str, Any]], targets: dict[str, Any], title: str) -> bytes:
    """PNG bytes of the chart; weeks without data are gaps, not zeros."""
    chart = getattr(_local, "chart", None)
    if chart is None:
        chart = _local.chart = _Chart()
    return chart.render(points, targets, title)


def alt_text(points: Sequence[dict[str, Any]], targets: dict[str, Any], title: str) -> str:
    """The chart in words, for screen readers (Slack's alt text)."""

    def series(key: str, unit: str) -> str:
        shown = [f"{p['label']} {p[key]:.0f}{unit}" if p[key] is not None else f"{p['label']} —"
                 for p in points]  # fmt: skip
        return ", ".join(shown)

    return (
        f"{title}. CSAT % by week: {series('csat_pct', '')} (target {targets['csat_pct']:g}). "
        f"FCR % by week: {series('fcr_pct', '')} (target {targets['fcr_pct']:g}). "
        f"Median first response in minutes: {series('frt_median_min', '')} "
        f"(target {targets['frt_minutes']:g})."
    )[:1000]
