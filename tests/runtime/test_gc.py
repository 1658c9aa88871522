"""Nothing in a request thread changes how the whole process collects its garbage: only
the main thread and the runtime's workers may pause the collector."""

from __future__ import annotations

import gc
import threading
from collections.abc import Callable

from flask.testing import FlaskClient

from pds.runtime import Runtime
from pds.runtime.current import runtime_of
from pds.store.gcpause import gc_pauses_allowed, paused_gc
from tests.runtime.test_runtime import fill


def collecting_inside(run: Callable[[Callable[[], None]], None]) -> bool:
    """Whether the collector runs inside ``paused_gc`` in the thread ``run`` makes."""
    seen: list[bool] = []

    def body() -> None:
        with paused_gc():
            seen.append(gc.isenabled())

    run(body)
    assert len(seen) == 1 and gc.isenabled()
    return seen[0]


def in_thread(body: Callable[[], None]) -> None:
    thread = threading.Thread(target=body)
    thread.start()
    thread.join()


def test_only_the_main_thread_and_the_runtimes_workers_pause_it() -> None:
    assert not collecting_inside(lambda body: body())  # the main thread: the command line

    def owned(body: Callable[[], None]) -> None:
        def worker() -> None:
            with gc_pauses_allowed():
                body()

        in_thread(worker)

    assert not collecting_inside(owned)
    assert collecting_inside(in_thread)  # any other thread: a request's, say


def test_the_insights_page_leaves_the_collector_running(owner: FlaskClient) -> None:
    """The insights page recomputes over every interaction; served on a thread of its own,
    as waitress serves it, it never pauses the collector, however long it takes."""
    runtime: Runtime = runtime_of(owner.application)
    fill(runtime, 30_000)
    states: set[bool] = set()
    answers: list[int] = []
    request = threading.Thread(target=lambda: answers.append(owner.get("/insights").status_code))
    request.start()
    while request.is_alive():
        states.add(gc.isenabled())
    request.join()
    assert answers == [200]
    assert states == {True}
