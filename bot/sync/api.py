"""A small JSON client for a helpdesk's REST API: basic auth, 429 + Retry-After honoured,
server errors retried a little, a rejected credential said once and clearly."""

import base64
import json
import logging
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from typing import Any

logger = logging.getLogger(__name__)

TIMEOUT = 30
SERVER_RETRIES = 3


class AuthRejected(Exception):
    """The helpdesk refused the credentials (401/403): nothing to retry until they change."""


class ApiError(Exception):
    """The helpdesk answered with an error we cannot retry, or kept failing."""


class HelpdeskApi:
    """GETs JSON from one helpdesk with one set of credentials."""

    def __init__(
        self, base_url: str, user: str, password: str, *,
        sleep: Callable[[float], None] = time.sleep, max_wait: float = 300.0,
    ) -> None:  # fmt: skip
        self.base_url = base_url.rstrip("/")
        token = base64.b64encode(f"{user}:{password}".encode()).decode()
        self._headers = {"Authorization": f"Basic {token}", "Accept": "application/json"}
        self._sleep = sleep
        self._max_wait = max_wait  # longest Retry-After we wait out within one call
        self.requests = 0

    def get(self, path: str, params: dict[str, Any] | None = None) -> Any:
        """The JSON at `path` (a path under the base URL, or a full URL the API gave us)."""
        url = path if path.startswith("http") else f"{self.base_url}{path}"
        if params:
            url += ("&" if "?" in url else "?") + urllib.parse.urlencode(params)
        failures = 0
        while True:
            self.requests += 1
            request = urllib.request.Request(url, headers=self._headers)
            try:
                with urllib.request.urlopen(request, timeout=TIMEOUT) as answer:
                    return json.load(answer)
            except urllib.error.HTTPError as error:
                if error.code in (401, 403):
                    raise AuthRejected(
                        f"{self.base_url} rejected the credentials (HTTP {error.code})"
                    ) from None
                if error.code == 429:
                    wait = float(error.headers.get("Retry-After") or 60)
                    if wait > self._max_wait:
                        raise ApiError(f"rate limited for {wait:.0f} s; try later") from None
                    logger.info("helpdesk API: 429, waiting %.0f s as asked", wait)
                    self._sleep(wait)
                    continue
                if error.code >= 500 and failures < SERVER_RETRIES:
                    failures += 1
                    self._sleep(2.0**failures)
                    continue
                raise ApiError(f"{url.split('?')[0]} answered HTTP {error.code}") from None
            except (urllib.error.URLError, TimeoutError, ValueError) as error:
                if failures < SERVER_RETRIES:
                    failures += 1
                    self._sleep(2.0**failures)
                    continue
                raise ApiError(f"cannot reach {self.base_url}: {error}") from None
