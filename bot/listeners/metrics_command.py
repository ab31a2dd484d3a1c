"""/cx-metrics: KPIs for yourself, your team, a team or an agent, over any period. Acks at once;
the numbers arrive through the response_url."""

from typing import Any

from slack_bolt import Ack, BoltContext, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlmodel import Session

from bot.blocks.common import escape
from bot.blocks.metrics import metrics_blocks
from bot.deps import Defer, Deps
from bot.listeners.profiles import known_person
from bot.listeners.usage import answered_help_or_bad_input
from bot.services import metrics, metrics_export, people, periods
from bot.services.people import MENTION
from bot.services.permissions import Actor
from bot.store import repos
from bot.store.models import Person


def handle_metrics_command(
    ack: Ack,
    command: dict[str, Any],
    respond: Respond,
    client: WebClient,
    context: BoltContext,
    deps: Deps,
    defer: Defer,
) -> None:
    """Usage for `help`; everything else after the ack."""
    if answered_help_or_bad_input(ack, command):
        return
    ack()
    words = str(command.get("text") or "").split()
    workspace_id, user_id = str(context.team_id), command["user_id"]
    defer(lambda: answer(deps, client, respond, workspace_id, user_id, words))


def answer(
    deps: Deps,
    client: WebClient,
    respond: Respond,
    workspace_id: str,
    user_id: str,
    words: list[str],
) -> None:
    """Work out whose numbers and which period, check who may see them, and respond."""

    def say(text: str, **extra: Any) -> None:
        respond(text=text, response_type="ephemeral", **extra)

    export = any(word.lower() == "csv" for word in words)
    words = [word for word in words if word.lower() != "csv"]
    period_text = "7d"
    if words:
        try:
            periods.parse(words[-1], now=deps.clock(), zone="UTC")
            period_text, words = words[-1], words[:-1]
        except periods.PeriodError:
            pass
    asker = known_person(deps, client, workspace_id, user_id)
    if asker is None:
        say("I can't find you in this workspace.")
        return
    with deps.session() as session:
        asker = repos.fresh(session, asker)
        actor = people.actor(session=session, person=asker, admins=deps.settings.cx_admins)
        try:
            subject = _subject(session, workspace_id, actor, words)
        except metrics.SubjectError as error:
            say(f"{escape(str(error))} Try `/cx-metrics [@agent | team name] [{periods.GRAMMAR}]`.")
            return
        refusal = _refusal(session, workspace_id, actor, subject)
        if refusal:
            say(refusal)
            return
        period = periods.parse(period_text, now=deps.clock(), zone=subject.zone)
        if export:
            per_agent = actor.is_admin or subject.team_id in actor.leads
            found = metrics_export.rows(
                session=session, subject=subject, period=period, per_agent=per_agent
            )
        else:
            shown = metrics.report(
                session=session, workspace_id=workspace_id, subject=subject, period=period
            )
    if export:
        _send_csv(client, user_id, found, period, say)
        return
    say(
        f"{subject.label}: {period.label}",
        blocks=metrics_blocks(
            escape(subject.label),
            period,
            shown.now,
            shown.before,
            shown.targets,
            business_hours=subject.business_hours,
        ),
    )


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


def _subject(
    session: Session, workspace_id: str, actor: Actor, words: list[str]
) -> metrics.Subject:
    if words and (mention := MENTION.match(words[0])):
        return metrics.agent_subject(
            session=session, workspace_id=workspace_id, slack_user_id=mention[1]
        )
    if words:
        return metrics.team_subject(
            session=session, workspace_id=workspace_id, name=" ".join(words)
        )
    if actor.leads:
        led = [t for t in repos.list_teams(session=session, workspace_id=workspace_id)
               if t.id in actor.leads]  # fmt: skip
        return metrics.team_subject(session=session, workspace_id=workspace_id, name=led[0].name)
    return metrics.agent_subject(
        session=session, workspace_id=workspace_id, slack_user_id=actor.slack_user_id
    )


def _refusal(session: Session, workspace_id: str, actor: Actor, subject: metrics.Subject) -> str:
    """Agents see themselves and their teams; leads their teams and members; admins all."""
    if actor.is_admin:
        return ""
    if subject.team_id is not None:
        if subject.team_id in actor.member_of | actor.leads:
            return ""
        return "You can see the numbers of your own teams (and, as a lead, of their members)."
    person = session.get(Person, subject.person_ids[0])
    if person is None or person.id is None or person.slack_user_id == actor.slack_user_id:
        return ""
    memberships = repos.teams_of(session=session, workspace_id=workspace_id, person_id=person.id)
    if {team.id for team, _ in memberships} & actor.leads:
        return ""
    return "You can see your own numbers and your team's; leads see their members'."
