"""The host executor end to end through one environment at a time, or several: a real node
runtime process, LocalStack's real router for the ready/error callbacks (conftest.py)."""

import json
import os
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest

from localstack.services.lambda_.invocation.executor_endpoint import StatusErrorException


def invoke(executor, event=None):
    request_id = str(uuid.uuid4())
    result = executor.invoke(
        {
            "invoke-id": request_id,
            "invoked-function-arn": executor.function_version.qualified_arn,
            "payload": json.dumps(event),
            "trace-id": "Root=1-00000000-000000000000000000000000",
        }
    )
    assert result.request_id == request_id
    return result, json.loads(result.payload)


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def wait_gone(pid: int, within: float = 5.0) -> bool:
    deadline = time.time() + within
    while time.time() < deadline:
        if not pid_alive(pid):
            return True
        time.sleep(0.05)
    return False


def test_invokes_a_handler_with_its_event_environment_and_context(environments):
    executor = environments("index.echo")
    result, body = invoke(executor, {"n": 1})
    assert not result.is_error
    assert body["event"] == {"n": 1}
    assert body["secret"] == "s3cret"
    assert body["executionEnv"] == "AWS_Lambda_nodejs24.x"
    assert 0 < body["remainingMs"] <= 3000
    # The runtime's log lines, as the AWS runtime prints them: INIT_START names the node.
    assert result.logs.startswith("INIT_START Runtime Version: nodejs24.x on host node v")
    assert f"START RequestId: {result.request_id}" in result.logs
    assert f"REPORT RequestId: {result.request_id}" in result.logs
    # The same process answers the next invocation (a warm environment).
    _, again = invoke(executor, {"n": 2})
    assert again["pid"] == body["pid"]
    assert "INIT_START" not in _.logs


def test_a_handler_error_is_an_error_result_and_the_environment_stays(environments):
    executor = environments("index.fail")
    result, body = invoke(executor)
    assert result.is_error
    assert body["errorType"] == "TypeError"
    assert body["errorMessage"] == "bad input"
    assert executor.process.alive


def test_timeout_by_the_runtime_timer_then_a_fresh_process(environments):
    executor = environments("index.slow", timeout=1)
    first_pid = executor.process.popen.pid
    started = time.time()
    result, body = invoke(executor)
    assert result.is_error
    assert body["errorType"] == "Sandbox.Timedout"
    assert "Task timed out after 1.00 seconds" in body["errorMessage"]
    assert time.time() - started < 1 + 0.5 + 2  # timeout + grace, on a loaded machine
    assert wait_gone(first_pid)
    # The next invoke on the same environment starts a new runtime (a new INIT).
    result, _ = invoke(executor)
    assert result.is_error and executor.process.popen.pid != first_pid


def test_timeout_of_a_handler_blocking_the_event_loop_kills_it(environments):
    executor = environments("index.block", timeout=1)
    pid = executor.process.popen.pid
    result, body = invoke(executor)
    assert result.is_error
    assert body["errorType"] == "Sandbox.Timedout"
    # The executor wrote the lines the blocked runtime could not.
    assert "Task timed out after 1.00 seconds" in result.logs
    assert f"END RequestId: {result.request_id}" in result.logs
    assert wait_gone(pid)


def test_a_crash_fails_the_invocation_and_the_next_one_starts_afresh(environments):
    executor = environments("index.crash")
    pid = executor.process.popen.pid
    result, body = invoke(executor)
    assert result.is_error
    assert body["errorType"] == "Runtime.ExitError"
    assert "exit status 3" in body["errorMessage"]
    assert "about to exit" in result.logs
    assert wait_gone(pid)
    result, body = invoke(executor)
    assert body["errorType"] == "Runtime.ExitError"
    assert executor.process.popen.pid != pid


def test_memory_past_memory_size_kills_that_process_only(environments):
    # Buffers: memory outside the V8 heap, which --max-old-space-size does not limit.
    executor = environments("index.leak")
    other = environments("index.echo")
    other_pid = other.process.popen.pid
    pid = executor.process.popen.pid
    result, body = invoke(executor)
    assert body["errorType"] == "Runtime.OutOfMemory"
    assert "signal: killed" in body["errorMessage"]
    assert executor.process.max_memory_mb > 128 - 1
    assert wait_gone(pid)
    result, body = invoke(other, {"still": "here"})
    assert not result.is_error
    assert other.process.popen.pid == other_pid
    result, body = invoke(executor)
    assert executor.process.popen.pid != pid  # a fresh process


@pytest.mark.parametrize(
    ("handler", "error_type"),
    [("index.asyncThrow", "TypeError"), ("index.rejection", "Runtime.UnhandledPromiseRejection")],
)
def test_an_uncaught_error_fails_the_invocation(environments, handler, error_type):
    executor = environments(handler)
    result, body = invoke(executor)
    assert result.is_error
    assert body["errorType"] == error_type


def test_an_init_error_fails_the_start_with_the_runtime_error(environments):
    with pytest.raises(StatusErrorException) as failed:
        environments("broken.handler")
    payload = json.loads(failed.value.payload)
    assert payload["errorType"] == "Runtime.ImportModuleError"
    assert payload["errorMessage"] == "broken at import"


def test_a_missing_handler_fails_the_start(environments):
    with pytest.raises(StatusErrorException) as failed:
        environments("index.nothing")
    payload = json.loads(failed.value.payload)
    assert payload["errorType"] == "Runtime.HandlerNotFound"
    assert payload["errorMessage"] == "index.nothing is undefined or not exported"


def test_several_environments_at_once_each_its_own_process(environments):
    executors = [environments("index.echo") for _ in range(3)]
    with ThreadPoolExecutor(max_workers=6) as pool:
        results = list(pool.map(lambda e: invoke(e, {"id": e.id}), executors * 2))
    assert all(not r.is_error for r, _ in results)
    by_env: dict[str, set[int]] = {}
    for _, body in results:
        by_env.setdefault(body["event"]["id"], set()).add(body["pid"])
    assert sorted(by_env) == sorted(e.id for e in executors)
    assert all(len(pids) == 1 for pids in by_env.values())
    assert len({pid for pids in by_env.values() for pid in pids}) == 3


def test_stop_ends_the_process_and_its_children(environments):
    executor = environments("index.echo")
    pid = executor.process.popen.pid
    group = os.getpgid(pid)
    executor.stop()
    assert wait_gone(pid)
    with pytest.raises(ProcessLookupError):
        os.killpg(group, 0)  # signal 0: does the group exist?
