"""Live sync: `python -m bot sync zendesk|freshdesk` against fake helpdesk APIs over real
HTTP — incremental, resumable, idempotent, polite to rate limits, clear about bad tokens."""

import threading
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from bot.__main__ import main
from bot.config import Settings
from bot.services import team_view
from bot.store import repos
from bot.store.models import HelpdeskSync, HelpdeskTicket, Person, SurveyResponse
from bot.sync import runner
from tests.fakehelpdesk import FakeFreshdesk, FakeZendesk
from tests.fakeslack import FakeSlack

T0 = "2026-11-02T09:00:00Z"


def _zendesk_ticket(n: int, updated: str, assignee: int | None = 501) -> dict[str, object]:
    return {"id": n, "assignee_id": assignee, "status": "solved", "created_at": T0,
            "updated_at": updated, "via": {"channel": "email"}}  # fmt: skip


@pytest.fixture
def zendesk() -> Iterator[FakeZendesk]:
    """Three tickets (one unassigned, one reopened twice), Ana as agent 501, two ratings."""
    fake = FakeZendesk(page_size=2).start()
    fake.users = [{"id": 501, "name": "Ana Agent", "email": "ana@example.com"}]
    fake.tickets = [_zendesk_ticket(1, "2026-11-02T10:00:00Z"),
                    _zendesk_ticket(2, "2026-11-02T11:00:00Z"),
                    _zendesk_ticket(3, "2026-11-02T12:00:00Z", assignee=None)]  # fmt: skip
    fake.metric_sets = [
        {"ticket_id": 1, "replies": 1, "reopens": 0, "solved_at": "2026-11-02T10:00:00Z",
         "reply_time_in_minutes": {"calendar": 15, "business": 15}},
        {"ticket_id": 2, "replies": 3, "reopens": 2, "solved_at": "2026-11-02T11:00:00Z",
         "reply_time_in_minutes": {"calendar": 90, "business": 30}},
        {"ticket_id": 3, "replies": 0, "reopens": 0, "solved_at": None,
         "reply_time_in_minutes": {"calendar": None, "business": None}},
    ]  # fmt: skip
    fake.ratings = [
        {"id": 9001, "ticket_id": 1, "assignee_id": 501, "score": "good", "comment": "Great",
         "created_at": "2026-11-02T13:00:00Z", "updated_at": "2026-11-02T13:00:00Z"},
        {"id": 9002, "ticket_id": 2, "assignee_id": 501, "score": "offered", "comment": None,
         "created_at": "2026-11-02T13:30:00Z", "updated_at": "2026-11-02T13:30:00Z"},
    ]  # fmt: skip
    yield fake
    fake.stop()


@pytest.fixture
def env(engine: Engine, db_url: str, fake_slack: FakeSlack, monkeypatch: pytest.MonkeyPatch,
        zendesk: FakeZendesk) -> None:  # fmt: skip
    """The CLI on the test database, the fake Slack and the fake Zendesk."""
    for name, value in {
        "DATABASE_URL": db_url, "SLACK_BOT_TOKEN": fake_slack.bot_token,
        "SLACK_API_BASE_URL": fake_slack.api_url, "ZENDESK_URL": zendesk.url,
        "ZENDESK_EMAIL": "ops@acme.test", "ZENDESK_API_TOKEN": "t0ken",
    }.items():  # fmt: skip
        monkeypatch.setenv(name, value)


def _tickets(engine: Engine) -> dict[str, HelpdeskTicket]:
    with Session(engine) as session:
        return {t.ticket_id: t for t in session.exec(select(HelpdeskTicket)).all()}


def test_a_zendesk_sync_stores_tickets_metrics_and_ratings_then_resumes(
    env: None, engine: Engine, zendesk: FakeZendesk, capsys: pytest.CaptureFixture[str]
) -> None:
    """Tickets with their metric sets (first reply, replies, reopens) and the assignee found by
    email; Good becomes a 5 and Offered nothing; a second sync asks from the kept cursor and
    changes nothing; a ticket changed later is picked up alone."""
    assert main(["sync", "zendesk", "--since", "2026-11-01"]) == 0
    out = capsys.readouterr().out
    assert "tickets 3 inserted" in out
    assert "ratings 1 inserted, 0 updated, 0 rejected, 1 offered but not rated" in out
    tickets = _tickets(engine)
    with Session(engine) as session:
        ana = session.exec(select(Person.id).where(Person.slack_user_id == "U0AGENT")).one()
        rating = session.exec(select(SurveyResponse)).one()
    first, second, third = tickets["1"], tickets["2"], tickets["3"]
    assert first.first_response_at == datetime(2026, 11, 2, 9, 15, tzinfo=UTC)
    assert (first.agent_replies, first.reopened, first.person_id) == (1, False, ana)
    assert (second.agent_replies, second.reopened) == (3, True)
    assert (third.person_id, third.solved_at) == (None, None)  # unassigned: kept
    assert (rating.response_id, rating.score, rating.person_id) == ("zendesk-csat-1", 5, ana)
    before = {k: (t.solved_at, t.agent_replies, t.person_id) for k, t in tickets.items()}
    requests = len(zendesk.requests)
    assert main(["sync", "zendesk"]) == 0
    assert "tickets 0 inserted, 0 updated" in capsys.readouterr().out
    assert "cursor=" in zendesk.requests[requests]  # resumed, not started over
    assert {k: (t.solved_at, t.agent_replies, t.person_id) for k, t in _tickets(engine).items()} \
        == before  # fmt: skip
    zendesk.tickets[2] = _zendesk_ticket(3, "2026-11-03T08:00:00Z", assignee=501)
    assert main(["sync", "zendesk"]) == 0
    assert "tickets 0 inserted, 1 updated" in capsys.readouterr().out
    assert _tickets(engine)["3"].person_id == ana


