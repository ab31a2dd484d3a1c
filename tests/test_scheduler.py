"""Scheduled jobs: stable ids, explicit time zones, job functions run under a frozen clock."""

from datetime import UTC, datetime, timedelta

from freezegun import freeze_time
from sqlmodel import Session

from bot.deps import Deps
from bot.scheduler import HEARTBEAT_NAME, build_scheduler, heartbeat, job_specs
from bot.store.models import ClockHeartbeat


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
    """build_scheduler adds every job with its deps, and starts nothing by itself."""
    scheduler = build_scheduler(deps)
    assert {job.id for job in scheduler.get_jobs()} == {spec.id for spec in job_specs()}
    assert not scheduler.running
    job = scheduler.get_job("heartbeat")
    assert job.kwargs == {"deps": deps}
