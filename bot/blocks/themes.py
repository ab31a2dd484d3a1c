"""Block Kit for a team's themes (/cx-themes): each source's themes with how many people and
texts, and the change on the period before; never a name, never a quote."""

from slack_sdk.models.blocks import Block, ContextBlock, HeaderBlock, MarkdownTextObject

from bot.blocks.common import escape, plural, section
from bot.services.theme_report import SOURCES, ThemeReport

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
        lines = [f"*{SOURCES[source]}*"] + [
            f"• {escape(theme.label)} — {plural(theme.people, 'person', 'people')}, "
            f"{plural(theme.texts, 'answer')} ({theme.change:+d} on the period before)"
            for theme in shown
        ]
        blocks.append(section("\n".join(lines)))
    note = f"{escape(report.period)}. Computed on CX Coach's own machine; no text left it."
    if report.reflections_private:
        note += " The team keeps reflections from its leads: customer comments only."
    blocks.append(ContextBlock(elements=[MarkdownTextObject(text=note)]))
    return text, blocks
