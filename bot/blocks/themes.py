"""Block Kit for a team's themes (/cx-themes): each source's themes with how many people and
texts, and the change on the period before; never a name, and a quote only where the team
allows quoting."""

from slack_sdk.models.blocks import Block, ContextBlock, HeaderBlock, MarkdownTextObject

from bot.blocks.common import escape, plural, section
from bot.services.theme_report import SOURCES, ShownTheme, ThemeReport

NOT_ENOUGH = ("Not enough answers yet: a theme shows only when at least 3 different people "
              "wrote into it.")  # fmt: skip


def report_blocks(report: ThemeReport) -> tuple[str, list[Block]]:
    """The fallback text and blocks of a team's themes."""
    text = f"Themes for {escape(report.team)}, {escape(report.period)}"
    blocks: list[Block] = [HeaderBlock(text=f"Themes: {report.team}"[:150])]
    if report.empty:
        blocks.append(section(NOT_ENOUGH))
    for source, shown in report.by_source.items():
        if not shown:
            continue
        blocks.append(section("\n".join([f"*{SOURCES[source]}*", *theme_lines(shown)])))
    note = f"{escape(report.period)}. Computed on CX Coach's own machine; no text left it."
    if report.reflections_private:
        note += " The team keeps reflections from its leads: customer comments only."
    blocks.append(ContextBlock(elements=[MarkdownTextObject(text=note)]))
    return text, blocks


def theme_lines(shown: list[ShownTheme]) -> list[str]:
    """One line per theme (and its quote, when the team allows quoting), escaped."""
    lines = []
    for theme in shown:
        lines.append(
            f"• {escape(theme.label)} — {plural(theme.people, 'person', 'people')}, "
            f"{plural(theme.texts, 'answer')} ({theme.change:+d} on the period before)"
        )
        if theme.quote:
            lines.append(f"      “{escape(theme.quote)}”")
    return lines


HOME_TOP = 3  # themes on a lead's App Home, across sources


def home_blocks(report: ThemeReport) -> list[Block]:
    """A lead's App Home: the team's top themes of the last 30 days, whatever their source."""
    title = f"*What {escape(report.team)} keeps saying — {escape(report.period)}*"
    ranked = sorted(
        ((theme, source) for source, shown in report.by_source.items() for theme in shown),
        key=lambda pair: (-pair[0].people, -pair[0].texts),
    )
    if not ranked:
        return [section(f"{title}\n{NOT_ENOUGH}")]
    lines = [title]
    for theme, source in ranked[:HOME_TOP]:
        lines += sourced_lines(theme, source)
    more = f"Every theme: `/cx-themes {escape(report.team)}`. Worked out on CX Coach's own machine."
    return [section("\n".join(lines)), ContextBlock(elements=[MarkdownTextObject(text=more)])]


def sourced_lines(theme: ShownTheme, source: str) -> list[str]:
    """A theme's lines with where it comes from (themes of several sources in one list)."""
    first, *rest = theme_lines([theme])
    return [f"{first} · _{SOURCES[source]}_", *rest]
