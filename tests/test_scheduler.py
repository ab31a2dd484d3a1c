"""Scheduled jobs: stable ids, explicit time zones, job functions run under a frozen clock."""

import dataclasses
from datetime import UTC, datetime, timedelta

from freezegun import freeze_time
from pydantic import SecretStr
from sqlmodel import Session

from bot.deps import Deps
from bot.ingest import resolver
from bot.scheduler import (
    HEARTBEAT_NAME,
    build_scheduler,
    heartbeat,
    job_specs,
    match_helpdesk_agents,
    prune_events,
)
from bot.services import helpdesk, metrics, periods
from bot.store import repos
from bot.store.models import ClockHeartbeat
from tests.fakeslack import FakeSlack


def test_job_ids_are_unique_and_stable() -> None:
    """Each job has a fixed, unique id, so a restart replaces jobs instead of doubling them."""
    ids = [spec.id for spec in job_specs()]
    assert len(ids) == len(set(ids))
    assert "heartbeat" in ids
    assert ids == [spec.id for spec in job_specs()]


def test_heartbeat_fires_every_minute_in_utc() -> None:
    """The heartbeat trigger fires once a minute, on UTC."""
    trigger = next(spec.trigger for spec in job_specs() if spec.id == "heartbeat")
    start = datetime(2026, 3, 8, 6, 59, 30, tzinfo=UTC)
    first = trigger.get_next_fire_time(None, start)
    assert first is not None
    assert trigger.get_next_fire_time(first, first) - first == timedelta(minutes=1)


def test_heartbeat_records_the_time(deps: Deps) -> None:
    """Each heartbeat overwrites the clock's last sign of life with the current time."""
    with freeze_time("2026-11-23 09:00:00+00:00"):
        heartbeat(deps)
    with freeze_time("2026-11-23 09:01:00+00:00"):
        heartbeat(deps)
    with Session(deps.engine) as session:
        beat = session.get(ClockHeartbeat, HEARTBEAT_NAME)
        assert beat is not None
        assert beat.beat_at == datetime(2026, 11, 23, 9, 1, tzinfo=UTC)


def test_built_scheduler_has_every_job_and_is_not_running(deps: Deps) -> None:
    """build_scheduler adds every job with its deps (the helpdesk sync only once a helpdesk
    API is configured, at its interval), and starts nothing by itself."""
    scheduler = build_scheduler(deps)
    every = {spec.id for spec in job_specs()}
    assert {job.id for job in scheduler.get_jobs()} == every - {"helpdesk_sync"}
    assert not scheduler.running
    configured = dataclasses.replace(deps, settings=deps.settings.model_copy(update={
        "zendesk_url": "https://acme.zendesk.com", "zendesk_email": "ops@acme.test",
        "zendesk_api_token": SecretStr("t0ken"), "helpdesk_sync_minutes": 20,
    }))  # fmt: skip
    syncing = build_scheduler(configured)
    assert {job.id for job in syncing.get_jobs()} == every
    assert syncing.get_job("helpdesk_sync").trigger.interval == timedelta(minutes=20)
    job = scheduler.get_job("heartbeat")
    assert job.kwargs == {"deps": deps}


def test_hourly_job_counts_kept_rows_once_slack_knows_the_agent(
    deps: Deps, fake_slack: FakeSlack
) -> None:
    """Rows kept for an email Slack did not know get their agent when the hourly job runs."""
    row = {"ticket_id": "K1", "agent": "late@example.com", "created_at": "2026-03-01T10:00:00Z",
           "solved_at": "2026-03-01T11:00:00Z", "agent_replies": "1"}  # fmt: skip
    with deps.session() as session:
        repos.ensure_workspace(session=session, workspace_id=fake_slack.team_id)
        report = helpdesk.store(
            session=session, workspace_id=fake_slack.team_id, kind="tickets",
            records=[(2, row)], resolve=resolver(session, fake_slack.team_id, deps.slack),
        )  # fmt: skip
        session.commit()
    assert len(report.unmatched) == 1
    match_helpdesk_agents(deps)  # Slack still does not know them: nothing changes
    fake_slack.add_user("U0LATE", email="late@example.com")
    match_helpdesk_agents(deps)
    with deps.session() as session:
        subject = metrics.agent_subject(
            session=session, workspace_id=fake_slack.team_id, slack_user_id="U0LATE"
        )
        march = periods.parse("2026-03", now=datetime(2026, 4, 2, tzinfo=UTC), zone="UTC")
        assert metrics.figures(session=session, subject=subject, period=march).tickets_solved == 1


def test_event_ids_are_forgotten_after_a_day(deps: Deps) -> None:
    """The hourly job drops handled event ids older than a day and keeps newer ones."""
    now = datetime(2026, 11, 24, 12, tzinfo=UTC)
    with deps.session() as session:
        assert repos.first_sight(session=session, event_id="Ev0OLD", now=now - timedelta(days=2))
        assert repos.first_sight(session=session, event_id="Ev0NEW", now=now - timedelta(hours=1))
        assert not repos.first_sight(session=session, event_id="Ev0NEW", now=now)
        session.commit()
    prune_events(dataclasses.replace(deps, clock=lambda: now))
    with deps.session() as session:
        assert repos.first_sight(session=session, event_id="Ev0OLD", now=now)
        assert not repos.first_sight(session=session, event_id="Ev0NEW", now=now)
