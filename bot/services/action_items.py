"""Action items: what an agent means to do, with a due date, a DM that day, done or snoozed."""

from datetime import date, datetime, time, timedelta

from sqlmodel import Session, col, select

from bot.services import payloads, schedule, shifts
from bot.services.payloads import OutboxKind
from bot.services.permissions import Action, Actor, may, refusal
from bot.services.schedule import ScheduleError
from bot.store import bulk, repos
from bot.store.models import ActionItem, ItemStatus, Outbox, OutboxStatus, Person, TeamRole

MAX_TEXT = 300
DUE_KIND = OutboxKind.ACTION_DUE
REMIND_AT = time(9, 0)  # the due-date DM arrives from 09:00 in the agent's zone
SNOOZE = timedelta(days=7)


class ActionError(ValueError):
    """An action item request that cannot be used; the message says why."""


def local_today(session: Session, person: Person, now: datetime) -> date:
    """Today in the person's zone."""
    zone = shifts.timezone_of(person, repos.team_list_of(session=session, person=person))
    return now.astimezone(schedule.zone_named(zone)).date()


def create(
    *, session: Session, person: Person, text: str, due: date, now: datetime,
    reflection_id: int | None = None, once: str | None = None, assigned_by_id: int | None = None,
) -> ActionItem | None:  # fmt: skip
    """A new open item; ActionError for an empty or too long text or a past date. With
    `once` (the modal's view id), a second submission of the same modal creates nothing and
    returns None. The caller commits."""
    text = text.strip()
    if not text:
        raise ActionError("Say what you'll do, in a few words.")
    if len(text) > MAX_TEXT:
        raise ActionError(f"Keep it under {MAX_TEXT} characters.")
    if due < local_today(session, person, now):
        raise ActionError("Pick a due date from today on.")
    assert person.id is not None
    if once is not None and not repos.first_sight(session=session, event_id=once, now=now):
        return None
    item = ActionItem(
        workspace_id=person.workspace_id, person_id=person.id, text=text, due_date=due,
        reflection_id=reflection_id, created_at=now, assigned_by_id=assigned_by_id,
    )  # fmt: skip
    session.add(item)
    session.flush()
    return item


def assign(
    *, session: Session, actor: Actor, lead: Person, agent: Person, text: str, due: date,
    now: datetime, once: str | None = None,
) -> ActionItem | None:  # fmt: skip
    """A lead's item for one of their agents (permissions.ASSIGN_ACTION, else ActionError);
    otherwise as `create`: checked, once per modal. The caller commits."""
    subject_teams = frozenset(
        team.id
        for team, role in repos.teams_of(
            session=session, workspace_id=agent.workspace_id, person_id=agent.id or 0
        )
        if role == TeamRole.AGENT and team.id is not None
    )
    if not may(actor, Action.ASSIGN_ACTION, subject_id=agent.slack_user_id,
               subject_teams=subject_teams):  # fmt: skip
        raise ActionError(refusal(Action.ASSIGN_ACTION))
    item = create(session=session, person=agent, text=text, due=due, now=now, once=once,
                  assigned_by_id=lead.id)  # fmt: skip
    return item


def open_items(*, session: Session, person_ids: list[int]) -> list[ActionItem]:
    """Open items of these people, soonest due first."""
    return list(
        session.exec(
            select(ActionItem)
            .where(col(ActionItem.person_id).in_(person_ids), ActionItem.status == ItemStatus.OPEN)
            .order_by(col(ActionItem.due_date))
        ).all()
    )


def _own(session: Session, person: Person, item_id: int) -> ActionItem:
    item = session.get(ActionItem, item_id)
    if item is None or item.person_id != person.id:
        raise ActionError("That action item is not yours, or no longer exists.")
    return item


def complete(*, session: Session, person: Person, item_id: int, now: datetime) -> ActionItem:
    """Mark the person's item done. The caller commits."""
    item = _own(session, person, item_id)
    item.status, item.done_at = ItemStatus.DONE, now
    session.add(item)
    return item


def snooze(*, session: Session, person: Person, item_id: int, now: datetime) -> ActionItem:
    """Move the item's due date a week on from today (a new due-date DM follows then). The
    caller commits."""
    item = _own(session, person, item_id)
    # "Not before a week from today": a double click (or a replay) moves it once.
    item.due_date = max(item.due_date, local_today(session, person, now) + SNOOZE)
    session.add(item)
    return item


def claim_due(*, session: Session, now: datetime) -> int:
    """Claim one due-date DM per open item and due date, from 09:00 local on that date."""
    items = session.exec(
        select(ActionItem, Person)
        .join(Person, col(Person.id) == ActionItem.person_id)
        .where(
            ActionItem.status == ItemStatus.OPEN,
            col(ActionItem.due_date) <= now.date() + timedelta(days=1),
            col(Person.active),
        )
    ).all()
    insert = bulk.dialect_insert(session)
    claimed = 0
    for item, person in items:
        try:
            local = now.astimezone(
                schedule.zone_named(
                    shifts.timezone_of(person, repos.team_list_of(session=session, person=person))
                )
            )
        except ScheduleError:
            continue
        if item.due_date > local.date() or (
            item.due_date == local.date() and local.time() < REMIND_AT
        ):
            continue
        payload = {"item_id": item.id, "text": item.text, "due": str(item.due_date)}
        result = session.execute(
            insert(Outbox)
            .values(
                workspace_id=person.workspace_id, key=f"{DUE_KIND}:{item.id}:{item.due_date}",
                kind=DUE_KIND, person_id=person.id, channel=person.slack_user_id,
                payload=payloads.encode(DUE_KIND, payload), due_at=now,
                status=OutboxStatus.PENDING.value,
                attempts=0, next_attempt_at=now, created_at=now,
            )
            .on_conflict_do_nothing()
            .returning(col(Outbox.id))  # not rowcount: psycopg gives -1 for ON CONFLICT inserts
        ).first()  # fmt: skip
        claimed += result is not None
    return claimed
