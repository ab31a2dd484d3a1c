"""APScheduler jobs: thin, stable ids, explicit time zones. Only `serve` and `clock` run them."""

import logging
import socket
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, timedelta
from typing import Any

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.interval import IntervalTrigger

from bot import delivery
from bot.blocks.one_on_one import agenda_message, agent_note
from bot.blocks.renderers import RENDERERS
from bot.deps import Deps
from bot.ingest import resolver
from bot.services import (
    action_items,
    alerts,
    checkins,
    digest,
    digest_claims,
    feedback_life,
    feedback_rounds,
    helpdesk,
    helpdesk_credentials,
    installs,
    milestones,
    one_on_one_schedule,
    prompt_claims,
    retention,
    summaries,
    welcome,
)
from bot.store import repos
from bot.store.db import let_go_of_deleted
from bot.store.models import ClockHeartbeat, Team
from bot.sync import runner as sync_runner
from bot.sync.api import ApiError, AuthRejected
from bot.sync.runner import Source

HEARTBEAT_NAME = "clock"
EVENT_MEMORY = timedelta(days=1)
CLAIM_BATCH = 200  # prompts claimed per write transaction
logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class JobSpec:
    """One recurring job: a stable id, a module-level function taking `deps`, a trigger."""

    id: str
    func: Callable[..., Any]
    trigger: BaseTrigger


def heartbeat(deps: Deps) -> None:
    """Record that a scheduler is alive, so operators can see the clock ticking."""
    with deps.transaction() as session:
        repos.record_heartbeat(
            session=session,
            heartbeat=ClockHeartbeat(
                name=HEARTBEAT_NAME, beat_at=deps.clock(), host=socket.gethostname()
            ),
        )


def run_checkins(deps: Deps) -> None:
    """Claim the end-of-shift prompts, reminders, nudges, alerts and welcomes that are due (the
    outbox job sends them)."""
    claim_checkins(deps)


def run_outbox(deps: Deps) -> None:
    """Send what every job (and every request) claimed and is due: the outbox's own job."""
    delivery.deliver_due(deps, RENDERERS)


def claim_checkins(deps: Deps) -> None:
    """Claim the prompts, reminders and action-item nudges that are due. Working out what is
    due only reads; the claims are written in short batches, so on SQLite the write lock is
    held for milliseconds at a time, never for the whole pass (answers saved meanwhile wait
    for one batch at most)."""
    now = deps.clock()
    with deps.read_session() as session:
        due = prompt_claims.due_prompts(session=session, now=now, give_way=deps.after_ack.give_way)
    report = prompt_claims.ClaimReport()
    for start in range(0, len(due), CLAIM_BATCH):
        with deps.transaction() as session:
            report.add(
                prompt_claims.claim_prompts(
                    session=session, due=due[start : start + CLAIM_BATCH], now=now
                )
            )
    with deps.transaction() as session:
        reminders = checkins.claim_due_reminders(session=session, now=now)
        reminders += action_items.claim_due(session=session, now=now)
    with deps.transaction() as session:
        reminders += alerts.claim_due(session=session, now=now)
    with deps.read_session() as session:
        waiting = welcome.due(session=session, now=now)
    for start in range(0, len(waiting), CLAIM_BATCH):
        with deps.transaction() as session:
            reminders += welcome.claim(session=session, rows=waiting[start : start + CLAIM_BATCH],
                                       now=now)  # fmt: skip
    if report.claimed or report.missed or reminders:
        logger.info(
            "check-ins: %s prompts claimed, %s missed, %s reminders and alerts",
            report.claimed,
            report.missed,
            reminders,
        )


def run_feedback(deps: Deps) -> None:
    """Start due feedback rounds, remind once after a day, close expired requests."""
    with deps.transaction() as session:
        now = deps.clock()
        asked = feedback_rounds.claim_rounds(session=session, now=now)
        reminded = feedback_life.claim_reminders(session=session, now=now)
        closed = feedback_life.expire(session=session, now=now)
    if asked or reminded or closed:
        logger.info("feedback: %s asks, %s reminders, %s closed", len(asked), reminded, closed)


