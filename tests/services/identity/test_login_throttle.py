"""The login throttle: free tries, then doubling waits, per address and over all addresses."""

from __future__ import annotations

import threading

import pytest

from pds.services.identity.login_throttle import Admission, Backoff, LoginThrottle

ALICE, BOB = "198.51.100.1", "198.51.100.2"


class Ticks:
    """A monotonic clock that moves only when told to."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def ticks() -> Ticks:
    return Ticks()


def fail(throttle: LoginThrottle, address: str, times: int) -> None:
    for _ in range(times):
        assert throttle.admit(address).allowed


def test_backoff_doubles_up_to_its_cap() -> None:
    rule = Backoff(free=3, base=1.0, cap=10.0, forget_after=60.0)
    assert [rule.wait(n) for n in range(8)] == [0, 0, 0, 1, 2, 4, 8, 10]
    assert rule.wait(10_000) == 10.0


def test_an_address_waits_longer_after_each_failure(ticks: Ticks) -> None:
    throttle = LoginThrottle(clock=ticks)
    fail(throttle, ALICE, 5)  # the free tries
    assert throttle.admit(ALICE) == Admission(False, 1, "address")
    ticks.now += 1
    fail(throttle, ALICE, 1)
    assert throttle.admit(ALICE) == Admission(False, 2, "address")
    ticks.now += 1.5
    assert throttle.admit(ALICE) == Admission(False, 1, "address")  # rounded up
    ticks.now += 0.5
    fail(throttle, ALICE, 1)
    assert throttle.admit(ALICE).retry_after == 4
    assert throttle.failures(ALICE) == 7  # refused tries are not counted
    assert throttle.admit(BOB).allowed  # another address is not slowed


def test_the_wait_per_address_is_capped(ticks: Ticks) -> None:
    throttle = LoginThrottle(clock=ticks)
    for _ in range(30):
        admission = throttle.admit(ALICE)
        if not admission.allowed:
            ticks.now += admission.retry_after
            assert throttle.admit(ALICE).allowed
    assert throttle.admit(ALICE).retry_after == 15 * 60


def test_success_forgets_the_address_failures(ticks: Ticks) -> None:
    throttle = LoginThrottle(clock=ticks)
    fail(throttle, ALICE, 5)
    ticks.now += 1
    assert throttle.admit(ALICE).allowed
    throttle.succeeded(ALICE)
    assert throttle.failures(ALICE) == 0
    fail(throttle, ALICE, 5)


def test_failures_are_forgotten_after_a_quiet_day(ticks: Ticks) -> None:
    throttle = LoginThrottle(clock=ticks)
    fail(throttle, ALICE, 5)
    ticks.now += 24 * 3600 + 1
    fail(throttle, ALICE, 5)


def test_many_addresses_share_an_overall_budget(ticks: Ticks) -> None:
    throttle = LoginThrottle(clock=ticks)
    for i in range(30):
        assert throttle.admit(f"203.0.113.{i}").allowed
    assert throttle.admit("203.0.113.200") == Admission(False, 1, "overall")
    ticks.now += 1
    assert throttle.admit("203.0.113.200").allowed
    assert throttle.admit("203.0.113.201") == Admission(False, 2, "overall")


def test_the_overall_wait_is_capped_and_forgotten(ticks: Ticks) -> None:
    throttle = LoginThrottle(clock=ticks)
    admitted = 0
    while admitted < 40:
        admission = throttle.admit(f"203.0.113.{admitted}")
        admitted += admission.allowed
        ticks.now += admission.retry_after
    assert throttle.admit("192.0.2.1") == Admission(False, 60, "overall")
    ticks.now += 15 * 60 + 61
    assert throttle.admit("192.0.2.1").allowed


def test_an_address_that_logged_in_is_not_held_up_by_others(ticks: Ticks) -> None:
    throttle = LoginThrottle(clock=ticks)
    assert throttle.admit(ALICE).allowed
    throttle.succeeded(ALICE)
    for i in range(31):
        throttle.admit(f"203.0.113.{i}")
    assert throttle.admit(BOB).by == "overall"
    assert throttle.admit(ALICE).allowed  # its own rule still applies, the overall one not


def test_a_parallel_burst_gets_only_the_free_tries() -> None:
    throttle = LoginThrottle()
    results: list[bool] = []
    lock = threading.Lock()
    start = threading.Barrier(20)

    def attempt() -> None:
        start.wait()
        allowed = throttle.admit(ALICE).allowed
        with lock:
            results.append(allowed)

    threads = [threading.Thread(target=attempt) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results.count(True) == 5


def test_the_table_of_addresses_is_bounded(ticks: Ticks) -> None:
    throttle = LoginThrottle(clock=ticks, max_addresses=3)
    for address in ("a", "b", "c", "d"):
        throttle.admit(address)
    assert throttle.failures("a") == 0  # the least recent was dropped
    assert throttle.failures("d") == 1
