"""Weekly digests: what they say, claimed once per team and week by two clocks, posted with the
trend chart in the thread through the fake Slack, skipped when too late."""

import dataclasses
import json
import threading
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from bot import delivery
from bot.__main__ import main
from bot.blocks.digest import digest_message
from bot.blocks.renderers import RENDERERS
from bot.deps import Deps
from bot.scheduler import run_digests, run_outbox
from bot.services import (
    digest,
    digest_claims,
    helpdesk,
    reflections,
    teams,
    trend_chart,
)
from bot.services.helpdesk_agents import Resolved
from bot.services.permissions import OPERATOR
from bot.store import repos
from bot.store.db import make_engine, make_session_factory
from bot.store.models import Outbox, Team
from tests.checkin_helpers import add_agents
from tests.fakeslack import FakeSlack

DIGEST_AT = datetime(2026, 11, 23, 14, 0, tzinfo=UTC)  # Monday 09:00 in New York
WEEK = "2026-W47"  # 16-22 Nov


def _tickets(engine: Engine, rows: list[tuple[str, str, int, int]]) -> None:
    """(agent, solved at ISO, first response minutes, score or 0) → tickets and CSAT surveys."""
    with Session(engine) as session:

        def resolve(agent: str) -> Resolved:
            person = repos.get_person(session=session, workspace_id="T0001", slack_user_id=agent)
            return Resolved(person.id if person else None)

        tickets, surveys = [], []
        for n, (agent, solved, minutes, score) in enumerate(rows):
            at = datetime.fromisoformat(solved)
            tickets.append(
                (
                    n,
                    {
                        "ticket_id": f"T{n}",
                        "agent": agent,
                        "created_at": (at - timedelta(hours=2)).isoformat(),
                        "first_response_at": (
                            at - timedelta(hours=2) + timedelta(minutes=minutes)
                        ).isoformat(),
                        "solved_at": at.isoformat(),
                        "agent_replies": "1",
                    },
                )
            )
            if score:
                surveys.append(
                    (
                        n,
                        {
                            "response_id": f"S{n}",
                            "agent": agent,
                            "kind": "csat",
                            "score": str(score),
                            "submitted_at": at.isoformat(),
                        },
                    )
                )
        helpdesk.store(
            session=session, workspace_id="T0001", kind="tickets", records=tickets, resolve=resolve
        )
        helpdesk.store(
            session=session, workspace_id="T0001", kind="surveys", records=surveys, resolve=resolve
        )
        session.commit()


@pytest.fixture
def tier1(engine: Engine, fake_slack: FakeSlack) -> Team:
    """Tier 1 in New York with a digest and a celebration channel, created weeks ago; data for
    weeks 46 (CSAT 50 %) and 47 (CSAT 100 %)."""
    add_agents(engine, fake_slack, {"U0ANA": "America/New_York", "U0BEN": "America/New_York"})
    fake_slack.add_channel("C0DIGEST")
    fake_slack.add_channel("C0CELEB")
    with Session(engine) as session:
        team = teams.find(session=session, workspace_id="T0001", name="Tier 1")
        assert team is not None
        team.timezone, team.digest_channel_id = "America/New_York", "C0DIGEST"
        team.celebration_channel_id = "C0CELEB"
        team.created_at = datetime(2026, 9, 1, tzinfo=UTC)
        session.add(team)
        session.commit()
        session.refresh(team)
    _tickets(
        engine,
        [
            ("U0ANA", "2026-11-10T15:00:00+00:00", 30, 5),
            ("U0BEN", "2026-11-11T15:00:00+00:00", 90, 2),
            *[("U0ANA", f"2026-11-{d}T15:00:00+00:00", 20, 5) for d in (16, 17, 18, 19, 20)],
            ("U0BEN", "2026-11-21T15:00:00+00:00", 40, 4),
        ],
    )
    return team


def test_the_digest_shows_the_week_its_change_and_the_trend(tier1: Team, engine: Engine) -> None:
    """Week 47: 6 solved, CSAT 100 % up from 50 %, targets, an 8-week trend; no agent named."""
    with Session(engine) as session:
        week = digest.week_of(WEEK, team=tier1, now=DIGEST_AT)
        built = digest.build(session=session, team=tier1, week=week)
    assert (built.week, built.now.tickets_solved, built.now.csat_pct) == (WEEK, 6, 100.0)
    assert built.before.csat_pct == 50.0
    assert built.headline == "CSAT rose 50.0 points to 100."
    assert [p.label for p in built.trend][-2:] == ["W46", "W47"]
    assert built.trend[-1].csat_pct == 100.0
    assert len(built.trend) == 8
    assert built.trend[0].csat_pct is None
    shown = json.dumps(built.to_json())
    assert "U0ANA" not in shown
    assert "U0BEN" not in shown