def run_digests(deps: Deps) -> None:
    """Claim the weekly digests that are due, each team's in its own short transaction (the
    checkins job's delivery posts them)."""
    now = deps.clock()
    with deps.session() as session:
        pending = digest_claims.due(session=session, now=now)
    claimed = 0
    for team_id, week, late in pending:
        # Worked out in a session that only reads (its figures, and its themes where the team
        # wants them, take a while): on SQLite no answer being saved waits for it.
        with deps.read_session() as session:
            team = session.get(Team, team_id)
            if team is None:
                continue  # deleted meanwhile
            built = digest.build(session=session, team=team, week=week)
        with deps.session() as session:
            team = session.get(Team, team_id)
            if team is None:
                continue
            ids = digest_claims.claim(session=session, team=team, week=week, now=now,
                                      skipped=late, built=built)  # fmt: skip
            session.commit()
        claimed += len(ids)
    with deps.transaction() as session:
        claimed += summaries.claim_due(session=session, now=now)
    with deps.transaction() as session:
        claimed += one_on_one_schedule.claim_due(
            session=session, now=now, lead_message=agenda_message, agent_message=agent_note,
            admins=deps.settings.cx_admins,
        )  # fmt: skip
    if claimed:
        logger.info("digests, weekly summaries and 1:1 agendas: %s outbox rows claimed", claimed)


def run_milestones(deps: Deps) -> None:
    """Claim the milestones reached (each once, ever), team by team in short transactions."""
    now = deps.clock()
    with deps.session() as session:
        team_ids = milestones.teams_celebrating(session=session)
    reached = 0
    for team_id in team_ids:
        with deps.transaction() as session:
            reached += milestones.claim_due(session=session, now=now, team_ids=[team_id])
    if reached:
        logger.info("milestones: %s claimed", reached)


def match_helpdesk_agents(deps: Deps) -> None:
    """Helpdesk rows kept for emails Slack did not know: look them up again, count the found."""
    for workspace_id in _workspaces(deps):
        client = deps.client_for(workspace_id)
        if client is None:
            continue
        with deps.transaction() as session:
            attached = helpdesk.attach_unmatched(
                session=session, workspace_id=workspace_id,
                resolve=resolver(session, workspace_id, client),
            )  # fmt: skip
        if attached:
            logger.info("helpdesk: %s kept rows now count for their agents", attached)


def sync_helpdesks(deps: Deps) -> None:
    """Pull new tickets and ratings from each workspace's helpdesk API: its own credentials
    (App Home → Helpdesk sync), else the installation's settings where one workspace is
    installed. A refused credential or an unreachable helpdesk is recorded (admins see it on
    the App Home) and logged once; the next run tries again."""
    workspaces = _workspaces(deps)
    for workspace_id in workspaces:
        client = deps.client_for(workspace_id)
        if client is None:
            continue
        for source in SYNC_SOURCES:
            with deps.session() as session:
                own = helpdesk_credentials.of(session, workspace_id, source)
            api = (sync_runner.api_with(source, own.url, own.user, own.secret) if own
                   else sync_runner.api_for(deps.settings, source)
                   if len(workspaces) == 1 else None)  # fmt: skip
            if api is None:
                continue  # one company's settings never pour into several workspaces
            try:
                report = sync_runner.sync(
                    engine=deps.engine, api=api, source=source, workspace_id=workspace_id,
                    client=client, now=deps.clock(),
                )  # fmt: skip
            except (AuthRejected, ApiError, sync_runner.SyncBusy) as error:
                logger.warning("helpdesk sync %s: %s", source, error)
                continue
            logger.info("helpdesk sync %s", report.summary())


SYNC_SOURCES: tuple[Source, ...] = ("zendesk", "freshdesk")


def prune_events(deps: Deps) -> None:
    """Forget Slack event ids older than a day (Slack's retries come within minutes)."""
    with deps.transaction() as session:
        repos.prune_events(session=session, before=deps.clock() - EVENT_MEMORY)


PURGE_BATCHES = 20  # at most 20 × 500 rows of each kind an hour and workspace


