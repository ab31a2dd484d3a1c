"""Reading the helpdesk's next pages while the last ones are stored: a thread pulls pages ahead
(at most DEPTH waiting), so the API's answers and the database's writes overlap instead of
taking turns. Pages arrive in order; an error from the helpdesk (a refused token, a 5xx after
retries) is raised where the page would have been."""

import queue
import threading
from collections.abc import Iterator
from typing import TypeVar

T = TypeVar("T")
DEPTH = 2  # pages held ahead: a sync that stops has fetched at most this many for nothing
_DONE = object()


class _Failed:
    def __init__(self, error: BaseException) -> None:
        self.error = error


def prefetch(pages: Iterator[T], depth: int = DEPTH) -> Iterator[T]:
    """`pages`, read ahead by a background thread."""
    waiting: queue.Queue[object] = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def pull() -> None:
        try:
            for page in pages:
                while not stop.is_set():
                    try:
                        waiting.put(page, timeout=0.2)
                        break
                    except queue.Full:
                        continue
                if stop.is_set():
                    return
            waiting.put(_DONE)
        except BaseException as error:  # handed to the reader, raised there
            waiting.put(_Failed(error))

    reader = threading.Thread(target=pull, name="cx-sync-prefetch", daemon=True)
    reader.start()
    try:
        while True:
            item = waiting.get()
            if item is _DONE:
                return
            if isinstance(item, _Failed):
                raise item.error
            yield item  # type: ignore[misc]
    finally:
        stop.set()
        reader.join(timeout=5)
