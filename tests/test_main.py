"""`python -m bot …` as an operator runs it: real processes, real ports, real exit codes."""

import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from tests.conftest import SIGNING_SECRET
from tests.fakeslack import FakeSlack, SlackDriver
from tests.fakeslack.driver import http_sender, socket_mode_sender

COMMANDS = ["serve", "web", "clock", "migrate", "schedule"]


def _env(**settings: str) -> dict[str, str]:
    keep = {
        key: value
        for key, value in os.environ.items()
        if key in ("PATH", "HOME", "LANG", "SYSTEMROOT")
    }
    return {**keep, "PYTHONUNBUFFERED": "1", **settings}


def _run(
    args: list[str], cwd: Path, timeout: float = 60, **settings: str
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args], cwd=cwd, env=_env(**settings),
        capture_output=True, text=True, timeout=timeout, check=False,
    )  # fmt: skip


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _wait_for_http(url: str, process: subprocess.Popen[str], timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"process exited early: {process.communicate()}")
        try:
            with urllib.request.urlopen(url, timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    raise AssertionError(f"{url} never answered")


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help(tmp_path: Path, command: str) -> None:
    """`python -m bot COMMAND --help` describes the command and exits 0."""
    result = _run([command, "--help"], tmp_path)
    assert result.returncode == 0
    assert f"usage: python -m bot {command}" in result.stdout


def test_top_level_help_lists_the_processes(tmp_path: Path) -> None:
    """`python -m bot --help` lists serve, web, clock and migrate."""
    result = _run(["--help"], tmp_path)
    assert result.returncode == 0
    for command in COMMANDS:
        assert command in result.stdout


def test_unknown_command_is_a_usage_error(tmp_path: Path) -> None:
    """An unknown command exits 2 with argparse's usage message."""
    assert _run(["fly"], tmp_path).returncode == 2


def test_bad_setting_stops_with_one_line(tmp_path: Path) -> None:
    """A malformed setting exits 2 with one line naming it, no traceback, no secret."""
    result = _run(["serve"], tmp_path, SLACK_BOT_TOKEN="xoxp-secret-user-token", PORT="3000")
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "SLACK_BOT_TOKEN" in lines[0]
    assert "Traceback" not in result.stderr
    assert "secret-user-token" not in result.stderr + result.stdout


def test_settings_are_read_from_dotenv(tmp_path: Path) -> None:
    """A .env file in the working directory is read like the environment."""
    (tmp_path / ".env").write_text("PORT=not-a-port\n")
    result = _run(["migrate"], tmp_path)
    assert result.returncode == 2
    assert "PORT" in result.stderr


def test_import_help_lists_the_columns_of_each_file(tmp_path: Path) -> None:
    """`import --help` names each file's columns, those a header must have starred."""
    result = _run(["import", "--help"], tmp_path)
    assert result.returncode == 0
    shown = " ".join(result.stdout.split())
    assert "tickets: ticket_id*, agent*, created_at*, first_response_at" in shown
    assert "surveys: response_id*, ticket_id, agent*, kind*, score*" in shown
    assert "helpdesk_agent, slack" in shown


def test_migrate_creates_the_schema(tmp_path: Path) -> None:
    """`migrate` on a new SQLite file creates every table and can be run again; what it
    prints is its report, not Alembic's INFO lines."""
    url = f"sqlite:///{tmp_path}/cx.db"
    for _ in range(2):
        result = _run(["migrate"], tmp_path, DATABASE_URL=url)
        assert result.returncode == 0, result.stderr
        assert "is at revision" in result.stdout
        assert "alembic" not in result.stderr + result.stdout
    engine = create_engine(url)
    with engine.connect() as connection:
        tables = {
            row[0]
            for row in connection.execute(text("SELECT name FROM sqlite_master WHERE type='table'"))
        }
    assert {"workspace", "person", "team", "membership"} <= tables


def test_unreachable_database_is_a_clear_failure(tmp_path: Path) -> None:
    """With the database down, start-up says so in one line (password hidden) and exits 1."""
    result = _run(["migrate"], tmp_path, DATABASE_URL="postgresql://cx:hunter2@127.0.0.1:1/cx")
    assert result.returncode == 1
    assert "does not answer" in result.stderr
    assert "hunter2" not in result.stderr
    assert "Traceback" not in result.stderr


def test_web_refuses_an_unmigrated_database(tmp_path: Path) -> None:
    """`web` does not migrate (that is the release phase's job) and says what to run."""
    result = _run(
        ["web"],
        tmp_path,
        DATABASE_URL=f"sqlite:///{tmp_path}/new.db",
        SLACK_BOT_TOKEN="xoxb-1",
        SLACK_SIGNING_SECRET="s",
    )
    assert result.returncode == 1
    assert "python -m bot migrate" in result.stderr


def test_clock_needs_a_bot_token(tmp_path: Path) -> None:
    """The clock cannot send anything without SLACK_BOT_TOKEN, and says so."""
    result = _run(["clock"], tmp_path, DATABASE_URL=f"sqlite:///{tmp_path}/cx.db")
    assert result.returncode == 2
    assert "SLACK_BOT_TOKEN" in result.stderr


@pytest.fixture
def running(tmp_path: Path) -> Iterator[list[subprocess.Popen[str]]]:
    """Processes started by a test, stopped (SIGTERM) at its end."""
    processes: list[subprocess.Popen[str]] = []
    yield processes
    for process in processes:
        if process.poll() is None:
            process.kill()
            process.communicate()


def _start(
    args: list[str], cwd: Path, running: list[subprocess.Popen[str]], **settings: str
) -> subprocess.Popen[str]:
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", *args], cwd=cwd, env=_env(**settings),
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    running.append(process)
    return process


def test_serve_without_credentials_shows_the_setup_page(
    tmp_path: Path, running: list[subprocess.Popen[str]]
) -> None:
    """`serve` with no Slack settings migrates, serves the setup page, and says where it is."""
    port = _free_port()
    process = _start(
        ["serve"], tmp_path, running, PORT=str(port), DATABASE_URL=f"sqlite:///{tmp_path}/cx.db"
    )
    _wait_for_http(f"http://127.0.0.1:{port}/healthz", process)
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as response:
        page = response.read().decode()
    assert "SLACK_BOT_TOKEN" in page
    assert "api.slack.com/apps?new_app=1" in page
    process.send_signal(signal.SIGTERM)
    stdout, _ = process.communicate(timeout=10)
    assert f"http://localhost:{port}/" in stdout


def test_serve_with_credentials_round_trips_a_command(
    tmp_path: Path, running: list[subprocess.Popen[str]], fake_slack: FakeSlack
) -> None:
    """`serve` pointed at the fake answers /cx-metrics help over HTTP and runs the clock."""
    port, db = _free_port(), tmp_path / "cx.db"
    process = _start(
        ["serve", "--host", "127.0.0.1"], tmp_path, running,
        PORT=str(port), DATABASE_URL=f"sqlite:///{db}", SLACK_BOT_TOKEN=fake_slack.bot_token,
        SLACK_SIGNING_SECRET=SIGNING_SECRET, SLACK_API_BASE_URL=fake_slack.api_url,
    )  # fmt: skip
    _wait_for_http(f"http://127.0.0.1:{port}/healthz", process)
    driver = SlackDriver(
        fake=fake_slack, signing_secret=SIGNING_SECRET, send=http_sender(f"http://127.0.0.1:{port}")
    )
    reply = driver.command("/cx-metrics", "help")
    assert reply.status == 200
    assert "/cx-metrics @agent [period]" in reply.body
    assert fake_slack.calls_to("auth.test")  # the token was checked at start-up
    beats, deadline = 0, time.monotonic() + 10
    while not beats and time.monotonic() < deadline:  # the clock's first pass, in its thread
        with create_engine(f"sqlite:///{db}").connect() as connection:
            beats = connection.execute(text("SELECT count(*) FROM clockheartbeat")).scalar() or 0
        time.sleep(0.05)
    assert beats == 1
    process.send_signal(signal.SIGTERM)
    stdout, stderr = process.communicate(timeout=10)
    assert process.returncode == 0
    assert fake_slack.bot_token not in stdout + stderr
    assert SIGNING_SECRET not in stdout + stderr


def test_serve_with_a_rejected_token_stops(tmp_path: Path, fake_slack: FakeSlack) -> None:
    """A bot token Slack rejects stops start-up with one clear line and exit code 2."""
    result = _run(
        ["serve"], tmp_path, PORT=str(_free_port()), DATABASE_URL=f"sqlite:///{tmp_path}/cx.db",
        SLACK_BOT_TOKEN="xoxb-revoked", SLACK_SIGNING_SECRET="s",
        SLACK_API_BASE_URL=fake_slack.api_url,
    )  # fmt: skip
    assert result.returncode == 2
    assert "SLACK_BOT_TOKEN was rejected by Slack (invalid_auth)" in result.stderr


def test_serve_in_socket_mode_answers_over_the_websocket(
    tmp_path: Path, running: list[subprocess.Popen[str]], fake_slack: FakeSlack
) -> None:
    """With SLACK_APP_TOKEN, `serve` connects over Socket Mode and answers commands and events
    there; /slack/events refuses HTTP, since nothing could verify it without a signing secret."""
    port = _free_port()
    process = _start(
        ["serve", "--host", "127.0.0.1"], tmp_path, running,
        PORT=str(port), DATABASE_URL=f"sqlite:///{tmp_path}/cx.db",
        SLACK_BOT_TOKEN=fake_slack.bot_token, SLACK_APP_TOKEN=fake_slack.app_token,
        SLACK_API_BASE_URL=fake_slack.api_url,
    )  # fmt: skip
    _wait_for_http(f"http://127.0.0.1:{port}/healthz", process)
    fake_slack.socket_mode.wait_connected()
    driver = SlackDriver(
        fake=fake_slack, signing_secret="unused", send=socket_mode_sender(fake_slack)
    )

    reply = driver.command("/cx-metrics", "help")
    assert "/cx-metrics @agent [period]" in reply.body
    # Malformed payloads are acked and dropped, as over HTTP (no traceback, checked below).
    assert (
        fake_slack.socket_mode.send("interactive", {"type": "block_actions", "actions": []}) == {}
    )
    assert fake_slack.socket_mode.send("interactive", {"type": "block_actions", "user": 5}) == {}
    driver.event({"type": "app_home_opened", "user": "U0AGENT", "channel": "D1", "tab": "home"})
    published = fake_slack.wait_for("views.publish")[0].params
    assert published["user_id"] == "U0AGENT"
    http = SlackDriver(
        fake=fake_slack, signing_secret="any", send=http_sender(f"http://127.0.0.1:{port}")
    )
    assert http.command("/cx-metrics", "help").status == 503

    process.send_signal(signal.SIGTERM)
    stdout, stderr = process.communicate(timeout=10)
    assert process.returncode == 0
    assert fake_slack.app_token not in stdout + stderr
    assert "Traceback" not in stderr
    assert "refused a Socket Mode envelope: user.id is missing" in stderr


def test_sigterm_answers_every_acked_command_before_exiting(
    tmp_path: Path, running: list[subprocess.Popen[str]], fake_slack: FakeSlack
) -> None:
    """SIGTERM right after a burst of commands: new connections are refused, and every
    command that was acked still gets its answer through its response_url, then exit 0."""
    port = _free_port()
    process = _start(
        ["serve", "--host", "127.0.0.1"], tmp_path, running,
        PORT=str(port), DATABASE_URL=f"sqlite:///{tmp_path}/cx.db",
        SLACK_BOT_TOKEN=fake_slack.bot_token, SLACK_SIGNING_SECRET="s",
        SLACK_API_BASE_URL=fake_slack.api_url,
    )  # fmt: skip
    _wait_for_http(f"http://127.0.0.1:{port}/healthz", process)
    fake_slack.response_delay = 0.2  # a slow Slack: the answers queue up after the acks
    acked: list[str] = []  # response_urls of commands answered 200 (acked)
    stop = threading.Event()

    def send_until_stopped() -> None:
        driver = SlackDriver(
            fake=fake_slack, signing_secret="s", send=http_sender(f"http://127.0.0.1:{port}")
        )
        while not stop.is_set():
            try:
                reply = driver.command("/cx-team", "list")
            except OSError:  # refused: the server has stopped taking connections
                return
            if reply.status == 200:
                acked.append(driver.last_command_ids[0])

    senders = [threading.Thread(target=send_until_stopped) for _ in range(4)]
    for sender in senders:
        sender.start()
    time.sleep(0.5)  # commands in flight and answers queued behind the slow Slack
    process.send_signal(signal.SIGTERM)
    _, stderr = process.communicate(timeout=60)
    stop.set()
    for sender in senders:
        sender.join()
    assert process.returncode == 0, stderr
    assert len(acked) >= 10
    answered = {call.path.rsplit("/", 1)[-1] for call in fake_slack.calls_to("response_url")}
    assert [url for url in acked if url.rsplit("/", 1)[-1] not in answered] == []
    assert "cannot schedule new futures" not in stderr


def test_serve_and_clock_start_when_installed_with_add_to_slack(
    tmp_path: Path, running: list[subprocess.Popen[str]], fake_slack: FakeSlack
) -> None:
    """With SLACK_CLIENT_ID and no bot token: `serve` shows the Add to Slack page and the
    clock runs (no token to check at start; each workspace's comes from its installation)."""
    port, db = _free_port(), tmp_path / "cx.db"
    oauth = {
        "DATABASE_URL": f"sqlite:///{db}",
        "SLACK_CLIENT_ID": fake_slack.client_id,
        "SLACK_CLIENT_SECRET": fake_slack.client_secret,
        "SLACK_STATE_SECRET": "s" * 32,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_BASE_URL": fake_slack.api_url,
    }
    process = _start(["serve", "--host", "127.0.0.1"], tmp_path, running, PORT=str(port),
                     **oauth)  # fmt: skip
    _wait_for_http(f"http://127.0.0.1:{port}/healthz", process)
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/slack/install", timeout=5) as page:
        assert "slack.com/oauth/v2/authorize" in page.read().decode()
    clock = _start(["clock"], tmp_path, running, **oauth)
    time.sleep(2)  # it would have stopped at once, as it did for want of a bot token
    assert clock.poll() is None, clock.communicate()
    engine = create_engine(f"sqlite:///{db}")

    def senders() -> int:
        with engine.connect() as connection:
            return connection.execute(text("SELECT count(*) FROM outboxsender")).scalar() or 0

    deadline = time.monotonic() + 20
    while senders() < 2 and time.monotonic() < deadline:  # serve's and the clock's first pass
        time.sleep(0.2)
    assert senders() == 2
    clock.send_signal(signal.SIGTERM)  # a clock stopping hands its workspaces over at once
    clock.communicate(timeout=10)
    assert senders() == 1
    engine.dispose()