def run_privacy(deps: Deps) -> None:
    """Each workspace's retention (texts older than its months emptied, in short batches) and
    forgetting the people Slack deactivated its days ago (docs/PRIVACY.md); then the database
    lets go of the deleted bytes."""
    now, touched = deps.clock(), False
    for workspace_id in _workspaces(deps):
        with deps.session() as session:
            wanted = retention.settings_of(session, workspace_id)
        for _ in range(PURGE_BATCHES if wanted.retention_months else 0):
            with deps.transaction() as session:
                done = retention.purge_batch(
                    session=session,
                    workspace_id=workspace_id,
                    months=wanted.retention_months or 0,
                    now=now,
                )
            if not sum(done.values()):
                break
            touched = True
            logger.info("retention: emptied %s", dict(done))
        if wanted.forget_deactivated_days:
            with deps.transaction() as session:
                forgotten = retention.forget_deactivated(
                    session=session, workspace_id=workspace_id,
                    days=wanted.forget_deactivated_days, now=now,
                )  # fmt: skip
            if forgotten:
                touched = True
                logger.info("privacy: forgot %s people deactivated in Slack", len(forgotten))
    with deps.session() as session:
        gone = installs.past_grace(session, now, deps.settings.uninstall_grace_days)
    for workspace_id in gone:  # uninstalled longer ago than the grace period
        with deps.transaction() as session:
            purged = installs.purge(session=session, workspace_id=workspace_id)
        touched = True
        logger.info("uninstalled workspace deleted: %s", dict(purged))
    if touched:
        let_go_of_deleted(deps.engine)


def _workspaces(deps: Deps) -> list[str]:
    """The workspaces CX Coach serves now (uninstalled ones get nothing)."""
    with deps.session() as session:
        return installs.installed(session)


def job_specs() -> list[JobSpec]:
    """Every recurring job CX Coach runs."""
    every_minute = IntervalTrigger(minutes=1, timezone=UTC)
    return [
        JobSpec(id="heartbeat", func=heartbeat, trigger=every_minute),
        JobSpec(id="checkins", func=run_checkins, trigger=every_minute),
        JobSpec(id="outbox", func=run_outbox, trigger=every_minute),
        JobSpec(id="feedback", func=run_feedback, trigger=every_minute),
        JobSpec(id="digests", func=run_digests, trigger=every_minute),
        JobSpec(
            id="milestones", func=run_milestones, trigger=IntervalTrigger(hours=1, timezone=UTC)
        ),
        JobSpec(
            id="helpdesk_agents",
            func=match_helpdesk_agents,
            trigger=IntervalTrigger(hours=1, timezone=UTC),
        ),
        JobSpec(
            id="slack_events", func=prune_events, trigger=IntervalTrigger(hours=1, timezone=UTC)
        ),
        JobSpec(id="privacy", func=run_privacy, trigger=IntervalTrigger(hours=1, timezone=UTC)),
        JobSpec(id="helpdesk_sync", func=sync_helpdesks, trigger=every_minute),  # see below
    ]


def build_scheduler(deps: Deps, *, blocking: bool = False) -> BaseScheduler:
    """A scheduler with every job added (not started)."""
    kind = BlockingScheduler if blocking else BackgroundScheduler
    scheduler = kind(
        timezone=UTC,
        # A job that could not run on time (a busy pool, a pause) still runs once, late.
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 60},
    )
    for spec in job_specs():
        trigger = spec.trigger
        if spec.id == "helpdesk_sync":
            configured = deps.settings.zendesk_sync() or deps.settings.freshdesk_sync()
            if not (configured or deps.settings.oauth_mode):
                continue  # no helpdesk API configured, and no workspace can set its own
            trigger = IntervalTrigger(minutes=deps.settings.helpdesk_sync_minutes, timezone=UTC)
        scheduler.add_job(
            spec.func,
            trigger=trigger,
            id=spec.id,
            replace_existing=True,
            kwargs={"deps": deps},
            next_run_time=deps.clock(),  # beat once at start-up, then every interval
        )
    return scheduler
