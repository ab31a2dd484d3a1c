"""Team administration: create, edit and delete teams, their people, channels, zone, holidays
and KPI targets (the form and its checks: bot.services.team_settings). Permission is checked
here, so every surface (modal, command, CLI) gets it.
"""

from sqlmodel import Session, col, delete, func, select

from bot.services import schedule
from bot.services.permissions import Action, Actor, may, refusal
from bot.services.schedule import ScheduleError, parse_time
from bot.services.team_settings import PermissionDenied as PermissionDenied
from bot.services.team_settings import Targets as Targets
from bot.services.team_settings import TeamDetail as TeamDetail
from bot.services.team_settings import TeamError as TeamError
from bot.services.team_settings import TeamForm as TeamForm
from bot.services.team_settings import check_name
from bot.services.templates import TEMPLATES, TemplateError, parse_custom
from bot.store import repos
from bot.store.models import Membership, Person, Team, TeamHoliday, TeamRole


def find(*, session: Session, workspace_id: str, name: str) -> Team | None:
    """A team of this workspace by name, ignoring case and extra spaces."""
    wanted = " ".join(name.split()).lower()
    return session.exec(
        select(Team).where(Team.workspace_id == workspace_id, func.lower(Team.name) == wanted)
    ).first()


def get(*, session: Session, workspace_id: str, team_id: int) -> Team:
    """A team of this workspace by id; TeamError if it is gone (or another workspace's)."""
    team = session.get(Team, team_id)
    if team is None or team.workspace_id != workspace_id:
        raise TeamError("That team no longer exists.")
    return team


def detail(*, session: Session, team: Team) -> TeamDetail:
    """The team with its leads, members and days off."""
    rows = session.exec(
        select(Person.slack_user_id, Membership.role)
        .join(Membership, col(Membership.person_id) == Person.id)
        .where(Membership.team_id == team.id)
        .order_by(Person.slack_user_id)
    ).all()
    assert team.id is not None
    holidays = sorted(repos.team_holidays(session=session, team_ids=[team.id])[team.id])
    return TeamDetail(
        team=team,
        leads=tuple(user for user, role in rows if role == TeamRole.LEAD),
        members=tuple(user for user, role in rows if role == TeamRole.AGENT),
        custom_holidays=tuple(holidays),
    )


def save(
    *,
    session: Session,
    workspace_id: str,
    actor: Actor,
    team_id: int | None,
    form: TeamForm,
) -> Team:
    """Create (team_id None) or update a team from `form`, checking permission per part.
    People not yet known are added as stubs; their profiles are filled in from Slack later.
    The caller commits."""
    repos.ensure_workspace(session=session, workspace_id=workspace_id)
    if team_id is None:
        _require(actor, Action.CREATE_TEAM)
        if form.name is None:
            raise TeamError("A new team needs a name.")
        team = Team(workspace_id=workspace_id, name=check_name(form.name))
    else:
        team = get(session=session, workspace_id=workspace_id, team_id=team_id)
    # What only admins set, and what a team's leads set too unless admins say no.
    admin_only = any(value is not None for value in (
        form.timezone, form.holidays, form.custom_holidays, form.digest_weekday,
        form.digest_time, form.kudos_values, form.kudos_cap, form.business_hours, form.alerts,
        form.weekly_summary, form.one_on_ones, form.one_on_one_weekday, form.one_on_one_time,
        form.one_on_one_to_agent, form.top_csat_scores, form.kudos_emoji, form.leads_configure,
    ))  # fmt: skip
    basics = form.targets is not None or form.channels_given or form.reminder_minutes is not None
    if team_id is not None and form.name is not None and check_name(form.name) != team.name:
        _require(actor, Action.RENAME_TEAM, team_id)
    if team_id is not None and admin_only:
        _require(actor, Action.CONFIGURE_TEAM, team_id)
    if team_id is not None and basics:
        _require(actor, Action.SET_TEAM_BASICS, team_id)
        if not actor.is_admin and not team.leads_configure:
            raise PermissionDenied(
                f"Only CX Coach admins can {Action.SET_TEAM_BASICS.value} for {team.name}: its "
                "admins keep them."
            )
    if form.leads is not None:
        _require(actor, Action.MANAGE_LEADS, team_id)
    if form.members is not None and team_id is not None:
        _require(actor, Action.MANAGE_MEMBERS, team_id)
    if form.template is not None and team_id is not None:
        _require(actor, Action.SET_QUESTIONS, team_id)
    feedback_given = (
        form.feedback_rounds, form.feedback_expiry_days, form.share_360, form.announce_360
    )  # fmt: skip
    if feedback_given != (None, None, None, None) and team_id is not None:
        _require(actor, Action.SET_FEEDBACK, team_id)
    if form.name is not None:
        name = check_name(form.name)
        clash = find(session=session, workspace_id=workspace_id, name=name)
        if clash is not None and clash.id != team.id:
            raise TeamError(f"There is already a team called {clash.name}.")
        team.name = name
    _configure(team, form)
    session.add(team)
    session.flush()
    assert team.id is not None
    if form.custom_holidays is not None:
        session.execute(delete(TeamHoliday).where(col(TeamHoliday.team_id) == team.id))
        session.add_all(TeamHoliday(team_id=team.id, day=day) for day in form.custom_holidays)
    _set_people(session, workspace_id, team.id, form)
    session.flush()
    return team


