"""Reflection history: streaks counted one person at a time (App Home) and for a whole team at
once (the milestones job) agree."""

from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine
from sqlmodel import Session

from bot.services import history, outbox
from bot.services.payloads import OutboxKind
from bot.store import repos
from bot.store.models import OutboxStatus, Person, Reflection

NOW = datetime(2026, 11, 24, 23, 0, tzinfo=UTC)


def _person(session: Session, user: str, answers: list[str | None]) -> int:
    """A person with one sent prompt a day back from today, newest first: "answered",
    "skipped" or None (no reflection)."""
    person = Person(workspace_id="T1", slack_user_id=user)
    session.add(person)
    session.flush()
    assert person.id is not None
    for n, status in enumerate(answers):
        due = NOW - timedelta(days=n, hours=1)
        day = due.date()
        outbox.claim(
            session, key=f"prompt:{user}:{day}", kind=OutboxKind.PROMPT, workspace_id="T1",
            channel=user, person_id=person.id, payload={"shift_date": day.isoformat()}, due=due,
            now=due,
            status=OutboxStatus.SENT, shift_date=day,
        )  # fmt: skip
        if status is not None:
            session.add(Reflection(workspace_id="T1", person_id=person.id, shift_date=day,
                                   status=status))  # fmt: skip
    return person.id


def test_a_teams_streaks_match_each_persons_history(engine: Engine) -> None:
    """Twelve answered; two then a skip; today's still open then three; a missed one; none."""
    cases: dict[str, tuple[list[str | None], int]] = {
        "U1": (["answered"] * 12, 12),
        "U2": (["answered", "answered", "skipped", "answered"], 2),
        "U3": ([None, "answered", "answered", "answered"], 3),
        "U4": (["answered", None, "answered"], 1),
        "U5": ([], 0),
    }
    with Session(engine) as session:
        repos.ensure_workspace(session=session, workspace_id="T1")
        ids = {user: _person(session, user, answers) for user, (answers, _) in cases.items()}
        session.commit()
        together = history.streaks(session=session, person_ids=list(ids.values()), now=NOW)
        for user, (_, expected) in cases.items():
            person = session.get(Person, ids[user])
            assert person is not None
            alone = history.history(session=session, person=person, now=NOW).streak
            assert (user, together[ids[user]], alone) == (user, expected, expected)
