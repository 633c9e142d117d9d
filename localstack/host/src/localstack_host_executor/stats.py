"""What the host executor measures of each function, for the dashboard's Cloud panel on stage
``local`` in host mode: LocalStack's own CloudWatch gets only ``Invocations`` and ``Errors``
(and host mode turns even those off), but every execution environment here is a ``node``
process this executor starts, so it knows the figures first hand:

* an **instance** is a runtime process that is alive; a **cold start** is a process started
  (an INIT: the first start, or a fresh process after a timeout or a crash);
* **busy** is an invocation running in one of them; the per-second **concurrency** history is
  the peak of busy in each second;
* every invocation's **outcome** (ok, error, timeout) and **duration**;
* a **throttle** is a call LocalStack refused at the concurrency limit (counted by a patch of
  ``LambdaVersionManager.invoke``, see patches.py; unpatched, throttles are not reported);
* **memory**: the largest resident memory of a function's process as its invocations end
  (Lambda's Max Memory Used, process.py samples it), its MemorySize, and the processes killed
  for going past it (out of memory), counted as they exit: a kill between invocations (code a
  finished one left running) counts too.

Served as JSON at ``GET /_host_executor/stats`` on LocalStack's gateway (stats_route.py);
the webui function's ``GET /cloud`` reads it (functions/webui/cloud/host-report.ts). Memory
is bounded by time, not by a cap: a second older than ``HISTORY_SECONDS`` is dropped, and a
second keeps counters and a duration histogram (at most ``DURATION_BUCKETS`` cells).
"""

import math
import threading
import time
from dataclasses import dataclass, field

# Equal to functions/shared/cloud-report.ts (the report's windows).
REPORT_WINDOW_SECONDS = 60
RATE_WINDOW_SECONDS = 5
HISTORY_SECONDS = 300

# Duration histogram, as offline/cloud/function-window.ts: buckets 10 % wide (percentiles
# within ±5 %), from 0.1 ms to 15 minutes.
MIN_DURATION_MS = 0.1
BUCKET_RATIO = 1.1
DURATION_BUCKETS = math.ceil(math.log(900_000 / MIN_DURATION_MS) / math.log(BUCKET_RATIO)) + 1

OUTCOMES = ("ok", "error", "timeout")


def bucket_of(ms: float) -> int:
    if not ms > MIN_DURATION_MS:
        return 0
    return min(DURATION_BUCKETS - 1, math.ceil(math.log(ms / MIN_DURATION_MS) / math.log(BUCKET_RATIO)))


def bucket_value(bucket: int) -> float:
    """A bucket's representative value: the geometric middle of its bounds."""
    return MIN_DURATION_MS if bucket == 0 else MIN_DURATION_MS * BUCKET_RATIO ** (bucket - 0.5)


def percentile(histogram: dict[int, int], q: float) -> float | None:
    total = sum(histogram.values())
    if total == 0:
        return None
    rank = max(1, math.ceil(q * total))
    seen = 0
    for bucket in sorted(histogram):
        seen += histogram[bucket]
        if seen >= rank:
            return round(bucket_value(bucket), 1)
    return None  # unreachable: the ranks add up to total


@dataclass(frozen=True)
class Memory:
    """A function process's memory as an invocation ended."""

    used_mb: int = 0
    size_mb: int | None = None


@dataclass
class Second:
    """What happened to one function in one second."""

    invocations: int = 0
    cold_starts: int = 0
    throttles: int = 0
    errors: int = 0
    timeouts: int = 0
    out_of_memory: int = 0
    max_memory_mb: int = 0
    # Peak of busy within the second, and busy at its last event.
    peak: int = 0
    level: int = 0
    durations: dict[int, int] = field(default_factory=dict)


