"""One unit of work per request: `deps.transaction()` commits when its block ends normally and
keeps nothing when the block raises."""

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from bot.deps import Deps
from bot.store.models import Workspace, utcnow


def test_a_transaction_commits_on_success_and_keeps_nothing_on_failure(
    deps: Deps, engine: Engine
) -> None:
    """T0KEPT is stored; T0LOST, added before the block raised, is not."""
    with deps.transaction() as session:
        session.add(Workspace(id="T0KEPT", created_at=utcnow()))

    def failing_request() -> None:
        with deps.transaction() as session:
            session.add(Workspace(id="T0LOST", created_at=utcnow()))
            session.flush()
            raise RuntimeError("the request failed half-way")

    with pytest.raises(RuntimeError):
        failing_request()
    with Session(engine) as session:
        stored = set(session.exec(select(Workspace.id)).all())
    assert "T0KEPT" in stored
    assert "T0LOST" not in stored
