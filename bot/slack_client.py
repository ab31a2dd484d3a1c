"""The one way CX Coach builds its Slack WebClient: our base URL, our retry policy."""

from typing import Any

from slack_sdk import WebClient
from slack_sdk.http_retry import (
    BackoffRetryIntervalCalculator,
    ConnectionErrorRetryHandler,
    HttpResponse,
    RateLimitErrorRetryHandler,
    RetryHandler,
)
from slack_sdk.http_retry.builtin_handlers import ServerErrorRetryHandler
from slack_sdk.http_retry.jitter import RandomJitter
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.state import RetryState

from bot.config import Settings

# Slack answers most calls well inside a second; a hung call must not hold a worker for long.
TIMEOUT_SECONDS = 10


# Calls that post something: a 5xx or a dropped connection may come after Slack acted, so
# sending them again could post twice. They are never retried by the client.
POSTS = ("chat.postMessage", "chat.postEphemeral", "files.completeUploadExternal")


def _posts(request: HttpRequest) -> bool:
    return request.url.split("?", 1)[0].rsplit("/", 1)[-1] in POSTS


class AnyServerErrorRetryHandler(ServerErrorRetryHandler):
    """Retry every 5xx answer (the built-in handler only knows 500 and 503), with backoff —
    except for calls that post, which Slack may have done before failing."""

    def _can_retry(
        self, *, request: HttpRequest, response: HttpResponse | None = None, **_: Any
    ) -> bool:
        return response is not None and 500 <= response.status_code <= 599 and not _posts(request)


class SafeConnectionErrorRetryHandler(ConnectionErrorRetryHandler):
    """Retry a dropped connection, except for calls that post (it may have reached Slack)."""

    def _can_retry(
        self, *, state: RetryState, request: HttpRequest, response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:  # fmt: skip
        return not _posts(request) and super()._can_retry(
            state=state, request=request, response=response, error=error
        )


def retry_handlers() -> list[RetryHandler]:
    """Retry connection errors, 429s (sleeping for Retry-After) and 5xx answers a few times."""
    backoff = BackoffRetryIntervalCalculator(backoff_factor=0.5, jitter=RandomJitter())
    return [
        SafeConnectionErrorRetryHandler(max_retry_count=2, interval_calculator=backoff),
        RateLimitErrorRetryHandler(max_retry_count=3),
        AnyServerErrorRetryHandler(max_retry_count=2, interval_calculator=backoff),
    ]


def make_web_client(settings: Settings, *, retries: bool = True) -> WebClient:
    """Build the bot's WebClient against SLACK_API_BASE_URL. Without `retries` every failure
    comes back to the caller: the outbox sender's client, since a 5xx or a dropped connection
    may come after Slack posted (the sender looks before posting again, bot.delivery) and it
    paces itself on 429s."""
    token = settings.slack_bot_token.get_secret_value() if settings.slack_bot_token else None
    return WebClient(
        token=token,
        base_url=settings.slack_api_base_url,
        timeout=TIMEOUT_SECONDS,
        retry_handlers=retry_handlers() if retries else [],
    )