@pytest.mark.parametrize(
    ("text", "problem"),
    [("2026-W48", "has not ended yet"), ("2026-13", "2026-13"), ("30d", "one ISO week")],
)
def test_weeks_that_cannot_have_a_digest(tier1: Team, text: str, problem: str) -> None:
    """This week (not over), a bad month or a period that is not a week are refused."""
    with pytest.raises(digest.DigestError, match=problem):
        digest.week_of(text, team=tier1, now=DIGEST_AT)


def _rows(engine: Engine, kind: str) -> list[Outbox]:
    with Session(engine) as session:
        return list(session.exec(select(Outbox).where(Outbox.kind == kind)).all())


def test_two_clocks_claim_one_digest_at_the_teams_time(
    tier1: Team, engine: Engine, db_url: str
) -> None:
    """Nothing before Monday 09:00 New York; then one digest and one chart, however many clocks."""
    second = make_engine(db_url)
    for clock, at in (
        (engine, DIGEST_AT - timedelta(minutes=1)),
        (engine, DIGEST_AT),
        (second, DIGEST_AT + timedelta(minutes=1)),
        (engine, DIGEST_AT),
    ):
        with Session(clock) as session:
            digest_claims.claim_due(session=session, now=at)
            session.commit()
    second.dispose()
    digests = _rows(engine, "digest")
    assert [(r.key, r.channel, r.status) for r in digests] == [
        (f"digest:{tier1.id}:2026-W46", "C0DIGEST", "missed"),  # last week's, over 3 days late
        (f"digest:{tier1.id}:{WEEK}", "C0DIGEST", "pending"),
    ]
    assert len(_rows(engine, "digest_chart")) == 1


def test_the_digest_and_its_chart_reach_the_channel_even_if_the_upload_fails_once(
    tier1: Team, engine: Engine, deps: Deps, fake_slack: FakeSlack
) -> None:
    """The text is posted; a failed upload is retried and lands in the digest's thread."""
    at = dataclasses.replace(deps, clock=lambda: DIGEST_AT)
    with Session(engine) as session:
        week = digest.week_of(WEEK, team=tier1, now=DIGEST_AT)
        digest_claims.claim(session=session, team=tier1, week=week, now=DIGEST_AT)
        session.commit()
    fake_slack.fail("files.getUploadURLExternal", error="internal_error")
    delivery.deliver_due(at, RENDERERS)
    (posted,) = fake_slack.messages_to("C0DIGEST")
    assert "CSAT rose 50.0 points" in json.dumps(posted)
    assert [r.status for r in _rows(engine, "digest_chart")] == ["pending"]
    later = dataclasses.replace(deps, clock=lambda: DIGEST_AT + timedelta(minutes=5))
    delivery.deliver_due(later, RENDERERS)
    (complete,) = fake_slack.calls_to("files.completeUploadExternal")
    assert complete.params["thread_ts"] == posted["ts"]
    assert complete.params["channel_id"] == "C0DIGEST"
    asked = fake_slack.calls_to("files.getUploadURLExternal")[-1].params
    assert "CSAT % by week" in asked["alt_txt"]
    assert [r.status for r in _rows(engine, "digest_chart")] == ["sent"]


def test_two_running_clocks_post_one_digest_with_one_chart(
    tier1: Team, deps: Deps, fake_slack: FakeSlack, db_url: str
) -> None:
    """The scheduler's digest and delivery jobs racing in two processes' worth of engines: the
    channel gets one digest and one chart in its thread."""
    engines = (make_engine(db_url), make_engine(db_url))
    clocks = [
        dataclasses.replace(
            deps, engine=e, session=make_session_factory(e), clock=lambda: DIGEST_AT
        )
        for e in engines
    ]
    start = threading.Barrier(len(clocks))

    def tick(clock: Deps) -> None:
        start.wait()
        for _ in range(2):
            run_digests(clock)
            run_outbox(clock)  # the every-minute job that delivers the outbox

    threads = [threading.Thread(target=tick, args=(clock,)) for clock in clocks]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    for clock in clocks:
        clock.engine.dispose()
    (posted,) = fake_slack.messages_to("C0DIGEST")
    assert "Tier 1" in json.dumps(posted)
    (complete,) = fake_slack.calls_to("files.completeUploadExternal")
    assert (complete.params["channel_id"], complete.params["thread_ts"]) == (
        "C0DIGEST",
        posted["ts"],
    )


def test_the_chart_is_a_png_with_the_targets_in_words() -> None:
    """matplotlib draws a PNG; the alt text gives each week and each target."""
    points = [
        {
            "label": f"W{n}",
            "csat_pct": 80.0 + n if n % 3 else None,
            "fcr_pct": 70.0,
            "frt_median_min": 30.0,
        }
        for n in range(40, 48)
    ]
    targets = {"csat_pct": 85.0, "nps": 30.0, "fcr_pct": 70.0, "frt_minutes": 240}
    png = trend_chart.render(points, targets, "Tier 1")
    assert png.startswith(b"\x89PNG")
    assert len(png) > 5000
    words = trend_chart.alt_text(points, targets, "Tier 1")
    assert "W41 121" in words
    assert "W42 —" in words
    assert "(target 85)" in words


