"""The host executor's figures (stats.py): the windows, percentiles and history on a driven
clock; then the real executor and runtime counting instances, cold starts and outcomes; the
stats route over LocalStack's router; and the throttle counter against LocalStack's real
CountingService (a contract test of the member patches.py wraps)."""

import json
import threading
import time
import urllib.request

import pytest

from localstack.aws.api.lambda_ import TooManyRequestsException
from localstack.services.lambda_.invocation.counting_service import CountingService
from localstack.services.lambda_.invocation.lambda_models import Function
from localstack.services.lambda_.invocation.version_manager import LambdaVersionManager
from localstack_host_executor.patch_guard import LOCALSTACK_VERSION, apply_patches
from localstack_host_executor.patches import PATCHES
from localstack_host_executor.settings import load_settings
from localstack_host_executor.stats import (
    DURATION_BUCKETS,
    HISTORY_SECONDS,
    HostStats,
    Memory,
    bucket_of,
    host_stats,
    percentile,
)
from localstack_host_executor.stats_route import STATS_PATH, register_stats_route

from conftest import function_version
from test_executor import invoke, wait_gone


class Clock:
    def __init__(self, at: float = 1_000_000.0):
        self.at = at

    def __call__(self) -> float:
        return self.at


def figures(stats: HostStats, name: str = "fn") -> dict:
    return stats.report()["functions"][name]


def test_buckets_and_percentiles_are_within_five_percent():
    assert bucket_of(0) == 0
    assert bucket_of(10**9) == DURATION_BUCKETS - 1
    histogram: dict[int, int] = {}
    for ms in range(1, 101):  # 1..100 ms, once each
        histogram[bucket_of(ms)] = histogram.get(bucket_of(ms), 0) + 1
    assert percentile(histogram, 0.5) == pytest.approx(50, rel=0.05)
    assert percentile(histogram, 0.95) == pytest.approx(95, rel=0.05)
    assert percentile({}, 0.5) is None


def test_instances_cold_starts_and_outcomes_in_their_windows():
    clock = Clock()
    stats = HostStats(clock)
    stats.instance_started("fn", 101)
    stats.instance_started("fn", 102)
    for outcome, seconds in (("ok", 0.1), ("ok", 0.1), ("error", 0.2), ("timeout", 3.0)):
        started = stats.invocation_started("fn")
        clock.at += seconds
        stats.invocation_ended("fn", started, outcome)
    stats.instance_gone("fn", 102)
    clock.at += 1
    now = figures(stats)
    assert (now["instances"], now["busy"], now["coldStarts"], now["coldStartsTotal"]) == (1, 0, 2, 2)
    assert (now["errors"], now["timeouts"], now["throttles"]) == (1, 1, 0)
    assert now["invocationsPerSecond"] == pytest.approx(4 / 5)
    assert now["durationP50Ms"] == pytest.approx(100, rel=0.05)
    assert now["durationP95Ms"] == pytest.approx(3000, rel=0.05)
    # A minute later the window is empty; the total and the live instance remain.
    clock.at += 61
    later = figures(stats)
    assert (later["coldStarts"], later["errors"], later["invocationsPerSecond"]) == (0, 0, 0)
    assert later["durationP50Ms"] is None
    assert (later["coldStartsTotal"], later["instances"]) == (2, 1)


def test_memory_the_largest_in_the_window_its_size_and_the_out_of_memory_kills():
    clock = Clock()
    stats = HostStats(clock)
    stats.instance_started("fn", 101)
    assert figures(stats)["maxMemoryUsedMb"] is None  # nothing ended: none, not 0 MB
    for used in (60, 140, 257, 58):
        stats.invocation_ended("fn", stats.invocation_started("fn"), "ok", Memory(used, 256))
        clock.at += 1
    # Kills are counted as the processes exit; an exit of another cause is no kill.
    stats.instance_gone("fn", 101, out_of_memory=True)
    stats.instance_started("fn", 102)
    stats.instance_gone("fn", 102)
    stats.instance_started("fn", 103)
    stats.instance_gone("fn", 103, out_of_memory=True)
    now = figures(stats)
    assert (now["maxMemoryUsedMb"], now["memorySizeMb"], now["outOfMemory"]) == (257, 256, 2)
    assert stats.report()["memoryMeasured"] is True
    clock.at += 61
    later = figures(stats)
    assert (later["maxMemoryUsedMb"], later["outOfMemory"]) == (None, 0)


def test_concurrency_history_holds_each_seconds_peak_and_carries_a_long_call():
    clock = Clock(2_000_000.0)
    stats = HostStats(clock)
    first = stats.invocation_started("fn")
    clock.at += 0.2
    second = stats.invocation_started("fn")  # two at once in this second
    clock.at += 0.1
    stats.invocation_ended("fn", second, "ok")
    clock.at += 10  # the first call still runs through ten quiet seconds
    stats.invocation_ended("fn", first, "ok")
    clock.at += 2
    report = stats.report()
    history = report["functions"]["fn"]["concurrency"]
    assert len(history) == HISTORY_SECONDS
    assert report["historyStart"] == int(clock.at) - HISTORY_SECONDS + 1
    assert history[-13:] == [2] + [1] * 10 + [0, 0]
    assert history[:-13] == [0] * (HISTORY_SECONDS - 13)


def test_memory_is_bounded_by_the_history_not_by_the_run_length():
    clock = Clock()
    stats = HostStats(clock)
    for _ in range(3 * HISTORY_SECONDS):
        stats.invocation_ended("fn", stats.invocation_started("fn"), "ok")
        clock.at += 1
    stats.report()
    assert len(stats._functions["fn"]._seconds) <= HISTORY_SECONDS + 1


