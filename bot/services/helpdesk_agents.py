"""Who a helpdesk means by its agent cell: a Slack user ID, an email, a helpdesk agent id or a
display name — never a new person made from a name.

In this order: the agent map (`python -m bot import agents`, table `helpdeskagent`) for any
value; a Slack user ID as such; an email through Slack (the caller's lookup); otherwise a name,
matched to exactly one known person by Slack real name or display name, ignoring case, accents
and spacing. No match, or several, leaves the row kept and unmatched, with the reason; it counts
once a map entry (or Slack) tells who it is.
"""

import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from bot.store import bulk
from bot.store.models import HelpdeskAgent, Person

# A Slack user or enterprise user ID: U or W, then capitals and digits (at least one digit, so
# a name in capitals such as ULRICH is not taken for one).
SLACK_ID = re.compile(r"^[UW](?=[A-Z]*[0-9])[A-Z0-9]{4,}$")


def key_of(value: str) -> str:
    """A helpdesk's agent value as compared: no accents, case or extra spaces."""
    decomposed = unicodedata.normalize("NFKD", value)
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(plain.casefold().split())


@dataclass(frozen=True)
class MapRow:
    """One line of an agents map: the helpdesk's value and the Slack user it means."""

    line: int
    helpdesk_agent: str
    slack_user_id: str


def save_map(
    *, session: Session, workspace_id: str, rows: Sequence[MapRow], now: datetime
) -> tuple[int, int]:
    """Store the map entries (a value mapped again moves to the new user); (new, changed).
    The caller commits."""
    known = mapped(session=session, workspace_id=workspace_id)
    insert = bulk.dialect_insert(session)
    added = changed = 0
    for row in rows:
        key = key_of(row.helpdesk_agent)
        if known.get(key) == row.slack_user_id:
            continue
        added, changed = (added + 1, changed) if key not in known else (added, changed + 1)
        known[key] = row.slack_user_id
        statement = insert(HelpdeskAgent).values(
            workspace_id=workspace_id, key=key, helpdesk_agent=row.helpdesk_agent.strip()[:200],
            slack_user_id=row.slack_user_id, updated_at=now,
        )  # fmt: skip
        update = {
            "slack_user_id": row.slack_user_id, "updated_at": now,
            "helpdesk_agent": row.helpdesk_agent.strip()[:200],
        }  # fmt: skip
        session.execute(
            statement.on_conflict_do_update(index_elements=["workspace_id", "key"], set_=update)
        )
    return added, changed


def mapped(*, session: Session, workspace_id: str) -> dict[str, str]:
    """The agent map: normalised helpdesk value → Slack user ID."""
    rows = session.exec(
        select(HelpdeskAgent.key, HelpdeskAgent.slack_user_id).where(
            HelpdeskAgent.workspace_id == workspace_id
        )
    ).all()
    return dict(rows)


def people_by_name(*, session: Session, workspace_id: str) -> dict[str, set[int]]:
    """Each normalised display or real name → the people who carry it."""
    found: dict[str, set[int]] = {}
    rows = session.exec(
        select(Person.id, Person.display_name, Person.real_name).where(
            Person.workspace_id == workspace_id, col(Person.active)
        )
    ).all()
    for person_id, *names in rows:
        for name in names:
            if name and person_id is not None:
                found.setdefault(key_of(name), set()).add(person_id)
    return found


@dataclass
class Resolved:
    """A person's id, or None with why nobody was matched."""

    person_id: int | None
    why: str = ""


def resolve_with(
    *, session: Session, workspace_id: str, person_for: Callable[[str], int | None],
    email_to_slack: Callable[[str], str | None],
) -> Callable[[str], Resolved]:  # fmt: skip
    """A resolver for one import: `person_for` gives (or makes) the person of a Slack user
    ID; `email_to_slack` asks Slack about an email (None: nobody)."""
    agent_map = mapped(session=session, workspace_id=workspace_id)
    names: dict[str, set[int]] | None = None
    cache: dict[str, Resolved] = {}

    def resolve(agent: str) -> Resolved:
        nonlocal names
        if agent in cache:
            return cache[agent]
        key = key_of(agent)
        if not key:
            found = Resolved(None, "no agent assigned (kept; counted once it has one)")
        elif key in agent_map:
            found = Resolved(person_for(agent_map[key]))
        elif SLACK_ID.match(agent.strip()):
            found = Resolved(person_for(agent.strip()))
        elif "@" in agent:
            user_id = email_to_slack(agent.strip())
            found = (
                Resolved(person_for(user_id))
                if user_id
                else Resolved(None, f"no Slack user with the email `{agent}` yet (kept)")
            )
        else:
            if names is None:
                names = people_by_name(session=session, workspace_id=workspace_id)
            matches = names.get(key, set())
            if len(matches) == 1:
                found = Resolved(next(iter(matches)))
            elif matches:
                found = Resolved(None, f"{len(matches)} people are called `{agent}`: map it "
                                       "with `python -m bot import agents` (kept)")  # fmt: skip
            else:
                found = Resolved(None, f"nobody known as `{agent}`: map it with "
                                       "`python -m bot import agents` (kept)")  # fmt: skip
        cache[agent] = found
        return found

    return resolve
