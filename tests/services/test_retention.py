"""Retention and forgetting the deactivated, as the clock's hourly job does them: old words go,
counts and figures stay; a person Slack deactivated is forgotten after the workspace's days."""

import dataclasses
import json
from datetime import timedelta

from sqlalchemy import Engine
from sqlmodel import Session, select

from bot.deps import Deps
from bot.scheduler import run_privacy
from bot.services import metrics, people, retention
from bot.services.periods import parse
from bot.store.models import FeedbackAnswer, Kudos, Person, Reflection, ReflectionReply
from tests.privacy_world import ANA, ANA_TEXTS, NOW, build, found_in_tables


def _configure(engine: Engine, months: int | None, days: int | None) -> None:
    with Session(engine) as session:
        retention.configure(session=session, workspace_id="T1", retention_months=months,
                            forget_deactivated_days=days)  # fmt: skip
        session.commit()


def _at(deps: Deps, later: timedelta) -> Deps:
    return dataclasses.replace(deps, clock=lambda: NOW + later)


def _team_figures(engine: Engine) -> object:
    with Session(engine) as session:
        subject = metrics.team_subject(session=session, workspace_id="T1", name="Tier 1")
        period = parse("2026-11", now=NOW, zone="UTC")
        return metrics.figures(session=session, subject=subject, period=period)


def test_texts_older_than_the_retention_go_and_the_counts_stay(deps: Deps, engine: Engine) -> None:
    build(engine)
    _configure(engine, months=1, days=None)
    before = _team_figures(engine)
    run_privacy(_at(deps, timedelta(days=20)))  # not old enough yet
    assert found_in_tables(engine, (ANA_TEXTS[0],)) != []
    run_privacy(_at(deps, timedelta(days=40)))
    assert found_in_tables(engine, (ANA_TEXTS[0], ANA_TEXTS[2], ANA_TEXTS[4])) == []
    with Session(engine) as session:
        kept = session.exec(select(Reflection)).all()
        assert [(r.status, json.loads(r.answers)) for r in kept] == [("answered", {})] * 2
        assert session.exec(select(ReflectionReply)).all() == []
        answers = session.exec(select(FeedbackAnswer)).all()
        assert len(answers) == 3  # the answers stay counted, with their ratings
        assert all(a.well is None for a in answers)
        assert len(session.exec(select(Kudos)).all()) == 2
    assert _team_figures(engine) == before


def test_no_retention_keeps_everything(deps: Deps, engine: Engine) -> None:
    build(engine)
    run_privacy(_at(deps, timedelta(days=4000)))
    assert found_in_tables(engine, (ANA_TEXTS[0],)) != []


def test_a_person_slack_deactivated_is_forgotten_after_the_workspaces_days(
    deps: Deps, engine: Engine
) -> None:
    build(engine)
    _configure(engine, months=None, days=30)
    with Session(engine) as session:
        people.refresh_known_profile(session=session, workspace_id="T1", now=NOW,
            profile=people.SlackProfile(user_id=ANA, display_name="anaq", timezone="UTC",
                                        is_admin=False, deleted=True, real_name="x"))  # fmt: skip
        session.commit()
    run_privacy(_at(deps, timedelta(days=29)))
    assert found_in_tables(engine, (ANA,)) != []
    run_privacy(_at(deps, timedelta(days=31)))
    assert found_in_tables(engine, (ANA, *ANA_TEXTS)) == []
    with Session(engine) as session:
        assert session.exec(select(Person).where(Person.slack_user_id == ANA)).first() is None
