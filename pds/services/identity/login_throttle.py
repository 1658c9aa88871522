"""Login throttling: a growing wait after failed logins, per client address and overall.

Every attempt is admitted (or refused) *before* the password is checked, and an
admitted attempt counts as a failure at once; ``succeeded`` takes it back. So a
burst of parallel guesses cannot slip through between the check and the count,
and a refused attempt costs the server no password hash.

Per address: ``free`` failures, then waits of ``base``, 2 x ``base``, 4 x ``base``
... seconds (at most ``cap``) after the latest failure. The same rule over all
addresses together (with a larger ``free`` and a smaller ``cap``) slows a guess
spread over many addresses. An address that logged in recently is exempt from the
overall rule (it still has its own), so an attack from elsewhere cannot lock the
owner out. Nothing sleeps: a refusal says how long to wait. State lives in memory,
one throttle per process, and is forgotten after ``forget_after`` quiet seconds.
"""

from __future__ import annotations

import math
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

MonotonicClock = Callable[[], float]


@dataclass(frozen=True)
class Backoff:
    """``free`` failures allowed, then ``base * 2**k`` seconds between tries, at most ``cap``."""

    free: int
    base: float
    cap: float
    forget_after: float  # quiet seconds after which the failures are forgotten (> cap)

    def wait(self, failures: int) -> float:
        """Seconds to wait after the latest of ``failures`` failures before the next try."""
        if failures < self.free:
            return 0.0
        return min(self.base * 2.0 ** min(failures - self.free, 64), self.cap)


PER_ADDRESS = Backoff(free=5, base=1.0, cap=15 * 60.0, forget_after=24 * 3600.0)
OVERALL = Backoff(free=30, base=1.0, cap=60.0, forget_after=15 * 60.0)


@dataclass(frozen=True)
class Admission:
    """Whether an attempt may go ahead; if not, ``retry_after`` seconds and ``by`` which rule."""

    allowed: bool
    retry_after: int = 0
    by: str = ""  # "address" or "overall" when refused


@dataclass
class _Failures:
    count: int = 0
    last: float = 0.0

    def retry_after(self, rule: Backoff, now: float) -> float:
        return max(0.0, self.last + rule.wait(self.count) - now)

    def forget_if_quiet(self, rule: Backoff, now: float) -> None:
        if self.count and now - self.last > rule.forget_after:
            self.count = 0


class LoginThrottle:
    """Thread-safe, in-memory login throttle (see the module docstring)."""

    def __init__(
        self,
        *,
        per_address: Backoff = PER_ADDRESS,
        overall: Backoff = OVERALL,
        clock: MonotonicClock = time.monotonic,
        max_addresses: int = 10_000,
        trust_for: float = 30 * 24 * 3600.0,
    ) -> None:
        self.per_address = per_address
        self.overall = overall
        self._clock = clock
        self._max_addresses = max_addresses
        self._trust_for = trust_for
        self._lock = threading.Lock()
        self._addresses: OrderedDict[str, _Failures] = OrderedDict()  # least recent first
        self._all = _Failures()
        self._trusted: OrderedDict[str, float] = OrderedDict()  # address -> last login

    def admit(self, address: str) -> Admission:
        """Admit an attempt from ``address`` (counted as failed until ``succeeded``) or refuse."""
        with self._lock:
            now = self._clock()
            mine = self._addresses.get(address) or _Failures()
            mine.forget_if_quiet(self.per_address, now)
            self._all.forget_if_quiet(self.overall, now)
            wait = mine.retry_after(self.per_address, now)
            if wait > 0:
                return Admission(False, math.ceil(wait), "address")
            trusted = now - self._trusted.get(address, -math.inf) <= self._trust_for
            wait = 0.0 if trusted else self._all.retry_after(self.overall, now)
            if wait > 0:
                return Admission(False, math.ceil(wait), "overall")
            mine.count, mine.last = mine.count + 1, now
            self._all.count, self._all.last = self._all.count + 1, now
            self._addresses[address] = mine
            self._addresses.move_to_end(address)
            self._bound(self._addresses)
            return Admission(True)

    def succeeded(self, address: str) -> None:
        """The admitted attempt from ``address`` was right: forget its failures, trust it."""
        with self._lock:
            if self._addresses.pop(address, None) is not None:
                self._all.count = max(0, self._all.count - 1)
            self._trusted[address] = self._clock()
            self._trusted.move_to_end(address)
            self._bound(self._trusted)

    def failures(self, address: str) -> int:
        """Failed attempts counted against ``address`` (for tests and the docs)."""
        with self._lock:
            entry = self._addresses.get(address)
            return 0 if entry is None else entry.count

    def _bound(self, table: OrderedDict[str, Any]) -> None:
        while len(table) > self._max_addresses:
            table.popitem(last=False)
