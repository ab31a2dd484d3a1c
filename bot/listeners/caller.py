"""Who sent a request, resolved once per request (issue 17): their person (the cached Slack
profile) and how the permission rules see them (role and teams). A middleware puts a Caller in
the context and listeners take a `caller` parameter; whichever part of the request asks first
resolves it, and the rest of the request — the ack path and the work after it — reuse it."""

import threading
from dataclasses import dataclass, field

from slack_sdk import WebClient
from sqlmodel import Session

from bot.deps import Deps
from bot.listeners.profiles import known_person
from bot.services import people
from bot.services.permissions import Actor
from bot.store import repos
from bot.store.models import Person


@dataclass
class Caller:
    """The person behind one Slack request."""

    deps: Deps
    client: WebClient
    workspace_id: str
    user_id: str
    _person: Person | None = None
    _actor: Actor | None = None
    _resolved: str = ""  # "": not yet; "ack": a stale profile allowed; "fresh": refreshed
    _lock: threading.RLock = field(default_factory=threading.RLock)

    def person(self, *, on_ack_path: bool = False) -> Person | None:
        """The person, None if Slack does not know them. `on_ack_path`: Slack is waiting, so a
        stale profile will do (see known_person); asked again after the ack, it is refreshed
        if it is stale."""
        with self._lock:
            if not self._resolved or (self._resolved == "ack" and not on_ack_path):
                self._person = known_person(self.deps, self.client, self.workspace_id,
                                            self.user_id, on_ack_path=on_ack_path)  # fmt: skip
                self._resolved = "ack" if on_ack_path else "fresh"
            return self._person

    def actor(self, *, on_ack_path: bool = False) -> Actor:
        """The caller as the permission rules see them (a stranger to Slack is nobody)."""
        with self._lock:
            if self._actor is None:
                person = self.person(on_ack_path=on_ack_path)
                if person is None:
                    self._actor = Actor(slack_user_id=self.user_id)
                else:
                    with self.deps.read_session() as session:  # no write lock on the ack path
                        self._actor = people.actor(session=session,
                                                   person=repos.fresh(session, person),
                                                   admins=self.deps.settings.cx_admins)  # fmt: skip
            return self._actor

    def fresh(self, session: Session) -> Person | None:
        """The person, as a row of `session` (to change it, or read it in one transaction)."""
        person = self.person()
        return repos.fresh(session, person) if person is not None else None
