"""Block Kit for the weekly digest (posted to the team's digest channel) and its trend chart's
upload into the digest's thread. Built from the digest's plain data (bot.services.digest)."""

from typing import Any

from slack_sdk.models.blocks import (
    Block,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    MarkdownTextObject,
)

from bot.blocks.common import escape, message_blocks, section
from bot.blocks.metrics import kpi_lines
from bot.blocks.themes import sourced_lines
from bot.delivery import Rendered, Renderer, Upload, payload_of
from bot.services import trend_chart
from bot.services.kpis import Kpis
from bot.services.payloads import OutboxKind
from bot.services.team_settings import Targets
from bot.services.theme_report import ShownTheme
from bot.store.models import Outbox


def digest_message(data: dict[str, Any]) -> Rendered:
    """The digest: headline, KPIs with change and targets, the team's week, training needs."""
    title = f"{data['team']} · week {data['week'][-3:]} ({data['label']})"
    # The fallback text is what Slack notifies from: escaped like the blocks.
    text = f"Weekly digest for {escape(data['team'])}: {escape(data['headline'])}"
    blocks: list[Block] = [
        HeaderBlock(text=title[:150]),
        section(f"*{escape(data['headline'])}*"),
    ]
    now, before = Kpis(**data["now"]), Kpis(**data["before"])
    quiet = (now.tickets_solved, now.csat_n, now.nps_n) == (0, 0, 0)
    if quiet:
        blocks.append(section("No tickets or surveys this week, so no KPIs to show."))
    else:
        blocks.append(
            section(
                kpi_lines(
                    now,
                    before,
                    Targets(**data["targets"]),
                    business_hours=bool(data.get("business_hours")),
                )
            )
        )
    blocks.append(section(
        f"*Peer feedback given:* {data['feedback_given']} · *Kudos given:* {data['kudos_given']}"
    ))  # fmt: skip
    if data["shout_outs"]:
        lines = ["*Shout-outs*"] + [
            f"• {' '.join(f'<@{u}>' for u in item['to'] if u)} — {escape(item['reason'])}"
            + (f" #{escape(item['value'])}" if item.get("value") else "")
            for item in data["shout_outs"]
        ]
        blocks.append(section("\n".join(lines)))
    if data["training_needs"]:
        needs = ", ".join(f"{escape(need)} ({count})" for need, count in data["training_needs"])
        blocks.append(section(f"*Training the team asked for:* {needs}"))
    if data.get("themes"):  # digests claimed before themes existed have none
        lines = ["*What the team kept saying*"]
        for theme in data["themes"]:
            shown = ShownTheme(**{k: v for k, v in theme.items() if k != "source"})
            lines += sourced_lines(shown, theme["source"])
        blocks.append(section("\n".join(lines)))
    blocks += [
        DividerBlock(),
        ContextBlock(elements=[MarkdownTextObject(
            text="Team figures only; changes are against the week before. The trend chart "
                 "follows in the thread."
        )]),
    ]  # fmt: skip
    return text, message_blocks(blocks)


def render_digest(row: Outbox) -> Rendered:
    """Outbox renderer for kind "digest"."""
    return digest_message(payload_of(row)["digest"])


def render_chart(row: Outbox) -> Upload:
    """Outbox renderer for kind "digest_chart": the trend PNG, into the digest's thread."""
    chart = payload_of(row)["chart"]
    return Upload(
        filename=f"trend-{chart['week']}.png",
        content=trend_chart.render(chart["points"], chart["targets"], chart["title"]),
        title=chart["title"],
        alt_text=trend_chart.alt_text(chart["points"], chart["targets"], chart["title"]),
        thread_of=payload_of(row)["thread_of"],
    )


RENDERERS: dict[str, Renderer] = {
    OutboxKind.DIGEST: render_digest,
    OutboxKind.DIGEST_CHART: render_chart,
}