def test_dry_run_writes_the_digest_and_the_chart(
    tier1: Team,
    engine: Engine,
    db_url: str,
    fake_slack: FakeSlack,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """`digest --dry-run` prints the text and writes digest.json and trend.png; `--post` posts
    once; unknown teams and future weeks are usage errors."""
    monkeypatch.setenv("DATABASE_URL", db_url)
    monkeypatch.setenv("SLACK_BOT_TOKEN", fake_slack.bot_token)
    monkeypatch.setenv("SLACK_API_BASE_URL", fake_slack.api_url)
    args = ["digest", "--team", "Tier 1", "--week", WEEK, "--workspace", "T0001"]
    assert main([*args, "--dry-run", "--out", str(tmp_path)]) == 0
    assert "CSAT rose 50.0 points" in capsys.readouterr().out
    blocks: Any = json.loads((tmp_path / "digest.json").read_text())
    assert blocks["blocks"][0]["type"] == "header"
    assert (tmp_path / "trend.png").read_bytes().startswith(b"\x89PNG")
    assert fake_slack.messages_to("C0DIGEST") == []
    assert main([*args, "--post"]) == 0
    assert main([*args, "--post"]) == 0
    assert "already posted" in capsys.readouterr().out
    assert len(fake_slack.messages_to("C0DIGEST")) == 1
    assert main(["digest", "--team", "Nope", "--workspace", "T0001"]) == 2
    assert main([*args[:3], "--week", "2030-W01", "--workspace", "T0001"]) == 2
    assert "has not ended" in capsys.readouterr().err


def test_the_digest_fallback_text_is_escaped_like_its_blocks(
    tier1: Team, engine: Engine, deps: Deps, fake_slack: FakeSlack
) -> None:
    """A team named `=HYPERLINK(…) <!channel>`: the notification text Slack shows and notifies
    from carries the name escaped, as the blocks do (the fixture also checks every message)."""
    with Session(engine) as session:
        team = session.get(Team, tier1.id)
        assert team is not None
        team.name = '=HYPERLINK("http://x") <!channel>'
        session.add(team)
        session.commit()
        session.refresh(team)
        week = digest.week_of(WEEK, team=team, now=DIGEST_AT)
        digest_claims.claim(session=session, team=team, week=week, now=DIGEST_AT)
        session.commit()
    delivery.deliver_due(dataclasses.replace(deps, clock=lambda: DIGEST_AT), RENDERERS)
    (posted,) = fake_slack.messages_to("C0DIGEST")
    assert posted["text"].startswith('Weekly digest for =HYPERLINK("http://x") &lt;!channel&gt;')


def test_the_digest_carries_the_weeks_themes_when_the_team_wants_them(
    tier1: Team, engine: Engine, fake_slack: FakeSlack
) -> None:
    """Three agents would escalate billing errors sooner (week 47): the digest says so, with
    its counts, never a name and never a quote, once the team turns themes in the digest on."""
    fake_slack.add_user("U0CAT", tz="America/New_York")
    with Session(engine) as session:
        teams.save(session=session, workspace_id="T0001", actor=OPERATOR, team_id=tier1.id,
                   form=teams.TeamForm(members=frozenset({"U0ANA", "U0BEN", "U0CAT"})))  # fmt: skip
        for user in ("U0ANA", "U0BEN", "U0CAT"):
            person = repos.get_person(session=session, workspace_id="T0001", slack_user_id=user)
            assert person is not None
            reflections.save(session=session, person=person, shift_date=date(2026, 11, 18),
                             answers={"differently": "escalate billing errors sooner"},
                             now=datetime(2026, 11, 18, 23, tzinfo=UTC))  # fmt: skip
        session.commit()

    def digest_text() -> str:
        with Session(engine) as session:
            team = session.get(Team, tier1.id)
            assert team is not None
            week = digest.week_of(WEEK, team=team, now=DIGEST_AT)
            built = digest.build(session=session, team=team, week=week)
        return json.dumps(digest_message(built.to_json()), ensure_ascii=False)

    assert "What the team kept saying" not in digest_text()  # off by default
    with Session(engine) as session:
        teams.save(session=session, workspace_id="T0001", actor=OPERATOR, team_id=tier1.id,
                   form=teams.TeamForm(digest_themes=True, themes_quote=True))  # fmt: skip
        session.commit()
    shown = digest_text()
    assert "What the team kept saying" in shown
    assert "escalate billing errors" in shown
    assert "3 people, 3 answers (+3 on the period before)" in shown
    assert "What they would do differently" in shown
    assert not any(user in shown for user in ("U0ANA", "U0BEN", "U0CAT", "ana", "ben"))
    assert "“" not in shown  # quotes stay with the leads, never in a channel