# Settings taken as the form gives them (the form checked their shape): form field → column.
_COPIED = (
    ("leads_read", "leads_read_reflections"), ("share_360", "share_360_with_agent"),
    ("announce_360", "announce_360"), ("leads_configure", "leads_configure"),
    ("digest_time", "digest_time"), ("kudos_values", "kudos_values"),
    ("kudos_emoji", "kudos_emoji"), ("reminder_minutes", "reminder_delay_minutes"),
    ("business_hours", "business_hours"), ("weekly_summary", "weekly_summary"),
    ("digest_themes", "digest_themes"), ("themes_quote", "themes_quote"),
)  # fmt: skip
# Numbers within a range: form field → column, bounds, what to say otherwise.
_RANGES = (
    ("feedback_expiry_days", "feedback_expiry_days", 1, 30,
     "Feedback requests stay open for 1 to 30 days."),
    ("kudos_cap", "kudos_daily_cap", 1, 50, "A daily kudos cap is 1 to 50."),
    ("top_csat_scores", "top_csat_scores", 1, 100,
     "A week's top CSAT scores worth celebrating: 1 to 100."),
)  # fmt: skip
# One of a few words: form field → column, the words, what to say otherwise.
_CHOICES = (
    ("feedback_rounds", "feedback_rounds", ("off", "weekly", "biweekly", "monthly"),
     "Feedback rounds are off, weekly, every two weeks or monthly."),
    ("alerts", "alerts", ("off", "leads", "leads_agent"),
     "Low-rating alerts go to nobody, the leads, or the leads and the agent."),
)  # fmt: skip


def _configure(team: Team, form: TeamForm) -> None:
    """Apply what the form carries (None: leave it), each value checked; TeamError saying
    what is wrong with the first that is not."""
    _zone_and_holidays(team, form)
    if form.channels_given:
        team.digest_channel_id = form.digest_channel_id
        team.celebration_channel_id = form.celebration_channel_id
    _questions(team, form)
    for given, column in _COPIED:
        if (value := getattr(form, given)) is not None:
            setattr(team, column, value)
    for given, column, low, high, problem in _RANGES:
        if (number := getattr(form, given)) is not None:
            if not low <= number <= high:
                raise TeamError(problem)
            setattr(team, column, number)
    for given, column, words, problem in _CHOICES:
        if (word := getattr(form, given)) is not None:
            if word not in words:
                raise TeamError(problem)
            setattr(team, column, word)
    if form.digest_weekday is not None:
        team.digest_weekday = form.digest_weekday % 7
    _one_on_ones(team, form)
    if form.targets is not None:
        team.csat_target_pct = form.targets.csat_pct
        team.nps_target = form.targets.nps
        team.fcr_target_pct = form.targets.fcr_pct
        team.frt_target_minutes = form.targets.frt_minutes


def _zone_and_holidays(team: Team, form: TeamForm) -> None:
    if form.timezone is not None:
        try:
            schedule.zone_named(form.timezone.strip())
        except ScheduleError as error:
            raise TeamError(str(error)) from None
        team.timezone = form.timezone.strip()
    if form.holidays is None:
        return
    if not form.holidays.strip():
        team.holiday_country = team.holiday_subdivision = None
        return
    try:
        team.holiday_country, team.holiday_subdivision = schedule.check_holiday_code(form.holidays)
    except ScheduleError as error:
        raise TeamError(str(error)) from None


