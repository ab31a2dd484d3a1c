"""Pages read ahead while the last ones are stored: same pages, same order, the helpdesk's
error where its page would have been, and a reader that stops early stops the fetching."""

from collections.abc import Iterator

import pytest

from bot.sync.api import AuthRejected
from bot.sync.prefetch import prefetch


def test_pages_come_in_order_and_an_error_where_it_happened() -> None:
    def pages() -> Iterator[int]:
        yield from range(5)
        raise AuthRejected("the helpdesk rejected the credentials")

    seen: list[int] = []
    with pytest.raises(AuthRejected):
        seen.extend(prefetch(pages()))
    assert seen == [0, 1, 2, 3, 4]


def test_a_reader_that_stops_early_stops_the_fetching() -> None:
    fetched: list[int] = []

    def pages() -> Iterator[int]:
        for n in range(1000):
            fetched.append(n)
            yield n

    for page in prefetch(pages(), depth=2):
        if page == 3:
            break
    assert len(fetched) <= 3 + 2 + 2  # what was read, what waited, and one in flight