class FunctionStats:
    """One function's figures. Not thread-safe by itself: HostStats holds the lock."""

    def __init__(self) -> None:
        self.instances: set[int] = set()  # pids of live runtime processes
        self.busy = 0
        self.cold_starts_total = 0
        self.memory_size_mb: int | None = None
        self._seconds: dict[int, Second] = {}
        # Busy at the end of the newest second dropped from the history.
        self._level_before = 0

    def _second(self, now: float) -> Second:
        sec = int(now)
        slot = self._seconds.get(sec)
        if slot is None:
            oldest = sec - HISTORY_SECONDS
            for old in [s for s in self._seconds if s <= oldest]:
                self._level_before = self._seconds.pop(old).level
            # A new second starts at the level the last one ended with.
            slot = self._seconds[sec] = Second(peak=self.busy, level=self.busy)
        return slot

    def instance_started(self, pid: int, now: float) -> None:
        self.instances.add(pid)
        self.cold_starts_total += 1
        self._second(now).cold_starts += 1

    def instance_gone(self, pid: int, now: float, out_of_memory: bool) -> None:
        self.instances.discard(pid)
        if out_of_memory:
            self._second(now).out_of_memory += 1

    def invocation_started(self, now: float) -> None:
        slot = self._second(now)
        self.busy += 1
        slot.level = self.busy
        slot.peak = max(slot.peak, self.busy)

    def invocation_ended(
        self, now: float, duration_ms: float, outcome: str, memory: Memory = Memory()
    ) -> None:
        slot = self._second(now)
        self.busy = max(0, self.busy - 1)
        slot.level = self.busy
        slot.invocations += 1
        slot.max_memory_mb = max(slot.max_memory_mb, memory.used_mb)
        self.memory_size_mb = memory.size_mb
        if outcome == "error":
            slot.errors += 1
        elif outcome == "timeout":
            slot.timeouts += 1
        bucket = bucket_of(duration_ms)
        slot.durations[bucket] = slot.durations.get(bucket, 0) + 1

    def throttled(self, now: float) -> None:
        self._second(now).throttles += 1

    def figures(self, now: float) -> dict:
        """The figures at `now`: counts over the last REPORT_WINDOW_SECONDS (this second
        included), calls/s over the last RATE_WINDOW_SECONDS complete seconds."""
        current = int(now)
        self._second(now)  # rolls the history forward
        window = [self._seconds[s] for s in range(current - REPORT_WINDOW_SECONDS + 1, current + 1) if s in self._seconds]
        rate = [self._seconds[s] for s in range(current - RATE_WINDOW_SECONDS, current) if s in self._seconds]
        durations: dict[int, int] = {}
        for slot in window:
            for bucket, n in slot.durations.items():
                durations[bucket] = durations.get(bucket, 0) + n
        history: list[int] = []
        level = self._level_before
        for sec in range(current - HISTORY_SECONDS + 1, current + 1):
            slot = self._seconds.get(sec)
            history.append(slot.peak if slot else level)
            if slot:
                level = slot.level
        return {
            "instances": len(self.instances),
            "busy": self.busy,
            "invocationsPerSecond": round(sum(s.invocations for s in rate) / RATE_WINDOW_SECONDS, 2),
            "coldStarts": sum(s.cold_starts for s in window),
            "coldStartsTotal": self.cold_starts_total,
            "throttles": sum(s.throttles for s in window),
            "errors": sum(s.errors for s in window),
            "timeouts": sum(s.timeouts for s in window),
            "durationP50Ms": percentile(durations, 0.5),
            "durationP95Ms": percentile(durations, 0.95),
            "maxMemoryUsedMb": max((s.max_memory_mb for s in window), default=0) or None,
            "memorySizeMb": self.memory_size_mb,
            "outOfMemory": sum(s.out_of_memory for s in window),
            "concurrency": history,
        }


class HostStats:
    """Every function's figures, by function name; one lock (events are a few dict updates)."""

    def __init__(self, clock=time.time) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._functions: dict[str, FunctionStats] = {}
        # Set when the throttle-counting patch is applied (patches.py).
        self.throttles_counted = False

    def _fn(self, name: str) -> FunctionStats:
        found = self._functions.get(name)
        if found is None:
            found = self._functions[name] = FunctionStats()
        return found

    def instance_started(self, name: str, pid: int) -> None:
        with self._lock:
            self._fn(name).instance_started(pid, self._clock())

    def instance_gone(self, name: str, pid: int, out_of_memory: bool = False) -> None:
        """The process exited; `out_of_memory` when the memory watch killed it."""
        with self._lock:
            self._fn(name).instance_gone(pid, self._clock(), out_of_memory)

    def invocation_started(self, name: str) -> float:
        with self._lock:
            now = self._clock()
            self._fn(name).invocation_started(now)
            return now

    def invocation_ended(
        self, name: str, started: float, outcome: str, memory: Memory = Memory()
    ) -> None:
        with self._lock:
            now = self._clock()
            self._fn(name).invocation_ended(now, max(0.0, (now - started) * 1000), outcome, memory)

    def throttled(self, name: str) -> None:
        with self._lock:
            self._fn(name).throttled(self._clock())

    def report(self) -> dict:
        with self._lock:
            now = self._clock()
            return {
                "now": round(now * 1000),
                "windowSeconds": REPORT_WINDOW_SECONDS,
                "rateWindowSeconds": RATE_WINDOW_SECONDS,
                # Epoch second of the first entry of every function's `concurrency`.
                "historyStart": int(now) - HISTORY_SECONDS + 1,
                "throttlesCounted": self.throttles_counted,
                "memoryMeasured": True,
                "functions": {name: fn.figures(now) for name, fn in sorted(self._functions.items())},
            }


_STATS = HostStats()


def host_stats() -> HostStats:
    """The one registry of this LocalStack process (executors, the patch and the route)."""
    return _STATS
