"""The LocalStack side of one host execution environment: LocalStack's own
``ExecutorEndpoint`` (the ``/_localstack_lambda/<id>/status/...`` routes and the startup
future, ``services/lambda_/invocation/executor_endpoint.py`` at v4.13.1) with two changes.

* The ready callback carries the port the runtime listens on: a free port it picked itself,
  so there is no race for ports between many environments.
* An invocation is one HTTP exchange: the runtime answers ``POST /invoke`` with the result,
  where Docker's Go init answers "OK" at once and posts the result back to the gateway later.
  That saves one round trip through LocalStack's gateway per invocation, and lets the wait end
  at the function's deadline (LocalStack's waits 905 s for any function). It goes over one
  kept-alive ``http.client`` connection: ``requests`` cost 2 ms of GIL time per invocation.
  The answer's headers say ``RESULT`` (response or error) and ``LOGS_LENGTH``: the body is
  the invocation's logs, then the payload.
"""

import concurrent.futures
import http.client
import json
import logging

from localstack.http import Response
from localstack.services.lambda_.invocation.executor_endpoint import (
    ExecutorEndpoint,
    InvokeSendError,
    StatusErrorException,
)
from localstack.services.lambda_.invocation.lambda_models import InvocationResult

LOG = logging.getLogger(__name__)

# Must equal runtime/main.ts.
RESULT = "X-Host-Runtime-Result"
LOGS_LENGTH = "X-Host-Runtime-Logs-Length"
CONNECT_TIMEOUT_SEC = 5


class RuntimeGoneError(Exception):
    """The runtime closed the connection without an answer: it exited mid-invocation."""


class InvocationDeadlineError(Exception):
    """No answer by the deadline (timeout + grace): a handler blocking the event loop."""


def error_json(error_type: str, message: str) -> bytes:
    return json.dumps({"errorType": error_type, "errorMessage": message}).encode()


def accepted() -> Response:
    return Response(status=202)


class HostExecutorEndpoint(ExecutorEndpoint):
    def __init__(self, executor_id: str):
        super().__init__(executor_id, container_address="127.0.0.1", container_port=None)
        self._connection: http.client.HTTPConnection | None = None

    def status_ready(self, request, executor_id: str):
        try:
            port = int(json.loads(request.data or b"{}")["port"])
        except (ValueError, KeyError, TypeError) as e:
            self._fail_startup(f"host runtime sent an unusable ready body: {e}", request.data or b"")
            return accepted()
        self.container_port = port
        self._close()  # a new runtime process: a new port
        if not self.startup_future.done():
            self.startup_future.set_result(True)
        return accepted()

    def status_error(self, request, executor_id: str):
        # As LocalStack's, but a second report (the exit that follows the error) is harmless.
        LOG.warning("Host execution environment %s failed to start: %s", executor_id, request.data)
        self._fail_startup("Environment startup failed", request.data)
        return accepted()

    def _fail_startup(self, message: str, payload: bytes) -> None:
        if self.startup_future is not None and not self.startup_future.done():
            self.startup_future.set_exception(StatusErrorException(message, payload=payload))

    def fail_startup_on_exit(self, payload: bytes) -> None:
        self._fail_startup("host runtime exited during startup", payload)

    def reset_startup(self) -> None:
        self.startup_future = concurrent.futures.Future()

    def _close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    def invoke_with_deadline(self, payload: dict, wait_seconds: float) -> InvocationResult:
        body = json.dumps(payload).encode()
        headers = {"Content-Type": "application/json"}
        # A kept-alive connection may have been closed by the runtime meanwhile (it keeps them
        # open, but a socket can still go): one retry on a fresh connection, before any answer.
        for reused in (self._connection is not None, False):
            if self._connection is None:
                self._connection = http.client.HTTPConnection(
                    self.container_address, self.container_port, timeout=CONNECT_TIMEOUT_SEC
                )
            connection = self._connection
            try:
                if connection.sock is None:
                    connection.connect()
                connection.sock.settimeout(wait_seconds)
                connection.request("POST", "/invoke", body, headers)
                response = connection.getresponse()
                data = response.read()
            except TimeoutError as e:
                self._close()
                raise InvocationDeadlineError(str(e)) from e
            except (OSError, http.client.HTTPException) as e:
                self._close()
                if reused and isinstance(e, (http.client.RemoteDisconnected, BrokenPipeError)):
                    continue
                raise RuntimeGoneError(str(e)) from e
            break
        kind = response.getheader(RESULT)
        if response.status != 200 or kind not in ("response", "error"):
            raise InvokeSendError(f"host runtime refused invoke: HTTP {response.status}")
        split = int(response.getheader(LOGS_LENGTH) or "0")
        logs = data[:split].decode("utf-8", "replace")
        return InvocationResult(
            payload.get("invoke-id", ""), data[split:], is_error=kind == "error", logs=logs
        )

    def shutdown(self) -> None:
        super().shutdown()
        self._close()
