"""A LocalStack Lambda ``RuntimeExecutor`` that runs each execution environment as a host
``node`` process: how LocalStack runs our functions without Docker.

LocalStack (4.13.1) drives an environment through four calls, all from
``services/lambda_/invocation/execution_environment.py``:

* ``prepare_version`` (class method, once per function version, ``version_manager.py:94``):
  checks the function and unpacks its code; an exception makes the function ``Failed``;
* ``start(env_vars)``: starts the environment, blocks until it posted ``/status/<id>/ready``;
* ``invoke(payload)``: POSTs ``/invoke`` to it, blocks until it posted the response or error;
* ``stop()``: keep-alive expiry, function update or delete, LocalStack's shutdown.

LocalStack keeps doing the rest: concurrency (reserved concurrency), event source mappings,
retries, DLQ. Unlike Docker's Go init, LocalStack does not enforce function timeouts, so this
executor does, twice: the runtime's own timer, and a hard kill here at timeout + grace (a
handler that blocks the event loop). After a timeout or a crash the process is gone, and the
next invoke on the environment starts a fresh one (a new INIT), as Lambda resets a sandbox.
"""

import concurrent.futures
import json
import logging
import os
import threading
import time
from datetime import datetime, timezone
from pathlib import Path

from localstack import config
from localstack.aws.api.lambda_ import PackageType
from localstack.services.lambda_.invocation.executor_endpoint import StatusErrorException
from localstack.services.lambda_.invocation.lambda_models import (
    FunctionVersion,
    InvocationResult,
)
from localstack.services.lambda_.invocation.runtime_executor import (
    LambdaRuntimeException,
    RuntimeExecutor,
)

from .endpoint import (
    HostExecutorEndpoint,
    InvocationDeadlineError,
    RuntimeGoneError,
    error_json,
)
from .node import node_bin, node_for, node_version, runtime_js
from .process import KILL_WAIT_SEC, RuntimeProcess
from .settings import HEAP_SHARE_OF_MEMORY, MIN_HEAP_MB, settings
from .stats import Memory, host_stats

LOG = logging.getLogger(__name__)
# Lambda's defaults, for a function version that does not say.
DEFAULT_TIMEOUT_SEC = 3.0
DEFAULT_MEMORY_MB = 128


def _timeout_json(request_id: str, timeout: float) -> bytes:
    return error_json(
        "Sandbox.Timedout",
        f"RequestId: {request_id} Error: Task timed out after {timeout:.2f} seconds",
    )


def _is_timeout(payload: bytes | None) -> bool:
    try:
        return json.loads(payload or b"{}").get("errorType") == "Sandbox.Timedout"
    except (ValueError, AttributeError):
        return False