def _questions(team: Team, form: TeamForm) -> None:
    if form.template is None:
        return
    if form.template not in TEMPLATES:
        raise TeamError("Pick the default, post-mortem or your own questions.")
    if form.template == "custom":
        try:
            parse_custom(form.custom_questions or "")
        except TemplateError as error:
            raise TeamError(str(error)) from None
    team.reflection_template = form.template
    team.custom_questions = form.custom_questions or None


def _set_people(session: Session, workspace_id: str, team_id: int, form: TeamForm) -> None:
    """Make the team's leads and members exactly what the form says (for the parts it has)."""
    wanted: dict[str, TeamRole] = {}
    current = {
        person.slack_user_id: (person, membership)
        for person, membership in session.exec(
            select(Person, Membership)
            .join(Membership, col(Membership.person_id) == Person.id)
            .where(Membership.team_id == team_id)
        ).all()
    }
    for user, (_, membership) in current.items():
        wanted[user] = TeamRole(membership.role)
    if form.members is not None:
        wanted = {u: r for u, r in wanted.items() if r == TeamRole.LEAD}
        wanted.update(dict.fromkeys(form.members - wanted.keys(), TeamRole.AGENT))
    if form.leads is not None:
        wanted = {u: r for u, r in wanted.items() if r == TeamRole.AGENT}
        wanted.update(dict.fromkeys(form.leads, TeamRole.LEAD))  # a lead is not also an agent
    for user, (_, membership) in current.items():
        if user not in wanted:
            session.delete(membership)
        elif membership.role != wanted[user]:
            membership.role = wanted[user].value
            session.add(membership)
    for user, role in wanted.items():
        if user not in current:
            person = person_stub(session=session, workspace_id=workspace_id, slack_user_id=user)
            assert person.id is not None
            session.add(Membership(team_id=team_id, person_id=person.id, role=role.value))


def person_stub(*, session: Session, workspace_id: str, slack_user_id: str) -> Person:
    """The person, created without a profile if CX Coach has not met them yet."""
    person = repos.get_person(
        session=session, workspace_id=workspace_id, slack_user_id=slack_user_id
    )
    if person is None:
        person = Person(workspace_id=workspace_id, slack_user_id=slack_user_id)
        session.add(person)
        session.flush()
    return person


def delete_team(*, session: Session, workspace_id: str, actor: Actor, team_id: int) -> str:
    """Delete a team with its memberships and days off; return its name. People stay."""
    _require(actor, Action.DELETE_TEAM, team_id)
    team = get(session=session, workspace_id=workspace_id, team_id=team_id)
    name = team.name
    session.delete(team)
    session.flush()
    return name


def visible_teams(*, session: Session, workspace_id: str, actor: Actor) -> list[Team]:
    """The teams `actor` may edit something of: every team for admins, their own for leads."""
    teams = repos.list_teams(session=session, workspace_id=workspace_id)
    if actor.is_admin:
        return list(teams)
    return [team for team in teams if team.id in actor.leads]


def _require(actor: Actor, action: Action, team_id: int | None = None) -> None:
    if not may(actor, action, team_id=team_id):
        raise PermissionDenied(refusal(action))


def _one_on_ones(team: Team, form: TeamForm) -> None:
    """The recurring 1:1 settings, checked."""
    if form.one_on_ones is not None:
        if form.one_on_ones not in ("off", "weekly", "biweekly"):
            raise TeamError("1:1s are off, weekly or every two weeks.")
        team.one_on_ones = form.one_on_ones
    if form.one_on_one_weekday is not None:
        if not 0 <= form.one_on_one_weekday <= 4:
            raise TeamError("1:1s are on a weekday, Monday to Friday.")
        team.one_on_one_weekday = form.one_on_one_weekday
    if form.one_on_one_time is not None:
        try:
            team.one_on_one_time = f"{parse_time(form.one_on_one_time):%H:%M}"
        except ScheduleError as error:
            raise TeamError(str(error)) from None
    if form.one_on_one_to_agent is not None:
        team.one_on_one_to_agent = form.one_on_one_to_agent