def test_the_executor_counts_its_processes_invocations_and_outcomes(environments):
    executor = environments("index.echo")
    name = executor.function_version.id.function_name
    invoke(executor, {"n": 1})
    invoke(executor, {"n": 2})
    now = figures(host_stats(), name)
    assert (now["instances"], now["busy"], now["coldStartsTotal"], now["errors"]) == (1, 0, 1, 0)
    assert sum(now["concurrency"][-5:]) >= 1

    failing = environments("index.fail")
    invoke(failing)
    assert figures(host_stats(), failing.function_version.id.function_name)["errors"] == 1

    slow = environments("index.slow", timeout=1)
    slow_name = slow.function_version.id.function_name
    pid = slow.process.popen.pid
    invoke(slow)
    assert wait_gone(pid)
    gone = figures(host_stats(), slow_name)
    assert (gone["timeouts"], gone["instances"], gone["coldStartsTotal"]) == (1, 0, 1)
    # The next call gets a fresh process: a second cold start (and a second timeout).
    invoke(slow)
    again = figures(host_stats(), slow_name)
    assert (again["timeouts"], again["coldStartsTotal"]) == (2, 2)
    slow.stop()
    executor.stop()
    assert wait_gone(pid_of(executor))
    assert figures(host_stats(), name)["instances"] == 0
    assert figures(host_stats(), slow_name)["instances"] == 0


def test_the_executor_reports_memory_and_out_of_memory_kills(environments):
    echo = environments("index.echo")
    invoke(echo)
    quiet = figures(host_stats(), echo.function_version.id.function_name)
    # A node process's resident memory, well under the function's 128 MB.
    assert 10 < quiet["maxMemoryUsedMb"] < 128
    assert (quiet["memorySizeMb"], quiet["outOfMemory"]) == (128, 0)
    leak = environments("index.leak")
    invoke(leak)
    killed = figures(host_stats(), leak.function_version.id.function_name)
    assert killed["outOfMemory"] == 1
    assert killed["maxMemoryUsedMb"] >= 128


def test_a_kill_for_memory_between_invocations_is_counted(environments, code_dir):
    # A timer the invocation left running leaks after it returned (well after: the invocation
    # itself must succeed), until the memory watch kills the process with no invocation on.
    (code_dir / "later.js").write_text(
        "exports.leak = async () => { const kept = []; setTimeout(() => setInterval(() =>"
        " kept.push(Buffer.alloc(8e6, 1)), 10), 300); return 'done'; };\n"
    )
    executor = environments("later.leak")
    name = executor.function_version.id.function_name
    pid = executor.process.popen.pid
    result, body = invoke(executor)
    assert (result.is_error, body) == (False, "done")
    assert executor.process.popen.wait(timeout=10) is not None and executor.process.out_of_memory
    assert wait_gone(pid)
    deadline = time.time() + 5  # the exit is counted by its own thread (process.py)
    while figures(host_stats(), name)["outOfMemory"] == 0 and time.time() < deadline:
        time.sleep(0.05)
    gone = figures(host_stats(), name)
    assert (gone["outOfMemory"], gone["instances"]) == (1, 0)


def test_the_peak_counts_what_the_sampler_did_not_see(environments, monkeypatch):
    # One sample at start, then none for a minute: the peak still comes from the kernel's
    # high-water mark, as Lambda's Max Memory Used does (it was the sampler's start-up 8 MB).
    monkeypatch.setattr("localstack_host_executor.process.MEMORY_WATCH_SEC", 60)
    echo = environments("index.echo")
    invoke(echo)
    assert 10 < figures(host_stats(), echo.function_version.id.function_name)["maxMemoryUsedMb"]
    assert 10 < echo.process.max_memory_mb < 128


def pid_of(executor) -> int:
    return executor.process.popen.pid


def test_the_route_serves_the_figures_as_json(environments, gateway):
    executor = environments("index.echo")
    invoke(executor)
    register_stats_route()
    with urllib.request.urlopen(f"http://127.0.0.1:{gateway}{STATS_PATH}", timeout=5) as answer:
        assert answer.headers["Content-Type"].startswith("application/json")
        body = json.load(answer)
    assert body["windowSeconds"] == 60 and body["rateWindowSeconds"] == 5
    assert body["functions"][executor.function_version.id.function_name]["instances"] == 1


@pytest.fixture
def throttle_counter():
    applied = apply_patches(LOCALSTACK_VERSION, load_settings({"HOST_EXECUTOR_PATCHES": "0"}), PATCHES)
    yield applied
    for p in reversed(applied):
        p.undo()


def test_a_call_refused_at_the_concurrency_limit_is_counted(throttle_counter, code_dir):
    assert host_stats().throttles_counted
    fv = function_version(code_dir, "index.echo")
    # LocalStack's own version manager and counting service; reserved concurrency 0 refuses
    # every call before an environment is asked for one.
    manager = LambdaVersionManager.__new__(LambdaVersionManager)
    manager.function_arn = fv.qualified_arn
    manager.function_version = fv
    manager.function = Function(function_name=fv.id.function_name, reserved_concurrent_executions=0)
    manager.shutdown_event = threading.Event()
    manager.ldm_provisioner = None
    manager.counting_service = CountingService()
    invocation = type("Invocation", (), {"request_id": "r1", "user_agent": None})()
    with pytest.raises(TooManyRequestsException):
        manager.invoke(invocation=invocation)
    assert figures(host_stats(), fv.id.function_name)["throttles"] == 1
