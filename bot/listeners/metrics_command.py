"""/cx-metrics: KPIs for yourself, your team, a team or an agent, over any period. Acks at once;
the numbers arrive through the response_url."""

from datetime import datetime
from typing import Any

from slack_bolt import Ack, BoltContext, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlmodel import Session, col, select

from bot.blocks.common import escape
from bot.blocks.metrics import metrics_blocks
from bot.blocks.metrics_pickers import OVERVIEW, PERIOD, overview_blocks, pickers, state_of
from bot.deps import Defer, Deps
from bot.listeners.caller import Caller
from bot.listeners.usage import answered_help_or_bad_input
from bot.services import metrics, metrics_export, people, periods, teams
from bot.services.people import MENTION
from bot.services.permissions import Actor
from bot.store import repos
from bot.store.models import Membership, Person, Team, TeamRole


def handle_metrics_command(
    ack: Ack,
    command: dict[str, Any],
    respond: Respond,
    client: WebClient,
    context: BoltContext,
    deps: Deps,
    defer: Defer,
    caller: Caller,
) -> None:
    """Usage for `help`; everything else after the ack."""
    if answered_help_or_bad_input(ack, command):
        return
    ack()
    words = str(command.get("text") or "").split()
    workspace_id, user_id = str(context["workspace_id"]), command["user_id"]
    defer(lambda: answer(deps, client, respond, workspace_id, user_id, words, caller=caller))


def handle_picker(ack: Ack, body: dict[str, Any], action: dict[str, Any], respond: Respond,
                  client: WebClient, context: BoltContext, deps: Deps,
                  defer: Defer, caller: Caller) -> None:  # fmt: skip
    """A pick in the answer's period or subject picker: the answer, redone in place (with the
    same permission checks as the command: a forged pick shows nothing it should not)."""
    ack()
    state = state_of(str(action.get("block_id") or ""))
    picked = str((action.get("selected_option") or {}).get("value") or "")
    if state is None or not picked:
        return
    subject_key, period_text = state
    if action.get("action_id") == PERIOD:
        period_text = picked
    else:
        subject_key = picked
    workspace_id, user_id = str(context["workspace_id"]), body["user"]["id"]
    defer(lambda: answer(deps, client, respond, workspace_id, user_id, [],
                         picked=(subject_key, period_text), caller=caller))  # fmt: skip


def split(words: list[str], now: datetime) -> tuple[list[str], str]:
    """The subject's words and the period: the longest tail of up to three words that reads as
    a period ("last month", "2026-03", "last 30 days"); 7 days when there is none."""
    for size in (3, 2, 1):
        if len(words) >= size:
            try:
                periods.parse(" ".join(words[-size:]), now=now, zone="UTC")
            except periods.PeriodError:
                continue
            return words[:-size], " ".join(words[-size:])
    return words, "7d"


def answer(
    deps: Deps,
    client: WebClient,
    respond: Respond,
    workspace_id: str,
    user_id: str,
    words: list[str],
    *,
    picked: tuple[str, str] | None = None,
    caller: Caller,
) -> None:
    """Work out whose numbers and which period, check who may see them, and respond; with
    `picked` (a subject key and a period from the pickers), replace the answer in place."""

    def say(text: str, **extra: Any) -> None:
        respond(text=text, response_type="ephemeral", replace_original=picked is not None,
                **extra)  # fmt: skip

    export = any(word.lower() == "csv" for word in words)
    words, period_text = split([word for word in words if word.lower() != "csv"], deps.clock())
    if picked is not None:
        period_text = picked[1]
    try:  # once, whatever it came from: a pick carries any text a forged payload puts there
        periods.parse(period_text, now=deps.clock(), zone="UTC")
    except periods.PeriodError as error:
        say(escape(str(error)))
        return
    asker = caller.person()
    if asker is None:
        say("I can't find you in this workspace.")
        return
    with deps.session() as session:
        asker = repos.fresh(session, asker)
        actor = people.actor(session=session, person=asker, admins=deps.settings.cx_admins)
        try:
            key = picked[0] if picked else _key(session, workspace_id, actor, words)
            if key == OVERVIEW and actor.is_admin and not export:
                lines = metrics.overview(session=session, workspace_id=workspace_id,
                                         period_text=period_text, now=deps.clock())  # fmt: skip
                label = periods.parse(period_text, now=deps.clock(), zone="UTC").label
                choices = _choices(session, workspace_id, actor)
                blocks = [*overview_blocks(lines, label),
                          pickers(key, period_text, label, choices)]  # fmt: skip
                say(f"All teams: {label}", blocks=blocks)
                return
            subject = _subject(session, workspace_id, actor, key)
        except (metrics.SubjectError, periods.PeriodError) as error:
            say(f"{escape(str(error))} Try `/cx-metrics [@agent | team name] [{periods.GRAMMAR}]`.")
            return
        try:
            metrics.check(session=session, actor=actor, subject=subject)
        except metrics.MetricsDenied as error:
            say(str(error))
            return
        period = periods.parse(period_text, now=deps.clock(), zone=subject.zone)
        if export:
            per_agent = metrics.per_agent_rows(actor, subject)
            found = metrics_export.rows(
                session=session, subject=subject, period=period, per_agent=per_agent
            )
        else:
            shown = metrics.report(
                session=session, workspace_id=workspace_id, subject=subject, period=period
            )
            choices = _choices(session, workspace_id, actor)
    if export:
        _send_csv(client, user_id, found, period, say)
        return
    blocks = metrics_blocks(escape(subject.label), period, shown.now, shown.before,
                            shown.targets, business_hours=subject.business_hours)  # fmt: skip
    blocks.append(pickers(key, period_text, period.label, choices))
    say(f"{escape(subject.label)}: {period.label}", blocks=blocks)


