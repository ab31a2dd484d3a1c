"""A subject's figures as /cx-metrics shows them: participation from prompts and answers."""

from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import Engine
from sqlmodel import Session

from bot.services import metrics, periods, teams
from bot.store import repos
from bot.store.models import Outbox, Reflection

NOW = datetime(2026, 11, 25, 12, tzinfo=UTC)  # a Wednesday


def _prompt(
    session: Session, person_id: int, day: date, *, answered: bool, sent: bool = True
) -> None:
    due = datetime.combine(day, time(17, 30), UTC)
    session.add(Outbox(
        workspace_id="T0001", key=f"prompt:U0ANA:{day}", kind="prompt", person_id=person_id,
        channel="U0ANA", payload=f'{{"shift_date": "{day}"}}', shift_date=day, due_at=due,
        status="sent" if sent else "failed", next_attempt_at=due,
    ))  # fmt: skip
    if answered:
        session.add(Reflection(workspace_id="T0001", person_id=person_id, shift_date=day))


def test_participation_counts_answered_prompts_in_each_period(engine: Engine) -> None:
    """Last week 2 of 3 prompts answered, this week 1 of 1; unsent prompts do not count."""
    with Session(engine) as session:
        repos.ensure_workspace(session=session, workspace_id="T0001")
        person = teams.person_stub(session=session, workspace_id="T0001", slack_user_id="U0ANA")
        assert person.id is not None
        monday = date(2026, 11, 23)
        for offset, answered in ((-7, True), (-6, False), (-5, True)):
            _prompt(session, person.id, monday + timedelta(days=offset), answered=answered)
        _prompt(session, person.id, monday - timedelta(days=4), answered=False, sent=False)
        _prompt(session, person.id, monday, answered=True)
        session.commit()
        subject = metrics.agent_subject(session=session, workspace_id="T0001",
                                        slack_user_id="U0ANA")  # fmt: skip
        week = periods.parse("this-week", now=NOW, zone="UTC")
        shown = metrics.report(session=session, workspace_id="T0001", subject=subject, period=week)
    assert shown.now.participation_pct == 100.0
    assert shown.before.participation_pct is not None
    assert round(shown.before.participation_pct, 1) == 66.7