def test_a_rate_limit_is_waited_out(
    env: None, engine: Engine, zendesk: FakeZendesk, capsys: pytest.CaptureFixture[str]
) -> None:
    """A 429 with Retry-After is waited out and the same request made again."""
    zendesk.throttles = 1
    assert main(["sync", "zendesk", "--since", "2026-11-01"]) == 0
    assert zendesk.requests[0] == zendesk.requests[1]
    assert len(_tickets(engine)) == 3


def test_a_bad_token_is_one_line_and_an_admin_notice(
    env: None, engine: Engine, zendesk: FakeZendesk, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    """A refused token: exit 2 with one line, nothing stored, and the admins' App Home says
    the sync failed and why."""
    monkeypatch.setenv("ZENDESK_API_TOKEN", "wrong")
    assert main(["sync", "zendesk"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [
        f"python -m bot sync zendesk: {zendesk.url} rejected the credentials (HTTP 401); "
        "check the API credentials"
    ]
    assert _tickets(engine) == {}
    with Session(engine) as session:
        problems = team_view.delivery_problems(
            session=session, workspace_id="T0001", now=datetime.now(UTC)
        )
    assert [(p.kind, p.error) for p in problems] == [
        ("zendesk sync", f"{zendesk.url} rejected the credentials (HTTP 401)")
    ]


def test_two_clocks_never_sync_at_once(env: None, engine: Engine, zendesk: FakeZendesk) -> None:
    """While one sync holds the lease, another is refused (and a finished one frees it)."""
    settings = Settings(_env_file=None, zendesk_url=zendesk.url, zendesk_email="ops@acme.test",
                        zendesk_api_token="t0ken")  # fmt: skip
    api = runner.api_for(settings, "zendesk")
    assert api is not None
    now = datetime(2026, 11, 3, tzinfo=UTC)
    with Session(engine) as session:
        repos.ensure_workspace(session=session, workspace_id="T0001")
        session.add(HelpdeskSync(workspace_id="T0001", source="zendesk",
                                 lease_until=datetime(2026, 11, 3, 0, 5, tzinfo=UTC)))  # fmt: skip
        session.commit()
    with pytest.raises(runner.SyncBusy):
        runner.sync(engine=engine, api=api, source="zendesk", workspace_id="T0001",
                    client=None, now=now)  # fmt: skip
    later = datetime(2026, 11, 3, 0, 6, tzinfo=UTC)
    results: list[object] = []

    def one() -> None:
        try:
            results.append(runner.sync(engine=engine, api=api, source="zendesk",
                                       workspace_id="T0001", client=None, now=later))  # fmt: skip
        except runner.SyncBusy as error:
            results.append(error)

    threads = [threading.Thread(target=one) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(isinstance(r, runner.SyncReport) for r in results) >= 1
    assert len(_tickets(engine)) == 3


def test_a_freshdesk_sync(
    engine: Engine, db_url: str, fake_slack: FakeSlack, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    """Freshdesk: 120 tickets over two pages, stats as first response and resolution, the
    responder's email from the agents list, a 103 rating as a 5."""
    fake = FakeFreshdesk().start()
    fake.agents = [{"id": 77, "contact": {"name": "Ana", "email": "ana@example.com"}}]
    fake.tickets = [
        {"id": n, "responder_id": 77, "source": 7, "created_at": "2026-11-02T09:00:00Z",
         "updated_at": f"2026-11-02T{10 + n // 60:02d}:{n % 60:02d}:00Z",
         "stats": {"first_responded_at": "2026-11-02T09:05:00Z",
                   "resolved_at": "2026-11-02T09:30:00Z", "reopened_at": None}}
        for n in range(120)
    ]  # fmt: skip
    fake.ratings = [{"id": 1, "ticket_id": 5, "agent_id": 77, "feedback": "Thanks",
                     "ratings": {"default_question": 103},
                     "created_at": "2026-11-02T12:00:00Z"}]  # fmt: skip
    for name, value in {
        "DATABASE_URL": db_url, "SLACK_BOT_TOKEN": fake_slack.bot_token,
        "SLACK_API_BASE_URL": fake_slack.api_url, "FRESHDESK_URL": fake.url,
        "FRESHDESK_API_KEY": "fd-api-key",
    }.items():  # fmt: skip
        monkeypatch.setenv(name, value)
    try:
        assert main(["sync", "freshdesk", "--since", "2026-11-01"]) == 0
    finally:
        fake.stop()
    assert "tickets 120 inserted" in capsys.readouterr().out
    ticket = _tickets(engine)["5"]
    assert (ticket.first_response_at, ticket.solved_at, ticket.channel) == (
        datetime(2026, 11, 2, 9, 5, tzinfo=UTC),
        datetime(2026, 11, 2, 9, 30, tzinfo=UTC),
        "chat",
    )
    with Session(engine) as session:
        rating = session.exec(select(SurveyResponse)).one()
    assert (rating.response_id, rating.score, rating.comment) == ("freshdesk-csat-5", 5, "Thanks")
