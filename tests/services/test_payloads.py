"""Each outbox kind carries one typed payload, checked when it is stored and when it is read."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from bot.blocks.renderers import RENDERERS
from bot.services import outbox, payloads
from bot.services.payloads import OutboxKind
from bot.store.models import Outbox

NOW = datetime(2026, 11, 24, 17, 30, tzinfo=UTC)


def test_every_kind_has_a_payload_type_and_a_renderer() -> None:
    """No kind can be claimed that the sender cannot render, and no renderer waits for a kind
    nobody claims."""
    assert set(payloads.PAYLOADS) == set(OutboxKind)
    assert set(RENDERERS) == set(OutboxKind)


@pytest.mark.parametrize(
    "payload",
    [
        {},  # the shift date missing
        {"shift_date": 20261124},  # a number where the kind says text
        {"shift_date": "2026-11-24", "agent_name": "Ana"},  # a field the kind does not name
    ],
    ids=["missing", "wrong type", "unnamed field"],
)
def test_a_payload_that_does_not_match_its_kind_is_refused_and_nothing_is_stored(
    engine: Engine, payload: dict[str, object]
) -> None:
    with Session(engine) as session:
        with pytest.raises(payloads.PayloadError, match="prompt payload"):
            outbox.claim(
                session, key="prompt:U1:2026-11-24", kind=OutboxKind.PROMPT, workspace_id="T1",
                channel="U1", person_id=None, payload=payload, due=NOW, now=NOW,
            )  # fmt: skip
        session.rollback()
        assert session.exec(select(Outbox)).all() == []


def test_a_stored_payload_reads_back_as_written() -> None:
    """Nested payloads too: a batch of anonymous answers keeps every answer and no giver."""
    answers: payloads.FeedbackAnswers = {
        "kind": "request", "subject": "U1", "topic": None,
        "answers": [
            {"giver": None, "well": "calm", "differently": None, "ratings": {"empathy": 4}}
        ],
    }  # fmt: skip
    stored = payloads.encode(OutboxKind.FEEDBACK_BATCH, answers)
    assert payloads.decode(OutboxKind.FEEDBACK_BATCH, stored) == answers
