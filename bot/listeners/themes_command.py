"""/cx-themes [team] [period]: a team's themes, for its leads and admins (issue 20). The ack
answers at once; the clustering runs after it and the answer comes through the response_url."""

from typing import Any

from slack_bolt import Ack, BoltContext, Respond

from bot.blocks.themes import report_blocks
from bot.deps import Defer, Deps
from bot.listeners.caller import Caller
from bot.listeners.usage import answered_help_or_bad_input
from bot.services import periods, teams, theme_report
from bot.services.permissions import Action, may, refusal
from bot.store import repos


def handle_themes_command(ack: Ack, command: dict[str, Any], respond: Respond,
                          context: BoltContext, deps: Deps, defer: Defer,
                          caller: Caller) -> None:  # fmt: skip
    """Ack now; pick the team and period, check who asks, cluster and answer after it."""
    if answered_help_or_bad_input(ack, command):
        return
    ack()
    words = str(command.get("text") or "").split()
    workspace_id = str(context["workspace_id"])

    def answer() -> None:
        actor = caller.actor()
        with deps.read_session() as session:  # clustering must not hold the write lock
            team, rest = _team(session, workspace_id, words, actor.leads)
            if team is None:
                respond(text="Which team? Try `/cx-themes Tier 1` (a team you lead).",
                        response_type="ephemeral")  # fmt: skip
                return
            if not may(actor, Action.VIEW_THEMES, team_id=team.id):
                respond(text=refusal(Action.VIEW_THEMES), response_type="ephemeral")
                return
            try:
                period = periods.parse(" ".join(rest) or "30d", now=deps.clock(),
                                       zone=team.timezone)  # fmt: skip
            except periods.PeriodError as error:
                respond(text=str(error), response_type="ephemeral")
                return
            found = theme_report.cached(session=session, team=team, period=period,
                                        now=deps.clock())  # fmt: skip
        text, blocks = report_blocks(found)
        respond(text=text, blocks=blocks, response_type="ephemeral")

    defer(answer)


def _team(session: Any, workspace_id: str, words: list[str],
          leads: frozenset[int]) -> tuple[Any, list[str]]:  # fmt: skip
    """The team the words start with (the longest name that matches), else the asker's first
    team as a lead; and the words left (the period)."""
    for size in range(len(words), 0, -1):
        found = teams.find(session=session, workspace_id=workspace_id,
                           name=" ".join(words[:size]))  # fmt: skip
        if found is not None:
            return found, words[size:]
    led = [t for t in repos.list_teams(session=session, workspace_id=workspace_id)
           if t.id in leads]  # fmt: skip
    return (led[0] if led else None), words