def _send_csv(
    client: WebClient, user_id: str, found: list[dict[str, Any]], period: periods.Period,
    say: Any,
) -> None:  # fmt: skip
    """Upload the CSV into the asker's DM with CX Coach, and say where it went."""
    name = metrics_export.filename(found, period)
    try:
        channel = client.conversations_open(users=user_id)["channel"]["id"]
        client.files_upload_v2(
            channel=channel, filename=name, title=name, content=metrics_export.to_csv(found),
            initial_comment=f"KPIs, {period.label} ({period.first} to {period.last}).",
        )  # fmt: skip
    except SlackApiError as error:
        say(f"I couldn't send the CSV: Slack said `{escape(str(error.response.get('error')))}`.")
        return
    rows = "a row per agent and the team's" if len(found) > 1 else "one row"
    say(f"Sent `{name}` ({rows}) to your DM with CX Coach.")


def _key(session: Session, workspace_id: str, actor: Actor, words: list[str]) -> str:
    """The subject the command's words name: `agent:U…`, `team:<id>`, or OVERVIEW (an admin's
    bare command); with no words, a lead's first team, else the asker."""
    if words and (mention := MENTION.match(words[0])):
        return f"agent:{mention[1]}"
    if words:
        name = " ".join(words)
        team = teams.find(session=session, workspace_id=workspace_id, name=name)
        if team is None:
            raise metrics.SubjectError(f"There is no team called {name}.")
        return f"team:{team.id}"
    if actor.leads:
        led = [t for t in repos.list_teams(session=session, workspace_id=workspace_id)
               if t.id in actor.leads]  # fmt: skip
        return f"team:{led[0].id}"
    if actor.is_admin:
        return OVERVIEW
    return f"agent:{actor.slack_user_id}"


def _subject(session: Session, workspace_id: str, actor: Actor, key: str) -> metrics.Subject:
    kind, _, value = key.partition(":")
    if kind == "team" and value.isdigit():
        team = session.get(Team, int(value))
        if team is None or team.workspace_id != workspace_id:
            raise metrics.SubjectError("That team no longer exists.")
        return metrics.team_subject(session=session, workspace_id=workspace_id, name=team.name)
    if kind == "agent" and value:
        return metrics.agent_subject(session=session, workspace_id=workspace_id,
                                     slack_user_id=value)  # fmt: skip
    return metrics.agent_subject(
        session=session, workspace_id=workspace_id, slack_user_id=actor.slack_user_id
    )


def _choices(session: Session, workspace_id: str, actor: Actor) -> list[tuple[str, str]]:
    """Whose numbers the asker may pick: an admin every team (and the overview); a lead their
    teams and those teams' agents; anyone else nobody but themself (no subject picker)."""
    if not (actor.is_admin or actor.leads):
        return []
    found: list[tuple[str, str]] = [(OVERVIEW, "All teams")] if actor.is_admin else []
    for team in repos.list_teams(session=session, workspace_id=workspace_id):
        if actor.is_admin or team.id in actor.leads:
            found.append((f"team:{team.id}", f"Team: {team.name}"))
    for team in repos.list_teams(session=session, workspace_id=workspace_id):
        if team.id in actor.leads:
            agents = session.exec(
                select(Person)
                .join(Membership, col(Membership.person_id) == Person.id)
                .where(Membership.team_id == team.id, Membership.role == TeamRole.AGENT.value)
            ).all()
            found += [(f"agent:{a.slack_user_id}", people.name_of(a)) for a in agents]
    mine = f"agent:{actor.slack_user_id}"
    found.append((mine, "Me"))
    unique = dict(found)  # an agent in two led teams once
    return list(unique.items())
