"""Themes: texts grouped by meaning on this machine; a theme only from 3 or more people, never
attributed; sensible output for empty, tiny, emoji-only, multilingual and very long input."""

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import Engine
from sqlmodel import Session

from bot.__main__ import main
from bot.services import helpdesk, reflections, theme_report, themes
from bot.services.helpdesk_agents import Resolved
from bot.services.periods import parse
from bot.store import repos
from tests.cli.test_import import env
from tests.privacy_world import build

__all__ = ["env"]
REFUNDS = ["refund policy for annual plans", "the refund policy for yearly plans",
           "refund policy on annual subscriptions", "annual plan refund policy"]  # fmt: skip
TOOLS = ["writing macros in zendesk", "zendesk macros", "macros for zendesk replies"]


def test_a_theme_needs_three_different_people() -> None:
    """Many texts from two people make no theme; the same from three people do."""
    two = [themes.Text(f"p{n % 2}", text) for n, text in enumerate(REFUNDS * 3)]
    assert themes.find(two) == []
    three = [themes.Text(f"p{n % 3}", text) for n, text in enumerate(REFUNDS * 3)]
    (theme,) = themes.find(three)
    assert (theme.people, theme.texts) == (3, 12)
    assert "refund" in theme.label
    assert "p0" not in theme.label


def test_different_topics_are_different_themes() -> None:
    texts = [themes.Text(f"p{n}", t) for n, t in enumerate(REFUNDS + TOOLS)]
    found = themes.find(texts)
    assert len(found) == 2
    assert {t.texts for t in found} == {4, 3}


@pytest.mark.parametrize(
    "texts",
    [
        [],
        ["🙏", "👍👍", "-"],
        ["Rückerstattung für Jahrespläne", "remboursement annuel", "reembolso del plan anual"],
        ["refund " * 1000],
    ],
    ids=["empty", "emoji only", "several languages", "3,000+ characters"],
)
def test_awkward_input_gives_no_theme_and_no_error(texts: list[str]) -> None:
    assert themes.find([themes.Text(f"p{n}", t) for n, t in enumerate(texts)]) == []


def test_training_needs_are_grouped_by_meaning() -> None:
    grouped = dict(themes.group_needs(
        ["refund policy", "refund policy for annual plans", "billing system", "Billing system",
         "🙏"]))  # fmt: skip
    assert grouped == {"refund policy": 2, "Billing system": 2}


def _reflect(engine: Engine, workspace: str, users: list[str], answer: dict[str, str],
             day: date) -> None:  # fmt: skip
    with Session(engine) as session:
        for user in users:
            person = repos.get_person(session=session, workspace_id=workspace,
                                      slack_user_id=user)  # fmt: skip
            assert person is not None
            reflections.save(session=session, person=person, shift_date=day, answers=answer,
                             now=datetime(2026, 11, 24, 18, tzinfo=UTC))  # fmt: skip
        session.commit()


def test_a_teams_report_shows_its_themes_and_keeps_private_reflections_out(
    engine: Engine,
) -> None:
    """Three agents would escalate sooner; three customers say the same about slowness. A team
    that keeps reflections from its leads shows only the customers' theme."""
    build(engine)  # Tier 1: Ana, Cat, Dan (agents), Ben (lead)
    day = date(2026, 11, 23)
    _reflect(engine, "T1", ["U0ANA", "U0CAT", "U0DAN"],
             {"differently": "escalate billing errors sooner"}, day)  # fmt: skip
    with Session(engine) as session:
        people = {u: repos.get_person(session=session, workspace_id="T1", slack_user_id=u)
                  for u in ("U0ANA", "U0CAT", "U0DAN")}  # fmt: skip
        helpdesk.store(session=session, workspace_id="T1", kind="surveys", records=enumerate([
            {"response_id": f"S{n}", "agent": user, "kind": "csat", "score": 1,
             "comment": "replies were far too slow", "submitted_at": "2026-11-23T12:00:00Z"}
            for n, user in enumerate(people)], start=2),
            resolve=lambda agent: Resolved(getattr(people[agent], "id", None)))  # fmt: skip
        session.commit()
        (team,) = repos.list_teams(session=session, workspace_id="T1")
        period = parse("2026-11", now=datetime(2026, 11, 30, tzinfo=UTC), zone="UTC")
        found = theme_report.report(session=session, team=team, period=period)
        (theme,) = found.by_source["differently"]
        assert theme.people == 3
        assert theme.label == "escalate billing errors"
        (slow,) = found.by_source["low"]  # with the world's own "slow" rating: 4 customers
        assert (slow.people, slow.change) == (4, 4)
        team.leads_read_reflections = False
        private = theme_report.report(session=session, team=team, period=period)
        assert private.by_source["differently"] == []
        assert private.by_source["low"] != []


def test_the_command_says_when_there_is_not_enough_yet(
    env: None, engine: Engine, capsys: pytest.CaptureFixture[str]
) -> None:
    build(engine)
    assert main(["themes", "--team", "Tier 1", "--workspace", "T1", "--period", "2026-10"]) == 0
    assert "Not enough answers yet" in capsys.readouterr().out
    assert main(["themes", "--team", "Nope", "--workspace", "T1"]) == 2
    assert "no team called Nope" in capsys.readouterr().err


def test_a_themes_name_keeps_its_words_in_the_order_people_wrote_them() -> None:
    """Whole words: "plan" inside "explanation" is not where "plan" was written."""
    texts = ["explanation of the upgrade plan", "explanation upgrade plan options",
             "upgrade plan questions", "customers asked about the upgrade plan"]  # fmt: skip
    (theme,) = themes.find([themes.Text(f"p{n}", text) for n, text in enumerate(texts)])
    assert theme.label == "explanation upgrade plan"