class HostRuntimeExecutor(RuntimeExecutor):
    def __init__(self, id: str, function_version: FunctionVersion) -> None:
        super().__init__(id=id, function_version=function_version)
        self.executor_endpoint = HostExecutorEndpoint(self.id)
        self.process: RuntimeProcess | None = None
        self.env_vars: dict[str, str] = {}
        self._lock = threading.RLock()
        self._stopped = False
        # The key of this environment's figures (stats.py): the function, whatever the version.
        self._function_name = function_version.id.function_name
        # Its MemorySize: the heap limit, the memory watch's limit, the REPORT line, the stats.
        self._memory_mb = int(function_version.config.memory_size or DEFAULT_MEMORY_MB)

    # ---- lifecycle ------------------------------------------------------------------------
    def start(self, env_vars: dict[str, str]) -> None:
        self.env_vars = {k: str(v) for k, v in env_vars.items()}
        self.executor_endpoint.start()  # registers the routes and a startup future
        with self._lock:
            self._spawn()
        # Raises StatusErrorException (init failed) or ShutdownDuringStartup (LocalStack's
        # LAMBDA_RUNTIME_ENVIRONMENT_TIMEOUT fired and called stop()).
        self.executor_endpoint.wait_for_startup()

    def stop(self) -> None:
        self._stopped = True
        if self.process is not None:
            self.process.kill()
        try:
            self.executor_endpoint.shutdown()
        except (KeyError, AttributeError) as e:  # never registered, or gone already
            LOG.debug("host executor %s: endpoint shutdown: %s", self.id, e)

    def _spawn(self) -> None:
        code_dir = self._code_dir()
        args = [node_bin(self.function_version.config.runtime)]
        if settings().heap_limit:
            heap_mb = max(MIN_HEAP_MB, int(self._memory_mb * HEAP_SHARE_OF_MEMORY))
            args.append(f"--max-old-space-size={heap_mb}")
        args.append(str(runtime_js()))
        env = self._process_env(code_dir)
        self.process = RuntimeProcess(
            args, code_dir, env, self.id[:8], self._on_exit, self._memory_mb
        )
        pid = self.process.popen.pid
        host_stats().instance_started(self._function_name, pid)
        if not self.process.alive:  # exited before it was counted: _on_exit ran first
            host_stats().instance_gone(self._function_name, pid)

    def _respawn(self) -> InvocationResult | None:
        """A fresh runtime for this environment after a timeout or a crash; None when ready."""
        self.executor_endpoint.reset_startup()
        self._spawn()
        try:
            self.executor_endpoint.startup_future.result(
                timeout=config.LAMBDA_RUNTIME_ENVIRONMENT_TIMEOUT
            )
        except StatusErrorException as e:
            return InvocationResult(request_id="", payload=e.payload, is_error=True, logs="")
        except concurrent.futures.TimeoutError:
            self.process.kill()
            message = "runtime did not become ready"
            payload = error_json("Runtime.InitTimeout", message)
            return InvocationResult(request_id="", payload=payload, is_error=True, logs="")
        return None

    def _on_exit(self, process: RuntimeProcess, code: int) -> None:
        """Counts the process gone (and its out-of-memory kill, whenever it came: during an
        invocation, or between two, from code one left running); an exit before ready fails
        the start (a no-op if the runtime reported first)."""
        host_stats().instance_gone(self._function_name, process.popen.pid, process.out_of_memory)
        if process is self.process and not self._stopped:
            exited = f"Runtime exited with error: exit status {code}"
            self.executor_endpoint.fail_startup_on_exit(error_json("Runtime.ExitError", exited))

    # ---- invoke ---------------------------------------------------------------------------
    def invoke(self, payload: dict[str, str]) -> InvocationResult:
        stats = host_stats()
        started = stats.invocation_started(self._function_name)
        outcome = "error"
        process = self.process
        try:
            result = self._invoke(payload)
            process = self.process  # a fresh one, when the call started one
            if not result.is_error:
                outcome = "ok"
            elif _is_timeout(result.payload):
                outcome = "timeout"
            return result
        finally:
            used = process.max_memory_mb if process is not None else 0
            memory = Memory(used, self._memory_mb)
            stats.invocation_ended(self._function_name, started, outcome, memory)

    def _invoke(self, payload: dict[str, str]) -> InvocationResult:
        request_id = payload.get("invoke-id", "")
        with self._lock:
            if self._stopped:
                raise LambdaRuntimeException(f"host executor {self.id} is stopped")
            if self.process is None or not self.process.alive:
                failed = self._respawn()
                if failed is not None:
                    failed.request_id = request_id
                    return failed
            process = self.process
            mark = process.lines_seen
            timeout = float(self.function_version.config.timeout or DEFAULT_TIMEOUT_SEC)
            grace = settings().timeout_grace_sec
            started = time.time()
            try:
                result = self.executor_endpoint.invoke_with_deadline(payload, timeout + grace)
            except InvocationDeadlineError:
                LOG.warning(
                    "host executor %s: %s still running %ss after its timeout; killing it",
                    self.id,
                    request_id,
                    grace,
                )
                process.kill(force=True)
                logs = self._timeout_logs(process, mark, request_id, timeout, started)
                payload = _timeout_json(request_id, timeout)
                return InvocationResult(request_id, payload, is_error=True, logs=logs)
            except RuntimeGoneError:
                # process.exit() in a handler, out of memory, a crash: the invocation fails,
                # once the exit is counted (_on_exit), so the figures hold it when it returns.
                code = process.popen.wait(timeout=KILL_WAIT_SEC)
                process.exit_reported.wait(timeout=KILL_WAIT_SEC)
                message = f"RequestId: {request_id} Error: Runtime exited with error: exit status {code}"
                payload = error_json("Runtime.ExitError", message)
                if process.out_of_memory:
                    killed = f"RequestId: {request_id} Error: Runtime exited with error: signal: killed"
                    payload = error_json("Runtime.OutOfMemory", killed)
                return InvocationResult(
                    request_id, payload, is_error=True, logs=process.output_since(mark)
                )
            if result.is_error and _is_timeout(result.payload):
                # The runtime exits after reporting its timeout; the next invoke starts afresh.
                process.kill()
            return result

    def _timeout_logs(
        self, process: RuntimeProcess, mark: int, request_id: str, timeout: float, started: float
    ) -> str:
        """The lines the runtime would have sent, for one that was killed instead."""
        version = self.env_vars.get("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST")
        now = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
        captured = process.output_since(mark)
        if not captured.startswith("START "):
            captured = f"START RequestId: {request_id} Version: {version}\n" + captured
        duration = (time.time() - started) * 1000
        return (
            captured
            + f"{now} {request_id} Task timed out after {timeout:.2f} seconds\n"
            + f"END RequestId: {request_id}\n"
            + f"REPORT RequestId: {request_id}\tDuration: {duration:.2f} ms\t"
            + f"Billed Duration: {int(duration) + 1} ms\tMemory Size: {self._memory_mb} MB\t"
            + f"Max Memory Used: {process.max_memory_mb} MB\n"
        )

    # ---- addresses ------------------------------------------------------------------------
    def get_address(self) -> str:
        return "127.0.0.1"

    def get_endpoint_from_executor(self) -> str:
        host = config.GATEWAY_LISTEN[0].host
        return "127.0.0.1" if host in ("", "0.0.0.0", "::") else host

    def get_runtime_endpoint(self) -> str:
        return (
            f"http://{self.get_endpoint_from_executor()}:{config.GATEWAY_LISTEN[0].port}"
            f"{self.executor_endpoint.get_endpoint_prefix()}"
        )

    def get_logs(self) -> str:
        return self.process.output() if self.process is not None else ""

    # ---- helpers --------------------------------------------------------------------------
    def _code_dir(self) -> Path:
        code = self.function_version.config.code
        if code is None:
            raise LambdaRuntimeException("host executor: the function has no zip code")
        return Path(code.get_unzipped_code_location())

    def _process_env(self, code_dir: Path) -> dict[str, str]:
        host = settings()
        env = {k: os.environ[k] for k in host.inherit_env if k in os.environ}
        env.update(self.env_vars)
        # The Docker paths LocalStack sets (/var/task, /var/runtime) do not exist here.
        env["LAMBDA_TASK_ROOT"] = str(code_dir)
        env["LAMBDA_RUNTIME_DIR"] = str(runtime_js().parent)
        if "NODE_PATH" not in self.env_vars:
            env["NODE_PATH"] = os.pathsep.join(p for p in (host.node_path, str(code_dir)) if p)
        env["LOCALSTACK_INTEROP_HOST"] = "127.0.0.1"
        # LocalStack sets "AWS_Lambda_rapid" and leaves the rest to the runtime, as on AWS,
        # where the Node.js runtime sets AWS_Lambda_nodejs24.x (say).
        if env.get("AWS_EXECUTION_ENV") == "AWS_Lambda_rapid":
            env["AWS_EXECUTION_ENV"] = f"AWS_Lambda_{self.function_version.config.runtime}"
        return env

    # ---- class level ----------------------------------------------------------------------
    @classmethod
    def prepare_version(cls, function_version: FunctionVersion) -> None:
        cfg = function_version.config
        if cfg.package_type != PackageType.Zip:
            raise LambdaRuntimeException("host executor: only Zip packages are supported")
        runtime = str(cfg.runtime or "")
        if not runtime.startswith("nodejs"):
            raise LambdaRuntimeException(
                f"host executor: only nodejs* runtimes are supported, not {runtime!r}"
            )
        if cfg.layers:
            LOG.warning("host executor: layers are ignored for %s", function_version.qualified_arn)
        runtime_js()
        node_for(runtime)  # chosen and logged once per runtime major (node.py)
        if cfg.code:
            cfg.code.prepare_for_execution()  # unzips into $TMP/lambda/<bucket>/<id>/code once

    @classmethod
    def cleanup_version(cls, function_version: FunctionVersion) -> None:
        pass

    @classmethod
    def validate_environment(cls) -> bool:
        try:
            node = node_bin()
            runtime = runtime_js()
        except LambdaRuntimeException as e:
            LOG.warning("%s", e)
            return False
        LOG.info("Lambda host executor: node %s (%s), runtime %s", node_version(node), node, runtime)
        return True
