"""Block Kit builders: valid for Slack's limits, and user text escaped."""

import pytest
from slack_sdk.models.blocks import Block

from bot.blocks import home
from bot.blocks.common import MAX_BLOCKS_PER_MESSAGE, escape, message_blocks, section
from bot.blocks.help import COMMANDS, usage_blocks
from bot.services.people import Role, Standing
from bot.services.team_view import TeamWeek
from bot.store.models import Team


def test_escape_defuses_mentions_and_broadcasts() -> None:
    """`&`, `<` and `>` are escaped, so `<!channel>` and `<@U1>` print as text."""
    assert escape("<!channel> & <@U123|boss>") == "&lt;!channel&gt; &amp; &lt;@U123|boss&gt;"


def test_message_blocks_refuses_more_than_slack_allows() -> None:
    """A message of more than 50 blocks is refused before Slack would reject it."""
    blocks: list[Block] = [section(str(n)) for n in range(MAX_BLOCKS_PER_MESSAGE + 1)]
    with pytest.raises(ValueError, match="at most 50"):
        message_blocks(blocks)
    assert len(message_blocks(blocks[:MAX_BLOCKS_PER_MESSAGE])) == MAX_BLOCKS_PER_MESSAGE


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_usage_blocks_are_valid(command: str) -> None:
    """Every command's usage renders as valid Block Kit."""
    assert message_blocks(usage_blocks(command, problem="something was off"))


def test_home_view_escapes_team_names() -> None:
    """Team names on the home tab are escaped."""
    standing = Standing("U1", "ana", None, Role.LEAD, leads=("<!here> team",), member_of=())
    rendered = str(home.view(standing).to_dict())
    assert "&lt;!here&gt; team" in rendered
    assert "<!here>" not in rendered


def test_a_home_tab_for_someone_with_many_teams_stays_within_slacks_limit() -> None:
    """An admin leading 40 teams still gets a home tab (Slack allows 100 blocks), told where the
    rest are."""
    teams = [Team(id=n, workspace_id="T1", name=f"Team {n}") for n in range(40)]
    weeks = [TeamWeek(team, 10, 8, [], []) for team in teams]
    standing = Standing("U1", "ana", None, Role.ADMIN, leads=(), member_of=())
    view = home.view(standing, managed=teams, team_weeks=weeks).to_dict()
    assert len(view["blocks"]) <= 100
    assert "Your team: Team 0" in str(view)
    assert "more teams" in str(view)


def test_a_home_tab_too_long_for_slack_is_cut_short_and_says_so() -> None:
    """Past Slack's 100 blocks the tab is cut, says so, and keeps the command line at the end."""
    standing = Standing("U1", "ana", None, Role.AGENT, leads=(), member_of=("Tier 1",))
    many = [section(f"line {n}") for n in range(120)]
    blocks = home.view(standing, received=many).to_dict()["blocks"]
    assert len(blocks) == 100
    assert "This page is cut short here." in str(blocks[-2])
    assert "/cx-reflect" in str(blocks[-1])


def test_a_section_too_long_for_slack_is_cut_cleanly() -> None:
    """Text past 3,000 characters ends with "…", never in the middle of `&amp;` or `<@U…>`."""
    for tail in ("&amp;", "<@U0LONGNAME>"):
        text = "x" * (2997 - len(tail) // 2) + tail + "y" * 50
        shown = section(text).to_dict()["text"]["text"]
        assert len(shown) <= 3000
        assert shown.endswith("…")
        assert tail[:3] not in shown  # not even the start of it
    assert section("short &amp; <@U1>").to_dict()["text"]["text"] == "short &amp; <@U1>"


def test_times_say_when_they_count_business_hours() -> None:
    """/cx-metrics and the digest name business-hours times as such, and only the times."""
    from bot.blocks.metrics import kpi_lines
    from bot.services.kpis import Kpis

    figures = Kpis(tickets_solved=3, fcr_pct=50.0, csat_pct=None, csat_n=0, nps=None, nps_n=0,
                   frt_median_s=600.0, frt_p90_s=900.0, resolution_median_s=3600.0,
                   participation_pct=None)  # fmt: skip
    shown = kpi_lines(figures, figures, None, business_hours=True)
    assert shown.count("(business hours)") == 3
    assert "(business hours)" not in kpi_lines(figures, figures, None)
